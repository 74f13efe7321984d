"""CloudWatch-like metrics and KPIs, computed from the record frames (docs/aws-behaviour.md §16); cost is in
:mod:`lambdasim.results.cost`.

Pure functions of the ``attempts``, ``events`` and ``deliveries`` DataFrames
(:mod:`lambdasim.records.schema`):
nothing here simulates, plots or imports SimPy. Everything is vectorised with numpy and pandas, so
a million-row ``attempts`` table takes well under a second (about 1 s on a cold first call).

Choices where CloudWatch is not specific (documented here as choices):

- Every per-attempt metric is timestamped at ``dispatched_at`` (AWS stamps ``Errors`` at
  invocation start; we do the same for ``Invocations``, ``Duration`` and ``AsyncEventAge``).
- An *executed* attempt is a row of kind ``invoke``, ``duplicate`` (an at-least-once extra
  delivery runs the code and is billed too) or ``sync`` (a synchronous invoke) whose outcome is
  ``success``, ``error``, ``timeout`` or ``running`` (cut off by a horizon). ``Invocations``,
  ``Errors``, ``Duration``, ``ConcurrentExecutions`` and cost count all three; ``Duration`` uses
  the ones that finished. The ``AsyncEvent*`` metrics count async events only.
- ``Throttles`` counts every row with outcome ``throttled``, including the one row written when
  reserved concurrency 0 refuses an event, refused duplicate deliveries and refused synchronous
  invokes (a 429 to the caller, which AWS counts as a throttle too).
- ``SystemErrors`` is lambdasim's own metric, not CloudWatch's: async dispatches that met a Lambda
  system error (rows of kind ``system_error``, 500-series, :mod:`lambdasim.model.failures`). AWS
  publishes no metric for them: "Throttled requests and other invocation errors don't count as either
  Invocations or Errors", and ``Throttles`` counts requests refused for lack of concurrency
  (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html). On AWS they show
  only as a growing ``AsyncEventAge`` and, once an event expires, in ``AsyncEventsDropped``; here
  they count in neither ``Invocations``, ``Errors`` nor ``Throttles``.
- ``ConcurrentExecutions`` is the exact maximum of executions in flight during the period; an
  execution occupies ``[dispatched_at, end_at)`` (cold start included) and one still ``running``
  occupies every period after its dispatch. Unlike CloudWatch, idle periods report 0 rather
  than no data point.
- Percentiles (``p50``, ``p99``) interpolate linearly between the closest ranks (numpy's default);
  CloudWatch's own percentiles are approximations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lambdasim.model.errors import invalid_value
from lambdasim.model.validation import check_number
from lambdasim.records import FAILED_FATES
from lambdasim.results.columns import codes as _codes
from lambdasim.results.columns import executed as _executed
from lambdasim.results.columns import function_names as _function_names

__all__ = ["ALL", "METRICS", "metrics", "summary"]

#: The ``function`` label of rows that total over the functions.
ALL = "(all)"
#: ``(metric, statistic)`` pairs that :func:`metrics` reports, in its row order.
METRICS = (
    ("Invocations", "Sum"), ("Errors", "Sum"), ("Throttles", "Sum"),
    ("Duration", "Average"), ("Duration", "p50"), ("Duration", "p99"), ("Duration", "Maximum"),
    ("ConcurrentExecutions", "Maximum"), ("AsyncEventsReceived", "Sum"),
    ("AsyncEventAge", "Average"), ("AsyncEventAge", "Maximum"), ("AsyncEventsDropped", "Sum"),
    ("DestinationDeliveryFailures", "Sum"), ("DeadLetterErrors", "Sum"),
    ("RecursiveInvocationsDropped", "Sum"), ("SystemErrors", "Sum"),
)
_STATISTICS = ("Sum", "Average", "p50", "p99", "Maximum")
_METRIC_NAMES = list(dict.fromkeys(m for m, _ in METRICS))
_METRIC_CODES = np.array([_METRIC_NAMES.index(m) for m, _ in METRICS])
_STATISTIC_CODES = np.array([_STATISTICS.index(s) for _, s in METRICS])
_COLUMNS = ["period_start", "function", "metric", "statistic", "value"]
#: Outcome codes used below: 0 throttled, 1-2 function errors, 1-3 finished executions.
_OUTCOME_CODES = ("throttled", "timeout", "error", "success")
_FAILED = tuple(sorted(FAILED_FATES))
_CHANNELS = ("on_success", "on_failure", "dlq")


def _deliveries(deliveries: pd.DataFrame | None, events: pd.DataFrame, names: list[str]):
    """``(function code, at, channel code, ok)`` arrays of the deliveries (empty if none)."""
    if deliveries is None or not len(deliveries):
        return np.empty(0, np.int64), np.empty(0), np.empty(0, np.int64), np.empty(0, bool)
    if "function" in deliveries:
        fn = _codes(deliveries["function"], names)
    else:  # the deliveries schema has no function column: find it through the event
        pos = pd.Index(events["event_id"].astype(object)).get_indexer(deliveries["event_id"].astype(object))
        event_fn = _codes(events["function"], names)
        fn = np.where(pos >= 0, event_fn[pos] if event_fn.size else -1, -1)
    return (fn, deliveries["at"].to_numpy(float), _codes(deliveries["channel"], _CHANNELS),
            deliveries["ok"].to_numpy(bool))


def _period(t: np.ndarray, period_s: float) -> np.ndarray:
    return np.floor(t / period_s).astype(np.int64)


def _sums(group: np.ndarray, k: np.ndarray, mask: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Counts per (function, period) where ``mask`` holds, with the total over functions as last row."""
    n_functions, n_periods = shape
    keys = group[mask] * n_periods + k[mask]
    counts = np.bincount(keys, minlength=n_functions * n_periods).reshape(shape).astype(float)
    return np.vstack([counts, counts.sum(axis=0)])


