"""The function, version and alias operations.

``CreateFunction``, ``UpdateFunctionConfiguration``, ``UpdateFunctionCode``,
``GetFunctionConfiguration``, ``DeleteFunction``, ``PublishVersion`` and the alias operations
(``CreateAlias``, ``UpdateAlias``, ``GetAlias``, ``ListAliases``, ``DeleteAlias``) change the
simulation's functions through the engine, and keep in the :class:`~lambdasim.aws.service.LambdaService`
what only AWS reports (role, runtime, handler, code size and hash, revision ids). Functions a
scenario defines (rather than ``CreateFunction``) report a placeholder role and no runtime or
handler; code is never run from ``Code`` (the simulated handler is the scenario's).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from lambdasim.aws.service import LambdaService, iso, read_blob, sha256
from lambdasim.model import errors, rules
from lambdasim.model.functions import FunctionConfig
from lambdasim.model.rules import LATEST

__all__ = ["HANDLERS", "config_changes"]

#: The page size of the List operations when ``MaxItems`` is left out.
_PAGE = 50

_FIELDS = {"timeout_s": "Timeout", "memory_mb": "MemorySize", "architecture": "Architectures",
           "dead_letter_target_arn": "DeadLetterConfig.TargetArn", "environment": "Environment.Variables"}


def config_changes(p: dict) -> dict:
    """The :class:`~lambdasim.model.functions.FunctionConfig` fields a create/update request sets."""
    changes: dict[str, Any] = {}
    if p.get("Timeout") is not None:
        changes["timeout_s"] = p["Timeout"]
    if p.get("MemorySize") is not None:
        changes["memory_mb"] = p["MemorySize"]
    if p.get("Architectures") is not None:
        changes["architecture"] = p["Architectures"][0]
    if p.get("DeadLetterConfig") is not None:
        changes["dead_letter_target_arn"] = p["DeadLetterConfig"].get("TargetArn") or None
    if p.get("Environment") is not None:
        changes["environment"] = dict(p["Environment"].get("Variables") or {})
    return changes


def _renamed(error: errors.InvalidParameterValueException) -> errors.InvalidParameterValueException:
    """An engine config error named by the AWS parameter instead of the dataclass field."""
    field = str(error.fields.get("field", "")).rsplit(".", 1)[-1]
    if field not in _FIELDS:
        return error
    value, allowed = error.fields.get("value"), error.fields.get("allowed")
    return errors.InvalidParameterValueException(
        f"{_FIELDS[field]}: {value!r} is not valid; allowed: {allowed}")


def _touch(service: LambdaService, name: str, p: dict, code: bool = False) -> None:
    """Record what a create/update request says about the function that the engine does not hold."""
    meta = service.meta_of(name, LATEST)
    for key in ("Role", "Runtime", "Handler", "Description", "PackageType"):
        if p.get(key) is not None:
            meta[key] = p[key]
    if code:
        source = p.get("Code", p)
        blob = read_blob(source["ZipFile"]) if source.get("ZipFile") is not None else None
        text = source.get("ImageUri") or f"{source.get('S3Bucket')}/{source.get('S3Key')}"
        meta["CodeSize"] = len(blob) if blob is not None else 0
        meta["CodeSha256"] = sha256(blob if blob is not None else text.encode())
    meta["LastModified"] = iso(service.sim.wall_time())
    service.changed(name)


def _output(service: LambdaService, name: str, qualifier: str | None = None) -> dict:
    sim = service.sim
    version = sim.resolve_version(name, qualifier)
    config = sim.function_config(name, qualifier, requested=True)
    meta = service.meta_of(name, version)
    out: dict[str, Any] = {"FunctionName": name, "FunctionArn": service.arn(name, qualifier)}
    out.update((k, meta[k]) for k in ("Runtime", "Role", "Handler") if k in meta)
    out.update({"CodeSize": meta["CodeSize"], "Description": meta.get("Description", ""),
                "Timeout": config.timeout_s, "MemorySize": config.memory_mb,
                "LastModified": meta["LastModified"], "CodeSha256": meta["CodeSha256"],
                "Version": version})
    if config.dead_letter_target_arn:
        out["DeadLetterConfig"] = {"TargetArn": config.dead_letter_target_arn}
    if config.environment:
        out["Environment"] = {"Variables": dict(config.environment)}
    out.update({"TracingConfig": {"Mode": "PassThrough"}, "RevisionId": meta["RevisionId"]})
    state = _state(sim.function_state(name, qualifier))
    out.update((key, value) for key, value in state if value is not None)
    out.update({"PackageType": meta["PackageType"], "Architectures": [config.architecture],
                "EphemeralStorage": {"Size": 512}})
    return out


def _state(state: dict) -> list[tuple[str, str | None]]:
    """The state fields of a function configuration, in AWS's order, from the engine's
    :meth:`~lambdasim.engine.control.ControlPlane.function_state` (None: AWS leaves the field out)."""
    return [("State", state["state"]), ("StateReason", state["state_reason"]),
            ("StateReasonCode", state["state_reason_code"]),
            ("LastUpdateStatus", state["last_update_status"]),
            ("LastUpdateStatusReason", state["last_update_status_reason"]),
            ("LastUpdateStatusReasonCode", state["last_update_status_reason_code"])]


#: What a version is published with beside the engine's configuration: a change to any of them on
#: ``$LATEST`` (UpdateFunctionCode, UpdateFunctionConfiguration) makes the next PublishVersion publish.
_PUBLISHED_WITH = ("CodeSha256", "Role", "Runtime", "Handler", "PackageType", "Description")


def _published_from(meta: dict) -> tuple:
    """The attributes of ``$LATEST`` (its ``meta``) a version is published from; RevisionId and
    LastModified are not among them (a state change alone publishes nothing, as recorded)."""
    return tuple(meta.get(key, "") for key in _PUBLISHED_WITH)


def _publish(service: LambdaService, name: str, description: str | None = None,
             version: str | None = None) -> dict:
    """Publish ``$LATEST`` (or record ``version``, already published by the engine) with its metadata.

    When neither the code nor the configuration changed since the newest version, AWS publishes
    none and answers with that version as it is (its own description and RevisionId; the
    request's ``Description`` is not applied), so the engine is told what changed beside it.
    """
    latest = service.meta_of(name, LATEST)
    if version is None:
        versions = service.sim.versions(name)[1:]
        newest = max(versions, key=int) if versions else None
        changed = newest is None or _published_from(latest) != service.meta_of(name, newest).get(
            "PublishedFrom", _published_from(service.meta_of(name, newest)))
        version = service.sim.publish_version(name, code_changed=changed)
        if version == newest:
            return _output(service, name, version)
    meta = dict(latest, RevisionId=service.next_revision(), PublishedFrom=_published_from(latest))
    if description is not None:
        meta["Description"] = description
    service.meta[(name, version)] = meta
    latest["RevisionId"] = service.next_revision()  # a publish changes $LATEST's too (recorded)
    return _output(service, name, version)


def create_function(service: LambdaService, p: dict) -> dict:
    """``CreateFunction`` (``Timeout``, ``MemorySize``, ``Architectures``, ``DeadLetterConfig``,
    ``Environment``)."""
    name, qualifier = rules.parse_function(p["FunctionName"])
    if qualifier is not None:
        raise errors.InvalidParameterValueException(
            f"CreateFunction takes an unqualified function name, not {p['FunctionName']}")
    try:
        config = FunctionConfig(**config_changes(p))
    except errors.InvalidParameterValueException as error:
        raise _renamed(error) from None
    service.sim.create_function(name, config, publish=bool(p.get("Publish")))
    service.forget(name)
    _touch(service, name, p, code=True)
    if not p.get("Publish"):
        return _output(service, name)
    # AWS answers with the published version's configuration under the unqualified ARN (recorded).
    return {**_publish(service, name, version="1"), "FunctionArn": service.arn(name)}


def update_function_configuration(service: LambdaService, p: dict) -> dict:
    """``UpdateFunctionConfiguration``: ``$LATEST``'s ``Timeout``, ``MemorySize``, ``DeadLetterConfig``,
    ``Environment`` (its ``Variables`` replace the old ones whole, as in AWS)."""
    name = service.unqualified(p["FunctionName"], "UpdateFunctionConfiguration")
    service.check_revision(name, p.get("RevisionId"))
    try:
        service.sim.update_function(name, **config_changes(p))
    except errors.InvalidParameterValueException as error:
        raise _renamed(error) from None
    _touch(service, name, p)
    return _output(service, name)


def update_function_code(service: LambdaService, p: dict) -> dict:
    """``UpdateFunctionCode``: ``$LATEST``'s code and ``Architectures`` (the code itself is not run)."""
    name = service.unqualified(p["FunctionName"], "UpdateFunctionCode")
    service.check_revision(name, p.get("RevisionId"))
    if not p.get("DryRun"):
        # With Publish the new code is in force at once, so the version is published from it.
        service.sim.update_function(name, at_once=bool(p.get("Publish")), **config_changes(p))
        _touch(service, name, {"Code": p}, code=any(p.get(k) for k in ("ZipFile", "ImageUri", "S3Bucket")))
    return _publish(service, name) if p.get("Publish") else _output(service, name)


def get_function_configuration(service: LambdaService, p: dict) -> dict:
    """``GetFunctionConfiguration`` of ``$LATEST``, a version or an alias's version."""
    name, qualifier = service.target(p["FunctionName"], p.get("Qualifier"))
    return _output(service, name, qualifier)


def delete_function(service: LambdaService, p: dict) -> dict:
    """``DeleteFunction``: a function, or one of its versions."""
    name, qualifier = service.target(p["FunctionName"], p.get("Qualifier"))
    service.sim.delete_function(name, qualifier)
    service.forget(name, qualifier)
    return {"StatusCode": 204}


def publish_version(service: LambdaService, p: dict) -> dict:
    """``PublishVersion``: ``$LATEST`` as the next numbered version, refused when ``RevisionId`` (412)
    or ``CodeSha256`` (400) is given and is not ``$LATEST``'s, checked in that order."""
    name = service.unqualified(p["FunctionName"], "PublishVersion")
    service.check_revision(name, p.get("RevisionId"))
    if p.get("CodeSha256") is not None:
        service.sim.resolve_version(name)  # a function that does not exist is a 404 first
        rules.check_code_sha256(p["CodeSha256"], service.meta_of(name, LATEST)["CodeSha256"])
    return _publish(service, name, p.get("Description"))


def _weights(p: dict) -> dict[str, float] | None:
    """``RoutingConfig.AdditionalVersionWeights`` of a request (None when RoutingConfig is left out)."""
    if p.get("RoutingConfig") is None:
        return None
    return dict(p["RoutingConfig"].get("AdditionalVersionWeights") or {})


def _alias(service: LambdaService, name: str, alias: str) -> dict:
    """An alias as AWS answers it (``AliasConfiguration``): RoutingConfig only when it is weighted."""
    version = service.sim.aliases(name).get(alias)
    if version is None:
        raise rules.alias_not_found(service.arn(name, alias))
    meta = service.alias_meta(name, alias)
    out = {"AliasArn": service.arn(name, alias), "Name": alias, "FunctionVersion": version,
           "Description": meta["Description"]}
    weights = service.sim.alias_weights(name, alias)
    if weights:
        out["RoutingConfig"] = {"AdditionalVersionWeights": weights}
    out["RevisionId"] = meta["RevisionId"]
    return out


def create_alias(service: LambdaService, p: dict) -> dict:
    """``CreateAlias``: a name that points at a version, and at most one more with a weight."""
    name = service.unqualified(p["FunctionName"], "CreateAlias")
    service.sim.create_alias(name, p["Name"], p["FunctionVersion"], _weights(p))
    service.meta[(name, p["Name"])] = {"Description": p.get("Description", ""),
                                       "RevisionId": service.next_revision()}
    return _alias(service, name, p["Name"])


def update_alias(service: LambdaService, p: dict) -> dict:
    """``UpdateAlias``: its version, description and routing (``RoutingConfig`` given replaces it)."""
    name = service.unqualified(p["FunctionName"], "UpdateAlias")
    alias = p["Name"]
    if alias not in service.sim.aliases(name):
        raise rules.alias_not_found(service.arn(name, alias))
    service.check_revision(name, p.get("RevisionId"), alias)
    service.sim.update_alias(name, alias, p.get("FunctionVersion"), _weights(p))
    meta = service.alias_meta(name, alias)
    if p.get("Description") is not None:
        meta["Description"] = p["Description"]
    meta["RevisionId"] = service.next_revision()
    return _alias(service, name, alias)


def get_alias(service: LambdaService, p: dict) -> dict:
    """``GetAlias``."""
    name = service.unqualified(p["FunctionName"], "GetAlias")
    return _alias(service, name, p["Name"])


def delete_alias(service: LambdaService, p: dict) -> dict:
    """``DeleteAlias``: 204, also for an alias that does not exist (the function must)."""
    name = service.unqualified(p["FunctionName"], "DeleteAlias")
    service.sim.delete_alias(name, p["Name"])
    service.meta.pop((name, p["Name"]), None)
    return {"StatusCode": 204}


def _page(items: list[dict], key: str, p: dict, member: str) -> dict:
    """One page of ``items`` (already in AWS's order) by ``Marker`` / ``MaxItems`` (default 50): the
    marker is the base64 of the next item's ``key``, ``NextMarker`` only when more follow."""
    start = 0
    if p.get("Marker"):
        try:
            after = base64.urlsafe_b64decode(p["Marker"].encode()).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise rules.invalid_marker(p["Marker"]) from None
        keys = [item[key] for item in items]
        if after not in keys:
            raise rules.invalid_marker(p["Marker"])
        start = keys.index(after)
    size = p.get("MaxItems") or _PAGE
    out: dict[str, Any] = {member: items[start:start + size]}
    if start + size < len(items):
        out["NextMarker"] = base64.urlsafe_b64encode(items[start + size][key].encode()).decode()
    return out


def list_aliases(service: LambdaService, p: dict) -> dict:
    """``ListAliases`` by name, optionally of one ``FunctionVersion``, a page at a time."""
    name = service.unqualified(p["FunctionName"], "ListAliases")
    aliases = [_alias(service, name, a) for a in sorted(service.sim.aliases(name))]
    if p.get("FunctionVersion"):
        aliases = [a for a in aliases if a["FunctionVersion"] == p["FunctionVersion"]]
    return _page(aliases, "Name", p, "Aliases")


def get_function(service: LambdaService, p: dict) -> dict:
    """``GetFunction``: the configuration of ``$LATEST``, a version or an alias's version, where its
    code is, and the function's reserved concurrency when it has one."""
    name, qualifier = service.target(p["FunctionName"], p.get("Qualifier"))
    configuration = _output(service, name, qualifier)
    region = service.sim.scenario.account.region
    version = configuration["Version"]
    # AWS answers a presigned S3 URL valid for 10 minutes; the simulation has no code to fetch.
    location = (f"https://awslambda-{region}-tasks.s3.{region}.amazonaws.com/snapshots/"
                f"{service.sim.scenario.account.account_id}/{name}-{version}")
    out: dict[str, Any] = {"Configuration": configuration,
                           "Code": {"RepositoryType": "S3", "Location": location}}
    reserved = service.sim.get_reserved_concurrency(name)
    if reserved is not None:
        out["Concurrency"] = {"ReservedConcurrentExecutions": reserved}
    return out


def list_functions(service: LambdaService, p: dict) -> dict:
    """``ListFunctions``: each function's ``$LATEST`` by name (every version too with
    ``FunctionVersion="ALL"``), a page (``MaxItems``, ``Marker``) at a time."""
    sim = service.sim
    every = p.get("FunctionVersion") == "ALL"
    items = []
    for name in sorted(sim.function_names()):
        items.append(_output(service, name))
        if every:
            items.extend(_output(service, name, v) for v in sim.versions(name)[1:])
    for item in items:
        item["_key"] = f"{item['FunctionName']}:{item['Version']}"
    page = _page(items, "_key", p, "Functions")
    for item in items:
        del item["_key"]
    return page


def list_versions(service: LambdaService, p: dict) -> dict:
    """``ListVersionsByFunction``: ``$LATEST`` (its ARN qualified with ``$LATEST``), then each
    published version, a page at a time."""
    name = service.unqualified(p["FunctionName"], "ListVersionsByFunction")
    versions = [{**_output(service, name, v), "FunctionArn": service.arn(name, v)}
                for v in service.sim.versions(name)]
    return _page(versions, "Version", p, "Versions")


def get_recursion_config(service: LambdaService, p: dict) -> dict:
    """``GetFunctionRecursionConfig``: ``Terminate`` (AWS's default) or ``Allow``."""
    name = service.unqualified(p["FunctionName"], "GetFunctionRecursionConfig")
    return {"RecursiveLoop": service.sim.function_config(name).recursive_loop}


def put_recursion_config(service: LambdaService, p: dict) -> dict:
    """``PutFunctionRecursionConfig``: whether loop detection stops this function's loops (for the
    whole function, every version)."""
    name = service.unqualified(p["FunctionName"], "PutFunctionRecursionConfig")
    service.sim.set_recursive_loop(name, p["RecursiveLoop"])
    return {"RecursiveLoop": p["RecursiveLoop"]}


#: The operations this module serves, by API name.
HANDLERS: dict[str, Callable[[LambdaService, dict], dict]] = {
    "CreateFunction": create_function, "UpdateFunctionConfiguration": update_function_configuration,
    "UpdateFunctionCode": update_function_code, "GetFunctionConfiguration": get_function_configuration,
    "DeleteFunction": delete_function, "PublishVersion": publish_version, "CreateAlias": create_alias,
    "UpdateAlias": update_alias, "GetAlias": get_alias, "DeleteAlias": delete_alias,
    "ListAliases": list_aliases, "GetFunction": get_function, "ListFunctions": list_functions,
    "ListVersionsByFunction": list_versions, "GetFunctionRecursionConfig": get_recursion_config,
    "PutFunctionRecursionConfig": put_recursion_config,
}
