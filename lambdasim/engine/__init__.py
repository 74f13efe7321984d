"""The SimPy model of Lambda's async event queue (the only package that imports simpy).

It reads a :class:`~lambdasim.model.Scenario` and writes rows to a
:class:`~lambdasim.records.Recorder`; it knows no client, no DataFrame and no chart.
"""

from lambdasim.engine.executions import AsyncEvent, Execution, Router, SyncInvoke, no_destinations
from lambdasim.engine.model import Model
from lambdasim.engine.queue import EventQueue

__all__ = ["AsyncEvent", "EventQueue", "Execution", "Model", "Router", "SyncInvoke", "no_destinations"]
