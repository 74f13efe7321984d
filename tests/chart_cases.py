"""What the export tests draw: one small run with failures and throttles, and each chart of it."""

import lambdasim as ls
import lambdasim.plots as lp


def small_run():
    """Four orders at once against reserved concurrency 1, half of the executions failing."""
    return ls.run(ls.Scenario.from_dict({
        "seed": 3,
        "functions": {"orders": {"ReservedConcurrentExecutions": 1,
                                 "duration": {"dist": "constant", "value_s": 2.0},
                                 "failures": {"error_probability": 0.5}}},
        "workloads": [{"function": "orders", "arrivals": "burst", "count": 4, "at_s": 0}],
    }))


#: Each chart lambdasim draws, as a function of a run (a fresh figure each call).
CHARTS = {
    "timeline": lp.timeline,
    "states": lambda run: lp.timeline(run, max_rows=2),  # the aggregated view
    "outcomes": lp.outcomes,
    "event_age": lp.event_age,
    "concurrency": lp.concurrency,
    "cloudwatch": lambda run: lp.cloudwatch(run, ["Invocations", "Errors"]),
    "compare": lambda run: lp.compare([run, run], ["a", "b"], kind="event_age"),
}
