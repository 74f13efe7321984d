"""Plain helper functions the test modules share (fixtures live in ``conftest.py``).

``from helpers import one_function`` works from any test module: pytest puts ``tests/`` on
``sys.path`` because the folder is not a package.
"""

from dataclasses import replace

from api_cases import PREPARE

import lambdasim as ls
from lambdasim.model.dists import Constant
from lambdasim.model.failures import FailureModel
from lambdasim.model.scenario import Account, EventInvokeConfig, FunctionConfig, QueueSettings, Scenario

#: Queue settings for exact timelines: the documented 60 s / 120 s retry waits and 1, 2, 4, ... s
#: backoff with no jitter (the defaults add measured-AWS jitter, which would move every instant).
EXACT_QUEUE = {"retry_jitter_s": 0.0, "throttle_jitter": 0.0}

# -- scenarios -------------------------------------------------------------------------------------------


def one_function(workloads=(), *, retries=2, max_age=21600, account=1000, dispatch="aws", seed=1,
                 horizon_s=None, queue=None, **function):
    """A scenario with the single function ``orders``; ``function`` holds FunctionConfig fields.

    Durations default to a constant 0.2 s and cold starts to 0, and jitter is 0 (also in a ``queue``
    passed in, unless it sets jitter itself), so timelines are exact; the timeout defaults to 900 s
    so that long constant durations do not time out unless a test says so.
    """
    function.setdefault("timeout_s", 900)
    function.setdefault("duration", Constant(0.2))
    function.setdefault("cold_start", Constant(0.0))
    function["event_invoke_config"] = EventInvokeConfig(
        maximum_retry_attempts=retries, maximum_event_age_s=max_age
    )
    queue = QueueSettings(**exact_queue(queue)) if queue is None else exact_queue(queue)
    return Scenario(
        functions={"orders": FunctionConfig(**function)}, workloads=tuple(workloads),
        account=Account(concurrent_executions=account), dispatch=dispatch, seed=seed, horizon_s=horizon_s,
        queue=queue,
    )


def exact_queue(queue=None):
    """``queue`` with jitter 0 wherever it leaves jitter at its default: a QueueSettings stays one,
    a dict or None (the YAML shape) gives a dict."""
    if queue is None or isinstance(queue, dict):
        return {**EXACT_QUEUE, **(queue or {})}
    defaults = QueueSettings()
    return replace(queue, **{k: v for k, v in EXACT_QUEUE.items()
                             if getattr(queue, k) == getattr(defaults, k)})


def echo(event, context):
    """A handler that returns what it received."""
    return {"got": event, "version": context.function_version}


def api_scenario(account=1000):
    """The functions the API tests call: ``orders`` (succeeds), ``failing`` (always errors), ``echo``."""
    timing = {"duration": Constant(0.2), "cold_start": Constant(0.0), "timeout_s": 900}
    return ls.Scenario(functions={
        "orders": ls.FunctionConfig(**timing),
        "failing": ls.FunctionConfig(**timing, failures=FailureModel(error_probability=1.0)),
        "echo": ls.FunctionConfig(**timing, handler=echo),
    }, account=ls.Account(concurrent_executions=account), queue=QueueSettings(**EXACT_QUEUE))


# -- API calls -------------------------------------------------------------------------------------------


def prepare(lam, sim):
    """Put ``sim`` (the simulation behind ``lam``) in the state the contract cases run against: the
    calls, then the clock run on until the function they create is no longer ``Pending``."""
    for method, kwargs in PREPARE:
        getattr(lam, method)(**kwargs)
    sim.wait_until_active("pay")


def publish_versions(lam, sim, count, name="orders"):
    """Publish ``count`` new versions of ``name``, changing ``$LATEST``'s description before each
    (AWS publishes no new version when nothing changed since the last one) and running the clock
    past each update (a PublishVersion meanwhile is refused with 409). Returns their numbers."""
    published = []
    for _ in range(count):
        existing = len(lam.list_versions_by_function(FunctionName=name)["Versions"]) - 1
        if existing:
            lam.update_function_configuration(FunctionName=name, Description=f"version {existing + 1}")
            sim.wait_until_active(name)
        published.append(lam.publish_version(FunctionName=name)["Version"])
    return published


def error_of(excinfo):
    """(code, message, HTTP status) of a raised ClientError."""
    response = excinfo.value.response
    error, metadata = response["Error"], response["ResponseMetadata"]
    return error["Code"], error["Message"], metadata["HTTPStatusCode"]
