"""How long one explorer update takes on a 10,000-event scenario (issue 6: within 0.5 s; issue 13's
row "explorer update incl. the chart in view": 0.25 s).

An update is what happens when a control changes: build the scenario, simulate it, then build and
render the chart in view (the explorer shows one chart tab at a time and builds and draws the
others when opened; ``explore()``'s figures are built when first read) as the explorer does, a
trimmed 100-dpi PNG (``chart_png``). The explorer's event caps (``MAX_EVENTS``, ``MAX_ATTEMPTS``)
admit this scenario. Rendering all three is timed too. The same run times the plain-SimPy baseline on
the same number of events, so the simulation share can be read against it.

    python benchmarks/explorer_update.py            # 7 updates, median and worst
"""

from __future__ import annotations

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("MPLBACKEND", "Agg")

from baseline_simpy import run_baseline  # noqa: E402

from lambdasim.widgets.explorer import ExplorerSettings, chart_png, explore  # noqa: E402

#: 10 events/s for 1,000 s with errors and retries: about 10,000 events.
SETTINGS = ExplorerSettings(rate_per_s=10.0, window_s=1000.0, reserved_concurrency=None,
                            error_probability=0.1, maximum_event_age_s=3600)


def one_update(seed: int) -> tuple[float, float, float, int]:
    """Seconds for explore() (the run), for an update (+ the chart in view), for all three; events."""
    started = time.perf_counter()
    exploration = explore(ExplorerSettings(**{**SETTINGS.__dict__, "seed": seed}))
    computed = time.perf_counter() - started
    chart_png(exploration.figures["timeline"])
    update = time.perf_counter() - started
    for name in ("outcomes", "event_age"):
        chart_png(exploration.figures[name])
    return computed, update, time.perf_counter() - started, len(exploration.result.events)


def main() -> None:
    one_update(0)  # warm-up: imports, font cache
    rows = [one_update(seed) for seed in range(1, 8)]
    computed = [r[0] for r in rows]
    update = [r[1] for r in rows]
    total = [r[2] for r in rows]
    events = rows[0][3]
    base = run_baseline(seed=1, rate_per_s=10.0, sim_seconds=1000.0)
    print(f"events per update: {events:,}")
    print(f"explore() (simulate; no figure yet):  median {statistics.median(computed):.3f} s, "
          f"worst {max(computed):.3f} s")
    print(f"update (+ building, drawing the chart in view): median {statistics.median(update):.3f} s, "
          f"worst {max(update):.3f} s   (bar: 0.25 s)")
    print(f"drawing all three charts:             median {statistics.median(total):.3f} s, "
          f"worst {max(total):.3f} s")
    print(f"plain-SimPy baseline, same event count: {base['wall_s']:.3f} s "
          f"(simulation only, no records, no charts); "
          f"update ÷ baseline {statistics.median(update) / base['wall_s']:.1f}")
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
          + f" on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
