"""Workload W1: lambdasim against the plain-SimPy baseline, in the same run.

W1 is Poisson arrivals at 100 events/s for 10,000 s (about one million events), exponential
durations (mean 1 s), exponential cold starts (mean 0.5 s), a 600-s keep-alive, the account
limit of 1,000 and no errors. lambdasim keeps every record and builds its DataFrames; the
baseline (``baseline_simpy.py``) keeps counters only. Each run happens in its own fresh process
so that peak memory is per model. Rounds alternate the two models to even out machine noise.

    python benchmarks/w1.py                 # full W1, 3 rounds
    python benchmarks/w1.py --seconds 1000  # a tenth of it, for a quick look

The bar (issue 2): lambdasim at least 0.25x the baseline's events per wall second, and at most
400 MB peak for one million events.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from baseline_simpy import run_baseline  # noqa: E402
from peak_memory import measure  # noqa: E402


def w1_scenario(seed: int = 1, rate_per_s: float = 100.0, sim_seconds: float = 10_000.0):
    """W1 as a lambdasim Scenario."""
    import lambdasim as ls

    function = ls.FunctionConfig(
        timeout_s=900,  # W1 has no errors: no exponential draw may reach the timeout
        duration=ls.dists.Exponential(1.0),
        cold_start=ls.dists.Exponential(0.5),
        keep_alive_s=600.0,
    )
    return ls.Scenario(
        functions={"w1": function},
        workloads=(ls.workloads.Poisson("w1", rate_per_s=rate_per_s, end_s=sim_seconds),),
        account=ls.Account(concurrent_executions=1000),
        seed=seed,
    )


def run_lambdasim(seed: int = 1, rate_per_s: float = 100.0, sim_seconds: float = 10_000.0) -> dict:
    """Simulate W1 with lambdasim, records and frames included; return counters and timing."""
    import pandas  # noqa: F401  (a one-off import, not per-event work: kept out of the timing)

    import lambdasim as ls

    scenario = w1_scenario(seed, rate_per_s, sim_seconds)
    start, cpu = time.perf_counter(), time.process_time()
    result = ls.run(scenario)
    wall_s, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    events = len(result.events)
    return {
        "events": events,
        "attempt_rows": len(result.attempts),
        "cold_starts": int((result.attempts["init_s"] > 0).sum()),
        "simulate_s": result.stats["wall_s"],
        "wall_s": wall_s,
        "cpu_s": cpu_s,
        "events_per_wall_s": events / wall_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=10_000.0)
    parser.add_argument("--rounds", type=int, default=3)
    opts = parser.parse_args()
    args = (opts.seed, opts.rate, opts.seconds)

    ratios, cpu_ratios = [], []
    peaks, rates = {"baseline": 0.0, "lambdasim": 0.0}, {"baseline": [], "lambdasim": []}
    for round_no in range(1, opts.rounds + 1):
        round_rates, round_cpu = {}, {}
        for name, fn in (("baseline", run_baseline), ("lambdasim", run_lambdasim)):
            result, peak_mb = measure(fn, *args)
            print(f"round {round_no} {name:>9}: {result['events']:,} events in {result['wall_s']:.2f} s "
                  f"= {result['events_per_wall_s']:,.0f} events/s ({result['cpu_s']:.2f} s CPU), "
                  f"peak {peak_mb:.0f} MB")
            round_rates[name] = result["events_per_wall_s"]
            round_cpu[name] = result["events"] / result["cpu_s"]
            rates[name].append(result["events_per_wall_s"])
            peaks[name] = max(peaks[name], peak_mb)
        # Each round's ratio compares two runs made back to back, under the same machine load.
        ratios.append(round_rates["lambdasim"] / round_rates["baseline"])
        # The same ratio in events per CPU second: steadier on a machine shared with other work.
        cpu_ratios.append(round_cpu["lambdasim"] / round_cpu["baseline"])

    print()
    for name, label in (("baseline", "plain SimPy, counters only"), ("lambdasim", "records + DataFrames")):
        print(f"{name:>9} ({label}): median {statistics.median(rates[name]):,.0f} events/s, "
              f"peak {peaks[name]:.0f} MB")
    print(f"ratio lambdasim / baseline per round: {', '.join(f'{r:.2f}x' for r in ratios)}; "
          f"median {statistics.median(ratios):.2f}x, worst {min(ratios):.2f}x")
    print(f"the same in events per CPU second: {', '.join(f'{r:.2f}x' for r in cpu_ratios)}; "
          f"median {statistics.median(cpu_ratios):.2f}x")
    print("bar: >= 0.25x and <= 400 MB peak for 1M events")


if __name__ == "__main__":
    main()
