"""The ``Invoke`` operation: Event (202, queued), RequestResponse (200, run now) and DryRun (204).

The payload must be strict JSON (else ``InvalidRequestContentException``, NaN and Infinity too); an
Event payload is checked against the async limit by the engine's queue, a RequestResponse payload
against the 6 MB limit here and in the engine (:mod:`lambdasim.model.rules`). The request id of an
Event invoke is the event's id, the ``requestContext.requestId`` of its invocation record
(docs/aws-behaviour.md §1), a choice where AWS is silent. ``LogType: Tail`` returns the execution
log (:func:`log_text`).
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable

from lambdasim.aws.service import LambdaService, read_blob
from lambdasim.model import rules

__all__ = ["HANDLERS", "invoke"]


def invoke(service: LambdaService, p: dict) -> dict:
    """``Invoke``."""
    sim = service.sim
    name, qualifier = service.target(p["FunctionName"], p.get("Qualifier"))
    kind = p.get("InvocationType", "RequestResponse")
    raw = read_blob(p.get("Payload", b""))
    payload = rules.parse_payload(raw) if raw else None  # strict JSON: NaN and Infinity are refused
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


#: ``Max Memory Used`` in the REPORT line. The model does not measure memory: it reports the figure of
#: AWS's own example for a Python function of 128 MB ("Log and monitor Python Lambda functions",
#: https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html: "Memory Size: 128 MB Max Memory
#: Used: 56 MB"), never more than the function's memory. A choice, not a measurement.
MAX_MEMORY_USED_MB = 56


def log_text(request_id: str, version: str, memory_mb: int, init_s: float, run_s: float, output: str) -> str:
    """The execution log of one synchronous invoke, as Lambda writes it.

    ``START RequestId: … Version: …``, what the handler printed and logged with the runtime's error
    lines (``output``), ``END RequestId: …`` and the REPORT line: ``Duration`` (the run, 2 decimals),
    ``Billed Duration`` (init plus run, rounded up to the millisecond: AWS bills the init phase of
    on-demand functions since 1 August 2025, and its example REPORT line bills 15.74 ms + an init of
    130.49 ms as 147 ms), ``Memory Size``, ``Max Memory Used`` (:data:`MAX_MEMORY_USED_MB`) and, on a
    cold start, ``Init Duration``; fields tab-separated, the line ending in a tab (the layout of
    the python-logging page's example and of AWS's LogResult).
    """
    billed = math.ceil((init_s + run_s) * 1000 - 1e-6)
    report = (f"REPORT RequestId: {request_id}\tDuration: {run_s * 1000:.2f} ms\tBilled Duration: {billed} ms"
              f"\tMemory Size: {memory_mb} MB\tMax Memory Used: {min(MAX_MEMORY_USED_MB, memory_mb)} MB")
    if init_s:
        report += f"\tInit Duration: {init_s * 1000:.2f} ms"
    start, end = f"START RequestId: {request_id} Version: {version}\n", f"END RequestId: {request_id}\n"
    return f"{start}{output}{end}{report}\t\n"


def _log_tail(service: LambdaService, name: str, qualifier: str | None, result: dict) -> str:
    """``LogResult``: the last 4 KB of the execution log, base64-encoded (AWS's ``InvokeResponse``)."""
    memory = service.sim.function_config(name, result["executed_version"]).memory_mb
    text = log_text(result["request_id"], result["executed_version"], memory, result["init_s"],
                    result["duration_s"], result.get("log", ""))
    return base64.b64encode(text.encode()[-4096:]).decode()


def invoke_async(service: LambdaService, p: dict) -> dict:
    """``InvokeAsync`` (deprecated, still in the API): an ``Event`` invoke of ``InvokeArgs``; AWS
    answers 202 with ``Status`` 202."""
    invoke(service, {"FunctionName": p["FunctionName"], "InvocationType": "Event",
                     "Payload": p.get("InvokeArgs", b"")})
    return {"Status": 202}


#: The operations this module serves, by API name.
HANDLERS: dict[str, Callable[[LambdaService, dict], dict]] = {"Invoke": invoke, "InvokeAsync": invoke_async}
