"""The public face of a live run: the engine's model with a boto3-shaped client and a Result.

:class:`Simulation` is the imperative way in (invoke, run until a time, look at the result, go
on); :func:`lambdasim.run` is the declarative one. It sits above the engine, the results and the
AWS layer, so that none of them needs to know the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lambdasim.engine import Model
from lambdasim.results import Result

if TYPE_CHECKING:
    from lambdasim.aws.client import LambdaClient

__all__ = ["Simulation"]


class Simulation(Model):
    """A live simulation of one scenario: invoke events, advance the clock, read the result.

    Parameters
    ----------
    scenario
        The :class:`~lambdasim.model.Scenario` to simulate. Its workloads start on the first
        :meth:`run`.
    router
        The function every resolved event is handed to; by default the simulated destinations and
        DLQs (:class:`~lambdasim.engine.destinations.Destinations`).
    """

    def client(self) -> LambdaClient:
        """A boto3-shaped Lambda client over this simulation (:class:`lambdasim.aws.LambdaClient`)."""
        from lambdasim.aws.client import LambdaClient  # botocore loads only when a client is asked for

        return LambdaClient(self)

    def result(self, copy: bool = True) -> Result:
        """The records so far as a :class:`~lambdasim.results.Result`.

        Events still unresolved appear with fate ``pending``; executions still in flight appear with
        outcome ``running``. ``copy=False`` lets the frames share the recorder's buffers instead
        of copying them; the simulation can still go on: its next ``run`` or invoke first moves the
        recorder to copies of the buffers (once), so the frames stay as they were.
        """
        return Result.of(self, copy)
