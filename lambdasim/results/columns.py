"""Reading the record frames' coded columns: the few lookups metrics, cost and series share."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["EXECUTED_KINDS", "EXECUTED_OUTCOMES", "codes", "function_names", "executed"]

#: Kinds of ``attempts`` rows that run the function's code (and are billed) when they executed.
EXECUTED_KINDS = ("invoke", "duplicate", "sync", "esm")
#: Outcomes of a row that executed (``running``: cut off by a horizon).
EXECUTED_OUTCOMES = ("success", "error", "timeout", "running")


def codes(series: pd.Series, values: Sequence[str]) -> np.ndarray:
    """Position of each element of ``series`` in ``values`` (-1 if absent); fast on categoricals."""
    index = pd.Index(list(values), dtype=object)
    if isinstance(series.dtype, pd.CategoricalDtype):
        lookup = index.get_indexer(series.cat.categories.astype(object))
        codes = series.cat.codes.to_numpy()
        return np.where(codes >= 0, lookup[codes] if lookup.size else -1, -1)
    return index.get_indexer(series.astype(object))


def function_names(functions: Sequence[str] | None, *frames: pd.DataFrame) -> list[str]:
    """The functions to report: those given, else every function the frames know, in order."""
    if functions is not None:
        return [str(f) for f in functions]
    columns = [frame["function"] for frame in frames]
    found = [c.cat.categories if isinstance(c.dtype, pd.CategoricalDtype) else pd.unique(c.dropna())
             for c in columns]
    return list(dict.fromkeys(str(name) for names in found for name in names))


def executed(attempts: pd.DataFrame, kinds: Sequence[str] = EXECUTED_KINDS) -> np.ndarray:
    """Rows of ``kinds`` that ran the function's code (and are billed)."""
    return (codes(attempts["kind"], kinds) >= 0) & (codes(attempts["outcome"], EXECUTED_OUTCOMES) >= 0)
