"""Charts: the artists they draw on small deterministic runs, exports, comparisons and the CLI.

Durations are constant, so every bar, tick and marker below sits at an exact place. Each kind of
mark is one artist whose ``gid`` names it, which is what these tests look up.
"""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from helpers import one_function
from matplotlib.colors import same_color, to_rgba
from matplotlib.figure import Figure

import lambdasim as ls
import lambdasim.plots as lp
from lambdasim import cli
from lambdasim.model.dists import Constant
from lambdasim.model.failures import FailureModel, Outage
from lambdasim.model.scenario import QueueSettings
from lambdasim.model.workloads import Burst, Events, ScheduledEvent
from lambdasim.plots.style import OKABE_ITO, apply_time_axis, format_duration, time_unit
from lambdasim.results.series import state_counts

ROOT = Path(__file__).resolve().parents[1]
THROTTLING = ROOT / "data" / "scenarios" / "throttling.yaml"
FAILED = "arn:aws:sqs:us-east-1:123456789012:orders-failed"
DLQ = "arn:aws:sqs:us-east-1:123456789012:orders-dlq"


def events_at(*times, payload=None):
    return Events("orders", tuple(ScheduledEvent(t, payload) for t in times))


def artist(fig, gid):
    """The one artist of ``fig`` with this gid."""
    found = [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == gid]
    assert len(found) == 1, f"{len(found)} artists with gid {gid!r}"
    return found[0]


def gids(fig):
    return {a.get_gid() for ax in fig.axes for a in ax.get_children() if a.get_gid()}


def boxes(collection):
    """(x0, x1, y) of each rectangle of a PolyCollection."""
    out = []
    for path in collection.get_paths():
        v = path.vertices
        out.append((v[:, 0].min(), v[:, 0].max(), (v[:, 1].min() + v[:, 1].max()) / 2))
    return out


def legend_labels(fig):
    return [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]


@pytest.fixture(scope="module")
def throttling():
    return ls.run(ls.Scenario.from_yaml(THROTTLING))


@pytest.fixture(scope="module")
def retried():
    """One event that fails (an outage, cold start 0.25 s) and succeeds on its retry 60 s later."""
    failures = FailureModel(outages=(Outage(0.0, 30.0),))
    return ls.run(one_function([events_at(0.0)], failures=failures, cold_start=Constant(0.25)))


# -- timeline ----------------------------------------------------------------------------------------


def test_timeline_draws_each_execution_as_a_bar_coloured_by_its_outcome(retried):
    fig = lp.timeline(retried)
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    errors, successes = artist(fig, "executions:error"), artist(fig, "executions:success")
    (x0, x1, y), = boxes(errors)
    assert (x0, y) == (0.0, 0.0) and x1 == pytest.approx(0.45)
    (x0, _, y), = boxes(successes)
    assert (x0, y) == (pytest.approx(60.45), 0.0)
    assert same_color(errors.get_facecolor()[0], lp.PALETTE["error"])
    assert same_color(successes.get_facecolor()[0], lp.PALETTE["success"])
    # The cold start is the first 0.25 s of the first bar; the retry wait joins the two, labelled.
    (c0, c1, _), = boxes(artist(fig, "cold_starts"))
    assert c0 == 0.0 and c1 == pytest.approx(0.25, abs=0.35)  # widened to stay visible, never shortened
    (start, end), = [seg[:, 0] for seg in artist(fig, "retry_waits").get_segments()]
    assert (start, end) == (pytest.approx(0.45), pytest.approx(60.45))
    assert "60 s" in [t.get_text() for t in fig.axes[0].texts]
    assert "fate:succeeded" in gids(fig) and "throttles" not in gids(fig)


def test_timeouts_have_their_own_colour_and_each_row_one_bar_per_attempt():
    result = ls.run(one_function([events_at(0.0, 1.0)], retries=1, timeout_s=1, duration=Constant(5.0)))
    fig = lp.timeline(result)
    bars = boxes(artist(fig, "executions:timeout"))
    assert sorted(y for *_, y in bars) == [0.0, 0.0, 1.0, 1.0]  # two attempts on each of two rows
    assert same_color(artist(fig, "executions:timeout").get_facecolor()[0], lp.PALETTE["timeout"])
    assert "execution: timeout" in legend_labels(fig)
    assert "fate:retries_exhausted" in gids(fig)


