"""``python -m lambdasim sweep``: end to end, serially and on a Dask scheduler started here."""

import math
from pathlib import Path

import pandas as pd
import pytest

import lambdasim as ls
from lambdasim.cli import grid_values, main
from lambdasim.plots.interval_chart import parquet_available, sweep_chart

STEADY = Path(__file__).resolve().parent.parent / "data" / "scenarios" / "steady.yaml"
#: steady.yaml's shape at a twentieth of its size: about 150 events, so a 12-run sweep takes a moment.
SMALL = """
seed: 7
functions:
  orders:
    Timeout: 3
    duration: {dist: exponential, mean_s: 0.4}
    failures: {error_probability: 0.2}
workloads:
  - {function: orders, arrivals: poisson, rate_per_s: 5, end_s: 30}
"""
RESERVED = "functions.orders.reserved_concurrency"
RETRIES = "functions.orders.event_invoke_config.maximum_retry_attempts"


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    return path


def sweep_args(scenario, out, executor="serial"):
    return ["sweep", str(scenario), "--grid", f"{RESERVED}=1,none", "--grid", f"{RETRIES}=0,2",
            "--replications", "3", "--seed", "4", "--executor", executor, "--out", str(out), "--no-progress"]


def expected(path):
    scenario = ls.Scenario.from_file(path).replace(seed=4)
    runs = ls.sweep(scenario, {RESERVED: [1, None], RETRIES: [0, 2]}, replications=3)
    return runs, ls.confidence(runs)


def check_output(path, out, capsys):
    runs, intervals = expected(path)
    written = pd.read_csv(out / "runs.csv")
    assert len(written) == 12 and list(written.columns) == list(runs.columns)
    assert written["seed"].tolist() == runs["seed"].tolist()
    for column in ("accepted", "succeeded", "expired", "cost_usd", "event_age_p99_s"):
        assert written[column].tolist() == pytest.approx(runs[column].tolist(), rel=1e-12)
    table = pd.read_csv(out / "intervals.csv")
    assert table["metric"].tolist() == intervals["metric"].tolist()
    for column in ("n", "mean", "half_width", "low", "high"):
        assert table[column].tolist() == pytest.approx(intervals[column].tolist(), rel=1e-12, nan_ok=True)
    assert table[RESERVED].isna().tolist() == [r is None for r in intervals[RESERVED]]
    for name in ("sweep.png", "sweep.svg"):
        assert (out / name).stat().st_size > 10_000
    assert "<svg" in (out / "sweep.svg").read_text()[:500]
    printed = capsys.readouterr().out
    assert "12 runs: 4 configurations × 3 replications (95% intervals)" in printed
    assert f"wrote {6 if parquet_available() else 4} files to {out}" in printed
    if not parquet_available():
        assert "no Parquet: pyarrow is not installed" in printed
        assert not list(out.glob("*.parquet"))
        return
    # With pyarrow the same two tables as Parquet: read back, they hold what the CSV files hold.
    for name in ("runs", "intervals"):
        from_parquet = pd.read_parquet(out / f"{name}.parquet")
        from_csv = pd.read_csv(out / f"{name}.csv")
        assert list(from_parquet.columns) == list(from_csv.columns) and len(from_parquet) == len(from_csv)
        for column in from_csv.columns:
            if from_csv[column].dtype.kind == "f":
                assert from_parquet[column].astype(float).tolist() == pytest.approx(
                    from_csv[column].tolist(), rel=1e-12, nan_ok=True), column
            else:
                as_text = from_csv[column].astype(str).tolist()
                assert from_parquet[column].astype(str).tolist() == as_text, column
    assert pd.read_parquet(out / "runs.parquet")["seed"].tolist() == runs["seed"].tolist()


@pytest.mark.slow
def test_sweep_command_writes_runs_intervals_and_charts(small, tmp_path, capsys):
    assert main(sweep_args(small, tmp_path / "serial")) == 0
    check_output(small, tmp_path / "serial", capsys)


