"""Which events a timeline shows, and what it says about each: its age limit and where it went."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from lambdasim.plots.style import FATE_LABELS, target_name
from lambdasim.records import FAILED_FATES, FATES

__all__ = ["select_events", "age_limits", "failed_deliveries", "fate_text"]


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
    """Each chosen event's age limit: ``enqueued_at`` + its function's ``MaximumEventAgeInSeconds``.

    The scenario's function-level setting is used (a function unknown to the scenario, created
    during the run, has no limit drawn: infinity).
    """
    functions = result.scenario.functions
    ages = chosen["function"].astype(str).map(
        lambda name: functions[name].event_invoke_config.maximum_event_age_s if name in functions else np.inf)
    return chosen["enqueued_at"].to_numpy(float) + ages.to_numpy(float)


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