def test_throttles_are_ticks_and_fates_markers_at_the_resolution(throttling):
    fig = lp.timeline(throttling)
    ax = fig.axes[0]
    throttles = throttling.attempts[throttling.attempts["kind"] == "throttle"]
    ticks = artist(fig, "throttles")
    assert ticks.get_marker() == "|" and len(ticks.get_xdata()) == len(throttles) == 53
    assert sorted(ticks.get_xdata()) == sorted(throttles["dispatched_at"])
    assert same_color(ticks.get_color(), lp.PALETTE["throttled"])
    succeeded, expired = artist(fig, "fate:succeeded"), artist(fig, "fate:event_age_exceeded")
    assert list(succeeded.get_xdata()) == [30.0, 61.0] and list(succeeded.get_ydata()) == [0, 1]
    assert list(expired.get_xdata()) == [31.0] * 8 and list(expired.get_ydata()) == list(range(2, 10))
    assert same_color(expired.get_color(), lp.PALETTE["event_age_exceeded"])
    # The age limit (enqueued at 0 + 60 s) is inside the view on every row.
    limits = artist(fig, "age_limits")
    assert list(limits.get_xdata()) == [60.0] * 10
    # Where each event went, in the column to the right; the first event is on top.
    fates = [t.get_text() for t in ax.texts if t.get_gid() == "fate_text"]
    assert fates == ["succeeded"] * 2 + ["age exceeded → orders-failed"] * 8
    assert ax.get_ylim()[0] > ax.get_ylim()[1]
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"#{i}" for i in range(10)]


def test_legend_explains_every_mark_used_and_only_those(throttling):
    labels = legend_labels(lp.timeline(throttling))
    assert labels == [
        "waiting in the queue (incl. backoff)", "execution: success", "throttled dispatch (backs off)",
        "age limit (MaximumEventAgeInSeconds)", "fate: succeeded", "fate: age exceeded",
    ]


def test_age_limit_outside_the_view_is_not_drawn(retried):
    assert "age_limits" not in gids(lp.timeline(retried))  # 6 h after a 60-s story


def test_failed_delivery_and_dropped_events_show_in_the_fate_column():
    result = ls.run(ls.Scenario.from_dict({
        "seed": 1,
        "functions": {"orders": {"Timeout": 900, "duration": {"dist": "constant", "value_s": 0.0},
                                 "failures": {"error_probability": 1.0},
                                 "EventInvokeConfig": {
                                     "MaximumRetryAttempts": 0,
                                     "DestinationConfig": {"OnFailure": {"Destination": FAILED}}},
                                 "DeadLetterConfig": {"TargetArn": DLQ}}},
        "targets": {FAILED: {"unavailable": [{"start_s": 5, "end_s": 100}]},
                    DLQ: {"unavailable": [{"start_s": 15, "end_s": 100}]}},
        "workloads": [{"function": "orders", "arrivals": "events",
                       "events": [{"at_s": t, "payload": {"at": t}} for t in (0, 10, 20)]}],
    }))
    assert result.events["lost"].tolist() == [False, False, True]
    fig = lp.timeline(result)
    fates = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "fate_text"]
    assert fates == ["retries exhausted → orders-failed · DLQ orders-dlq",
                     "retries exhausted → orders-failed ✗ · DLQ orders-dlq",
                     "retries exhausted → orders-failed ✗ · DLQ orders-dlq ✗, dropped"]
    assert "delivery to this target failed" in legend_labels(fig)


def test_pending_events_and_running_executions_at_a_horizon():
    scenario = one_function([Burst("orders", count=3)], reserved_concurrency=1, duration=Constant(30.0),
                            horizon_s=45.0)
    fig = lp.timeline(ls.run(scenario))
    (x0, x1, y), = boxes(artist(fig, "executions:running"))
    assert (y, x1) == (1.0, 45.0)
    pending = artist(fig, "fate:pending")
    assert list(pending.get_xdata()) == [45.0, 45.0] and list(pending.get_ydata()) == [1, 2]
    assert "fate: pending" in legend_labels(fig)


def test_duplicate_deliveries_are_drawn_apart():
    result = ls.run(one_function([events_at(0.0)], queue=QueueSettings(duplicate_probability=1.0)))
    fig = lp.timeline(result)
    assert len(boxes(artist(fig, "duplicates"))) == 1
    assert "duplicate delivery" in legend_labels(fig)


def test_duplicate_deliveries_are_drawn_over_the_fate_markers_under_their_row():
    # regression (issue 14): duplicate boxes sat at the row's centre under the fate markers (and
    # under the original execution when they overlapped it)
    result = ls.run(one_function([Burst("orders", count=3, at_s=0.0)],
                                 queue=QueueSettings(duplicate_probability=1.0)))
    fig = lp.timeline(result)
    duplicates = artist(fig, "duplicates")
    fate_markers = artist(fig, "fate:succeeded")
    assert duplicates.get_zorder() > fate_markers.get_zorder()
    bars = artist(fig, "executions:success")
    for dup, bar in zip(duplicates.get_paths(), bars.get_paths(), strict=True):
        dup_y, bar_y = dup.vertices[:, 1], bar.vertices[:, 1]
        row = round(bar_y.mean())
        assert dup_y.min() >= bar_y.max() - 1e-9  # under the execution bar, not behind it
        assert dup_y.max() < row + 0.5  # still inside its own row's slot
        assert abs(dup_y.mean() - row) > 0.3  # away from the fate marker at the row's centre
    assert fig.axes[0].get_ylim()[0] >= duplicates.get_paths()[-1].vertices[:, 1].max()  # last row: visible


