"""The explorer: the pure settings → result → figures function, then the widget driven by its controls."""

import base64

import pytest

from lambdasim.widgets.explorer import (
    DLQ_ARN,
    ON_FAILURE_ARN,
    Explorer,
    ExplorerSettings,
    build_scenario,
    expected_attempts,
    explore,
    settings_with,
)


def test_settings_become_the_scenario_they_describe():
    scenario = build_scenario(ExplorerSettings(maximum_retry_attempts=0, maximum_event_age_s=120,
                                               reserved_concurrency=3, dlq=True, arrivals="burst",
                                               burst_count=7))
    function = scenario.functions["orders"]
    assert function.event_invoke_config.maximum_retry_attempts == 0
    assert function.event_invoke_config.maximum_event_age_s == 120
    assert function.event_invoke_config.destination_config.on_failure == ON_FAILURE_ARN
    assert function.reserved_concurrency == 3 and function.dead_letter_target_arn == DLQ_ARN
    assert scenario.workloads[0].count == 7


def test_explore_runs_and_draws_the_explorer_charts():
    settings = ExplorerSettings(arrivals="burst", burst_count=30, reserved_concurrency=2, duration="constant",
                                duration_s=20.0, maximum_event_age_s=60, error_probability=0.0,
                                retry_jitter_s=0.0, throttle_jitter=0.0)  # jitter 0: exact instants
    exploration = explore(settings)
    assert set(exploration.figures) == {"timeline", "outcomes", "event_age"}
    # 2 slots, 20-s runs, a 60-s age limit: 2 run at 0 s, 2 more on their retry at 31 s; the rest
    # would next be tried at 63 s, past the limit, and expire.
    assert exploration.kpis["accepted"] == 30
    assert exploration.kpis["delivered"] == 4 and exploration.kpis["expired"] == 26


def test_more_retries_deliver_more_under_errors():
    base = ExplorerSettings(arrivals="burst", burst_count=300, error_probability=0.5,
                            reserved_concurrency=None, duration="constant", duration_s=0.1)
    none = explore(settings_with(base, maximum_retry_attempts=0))
    two = explore(base)
    assert none.kpis["delivered"] < two.kpis["delivered"]
    assert none.kpis["retried"] == 0 and two.kpis["retried"] > 0


def test_figures_are_built_when_first_read():
    exploration = explore(ExplorerSettings(arrivals="burst", burst_count=20))
    assert list(exploration.figures) == ["timeline", "outcomes", "event_age"]
    assert exploration.figures.built() == []
    timeline = exploration.figures["timeline"]
    assert exploration.figures.built() == ["timeline"] and exploration.figures["timeline"] is timeline
    assert timeline.axes[0].get_ylabel() == "event (row in result.events)"  # 20 events: a row each
    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=20))
    assert explorer.current.figures.built() == ["timeline"]  # the tab in view, not the two behind it


def test_pinning_a_reuses_the_run_it_already_has(monkeypatch):
    from lambdasim.widgets import exploration as module

    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=10))
    first = explorer.current
    monkeypatch.setattr(module, "run", lambda scenario: pytest.fail("the same settings ran again"))
    explorer.compare_button.value = True  # the charts change (A beside B), the run does not
    assert explorer.current is not first and explorer.current.result is first.result
    assert len(explorer.current.figures["outcomes"].axes) >= 2
    refusal = r"^earlier: \"an Exploration of ExplorerSettings\(.*seed=1, .*\" is not valid; allowed: None or"
    with pytest.raises(ValueError, match=refusal):
        explore(settings_with(first.settings, seed=2), earlier=first)


def test_compare_mode_draws_a_and_b_side_by_side():
    a = explore(ExplorerSettings(arrivals="burst", burst_count=20))
    b = explore(ExplorerSettings(arrivals="burst", burst_count=20, maximum_retry_attempts=0), pinned=a)
    assert len(b.figures["outcomes"].axes) >= 2


