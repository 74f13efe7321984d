"""What a run costs, from its record frames and functions table (docs/aws-behaviour.md §17).

:func:`cost` prices the executions (requests and GB-seconds, per function and in total) with the
memory and architecture in force when each ran; :func:`provisioned_cost` prices provisioned
concurrency. Pure functions of DataFrames, like :mod:`lambdasim.results.metrics`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from lambdasim.model.rules import LATEST
from lambdasim.results import pricing
from lambdasim.results.columns import codes as _codes
from lambdasim.results.columns import executed as _executed
from lambdasim.results.columns import function_names as _function_names
from lambdasim.results.metrics import ALL

__all__ = ["cost", "provisioned_cost"]

_COST_COLUMNS = ["function", "requests", "request_cost", "gb_seconds", "duration_cost", "total_cost",
                 "free_requests", "free_gb_seconds"]


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
    """What the run's invocations cost, per function and in total (docs/aws-behaviour.md §17).

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