def test_counts_in_titles_and_captions_agree_with_their_number():
    # regression (issue 14): "all 1 events"
    one = ls.run(one_function([events_at(0.0)]))
    assert lp.timeline(one).axes[0].get_title(loc="left") == "What happened to each event (the 1 event)"
    assert lp.caption_for(one).endswith(" · 1 event accepted")
    cost_texts = [t.get_text() for t in lp.cost(one).axes[0].texts]
    assert any("(1 request," in t for t in cost_texts) and not any("1 requests" in t for t in cost_texts)
    three = ls.run(one_function([events_at(0.0, 1.0, 2.0)]))
    assert lp.timeline(three).axes[0].get_title(loc="left").endswith("(all 3 events)")
    assert lp.timeline(three, first=1).axes[0].get_title(loc="left").endswith("(1 of 3 events)")
    assert lp.caption_for(three).endswith(" · 3 events accepted")


def test_the_aggregated_view_says_how_to_get_rows_back():
    # regression (issue 14): past max_rows the per-event rows were gone with no hint of sampling
    result = ls.run(one_function([Burst("orders", count=30)], reserved_concurrency=2, duration=Constant(1.0)))
    fig = lp.timeline(result, max_rows=10)
    top = fig.axes[0]
    assert top.get_title(loc="left") == ("Events by state over time (30 events: more than max_rows=10, "
                                         "so no row per event)")
    hint = artist(fig, "sampling_hint").get_text()
    for call in ("timeline(result, sample=10, seed=0)", "first=10", 'fate="retries_exhausted"', "max_rows"):
        assert call in hint
    assert "seed=)" not in hint  # regression: the seed argument was shown without a value
    fig.canvas.draw()  # the hint is on the figure, not cut off at its edges
    box = artist(fig, "sampling_hint").get_window_extent()
    width, height = fig.bbox.width, fig.bbox.height
    assert box.x0 >= 0 and box.x1 <= width and box.y0 >= 0 and box.y1 <= height
    # and the call it suggests draws rows
    sampled = lp.timeline(result, sample=10, max_rows=10)
    assert len(boxes(artist(sampled, "executions:success"))) == 10
    # states() drawn on its own has no timeline to send the reader to
    assert "sampling_hint" not in gids(lp.states(result))


@pytest.mark.parametrize("span, unit", [(20.0, "s"), (1500.0, "min"), (30000.0, "h")])
def test_time_axis_unit_follows_the_span(span, unit):
    result = ls.run(one_function([events_at(0.0, span)], duration=Constant(1.0)))
    fig = lp.timeline(result)
    ax = fig.axes[0]
    assert ax.get_xlabel() == f"virtual time ({unit})"
    fig.canvas.draw()
    ticks = [float(t.get_text().replace("−", "-")) for t in ax.get_xticklabels() if t.get_text()]
    factor = {"s": 1, "min": 60, "h": 3600}[unit]
    assert max(ticks) * factor == pytest.approx(span, rel=0.35)  # labels read in the unit, not in seconds


def test_time_units_and_durations_read_naturally():
    assert [time_unit(s)[0] for s in (0, 300, 301, 18000, 18001)] == ["s", "s", "min", "min", "h"]
    assert [format_duration(s) for s in (0.25, 60, 120, 300, 1800, 21600)] == [
        "250 ms", "60 s", "120 s", "300 s", "30 min", "6 h"]
    fig = Figure()
    ax = fig.add_subplot()
    ax.set_xlim(0, 7200)
    assert apply_time_axis(ax.xaxis, 7200) == "min"
    assert ax.xaxis.get_major_locator().tick_values(0, 7200)[1] % 60 == 0  # ticks on whole minutes


def test_more_events_than_max_rows_give_the_aggregated_view():
    result = ls.run(one_function([Burst("orders", count=30)], reserved_concurrency=2, duration=Constant(1.0)))
    fig = lp.timeline(result, max_rows=10)
    assert "Events by state" in fig.axes[0].get_title(loc="left")
    assert {"state:queued", "state:running", "state:succeeded", "state:pending"} <= gids(fig)
    times, counts = state_counts(result.attempts, result.events)
    total = sum(counts[s] for s in ("queued", "retry_wait", "running", "succeeded", "failed"))
    accepted = np.searchsorted(np.sort(result.events["enqueued_at"]), times, side="right")
    assert (total == accepted).all()
    assert counts["succeeded"][-1] == 30 and counts["running"].max() == 2
    # 30 rows fit when allowed.
    assert "executions:success" in gids(lp.timeline(result, max_rows=30))


