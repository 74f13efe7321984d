"""The explorer's headless half: "settings → scenario → result → figures", with no widget and no kernel.

:class:`ExplorerSettings` is what the explorer's controls set; :func:`explore` builds the scenario,
refuses settings over the update caps, runs it and offers the charts (built when first read);
:class:`ChartImages` and :func:`chart_png` draw a chart as the explorer shows it. The ipywidgets
view over these is :mod:`lambdasim.widgets.explorer`, which re-exports every name here.
"""

from __future__ import annotations

import dataclasses
import io
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lambdasim import plots
from lambdasim.model.dists import Constant, Exponential
from lambdasim.model.errors import invalid_value
from lambdasim.model.failures import FailureModel, Outage
from lambdasim.model.functions import DestinationConfig, EventInvokeConfig, FunctionConfig
from lambdasim.model.scenario import Account, QueueSettings, Scenario
from lambdasim.model.workloads import Burst, Poisson
from lambdasim.model.workloads import Constant as ConstantRate
from lambdasim.plots.png_canvas import save_tight_png
from lambdasim.results import run
from lambdasim.widgets.presets import scenario_settings

__all__ = [
    "ExplorerSettings", "Exploration", "Figures", "build_scenario", "expected_events", "expected_attempts",
    "explore", "kpis", "settings_with", "MAX_EVENTS", "MAX_ATTEMPTS", "settings_from_scenario", "load_preset",
    "ChartImages", "TIMELINE_ROWS", "CHART_DPI", "chart_png", "chart_alt", "FUNCTION", "ON_SUCCESS_ARN",
    "ON_FAILURE_ARN", "DLQ_ARN",
]

#: The most events one explorer update may be expected to simulate (arrivals, before retries). A
#: 10,000-event update takes about 0.3-0.5 s (benchmarks/explorer_update.py); 12,000 keeps a slider
#: move well under a second (20,000 took 0.85 s), where the controls' full range (100/s for 1,800 s
#: = 180,000 events) would take a minute. Settings over the cap are refused with a message, not
#: scaled down: a sample of the arrivals would change the concurrency and throttling the explorer
#: is there to show.
MAX_EVENTS = 12_000

#: The most attempt rows (invocations and throttled tries) one update may be expected to write. Few
#: events can still be slow: 12,000 events on one reserved slot are throttled about 400,000 times
#: over six hours (6.6 s), as each waiting event retries with backoff. Each row costs about 16 µs, so
#: 30,000 rows keep the simulation near half a second. The count is :func:`expected_attempts`'s estimate.
MAX_ATTEMPTS = 30_000

FUNCTION = "orders"
_ARN = "arn:aws:{service}:us-east-1:123456789012:{name}"
ON_SUCCESS_ARN = _ARN.format(service="sqs", name="orders-succeeded")
ON_FAILURE_ARN = _ARN.format(service="sqs", name="orders-failed")
DLQ_ARN = _ARN.format(service="sqs", name="orders-dlq")


@dataclass(frozen=True)
class ExplorerSettings:
    """What the explorer's controls set: one function under one workload.

    ``reserved_concurrency`` None shares the account's unreserved pool; ``outage_s`` is a
    (start, end) window in which every attempt fails; ``duration`` is ``exponential`` or
    ``constant`` with mean ``duration_s``.
    ``retry_jitter_s`` and ``throttle_jitter`` default to the measured-AWS jitter of
    :class:`~lambdasim.model.scenario.QueueSettings`; set both to 0 for exact documented timings.
    """

    maximum_retry_attempts: int = 2
    maximum_event_age_s: int = 3600
    reserved_concurrency: int | None = 10
    error_probability: float = 0.1
    outage_s: tuple[float, float] | None = None
    arrivals: str = "poisson"
    rate_per_s: float = 5.0
    window_s: float = 600.0
    burst_count: int = 200
    duration: str = "exponential"
    duration_s: float = 1.0
    timeout_s: int = 30
    dispatch: str = "aws"
    on_success: bool = False
    on_failure: bool = True
    dlq: bool = False
    seed: int = 1
    retry_jitter_s: float = QueueSettings.retry_jitter_s
    throttle_jitter: float = QueueSettings.throttle_jitter


def _workload(s: ExplorerSettings) -> Burst | ConstantRate | Poisson:
    if s.arrivals == "burst":
        return Burst(FUNCTION, count=s.burst_count, at_s=0.0)
    if s.arrivals == "constant":
        return ConstantRate(FUNCTION, rate_per_s=s.rate_per_s, end_s=s.window_s)
    return Poisson(FUNCTION, rate_per_s=s.rate_per_s, end_s=s.window_s)


def expected_events(settings: ExplorerSettings) -> float:
    """How many events the settings' workload is expected to produce (arrivals; retries come on top)."""
    return _workload(settings).expected_events()


def _tries_within(seconds: float, queue: QueueSettings) -> int:
    """How many throttled tries an event makes while it waits ``seconds`` (the backoff doubles from
    its base up to its maximum, then repeats at the maximum)."""
    tries, waited = 0, 0.0
    while waited + queue.throttle_backoff_s(tries + 1) <= seconds:
        tries += 1
        waited += queue.throttle_backoff_s(tries)
    return tries


