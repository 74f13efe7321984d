"""The function, version and alias operations of :class:`lambdasim.aws.client.LambdaClient`.

``CreateFunction``, ``UpdateFunctionConfiguration``, ``UpdateFunctionCode``,
``GetFunctionConfiguration``, ``DeleteFunction``, ``PublishVersion`` and ``CreateAlias`` change the
simulation's functions through the engine, and keep beside it what only AWS reports (role, runtime,
handler, code size and hash, revision ids): :class:`FunctionOperations` is mixed into the client.
"""

from __future__ import annotations

import base64
import hashlib
import weakref
from datetime import datetime
from typing import Any

from lambdasim.model import errors
from lambdasim.model.functions import FunctionConfig
from lambdasim.records import RequestIds

__all__ = ["FunctionOperations", "config_changes"]

LATEST = "$LATEST"
_FIELDS = {"timeout_s": "Timeout", "memory_mb": "MemorySize", "architecture": "Architectures",
           "dead_letter_target_arn": "DeadLetterConfig.TargetArn"}


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
    return changes


class _State:
    """What the client keeps beside the simulation: function metadata and id counters."""

    def __init__(self, sim: Any) -> None:
        seed = int(sim.scenario.seed)
        self.request_ids = RequestIds(seed, stream=3)
        self.revision_ids = RequestIds(seed, stream=4)
        self.requests = 0
        self.revisions = 0
        self.meta: dict[tuple[str, str], dict] = {}    # (function, version) -> AWS-only attributes


_STATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _state(sim: Any) -> _State:
    state = _STATES.get(sim)
    if state is None:
        state = _STATES[sim] = _State(sim)
    return state


def _read_blob(value: Any) -> bytes:
    if hasattr(value, "read"):
        value = value.read()
    return value.encode() if isinstance(value, str) else bytes(value)


def _sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


