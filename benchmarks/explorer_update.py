"""How long one explorer update takes on a 10,000-event scenario (issue 6: within 0.5 s; issue 13's
row "explorer update incl. the chart in view": 0.25 s).

An update is what happens when a control changes: build the scenario, simulate it, then build and
render the chart in view (the explorer shows one chart tab at a time and builds and draws the
others when opened; ``explore()``'s figures are built when first read) as the explorer does, a
trimmed 100-dpi PNG (``ChartImages``, which draws the events-by-state view on the same figure
each update, as the widget does between slider moves). The explorer's event caps (``MAX_EVENTS``,
``MAX_ATTEMPTS``) admit this scenario. Rendering all three is timed too. The same run times the
plain-SimPy baseline on the same number of events, so the simulation share can be read against it.
Each figure is given as wall time and as CPU time (``time.process_time``): on a shared machine the
wall time swings with the other work, the CPU time much less.

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

try:
    from lambdasim.widgets.explorer import ChartImages  # noqa: E402
except ImportError:  # a checkout from before it (timing before/after): each figure's chart_png
    ChartImages = None

#: 10 events/s for 1,000 s with errors and retries: about 10,000 events.
SETTINGS = ExplorerSettings(rate_per_s=10.0, window_s=1000.0, reserved_concurrency=None,
                            error_probability=0.1, maximum_event_age_s=3600)


def one_update(seed: int, images) -> dict[str, float]:
    """Wall and CPU seconds for explore() (the run), for an update (+ the chart in view), for all
    three charts; and the number of events. ``images`` draws a chart as the explorer does."""
    wall, cpu = time.perf_counter(), time.process_time()
    exploration = explore(ExplorerSettings(**{**SETTINGS.__dict__, "seed": seed}))
    times = {"run": time.perf_counter() - wall, "run cpu": time.process_time() - cpu}
    images(exploration, "timeline")
    times.update({"update": time.perf_counter() - wall, "update cpu": time.process_time() - cpu})
    for name in ("outcomes", "event_age"):
        images(exploration, name)
    times.update({"all": time.perf_counter() - wall, "all cpu": time.process_time() - cpu,
                  "events": len(exploration.result.events)})
    return times


def _figures(rows: list[dict[str, float]], key: str) -> str:
    wall, cpu = [r[key] for r in rows], [r[key + " cpu"] for r in rows]
    return (f"median {statistics.median(wall):.3f} s, worst {max(wall):.3f} s; "
            f"CPU median {statistics.median(cpu):.3f} s")


def main() -> None:
    # One explorer's chart images across the updates, as the widget keeps them between slider moves.
    images = ChartImages().png if ChartImages else lambda exploration, name: chart_png(
        exploration.figures[name])
    one_update(0, images)  # warm-up: imports, font cache
    rows = [one_update(seed, images) for seed in range(1, 8)]
    base = run_baseline(seed=1, rate_per_s=10.0, sim_seconds=1000.0)
    update = statistics.median(r["update"] for r in rows)
    print(f"events per update: {rows[0]['events']:,}")
    print(f"explore() (simulate; no figure yet):  {_figures(rows, 'run')}")
    print(f"update (+ building, drawing the chart in view): {_figures(rows, 'update')}   (bar: 0.25 s)")
    print("  per round, wall: " + " ".join(f"{r['update']:.3f}" for r in rows))
    print("  per round, CPU:  " + " ".join(f"{r['update cpu']:.3f}" for r in rows))
    print(f"drawing all three charts:             {_figures(rows, 'all')}")
    print(f"plain-SimPy baseline, same event count: {base['wall_s']:.3f} s "
          f"(CPU {base['cpu_s']:.3f} s; simulation only, no records, no charts); "
          f"update ÷ baseline {update / base['wall_s']:.1f}")
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
          + f" on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
