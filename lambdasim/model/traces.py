"""Trace replay: arrivals from real traces, and loaders for the Azure Functions traces.

Two workloads, registered with :class:`~lambdasim.model.workloads.Workload` by their ``kind`` (``import
lambdasim`` imports this module, so ``Workload.from_dict`` and scenario files know them):

* ``arrivals: per_minute`` (:class:`PerMinuteCounts`): minute k of the trace holds ``counts[k]``
  arrivals, placed uniformly at random within the minute (or, with ``spread: poisson``, a Poisson
  process of that minute's rate), as in per-minute traces such as Azure Functions 2019;
* ``arrivals: trace`` (:class:`TraceReplay`): explicit arrival instants, as in per-invocation traces
  such as Azure Functions 2021.

The loaders (``azure2019_*``, ``azure2021_*``) are pure functions from a CSV file to counts,
instants or a :class:`~lambdasim.model.dists.Distribution`; they use pandas and are never called by the
engine. YAML shape: ``{function: orders, arrivals: per_minute, counts: [312, 298, 0, 405]}``.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterator
from dataclasses import dataclass, fields
from itertools import repeat
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from lambdasim.model.dists import Constant, Distribution, Empirical, LogNormal
from lambdasim.model.errors import invalid_value
from lambdasim.model.validation import check_field, check_number, check_sequence, check_str
from lambdasim.model.workloads import Arrival, Workload

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PerMinuteCounts", "TraceReplay", "azure2019_counts", "azure2019_duration", "azure2021_arrivals",
           "azure2021_durations"]

MINUTE_S = 60.0
_Z99 = NormalDist().inv_cdf(0.99)  # 2.326...: the 99th percentile of the standard normal
_AZURE2019_KEYS = ["HashOwner", "HashApp", "HashFunction", "Trigger"]


def _numbers(values: Any, path: str, allowed: str, *, integer: bool = False,
             ordered: bool = False) -> np.ndarray:
    """A non-empty list of finite numbers >= 0 as an array, checked in numpy (traces are long).

    A bad element is reported like :func:`~lambdasim.model.validation.check_number` would, as ``path[i]``;
    with ``ordered`` the values must also be non-decreasing.
    """
    seq = values.tolist() if isinstance(values, np.ndarray) else check_sequence(values, path, allowed)
    if not seq:
        raise invalid_value(path, values, allowed)
    types = set(map(type, seq))
    good = all(issubclass(t, numbers.Real) and not issubclass(t, (bool, np.bool_)) for t in types)
    if good:
        array = np.asarray(seq, dtype=float)
        bad = ~np.isfinite(array) | (array < 0)
        if integer:
            bad |= array != np.floor(array)
        good = not bad.any()
    if not good:
        for i, value in enumerate(seq):
            check_number(value, f"{path}[{i}]", ge=0, integer=integer)
        raise invalid_value(path, values, allowed)  # not reached: some element failed above
    if ordered:
        drops = np.flatnonzero(np.diff(array) < 0)
        if drops.size:
            i = int(drops[0]) + 1
            allowed = f"number >= {array[i - 1]:g} (times in non-decreasing order)"
            raise invalid_value(f"{path}[{i}]", seq[i], allowed)
    return array


def _short(value: Any) -> str:
    """Repr of a field, with a long tuple shortened to its ends and length."""
    if isinstance(value, tuple) and len(value) > 8:
        ends = ", ".join(map(repr, value[:3])) + ", ..., " + repr(value[-1])
        return f"<{len(value)} values: {ends}>"
    return repr(value)


class _Trace(Workload):
    """What the trace workloads share: YAML lists for tuples, and a repr that stays short."""

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in super().to_dict().items()}

    def __repr__(self) -> str:
        args = ", ".join(f"{f.name}={_short(getattr(self, f.name))}" for f in fields(self))  # type: ignore
        return f"{type(self).__name__}({args})"


@dataclass(frozen=True, repr=False)
class PerMinuteCounts(_Trace):
    """``counts[k]`` arrivals in minute k, i.e. in [start_s + 60 k, start_s + 60 (k + 1)).

    ``spread: uniform`` (default) keeps every count exactly: each minute's arrivals are placed
    independently and uniformly at random within the minute, then sorted. ``spread: poisson`` makes
    each minute a Poisson process of rate ``counts[k] / 60`` per second, so the number in minute k
    is itself Poisson with mean ``counts[k]`` (totals are kept only on average). Arrivals are drawn
    one minute at a time, lazily.
    """

    function: str
    counts: tuple[int, ...]
    start_s: float = 0.0
    spread: str = "uniform"
    payload: Any = None
    payload_size_bytes: int | None = None
    qualifier: str | None = None
    kind: ClassVar[str] = "per_minute"

    def __post_init__(self) -> None:
        self._check()
        counts = _numbers(self.counts, "PerMinuteCounts.counts", "a non-empty list of integers >= 0",
                          integer=True)
        object.__setattr__(self, "counts", tuple(counts.astype(np.int64).tolist()))
        check_field(self, "start_s", ge=0)
        check_str(self.spread, "PerMinuteCounts.spread", "uniform|poisson", "uniform or poisson")

    def arrivals(self, rng: np.random.Generator) -> Iterator[Arrival]:
        rest = (repeat(self.payload), repeat(self.payload_size_bytes))
        poisson = self.spread == "poisson"
        for k, count in enumerate(self.counts):
            n = int(rng.poisson(count)) if poisson else count
            if n == 0:
                continue
            low = self.start_s + MINUTE_S * k
            high = self.start_s + MINUTE_S * (k + 1)
            times = np.sort(low + MINUTE_S * rng.random(n))
            times = np.minimum(times, np.nextafter(high, -np.inf))  # rounding never reaches the next minute
            yield from map(Arrival, times.tolist(), *rest)

    def expected_events(self, horizon_s: float | None = None) -> float:
        if horizon_s is None:
            return float(sum(self.counts))
        return float(sum(self.counts[:max(math.ceil((horizon_s - self.start_s) / MINUTE_S), 0)]))


@dataclass(frozen=True, repr=False)
class TraceReplay(_Trace):
    """Arrivals at the given instants ``times_s`` (a non-empty list of numbers >= 0, non-decreasing)."""

    function: str
    times_s: tuple[float, ...]
    payload: Any = None
    payload_size_bytes: int | None = None
    qualifier: str | None = None
    kind: ClassVar[str] = "trace"

    def __post_init__(self) -> None:
        self._check()
        times = _numbers(self.times_s, "TraceReplay.times_s",
                         "a non-empty list of numbers >= 0 in non-decreasing order", ordered=True)
        object.__setattr__(self, "times_s", tuple(times.tolist()))

    def arrivals(self, rng: np.random.Generator) -> Iterator[Arrival]:
        return map(Arrival, self.times_s, repeat(self.payload), repeat(self.payload_size_bytes))

    def expected_events(self, horizon_s: float | None = None) -> float:
        return float(len(self.times_s))  # listed inline: as many as the trace holds


# -- loaders -------------------------------------------------------------------------------------

PathLike = str | os.PathLike


def _file(path: PathLike, name: str) -> Path:
    """``path`` itself, or ``path/name`` when ``path`` is the trace's folder."""
    path = Path(path)
    return path / name if path.is_dir() else path


