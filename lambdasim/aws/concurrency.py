"""The concurrency operations: a function's reserved concurrency, and the account's settings.

``PutFunctionConcurrency`` reserves concurrency for a whole function (floor and ceiling; at least
100 stays unreserved, :func:`lambdasim.model.rules.check_reservation`, checked by the engine),
``GetFunctionConcurrency`` and ``DeleteFunctionConcurrency`` read and release it, and
``GetAccountSettings`` reports the limit and what is left unreserved. A version or alias (a
qualified name) is refused with AWS's "This operation is permitted on Lambda functions only. ..."
(recorded for ``PutFunctionConcurrency``; Get and Delete give the same answer here, a choice).

``Put/Get/Delete/ListProvisionedConcurrencyConfig(s)`` configure provisioned concurrency on a
version or alias (:meth:`lambdasim.engine.control.ControlPlane.put_provisioned_concurrency`), with
AWS's errors: ``$LATEST`` → "Provisioned Concurrency Configs cannot be applied to unpublished
function versions.", more than the reserved concurrency → "Requested Provisioned Concurrency should
not be greater than the reservedConcurrentExecution for function", none configured → 404
``ProvisionedConcurrencyConfigNotFoundException``. Put answers as AWS does while it allocates
(``IN_PROGRESS``, nothing available yet; LocalStack's AWS-validated snapshots); allocation takes no
virtual time in this model, so Get and List answer ``READY`` with every environment available.
"""

from __future__ import annotations

from collections.abc import Callable

from lambdasim.aws.service import LambdaService, iso
from lambdasim.model import rules
from lambdasim.model.rules import LATEST

__all__ = ["HANDLERS"]

#: The account's code-size quotas as ``GetAccountSettings`` reports them (bytes).
_CODE_LIMITS = {"TotalCodeSize": 80530636800, "CodeSizeUnzipped": 262144000, "CodeSizeZipped": 52428800}


def put_function_concurrency(service: LambdaService, p: dict) -> dict:
    """``PutFunctionConcurrency``."""
    name = service.unqualified(p["FunctionName"], "PutFunctionConcurrency", rules.whole_function_only())
    reserved = service.sim.put_reserved_concurrency(name, p["ReservedConcurrentExecutions"])
    return {"ReservedConcurrentExecutions": reserved}


def get_function_concurrency(service: LambdaService, p: dict) -> dict:
    """``GetFunctionConcurrency`` (``{}`` when the function shares the unreserved pool)."""
    name = service.unqualified(p["FunctionName"], "GetFunctionConcurrency", rules.whole_function_only())
    reserved = service.sim.get_reserved_concurrency(name)
    return {} if reserved is None else {"ReservedConcurrentExecutions": reserved}


def delete_function_concurrency(service: LambdaService, p: dict) -> dict:
    """``DeleteFunctionConcurrency``: back to the unreserved pool."""
    name = service.unqualified(p["FunctionName"], "DeleteFunctionConcurrency", rules.whole_function_only())
    service.sim.delete_reserved_concurrency(name)
    return {}


def get_account_settings(service: LambdaService, p: dict) -> dict:
    """``GetAccountSettings``: the concurrency limit, what is unreserved, and code-size usage."""
    settings = service.sim.account_settings()
    names = service.sim.function_names()
    code_size = sum(service.meta_of(n, LATEST)["CodeSize"] for n in names)
    limit = {**_CODE_LIMITS, "ConcurrentExecutions": settings["concurrent_executions"],
             "UnreservedConcurrentExecutions": settings["unreserved_concurrent_executions"]}
    return {"AccountLimit": limit, "AccountUsage": {"TotalCodeSize": code_size, "FunctionCount": len(names)}}


def _qualified(service: LambdaService, p: dict) -> tuple[str, str]:
    name, qualifier = service.target(p["FunctionName"], p.get("Qualifier"))
    return name, qualifier or LATEST


def _config(service: LambdaService, config: dict) -> dict:
    return {"RequestedProvisionedConcurrentExecutions": config["requested"],
            "AvailableProvisionedConcurrentExecutions": config["available"],
            "AllocatedProvisionedConcurrentExecutions": config["allocated"], "Status": config["status"],
            "LastModified": iso(service.sim.wall_time(config["last_modified"]))}


def put_provisioned_concurrency_config(service: LambdaService, p: dict) -> dict:
    """``PutProvisionedConcurrencyConfig``: AWS's answer while it allocates (``IN_PROGRESS``)."""
    name, qualifier = _qualified(service, p)
    if qualifier == LATEST:
        raise rules.provisioned_on_latest()
    config = service.sim.put_provisioned_concurrency(name, qualifier, p["ProvisionedConcurrentExecutions"])
    return {**_config(service, config), "AvailableProvisionedConcurrentExecutions": 0,
            "AllocatedProvisionedConcurrentExecutions": 0, "Status": "IN_PROGRESS"}


def get_provisioned_concurrency_config(service: LambdaService, p: dict) -> dict:
    """``GetProvisionedConcurrencyConfig``."""
    name, qualifier = _qualified(service, p)
    return _config(service, service.sim.get_provisioned_concurrency(name, qualifier))


def delete_provisioned_concurrency_config(service: LambdaService, p: dict) -> dict:
    """``DeleteProvisionedConcurrencyConfig`` (204, no body)."""
    name, qualifier = _qualified(service, p)
    service.sim.delete_provisioned_concurrency(name, qualifier)
    return {}


def list_provisioned_concurrency_configs(service: LambdaService, p: dict) -> dict:
    """``ListProvisionedConcurrencyConfigs``: every configured version and alias (one page)."""
    name = service.unqualified(p["FunctionName"], "ListProvisionedConcurrencyConfigs")
    return {"ProvisionedConcurrencyConfigs": [
        {"FunctionArn": service.arn(name, qualifier), **_config(service, config)}
        for qualifier, config in service.sim.list_provisioned_concurrency(name)]}


#: The operations this module serves, by API name.
HANDLERS: dict[str, Callable[[LambdaService, dict], dict]] = {
    "PutFunctionConcurrency": put_function_concurrency, "GetFunctionConcurrency": get_function_concurrency,
    "DeleteFunctionConcurrency": delete_function_concurrency, "GetAccountSettings": get_account_settings,
    "PutProvisionedConcurrencyConfig": put_provisioned_concurrency_config,
    "GetProvisionedConcurrencyConfig": get_provisioned_concurrency_config,
    "DeleteProvisionedConcurrencyConfig": delete_provisioned_concurrency_config,
    "ListProvisionedConcurrencyConfigs": list_provisioned_concurrency_configs,
}
