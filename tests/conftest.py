"""Shared test set-up: headless matplotlib, the hypothesis profiles, the ``slow`` tier, and the API fixtures.

Plain helper functions live in ``tests/helpers.py`` and the API cases in ``tests/api_cases.py``; no test
module imports this file.
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import socket  # noqa: E402
import time  # noqa: E402

import boto3  # noqa: E402
import pytest  # noqa: E402
from helpers import api_scenario, one_function  # noqa: E402
from hypothesis import settings  # noqa: E402

import lambdasim as ls  # noqa: E402
from lambdasim.aws.client import LambdaClient  # noqa: E402
from lambdasim.aws.mock import mock_aws  # noqa: E402

# In CI the property tests draw the same examples on every run, so a submission cannot fail on an
# example no developer has seen; locally they keep exploring new ones (and replay saved failures).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


def _kernel_replies_in_one_second_slices():
    """Wait for a notebook kernel's replies in slices of at most 1 s, not in one long poll.

    Now and then the kernel client's zmq.asyncio poll misses the wake-up for a reply that has
    arrived (seen on the Explorer widget cell of notebooks/07_explorer.ipynb, mostly under
    pytest-xdist): kernel and client both sit idle until the poll's timeout, the cell timeout,
    whose final check then finds the reply and the notebook passes. Polling in short slices bounds
    such a stall to a second; the total wait and the Empty at its end stay the same.
    """
    from queue import Empty

    from jupyter_client.channels import AsyncZMQSocketChannel

    whole_wait = AsyncZMQSocketChannel.get_msg

    async def get_msg(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = 1.0 if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await whole_wait(self, timeout=min(1.0, left))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    AsyncZMQSocketChannel.get_msg = get_msg


_kernel_replies_in_one_second_slices()


def pytest_collection_modifyitems(config, items):
    """Notebooks are in the slow tier: each starts a Jupyter kernel and runs a lesson top to bottom."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter):
    """Say plainly when the browser tests were skipped, and how to run them (tests/browser/conftest.py).

    Here, not in tests/browser/conftest.py: under pytest-xdist the controller that prints the summary
    loads only this conftest; the workers' skip reports reach it all the same.
    """
    skipped = [
        report for report in terminalreporter.stats.get("skipped", [])
        if "browser tests skipped" in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        longrepr = skipped[0].longrepr
        reason = str(longrepr[-1] if isinstance(longrepr, tuple) else longrepr)
        reason = reason.split("browser tests skipped: ", 1)[-1]
        terminalreporter.write_sep("=", "browser tests skipped", yellow=True, bold=True)
        terminalreporter.write_line(f"{len(skipped)} browser test(s) did not run: {reason}")


@pytest.fixture
def scenario_of():
    return one_function


# -- the Lambda API: one simulation, two clients ------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test (even one botocore would swallow)."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield
    assert attempts == []


@pytest.fixture
def sim():
    """A Simulation of ``helpers.api_scenario()``: functions ``orders``, ``failing`` and ``echo``."""
    return ls.Simulation(api_scenario())


@pytest.fixture(params=["native", "boto3"])
def lam(request, sim):
    """A Lambda client of ``sim``: the native ``LambdaClient``, then real boto3 under ``mock_aws``.

    Every test that takes ``lam`` runs once through each (``tests/test_api_matrix.py``); a module that
    tests one client alone overrides this fixture with its own ``lam``.
    """
    if request.param == "native":
        client = sim.client()
        assert isinstance(client, LambdaClient)
        yield client
        return
    request.getfixturevalue("no_network")
    with mock_aws(sim):
        yield boto3.client("lambda", region_name="us-east-1")