def test_selection_by_first_sample_fate_and_ids(throttling):
    ev = throttling.events
    assert lp.select_events(throttling, first=3).index.tolist() == [0, 1, 2]
    picked = lp.select_events(throttling, sample=4, seed=2)
    assert len(picked) == 4 and picked.index.is_monotonic_increasing
    assert picked.index.tolist() == lp.select_events(throttling, sample=4, seed=2).index.tolist()
    assert lp.select_events(throttling, fate="succeeded").index.tolist() == [0, 1]
    by_id = lp.select_events(throttling, events=[ev["event_id"][3], ev["event_id"][5]])
    assert by_id.index.tolist() == [3, 5]
    assert lp.select_events(throttling, events=[9, 4]).index.tolist() == [4, 9]
    fig = lp.timeline(throttling, fate="event_age_exceeded", first=2)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["#2", "#3"]
    with pytest.raises(ValueError, match="fate must be one of"):
        lp.select_events(throttling, fate="lost")
    with pytest.raises(ValueError, match="no event with id"):
        lp.select_events(throttling, events=["nope"])
    with pytest.raises(ValueError, match="first or sample"):
        lp.select_events(throttling, first=1, sample=1)


def test_timeline_draws_on_a_given_axes_and_not_through_pyplot(throttling):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = Figure()
    ax = fig.add_subplot()
    assert lp.timeline(throttling, ax=ax) is fig
    for chart in (lp.timeline, lp.outcomes, lp.event_age, lp.concurrency, lp.cost):
        chart(throttling)
    assert plt.get_fignums() == before  # nothing left open in pyplot


def test_two_hundred_events_draw_one_artist_per_mark_kind():
    result = ls.run(one_function([Burst("orders", count=200)], reserved_concurrency=20,
                                 duration=Constant(2.0), max_age=60))
    fig = lp.timeline(result)
    ax = fig.axes[0]
    assert len(ax.collections) <= 8 and len(ax.lines) <= 8
    assert ax.get_legend() is not None and not [t for t in ax.texts if t.get_gid() == "fate_text"]


# -- outcomes, event age, load, cost ------------------------------------------------------------------


def test_outcomes_bars_count_fates_and_where_events_went(throttling):
    fig = lp.outcomes(throttling)
    ax = fig.axes[0]
    width = {p.get_gid(): p.get_width() for p in ax.patches if p.get_gid()}
    assert width["invokes:accepted"] == 10
    assert width["fates:fate:succeeded"] == 2 and width["fates:fate:event_age_exceeded"] == 8
    assert width["sent to:→ on-failure orders-failed"] == 8 and width["sent to:no_destination"] == 2
    bar = next(p for p in ax.patches if p.get_gid() == "fates:fate:event_age_exceeded")
    assert same_color(bar.get_facecolor(), lp.PALETTE["event_age_exceeded"])
    labels = legend_labels(fig)
    assert "age exceeded: 8 (80%)" in labels and "→ on-failure orders-failed: 8 (80%)" in labels


def test_outcomes_show_rejected_invokes_and_failed_deliveries():
    big = {"blob": "x" * 1_100_000}
    workload = Events("orders", (ScheduledEvent(1.0, big), ScheduledEvent(2.0, {}), ScheduledEvent(60.0, {})))
    scenario = ls.Scenario.from_dict({
        "seed": 1, "functions": {"orders": {
            "Timeout": 900, "duration": {"dist": "constant", "value_s": 0.0},
            "failures": {"error_probability": 1},
            "EventInvokeConfig": {"MaximumRetryAttempts": 0,
                                  "DestinationConfig": {"OnFailure": {"Destination": FAILED}}}}},
        "targets": {FAILED: {"unavailable": [{"start_s": 50, "end_s": 100}]}},
    }).replace(workloads=(workload,))
    result = ls.run(scenario)
    fig = lp.outcomes(result)
    width = {p.get_gid(): p.get_width() for p in fig.axes[0].patches if p.get_gid()}
    assert width["invokes:rejected:RequestEntityTooLargeException"] == 1 and width["invokes:accepted"] == 2
    assert width["sent to:→ on-failure orders-failed"] == 1
    failed = next(p for p in fig.axes[0].patches if p.get_gid() == "sent to:lost:✗ on-failure orders-failed")
    assert failed.get_width() == 1 and failed.get_hatch()
    assert "dropped: ✗ on-failure orders-failed failed: 1 (50%)" in legend_labels(fig)


