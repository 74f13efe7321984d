"""The plain description of a run: scenario, functions, distributions, workloads, failures.

Frozen, validated data with no simulation in it (no simpy, no botocore, no pandas at import).
"""

# traces registers the trace-replay workloads (arrivals: per_minute, trace) with Workload.from_dict:
# importing the model imports it, so scenario files always know them.
from lambdasim.model import traces  # noqa: F401
from lambdasim.model.scenario import (
    Account,
    DestinationConfig,
    EventInvokeConfig,
    FunctionConfig,
    QueueSettings,
    Scenario,
)

__all__ = ["Account", "DestinationConfig", "EventInvokeConfig", "FunctionConfig", "QueueSettings", "Scenario"]
