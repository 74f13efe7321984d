"""From records to numbers: DataFrames, the Result, metrics, series, ages, deliveries, cost
and sweeps.

Nothing here draws: the charts in :mod:`lambdasim.plots` draw what these modules compute.
"""

from lambdasim.results.result import Result, run
from lambdasim.results.sweeps import confidence, replicate, sweep

__all__ = ["Result", "confidence", "replicate", "run", "sweep"]