class FunctionOperations:
    """The client's function, version and alias operations.

    A mixin of :class:`~lambdasim.aws.client.LambdaClient`.

    The host class provides ``_sim`` (the simulation), ``_state`` (its ``_State``), ``_call`` (a
    request's validation and round trip through the wire) and the name helpers ``_target`` and
    ``_unqualified``.
    """

    _sim: Any
    _state: _State

    # -- boto3 methods -------------------------------------------------------------------------------

    def create_function(self, *args: Any, **kwargs: Any) -> dict:
        """Add a function (``Timeout``, ``MemorySize``, ``Architectures``, ``DeadLetterConfig``)."""
        return self._call("CreateFunction", args, kwargs)

    def update_function_configuration(self, *args: Any, **kwargs: Any) -> dict:
        """Change ``$LATEST``'s ``Timeout``, ``MemorySize`` or ``DeadLetterConfig``."""
        return self._call("UpdateFunctionConfiguration", args, kwargs)

    def update_function_code(self, *args: Any, **kwargs: Any) -> dict:
        """Change ``$LATEST``'s code and ``Architectures`` (the code itself is not run)."""
        return self._call("UpdateFunctionCode", args, kwargs)

    def get_function_configuration(self, *args: Any, **kwargs: Any) -> dict:
        """The configuration of ``$LATEST``, a version or an alias's version."""
        return self._call("GetFunctionConfiguration", args, kwargs)

    def delete_function(self, *args: Any, **kwargs: Any) -> dict:
        """Delete a function, or one of its versions."""
        return self._call("DeleteFunction", args, kwargs)

    def publish_version(self, *args: Any, **kwargs: Any) -> dict:
        """Publish ``$LATEST`` as the next numbered version."""
        return self._call("PublishVersion", args, kwargs)

    def create_alias(self, *args: Any, **kwargs: Any) -> dict:
        """Point a new alias at a version."""
        return self._call("CreateAlias", args, kwargs)

    # -- operations ----------------------------------------------------------------------------------

    def _meta(self, name: str, version: str) -> dict:
        """The AWS-only attributes of a function version (role, runtime, code hash, ...)."""
        key = (name, version)
        meta = self._state.meta.get(key)
        if meta is None:
            meta = self._state.meta[key] = {
                "Role": f"arn:aws:iam::{self._sim.scenario.account.account_id}:role/lambdasim",
                "CodeSize": 0, "CodeSha256": _sha256(name.encode()),
                "LastModified": _iso(self._sim.wall_time(0.0)), "RevisionId": self._revision(),
                "PackageType": "Zip"}
        return meta

    def _revision(self) -> str:
        self._state.revisions += 1
        return self._state.revision_ids(self._state.revisions)

    def _touch(self, name: str, p: dict, code: bool = False) -> None:
        """Record what a create/update request says about the function that the engine does not hold."""
        meta = self._meta(name, LATEST)
        for key in ("Role", "Runtime", "Handler", "Description", "PackageType"):
            if p.get(key) is not None:
                meta[key] = p[key]
        if p.get("Environment") is not None:
            meta["Environment"] = {"Variables": dict(p["Environment"].get("Variables") or {})}
        if code:
            source = p.get("Code", p)
            blob = _read_blob(source["ZipFile"]) if source.get("ZipFile") is not None else None
            text = source.get("ImageUri") or f"{source.get('S3Bucket')}/{source.get('S3Key')}"
            meta["CodeSize"] = len(blob) if blob is not None else 0
            meta["CodeSha256"] = _sha256(blob if blob is not None else text.encode())
        meta["LastModified"] = _iso(self._sim.wall_time())
        meta["RevisionId"] = self._revision()

    def _function_output(self, name: str, qualifier: str | None = None) -> dict:
        sim = self._sim
        version = sim.resolve_version(name, qualifier)
        config = sim.function_config(name, qualifier)
        meta = self._meta(name, version)
        out: dict[str, Any] = {"FunctionName": name,
                               "FunctionArn": sim.scenario.function_arn(name, qualifier)}
        out.update((k, meta[k]) for k in ("Runtime", "Role", "Handler") if k in meta)
        out.update({"CodeSize": meta["CodeSize"], "Description": meta.get("Description", ""),
                    "Timeout": config.timeout_s, "MemorySize": config.memory_mb,
                    "LastModified": meta["LastModified"], "CodeSha256": meta["CodeSha256"],
                    "Version": version})
        if config.dead_letter_target_arn:
            out["DeadLetterConfig"] = {"TargetArn": config.dead_letter_target_arn}
        if "Environment" in meta:
            out["Environment"] = meta["Environment"]
        out.update({"TracingConfig": {"Mode": "PassThrough"}, "RevisionId": meta["RevisionId"],
                    "State": "Active", "LastUpdateStatus": "Successful", "PackageType": meta["PackageType"],
                    "Architectures": [config.architecture], "EphemeralStorage": {"Size": 512}})
        return out

    @staticmethod
    def _renamed(error: errors.InvalidParameterValueException) -> errors.InvalidParameterValueException:
        """An engine config error named by the AWS parameter instead of the dataclass field."""
        field = str(error.fields.get("field", "")).rsplit(".", 1)[-1]
        if field not in _FIELDS:
            return error
        value, allowed = error.fields.get("value"), error.fields.get("allowed")
        return errors.InvalidParameterValueException(
            f"{_FIELDS[field]}: {value!r} is not valid; allowed: {allowed}")

    def _publish(self, name: str, description: str | None = None) -> dict:
        version = self._sim.publish_version(name)
        meta = dict(self._meta(name, LATEST), RevisionId=self._revision())
        if description is not None:
            meta["Description"] = description
        self._state.meta[(name, version)] = meta
        return self._function_output(name, version)

    def _create_function(self, p: dict) -> dict:
        name, qualifier = self._sim.parse_function(p["FunctionName"])
        if qualifier is not None:
            raise errors.InvalidParameterValueException(
                f"CreateFunction takes an unqualified function name, not {p['FunctionName']}")
        try:
            config = FunctionConfig(**config_changes(p))
        except errors.InvalidParameterValueException as error:
            raise self._renamed(error) from None
        self._sim.create_function(name, config)
        for key in [k for k in self._state.meta if k[0] == name]:
            del self._state.meta[key]
        self._touch(name, p, code=True)
        return self._publish(name) if p.get("Publish") else self._function_output(name)

    def _update_function_configuration(self, p: dict) -> dict:
        name = self._unqualified(p["FunctionName"], "UpdateFunctionConfiguration")
        try:
            self._sim.update_function(name, **config_changes(p))
        except errors.InvalidParameterValueException as error:
            raise self._renamed(error) from None
        self._touch(name, p)
        return self._function_output(name)

    def _update_function_code(self, p: dict) -> dict:
        name = self._unqualified(p["FunctionName"], "UpdateFunctionCode")
        if not p.get("DryRun"):
            self._sim.update_function(name, **config_changes(p))
            self._touch(name, {"Code": p}, code=any(p.get(k) for k in ("ZipFile", "ImageUri", "S3Bucket")))
        return self._publish(name) if p.get("Publish") else self._function_output(name)

    def _get_function_configuration(self, p: dict) -> dict:
        name, qualifier = self._target(p["FunctionName"], p.get("Qualifier"))
        return self._function_output(name, qualifier)

    def _delete_function(self, p: dict) -> dict:
        name, qualifier = self._target(p["FunctionName"], p.get("Qualifier"))
        self._sim.delete_function(name, qualifier)
        for key in [k for k in self._state.meta if k[0] == name and qualifier in (None, LATEST, k[1])]:
            del self._state.meta[key]
        return {"StatusCode": 204}

    def _publish_version(self, p: dict) -> dict:
        return self._publish(self._unqualified(p["FunctionName"], "PublishVersion"), p.get("Description"))

    def _create_alias(self, p: dict) -> dict:
        name = self._unqualified(p["FunctionName"], "CreateAlias")
        if (p.get("RoutingConfig") or {}).get("AdditionalVersionWeights"):
            raise errors.InvalidParameterValueException(
                "lambdasim does not simulate weighted aliases: leave out RoutingConfig")
        self._sim.create_alias(name, p["Name"], p["FunctionVersion"])
        return {"AliasArn": self._sim.scenario.function_arn(name, p["Name"]), "Name": p["Name"],
                "FunctionVersion": p["FunctionVersion"], "Description": p.get("Description", ""),
                "RevisionId": self._revision()}
