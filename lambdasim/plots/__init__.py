"""Charts of a run, drawn from its record frames (they never simulate or compute), and their export.

    import lambdasim as ls
    import lambdasim.plots as lp

    result = ls.run(ls.Scenario.from_yaml("data/scenarios/throttling.yaml"))
    fig = lp.timeline(result)             # one row per event: attempts, throttles, retries, fate
    lp.outcomes(result)                   # invokes → fates → where the events went
    lp.event_age(result)                  # CDF of event age, with MaximumEventAgeInSeconds
    lp.concurrency(result)                # in flight vs the limit, queue depth, throttles
    lp.cloudwatch(result, ["Invocations", "Duration:p99"])   # CloudWatch-like metrics per period
    lp.message_life(result, queue=queue_arn)   # SQS: one row per message, receives to delete or DLQ
    lp.compare([a, b], ["retries 2", "retries 0"], kind="event_age")
    lp.save_figure(fig, "timeline.png", caption=lp.caption_for(result))   # one chart, one file
    lp.export_run(result, "exports/run1") # the run: its chart set and its record tables
    lp.sweep_chart(ls.confidence(runs))   # a sweep: each measure's mean and interval per configuration

Every function returns a :class:`matplotlib.figure.Figure` built outside pyplot (nothing to close,
shown once when a notebook cell returns it, by its own ``_repr_png_``: importing this package
registers nothing in IPython, so other figures show as the kernel's matplotlib set-up decides) and
never calls ``plt.show()``. One colour-blind-safe palette (:data:`PALETTE`, Okabe–Ito) colours
outcomes and fates in every chart. The numbers a chart
draws come from :mod:`lambdasim.results` (``series``, ``ages``, ``metrics``); the charts only draw.
"""

from lambdasim.plots.age_chart import event_age
from lambdasim.plots.compare_chart import compare
from lambdasim.plots.export import caption_for, export_run, save_figure
from lambdasim.plots.interval_chart import export_sweep, sweep_chart
from lambdasim.plots.load_charts import cloudwatch, concurrency, cost
from lambdasim.plots.message_life_chart import message_life
from lambdasim.plots.outcomes_chart import outcomes
from lambdasim.plots.states_chart import states
from lambdasim.plots.style import PALETTE
from lambdasim.plots.timeline_chart import select_events, timeline

__all__ = [
    "PALETTE",
    "caption_for",
    "cloudwatch",
    "compare",
    "concurrency",
    "cost",
    "event_age",
    "export_run",
    "export_sweep",
    "message_life",
    "outcomes",
    "save_figure",
    "select_events",
    "states",
    "sweep_chart",
    "timeline",
]