def _azure2019_row(path: PathLike, name: str, row: int | None, hash_function: str | None) -> pd.Series:
    """One row of an Azure 2019 CSV, by 0-based position or by ``HashFunction``."""
    if (row is None) == (hash_function is None):
        raise invalid_value("row", row, "give exactly one of row (0-based) and hash_function")
    file = _file(path, name)
    import pandas as pd  # only the trace loaders need it

    frame = pd.read_csv(file)
    if "HashFunction" not in frame.columns:
        raise invalid_value("path", str(file), f"an Azure Functions 2019 {name} with a HashFunction column")
    if row is not None:
        return frame.iloc[check_number(row, "row", ge=0, le=len(frame) - 1, integer=True)]
    match = frame.index[frame["HashFunction"] == hash_function]
    if len(match) == 0:
        raise invalid_value("hash_function", hash_function, f"a HashFunction of {file}")
    return frame.loc[match[0]]


def azure2019_counts(path: PathLike, row: int | None = None, hash_function: str | None = None,
                     minutes: int | slice | None = None) -> tuple[int, ...]:
    """Per-minute invocation counts of one function of the Azure Functions 2019 trace.

    ``path`` is ``invocations.csv`` (columns HashOwner, HashApp, HashFunction, Trigger, then one
    column per minute, '480' ... '959' in the 500-function sample) or its folder. Pick the function
    by 0-based ``row`` or by ``hash_function``. ``minutes``: all (None), the first n (an int), or a
    slice of the minute columns. The result feeds :class:`PerMinuteCounts`.
    """
    series = _azure2019_row(path, "invocations.csv", row, hash_function)
    counts = series.drop(labels=[k for k in _AZURE2019_KEYS if k in series.index])
    if minutes is not None and not isinstance(minutes, slice):
        minutes = slice(0, check_number(minutes, "minutes", ge=1, integer=True))
    if minutes is not None:
        counts = counts.iloc[minutes]
    return tuple(int(c) for c in counts)


