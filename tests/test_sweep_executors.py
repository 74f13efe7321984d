"""Sweeps on every kind of executor give the same frame: serial, a process pool, Dask (issue 13).

The Dask cluster is a ``LocalCluster`` of two in-process workers (``processes=False``: no pickling of
a worker process to start, so the test costs about a second and opens no network port).
"""

import subprocess
import sys
import textwrap
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pandas as pd
import pytest
from helpers import one_function

from lambdasim.model.failures import FailureModel
from lambdasim.model.workloads import Poisson
from lambdasim.results.sweeps import confidence, replicate, seeds_for, sweep

distributed = pytest.importorskip("distributed")

RESERVED = "functions.orders.reserved_concurrency"
RETRIES = "functions.orders.event_invoke_config.maximum_retry_attempts"
GRID = {RESERVED: [1, None], RETRIES: [0, 2]}


def tiny(seed=5):
    """About 60 arrivals with failures and throttles: each run takes milliseconds."""
    return one_function([Poisson("orders", rate_per_s=2.0, end_s=30.0)], seed=seed, reserved_concurrency=2,
                        failures=FailureModel(error_probability=0.3))


def seen_seed(result):
    """A measure that reports the seed the run used (module level: picklable)."""
    return {"seed_seen": result.scenario.seed, "accepted": result.summary()["accepted"]}


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def serial():
    return sweep(tiny(), GRID, replications=3)


def test_dask_client_gives_the_serial_frame(client, serial):
    on_dask = sweep(tiny(), GRID, replications=3, executor=client)
    pd.testing.assert_frame_equal(on_dask, serial)
    assert on_dask.attrs == serial.attrs
    pd.testing.assert_frame_equal(confidence(on_dask), confidence(serial))


def test_dask_executor_and_process_pool_give_the_serial_frame(client, serial):
    pd.testing.assert_frame_equal(sweep(tiny(), GRID, replications=3, executor=client.get_executor()), serial)
    with ProcessPoolExecutor(max_workers=2) as pool:
        pd.testing.assert_frame_equal(sweep(tiny(), GRID, replications=3, executor=pool), serial)
    with ThreadPoolExecutor(max_workers=2) as threads:
        pd.testing.assert_frame_equal(sweep(tiny(), GRID, replications=3, executor=threads), serial)


def test_replications_on_dask_use_the_paired_seeds(client):
    frame = replicate(tiny(seed=8), n=4, measure=seen_seed, executor=client)
    assert frame["seed"].tolist() == frame["seed_seen"].tolist() == seeds_for(tiny(seed=8), 4)
    pd.testing.assert_frame_equal(frame, replicate(tiny(seed=8), n=4, measure=seen_seed))


def test_a_failing_run_on_dask_raises_its_error(client):
    def broken(result):
        raise RuntimeError("measure broke on purpose")

    with pytest.raises(RuntimeError, match="on purpose"):
        sweep(tiny(), {RETRIES: [0]}, measure=broken, executor=client)


def test_importing_lambdasim_and_sweeping_serially_loads_no_dask():
    code = textwrap.dedent("""
        import sys
        import lambdasim as ls
        assert "dask" not in sys.modules and "distributed" not in sys.modules and "tqdm" not in sys.modules
        assert "scipy" not in sys.modules
        from lambdasim.results.sweeps import sweep
        import helpers
        sweep(helpers.one_function(seed=1), {}, replications=1)
        print(sorted(m for m in ("dask", "distributed", "tqdm") if m in sys.modules))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(__import__("pathlib").Path(__file__).parent))
    assert out.stdout.strip() == "[]"
