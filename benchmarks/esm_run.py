"""A 100,000-message SQS event-source-mapping run beside W1 at the same size, in the same run (issue 12).

``esm`` is a producer workload sending Poisson 100 messages/s for 1,000 s (about 100,000 messages)
into a standard SQS queue, read by an event-source mapping with ``BatchSize: 10`` and no batching
window, invoking a fast function (exponential runs, mean 50 ms; exponential cold starts, mean
0.5 s) that never fails: every batch is received, invoked and deleted. ``w1`` is W1 (``w1.py``) for
the same 1,000 s (about 100,000 async events). Each is timed around ``ls.run`` (records and
DataFrames included) in its own fresh process (``peak_memory.measure``), rounds alternating.

The mapping is capped at ``ScalingConfig.MaximumConcurrency: 5`` (AWS's starting five batches, so
the scaling review never adds pollers) unless ``--max-concurrency`` says otherwise (0: no cap, AWS's
default). Uncapped, the review adds 300 pollers at 60 s and every idle poller wakes and receives
again on each message, so the cost grows with pollers x messages: 10,000 messages took 15-21 s
(W1: 0.1-0.3 s); see benchmarks/README.md.
"Events" are messages for ``esm`` and async events for ``w1``; the ratio is esm / W1 events per
wall second in each round.

    python benchmarks/esm_run.py                  # 100k messages and W1 at 100k events, 2 rounds
    python benchmarks/esm_run.py --seconds 100    # a tenth, for a quick look
    python benchmarks/esm_run.py --seconds 100 --max-concurrency 0   # uncapped (see below)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from peak_memory import measure  # noqa: E402
from w1 import run_lambdasim as run_w1  # noqa: E402

QUEUE = "arn:aws:sqs:us-east-1:123456789012:jobs"


def esm_scenario(seed: int = 1, rate_per_s: float = 100.0, sim_seconds: float = 1_000.0,
                 max_concurrency: int = 5):
    """The producer → queue → mapping → function scenario. The horizon leaves 60 s to drain the queue
    (a mapped queue keeps a run going only up to a horizon: README, "Event-source mappings")."""
    import lambdasim as ls

    mapping = {"EventSourceArn": QUEUE, "FunctionName": "worker", "BatchSize": 10}
    if max_concurrency:
        mapping["ScalingConfig"] = {"MaximumConcurrency": max_concurrency}
    return ls.Scenario.from_dict({
        "seed": seed,
        "horizon_s": sim_seconds + 60,
        "functions": {"worker": {"Timeout": 10, "duration": {"dist": "exponential", "mean_s": 0.05},
                                 "cold_start": {"dist": "exponential", "mean_s": 0.5}}},
        "targets": {QUEUE: {}},
        "workloads": [{"target": QUEUE, "arrivals": "poisson", "rate_per_s": rate_per_s,
                       "end_s": sim_seconds}],
        "EventSourceMappings": [mapping],
    })


def run_esm(seed: int = 1, rate_per_s: float = 100.0, sim_seconds: float = 1_000.0,
            max_concurrency: int = 5) -> dict:
    """Simulate the mapping run, records and frames included; return counters and timing."""
    import pandas  # noqa: F401  (a one-off import, kept out of the timing)

    import lambdasim as ls

    scenario = esm_scenario(seed, rate_per_s, sim_seconds, max_concurrency)
    start = time.perf_counter()
    result = ls.run(scenario)
    ops = result.queue_ops
    wall_s = time.perf_counter() - start
    sent = int((ops["op"] == "send").sum())
    deleted = int((ops["op"] == "delete").sum())
    return {"events": sent, "deleted": deleted, "attempt_rows": len(result.attempts),
            "queue_op_rows": len(ops), "wall_s": wall_s, "events_per_wall_s": sent / wall_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=1_000.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--max-concurrency", type=int, default=5, help="the mapping's cap; 0: none")
    opts = parser.parse_args()
    args = (opts.seed, 100.0, opts.seconds)
    ratios, rates = [], {"w1": [], "esm": []}
    for round_no in range(1, opts.rounds + 1):
        for name, fn in (("w1", run_w1), ("esm", run_esm)):
            result, peak_mb = measure(fn, *args, *((opts.max_concurrency,) if name == "esm" else ()))
            rates[name].append(result["events_per_wall_s"])
            extra = (f", {result['deleted']:,} deleted, {result['attempt_rows']:,} batches, "
                     f"{result['queue_op_rows']:,} queue_ops rows" if name == "esm"
                     else f", {result['attempt_rows']:,} attempt rows")
            print(f"round {round_no} {name:>3}: {result['events']:,} events{extra} "
                  f"in {result['wall_s']:.2f} s "
                  f"= {result['events_per_wall_s']:,.0f} events/s, peak {peak_mb:.0f} MB")
        ratios.append(rates["esm"][-1] / rates["w1"][-1])
    w1_median, esm_median = statistics.median(rates["w1"]), statistics.median(rates["esm"])
    print(f"median events/s: W1 {w1_median:,.0f}, esm {esm_median:,.0f}")
    print(f"esm / W1 per round: {', '.join(f'{r:.2f}x' for r in ratios)}; "
          f"median {statistics.median(ratios):.2f}x")


if __name__ == "__main__":
    main()
