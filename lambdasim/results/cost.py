"""What a run costs, from its record frames and functions table (docs/aws-behaviour.md §17).

:func:`cost` gives the whole bill, per function and in total: requests, on-demand duration,
duration on provisioned environments, and provisioned concurrency for the time it was configured,
each priced with the memory and architecture in force at the time. A pure function of DataFrames,
like :mod:`lambdasim.results.metrics`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from lambdasim.model.rules import LATEST
from lambdasim.results import pricing
from lambdasim.results.columns import codes as _codes
from lambdasim.results.columns import executed as _executed
from lambdasim.results.columns import function_names as _function_names
from lambdasim.results.metrics import ALL

__all__ = ["cost"]

_COST_COLUMNS = ["function", "requests", "request_cost", "gb_seconds", "duration_cost",
                 "provisioned_gb_seconds", "provisioned_duration_cost", "provisioned_concurrency_gb_seconds",
                 "provisioned_concurrency_cost", "total_cost", "free_requests", "free_gb_seconds"]


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


def _configured(functions: pd.DataFrame, until: float | None) -> dict[str, tuple[float, float]]:
    """Provisioned concurrency billed for the time it was configured: ``{function: (GB-s, USD)}``.

    Read from the functions table's ``provisioned_concurrency`` column, one qualifier at a time: a
    period runs from the row that enables it (count > 0) to the row that sets 0 (deleted, or its
    version, alias or function deleted), or to ``until`` while still configured. AWS bills a period
    from enable to disable rounded up to 5 minutes; where the count (or the memory) changed within a
    period, the added time is billed pro rata (the period's average): AWS does not say, this is our choice.
    """
    out: dict[str, tuple[float, float]] = {}
    if "provisioned_concurrency" not in functions or not (functions["provisioned_concurrency"] > 0).any():
        return out
    step = pricing.PROVISIONED_BILLING_INCREMENT_S
    table = functions.astype({"function": str, "qualifier": str, "architecture": str})
    for (name, qualifier), rows in table.groupby(["function", "qualifier"], sort=False):
        rows = rows.sort_values("at", kind="stable")
        counts = rows["provisioned_concurrency"].to_numpy(float)
        if not (counts > 0).any():
            continue
        if counts[-1] > 0 and until is None:
            raise ValueError(f"cost() needs until (when the run ended) to bill the provisioned concurrency "
                             f"still configured on {name}:{qualifier}; got None")
        at = rows["at"].to_numpy(float)
        ends = np.r_[at[1:], until if counts[-1] > 0 else at[-1]]
        gb = rows["memory_mb"].to_numpy(float) / 1024.0
        arch = rows["architecture"].tolist()
        bad = [a for a in arch if a not in pricing.PROVISIONED_PER_GB_SECOND]
        if bad:
            raise ValueError(f"cost() cannot price architecture {bad[0]!r}; allowed: "
                             + " or ".join(pricing.PROVISIONED_PER_GB_SECOND))
        price = np.array([pricing.PROVISIONED_PER_GB_SECOND[a] for a in arch])
        gb_s, usd = out.get(name, (0.0, 0.0))
        period_start, period_gb_s, period_usd = None, 0.0, 0.0
        for k in range(len(rows) + 1):
            if k < len(rows) and counts[k] > 0:
                if period_start is None:
                    period_start, period_gb_s, period_usd = at[k], 0.0, 0.0
                segment = counts[k] * gb[k] * (ends[k] - at[k])
                period_gb_s += segment
                period_usd += segment * price[k]
            elif period_start is not None:  # the period ends: at this row (count 0), or at the end
                length = (at[k] if k < len(rows) else ends[-1]) - period_start
                scale = math.ceil(length / step - 1e-9) * step / length if length > 0 else 0.0
                gb_s, usd = gb_s + period_gb_s * scale, usd + period_usd * scale
                period_start = None
        out[name] = (gb_s, usd)
    return out


def cost(attempts: pd.DataFrame, events: pd.DataFrame, memory_mb: Mapping[str, int] | None = None,
         architecture: Mapping[str, str] | None = None, free_tier: bool = False,
         functions: pd.DataFrame | None = None, until: float | None = None) -> pd.DataFrame:
    """What the run costs, per function and in total (docs/aws-behaviour.md §17; prices in :mod:`pricing`).

    Every executed attempt (retries, duplicate deliveries and synchronous invokes included;
    throttles, expiries and refusals cost nothing) is billed ``requests_for_payload(payload_bytes)``
    requests (one for a synchronous invoke) and its ``billed_ms`` (rounded up to 1 ms, INIT
    included) at the function's memory, priced by its architecture: at the on-demand rate, or at
    the lower provisioned duration rate when it ran on a provisioned environment (``attempts``
    column ``provisioned``). Provisioned concurrency itself is billed for the time it was configured
    (memory x count x time, each period rounded up to 5 minutes), read from the ``functions`` table.
    An execution still ``running`` at a horizon counts its request but no duration.

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
        the rows still add up to ``"(all)"``. AWS: "The Lambda free tier does not apply to functions
        that have Provisioned Concurrency enabled"; here it covers the on-demand executions (spill-over
        included) and not those on provisioned environments nor the configured time (our reading).
    functions
        The run's functions table (``Result.functions``): each attempt is then costed at the
        memory and architecture of its function's row for its qualifier in force when it was dispatched
        (a row at the same instant counts), instead of ``memory_mb`` / ``architecture``; and its
        ``provisioned_concurrency`` column gives the configured time billed.
    until
        When the run ended (``Result.stats["ended_at"]``): provisioned concurrency still configured
        then is billed up to it. Needed only if some is.

    Returns
    -------
    pandas.DataFrame
        One row per function and a ``"(all)"`` total: ``function``, ``requests`` (billed requests, all
        executions), ``request_cost``, ``gb_seconds`` and ``duration_cost`` (on-demand executions),
        ``provisioned_gb_seconds`` and ``provisioned_duration_cost`` (executions on provisioned
        environments), ``provisioned_concurrency_gb_seconds`` and ``provisioned_concurrency_cost``
        (configured time, as billed), ``total_cost`` (USD, the sum of the four costs, net of the free
        tier), ``free_requests``, ``free_gb_seconds`` (the free-tier share; 0 without it).
    """
    names = _function_names(None, attempts, events)
    configured = _configured(functions, until) if functions is not None else {}
    names += [n for n in configured if n not in names]
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
    on_provisioned = (attempts["provisioned"].to_numpy(bool)[executed] if "provisioned" in attempts
                      else np.zeros(fn.size, dtype=bool))
    requests = _billed_requests(attempts, events, executed).astype(float)
    gb_seconds = attempts["billed_ms"].to_numpy(float)[executed] / 1000.0 * mem / 1024.0
    free_requests, free_gb_s = np.zeros(requests.size), np.zeros(requests.size)
    if free_tier and requests.size:
        order = np.argsort(attempts["dispatched_at"].to_numpy(float)[executed], kind="stable")
        on_demand = ~on_provisioned  # the free tier does not cover executions on provisioned environments
        free_requests = _free_share(requests * on_demand, order, pricing.FREE_REQUESTS)
        free_gb_s = _free_share(gb_seconds * on_demand, order, pricing.FREE_GB_SECONDS)

    def per_function(values: np.ndarray, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        return np.bincount(fn[rows], weights=values[rows], minlength=len(names))

    request_cost = (per_function(requests) - per_function(free_requests)) * pricing.PRICE_PER_REQUEST
    # Duration, priced per architecture: (GB-s net of the free tier) x price, summed over the
    # architectures a function ran on (one, unless it was changed during the run); executions on
    # provisioned environments at the provisioned duration rate.
    on_demand_gb_s = per_function(gb_seconds, ~on_provisioned)
    provisioned_gb_s = per_function(gb_seconds, on_provisioned)
    duration_cost, provisioned_duration_cost = np.zeros(len(names)), np.zeros(len(names))
    for name, price in pricing.PRICE_PER_GB_SECOND.items():
        on = (arch == name) & ~on_provisioned
        if on.any():
            duration_cost += (per_function(gb_seconds, on) - per_function(free_gb_s, on)) * price
        on = (arch == name) & on_provisioned
        if on.any():
            provisioned_duration_cost += (per_function(gb_seconds, on)
                                          * pricing.PROVISIONED_DURATION_PER_GB_SECOND[name])
    configured_gb_s = np.array([configured.get(n, (0.0, 0.0))[0] for n in names])
    configured_cost = np.array([configured.get(n, (0.0, 0.0))[1] for n in names])
    total = request_cost + duration_cost + provisioned_duration_cost + configured_cost
    columns = [per_function(requests), request_cost, on_demand_gb_s, duration_cost, provisioned_gb_s,
               provisioned_duration_cost, configured_gb_s, configured_cost, total,
               per_function(free_requests), per_function(free_gb_s)]
    table = pd.DataFrame(np.column_stack([np.r_[c, c.sum()] for c in columns]), columns=_COST_COLUMNS[1:])
    table.insert(0, "function", names + [ALL])
    return table.astype({"requests": np.int64})
