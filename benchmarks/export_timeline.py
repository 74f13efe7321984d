"""Exporting a 200-event timeline to PNG, against plain matplotlib drawing 200 barh rows, in the same run.

The run: 200 events in a burst at a function with reserved concurrency 20, 2-s executions, 0.3-s
cold starts, 30 % of attempts failing and a 10-minute maximum event age, so the chart carries every
kind of mark (queue waits, executions of each outcome, cold starts, throttle ticks, retry
connectors, fate markers). The simulation runs once, outside the timing.

Timed, each the median of ``--rounds`` rounds (alternating, so machine noise hits both alike), in wall
and CPU seconds (CPU is the figure to compare on a shared machine), with each round's ratio. Each
side starts with the garbage collector run, so a collection of the other side's leftover figures
does not land in its time (without it, a full collection fell on the same rounds every run, giving
per-round ratios of 0.6 and 1.8 around a median of 1.3):

- lambdasim: ``timeline(result)`` then ``save_figure(fig, "timeline.png", dpi=150, caption=...)``;
- baseline: a Figure of the same size, one ``barh`` call drawing 200 bars, saved at the same dpi.

    python benchmarks/export_timeline.py              # 7 rounds
    python benchmarks/export_timeline.py --rounds 15

The bar (issue 5): exporting 200 events takes well under a second.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")


def scenario():
    """The 200-event run described above."""
    import lambdasim as ls

    return ls.Scenario.from_dict({
        "seed": 5,
        "functions": {"orders": {
            "Timeout": 60, "ReservedConcurrentExecutions": 20,
            "duration": {"dist": "constant", "value_s": 2.0},
            "cold_start": {"dist": "constant", "value_s": 0.3},
            "failures": {"error_probability": 0.3},
            "EventInvokeConfig": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 600},
        }},
        "workloads": [{"function": "orders", "arrivals": "burst", "count": 200, "at_s": 0}],
    })


def lambdasim_round(result, path: Path) -> tuple[float, float, float]:
    """Seconds to draw the timeline and to export it (with its caption), and the CPU seconds of both."""
    from lambdasim.plots import caption_for, save_figure, timeline

    cpu, start = time.process_time(), time.perf_counter()
    fig = timeline(result)
    drawn = time.perf_counter()
    save_figure(fig, path, dpi=150, caption=caption_for(result))
    return drawn - start, time.perf_counter() - drawn, time.process_time() - cpu


def baseline_round(result, path: Path, size: tuple[float, float]) -> tuple[float, float]:
    """Seconds (wall, CPU) for plain matplotlib: 200 barh rows (one per event, enqueue to resolution),
    saved."""
    import numpy as np
    from matplotlib.figure import Figure

    events = result.events
    cpu, start = time.process_time(), time.perf_counter()
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    left = events["enqueued_at"].to_numpy(float)
    width = np.nan_to_num(events["resolved_at"].to_numpy(float) - left)
    ax.barh(np.arange(len(events)), width, left=left, height=0.6)
    ax.invert_yaxis()
    fig.savefig(path, dpi=150)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    import lambdasim as ls
    from lambdasim.plots import timeline

    result = ls.run(scenario())
    assert len(result.events) == 200, len(result.events)
    size = tuple(timeline(result).get_size_inches())  # also warms up imports, fonts and caches
    draw, save, base, our_cpu, base_cpu = [], [], [], [], []
    with tempfile.TemporaryDirectory() as folder:
        ours, theirs = Path(folder) / "timeline.png", Path(folder) / "baseline.png"
        baseline_round(result, theirs, size)  # warm-up
        for _ in range(args.rounds):
            gc.collect()
            d, s, c = lambdasim_round(result, ours)
            draw.append(d)
            save.append(s)
            our_cpu.append(c)
            gc.collect()
            wall, c = baseline_round(result, theirs, size)
            base.append(wall)
            base_cpu.append(c)
        our_kb, their_kb = ours.stat().st_size / 1024, theirs.stat().st_size / 1024
    total = [d + s for d, s in zip(draw, save, strict=True)]
    marks = result.attempts["kind"].value_counts().to_dict()
    print(f"200-event timeline → PNG at 150 dpi, figure {size[0]:.1f} x {size[1]:.1f} in; "
          f"{args.rounds} rounds, medians")
    print(f"  records drawn: {marks}")
    median = statistics.median
    print(f"  lambdasim timeline + export: {median(total):.3f} s "
          f"(draw {median(draw):.3f} s, export {median(save):.3f} s), PNG {our_kb:.0f} KB")
    print(f"  plain matplotlib, 200 barh rows + savefig: {median(base):.3f} s, PNG {their_kb:.0f} KB")
    cpu, cpu_base = median(our_cpu), median(base_cpu)
    print(f"  ratio lambdasim / baseline: {median(total) / median(base):.2f}x wall, "
          f"{cpu / cpu_base:.2f}x CPU ({cpu:.3f} s / {cpu_base:.3f} s)")
    walls = (f"{t / b:.2f}" for t, b in zip(total, base, strict=True))
    print("  per round, wall: " + " ".join(walls))
    print("  per round, CPU:  " + " ".join(f"{o / b:.2f}" for o, b in zip(our_cpu, base_cpu, strict=True)))


if __name__ == "__main__":
    main()