def _stats(group, k, values, mask, shape, statistics) -> list[np.ndarray]:
    """Each statistic of ``values`` per (function, period) and in total; NaN where there is no data."""
    n_functions, n_periods = shape
    v = pd.Series(values[mask])
    out = [np.full(((n_functions + 1) * n_periods), np.nan) for _ in statistics]
    for keys, offset in ((group[mask] * n_periods + k[mask], 0), (k[mask], n_functions * n_periods)):
        grouped = v.groupby(keys, sort=False)
        for arr, stat in zip(out, statistics, strict=True):
            if stat == "Average":
                result = grouped.mean()
            elif stat == "Maximum":
                result = grouped.max()
            else:
                result = grouped.quantile(float(stat[1:]) / 100)
            arr[offset + result.index.to_numpy()] = result.to_numpy()
    return [arr.reshape(n_functions + 1, n_periods) for arr in out]


def _sweep(key: np.ndarray, delta: np.ndarray, n_groups: int, n_periods: int) -> np.ndarray:
    """Maximum level per (group, period) of +1/-1 changes sorted by ``key`` = group * (n + 1) + period."""
    width = n_periods + 1
    level = np.r_[0, np.cumsum(delta)]  # each group's changes sum to 0: one cumsum serves all groups
    targets = (np.arange(n_groups)[:, None] * width + np.arange(n_periods)).ravel()
    peak = level[np.searchsorted(key, targets, side="left")]  # the level carried into each period
    starts = (delta > 0) & (key % width < n_periods)
    np.maximum.at(peak, (key[starts] // width) * n_periods + key[starts] % width, level[1:][starts])
    return peak.reshape(n_groups, n_periods)


def _concurrency(group, start, end, shape, period_s) -> np.ndarray:
    """Exact maximum of executions in flight per (function, period), and over all functions.

    A sweep over +1 at each start and -1 at each end (ends first at equal times: the intervals are
    half-open); an execution still running ends at infinity, in a period after the last.
    """
    n_functions, n_periods = shape
    times = np.concatenate([start, np.where(np.isnan(end), np.inf, end)])
    delta = np.repeat(np.array([1, -1], np.int64), start.size)
    order = np.lexsort((delta, times))
    times, delta, group = times[order], delta[order], np.tile(group, 2)[order]
    k = np.full(times.size, n_periods, np.int64)
    finite = np.isfinite(times)
    k[finite] = np.minimum(_period(times[finite], period_s), n_periods)
    total = _sweep(k, delta, 1, n_periods)
    if n_functions == 1:
        return np.vstack([total, total]).astype(float)
    by_function = np.argsort(group, kind="stable")
    key = group[by_function] * (n_periods + 1) + k[by_function]
    return np.vstack([_sweep(key, delta[by_function], n_functions, n_periods), total]).astype(float)


def metrics(attempts: pd.DataFrame, events: pd.DataFrame, deliveries: pd.DataFrame | None = None,
            period_s: float = 60, functions: Sequence[str] | None = None) -> pd.DataFrame:
    """CloudWatch-like metrics per function and in total, as a tidy time series (docs/aws-behaviour.md §16).

    Parameters
    ----------
    attempts, events, deliveries
        The record frames of a run (:mod:`lambdasim.records.schema`); ``deliveries`` may be None or empty.
    period_s
        Period length in seconds; period ``k`` is ``[k * period_s, (k + 1) * period_s)``.
    functions
        The functions to report, in order (default: every function the frames know). The
        ``"(all)"`` rows total over exactly these, so per-function Sums add up to them.

    Returns
    -------
    pandas.DataFrame
        Columns ``period_start`` (s), ``function`` (a name or ``"(all)"``), ``metric``,
        ``statistic``, ``value``; one row per period from 0 to the last period with any activity
        for each pair of :data:`METRICS`. Sums are 0 in empty periods; ``Average``, percentile and
        ``AsyncEventAge``/``Duration`` ``Maximum`` rows are left out where there is no data, so no
        value is NaN. Durations and ages are in milliseconds.
    """
    period_s = check_number(period_s, "period_s", gt=0, allowed="a finite number of seconds > 0")
    if functions is not None:
        listed = list(functions) if isinstance(functions, (list, tuple)) else None
        if listed is None or not all(isinstance(f, str) for f in listed):
            raise invalid_value("functions", functions, "None or a list of function names")
    names = _function_names(functions, attempts, events)
    fn = _codes(attempts["function"], names)
    listed = fn >= 0
    executed = listed & _executed(attempts)
    dispatched = attempts["dispatched_at"].to_numpy(float)
    end = attempts["end_at"].to_numpy(float)
    e_fn = _codes(events["function"], names)
    enqueued = events["enqueued_at"].to_numpy(float)
    resolved = events["resolved_at"].to_numpy(float)
    e_fate = _codes(events["fate"], _FAILED)
    e_dropped = (e_fn >= 0) & (e_fate >= 0) & ~np.isnan(resolved)
    d_fn, d_at, d_channel, d_ok = _deliveries(deliveries, events, names)

    finished_end = end[executed & ~np.isnan(end)]
    lasts = [_period(t, period_s).max() for t in (dispatched[listed], enqueued[e_fn >= 0],
                                                  resolved[e_dropped], d_at[d_fn >= 0]) if t.size]
    if finished_end.size:
        lasts.append(int(np.ceil(finished_end / period_s).max()) - 1)
    if not names or not lasts:
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("period_start", "value") else object)
                             for c in _COLUMNS})
    shape = (len(names), int(max(lasts)) + 1)

    fn_c, k = np.maximum(fn, 0), _period(dispatched, period_s)
    outcome = _codes(attempts["outcome"], _OUTCOME_CODES)
    invoke = _codes(attempts["kind"], ("invoke",)) == 0
    system = _codes(attempts["outcome"], ("system_error",)) == 0
    e_fn_c = np.maximum(e_fn, 0)
    recursion = _FAILED.index("recursion_stopped")
    k_res = _period(np.where(e_dropped, resolved, 0.0), period_s)
    d_fn_c, d_k = np.maximum(d_fn, 0), _period(d_at, period_s)
    duration = _stats(fn_c, k, attempts["duration_s"].to_numpy(float) * 1000.0,
                      executed & (outcome >= 1), shape, ("Average", "p50", "p99", "Maximum"))
    age = _stats(fn_c, k, attempts["event_age_s"].to_numpy(float) * 1000.0,
                 executed & invoke, shape, ("Average", "Maximum"))
    blocks = [
        _sums(fn_c, k, executed, shape),
        _sums(fn_c, k, executed & (outcome >= 1) & (outcome <= 2), shape),
        _sums(fn_c, k, listed & (outcome == 0), shape),
        *duration,
        _concurrency(fn[executed], dispatched[executed], end[executed], shape, period_s),
        _sums(e_fn_c, _period(enqueued, period_s), e_fn >= 0, shape),
        *age,
        _sums(e_fn_c, k_res, e_dropped, shape),
        _sums(d_fn_c, d_k, (d_fn >= 0) & (d_channel >= 0) & (d_channel <= 1) & ~d_ok, shape),
        _sums(d_fn_c, d_k, (d_fn >= 0) & (d_channel == 2) & ~d_ok, shape),
        _sums(e_fn_c, k_res, e_dropped & (e_fate == recursion), shape),
        _sums(fn_c, k, listed & system, shape),
    ]
    values = np.stack(blocks)  # (metric-statistic pair, function or total, period)
    which, group, period = (axis.ravel() for axis in np.indices(values.shape))
    keep = np.flatnonzero(~np.isnan(values.ravel()))
    keep = keep[np.lexsort((period[keep], which[keep], group[keep]))]
    return pd.DataFrame({
        "period_start": period[keep] * float(period_s),
        "function": pd.Categorical.from_codes(group[keep], categories=names + [ALL]),
        "metric": pd.Categorical.from_codes(_METRIC_CODES[which[keep]], categories=_METRIC_NAMES),
        "statistic": pd.Categorical.from_codes(_STATISTIC_CODES[which[keep]], categories=list(_STATISTICS)),
        "value": values.ravel()[keep],
    })


