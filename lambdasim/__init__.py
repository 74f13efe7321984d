"""lambdasim: a SimPy model of AWS Lambda asynchronous invocation, for learning and design.

    import lambdasim as ls
    result = ls.run(ls.Scenario.from_yaml("data/scenarios/retries.yaml"))
    result.attempts, result.events          # one row per attempt / per accepted event

The package is layered (README, "How the code is laid out"): ``model`` (plain descriptions),
``records``, ``engine`` (the only simpy), ``results`` (frames and numbers), ``aws`` (the client and
the boto3 hook), ``plots``, ``widgets``, ``course``. Importing ``lambdasim`` loads only the model;
everything else loads on first use, and ``from lambdasim import *`` has no side effects (it patches
nothing and loads no chart library).
"""

from lambdasim.model import dists, failures, traces, workloads
from lambdasim.model.errors import (
    InvalidParameterValueException,
    InvalidRequestContentException,
    LambdaError,
    PreconditionFailedException,
    RecursiveInvocationException,
    RequestEntityTooLargeException,
    RequestTooLargeException,
    ResourceConflictException,
    ResourceNotFoundException,
    ServiceException,
    TooManyRequestsException,
    ValidationException,
)
from lambdasim.model.failures import FailureModel, Outage, SystemOutage
from lambdasim.model.scenario import (
    Account,
    DestinationConfig,
    EventInvokeConfig,
    FunctionConfig,
    QueueSettings,
    Scenario,
)
from lambdasim.records import FATES, KINDS, OUTCOMES

__version__ = "0.1.0"

# Names whose modules need pandas, simpy, matplotlib, ipywidgets or botocore load on first use, so
# `import lambdasim` (and `import lambdasim.engine`) stays light for scripts that only describe or
# simulate.
_LAZY = {
    "Simulation": ("lambdasim.simulation", "Simulation"),
    "run": ("lambdasim.results", "run"),
    "Result": ("lambdasim.results", "Result"),
    "sweep": ("lambdasim.results", "sweep"),
    "replicate": ("lambdasim.results", "replicate"),
    "confidence": ("lambdasim.results", "confidence"),
    "save_figure": ("lambdasim.plots", "save_figure"),
    "export_run": ("lambdasim.plots", "export_run"),
    "mock_aws": ("lambdasim.aws.mock", "mock_aws"),
    "LambdaClient": ("lambdasim.aws.client", "LambdaClient"),
}
_LAZY_MODULES = ("aws", "course", "engine", "plots", "records", "results", "widgets")


def __getattr__(name: str):
    import importlib

    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    if name in _LAZY_MODULES:
        return importlib.import_module(f"lambdasim.{name}")
    raise AttributeError(f"module 'lambdasim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_LAZY_MODULES))


# The star import takes the description, the runs and their results; the chart, widget and
# boto3-hook modules stay out of it (`ls.plots`, `ls.widgets`, `ls.mock_aws` load when used).
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
    "PreconditionFailedException",
    "QueueSettings",
    "RecursiveInvocationException",
    "RequestEntityTooLargeException",
    "RequestTooLargeException",
    "ResourceConflictException",
    "ResourceNotFoundException",
    "Result",
    "Scenario",
    "ServiceException",
    "Simulation",
    "SystemOutage",
    "TooManyRequestsException",
    "ValidationException",
    "confidence",
    "dists",
    "failures",
    "replicate",
    "run",
    "sweep",
    "traces",
    "workloads",
]
