"""The concurrency operations: a function's reserved concurrency, and the account's settings.

``PutFunctionConcurrency`` reserves concurrency for a whole function (floor and ceiling; at least
100 stays unreserved, :func:`lambdasim.model.rules.check_reservation`, checked by the engine),
``GetFunctionConcurrency`` and ``DeleteFunctionConcurrency`` read and release it, and
``GetAccountSettings`` reports the limit and what is left unreserved. A version or alias (a
qualified name) is refused with AWS's "This operation is permitted on Lambda functions only. ..."
(recorded for ``PutFunctionConcurrency``; Get and Delete give the same answer here, a choice).
"""

from __future__ import annotations

from collections.abc import Callable

from lambdasim.aws.service import LambdaService
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


#: The operations this module serves, by API name.
HANDLERS: dict[str, Callable[[LambdaService, dict], dict]] = {
    "PutFunctionConcurrency": put_function_concurrency, "GetFunctionConcurrency": get_function_concurrency,
    "DeleteFunctionConcurrency": delete_function_concurrency, "GetAccountSettings": get_account_settings,
}