def expected_attempts(settings: ExplorerSettings) -> float:
    """A rough count of the attempt rows a run writes, to refuse slow settings before running them.

    Each event is invoked once plus a retry per expected error (up to MaximumRetryAttempts). With the
    ``aws`` dispatch, arrivals beyond what the slots can run (slots / mean duration per second) wait
    in the queue and are throttled again at each backoff; the backlog drains at that capacity, and a
    waiting event is counted as waiting half the drain time, at most its MaximumEventAge. Within a
    factor of 1.5 (under) of the runs it was checked on (tests/test_widgets.py); an estimate, not a bound.
    """
    s, queue = settings, QueueSettings()
    events = expected_events(s)
    invocations = events * sum(s.error_probability ** k for k in range(s.maximum_retry_attempts + 1))
    slots = Account().concurrent_executions if s.reserved_concurrency is None else s.reserved_concurrency
    if s.dispatch == "ideal" or slots == 0:  # ideal waits without throttles; 0 slots fail at once
        return invocations
    capacity = slots / min(s.duration_s, s.timeout_s)  # events per second the slots can run
    window = 0.0 if s.arrivals == "burst" else s.window_s
    backlog = events - capacity * window
    if backlog <= 0:
        return invocations
    wait = min(backlog / capacity / 2, s.maximum_event_age_s)
    return invocations + backlog * _tries_within(wait, queue)


def build_scenario(settings: ExplorerSettings) -> Scenario:
    """The scenario the settings describe (validated like any other)."""
    s = settings
    outages = (Outage(*s.outage_s),) if s.outage_s else ()
    duration = Exponential(s.duration_s) if s.duration == "exponential" else Constant(s.duration_s)
    destinations = DestinationConfig(ON_SUCCESS_ARN if s.on_success else None,
                                     ON_FAILURE_ARN if s.on_failure else None)
    function = FunctionConfig(
        timeout_s=s.timeout_s, reserved_concurrency=s.reserved_concurrency, duration=duration,
        failures=FailureModel(error_probability=s.error_probability, outages=outages),
        event_invoke_config=EventInvokeConfig(s.maximum_retry_attempts, s.maximum_event_age_s, destinations),
        dead_letter_target_arn=DLQ_ARN if s.dlq else None,
    )
    queue = QueueSettings(retry_jitter_s=s.retry_jitter_s, throttle_jitter=s.throttle_jitter)
    return Scenario(functions={FUNCTION: function}, workloads=(_workload(s),), account=Account(),
                    seed=s.seed, dispatch=s.dispatch, queue=queue)


def kpis(result: Any) -> dict[str, Any]:
    """The explorer's key figures: delivered, retried, expired, dropped, lost, p99 age, cost."""
    summary = result.summary()
    total = result.cost()
    return {
        "accepted": summary["accepted"],
        "delivered": summary["succeeded"],
        "retried": summary["retried"],
        "expired": summary["expired"],
        "dropped": summary["failed"],
        "lost": summary["lost"],
        "pending": summary["pending"],
        "p99 age (s)": round(float(summary["event_age_p99_s"]), 2),
        "cost ($)": float(total.loc[total["function"] == "(all)", "total_cost"].iloc[0]),
    }


class Figures(Mapping):
    """The explorer's charts of one run by name, each built when first asked for, then kept.

    The explorer shows one chart tab at a time; building a figure it does not show (about 0.1 s
    each on 10,000 events) would only slow the update down. Reading every name (``dict(figures)``,
    an export) builds them all.
    """

    def __init__(self, builders: dict[str, Callable[[], Any]]) -> None:
        self._builders = builders
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._builders[name]()
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)

    def built(self) -> list[str]:
        """The names of the figures built so far."""
        return list(self._built)


#: Up to this many events the timeline draws a row per event; above, how many are in each state
#: (``plots.timeline``'s ``max_rows``).
TIMELINE_ROWS = 200


@dataclass(frozen=True)
class Exploration:
    """One explorer update: the settings, the run, its figures (:class:`Figures`, built when first
    read) and key figures, and how long the run took (``seconds``; drawing comes after)."""

    settings: ExplorerSettings
    result: Any
    figures: Figures
    kpis: dict
    seconds: float


