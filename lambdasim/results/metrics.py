"""CloudWatch-like metrics, KPIs and cost, computed from the record frames (spec §10, §11).

Pure functions of the ``attempts``, ``events`` and ``deliveries`` DataFrames (design.md schemas):
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

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from lambdasim.model.rules import LATEST
from lambdasim.records import FAILED_FATES
from lambdasim.results import pricing

__all__ = ["ALL", "METRICS", "metrics", "summary", "cost", "provisioned_cost"]

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
_EXECUTED_KINDS = ("invoke", "duplicate", "sync")
_EXECUTED = ("success", "error", "timeout", "running")
#: Outcome codes used below: 0 throttled, 1-2 function errors, 1-3 finished executions.
_OUTCOME_CODES = ("throttled", "timeout", "error", "success")
_FAILED = tuple(sorted(FAILED_FATES))
_CHANNELS = ("on_success", "on_failure", "dlq")
_COST_COLUMNS = ["function", "requests", "request_cost", "gb_seconds", "duration_cost", "total_cost",
                 "free_requests", "free_gb_seconds"]


def _codes(series: pd.Series, values: Sequence[str]) -> np.ndarray:
    """Position of each element of ``series`` in ``values`` (-1 if absent); fast on categoricals."""
    index = pd.Index(list(values), dtype=object)
    if isinstance(series.dtype, pd.CategoricalDtype):
        lookup = index.get_indexer(series.cat.categories.astype(object))
        codes = series.cat.codes.to_numpy()
        return np.where(codes >= 0, lookup[codes] if lookup.size else -1, -1)
    return index.get_indexer(series.astype(object))


def _function_names(functions: Sequence[str] | None, *frames: pd.DataFrame) -> list[str]:
    """The functions to report: those given, else every function the frames know, in order."""
    if functions is not None:
        return [str(f) for f in functions]
    columns = [frame["function"] for frame in frames]
    found = [c.cat.categories if isinstance(c.dtype, pd.CategoricalDtype) else pd.unique(c.dropna())
             for c in columns]
    return list(dict.fromkeys(str(name) for names in found for name in names))


def _executed(attempts: pd.DataFrame) -> np.ndarray:
    """Rows that ran the function's code (and are billed)."""
    return (_codes(attempts["kind"], _EXECUTED_KINDS) >= 0) & (_codes(attempts["outcome"], _EXECUTED) >= 0)


def _deliveries(deliveries: pd.DataFrame | None, events: pd.DataFrame, names: list[str]):
    """``(function code, at, channel code, ok)`` arrays of the deliveries (empty if none)."""
    if deliveries is None or not len(deliveries):
        return np.empty(0, np.int64), np.empty(0), np.empty(0, np.int64), np.empty(0, bool)
    if "function" in deliveries:
        fn = _codes(deliveries["function"], names)
    else:  # design.md's schema has no function column: find it through the event
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
    """CloudWatch-like metrics per function and in total, as a tidy time series (spec §11).

    Parameters
    ----------
    attempts, events, deliveries
        The record frames of a run (design.md schemas); ``deliveries`` may be None or empty.
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
    if not period_s > 0:
        raise ValueError(f"period_s must be > 0; got {period_s!r}")
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


def _billed_requests(attempts: pd.DataFrame, events: pd.DataFrame, executed: np.ndarray) -> np.ndarray:
    """Billed requests of each executed attempt: more than one for an event over 256 KB."""
    requests = np.ones(int(executed.sum()), np.int64)
    if "payload_bytes" not in events or not len(events):
        return requests
    size = events["payload_bytes"].to_numpy(np.int64)
    big = size > pricing.PAYLOAD_INCLUDED_BYTES
    if big.any():  # only then look each attempt's event up (string ids: the slow part)
        extra = pd.Series(pricing.requests_for_payload(size[big]) - 1,
                          index=pd.Index(events["event_id"].to_numpy()[big], dtype=object))
        ids = attempts["event_id"].to_numpy()[executed]
        pos = extra.index.get_indexer(pd.Index(ids, dtype=object))
        requests += np.where(pos >= 0, extra.to_numpy()[pos], 0)
    return requests


def _free_share(amount: np.ndarray, order: np.ndarray, allowance: float) -> np.ndarray:
    """The part of each row's ``amount`` that the free ``allowance`` covers, first come first served."""
    used_before = np.cumsum(amount[order]) - amount[order]
    free = np.empty_like(amount, dtype=float)
    free[order] = np.clip(allowance - used_before, 0.0, amount[order])
    return free