def test_event_age_cdfs_reach_one_with_the_age_limit_line(throttling):
    fig = lp.event_age(throttling)
    resolution = artist(fig, "age:resolution")
    assert resolution.get_ydata()[-1] == 1.0 and max(resolution.get_xdata()) == 61.0
    assert artist(fig, "age:dispatch").get_ydata()[-1] == 1.0
    assert "age:throttle" in gids(fig)
    assert list(artist(fig, "max_age").get_xdata()) == [60.0, 60.0]
    assert "MaximumEventAgeInSeconds 60 s (orders)" in legend_labels(fig)


def test_event_age_limit_far_away_is_a_note(retried):
    fig = lp.event_age(retried)
    assert "max_age" not in gids(fig)
    assert any("off the chart" in t.get_text() and "6 h" in t.get_text() for t in fig.axes[0].texts)


def test_concurrency_in_flight_queue_depth_and_throttles(throttling):
    fig = lp.concurrency(throttling, period_s=10)
    top, middle, bottom = fig.axes[:3]
    in_flight = artist(fig, "in_flight:orders")
    assert max(in_flight.get_ydata()) == 1
    limit = artist(fig, "limit")
    assert list(limit.get_ydata()) == [1, 1] and "reserved concurrency 1" in limit.get_label()
    depth = artist(fig, "queue_depth:orders")
    x, y = np.asarray(depth.get_xdata()), np.asarray(depth.get_ydata())
    assert y[np.searchsorted(x, 0.5, side="right") - 1] == 9 and y[-1] == 0  # nine wait while one runs
    throttles = artist(fig, "throttles")
    assert throttles.get_data().values.sum() == 53 and list(throttles.get_data().edges[:2]) == [0, 10]
    assert top.get_shared_x_axes().joined(top, bottom)
    assert bottom.get_xlabel() == "virtual time (s)"


def test_unreserved_pool_far_above_the_peak_is_a_note(retried):
    fig = lp.concurrency(retried)
    assert "limit" not in gids(fig)
    assert any("unreserved pool limit 1,000" in t.get_text() for t in fig.axes[0].texts)


def test_without_throttles_the_axes_start_at_zero_and_the_note_is_clear_of_the_data():
    # regression (issue 14): the empty throttle axis read -0.05…0.05, and the "above the chart"
    # note sat on the in-flight line at the top of its panel
    result = ls.run(one_function([Burst("orders", count=5, at_s=0.0)]))
    fig = lp.concurrency(result)
    top, middle, bottom = fig.axes[:3]
    assert bottom.get_ylim() == (0.0, 1.0) and middle.get_ylim() == (0.0, 1.0)
    assert artist(fig, "no_throttles").get_text() == "no throttles"
    assert top.get_ylim()[0] == 0 and top.get_ylim()[1] > 5
    fig.canvas.draw()
    note = artist(fig, "limit_note")
    assert "unreserved pool limit 1,000" in note.get_text()
    peak_px = top.transData.transform((0, 5))[1]
    assert note.get_window_extent().y0 > peak_px  # the whole note above the highest line


def test_each_pool_limit_line_has_its_own_style_and_its_name_on_the_chart():
    # regression (issue 14): a reservation of 50 and an unreserved pool of 150 were identical
    # dashed lines, told apart only by the legend
    scenario = ls.Scenario(
        functions={"a": ls.FunctionConfig(reserved_concurrency=50, duration=Constant(2.0),
                                          cold_start=Constant(0.0)),
                   "b": ls.FunctionConfig(duration=Constant(2.0), cold_start=Constant(0.0))},
        workloads=(Burst("a", count=60, at_s=0.0), Burst("b", count=60, at_s=0.0)),
        account=ls.Account(concurrent_executions=200), seed=1)
    fig = lp.concurrency(ls.run(scenario))
    top = fig.axes[0]
    lines = [line for line in top.get_lines() if line.get_gid() == "limit"]
    assert [line.get_label() for line in lines] == ["a: reserved concurrency 50",
                                                     "unreserved pool limit 150 (account 200)"]
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    names = {t.get_text(): t.xy for t in top.texts if t.get_gid() == "limit_label"}
    assert set(names) == {"a reserved 50", "unreserved pool 150"}
    assert names["a reserved 50"][1] == 50 and names["unreserved pool 150"][1] == 150  # on its own line
    assert top.get_ylim()[1] > 150


