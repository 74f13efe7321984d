"""The ``Invoke`` operation: Event (202, queued), RequestResponse (200, run now) and DryRun (204).

The payload must be JSON (else ``InvalidRequestContentException``); an Event payload is checked
against the async limit by the engine's queue, a RequestResponse payload against the 6 MB limit
here and in the engine (:mod:`lambdasim.model.rules`). The request id of an Event invoke is the
event's id, the ``requestContext.requestId`` of its invocation record (spec §15.8), a choice
where AWS is silent. ``LogType: Tail`` returns the START, END and REPORT lines.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable

from lambdasim.aws.service import LambdaService, read_blob
from lambdasim.model import errors, rules

__all__ = ["HANDLERS", "invoke"]


def invoke(service: LambdaService, p: dict) -> dict:
    """``Invoke``."""
    sim = service.sim
    name, qualifier = service.target(p["FunctionName"], p.get("Qualifier"))
    kind = p.get("InvocationType", "RequestResponse")
    raw = read_blob(p.get("Payload", b""))
    payload = None
    if raw:
        try:
            payload = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise errors.InvalidRequestContentException(
                "Could not parse request body into json: Could not parse payload into json: "
                f"{exc}") from None
    if kind == "DryRun":
        sim.dry_run(name, qualifier)
        return {"StatusCode": 204, "Payload": b""}
    if kind == "Event":
        # The bytes as sent go with the event: a DLQ receives them exactly (AWS's MD5OfBody).
        request_id = sim.invoke(name, payload, qualifier, payload_size_bytes=len(raw) or None,
                                raw_payload=raw or None)
        return {"StatusCode": 202, "Payload": b"", "_RequestId": request_id}
    rules.check_sync_payload(len(raw))
    result = sim.invoke_sync(name, payload, qualifier)
    output = {"StatusCode": result["status_code"], "Payload": json.dumps(result["payload"]).encode(),
              "ExecutedVersion": result["executed_version"], "_RequestId": result["request_id"]}
    if result["function_error"]:
        output["FunctionError"] = result["function_error"]
    if p.get("LogType") == "Tail":
        output["LogResult"] = _log_tail(service, name, qualifier, result)
    return output


def _log_tail(service: LambdaService, name: str, qualifier: str | None, result: dict) -> str:
    """The base64 log AWS returns with ``LogType: Tail``: START, END and REPORT lines."""
    sim = service.sim
    rid, version = result["request_id"], result["executed_version"]
    init, run = result["init_s"], result["duration_s"]
    memory = sim.function_config(name, qualifier).memory_mb
    report = (f"REPORT RequestId: {rid}\tDuration: {run * 1000:.2f} ms\tBilled Duration: "
              f"{math.ceil(run * 1000 - 1e-6)} ms\tMemory Size: {memory} MB")
    if init:
        report += f"\tInit Duration: {init * 1000:.2f} ms"
    text = f"START RequestId: {rid} Version: {version}\nEND RequestId: {rid}\n{report}\t\n"
    return base64.b64encode(text.encode()[-4096:]).decode()


#: The operation this module serves, by API name.
HANDLERS: dict[str, Callable[[LambdaService, dict], dict]] = {"Invoke": invoke}
