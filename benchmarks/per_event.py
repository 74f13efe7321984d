"""W2 and heavy throttling against W1, per event and per attempt row, in the same run.

Three lambdasim workloads, each simulated with records and frames (``ls.run``) in its own fresh
process (``peak_memory.py``), rounds alternating W1, W2 and the throttling run:

- ``w1``: W1 (``w1.py``): Poisson 100/s, exponential 1-s runs and 0.5-s cold starts, keep-alive 600 s,
  account limit 1,000 (about 100 environments live).
- ``w2``: the same arrivals with exponential 10-s runs and an account limit of 3,000: about 1,000
  environments live (what grows is the warm pool, not the events).
- ``throttle``: W1 with reserved concurrency 50 against a mean demand of about 100: most dispatches are
  refused and come back with the throttle backoff, so most attempt rows are ``throttle`` rows.

Figures: wall seconds per event (``w2`` / ``w1``) and per attempt row (``throttle`` / ``w1``).

    python benchmarks/per_event.py                 # 1,000 s of each (about 100,000 events), 3 rounds
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from peak_memory import measure  # noqa: E402


def scenario(which: str, seed: int, sim_seconds: float):
    import lambdasim as ls

    mean_run_s = 10.0 if which == "w2" else 1.0
    function = ls.FunctionConfig(
        timeout_s=900, duration=ls.dists.Exponential(mean_run_s), cold_start=ls.dists.Exponential(0.5),
        keep_alive_s=600.0, reserved_concurrency=50 if which == "throttle" else None)
    return ls.Scenario(
        functions={"f": function},
        workloads=(ls.workloads.Poisson("f", rate_per_s=100.0, end_s=sim_seconds),),
        account=ls.Account(concurrent_executions=3000 if which == "w2" else 1000),
        seed=seed,
    )


def run(which: str, seed: int = 1, sim_seconds: float = 1000.0) -> dict:
    import pandas  # noqa: F401  (a one-off import, kept out of the timing)

    import lambdasim as ls

    start, cpu = time.perf_counter(), time.process_time()
    result = ls.run(scenario(which, seed, sim_seconds))
    wall_s, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    return {"events": len(result.events), "rows": len(result.attempts),
            "throttle_rows": int((result.attempts["kind"] == "throttle").sum()),
            "peak_concurrency": result.stats["peak_concurrency"], "wall_s": wall_s, "cpu_s": cpu_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1000.0)
    parser.add_argument("--rounds", type=int, default=3)
    opts = parser.parse_args()
    per_event, per_row, cpu_event, cpu_row = [], [], [], []
    for round_no in range(1, opts.rounds + 1):
        got = {}
        for which in ("w1", "w2", "throttle"):
            got[which], peak_mb = measure(run, which, 1, opts.seconds)
            r = got[which]
            print(f"round {round_no} {which:>8}: {r['events']:,} events, {r['rows']:,} attempt rows "
                  f"({r['throttle_rows']:,} throttles), peak concurrency {r['peak_concurrency']}, "
                  f"{r['wall_s']:.2f} s ({r['cpu_s']:.2f} s CPU), peak {peak_mb:.0f} MB")
        w1 = got["w1"]["wall_s"]
        per_event.append((got["w2"]["wall_s"] / got["w2"]["events"]) / (w1 / got["w1"]["events"]))
        per_row.append((got["throttle"]["wall_s"] / got["throttle"]["rows"]) / (w1 / got["w1"]["rows"]))
        w1 = got["w1"]["cpu_s"]  # the same ratios in CPU time (steadier on a shared machine)
        cpu_event.append((got["w2"]["cpu_s"] / got["w2"]["events"]) / (w1 / got["w1"]["events"]))
        cpu_row.append((got["throttle"]["cpu_s"] / got["throttle"]["rows"]) / (w1 / got["w1"]["rows"]))
    print()
    print(f"W2 per event vs W1: {', '.join(f'{r:.2f}x' for r in per_event)}; "
          f"median {statistics.median(per_event):.2f}x")
    print(f"heavy throttling per attempt row vs W1: {', '.join(f'{r:.2f}x' for r in per_row)}; "
          f"median {statistics.median(per_row):.2f}x")
    print(f"in CPU time: W2 {', '.join(f'{r:.2f}x' for r in cpu_event)} (median "
          f"{statistics.median(cpu_event):.2f}x); throttling {', '.join(f'{r:.2f}x' for r in cpu_row)} "
          f"(median {statistics.median(cpu_row):.2f}x)")


if __name__ == "__main__":
    main()
