"""Workloads the caller gives a template in one line each: ``orders=poisson:50/s:3600s``.

A template says how a stack is configured, not how much traffic it gets (except a schedule, which
:mod:`lambdasim.model.templates.schedules` reads). The caller sizes the rest: ``workloads=`` in
Python (these strings, or workload dicts in the scenario-file shape) and ``--workload`` on the
command line. A spec is ``NAME=KIND:...``:

    orders=poisson:50/s:3600s        Poisson arrivals at 50 per second from 0 to 3,600 s
    orders=constant:2/min:600s-1h    evenly spaced, 2 a minute, from 600 s to 3,600 s
    orders=poisson:5/s               until the run's horizon
    orders=burst:500@120s            500 at once at 120 s (``burst:500`` at 0)

``NAME`` is a function of the template, or an SQS queue of the template (by its queue name): the
arrivals are then messages sent to the queue, for its event-source mapping to read. Rates are per
``s``, ``min`` or ``h``; times are seconds, or a number with ``s``, ``min``, ``h`` or ``d``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from lambdasim.model.errors import invalid_value

__all__ = ["SPEC_ALLOWED", "parse_workload_spec", "resolve_workloads"]

SPEC_ALLOWED = ("NAME=poisson:RATE[:END or START-END], NAME=constant:RATE[:END or START-END] or "
                "NAME=burst:COUNT[@AT]; RATE like 50/s, 120/min or 10/h; times like 3600, 3600s, 60min, "
                "1h or 1d (e.g. orders=poisson:50/s:3600s)")

_UNITS = {"": 1, "s": 1, "min": 60, "h": 3_600, "d": 86_400}
_NUMBER = r"(\d+(?:\.\d+)?)"
_TIME = re.compile(_NUMBER + r"(s|min|h|d)?")
_RATE = re.compile(_NUMBER + r"/(s|min|h)")
_SPEC = re.compile(r"([A-Za-z0-9_.-]+)=(poisson|constant|burst):(.+)")


def _seconds(text: str, spec: str, field: str) -> float:
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise invalid_value(field, spec, SPEC_ALLOWED)
    return float(match.group(1)) * _UNITS[match.group(2) or ""]


def parse_workload_spec(spec: str, field: str = "workload") -> tuple[str, dict]:
    """``(NAME, workload dict without its function)`` for one spec; a bad one names the text and the
    grammar."""
    match = _SPEC.fullmatch(spec.strip()) if isinstance(spec, str) else None
    if match is None:
        raise invalid_value(field, spec, SPEC_ALLOWED)
    name, kind, rest = match.groups()
    if kind == "burst":
        count_text, _, at = rest.partition("@")
        if not count_text.isdigit() or int(count_text) < 1:
            raise invalid_value(field, spec, SPEC_ALLOWED)
        return name, {"arrivals": "burst", "count": int(count_text), "at_s": _seconds(at or "0", spec, field)}
    rate_text, _, window = rest.partition(":")
    rate = _RATE.fullmatch(rate_text.strip())
    if rate is None or float(rate.group(1)) <= 0:
        raise invalid_value(field, spec, SPEC_ALLOWED)
    out: dict[str, Any] = {"arrivals": kind, "rate_per_s": float(rate.group(1)) / _UNITS[rate.group(2)]}
    if window:
        start, _, end = window.rpartition("-")
        if start:
            out["start_s"] = _seconds(start, spec, field)
        out["end_s"] = _seconds(end, spec, field)
    return name, out


def resolve_workloads(given: Iterable[str | Mapping] | None, functions: Iterable[str],
                      queue_arns: Iterable[str], field: str = "workloads") -> list[dict]:
    """The caller's workloads in the scenario-file shape.

    A string is a spec (:func:`parse_workload_spec`) whose NAME is one of ``functions`` or the name
    of one of the SQS ``queue_arns`` (the workload then sends to that queue); a mapping is a
    workload in the scenario-file shape already and is passed on as it is.
    """
    functions = list(functions)
    queues = {arn.rsplit(":", 1)[-1]: arn for arn in queue_arns}
    out = []
    for i, item in enumerate(given or ()):
        path = f"{field}[{i}]"
        if isinstance(item, Mapping):
            out.append(dict(item))
            continue
        name, workload = parse_workload_spec(item, path)
        if name in functions:
            out.append({"function": name, **workload})
        elif name in queues:
            out.append({"target": queues[name], **workload})
        else:
            names = ", ".join([*functions, *(f"{q} (SQS queue)" for q in queues)])
            raise invalid_value(path, item,
                                f"a NAME that is one of the template's functions or queues: {names}")
    return out
