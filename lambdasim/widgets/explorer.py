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
import html
from pathlib import Path
from typing import Any

from lambdasim import plots
from lambdasim.model.errors import invalid_value
from lambdasim.model.rules import MAX_EVENT_AGE_S, MAX_RETRY_ATTEMPTS, MIN_EVENT_AGE_S, TIMEOUT_S
from lambdasim.widgets.downloads import download_link, export_zip
from lambdasim.widgets.exploration import (  # noqa: F401 (the headless half, re-exported from here)
    CHART_DPI,
    DLQ_ARN,
    FUNCTION,
    MAX_ATTEMPTS,
    MAX_EVENTS,
    ON_FAILURE_ARN,
    ON_SUCCESS_ARN,
    TIMELINE_ROWS,
    ChartImages,
    Exploration,
    ExplorerSettings,
    Figures,
    build_scenario,
    chart_alt,
    chart_png,
    expected_attempts,
    expected_events,
    explore,
    kpis,
    load_preset,
    settings_from_scenario,
    settings_with,
)
from lambdasim.widgets.presets import PRESETS_FOLDER, preset_files

__all__ = [
    "ExplorerSettings", "Exploration", "build_scenario", "expected_events", "expected_attempts", "explore",
    "kpis", "settings_with", "Explorer", "MAX_EVENTS", "MAX_ATTEMPTS", "settings_from_scenario",
    "load_preset", "ChartImages", "TIMELINE_ROWS",
]

#: The controls that apply only to some arrival kinds (the others are disabled).
ARRIVAL_CONTROLS = {"rate_per_s": ("poisson", "constant"), "window_s": ("poisson", "constant"),
                    "burst_count": ("burst",)}

#: Layout: the control column keeps its width (it never shrinks under the charts); the KPI and
#: chart area takes the rest and wraps below the controls when the page is narrower than both.
CONTROL_WIDTH = "440px"
DESCRIPTION_WIDTH = "170px"
PANEL_LAYOUT = {"min_width": "460px", "flex": "0 0 auto"}
RESULTS_LAYOUT = {"min_width": "480px", "flex": "1 1 480px"}

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