@pytest.mark.slow
def test_widget_follows_its_controls_and_exports(tmp_path):
    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=20), export_folder=str(tmp_path))
    first = explorer.current
    assert first.kpis["accepted"] == 20
    explorer.controls["burst_count"].value = 50
    assert explorer.current is not first and explorer.current.kpis["accepted"] == 50
    explorer.controls["maximum_retry_attempts"].value = 0
    assert explorer.current.settings.maximum_retry_attempts == 0
    assert "updated in" in explorer.status.value and "accepted" in explorer.kpi_view.value

    explorer.export_button.click()
    files = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert files == sorted(["attempts.csv", "deliveries.csv", "events.csv", "event_age.png", "event_age.svg",
                            "outcomes.png", "outcomes.svg", "timeline.png", "timeline.svg"])
    assert all(p.stat().st_size > 100 for p in tmp_path.rglob("*.png"))


def test_widget_compare_button_pins_a():
    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=10))
    explorer.compare_button.value = True
    assert explorer.pinned is not None
    explorer.controls["maximum_retry_attempts"].value = 1
    assert explorer.pinned.settings.maximum_retry_attempts == 2
    assert explorer.current.settings.maximum_retry_attempts == 1
    explorer.compare_button.value = False
    assert explorer.pinned is None


def test_a_bad_value_is_shown_not_raised():
    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=10))
    before = explorer.current
    explorer.controls["seed"].value = -1  # the one free-text control: seeds must be >= 0
    assert explorer.current is before
    assert explorer.error.startswith("seed: -1 is not valid") and "seed" in explorer.status.value
    explorer.controls["seed"].value = 3
    assert explorer.error is None and explorer.current.settings.seed == 3


def test_only_the_chart_in_view_is_drawn_until_its_tab_is_opened():
    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=10))
    assert explorer._stale == {"outcomes", "event_age"}
    explorer.charts.selected_index = 2
    assert explorer._stale == {"outcomes"}
    explorer.controls["burst_count"].value = 12  # an update makes every chart stale but the one in view
    assert explorer._stale == {"timeline", "outcomes"}


# -- issue 14: bounded runs, jitter, disabled controls, exports, no printing, layout, valid ranges -----------


def test_settings_over_the_event_cap_are_refused_before_anything_runs(monkeypatch):
    from lambdasim.model.errors import InvalidParameterValueException
    from lambdasim.widgets import exploration as module

    def must_not_run(scenario):
        raise AssertionError("the simulation ran")

    monkeypatch.setattr(module, "run", must_not_run)
    too_big = ExplorerSettings(rate_per_s=100.0, window_s=1800.0)  # the controls' top corner: 180,000 events
    assert module.expected_events(too_big) == 180_000
    with pytest.raises(InvalidParameterValueException) as caught:
        explore(too_big)
    assert caught.value.fields["field"] == "rate_per_s × window_s"
    assert caught.value.fields["value"] == "about 180,000 events"
    assert str(caught.value).startswith(
        "rate_per_s × window_s: 'about 180,000 events' is not valid; allowed: at most 12,000 events per "
        "explorer update (the explorer's cap, MAX_EVENTS")
    assert module.MAX_EVENTS == 12_000


def test_the_cap_can_be_set_or_lifted_headless():
    burst = ExplorerSettings(arrivals="burst", burst_count=200)
    refusal = r"^burst_count: 'about 200 events' is not valid; allowed: at most 100 "
    with pytest.raises(ValueError, match=refusal):
        explore(burst, max_events=100)
    assert explore(burst, max_events=None).kpis["accepted"] == 200


def test_the_widget_shows_the_cap_and_keeps_the_last_run():
    explorer = Explorer(ExplorerSettings(rate_per_s=10.0, window_s=60.0, reserved_concurrency=None))
    explorer.controls["rate_per_s"].value = 100.0  # 6,000 events: runs
    last = explorer.current
    assert last.kpis["accepted"] > 5000
    explorer.controls["window_s"].value = 1800.0
    assert explorer.current is last  # nothing ran
    assert "about 180,000 events" in explorer.status.value
    assert "at most 12,000 events" in explorer.status.value
    assert "the charts still show the last run" in explorer.status.value
    explorer.controls["window_s"].value = 60.0
    assert explorer.error is None and explorer.current is not last
    assert explorer.current.kpis["accepted"] == last.kpis["accepted"]  # the same settings again
    assert "cap 12,000" in explorer.status.value