def test_dense_concurrency_is_drawn_as_peak_and_mean():
    scenario = ls.Scenario.from_yaml(ROOT / "data" / "scenarios" / "steady.yaml")
    # The peak below was recorded without jitter.
    scenario = scenario.replace({"queue.retry_jitter_s": 0.0, "queue.throttle_jitter": 0.0})
    fig = lp.concurrency(ls.run(scenario))
    peak = artist(fig, "in_flight:orders")
    assert peak.get_data().values.max() == 10  # steady.yaml's recorded peak
    assert "in_flight:orders:mean" in gids(fig)  # 6,000 changes: peak and mean per period, not a line


def test_cloudwatch_one_panel_per_name_and_bad_names_refused(throttling):
    fig = lp.cloudwatch(throttling, ["Invocations", "Throttles", "Duration:p99"], period_s=10)
    assert len(fig.axes) == 3
    throttles = artist(fig, "metric:Throttles:Sum:orders")
    assert np.nansum(throttles.get_data().values) == 53
    assert "metric:Duration:p99:orders" in gids(fig)
    with pytest.raises(ValueError, match="Duration:p99"):
        lp.cloudwatch(throttling, ["Duration:p42"])


def test_cost_bars_per_function(throttling):
    fig = lp.cost(throttling)
    table = throttling.cost()
    requests = artist(fig, "cost:requests:orders")
    duration = artist(fig, "cost:duration:orders")
    assert requests.get_width() == pytest.approx(table["request_cost"][0])
    assert duration.get_x() == pytest.approx(requests.get_width())
    assert duration.get_width() == pytest.approx(table["duration_cost"][0])


def test_two_functions_get_a_line_each_and_named_rows():
    scenario = ls.Scenario.from_dict({"seed": 1, "functions": {
        "a": {"ReservedConcurrentExecutions": 2, "duration": {"dist": "constant", "value_s": 3}},
        "b": {"duration": {"dist": "constant", "value_s": 1}}}, "workloads": [
        {"function": "a", "arrivals": "burst", "count": 6, "at_s": 0},
        {"function": "b", "arrivals": "burst", "count": 4, "at_s": 2}]})
    result = ls.run(scenario)
    fig = lp.concurrency(result)
    assert max(artist(fig, "in_flight:a").get_ydata()) == 2
    assert max(artist(fig, "in_flight:b").get_ydata()) == 4
    labels = [t.get_text() for t in lp.timeline(result).axes[0].get_yticklabels()]
    assert labels[0] == "#0 a" and labels[-1] == "#9 b"
    assert {"cost:requests:a", "cost:requests:b", "cost:requests:(all)"} <= gids(lp.cost(result))


def test_a_run_without_events_still_charts(tmp_path):
    result = ls.run(one_function([]))
    paths = lp.export_run(result, tmp_path)
    assert len(paths) == 12 and all(p.stat().st_size for p in paths if p.suffix != ".csv")
    assert "no events to show" in [t.get_text() for t in lp.timeline(result).axes[0].texts]


def test_palette_is_okabe_ito_and_tells_outcomes_apart():
    outcomes = [lp.PALETTE[o] for o in ("success", "error", "timeout", "throttled", "expired", "running")]
    assert len({to_rgba(c) for c in outcomes}) == len(outcomes)
    assert set(outcomes) <= set(OKABE_ITO.values())
    assert all(lp.PALETTE[f] for f in ls.FATES)


# -- compare ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_configs(throttling):
    wider = ls.run(throttling.scenario.replace({"functions.orders.reserved_concurrency": 3}))
    return [throttling, wider]


@pytest.mark.parametrize("kind, n_axes", [("outcomes", 2), ("event_age", 2), ("concurrency", 6)])
def test_compare_draws_the_same_view_side_by_side_on_shared_axes(two_configs, kind, n_axes):
    fig = lp.compare(two_configs, ["reserved 1", "reserved 3"], kind=kind)
    axes = fig.axes[:n_axes]
    assert len([ax for ax in fig.axes if ax.has_data()]) == n_axes
    first, last = axes[0], axes[-1]
    assert first.get_shared_x_axes().joined(first, last)
    assert first.get_xlim() == last.get_xlim()
    titles = [ax.get_title(loc="left") for ax in axes]
    assert "reserved 1" in titles and "reserved 3" in titles
    if kind == "event_age":
        assert first.get_shared_y_axes().joined(first, last)


def test_compare_outcomes_labels_each_panel_with_its_own_counts():
    # regression (issue 14): the panels shared a y axis, and so its tick labels: a 3-event run was
    # labelled with the 10-event run's "invokes 10"
    small = ls.run(one_function([Burst("orders", count=3, at_s=0.0)]))
    large = ls.run(one_function([Burst("orders", count=10, at_s=0.0)]))
    fig = lp.compare([small, large], ["three", "ten"], kind="outcomes")
    first, second = fig.axes[:2]
    labels = [[t.get_text() for t in ax.get_yticklabels()] for ax in (first, second)]
    assert labels[0][0] == f"invokes\n{len(small.attempts):,}" and "3 accepted" in labels[0][1]
    assert labels[1][0] == f"invokes\n{len(large.attempts):,}" and "10 accepted" in labels[1][1]
    assert first.get_ylim() == second.get_ylim()