def explore(settings: ExplorerSettings, pinned: Exploration | None = None,
            max_events: int | None = MAX_EVENTS, max_attempts: int | None = MAX_ATTEMPTS,
            earlier: Exploration | None = None) -> Exploration:
    """Simulate the settings and offer the explorer's charts (the pure function behind the widget):
    ``figures`` builds each chart when it is first read.

    With ``pinned`` (compare mode), the outcome and event-age charts show the pinned run (A) and
    this one (B) side by side on shared axes. Settings expected to produce more than ``max_events``
    events (:data:`MAX_EVENTS` by default) or more than ``max_attempts`` attempt rows
    (:data:`MAX_ATTEMPTS`, estimated by :func:`expected_attempts`) are refused before anything runs;
    pass None to lift a cap for a headless run. ``earlier``, an exploration of the same settings
    (pinning A, say, changes the charts, not the run), lends its run instead of simulating again:
    a run is fixed by its settings and seed.
    """
    if not isinstance(settings, ExplorerSettings):
        raise invalid_value("settings", settings, "an ExplorerSettings (ExplorerSettings() has the defaults)")
    if pinned is not None and not isinstance(pinned, Exploration):
        raise invalid_value("pinned", pinned, "None or an Exploration (what explore returned)")
    if earlier is not None and not (isinstance(earlier, Exploration) and earlier.settings == settings):
        shown = f"an Exploration of {earlier.settings}" if isinstance(earlier, Exploration) else earlier
        raise invalid_value("earlier", shown, f"None or an Exploration of the same settings, {settings}")
    started = time.perf_counter()
    scenario = build_scenario(settings)  # invalid settings are refused first, in AWS's words
    expected = expected_events(settings)
    if max_events is not None and expected > max_events:
        field = "burst_count" if settings.arrivals == "burst" else "rate_per_s × window_s"
        raise invalid_value(field, f"about {expected:,.0f} events", (
            f"at most {max_events:,} events per explorer update (the explorer's cap, MAX_EVENTS, which "
            "keeps an update under a second): lower Rate or Window, or run it headless with "
            "explore(settings, max_events=None)"))
    attempts = expected_attempts(settings)
    if max_attempts is not None and attempts > max_attempts:
        raise invalid_value("settings", f"about {attempts:,.0f} attempt rows", (
            f"at most {max_attempts:,} attempts and throttled tries per explorer update (the explorer's "
            "cap, MAX_ATTEMPTS): the arrivals outrun the concurrency and the waiting events are throttled "
            "again and again; raise Reserved concurrency, lower Rate, Window or MaximumEventAge, use the "
            "ideal dispatch, or run it headless with explore(settings, max_attempts=None)"))
    result = earlier.result if earlier is not None else run(scenario)
    builders = {"timeline": lambda: plots.timeline(result, max_rows=TIMELINE_ROWS)}
    if pinned is None:
        builders["outcomes"] = lambda: plots.outcomes(result)
        builders["event_age"] = lambda: plots.event_age(result)
    else:
        pair, labels = [pinned.result, result], ["A (pinned)", "B"]
        builders["outcomes"] = lambda: plots.compare(pair, labels, kind="outcomes")
        builders["event_age"] = lambda: plots.compare(pair, labels, kind="event_age")
    return Exploration(settings, result, Figures(builders), kpis(result), time.perf_counter() - started)



#: The resolution of the explorer's chart images.
CHART_DPI = 100


def chart_alt(name: str, exploration: Exploration) -> str:
    """A chart image's alt text: which chart, and the run's configuration (the exported caption)."""
    return f"{name.replace('_', ' ')} chart: {plots.caption_for(exploration.result)}"


class ChartImages:
    """The explorer's chart images: the PNG (:func:`chart_png`) of one tab's chart for an exploration.

    The timeline of more than :data:`TIMELINE_ROWS` events is the events-by-state view; it is drawn
    on this object's own figure, the same one on each update (``plots.states(..., figure=)``): the
    image a new figure gives, without building a Figure's Axes and ticks again on every slider move.
    That figure is never handed out, so an exploration's ``figures`` stay its run's own. The other
    charts are the exploration's figures.
    """

    def __init__(self) -> None:
        self._states_figure: Any = None

    def png(self, exploration: Exploration, name: str) -> bytes:
        """The PNG of chart ``name`` (a key of ``exploration.figures``) for ``exploration``."""
        result = exploration.result
        if name == "timeline" and len(result.events) > TIMELINE_ROWS:
            self._states_figure = plots.states(result, max_rows=TIMELINE_ROWS, figure=self._states_figure)
            return chart_png(self._states_figure)
        return chart_png(exploration.figures[name])


def chart_png(figure: Any) -> bytes:
    """A chart as the explorer shows it: a PNG at :data:`CHART_DPI`, trimmed as the notebook's
    inline backend trims it (``bbox_inches="tight"``), the same pixels, with one layout pass and one
    render instead of two draws (:func:`lambdasim.plots.png_canvas.save_tight_png`, also behind
    ``save_figure``)."""
    buffer = io.BytesIO()
    save_tight_png(figure, buffer, CHART_DPI)
    return buffer.getvalue()



def settings_from_scenario(scenario: Scenario) -> tuple[ExplorerSettings, list[str]]:
    """The explorer settings closest to ``scenario`` and, in words, what the explorer cannot show of it
    (:func:`lambdasim.widgets.presets.scenario_settings`)."""
    changes, notes = scenario_settings(scenario, shown_as=FUNCTION)
    return ExplorerSettings(**changes), notes


def load_preset(path: str | Path) -> tuple[ExplorerSettings, list[str]]:
    """The settings of one scenario file and the notes on what the explorer cannot show of it."""
    return settings_from_scenario(Scenario.from_file(path))


def settings_with(settings: ExplorerSettings, **changes: Any) -> ExplorerSettings:
    """A copy of ``settings`` with some fields changed (for sweeps and notebooks)."""
    return dataclasses.replace(settings, **changes)