def test_few_events_that_would_be_throttled_for_hours_are_refused_too(monkeypatch):
    from lambdasim.widgets import exploration as module

    monkeypatch.setattr(module, "run", lambda scenario: pytest.fail("the simulation ran"))
    # 12,000 events on one slot, kept for six hours: about 400,000 throttled tries (6.5 s when run).
    storm = ExplorerSettings(rate_per_s=100.0, window_s=120.0, reserved_concurrency=1,
                             maximum_event_age_s=21600)
    assert module.expected_events(storm) == 12_000 and module.MAX_ATTEMPTS == 30_000
    with pytest.raises(ValueError) as caught:
        explore(storm)
    assert str(caught.value).startswith(
        "settings: 'about 334,080 attempt rows' is not valid; allowed: at most 30,000 attempts and "
        "throttled tries per explorer update")
    assert "raise Reserved concurrency" in str(caught.value) and "max_attempts=None" in str(caught.value)
    # The ideal dispatch waits without throttling: the same arrivals are 12,000 invocations and more.
    assert module.expected_attempts(settings_with(storm, dispatch="ideal")) == pytest.approx(12_000 * 1.11)


@pytest.mark.parametrize("changes", [{"reserved_concurrency": 1}, {"reserved_concurrency": 2}, {},
                                     {"arrivals": "burst", "burst_count": 2000, "reserved_concurrency": 1,
                                      "maximum_event_age_s": 21600}])
def test_the_attempt_estimate_is_close_to_the_run(changes):
    settings = ExplorerSettings(**changes)
    actual = len(explore(settings, max_attempts=None).result.attempts)
    assert 1.0 <= actual / expected_attempts(settings) <= 1.55  # it underestimates by at most half


def test_retry_jitter_control_moves_the_retries():
    base = ExplorerSettings(arrivals="burst", burst_count=1, error_probability=1.0, duration="constant",
                            duration_s=1.0, throttle_jitter=0.0)
    exact = explore(settings_with(base, retry_jitter_s=0.0)).result.attempts
    # A 0.25-s cold start, a 1-s run ending at 1.25 s; retries 60 s and 120 s after each failure ends.
    assert exact["start_at"].tolist() == [0.25, 61.25, 182.25]
    jittered = explore(settings_with(base, retry_jitter_s=10.0)).result.attempts
    first = jittered["start_at"].iloc[1] - 1.25
    second = jittered["start_at"].iloc[2] - jittered["end_at"].iloc[1]
    assert 60.0 < first <= 70.0 and 120.0 < second <= 130.0

    explorer = Explorer(base)
    explorer.controls["retry_jitter_s"].value = 0.0
    assert explorer.current.settings.retry_jitter_s == 0.0
    assert explorer.current.result.attempts["start_at"].tolist() == [0.25, 61.25, 182.25]


def test_throttle_jitter_control_changes_throttled_runs_but_not_ideal_dispatch():
    base = ExplorerSettings(arrivals="burst", burst_count=50, reserved_concurrency=1, error_probability=0.0,
                            duration="constant", duration_s=1.0, retry_jitter_s=0.0, maximum_event_age_s=60)
    # Without jitter the 49 throttled events back off in lockstep (1, 2, 4, ... s) and collide again.
    assert explore(settings_with(base, throttle_jitter=0.0)).kpis["delivered"] == 5
    assert explore(settings_with(base, throttle_jitter=0.5)).kpis["delivered"] == 33
    ideal = [explore(settings_with(base, dispatch="ideal", throttle_jitter=j)).result.attempts
             for j in (0.0, 0.5)]
    assert ideal[0].equals(ideal[1])  # ideal dispatch never throttles: why its control is disabled