def overlaps(a, b):
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_compare_event_age_shows_a_short_run_beside_a_long_one_and_the_note_in_the_clear():
    # regression (issue 14): on a shared linear axis a run whose events were seconds old was a
    # vertical line at 0 beside one whose events were minutes old, and the "off the chart" note
    # hid behind each panel's legend
    short = ls.run(one_function([Burst("orders", count=5, at_s=0.0)], reserved_concurrency=1))
    long = ls.run(one_function([Burst("orders", count=20, at_s=0.0)], reserved_concurrency=1,
                               duration=Constant(1.0)))
    fig = lp.compare([short, long], ["short", "long"], kind="event_age")
    first, second = fig.axes[:2]
    assert first.get_shared_x_axes().joined(first, second)  # still one honest axis for both
    assert first.get_xlim() == second.get_xlim() and first.get_xscale() == second.get_xscale() == "symlog"
    assert first.get_xlabel() == "event age (log scale above 1 s)"
    resolution = next(line for line in first.get_lines() if line.get_gid() == "age:resolution")
    ages = np.asarray(resolution.get_xdata())
    median = float(np.median(ages[np.isfinite(ages)]))
    longest = float((long.events["resolved_at"] - long.events["enqueued_at"]).max())
    assert median < 3 and max(ages) * 5 < longest
    to_axes = first.transAxes.inverted()
    where = to_axes.transform(first.transData.transform((median, 0)))[0]
    assert where > 0.15 and where > 10 * median / first.get_xlim()[1]  # a linear axis put it at 1.5 %
    fig.canvas.draw()
    notes = [t for ax in fig.axes[:2] for t in ax.texts if t.get_gid() == "far_limit_note"]
    assert len(notes) == 2 and all("6 h" in t.get_text() for t in notes)
    legends = [lg.get_window_extent() for lg in fig.legends] + [
        ax.get_legend().get_window_extent() for ax in fig.axes if ax.get_legend()]
    assert legends and not any(overlaps(t.get_window_extent(), lg) for t in notes for lg in legends)
    for ax in fig.axes[:2]:  # above the data (on a log axis a curve may start anywhere along the bottom)
        note = next(t for t in ax.texts if t.get_gid() == "far_limit_note")
        assert note.get_window_extent().y0 >= ax.get_window_extent().y1
        left_title = ax._left_title  # matplotlib's Text of set_title(loc="left"); no public getter
        assert not overlaps(note.get_window_extent(), left_title.get_window_extent())


def test_compare_draws_one_legend_for_the_figure(two_configs):
    # regression (issue 14): notebook 09's four panels repeated the same legend four times
    results = two_configs + two_configs
    for kind in ("event_age", "concurrency"):
        fig = lp.compare(results, ["a", "b", "c", "d"], kind=kind)
        assert not any(ax.get_legend() for ax in fig.axes)
        assert len(fig.legends) == 1
        labels = [t.get_text() for t in fig.legends[0].get_texts()]
        assert len(labels) == len(set(labels))
    assert labels[:1] == ["executions in flight"]
    assert "reserved concurrency 1" in " ".join(labels) and "reserved concurrency 3" in " ".join(labels)
    age = lp.compare(results, ["a", "b", "c", "d"], kind="event_age")
    assert [t.get_text() for t in age.legends[0].get_texts()] == [
        "at each execution's dispatch", "at each throttled dispatch", "at resolution (its fate)",
        "MaximumEventAgeInSeconds"]
    names = [t.get_text() for ax in age.axes for t in ax.texts if t.get_gid() == "max_age_label"]
    assert names == ["60 s"] * 4  # each limit named on its line, not in the shared legend


def test_compare_concurrency_keeps_each_panels_limit_line_in_its_range():
    # regression (issue 14): the row's shared y axis was fixed by the first panel, so a second
    # panel's "reserved 5" above the first's peak was clipped and its limit line never showed
    runs = [ls.run(one_function([Burst("orders", count=20, at_s=0.0)], reserved_concurrency=r,
                                duration=Constant(1.0))) for r in (2, 5)]
    fig = lp.compare(runs, ["reserved 2", "reserved 5"], kind="concurrency")
    top_row = fig.axes[:2]  # the grid's axes run row by row
    assert all(ax.get_title(loc="left").startswith("reserved") for ax in top_row)
    for ax, level in zip(top_row, (2, 5), strict=True):
        limit = next(line for line in ax.get_lines() if line.get_gid() == "limit")
        assert np.nanmax(limit.get_ydata()) == level
        low, high = ax.get_ylim()
        assert low == 0 and level < high  # inside the visible range, with room above
    assert top_row[0].get_shared_y_axes().joined(*top_row) and top_row[0].get_ylim() == top_row[1].get_ylim()


