"""The explorer's presets: the scenario files in ``data/scenarios/`` turned into explorer settings.

A scenario file can say more than the explorer's controls (explicit event times, cold starts,
memory, several functions). :func:`scenario_settings` keeps what the controls can show, as
``ExplorerSettings`` field values (the explorer builds its settings from them), and lists, in
words, what it had to leave out or approximate, so the page can say it rather than silently show
a different run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lambdasim.model.dists import Constant, Exponential
from lambdasim.model.errors import invalid_value
from lambdasim.model.functions import FunctionConfig
from lambdasim.model.scenario import Scenario
from lambdasim.model.workloads import Burst, Events, Poisson
from lambdasim.model.workloads import Constant as ConstantRate

__all__ = ["PRESETS_FOLDER", "preset_files", "scenario_settings"]

#: The repository's scenario files (the package sits beside ``data/`` in a checkout).
PRESETS_FOLDER = Path(__file__).resolve().parents[2] / "data" / "scenarios"


def preset_files(folder: str | Path = PRESETS_FOLDER) -> dict[str, Path]:
    """``{name: path}`` of the ``*.yaml`` scenario files in ``folder``, by name (none if it is missing)."""
    return {path.stem: path for path in sorted(Path(folder).glob("*.yaml"))}


def scenario_settings(scenario: Scenario, shown_as: str) -> tuple[dict[str, Any], list[str]]:
    """The explorer settings closest to ``scenario`` (field values) and, in words, what differs.

    The explorer shows one function under one workload; the first of each is taken. Explicit event
    times become a burst (all at one instant) or a constant rate (evenly spaced from 0 s); other
    times, cold starts, keep-alive, memory and the account's limits stay as the explorer's defaults
    and are named in the notes; the function is called ``shown_as`` on the page.
    """
    if not isinstance(scenario, Scenario):
        raise invalid_value("scenario", scenario, "a Scenario (Scenario.from_file(path))")
    notes: list[str] = []
    name, function = next(iter(scenario.functions.items()))
    if len(scenario.functions) > 1:
        notes.append(f"only function {name!r} is shown (the explorer runs one function)")
    workloads = [wl for wl in scenario.workloads if wl.function == name]
    if len(workloads) != 1 or len(scenario.workloads) != 1:
        notes.append(f"only the first workload of {name!r} is shown")
    queue = scenario.queue
    changes = {"seed": scenario.seed, "dispatch": scenario.dispatch, "retry_jitter_s": queue.retry_jitter_s,
               "throttle_jitter": queue.throttle_jitter, **_function_settings(function, notes)}
    if workloads:
        changes.update(_workload_settings(workloads[0], notes))
    if scenario.account != type(scenario.account)():
        notes.append("the account's limits stay the explorer's defaults")
    if name != shown_as:
        notes.append(f"the function is called {shown_as!r} on the page (the file says {name!r})")
    return changes, notes


def _function_settings(function: FunctionConfig, notes: list[str]) -> dict:
    config = function.event_invoke_config
    failures = function.failures
    changes = {
        "maximum_retry_attempts": config.maximum_retry_attempts,
        "maximum_event_age_s": config.maximum_event_age_s,
        "reserved_concurrency": function.reserved_concurrency,
        "error_probability": failures.error_probability,
        "timeout_s": function.timeout_s,
        "on_success": config.destination_config.on_success is not None,
        "on_failure": config.destination_config.on_failure is not None,
        "dlq": function.dead_letter_target_arn is not None,
        "outage_s": ((failures.outages[0].start_s, failures.outages[0].end_s) if failures.outages else None),
    }
    if len(failures.outages) > 1:
        notes.append("only the first outage is shown")
    if isinstance(function.duration, Exponential):
        changes.update(duration="exponential", duration_s=function.duration.mean_s)
    elif isinstance(function.duration, Constant):
        changes.update(duration="constant", duration_s=function.duration.value_s)
    else:
        notes.append(f"the {function.duration.name} duration becomes exponential with the explorer's mean")
    default = FunctionConfig()
    for field, label, unit in (("cold_start", "cold start", ""), ("keep_alive_s", "keep-alive", " s"),
                               ("memory_mb", "memory", " MB")):
        if getattr(function, field) != getattr(default, field):
            notes.append(f"{label} stays the explorer's default ({_shown(getattr(default, field))}{unit}; "
                         f"the file says {_shown(getattr(function, field))}{unit})")
    return changes


def _workload_settings(workload: object, notes: list[str]) -> dict:
    if isinstance(workload, Burst):
        if workload.at_s:
            notes.append(f"the burst arrives at 0 s (the file says {workload.at_s:g} s)")
        return {"arrivals": "burst", "burst_count": workload.count}
    if isinstance(workload, (Poisson, ConstantRate)):
        if workload.start_s:
            notes.append(f"arrivals start at 0 s (the file says {workload.start_s:g} s)")
        return {"arrivals": workload.kind, "rate_per_s": workload.rate_per_s,
                "window_s": workload.end_s - workload.start_s}
    if isinstance(workload, Events):
        times = sorted(event.at_s for event in workload.events)
        if len(set(times)) == 1:
            return {"arrivals": "burst", "burst_count": len(times)}
        gaps = {round(b - a, 9) for a, b in zip(times, times[1:], strict=False)}
        gap = (times[-1] - times[0]) / (len(times) - 1)
        if len(gaps) != 1 or times[0]:
            notes.append(f"the {len(times)} listed events become a constant rate from 0 s over the same span")
        else:
            notes.append(f"the {len(times)} listed events, {gap:g} s apart, become a constant rate")
        return {"arrivals": "constant", "rate_per_s": 1.0 / gap, "window_s": len(times) * gap}
    notes.append(f"the {workload.kind} workload is not one the explorer shows; its arrivals stay the "
                 "defaults")
    return {}


def _shown(value: object) -> str:
    if isinstance(value, Constant):
        return f"{value.value_s:g} s"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:g}"
    return str(value)
