"""The rows of a timeline: which events it shows, where each row's marks go, and what it says about
each event (its age limit and where it went). Nothing here draws: :mod:`lambdasim.plots.timeline` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from lambdasim.plots.style import FATE_LABELS, target_name
from lambdasim.records import FAILED_FATES, FATES

__all__ = ["select_events", "Rows", "age_limits", "failed_deliveries", "fate_text"]

_EXECUTED = ("success", "error", "timeout", "running")
_FAILED_OUTCOMES = ("error", "timeout")


def select_events(result: Any, events: Iterable | None = None, first: int | None = None,
                  sample: int | None = None, fate: str | Iterable[str] | None = None, seed: int = 0) -> Any:
    """The rows of ``result.events`` a timeline shows, in the order of the table.

    ``fate`` keeps events of that fate (or fates); ``events`` keeps the given event ids (strings) or
    positions in ``result.events`` (ints); then ``first`` keeps the first N or ``sample`` draws N at
    random (``seed``), not both.
    """
    table = result.events
    if fate is not None:
        fates = [fate] if isinstance(fate, str) else [str(f) for f in fate]
        unknown = [f for f in fates if f not in FATES]
        if unknown:
            raise ValueError(f"fate must be one of {', '.join(FATES)}; got {unknown[0]!r}")
        table = table[table["fate"].isin(fates).to_numpy()]
    if events is not None:
        wanted = list(events)
        if all(isinstance(e, (int, np.integer)) for e in wanted):
            bad = [e for e in wanted if not 0 <= e < len(result.events)]
            if bad:
                raise ValueError(f"events: position {bad[0]} is outside 0..{len(result.events) - 1}")
            table = table[table.index.isin(result.events.index[wanted])]
        else:
            ids = {str(e) for e in wanted}
            known = set(result.events["event_id"][result.events["event_id"].isin(ids)])
            if ids - known:
                raise ValueError(f"events: no event with id {sorted(ids - known)[0]!r} in this result")
            table = table[table["event_id"].isin(ids).to_numpy()]
    if first is not None and sample is not None:
        raise ValueError("give first or sample, not both")
    for name, n in (("first", first), ("sample", sample)):
        if n is not None and (not isinstance(n, (int, np.integer)) or n < 1):
            raise ValueError(f"{name} must be an integer >= 1; got {n!r}")
    if first is not None:
        table = table.iloc[:first]
    elif sample is not None and sample < len(table):
        picks = np.sort(np.random.default_rng(seed).choice(len(table), size=sample, replace=False))
        table = table.iloc[picks]
    return table


class Rows:
    """The marks of every row of a timeline, gathered from the record frames (no drawing here).

    Each list holds spans ``(x0, x1, y, …)`` in virtual seconds and row numbers: ``bars`` (by
    outcome), ``duplicates``, ``cold`` (cold starts), ``waits`` (in the queue), ``retries`` (waiting
    for a retry, with the delay; None for a retry still to come at the horizon), ``throttles`` and
    ``system_errors`` (points: dispatches refused for lack of concurrency, or that met a Lambda
    500-series error; the event backs off after both).
    """

    def __init__(self, result: Any, chosen: Any, view_end: float) -> None:
        self.bars: dict[str, list] = {}      # outcome -> [(x0, x1, y)]
        self.duplicates: list = []           # (x0, x1, y, outcome)
        self.cold: list = []                 # (x0, x1, y)
        self.waits: list = []                # (x0, x1, y)
        self.retries: list = []              # (x0, x1, y, delay or None)
        self.throttles: list = []            # (x, y)
        self.system_errors: list = []        # (x, y)
        ids = chosen["event_id"].to_numpy()
        row_of = {eid: i for i, eid in enumerate(ids)}
        att = result.attempts
        att = att[att["event_id"].isin(row_of).to_numpy()]
        rows = att["event_id"].map(row_of).to_numpy()
        order = np.argsort(rows, kind="stable")  # each event's rows stay in the order they happened
        cols = [att[c].to_numpy()[order] for c in ("kind", "outcome", "dispatched_at", "start_at", "end_at",
                                                   "init_s")]
        per_row: list[list] = [[] for _ in ids]
        for r, *values in zip(rows[order], *cols, strict=True):
            per_row[r].append(values)
        resolved = chosen["resolved_at"].to_numpy(float)
        for y, (enqueued, attempts, end) in enumerate(zip(chosen["enqueued_at"].to_numpy(float), per_row,
                                                          resolved, strict=True)):
            self._row(y, enqueued, attempts, end if np.isfinite(end) else view_end, np.isfinite(end))

    def _row(self, y: int, cursor: float, attempts: list, end: float, resolved: bool) -> None:
        retry_from = None
        for kind, outcome, dispatched, start, stop, init in attempts:
            kind, outcome = str(kind), str(outcome)
            stop = stop if np.isfinite(stop) else end
            if kind == "duplicate":
                if outcome in _EXECUTED:
                    self.duplicates.append((dispatched, stop, y, outcome))
                else:
                    self.throttles.append((dispatched, y))
                continue
            if retry_from is not None and kind in ("invoke", "throttle", "system_error"):
                self.retries.append((retry_from, dispatched, y, dispatched - retry_from))
                cursor = dispatched
            retry_from = None
            if kind == "throttle":
                self.throttles.append((dispatched, y))
                continue
            if kind == "system_error":
                self.system_errors.append((dispatched, y))
                continue
            if dispatched > cursor:
                self.waits.append((cursor, dispatched, y))
            cursor = max(cursor, dispatched)
            if kind == "invoke" and outcome in _EXECUTED:
                self.bars.setdefault(outcome, []).append((dispatched, stop, y))
                if init > 0 and np.isfinite(start):
                    self.cold.append((dispatched, start, y))
                cursor = stop
                if outcome in _FAILED_OUTCOMES:
                    retry_from = stop
        if retry_from is not None and not resolved:
            self.retries.append((retry_from, end, y, None))  # a retry still to come at the horizon
        elif retry_from is None and end > cursor:
            self.waits.append((cursor, end, y))


def fate_text(event: Any, failed_arns: set) -> str:
    """What became of an event, in words.

    ``succeeded``, ``age exceeded → orders-failed · DLQ orders-dlq``, ``retries exhausted →
    orders-failed ✗, dropped`` (✗: the delivery to that target failed; dropped: nothing received it).
    """
    channels = (("", event.on_success), ("", event.on_failure), ("DLQ ", event.dlq))
    targets = [f"{prefix}{target_name(arn)}{' ✗' if arn in failed_arns else ''}"
               for prefix, arn in channels if arn]
    text = FATE_LABELS.get(event.fate, str(event.fate))
    if targets:
        text += " → " + " · ".join(targets)
    return f"{text}, dropped" if event.lost and event.fate in FAILED_FATES else text


def age_limits(result: Any, chosen: Any) -> np.ndarray:
    """Each chosen event's age limit: ``enqueued_at`` + the ``MaximumEventAgeInSeconds`` it was held
    to (the events table records the limit in force for its qualifier, even one changed mid-run)."""
    return chosen["enqueued_at"].to_numpy(float) + chosen["max_event_age_s"].to_numpy(float)


def failed_deliveries(result: Any, chosen: Any) -> dict:
    """``{event_id: {target ARNs whose delivery failed}}`` for the chosen events."""
    d = result.deliveries
    if d is None or not len(d):
        return {}
    bad = d[~d["ok"].to_numpy(bool)]
    bad = bad[bad["event_id"].isin(set(chosen["event_id"])).to_numpy()]
    out: dict = {}
    for eid, arn in zip(bad["event_id"], bad["target_arn"], strict=True):
        out.setdefault(eid, set()).add(arn)
    return out