def test_compare_refuses_bad_kinds_and_labels(two_configs):
    with pytest.raises(ValueError, match="outcomes, event_age, concurrency"):
        lp.compare(two_configs, ["a", "b"], kind="pie")
    with pytest.raises(ValueError, match="2 labels"):
        lp.compare(two_configs + two_configs[:1], ["a", "b"])


# -- save_figure and export_run ---------------------------------------------------------------------


@pytest.mark.slow
def test_save_figure_png_svg_pdf_by_extension(throttling, tmp_path):
    fig = lp.timeline(throttling)
    n_texts = len(fig.texts)
    caption = lp.caption_for(throttling)
    png = lp.save_figure(fig, tmp_path / "t.png", dpi=80, caption=caption)
    svg = lp.save_figure(fig, tmp_path / "sub" / "t.svg")
    pdf = lp.save_figure(fig, tmp_path / "t.PDF")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = matplotlib.image.imread(png)
    assert image.ndim == 3 and image.shape[0] > 200 and image.std() > 0.05  # not blank
    assert ET.parse(svg).getroot().tag.endswith("svg")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert min(p.stat().st_size for p in (png, svg, pdf)) > 10_000
    assert len(fig.texts) == n_texts  # the caption does not stay on the figure
    bigger = lp.save_figure(fig, tmp_path / "t2.png", dpi=160)
    assert matplotlib.image.imread(bigger).shape[0] > image.shape[0]


def test_caption_makes_the_image_taller_and_names_the_configuration(throttling, tmp_path):
    fig = lp.outcomes(throttling)
    plain = matplotlib.image.imread(lp.save_figure(fig, tmp_path / "a.png", dpi=60))
    captioned = matplotlib.image.imread(lp.save_figure(fig, tmp_path / "b.png", dpi=60, caption="x\ny"))
    assert captioned.shape[0] > plain.shape[0]
    caption = lp.caption_for(throttling)
    for part in ("orders: retries 2", "max age 60 s", "reserved concurrency 1", "dispatch aws", "seed 1"):
        assert part in caption


@pytest.mark.parametrize("name", ["chart.jpg", "chart", "chart.png.txt"])
def test_save_figure_refuses_unknown_extensions(throttling, tmp_path, name):
    with pytest.raises(ValueError, match=r"\.png, \.svg, \.pdf") as error:
        lp.save_figure(lp.outcomes(throttling), tmp_path / name)
    assert Path(name).suffix or "(none)" in str(error.value)
    assert not (tmp_path / name).exists()


@pytest.mark.slow
def test_export_run_writes_the_chart_set_and_the_tables(throttling, tmp_path):
    paths = lp.export_run(throttling, tmp_path / "run")
    names = [p.name for p in paths]
    for stem in ("timeline", "outcomes", "event_age", "concurrency"):
        assert f"{stem}.png" in names and f"{stem}.svg" in names
    for table in ("attempts", "events", "deliveries"):
        assert f"{table}.csv" in names
        frame = pd.read_csv(tmp_path / "run" / f"{table}.csv")
        assert len(frame) == len(getattr(throttling, table))
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)


# -- command line -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_run_prints_the_result_and_a_summary_and_exports(tmp_path, capsys):
    assert cli.main(["run", str(THROTTLING), "--export", str(tmp_path / "out"), "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "<Result 10 accepted" in out
    assert any(line.split() == ["accepted", "10"] for line in out.splitlines())
    assert (tmp_path / "out" / "timeline.png").exists() and (tmp_path / "out" / "events.csv").exists()


def test_cli_horizon_and_errors(tmp_path, capsys):
    assert cli.main(["run", str(THROTTLING), "--horizon", "20"]) == 0
    assert "(horizon)" in capsys.readouterr().out
    assert cli.main(["run", str(tmp_path / "missing.yaml")]) == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.slow
def test_python_m_lambdasim_figures_writes_the_readme_timeline(tmp_path):
    done = subprocess.run([sys.executable, "-m", "lambdasim", "figures", str(tmp_path)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "MPLBACKEND": "Agg"})
    assert done.returncode == 0, done.stderr
    png = tmp_path / "timeline.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "timeline.png" in done.stdout
    assert matplotlib.image.imread(png).shape[1] > 1000
