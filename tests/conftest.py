"""Shared test set-up: headless matplotlib, and a compact way to build one-function scenarios."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# In CI the property tests draw the same examples on every run, so a submission cannot fail on an
# example no developer has seen; locally they keep exploring new ones (and replay saved failures).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

from lambdasim.model.dists import Constant  # noqa: E402
from lambdasim.model.scenario import Account, EventInvokeConfig, FunctionConfig, Scenario  # noqa: E402


def one_function(workloads=(), *, retries=2, max_age=21600, account=1000, dispatch="aws", seed=1,
                 horizon_s=None, queue=None, **function):
    """A scenario with the single function ``orders``; ``function`` holds FunctionConfig fields.

    Durations default to a constant 0.2 s and cold starts to 0, so timelines are exact; the
    timeout defaults to 900 s so that long constant durations do not time out unless a test says so.
    """
    function.setdefault("timeout_s", 900)
    function.setdefault("duration", Constant(0.2))
    function.setdefault("cold_start", Constant(0.0))
    function["event_invoke_config"] = EventInvokeConfig(
        maximum_retry_attempts=retries, maximum_event_age_s=max_age
    )
    extra = {"queue": queue} if queue is not None else {}
    return Scenario(
        functions={"orders": FunctionConfig(**function)}, workloads=tuple(workloads),
        account=Account(concurrent_executions=account), dispatch=dispatch, seed=seed, horizon_s=horizon_s,
        **extra,
    )


@pytest.fixture
def scenario_of():
    return one_function