def _settings_at(functions: pd.DataFrame, names: list[str], fn: np.ndarray, qualifier: np.ndarray,
                 at: np.ndarray, used: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Memory (MB) and architecture of each attempt: the row of its function and qualifier in force at
    ``at`` (the last row at or before it), from the functions table. A published version keeps the
    settings it was published with, so its row (or its alias's) can differ from ``$LATEST``'s; a
    qualifier without rows is priced by ``$LATEST``'s."""
    table_fn = _codes(functions["function"], names)
    table_q = functions["qualifier"].astype(str).to_numpy()
    table_at = functions["at"].to_numpy(float)
    table_mem = functions["memory_mb"].to_numpy(float)
    table_arch = functions["architecture"].astype(str).to_numpy()
    mem = np.zeros(fn.size)
    arch = np.empty(fn.size, dtype=object)
    for i in used:
        of_fn = fn == i
        if not np.any((table_fn == i) & (table_q == LATEST)):
            raise ValueError(f"cost() needs the settings of function {names[i]!r}; "
                             "the functions table has none")
        for q in pd.unique(qualifier[of_fn]):
            rows = np.flatnonzero((table_fn == i) & (table_q == q))
            if not rows.size:
                rows = np.flatnonzero((table_fn == i) & (table_q == LATEST))
            rows = rows[np.argsort(table_at[rows], kind="stable")]
            mine = of_fn & (qualifier == q)
            pick = rows[np.maximum(np.searchsorted(table_at[rows], at[mine], side="right") - 1, 0)]
            mem[mine], arch[mine] = table_mem[pick], table_arch[pick]
    return mem, arch


def cost(attempts: pd.DataFrame, events: pd.DataFrame, memory_mb: Mapping[str, int] | None = None,
         architecture: Mapping[str, str] | None = None, free_tier: bool = False,
         functions: pd.DataFrame | None = None) -> pd.DataFrame:
    """What the run's invocations cost, per function and in total (spec §10; prices in :mod:`pricing`).

    Every executed attempt (retries, duplicate deliveries and synchronous invokes included;
    throttles, expiries and refusals cost nothing) is billed ``requests_for_payload(payload_bytes)``
    requests (one for a synchronous invoke) and its ``billed_ms`` (rounded up to 1 ms, INIT
    included) at the function's memory, priced by its architecture. An execution still ``running``
    at a horizon counts its request but no duration.

    Parameters
    ----------
    attempts, events
        The record frames of a run.
    memory_mb, architecture
        Each function's ``MemorySize`` (MB) and architecture (``x86_64`` | ``arm64``), fixed for the
        run; needed for every function that executed, unless ``functions`` is given.
    free_tier
        Deduct the monthly free tier (the run is taken as one month of one account): the first
        1,000,000 requests and 400,000 GB-s, first come first served in ``dispatched_at`` order
        across functions, so each function's row carries the free share of its own attempts and
        the rows still add up to ``"(all)"``.
    functions
        The run's functions table (``Result.functions``): each attempt is then costed at the
        memory and architecture of its function's row for its qualifier in force when it was dispatched
        (a row at the same instant counts), instead of ``memory_mb`` / ``architecture``.

    Returns
    -------
    pandas.DataFrame
        One row per function and a ``"(all)"`` total: ``function``, ``requests`` (billed requests),
        ``request_cost``, ``gb_seconds``, ``duration_cost``, ``total_cost`` (USD, net of the free
        tier), ``free_requests``, ``free_gb_seconds`` (the free-tier share; 0 without it).
    """
    names = _function_names(None, attempts, events)
    executed = _executed(attempts)
    fn = _codes(attempts["function"], names)[executed]
    used = np.unique(fn)  # settings are needed only for functions that executed
    if functions is not None:
        dispatched = attempts["dispatched_at"].to_numpy(float)[executed]
        qualifier = attempts["qualifier"].astype(str).to_numpy()[executed]
        mem, arch = _settings_at(functions, names, fn, qualifier, dispatched, used)
        bad = [a for a in pd.unique(arch) if a not in pricing.PRICE_PER_GB_SECOND]
        if bad:
            raise ValueError(f"cost() cannot price architecture {bad[0]!r}")
    else:
        memory_mb, architecture = memory_mb or {}, architecture or {}
        mem_f, arch_f = np.zeros(len(names)), np.empty(len(names), dtype=object)
        for i in used:
            name = names[i]
            if name not in memory_mb or architecture.get(name) not in pricing.PRICE_PER_GB_SECOND:
                allowed = " or ".join(pricing.PRICE_PER_GB_SECOND)
                raise ValueError(f"cost() needs memory_mb and architecture ({allowed}) of function {name!r}; "
                                 f"got {memory_mb.get(name)!r}, {architecture.get(name)!r}")
            mem_f[i], arch_f[i] = memory_mb[name], architecture[name]
        mem, arch = mem_f[fn], arch_f[fn]
    requests = _billed_requests(attempts, events, executed).astype(float)
    gb_seconds = attempts["billed_ms"].to_numpy(float)[executed] / 1000.0 * mem / 1024.0
    free_requests, free_gb_s = np.zeros(requests.size), np.zeros(requests.size)
    if free_tier and requests.size:
        order = np.argsort(attempts["dispatched_at"].to_numpy(float)[executed], kind="stable")
        free_requests = _free_share(requests, order, pricing.FREE_REQUESTS)
        free_gb_s = _free_share(gb_seconds, order, pricing.FREE_GB_SECONDS)
    sums = [np.bincount(fn, weights=v, minlength=len(names)) for v in (requests, gb_seconds, free_requests,
                                                                         free_gb_s)]
    request_cost = (sums[0] - sums[2]) * pricing.PRICE_PER_REQUEST
    # Priced per architecture: (GB-s net of the free tier) x price, summed over the architectures a
    # function ran on (one, unless it was changed during the run).
    duration_cost = np.zeros(len(names))
    for name, price in pricing.PRICE_PER_GB_SECOND.items():
        on = arch == name
        if on.any():
            net = (np.bincount(fn[on], weights=gb_seconds[on], minlength=len(names))
                   - np.bincount(fn[on], weights=free_gb_s[on], minlength=len(names)))
            duration_cost += net * price
    columns = [sums[0], request_cost, sums[1], duration_cost, request_cost + duration_cost, sums[2], sums[3]]
    table = pd.DataFrame(np.column_stack([np.r_[c, c.sum()] for c in columns]), columns=_COST_COLUMNS[1:])
    table.insert(0, "function", names + [ALL])
    return table.astype({"requests": np.int64})


def provisioned_cost(usage: Iterable[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """What provisioned concurrency adds to :func:`cost`, per configuration (prices in :mod:`pricing`).

    ``usage`` is ``Simulation.provisioned_usage()``: one row per version or alias configured during
    the run. AWS bills a configuration for the GB-s it is configured (memory x count x time, the
    period from enable to disable rounded up to 5 minutes; where the count changed within the
    period, the remainder is billed at the period's average count, a choice) and the invocations
    that ran on its environments at the lower provisioned duration rate instead of the on-demand
    one. :func:`cost` prices every execution at the on-demand rate (the attempts table does not say
    where one ran), so ``adjustment`` is what to add to its total:
    ``provisioned_cost + duration_cost - on_demand_duration_cost``.

    Returns
    -------
    pandas.DataFrame
        ``function``, ``qualifier``, ``provisioned_gb_seconds``, ``provisioned_cost``,
        ``duration_gb_seconds`` (of the executions on provisioned environments), ``duration_cost``
        (at the provisioned duration rate), ``on_demand_duration_cost`` (what :func:`cost` charged for
        them), ``adjustment`` (USD).
    """
    rows = usage.to_dict("records") if isinstance(usage, pd.DataFrame) else list(usage)
    out = []
    step = pricing.PROVISIONED_BILLING_INCREMENT_S
    for row in rows:
        arch, gb = row["architecture"], row["memory_mb"] / 1024.0
        period = row["until"] - row["since"]
        rounded = math.ceil(period / step - 1e-9) * step if period > 0 else 0.0
        count_s = row["count_s"] * rounded / period if period > 0 else 0.0
        provisioned_gb_s = count_s * gb
        duration_gb_s = row["billed_ms"] / 1000.0 * gb
        provisioned = provisioned_gb_s * pricing.PROVISIONED_PER_GB_SECOND[arch]
        duration = duration_gb_s * pricing.PROVISIONED_DURATION_PER_GB_SECOND[arch]
        on_demand = duration_gb_s * pricing.PRICE_PER_GB_SECOND[arch]
        out.append({"function": row["function"], "qualifier": row["qualifier"],
                    "provisioned_gb_seconds": provisioned_gb_s, "provisioned_cost": provisioned,
                    "duration_gb_seconds": duration_gb_s, "duration_cost": duration,
                    "on_demand_duration_cost": on_demand, "adjustment": provisioned + duration - on_demand})
    return pd.DataFrame(out, columns=["function", "qualifier", "provisioned_gb_seconds", "provisioned_cost",
                                      "duration_gb_seconds", "duration_cost", "on_demand_duration_cost",
                                      "adjustment"])