@pytest.mark.slow
def test_sweep_command_on_a_dask_scheduler_writes_the_same_tables(small, tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        assert main(sweep_args(small, tmp_path / "dask", "dask://" + address[len("tcp://"):])) == 0
    check_output(small, tmp_path / "dask", capsys)


@pytest.mark.parametrize(("text", "key", "values"), [
    (f"{RESERVED}=5,10,none", RESERVED, [5, 10, None]),
    (f" {RESERVED} = null , 3 ", RESERVED, [None, 3]),
    ("functions.orders.failures.error_probability=0.1,0.5", "functions.orders.failures.error_probability",
     [0.1, 0.5]),
    ("dispatch=aws,fifo", "dispatch", ["aws", "fifo"]),
])
def test_grid_values_are_yaml_scalars_and_none(text, key, values):
    assert grid_values(text) == (key, values)


@pytest.mark.parametrize(("argv", "message"), [
    (["--grid", "functions.orders.reserved_concurrency"], "--grid: 'functions.orders.reserved_concurrency'"
                                                          " is not valid; allowed: KEY=V1,V2"),
    (["--grid", "=1,2"], "--grid: '=1,2' is not valid"),
    (["--executor", "threads"], "--executor: 'threads' is not valid; allowed: serial, processes, "
                                "dask://HOST:PORT"),
    (["--grid", "functions.orders.nope=1"], "functions.orders.nope"),
    (["--replications", "0"], "replications: expected an integer >= 1, got 0"),
])
def test_sweep_command_refuses_bad_arguments_by_name(tmp_path, capsys, argv, message):
    status = main(["sweep", str(STEADY), "--out", str(tmp_path / "x"), "--no-progress", *argv])
    assert status == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_sweep_chart_draws_one_panel_per_measure_with_its_intervals():
    frame = pd.DataFrame({RESERVED: pd.Series([1, 1, None, None], dtype=object),
                          "succeeded": [3.0, 5.0, 9.0, 9.0], "cost_usd": [0.1, 0.3, 0.5, 0.7]})
    intervals = ls.confidence(frame, by=RESERVED)
    fig = sweep_chart(intervals)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["events succeeded", "cost (USD)"]
    assert [t.get_text() for t in visible[0].get_xticklabels()] == ["1", "none"]
    assert visible[0].get_xlabel() == "reserved_concurrency"
    low, high = visible[0].get_ylim()
    one = intervals.iloc[0]
    assert low <= one["low"] and high >= one["high"] and math.isfinite(one["half_width"])
    assert "2 replications each" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="measures"):
        sweep_chart(intervals, measures=["nope"])
    with pytest.raises(ValueError, match="metric"):
        sweep_chart(frame)


@pytest.mark.slow
def test_sweep_command_progress_is_off_unless_on_a_terminal_outside_ci(small, tmp_path, capsys, monkeypatch):
    args = ["sweep", str(small), "--replications", "2", "--out", str(tmp_path / "out")]
    monkeypatch.delenv("CI", raising=False)
    assert main(args) == 0  # stderr is captured here, not a terminal: no bar
    assert "runs:" not in capsys.readouterr().err
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    monkeypatch.setenv("CI", "true")
    assert main(args) == 0  # a terminal, but CI is set: no bar
    assert "runs:" not in capsys.readouterr().err
    assert main([*args, "--progress"]) == 0  # asked for
    assert "runs: 100%" in capsys.readouterr().err
    monkeypatch.delenv("CI")
    assert main(args) == 0  # a terminal outside CI: the bar by default
    assert "runs: 100%" in capsys.readouterr().err


def test_sweep_chart_says_so_when_a_measure_is_zero_in_every_run():
    frame = pd.DataFrame({RESERVED: [1, 1, 2, 2], "expired": [0, 0, 0, 0], "succeeded": [4.0, 5.0, 6.0, 6.5]})
    frame.attrs["overrides"] = [RESERVED]
    fig = sweep_chart(ls.confidence(frame))
    expired, succeeded = [ax for ax in fig.axes if ax.get_visible()][::-1]
    assert expired.get_title().startswith("events expired") and expired.get_ylim() == (-0.05, 1)
    assert [t.get_text() for t in expired.texts] == ["0 in every run"]
    assert len(succeeded.texts) == 0 and succeeded.get_ylim() != (-0.05, 1)