def test_controls_that_do_not_apply_are_disabled():
    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=10), auto_update=False)
    disabled = {name for name, control in explorer.controls.items() if control.disabled}
    assert disabled == {"rate_per_s", "window_s"}
    explorer.controls["arrivals"].value = "constant"
    assert not explorer.controls["window_s"].disabled and not explorer.controls["rate_per_s"].disabled
    assert explorer.controls["burst_count"].disabled
    explorer.controls["dispatch"].value = "ideal"
    assert explorer.controls["throttle_jitter"].disabled
    explorer.controls["dispatch"].value = "aws"
    explorer.controls["arrivals"].value = "burst"
    disabled = {name for name, control in explorer.controls.items() if control.disabled}
    assert disabled == {"rate_per_s", "window_s"}


@pytest.mark.slow
def test_exports_never_overwrite(tmp_path):
    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=5), export_folder=str(tmp_path))
    first, second = explorer.export(), explorer.export()
    assert {p.parent.name for p in first} == {"export-001"}
    assert {p.parent.name for p in second} == {"export-002"}
    assert all(p.exists() for p in first + second)
    (tmp_path / "export-001" / "events.csv").unlink()
    # A gap: numbering goes one past the highest number, not the count of folders.
    (tmp_path / "export-001").rename(tmp_path / "kept")
    assert {p.parent.name for p in explorer.export()} == {"export-003"}
    assert "exported 9 files to" in explorer.status.value and "export-003" in explorer.status.value


def test_an_update_prints_nothing_and_draws_into_the_chart_tab(capsys):
    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=10))
    explorer.controls["burst_count"].value = 12
    explorer.charts.selected_index = 1
    assert capsys.readouterr() == ("", "")
    for name in ("timeline", "outcomes"):
        image = explorer.chart_views[name].value
        assert image.startswith('<img src="data:image/png;base64,')
        png = image.split("base64,", 1)[1].split('"', 1)[0]
        assert base64.b64decode(png)[:8] == b"\x89PNG\r\n\x1a\n"
    assert explorer.chart_views["event_age"].value == ""  # not opened yet


def test_layout_keeps_the_control_column_whole_and_wraps_the_charts():
    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=5))
    assert explorer.widget.layout.flex_flow == "row wrap"
    assert (explorer.panel.layout.min_width, explorer.panel.layout.flex) == ("460px", "0 0 auto")
    results = explorer.results_area.layout
    assert (results.min_width, results.flex) == ("480px", "1 1 480px")
    for control in explorer.controls.values():
        assert control.layout.width == "440px" and control.style.description_width == "170px"
    # 460 + 480 fits side by side from 1,280 px (less the notebook's margins); narrower, the charts wrap.
    assert int(explorer.panel.layout.min_width[:-2]) + int(explorer.results_area.layout.min_width[:-2]) < 1100


def test_slider_ranges_are_the_validated_ranges():
    from lambdasim.model.rules import MAX_EVENT_AGE_S, MAX_RETRY_ATTEMPTS, MIN_EVENT_AGE_S, TIMEOUT_S

    controls = Explorer(ExplorerSettings(arrivals="burst", burst_count=5)).controls
    age, retries, timeout = (controls[n]
                             for n in ("maximum_event_age_s", "maximum_retry_attempts", "timeout_s"))
    assert (age.min, age.max) == (MIN_EVENT_AGE_S, MAX_EVENT_AGE_S) == (60, 21_600)
    assert (retries.min, retries.max) == (0, MAX_RETRY_ATTEMPTS)
    assert (timeout.min, timeout.max) == TIMEOUT_S
    assert (controls["throttle_jitter"].min, controls["throttle_jitter"].max) == (0.0, 1.0)
    # Every option a (label, value) pair: mixed with plain numbers, ipywidgets showed "('unreserved', None)".
    assert list(dict(controls["reserved_concurrency"].options)) == [
        "unreserved", "0", "1", "2", "5", "10", "20", "50", "100"]
    unreserved = Explorer(ExplorerSettings(arrivals="burst", burst_count=5, reserved_concurrency=None))
    assert unreserved.controls["reserved_concurrency"].label == "unreserved"
    assert unreserved.current.settings.reserved_concurrency is None
    # None would be ipywidgets' "nothing selected": a blank dropdown.
    assert unreserved.controls["outage_s"].label == "none" and unreserved.current.settings.outage_s is None