def summary(attempts: pd.DataFrame, events: pd.DataFrame,
            deliveries: pd.DataFrame | None = None) -> dict:
    """Key figures of a run, over all functions.

    Returns
    -------
    dict
        ``accepted``, ``succeeded``, ``failed`` (dropped: a failed fate), ``retried`` (events with
        more than one attempt), ``expired`` (``event_age_exceeded``), ``lost`` (failed and received
        by nothing), ``pending``, ``invocations``, ``errors``, ``throttles``,
        ``destination_delivery_failures``, ``dead_letter_errors``, ``system_errors`` (dispatches that
        met a Lambda 500-series error; not a CloudWatch metric, see the module docstring) (ints);
        ``event_age_p50_s``, ``event_age_p99_s``, ``event_age_max_s`` (age at resolution of the
        resolved events, NaN if none) and ``mean_attempts`` (executions per accepted event, NaN if
        none) (floats).
    """
    fates = events["fate"].value_counts()
    executed = _executed(attempts)
    outcome = _codes(attempts["outcome"], _OUTCOME_CODES)
    age = (events["resolved_at"] - events["enqueued_at"]).dropna().to_numpy(float)
    p50, p99, top = np.percentile(age, [50, 99, 100]) if age.size else (np.nan,) * 3
    if deliveries is not None and len(deliveries):
        channel, failed = _codes(deliveries["channel"], _CHANNELS), ~deliveries["ok"].to_numpy(bool)
    else:
        channel, failed = np.empty(0, np.int64), np.empty(0, bool)
    return {
        "accepted": len(events),
        "succeeded": int(fates.get("succeeded", 0)),
        "failed": int(sum(fates.get(fate, 0) for fate in _FAILED)),
        "retried": int((events["attempts"].to_numpy() > 1).sum()),
        "expired": int(fates.get("event_age_exceeded", 0)),
        "lost": int(events["lost"].to_numpy(bool).sum()),
        "pending": int(fates.get("pending", 0)),
        "invocations": int(executed.sum()),
        "errors": int((executed & (outcome >= 1) & (outcome <= 2)).sum()),
        "throttles": int((outcome == 0).sum()),
        "destination_delivery_failures": int((failed & (channel >= 0) & (channel <= 1)).sum()),
        "dead_letter_errors": int((failed & (channel == 2)).sum()),
        "system_errors": int((_codes(attempts["outcome"], ("system_error",)) == 0).sum()),
        "event_age_p50_s": float(p50),
        "event_age_p99_s": float(p99),
        "event_age_max_s": float(top),
        "mean_attempts": float(events["attempts"].mean()) if len(events) else float("nan"),
    }
