"""The explorer: the pure settings → result → figures function, then the widget driven by its controls."""

import pytest

from lambdasim.widgets.explorer import (
    DLQ_ARN,
    ON_FAILURE_ARN,
    Explorer,
    ExplorerSettings,
    build_scenario,
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