def test_any_valid_start_is_shown_and_an_invalid_one_is_said_on_screen():
    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=5, maximum_event_age_s=100,
                                         reserved_concurrency=3, outage_s=(10.0, 20.0)))
    assert explorer.start_problems == [] and explorer.error is None  # 07's "age 100" was a TraitError
    assert explorer.current.settings.maximum_event_age_s == 100
    assert explorer.controls["reserved_concurrency"].label == "3"
    assert explorer.controls["outage_s"].label == "10-20 s"

    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=5, maximum_event_age_s=30))
    assert explorer.start_problems == [
        "Starting settings refused: EventInvokeConfig.maximum_event_age_s: 30 is not valid; allowed: integer "
        "60-21600.",
        "maximum_event_age_s: 30 is outside the control's range 60 to 21600; it shows 60."]
    assert "maximum_event_age_s: 30 is not valid" in explorer.status.value
    assert explorer.current.settings.maximum_event_age_s == 60


# -- issue 15: the web page (alt text, presets, download export, accessible names) ---------------------------


def test_chart_images_carry_the_run_caption_as_alt_text():
    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=10, reserved_concurrency=2,
                                         maximum_event_age_s=120))
    image = explorer.chart_views["timeline"].value
    assert ('alt="timeline chart: orders: retries 2, max age 120 s, reserved concurrency 2, timeout 30 s '
            '· account limit 1,000 · dispatch aws · seed 1 · 10 events accepted"') in image
    explorer.charts.selected_index = 2
    assert 'alt="event age chart: orders: retries 2,' in explorer.chart_views["event_age"].value


def test_the_presets_are_the_scenario_files_and_say_what_the_explorer_changes():
    from pathlib import Path

    from lambdasim.widgets import load_preset, preset_files

    files = preset_files()
    assert list(files) == ["retries", "steady", "throttling"]
    assert files["steady"] == Path(__file__).resolve().parents[1] / "data" / "scenarios" / "steady.yaml"
    steady, notes = load_preset(files["steady"])
    assert steady == ExplorerSettings(maximum_event_age_s=3600, reserved_concurrency=None,
                                      error_probability=0.05, rate_per_s=5.0, window_s=600.0, duration_s=0.4,
                                      timeout_s=3, on_failure=False, seed=7)
    assert notes == []
    throttling, notes = load_preset(files["throttling"])
    t = throttling
    assert (t.arrivals, t.burst_count, t.reserved_concurrency) == ("burst", 10, 1)
    assert (t.duration, t.duration_s, t.maximum_event_age_s) == ("constant", 30.0, 60)
    assert (throttling.retry_jitter_s, throttling.throttle_jitter) == (0.0, 0.0)
    assert notes == ["cold start stays the explorer's default (0.25 s; the file says 0 s)"]
    # Three listed events 10 s apart: a constant rate of one per 10 s over 30 s gives the same times.
    retries, notes = load_preset(files["retries"])
    assert (retries.arrivals, retries.rate_per_s, retries.window_s) == ("constant", 0.1, 30.0)
    assert explore(retries).result.events["enqueued_at"].tolist() == [0.0, 10.0, 20.0]
    assert notes == ["the 3 listed events, 10 s apart, become a constant rate"]


def test_settings_from_scenario_names_what_it_leaves_out():
    from lambdasim.model.scenario import Scenario
    from lambdasim.widgets import settings_from_scenario

    scenario = Scenario.from_text("""
functions:
  checkout: {Timeout: 5, MemorySize: 512, keep_alive_s: 60}
  other: {}
workloads:
  - {function: checkout, arrivals: events, events: [{at_s: 5}, {at_s: 6}, {at_s: 9}]}
  - {function: checkout, arrivals: burst, count: 4, at_s: 3}
""")
    settings, notes = settings_from_scenario(scenario)
    assert (settings.arrivals, settings.rate_per_s, settings.window_s) == ("constant", 0.5, 6.0)
    assert notes == [
        "only function 'checkout' is shown (the explorer runs one function)",
        "only the first workload of 'checkout' is shown",
        "keep-alive stays the explorer's default (600 s; the file says 60 s)",
        "memory stays the explorer's default (128 MB; the file says 512 MB)",
        "the 3 listed events become a constant rate from 0 s over the same span",
        "the function is called 'orders' on the page (the file says 'checkout')",
    ]
    with pytest.raises(ValueError, match=r"^scenario: 'steady' is not valid; allowed: a Scenario"):
        settings_from_scenario("steady")


