"""The explorer: ipywidgets controls over a pure "settings → scenario → result → figures" function.

:func:`explore` does all the work and needs no kernel, so tests call it directly; :class:`Explorer`
only turns control values into :class:`ExplorerSettings`, calls :func:`explore` and shows what it
returns. A compare mode pins the current configuration as A and shows the next one (B) beside it.

    import lambdasim as ls
    explorer = ls.widgets.Explorer()
    explorer.widget          # display it in a notebook cell
"""

from __future__ import annotations

import dataclasses
import time
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
from lambdasim.results import run

__all__ = [
    "ExplorerSettings", "Exploration", "build_scenario", "explore", "kpis", "settings_with", "Explorer",
]

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
    ``constant`` with mean ``duration_s``. The jitter fields have no control: they default to the
    measured-AWS jitter of :class:`~lambdasim.model.scenario.QueueSettings`; set both to 0 for exact
    documented timings.
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
    if s.arrivals == "burst":
        workload = Burst(FUNCTION, count=s.burst_count, at_s=0.0)
    elif s.arrivals == "constant":
        workload = ConstantRate(FUNCTION, rate_per_s=s.rate_per_s, end_s=s.window_s)
    else:
        workload = Poisson(FUNCTION, rate_per_s=s.rate_per_s, end_s=s.window_s)
    queue = QueueSettings(retry_jitter_s=s.retry_jitter_s, throttle_jitter=s.throttle_jitter)
    return Scenario(functions={FUNCTION: function}, workloads=(workload,), account=Account(),
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


@dataclass(frozen=True)
class Exploration:
    """One explorer update: the settings, the run, its figures and key figures, and how long it took."""

    settings: ExplorerSettings
    result: Any
    figures: dict
    kpis: dict
    seconds: float


def explore(settings: ExplorerSettings, pinned: Exploration | None = None) -> Exploration:
    """Simulate the settings and draw the explorer's charts (the pure function behind the widget).

    With ``pinned`` (compare mode), the outcome and event-age charts show the pinned run (A) and
    this one (B) side by side on shared axes.
    """
    if not isinstance(settings, ExplorerSettings):
        raise invalid_value("settings", settings, "an ExplorerSettings (ExplorerSettings() has the defaults)")
    if pinned is not None and not isinstance(pinned, Exploration):
        raise invalid_value("pinned", pinned, "None or an Exploration (what explore returned)")
    started = time.perf_counter()
    result = run(build_scenario(settings))
    figures = {"timeline": plots.timeline(result, max_rows=200)}
    if pinned is None:
        figures["outcomes"] = plots.outcomes(result)
        figures["event_age"] = plots.event_age(result)
    else:
        pair, labels = [pinned.result, result], ["A (pinned)", "B"]
        figures["outcomes"] = plots.compare(pair, labels, kind="outcomes")
        figures["event_age"] = plots.compare(pair, labels, kind="event_age")
    return Exploration(settings, result, figures, kpis(result), time.perf_counter() - started)


class Explorer:
    """The interactive dashboard: controls, charts, a KPI table, Export and Compare buttons.

    ``controls`` maps each :class:`ExplorerSettings` field to its widget; set a widget's
    ``value`` (or call :meth:`update`) and ``current`` holds the new :class:`Exploration`.
    """

    def __init__(self, settings: ExplorerSettings | None = None, export_folder: str = "exports",
                 auto_update: bool = True) -> None:
        import ipywidgets as w

        self.export_folder = Path(export_folder)
        self.pinned: Exploration | None = None
        self.current: Exploration | None = None
        self.error: str | None = None
        start = settings or ExplorerSettings()
        style = {"description_width": "170px"}
        layout = w.Layout(width="420px")
        self.controls = {
            "maximum_retry_attempts": w.IntSlider(start.maximum_retry_attempts, 0, 2,
                                                  description="MaximumRetryAttempts"),
            "maximum_event_age_s": w.SelectionSlider(
                options=[60, 120, 300, 600, 1800, 3600, 7200, 21600], value=start.maximum_event_age_s,
                description="MaximumEventAge (s)"),
            "reserved_concurrency": w.Dropdown(
                options=[("unreserved", None), 0, 1, 2, 5, 10, 20, 50, 100], value=start.reserved_concurrency,
                description="Reserved concurrency"),
            "error_probability": w.FloatSlider(start.error_probability, min=0.0, max=1.0, step=0.05,
                                               description="Error probability"),
            "outage_s": w.Dropdown(options=[("none", None), ("60-180 s", (60.0, 180.0)),
                                            ("120-420 s", (120.0, 420.0))],
                                   value=start.outage_s, description="Outage window"),
            "arrivals": w.ToggleButtons(options=["poisson", "constant", "burst"], value=start.arrivals,
                                        description="Arrivals"),
            "rate_per_s": w.FloatLogSlider(start.rate_per_s, base=10, min=-1, max=2, description="Rate (/s)"),
            "window_s": w.FloatSlider(start.window_s, min=60, max=1800, step=60, description="Window (s)"),
            "burst_count": w.IntSlider(start.burst_count, 1, 2000, description="Burst size"),
            "duration": w.ToggleButtons(options=["exponential", "constant"], value=start.duration,
                                        description="Duration"),
            "duration_s": w.FloatLogSlider(start.duration_s, base=10, min=-2, max=1.5,
                                           description="Mean duration (s)"),
            "timeout_s": w.IntSlider(start.timeout_s, 1, 900, description="Timeout (s)"),
            "dispatch": w.ToggleButtons(options=["aws", "ideal"], value=start.dispatch,
                                        description="Dispatch"),
            "on_success": w.Checkbox(start.on_success, description="OnSuccess → SQS"),
            "on_failure": w.Checkbox(start.on_failure, description="OnFailure → SQS"),
            "dlq": w.Checkbox(start.dlq, description="DLQ → SQS"),
            "seed": w.IntText(start.seed, description="Seed"),
        }
        for control in self.controls.values():
            control.style = style
            control.layout = layout
            control.continuous_update = False
        self.export_button = w.Button(description="Export", icon="download")
        self.compare_button = w.ToggleButton(description="Compare: pin as A", value=False)
        self.status = w.HTML()
        self.kpi_view = w.HTML()
        # One tab per chart; only the tab in view is drawn on an update (drawing, not simulating,
        # is what costs time), the others when they are opened.
        self.chart_names = ("timeline", "outcomes", "event_age")
        self.chart_views = {name: w.Output() for name in self.chart_names}
        self.charts = w.Tab(children=list(self.chart_views.values()))
        for index, name in enumerate(self.chart_names):
            self.charts.set_title(index, name.replace("_", " "))
        self._stale: set[str] = set()
        self.charts.observe(lambda _: self._show(), names="selected_index")
        self.export_button.on_click(lambda _: self.export())
        self.compare_button.observe(self._on_compare, names="value")
        buttons = w.HBox([self.export_button, self.compare_button])
        panel = w.VBox([*self.controls.values(), buttons, self.status])
        self.widget = w.HBox([panel, w.VBox([self.kpi_view, self.charts])])
        if auto_update:
            for control in self.controls.values():
                control.observe(lambda _: self.update(), names="value")
        self.update()

    def settings(self) -> ExplorerSettings:
        """The settings the controls show now."""
        return ExplorerSettings(**{name: control.value for name, control in self.controls.items()})

    def update(self) -> Exploration | None:
        """Re-run with the controls' values and redraw; a bad combination is shown, not raised."""
        try:
            self.current = explore(self.settings(), self.pinned)
        except ValueError as error:  # InvalidParameterValueException is a ValueError
            self.error = str(error)
            self.status.value = f"<b style='color:#D55E00'>{self.error}</b>"
            return None
        self.error = None
        self.status.value = f"updated in {self.current.seconds:.2f} s"
        rows = "".join(f"<tr><td>{k}</td><td style='text-align:right'>{v:,.6g}</td></tr>"
                       for k, v in self.current.kpis.items())
        self.kpi_view.value = f"<table>{rows}</table>"
        self._stale = set(self.chart_names)
        self._show()
        return self.current

    def _show(self) -> None:
        """Draw the chart in view if it is out of date."""
        from IPython.display import display

        if self.current is None:
            return
        name = self.chart_names[self.charts.selected_index or 0]
        if name in self._stale:
            view = self.chart_views[name]
            view.clear_output(wait=True)
            with view:
                display(self.current.figures[name])
            self._stale.discard(name)

    def _on_compare(self, change: dict) -> None:
        self.pinned = self.current if change["new"] else None
        self.compare_button.description = "Compare: unpin A" if change["new"] else "Compare: pin as A"
        self.update()

    def export(self) -> list[Path]:
        """Export the current run (:func:`lambdasim.plots.export_run`) to a new ``export-NNN`` folder:
        the charts in view (PNG and SVG, captioned) and the record tables (CSV)."""
        if self.current is None:
            return []
        number = 1 + sum(1 for p in self.export_folder.glob("export-*")) if self.export_folder.exists() else 1
        folder = self.export_folder / f"export-{number:03d}"
        paths = plots.export_run(self.current.result, folder, figures=self.current.figures,
                                 tables=("attempts", "events", "deliveries"))
        self.status.value = f"exported {len(paths)} files to {folder}"
        return paths


def settings_with(settings: ExplorerSettings, **changes: Any) -> ExplorerSettings:
    """A copy of ``settings`` with some fields changed (for sweeps and notebooks)."""
    return dataclasses.replace(settings, **changes)
