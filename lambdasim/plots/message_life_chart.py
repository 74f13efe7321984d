"""A message's life in an SQS queue: one row per message, from ``result.queue_ops``.

Each row shows what happened to one message (docs/aws-behaviour.md §7 and §19): its send, each
receive (labelled with its ``ApproximateReceiveCount``), the span it was in flight (invisible)
until it was deleted or became visible again, the instant it became visible again, its delete,
its move to the dead-letter queue and its move back. The time a message spent in the DLQ is a
dotted line. The chart only draws: every mark is a row of ``queue_ops`` at that row's ``at``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from lambdasim.model.errors import invalid_value
from lambdasim.plots.style import (
    OKABE_ITO,
    PALETTE,
    apply_time_axis,
    check_result,
    count_of,
    legend,
    new_figure,
    target_name,
)

__all__ = ["message_life", "MAX_MESSAGES", "MARKS"]

#: More messages than this are not readable one row each: the chart shows the first ones (by first
#: send) and says so in its title.
MAX_MESSAGES = 40

#: The op of a queue_ops row → (label, marker, colour) of its mark.
MARKS = {
    "send": ("sent", "o", OKABE_ITO["grey"]),
    "receive": ("received (count)", ">", OKABE_ITO["blue"]),
    "visible_again": ("visible again", "|", OKABE_ITO["orange"]),
    "delete": ("deleted", "X", PALETTE["success"]),
    "dead_letter": ("moved to the DLQ", "v", PALETTE["failed"]),
    "moved_in": ("moved back", "^", OKABE_ITO["reddish_purple"]),
}
# Ops that end a receive's in-flight span when they come before its visibility timeout.
_ENDS_FLIGHT = ("delete", "visible_again", "visibility_changed", "dead_letter", "retention_expired", "purged")


def message_life(result: Any, queue: str, messages: list[str] | None = None, ax: Any = None) -> Any:
    """One row per message of ``queue`` (its ARN): sends, receives, in-flight spans, deletes, DLQ moves.

    ``messages``: the message ids to draw (in that order), or None for the queue's messages in the
    order of their first send, at most :data:`MAX_MESSAGES` of them (the title then says how many
    of how many). A message's rows in other queues (its stay in the DLQ) are drawn on its row.
    Every mark kind is one artist with ``gid`` ``mark:<op>`` (ops in :data:`MARKS`); the in-flight
    spans are ``gid`` ``in_flight``. Returns the Figure.
    """
    check_result(result)
    ops = result.queue_ops
    queue = str(queue)
    own = ops[ops["queue"].astype(str) == queue] if len(ops) else ops
    if own.empty:
        queues = sorted(set(ops["queue"].astype(str))) if len(ops) else []
        raise invalid_value("queue", queue, "the ARN of a queue with messages in this run: "
                            + (", ".join(queues) or "none"))
    every = list(dict.fromkeys(own["message_id"].astype(str)))
    if messages is None:
        chosen = every[:MAX_MESSAGES]
    else:
        chosen = [str(m) for m in messages]
        unknown = [m for m in chosen if m not in set(every)]
        if unknown:
            raise invalid_value("messages", unknown[0], f"message ids of {target_name(queue)} in this run")
    rows = {message: i for i, message in enumerate(chosen)}
    mine = ops[ops["message_id"].astype(str).isin(rows)]
    ids = mine["message_id"].astype(str).to_numpy()
    at = mine["at"].to_numpy(float)
    op = mine["op"].astype(str).to_numpy()
    count = mine["receive_count"].to_numpy()
    visible_at = mine["visible_at"].to_numpy(float)
    y = np.array([rows[m] for m in ids], dtype=float)
    end = float(result.stats.get("ended_at", np.nan))
    if not np.isfinite(end):
        end = float(np.nanmax(at)) if len(at) else 0.0

    if ax is None:
        fig = new_figure(11.0, max(2.5, 1.6 + 0.28 * len(chosen)))
        ax = fig.subplots()
    handles = []
    # In flight: from each receive to the next op that ends it (or its visibility timeout).
    spans = []
    for i in np.flatnonzero(op == "receive"):
        later = [j for j in range(i + 1, len(op)) if ids[j] == ids[i] and op[j] in _ENDS_FLIGHT]
        stop = at[later[0]] if later else min(visible_at[i], end)
        spans.append((y[i], at[i], stop))
    if spans:
        ax.hlines([s[0] for s in spans], [s[1] for s in spans], [s[2] for s in spans],
                  colors=OKABE_ITO["sky_blue"], linewidth=6, alpha=0.6, gid="in_flight")
        handles.append(Patch(color=OKABE_ITO["sky_blue"], alpha=0.6, label="in flight (invisible)"))
    # In the DLQ: from the move there to the move back (or the end of the run).
    for i in np.flatnonzero(op == "dead_lettered"):
        back = [j for j in range(i + 1, len(op)) if ids[j] == ids[i] and op[j] == "moved_back"]
        ax.hlines(y[i], at[i], at[back[0]] if back else end, colors=PALETTE["failed"],
                  linestyles=":", linewidth=1.5, gid="in_dlq")
    if (op == "dead_lettered").any():
        handles.append(Line2D([], [], color=PALETTE["failed"], linestyle=":", label="in the DLQ"))
    for name, (label, marker, colour) in MARKS.items():
        hit = op == name
        if not hit.any():
            continue
        ax.scatter(at[hit], y[hit], marker=marker, s=60, color=colour, zorder=3, gid=f"mark:{name}")
        handles.append(Line2D([], [], marker=marker, color=colour, linestyle="", label=label))
    for i in np.flatnonzero(op == "receive"):
        ax.annotate(str(int(count[i])), (at[i], y[i]), xytext=(0, 6), textcoords="offset points",
                    ha="center", fontsize=7, gid="receive_count")

    ax.set_yticks(range(len(chosen)), [m[:8] for m in chosen], fontsize=7)
    ax.set_ylim(len(chosen) - 0.5, -0.5)
    ax.set_ylabel("message (id)")
    ax.set_xlim(0, max(end, 1.0) * 1.02)
    apply_time_axis(ax.xaxis, max(end, 1.0))
    if len(chosen) == len(every):
        shown = ""
    elif messages is None:
        shown = f" (first {len(chosen)} of {count_of(len(every), 'message')})"
    else:
        shown = f" ({len(chosen)} chosen of {count_of(len(every), 'message')})"
    ax.set_title(f"The life of each message in {target_name(queue)}{shown}")
    ax.grid(axis="x", alpha=0.3)
    legend(ax, handles)
    return ax.figure