def azure2019_duration(path: PathLike, row: int | None = None,
                       hash_function: str | None = None) -> Distribution:
    """A duration distribution (seconds) fitted to one row of the Azure 2019 ``durations.csv``.

    ``path`` is ``durations.csv`` or its folder; its times are milliseconds. The fit is a
    :class:`~lambdasim.model.dists.LogNormal` with the median ``percentile_Average_50`` and
    ``sigma = ln(p99 / p50) / z``, z = 2.326 (the standard normal's 99th percentile), from
    ``percentile_Average_99``. With no spread (p99 == p50) it is a :class:`~lambdasim.model.dists.Constant`
    at the median; when the median is 0 (the file has whole milliseconds, so the function runs
    under 1 ms) it is a Constant at the row's ``Average``.

    Caveat (data README, dataset note 7): these percentiles are weighted percentiles of 30-second
    *averages* of the execution time, not of single invocations, so the fitted ``sigma`` understates
    the per-invocation spread, the more so the busier the function. The mean is less affected.
    Note also that ``durations.csv`` rows are not in the order of ``invocations.csv``: join the two
    files by ``hash_function``, not by ``row``.
    """
    series = _azure2019_row(path, "durations.csv", row, hash_function)
    p50, p99 = float(series["percentile_Average_50"]), float(series["percentile_Average_99"])
    if p50 <= 0:
        return Constant(max(float(series["Average"]), 0.0) / 1000)
    if p99 <= p50:
        return Constant(p50 / 1000)
    return LogNormal(median_s=p50 / 1000, sigma=math.log(p99 / p50) / _Z99)


def _azure2021_rows(path: PathLike, app: str | None, func: str | None) -> pd.DataFrame:
    """The rows of an Azure 2021 invocation file for ``app`` and/or ``func`` (all rows when both None)."""
    import pandas as pd  # only the trace loaders need it

    frame = pd.read_csv(path)
    missing = {"app", "func", "end_timestamp", "duration"} - set(frame.columns)
    if missing:
        raise invalid_value("path", str(path), "an Azure Functions 2021 file with columns app, func, "
                                               "end_timestamp, duration")
    for key, value in (("app", app), ("func", func)):
        if value is not None:
            frame = frame[frame[key] == value]
            if frame.empty:
                within = " (within the app given)" if key == "func" and app is not None else ""
                raise invalid_value(key, value, f"a {key} id of {path}{within}")
    return frame


def azure2021_arrivals(path: PathLike, app: str | None = None, func: str | None = None) -> tuple[float, ...]:
    """Arrival instants (seconds) from the Azure Functions 2021 per-invocation trace.

    Each row's arrival is ``end_timestamp - duration`` (the trace records ends); the instants are
    sorted and shifted so that the first is 0. Filter by ``app`` and/or ``func`` (function ids are
    unique only within an app, so give ``app`` with ``func``); by default every row is kept. The
    result feeds :class:`TraceReplay`.
    """
    frame = _azure2021_rows(path, app, func)
    starts = np.sort((frame["end_timestamp"] - frame["duration"]).to_numpy(dtype=float))
    return tuple((starts - starts[0]).tolist())


def azure2021_durations(path: PathLike, app: str | None = None, func: str | None = None) -> Empirical:
    """The observed durations (seconds) of the same rows as :func:`azure2021_arrivals`, as an Empirical."""
    return Empirical(tuple(_azure2021_rows(path, app, func)["duration"].to_numpy(dtype=float).tolist()))