def test_picking_a_preset_sets_every_control_and_runs_once(monkeypatch):
    from lambdasim.widgets import explorer as module

    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=10))
    runs = []
    real = module.explore
    monkeypatch.setattr(module, "explore", lambda *a, **k: runs.append(a[0]) or real(*a, **k))
    explorer.preset.value = "throttling"
    assert len(runs) == 1  # not one run per control the preset changed
    assert explorer.current.settings == module.load_preset(explorer.presets["throttling"])[0]
    assert explorer.current.kpis["accepted"] == 10 and explorer.current.kpis["expired"] == 8
    assert explorer.preset_notes.value == (
        "<small>throttling.yaml: cold start stays the explorer&#x27;s default (0.25 s; "
        "the file says 0 s)</small>")
    explorer.controls["maximum_retry_attempts"].value = 0  # the controls stay live after a preset
    assert len(runs) == 2 and explorer.current.settings.maximum_retry_attempts == 0
    explorer.preset.value = "steady"
    assert explorer.preset_notes.value == "" and explorer.current.settings.seed == 7
    with pytest.raises(ValueError, match=r"^preset: 'nope' is not valid; allowed: retries or steady or"):
        explorer.load_preset("nope")


def test_a_page_export_is_a_zip_to_download_and_writes_nothing(tmp_path, monkeypatch):
    import io
    import zipfile

    monkeypatch.chdir(tmp_path)
    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=5), export_to="download")
    data = explorer.export()
    assert list(tmp_path.iterdir()) == []  # nothing on the server's disk
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == sorted([
        "attempts.csv", "deliveries.csv", "events.csv", "event_age.png", "event_age.svg", "outcomes.png",
        "outcomes.svg", "timeline.png", "timeline.svg"])
    assert archive.read("events.csv").decode().count("\n") == 6  # a header and the 5 events
    link = explorer.download.value
    assert link.startswith('<a href="data:application/zip;base64,')
    assert 'download="lambdasim-export-001.zip"' in link
    assert base64.b64decode(link.split("base64,", 1)[1].split('"', 1)[0]) == data
    assert explorer.status.value.startswith("export ready: lambdasim-export-001.zip (")
    explorer.export()
    assert 'download="lambdasim-export-002.zip"' in explorer.download.value  # never the same name twice
    with pytest.raises(ValueError, match=r"^export_to: 'cloud' is not valid; allowed: 'folder' or 'downl"):
        Explorer(export_to="cloud")


def test_every_control_has_a_description_and_the_buttons_a_tooltip():
    explorer = Explorer(ExplorerSettings(arrivals="burst", burst_count=5), auto_update=False)
    for name, control in [*explorer.controls.items(), ("preset", explorer.preset)]:
        assert control.description, name
    assert explorer.export_button.tooltip and explorer.compare_button.tooltip
    # The panel's order is the tab order: the preset first, then the controls, then the buttons.
    assert explorer.panel.children[0] is explorer.preset
    assert list(explorer.panel.children[2:2 + len(explorer.controls)]) == list(explorer.controls.values())


def test_the_page_names_sliders_and_toggle_buttons_for_screen_readers():
    from lambdasim.widgets.page import ACCESSIBLE_NAMES_JS

    # What the script looks for is what ipywidgets 8 draws (checked in Chromium by
    # tests/browser/test_explorer_page.py): a slider handle with role="slider" in an inline box whose
    # label is the description; toggle buttons in a .widget-toggle-buttons box.
    for selector in ('.noUi-handle[role="slider"]', ".widget-inline-hbox, .widget-toggle-buttons",
                     ":scope > label.widget-label", "aria-label"):
        assert selector in ACCESSIBLE_NAMES_JS
