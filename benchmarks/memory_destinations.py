"""Peak memory of destination-heavy runs (issue 11, "Memory under fan-out").

Two workloads, each run in its own fresh process (``peak_memory.measure``), records and frames
included, as ``ls.run`` gives them:

- ``destinations``: Poisson 100 events/s for 10,000 s (about 1M events), 1-s executions that fail
  with probability 0.3 and are retried twice, ``OnSuccess`` and ``OnFailure`` SQS queues and an SQS
  dead-letter queue: every event is delivered at least once and every failed one twice.
- ``fanout``: two functions with reserved concurrency 0, each sending its failures to one SNS topic
  that both subscribe to, with ``RecursiveLoop: Allow``: one event at t=0 doubles at every hop
  until the record outgrows the SNS limit (8,191 events, all at t=0).

    python benchmarks/memory_destinations.py                       # both, full size
    python benchmarks/memory_destinations.py destinations --seconds 1000   # a tenth, for a quick look

The bar (issue 11): at most 600 MB peak for the 1M-event destinations run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from peak_memory import measure  # noqa: E402

ACCOUNT = "123456789012"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:fan"
FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:"


def destinations_scenario(seed: int = 1, sim_seconds: float = 10_000.0):
    """The destination-heavy run as a lambdasim Scenario."""
    import lambdasim as ls

    function = ls.FunctionConfig(
        timeout_s=900,
        duration=ls.dists.Constant(1.0),
        cold_start=ls.dists.Constant(0.25),
        failures=ls.FailureModel(error_probability=0.3),
        event_invoke_config=ls.EventInvokeConfig(destination_config=ls.DestinationConfig(
            on_success=QUEUE + "ok", on_failure=QUEUE + "failed")),
        dead_letter_target_arn=QUEUE + "dlq",
    )
    return ls.Scenario(
        functions={"orders": function},
        workloads=(ls.workloads.Poisson("orders", rate_per_s=100.0, end_s=sim_seconds, payload={"id": 1}),),
        account=ls.Account(concurrent_executions=1000),
        seed=seed,
    )


def fanout_scenario(seed: int = 1):
    """The SNS fan-out between two reserved-0 functions as a lambdasim Scenario."""
    import lambdasim as ls

    def function() -> ls.FunctionConfig:
        return ls.FunctionConfig(
            reserved_concurrency=0, recursive_loop="Allow",
            event_invoke_config=ls.EventInvokeConfig(destination_config=ls.DestinationConfig(on_failure=TOPIC)))

    return ls.Scenario(
        functions={"a": function(), "b": function()},
        workloads=(ls.workloads.Burst("a", count=1, at_s=0.0, payload={"id": 1}),),
        targets={TOPIC: {"subscriptions": [FUNCTION + "a", FUNCTION + "b"]}},
        account=ls.Account(concurrent_executions=1000),
        seed=seed,
    )


def run(which: str, seed: int = 1, sim_seconds: float = 10_000.0) -> dict:
    """Run one workload with lambdasim, records and frames included; return counters and timing."""
    import pandas  # noqa: F401  (a one-off import, kept out of the timing)

    import lambdasim as ls

    scenario = destinations_scenario(seed, sim_seconds) if which == "destinations" else fanout_scenario(seed)
    start = time.perf_counter()
    result = ls.run(scenario)
    wall_s = time.perf_counter() - start
    return {"events": len(result.events), "deliveries": len(result.deliveries),
            "delivered_bytes": sum(map(len, result.deliveries["body"])), "wall_s": wall_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    kinds = ["destinations", "fanout"]
    parser.add_argument("which", nargs="*", help="destinations, fanout (default: both)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10_000.0)
    opts = parser.parse_args()
    if set(opts.which) - set(kinds):
        parser.error(f"which: {opts.which} is not valid; allowed: {', '.join(kinds)}")
    for which in opts.which or kinds:
        result, peak_mb = measure(run, which, opts.seed, opts.seconds)
        print(f"{which}: {result['events']:,} events, {result['deliveries']:,} deliveries "
              f"({result['delivered_bytes'] / 2**20:,.0f} MiB of bodies) in {result['wall_s']:.1f} s, "
              f"peak {peak_mb:.0f} MB")
    print("bar: <= 600 MB peak for the 1M-event destinations run")


if __name__ == "__main__":
    main()
