"""The failure/destination path per event against W1 (issue 13's targets table), in the same run.

``failures`` is W1's arrivals, durations and cold starts (``w1.py``) with every execution failing,
the default two retries (AWS's 1- and 2-minute delays) and an ``OnFailure`` SQS queue: each event
runs three times and ends as one invocation record in the queue. Per-event cost is CPU seconds of
``ls.run`` (records and DataFrames included; CPU rather than wall time, so that other work on a
shared machine does not count) over events; the ratio is failures / W1, both run back to back in
fresh processes (``peak_memory.measure``) in each round.

    python benchmarks/failure_path.py                  # 1M events each, 2 rounds
    python benchmarks/failure_path.py --seconds 1000   # a tenth, for a quick look

Target (issue 13): at most 4x W1 per event (9.3x when the issue was filed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from peak_memory import measure  # noqa: E402
from w1 import w1_scenario  # noqa: E402

FAILED = "arn:aws:sqs:us-east-1:123456789012:failed"


def _timed(scenario) -> dict:
    import pandas  # noqa: F401  (a one-off import, kept out of the timing)

    import lambdasim as ls

    start = time.process_time()
    result = ls.run(scenario)
    cpu_s = time.process_time() - start
    return {"events": len(result.events), "attempt_rows": len(result.attempts),
            "deliveries": len(result.deliveries), "cpu_s": cpu_s}


def run_w1(seed: int = 1, rate_per_s: float = 100.0, sim_seconds: float = 10_000.0) -> dict:
    """W1 (``w1.py``); counters and CPU time."""
    return _timed(w1_scenario(seed, rate_per_s, sim_seconds))


def run_failures(seed: int = 1, rate_per_s: float = 100.0, sim_seconds: float = 10_000.0) -> dict:
    """W1 with every execution failing, two retries and an OnFailure SQS queue; counters and CPU time."""
    import dataclasses

    import lambdasim as ls

    scenario = w1_scenario(seed, rate_per_s, sim_seconds)
    function = dataclasses.replace(
        scenario.functions["w1"], failures=ls.FailureModel(error_probability=1.0),
        event_invoke_config=ls.EventInvokeConfig(destination_config=ls.DestinationConfig(on_failure=FAILED)))
    return _timed(dataclasses.replace(scenario, functions={"w1": function}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10_000.0)
    parser.add_argument("--rounds", type=int, default=2)
    opts = parser.parse_args()
    args = (opts.seed, 100.0, opts.seconds)
    ratios = []
    for round_no in range(1, opts.rounds + 1):
        per_event = {}
        for name, fn in (("w1", run_w1), ("failures", run_failures)):
            result, peak_mb = measure(fn, *args)
            per_event[name] = result["cpu_s"] / result["events"]
            print(f"round {round_no} {name:>8}: {result['events']:,} events, "
                  f"{result['attempt_rows']:,} attempt rows in {result['cpu_s']:.1f} s CPU "
                  f"= {per_event[name] * 1e6:.1f} us/event, peak {peak_mb:.0f} MB")
        ratios.append(per_event["failures"] / per_event["w1"])
    print(f"failures / W1 per event, per round: {', '.join(f'{r:.2f}x' for r in ratios)}; "
          f"median {statistics.median(ratios):.2f}x")
    print("target (issue 13): <= 4x")


if __name__ == "__main__":
    main()
