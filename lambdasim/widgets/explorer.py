"""The explorer: ipywidgets controls over a pure "settings → scenario → result → figures" function.

:func:`explore` does all the work and needs no kernel, so tests call it directly; :class:`Explorer`
only turns control values into :class:`ExplorerSettings`, calls :func:`explore` and shows what it
returns. A compare mode pins the current configuration as A and shows the next one (B) beside it.

    import lambdasim as ls
    explorer = ls.widgets.Explorer()
    explorer.widget          # display it in a notebook cell
"""

from __future__ import annotations

import base64
import dataclasses
import html
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
from lambdasim.model.rules import MAX_EVENT_AGE_S, MAX_RETRY_ATTEMPTS, MIN_EVENT_AGE_S, TIMEOUT_S
from lambdasim.model.scenario import Account, QueueSettings, Scenario
from lambdasim.model.workloads import Burst, Poisson
from lambdasim.model.workloads import Constant as ConstantRate
from lambdasim.results import run
from lambdasim.widgets.chart_image import trimmed_png
from lambdasim.widgets.downloads import download_link, export_zip
from lambdasim.widgets.presets import PRESETS_FOLDER, preset_files, scenario_settings

__all__ = [
    "ExplorerSettings", "Exploration", "build_scenario", "expected_events", "expected_attempts", "explore",
    "kpis", "settings_with", "Explorer", "MAX_EVENTS", "MAX_ATTEMPTS", "settings_from_scenario",
    "load_preset", "ChartImages", "TIMELINE_ROWS",
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


#: The controls that apply only to some arrival kinds (the others are disabled).
ARRIVAL_CONTROLS = {"rate_per_s": ("poisson", "constant"), "window_s": ("poisson", "constant"),
                    "burst_count": ("burst",)}

#: Layout: the control column keeps its width (it never shrinks under the charts); the KPI and
#: chart area takes the rest and wraps below the controls when the page is narrower than both.
CONTROL_WIDTH = "440px"
DESCRIPTION_WIDTH = "170px"
PANEL_LAYOUT = {"min_width": "460px", "flex": "0 0 auto"}
RESULTS_LAYOUT = {"min_width": "480px", "flex": "1 1 480px"}
CHART_DPI = 100

#: Where Export puts a run: a numbered folder beside the notebook, or a zip the browser downloads.
EXPORT_TO = ("folder", "download")
EXPORT_TABLES = ("attempts", "events", "deliveries")


class Explorer:
    """The interactive dashboard: controls, charts, a KPI table, Export and Compare buttons.

    ``controls`` maps each :class:`ExplorerSettings` field to its widget; set a widget's
    ``value`` (or call :meth:`update`) and ``current`` holds the new :class:`Exploration`.
    Nothing is printed: charts are drawn as PNG images into the chart tabs' outputs, which a kernel
    shows and a plain Python session simply holds.
    """

    def __init__(self, settings: ExplorerSettings | None = None, export_folder: str = "exports",
                 auto_update: bool = True, export_to: str = "folder",
                 presets_folder: str | Path = PRESETS_FOLDER) -> None:
        import ipywidgets as w

        if export_to not in EXPORT_TO:
            raise invalid_value("export_to", export_to, " or ".join(repr(e) for e in EXPORT_TO))
        self.export_folder = Path(export_folder)
        self.export_to = export_to
        self.exports = 0  # downloads prepared so far: each zip gets the next number
        self._holding = False  # while a preset sets many controls, one update at the end
        self.pinned: Exploration | None = None
        self.current: Exploration | None = None
        self.error: str | None = None
        start = settings or ExplorerSettings()
        if not isinstance(start, ExplorerSettings):
            raise invalid_value("settings", start, "None or an ExplorerSettings")
        default = ExplorerSettings()
        age, timeout = (MIN_EVENT_AGE_S, MAX_EVENT_AGE_S), TIMEOUT_S
        self.controls = {
            "maximum_retry_attempts": w.IntSlider(default.maximum_retry_attempts, 0, MAX_RETRY_ATTEMPTS,
                                                  description="MaximumRetryAttempts"),
            "maximum_event_age_s": w.IntSlider(default.maximum_event_age_s, *age, step=60,
                                               description="MaximumEventAge (s)"),
            "reserved_concurrency": w.Dropdown(options=_with_option(
                [("unreserved", NOTHING)] + [(str(n), n) for n in (0, 1, 2, 5, 10, 20, 50, 100)],
                start.reserved_concurrency),
                value=_on_control(default.reserved_concurrency), description="Reserved concurrency"),
            "error_probability": w.FloatSlider(default.error_probability, min=0.0, max=1.0, step=0.05,
                                               description="Error probability"),
            "outage_s": w.Dropdown(options=_with_option(
                [("none", NOTHING), ("60-180 s", (60.0, 180.0)), ("120-420 s", (120.0, 420.0))],
                start.outage_s),
                value=_on_control(default.outage_s), description="Outage window"),
            "arrivals": w.ToggleButtons(options=["poisson", "constant", "burst"], value=default.arrivals,
                                        description="Arrivals"),
            "rate_per_s": w.FloatLogSlider(default.rate_per_s, base=10, min=-1, max=2,
                                           description="Rate (/s)"),
            "window_s": w.FloatSlider(default.window_s, min=10, max=1800, step=10, description="Window (s)"),
            "burst_count": w.IntSlider(default.burst_count, 1, 2000, description="Burst size"),
            "duration": w.ToggleButtons(options=["exponential", "constant"], value=default.duration,
                                        description="Duration"),
            "duration_s": w.FloatLogSlider(default.duration_s, base=10, min=-2, max=1.5,
                                           description="Mean duration (s)"),
            "timeout_s": w.IntSlider(default.timeout_s, *timeout, description="Timeout (s)"),
            "dispatch": w.ToggleButtons(options=["aws", "ideal"], value=default.dispatch,
                                        description="Dispatch"),
            "retry_jitter_s": w.FloatSlider(default.retry_jitter_s, min=0.0, max=30.0, step=1.0,
                                            description="Retry jitter (s)"),
            "throttle_jitter": w.FloatSlider(default.throttle_jitter, min=0.0, max=1.0, step=0.05,
                                             description="Throttle jitter (±)"),
            "on_success": w.Checkbox(default.on_success, description="OnSuccess → SQS"),
            "on_failure": w.Checkbox(default.on_failure, description="OnFailure → SQS"),
            "dlq": w.Checkbox(default.dlq, description="DLQ → SQS"),
            "seed": w.IntText(default.seed, description="Seed"),
        }
        for control in self.controls.values():
            control.style = {"description_width": DESCRIPTION_WIDTH}
            control.layout = w.Layout(width=CONTROL_WIDTH)
            control.continuous_update = False
        # ipywidgets 8 puts a toggle-button row under its description; the buttons must fit their
        # words in JupyterLab's 13-px font too ("exponential" needs about 100 px, "constant" 80 px).
        for name, width in (("arrivals", "96px"), ("duration", "120px"), ("dispatch", "96px")):
            self.controls[name].style = {"description_width": DESCRIPTION_WIDTH, "button_width": width}
        self.start_problems = self._set_start(start)
        self.presets = preset_files(presets_folder)
        self.preset = w.Dropdown(options=[("(your settings)", NOTHING), *((n, n) for n in self.presets)],
                                 value=NOTHING, description="Preset (data/scenarios)",
                                 style={"description_width": DESCRIPTION_WIDTH},
                                 layout=w.Layout(width=CONTROL_WIDTH))
        self.preset.observe(lambda change: self.load_preset(change["new"]), names="value")
        self.preset_notes = w.HTML(layout=w.Layout(width=CONTROL_WIDTH))
        self.export_button = w.Button(description="Export", icon="download",
                                      tooltip="the charts (PNG, SVG) and record tables (CSV)"
                                      + (" as a zip to download" if export_to == "download" else ""))
        self.compare_button = w.ToggleButton(
            description="Compare: pin as A", value=False,
            tooltip="pin this run as A; the next change is shown beside it as B")
        self.status = w.HTML(layout=w.Layout(width=CONTROL_WIDTH))
        self.download = w.HTML(layout=w.Layout(width=CONTROL_WIDTH))
        self.kpi_view = w.HTML()
        # One tab per chart; only the tab in view is drawn on an update (drawing, not simulating,
        # is what costs time), the others when they are opened. An HTML image rather than an
        # Output: it carries the run's caption as alt text for screen readers.
        self.chart_names = ("timeline", "outcomes", "event_age")
        self.chart_views = {name: w.HTML() for name in self.chart_names}
        self.charts = w.Tab(children=list(self.chart_views.values()))
        for index, name in enumerate(self.chart_names):
            self.charts.set_title(index, name.replace("_", " "))
        self._stale: set[str] = set()
        self.images = ChartImages()  # draws the tab in view; keeps a figure to draw on again
        self.charts.observe(lambda _: self._show(), names="selected_index")
        self.export_button.on_click(lambda _: self.export())
        self.compare_button.observe(self._on_compare, names="value")
        buttons = w.HBox([self.export_button, self.compare_button])
        self.panel = w.VBox([self.preset, self.preset_notes, *self.controls.values(), buttons, self.status,
                             self.download], layout=w.Layout(**PANEL_LAYOUT))
        self.results_area = w.VBox([self.kpi_view, self.charts], layout=w.Layout(**RESULTS_LAYOUT))
        self.widget = w.HBox([self.panel, self.results_area],
                             layout=w.Layout(flex_flow="row wrap", width="100%"))
        # Class names a page (and the browser tests) can find each part by.
        for name, part in [*self.controls.items(), ("preset", self.preset), ("panel", self.panel),
                           ("results", self.results_area), ("kpis", self.kpi_view), ("charts", self.charts),
                           ("export", self.export_button), ("compare", self.compare_button),
                           ("status", self.status), ("download", self.download)]:
            part.add_class(f"lambdasim-{name.replace('_', '-')}")
        self._apply_disabled()
        for name in ("arrivals", "dispatch"):
            self.controls[name].observe(lambda _: self._apply_disabled(), names="value")
        if auto_update:
            for control in self.controls.values():
                control.observe(lambda _: self.update(), names="value")
        self.update()
        if self.start_problems:
            self.status.value = _error_html(" ".join(self.start_problems)) + "<br>" + self.status.value

    def _set_start(self, start: ExplorerSettings) -> list[str]:
        """Put the starting settings on the controls; what cannot be shown is said, not raised."""
        problems = []
        try:
            build_scenario(start)
        except ValueError as error:
            problems.append(f"Starting settings refused: {error}.")
        for name, control in self.controls.items():
            wanted = _on_control(getattr(start, name))
            try:
                control.value = wanted
            except Exception as error:  # noqa: BLE001 (a TraitError: the control cannot hold the value)
                problems.append(f"{name}: {wanted!r} cannot be set on its control ({error}).")
                continue
            if control.value != wanted:  # a slider clamps to its range
                base = getattr(control, "base", None)  # a log slider's min and max are exponents
                low, high = (base ** control.min, base ** control.max) if base else (control.min, control.max)
                span = f"{low:g} to {high:g}"
                problems.append(f"{name}: {wanted!r} is outside the control's range {span}; "
                                f"it shows {control.value!r}.")
        return problems

    def _apply_disabled(self) -> None:
        """Disable the controls that do nothing with the current arrivals and dispatch."""
        arrivals = self.controls["arrivals"].value
        for name, kinds in ARRIVAL_CONTROLS.items():
            self.controls[name].disabled = arrivals not in kinds
        # The ideal dispatch waits for a free slot: it never throttles, so no throttle backoff to jitter.
        self.controls["throttle_jitter"].disabled = self.controls["dispatch"].value == "ideal"

    def settings(self) -> ExplorerSettings:
        """The settings the controls show now."""
        return ExplorerSettings(**{name: None if control.value == NOTHING else control.value
                                   for name, control in self.controls.items()})

    def load_preset(self, name: str) -> Exploration | None:
        """Put one preset's settings on the controls (one update, not one per control) and say
        beside the picker what the explorer could not show of its scenario file."""
        if name == NOTHING:
            self.preset_notes.value = ""
            return self.current
        if name not in self.presets:
            raise invalid_value("preset", name, " or ".join(self.presets) or "a file in the presets folder")
        settings, notes = load_preset(self.presets[name])
        self._holding = True
        try:
            problems = self._set_start(settings)
        finally:
            self._holding = False
        if self.preset.value != name:
            self.preset.value = name  # called directly, not from the picker
        said = notes + problems
        self.preset_notes.value = (f"<small>{html.escape(name)}.yaml: " + html.escape("; ".join(said))
                                   + "</small>") if said else ""
        return self.update()

    def update(self) -> Exploration | None:
        """Re-run with the controls' values and redraw; a bad combination (or one over the event cap)
        is shown, not raised, and the charts keep the last run."""
        if self._holding:
            return None
        try:
            settings = self.settings()
            same = self.current if self.current is not None and self.current.settings == settings else None
            self.current = explore(settings, self.pinned, earlier=same)
        except ValueError as error:  # InvalidParameterValueException is a ValueError
            self.error = str(error)
            shown = "the charts still show the last run" if self.current else "nothing has run yet"
            self.status.value = _error_html(f"Not run: {self.error}. ({shown})")
            return None
        self.error = None
        self.status.value = (f"updated in {self.current.seconds:.2f} s "
                             f"({len(self.current.result.events):,} events; cap {MAX_EVENTS:,})")
        rows = "".join(f"<tr><td>{k}</td><td style='text-align:right'>{v:,.6g}</td></tr>"
                       for k, v in self.current.kpis.items())
        self.kpi_view.value = f"<table>{rows}</table>"
        self._stale = set(self.chart_names)
        self._show()
        return self.current

    def _show(self) -> None:
        """Draw the chart in view, if it is out of date, as a PNG in its tab's output (no printing:
        outside a kernel, ``display`` would print the figure's repr)."""
        if self.current is None:
            return
        name = self.chart_names[self.charts.selected_index or 0]
        if name in self._stale:
            png = base64.b64encode(self.images.png(self.current, name)).decode("ascii")
            alt = html.escape(chart_alt(name, self.current), quote=True)
            self.chart_views[name].value = (f'<img src="data:image/png;base64,{png}" alt="{alt}" '
                                            'style="max-width:100%;height:auto">')
            self._stale.discard(name)

    def _on_compare(self, change: dict) -> None:
        self.pinned = self.current if change["new"] else None
        self.compare_button.description = "Compare: unpin A" if change["new"] else "Compare: pin as A"
        self.update()

    def export(self) -> list[Path] | bytes:
        """Export the current run: the charts (PNG and SVG, captioned) and the record tables (CSV).

        With ``export_to="folder"`` they are written (:func:`lambdasim.plots.export_run`) to a new
        ``export-NNN`` folder, numbered one past the highest there (an earlier export is never
        overwritten), and the paths returned. With ``export_to="download"`` (the web page) nothing
        is written on the server: the files are zipped in memory, a download link for
        ``lambdasim-export-NNN.zip`` appears under the buttons, and the zip's bytes are returned.
        """
        if self.current is None:
            return []
        if self.export_to == "download":
            self.exports += 1
            name = f"lambdasim-export-{self.exports:03d}.zip"
            data = export_zip(self.current.result, self.current.figures, tables=EXPORT_TABLES)
            self.download.value = download_link(data, name)
            self.status.value = f"export ready: {name} ({len(data) / 1e6:.1f} MB), download it below"
            return data
        folder = _new_export_folder(self.export_folder)
        paths = plots.export_run(self.current.result, folder, figures=self.current.figures,
                                 tables=EXPORT_TABLES)
        self.status.value = f"exported {len(paths)} files to {folder}"
        return paths


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
    inline backend trims it (``bbox_inches="tight"``), drawn once rather than twice
    (:func:`~lambdasim.widgets.chart_image.trimmed_png`). Compressed lightly (zlib level 1): the
    image goes to a browser on the same machine or network, where 10 % more bytes cost less than
    the 0.1 s level 6 takes."""
    return trimmed_png(figure, CHART_DPI, compress_level=1)


#: A dropdown's value for a setting of None: ipywidgets reads a None value as "nothing selected" and
#: shows a blank dropdown.
NOTHING = "(none)"


def _on_control(value: Any) -> Any:
    return NOTHING if value is None else value


def _with_option(options: list, value: Any) -> list:
    """A dropdown's ``(label, value)`` options with ``value`` added if missing (so any valid starting
    value can be shown; ipywidgets reads a list mixing pairs and plain values as plain values)."""
    value = _on_control(value)
    if value in [v for _, v in options]:
        return options
    label = f"{value[0]:g}-{value[1]:g} s" if isinstance(value, tuple) and len(value) == 2 else str(value)
    return [*options, (label, value)]


def _error_html(text: str) -> str:
    return f"<b style='color:#D55E00'>{html.escape(text)}</b>"


def _new_export_folder(parent: Path) -> Path:
    """Create and return ``parent/export-NNN``, one past the highest number there."""
    parent.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name[7:]) for p in parent.glob("export-*") if p.name[7:].isdigit()]
    number = max(numbers, default=0) + 1
    while True:
        folder = parent / f"export-{number:03d}"
        try:
            folder.mkdir()
        except FileExistsError:  # made meanwhile (another explorer): take the next number
            number += 1
            continue
        return folder


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
