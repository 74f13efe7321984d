"""The outcome of a run: the record tables and the scenario that produced them.

:func:`run` is the one entry point for declarative use: simulate a scenario to the end and hand
back its :class:`Result`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lambdasim.engine import Model
from lambdasim.model.errors import invalid_value
from lambdasim.results import cost as _cost
from lambdasim.results import metrics as _metrics
from lambdasim.results import queue_metrics as _queue_metrics
from lambdasim.results.frames import to_frames

if TYPE_CHECKING:
    from lambdasim.engine import Router
    from lambdasim.model import Scenario

__all__ = ["Result", "run"]


def run(scenario: Scenario, router: Router | None = None, progress: bool = False) -> Result:
    """Simulate ``scenario`` until every accepted event is resolved (or its horizon) → Result.

    ``progress=True`` shows a bar of the virtual clock while it runs (tqdm; the records are the same).
    """
    from lambdasim.results.progress import check_progress, run_with_progress

    model = Model(scenario, router)
    if check_progress(progress):
        return Result.of(run_with_progress(model), copy=False)
    return Result.of(model.run(), copy=False)


class Result:
    """What a run produced. Results always carry their configuration.

    Attributes
    ----------
    scenario
        The :class:`~lambdasim.model.scenario.Scenario` that was simulated.
    attempts
        One row per execution attempt, throttle, expiry, duplicate delivery and synchronous invoke
        (:mod:`lambdasim.records.schema`; kinds in :data:`lambdasim.records.KINDS`).
    events
        One row per accepted event: its fate (``pending`` if a horizon stopped the run first).
    rejected
        Invokes refused before anything was queued (e.g. ``RequestTooLargeException``).
    deliveries
        One row per attempt to deliver a record to a destination or a message to a DLQ, with the
        body exactly as AWS would deliver it, ``ok`` and ``failure_reason``.
    functions
        The functions table: each function's and qualifier's settings over time, one row at time 0
        and one per change (:data:`lambdasim.records.schema.FUNCTION_COLUMNS`).
    queue_ops
        One row per thing that happened to a message of a simulated SQS queue: send, receive,
        delete, visibility expiry, retention expiry, redrive to a DLQ, move back
        (:data:`lambdasim.records.schema.QUEUE_OP_COLUMNS`).
    targets
        The simulated targets by ARN (:class:`~lambdasim.engine.targets.Target`): what each received.
    stats
        Run facts: ``accepted``, ``rejected``, ``pending``, ``ended_at`` (virtual s),
        ``stopped_by`` (``resolved`` | ``horizon`` | ``until``), ``wall_s``, ``peak_concurrency``
        (per pool).
    """

    def __init__(self, scenario: Any, attempts: Any, events: Any, rejected: Any, deliveries: Any,
                 targets: dict, stats: dict, functions: Any = None, queue_ops: Any = None) -> None:
        self.scenario = scenario
        self.attempts = attempts
        self.events = events
        self.rejected = rejected
        self.deliveries = deliveries
        self.targets = targets
        self.stats = stats
        self.functions = functions
        self._queue_ops = queue_ops  # a frame, or a callable that makes it (on first read)

    @classmethod
    def of(cls, model: Model, copy: bool = True) -> Result:
        """The records of ``model`` so far.

        Events still unresolved appear with fate ``pending``; executions still in flight appear with
        outcome ``running``. ``copy=False`` lets the frames share the recorder's buffers (no second
        copy of the records); if the model then runs or is invoked again, the recorder first moves
        to copies of its buffers, so these frames stay as they are.
        """
        if not isinstance(copy, bool):
            raise invalid_value("copy", copy, "True or False")
        for target in model.destinations.targets.values():  # queue expiries and moves up to now
            if target.sqs is not None:
                target.sqs.advance(model.now)
        frames = to_frames(model.recorder, model.now, model.pending(), copy=copy)
        if not copy:
            model.recorder.lend()
        return cls(model.scenario, frames["attempts"], frames["events"], frames["rejected"],
                   frames["deliveries"], dict(model.destinations.targets), model.run_stats(),
                   frames["functions"], frames["queue_ops"])

    @property
    def queue_ops(self) -> Any:
        """The ``queue_ops`` table (built on first read)."""
        if callable(self._queue_ops):
            self._queue_ops = self._queue_ops()
        return self._queue_ops

    def target(self, arn: str) -> Any:
        """The simulated target at ``arn``: ``result.target(arn).messages``."""
        try:
            return self.targets[arn]
        except KeyError:
            known = ", ".join(self.targets) or "none"
            raise KeyError(f"no target {arn!r} in this run; targets: {known}") from None

    def metrics(self, period_s: float = 60, functions: Any = None) -> Any:
        """CloudWatch-like time series (tidy): ``period_start``, ``function``, ``metric``,
        ``statistic``, ``value``; ``"(all)"`` rows total over functions
        (:func:`lambdasim.results.metrics.metrics`).
        """
        return _metrics.metrics(self.attempts, self.events, self.deliveries, period_s, functions)

    def queue_metrics(self, period_s: float = 60) -> Any:
        """The SQS queues' CloudWatch metrics per period (tidy: ``period_start``, ``queue``,
        ``metric``, ``value``), from ``queue_ops`` (:func:`lambdasim.results.queue_metrics.queue_metrics`)."""
        return _queue_metrics.queue_metrics(self.queue_ops, period_s, self.stats.get("ended_at"))

    def summary(self) -> dict:
        """Key figures: accepted, succeeded, failed, retried, expired, lost, pending, event ages, …"""
        return _metrics.summary(self.attempts, self.events, self.deliveries)

    def cost(self, free_tier: bool = False) -> Any:
        """What the run would cost, per function and ``"(all)"``: requests, on-demand duration, and
        provisioned concurrency (duration on its environments, and its configured time up to the end
        of the run); see :func:`lambdasim.results.cost.cost` for the columns.

        Prices are us-east-1's first tier (:mod:`lambdasim.results.pricing`); with ``free_tier`` the monthly
        free requests and GB-seconds are taken off, the run counting as one month. Memory and
        architecture are read from the functions table: those in force when each attempt was
        dispatched, so functions created or reconfigured during the run are costed as they ran.
        """
        if not isinstance(free_tier, bool):
            raise invalid_value("free_tier", free_tier, "True or False")
        if self.functions is None:  # a Result built by hand, without a functions table
            functions = self.scenario.functions
            return _cost.cost(self.attempts, self.events, {n: f.memory_mb for n, f in functions.items()},
                                 {n: f.architecture for n, f in functions.items()}, free_tier)
        return _cost.cost(self.attempts, self.events, free_tier=free_tier, functions=self.functions,
                          until=self.stats.get("ended_at"))

    def fates(self) -> dict[str, int]:
        """How many events met each fate (fates that did not occur are left out)."""
        counts = self.events["fate"].value_counts()
        return {str(fate): int(n) for fate, n in counts.items() if n}

    def __repr__(self) -> str:
        fates = ", ".join(f"{k}={v}" for k, v in self.fates().items()) or "no events"
        return (f"<Result {self.stats['accepted']} accepted, {self.stats['rejected']} rejected; {fates}; "
                f"ended at t={self.stats['ended_at']:g}s ({self.stats['stopped_by']})>")
