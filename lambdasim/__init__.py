"""lambdasim: a SimPy model of AWS Lambda asynchronous invocation, for learning and design.

    import lambdasim as ls
    result = ls.run(ls.Scenario.from_yaml("data/scenarios/retries.yaml"))
    result.attempts, result.events          # one row per attempt / per accepted event
"""

# traces registers the trace-replay workloads (arrivals: per_minute, trace) with Workload.from_dict:
# any import of lambdasim.workloads runs this file first, so scenario files always know them.
from . import dists, failures, traces, workloads
from .engine import Simulation, run
from .errors import (
    InvalidParameterValueException,
    InvalidRequestContentException,
    LambdaError,
    RecursiveInvocationException,
    RequestTooLargeException,
    ResourceConflictException,
    ResourceNotFoundException,
    ServiceException,
    TooManyRequestsException,
)
from .failures import FailureModel, Outage
from .records import FATES, KINDS, OUTCOMES
from .result import Result
from .scenario import Account, DestinationConfig, EventInvokeConfig, FunctionConfig, QueueSettings, Scenario
from .sweep import confidence, replicate, sweep

__version__ = "0.1.0"

# Modules that import matplotlib, ipywidgets or botocore load on first use, so `import lambdasim`
# stays light for scripts and sweeps that only simulate.
_LAZY_MODULES = ("plots", "widgets", "api", "aws_mock", "examples", "scenario_export")


def __getattr__(name: str):
    import importlib

    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name == "export":
        return importlib.import_module(".plots", __name__).export
    if name == "mock_aws":
        return importlib.import_module(".aws_mock", __name__).mock_aws
    raise AttributeError(f"module 'lambdasim' has no attribute {name!r}")


__all__ = [
    "Account",
    "DestinationConfig",
    "EventInvokeConfig",
    "FATES",
    "FailureModel",
    "FunctionConfig",
    "InvalidParameterValueException",
    "InvalidRequestContentException",
    "KINDS",
    "LambdaError",
    "OUTCOMES",
    "Outage",
    "QueueSettings",
    "RecursiveInvocationException",
    "RequestTooLargeException",
    "ResourceConflictException",
    "ResourceNotFoundException",
    "Result",
    "Scenario",
    "ServiceException",
    "Simulation",
    "TooManyRequestsException",
    "confidence",
    "dists",
    "export",
    "failures",
    "mock_aws",
    "plots",
    "replicate",
    "run",
    "sweep",
    "traces",
    "widgets",
    "workloads",
]
