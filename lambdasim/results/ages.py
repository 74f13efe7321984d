"""How old events get: the event ages of a run and their empirical distribution (no charts).

Pure functions of the ``attempts`` and ``events`` frames; :func:`lambdasim.plots.event_age` draws them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["event_ages", "ecdf"]


def event_ages(attempts: pd.DataFrame, events: pd.DataFrame) -> dict[str, np.ndarray]:
    """Event ages (s): ``{"dispatch": …, "throttle": …, "resolution": …}``.

    - ``dispatch``: ``event_age_s`` of each ``invoke`` row that was not throttled (what
      CloudWatch's ``AsyncEventAge`` reports), retries included;
    - ``throttle``: ``event_age_s`` of each throttled dispatch;
    - ``resolution``: ``resolved_at - enqueued_at`` of every resolved event.
    """
    age = attempts["event_age_s"].to_numpy(float)
    kind = attempts["kind"].astype(str).to_numpy()
    outcome = attempts["outcome"].astype(str).to_numpy()
    resolved = (events["resolved_at"] - events["enqueued_at"]).to_numpy(float)
    return {
        "dispatch": age[(kind == "invoke") & (outcome != "throttled")],
        "throttle": age[(kind == "throttle") & (outcome == "throttled")],
        "resolution": resolved[np.isfinite(resolved)],
    }


def ecdf(values: np.ndarray, exact_up_to: int = 5000, quantiles: int = 2001) -> tuple[np.ndarray, np.ndarray]:
    """The empirical CDF of ``values`` as a step function ``(x, share at or below x)``, from (min, 0).

    Exact (one step per value) up to ``exact_up_to`` values, through ``quantiles`` evenly spaced
    quantiles above that. Empty ``values`` give empty arrays.
    """
    values = np.asarray(values, dtype=float)
    if not values.size:
        return np.zeros(0), np.zeros(0)
    if values.size > exact_up_to:
        levels = np.linspace(0.0, 1.0, quantiles)
        return np.quantile(values, levels), levels
    x = np.sort(values)
    return np.r_[x[0], x], np.r_[0.0, np.arange(1, x.size + 1) / x.size]
