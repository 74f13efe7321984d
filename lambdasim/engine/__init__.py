"""The SimPy model of Lambda's async event queue (the only package that imports simpy)."""

from .core import AsyncEvent, Engine, Router, no_destinations
from .simulation import Simulation, run

__all__ = ["AsyncEvent", "Engine", "Router", "Simulation", "no_destinations", "run"]
