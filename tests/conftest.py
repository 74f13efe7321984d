"""Shared test set-up: headless matplotlib, the hypothesis profiles, the ``slow`` tier, and the API fixtures.

Plain helper functions live in ``tests/helpers.py`` and the API cases in ``tests/api_cases.py``; no test
module imports this file.
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import socket  # noqa: E402

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


def pytest_collection_modifyitems(config, items):
    """Notebooks are in the slow tier: each starts a Jupyter kernel and runs a lesson top to bottom."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)


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
