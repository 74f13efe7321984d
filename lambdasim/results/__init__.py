"""From records to numbers: DataFrames, the Result, metrics, series, cost and sweeps (no charts)."""

from lambdasim.results.result import Result, run
from lambdasim.results.sweeps import confidence, replicate, sweep

__all__ = ["Result", "confidence", "replicate", "run", "sweep"]
