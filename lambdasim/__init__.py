"""lambdasim: a SimPy model of AWS Lambda asynchronous invocation, for learning and design.

    import lambdasim as ls
    result = ls.run(ls.Scenario.from_yaml("data/scenarios/retries.yaml"))
    result.attempts, result.events          # one row per attempt / per accepted event
"""

from . import dists, failures, workloads
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

__version__ = "0.1.0"

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
    "dists",
    "failures",
    "run",
    "workloads",
]
