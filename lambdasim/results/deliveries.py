"""Where the accepted events went: each combination of destination and DLQ deliveries, counted.

(Named for the ``deliveries`` table it aggregates; "outcome" in lambdasim is an attempt's outcome.)

A pure function of the ``events`` and ``deliveries`` frames; :func:`lambdasim.plots.outcomes`
draws it as the "sent to" bar.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lambdasim.records import FAILED_FATES

__all__ = ["CHANNELS", "delivery_combinations"]

#: Delivery channels, in the order a combination lists them.
CHANNELS = ("on_success", "on_failure", "dlq")
_COLUMNS = ["deliveries", "resolved", "events"]


def delivery_combinations(events: pd.DataFrame, deliveries: pd.DataFrame | None) -> pd.DataFrame:
    """How many events ended up each way: one row per combination of deliveries and kind of fate.

    Returns
    -------
    pandas.DataFrame
        ``deliveries``: the deliveries the events had, a tuple of ``(channel, target_arn, ok)``
        ordered by channel (:data:`CHANNELS`) with the successful delivery first (an empty tuple
        for none); ``resolved``: ``succeeded``, ``failed`` (a fate of ``FAILED_FATES``) or
        ``pending``; ``events``: how many. Combinations come in the order their deliveries first
        appear in ``deliveries`` (none first), only combinations that occurred are listed, and
        the counts add up to the number of events.

    Each distinct ``(channel, target, ok)`` is a bit; an event's deliveries OR their bits together,
    so the few combinations are counted in one vectorised pass however many events there are.
    """
    fate = events["fate"].astype(str).to_numpy()
    resolved = np.where(fate == "succeeded", "succeeded",
                        np.where(np.isin(fate, list(FAILED_FATES)), "failed", "pending"))
    flags = np.zeros(len(events), np.int64)
    kinds: list[tuple] = []
    if deliveries is not None and len(deliveries):
        ids = pd.Index(events["event_id"].to_numpy(), dtype=object)
        pos = ids.get_indexer(deliveries["event_id"].to_numpy())
        channel, arn = deliveries["channel"].astype(str), deliveries["target_arn"].astype(str)
        keys = pd.MultiIndex.from_arrays([channel, arn, deliveries["ok"].to_numpy(bool)])
        codes, uniques = pd.factorize(keys)
        kinds = [(str(c), str(a), bool(ok)) for c, a, ok in uniques]
        found = pos >= 0
        np.bitwise_or.at(flags, pos[found], np.left_shift(1, codes[found].astype(np.int64)))
    rows = []
    for value in np.unique(flags):
        used = [kinds[i] for i in range(len(kinds)) if value >> i & 1]
        used.sort(key=lambda k: (CHANNELS.index(k[0]) if k[0] in CHANNELS else len(CHANNELS), not k[2]))
        mine = flags == value
        for group in ("succeeded", "failed", "pending"):
            n = int((mine & (resolved == group)).sum())
            if n:
                rows.append((tuple(used), group, n))
    return pd.DataFrame(rows, columns=_COLUMNS).astype({"events": np.int64})
