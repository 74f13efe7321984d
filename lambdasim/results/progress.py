"""Progress bars for long work: the runs of a sweep and the virtual clock of one long run.

tqdm draws them (``tqdm.auto``: the widget in Jupyter, text on a terminal's stderr) and is imported
only when a bar is asked for. The engine knows nothing of bars: it offers a timer hook
(:meth:`Model.every <lambdasim.engine.model.Model.every>`) and this module reads the clock from it.
Bars are off unless asked for (``progress=True``); the CLI decides its own default.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any

from lambdasim.model.errors import invalid_value

__all__ = ["check_progress", "counted", "run_with_progress", "TICKS"]

#: How many times a long run's bar moves over the expected span of virtual time.
TICKS = 200


def check_progress(progress: Any) -> bool:
    """``progress`` as a bool, or the error that names it."""
    if not isinstance(progress, bool):
        raise invalid_value("progress", progress, "True or False")
    return progress


def counted(items: Iterable[Any], total: int, desc: str, progress: bool) -> Iterator[Any]:
    """Yield ``items`` and, with ``progress``, move a bar of ``total`` steps as each arrives."""
    if not progress:
        yield from items
        return
    from tqdm.auto import tqdm

    with tqdm(total=total, desc=desc, unit="run") as bar:
        for item in items:
            yield item
            bar.update(1)


def expected_span_s(scenario: Any) -> float | None:
    """The virtual seconds a run is expected to cover: its horizon, else the last arrival the
    workloads schedule (retries may run on past it); None when neither is known."""
    if scenario.horizon_s is not None:
        return float(scenario.horizon_s)
    ends = []
    for workload in scenario.workloads:
        for name in ("end_s", "at_s"):
            value = getattr(workload, name, None)
            if isinstance(value, (int, float)) and math.isfinite(value):
                ends.append(float(value))
                break
        else:
            ends.append(max((e.at_s for e in getattr(workload, "events", ())), default=0.0))
    return max(ends) if ends and max(ends) > 0 else None


def run_with_progress(model: Any) -> Any:
    """Run ``model`` to completion with a bar of its virtual clock (seconds simulated so far,
    accepted and pending events); returns the model."""
    from tqdm.auto import tqdm

    span = expected_span_s(model.scenario)
    interval = span / TICKS if span else 1.0
    with tqdm(total=span, desc="virtual s", unit="s", unit_scale=True) as bar:
        def show(m: Any) -> None:
            now = m.env.now
            if bar.total is not None and now > bar.total:
                bar.total = now  # the tail of retries runs past the last arrival
            bar.update(now - bar.n)
            stats = m.queue
            bar.set_postfix(accepted=stats.accepted, pending=len(stats.live), refresh=False)

        model.every(interval, show)
        model.run()
        show(model)
    return model
