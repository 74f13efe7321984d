"""Where the events ended: invokes → fates → targets, as stacked bars with counts and percentages.

Three bars, read top to bottom:

- **invokes**: accepted (queued, answered 202) and rejected before anything was queued (payload
  too large, unknown function, …), by error code; percentages of all invokes;
- **fates** of the accepted events (succeeded, retries exhausted, age exceeded, …);
- **sent to**: where each accepted event went: its destination or DLQ (one segment per
  combination, e.g. ``→ on-failure orders-failed + → DLQ orders-dlq``), hatched when a delivery
  failed (``deliveries.ok`` false: ``✗ on-failure orders-failed``), black when nothing received a
  failed event (dropped: ``lost``), pale green for succeeded events with no on-success
  destination, grey for pending events.

Percentages in the last two bars are of the accepted events (both bars add up to them).
Segments too narrow for their label are explained by the legend, which always carries the count
and the percentage.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Patch

from lambdasim.plots.style import (
    FATE_LABELS,
    PALETTE,
    check_result,
    fate_colour,
    figure_and_axes,
    legend,
    target_name,
)
from lambdasim.records import FATES
from lambdasim.results.deliveries import delivery_combinations

__all__ = ["outcomes", "draw_outcomes", "outcome_segments"]

_ROWS = ("invokes", "fates", "sent to")
_CHANNEL_LABELS = {"on_success": "on-success", "on_failure": "on-failure", "dlq": "DLQ"}


def outcome_segments(result: Any) -> dict[str, list[dict]]:
    """The segments of each bar: ``{row: [{key, label, count, colour, hatch}, ...]}``."""
    events, rejected, deliveries = result.events, result.rejected, result.deliveries
    accepted = len(events)
    rows: dict[str, list[dict]] = {row: [] for row in _ROWS}
    rows["invokes"].append(_segment("accepted", "accepted", accepted, "#5A5A5A"))
    if rejected is not None and len(rejected):
        for code, n in rejected["error_code"].value_counts().items():
            rows["invokes"].append(_segment(f"rejected:{code}", f"rejected: {code}", n, PALETTE["rejected"],
                                            "//"))
    fates = events["fate"].astype(str).value_counts()
    for fate in FATES:
        if fates.get(fate, 0):
            rows["fates"].append(_segment(f"fate:{fate}", FATE_LABELS[fate], fates[fate], fate_colour(fate)))
    rows["sent to"] = _destinations(events, deliveries)
    return rows


def _destinations(events: Any, deliveries: Any) -> list[dict]:
    """One segment per way the events ended up (:func:`~lambdasim.results.deliveries.delivery_combinations`):
    each combination of deliveries, then the events with none (succeeded or dropped), pending last."""
    table = delivery_combinations(events, deliveries)
    combos: dict[tuple, dict[str, int]] = {}
    for used, resolved, n in table.itertuples(index=False):
        if resolved != "pending":
            combos.setdefault(used, {})[resolved] = n
    segments = []
    for used, counts in combos.items():
        if not used:
            for key, label, colour, resolved in (
                    ("no_destination", "succeeded, no on-success destination", PALETTE["no_destination"],
                     "succeeded"),
                    ("lost", "dropped: nothing configured to receive it", PALETTE["lost"], "failed")):
                if counts.get(resolved):
                    segments.append(_segment(key, label, counts[resolved], colour))
            continue
        n = sum(counts.values())
        tokens = [f"{'→' if ok else '✗'} {_CHANNEL_LABELS[ch]} {target_name(arn)}" for ch, arn, ok in used]
        good = [k for k in used if k[2]]
        label = " + ".join(tokens)
        if not good:
            segments.append(_segment("lost:" + label, f"dropped: {label} failed", n, PALETTE["lost"], "xxx",
                                     edge=PALETTE[used[0][0]]))
        else:
            failed = len(good) < len(used)
            segments.append(_segment(label, label + (" (a delivery failed)" if failed else ""), n,
                                     PALETTE[good[0][0]], "xxx" if failed else None))
    pending = int(table.loc[(table["resolved"] == "pending").to_numpy(), "events"].sum())
    if pending:
        segments.append(_segment("pending", "pending", pending, PALETTE["pending"]))
    return segments


def _segment(key: str, label: str, count: int, colour: str, hatch: str | None = None,
             edge: str = "white") -> dict:
    return {"key": key, "label": label, "count": int(count), "colour": colour, "hatch": hatch, "edge": edge}


def _percent(count: int, total: int) -> str:
    p = 100.0 * count / total if total else 0.0
    return f"{p:.0f}%" if p >= 10 or p == 0 else f"{p:.1f}%"


def _fitting(segment: dict, total: int, width_in: float) -> str | None:
    """The label that fits inside a segment ``width_in`` inches wide: name and count, count, or none."""
    count = f"{segment['count']:,} ({_percent(segment['count'], total)})"
    chars = width_in / 0.066  # about one 8-pt character per 0.066 in
    if len(segment["label"]) + 1 <= chars:
        return f"{segment['label']}\n{count}"
    return count if len(count) + 1 <= chars else None


def _ink(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour``."""
    r, g, b = to_rgb(colour)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def draw_outcomes(ax: Any, result: Any, labels: bool = True) -> list:
    """Draw the three bars on ``ax``; return the legend handles (one per segment, with counts)."""
    rows = outcome_segments(result)
    accepted = len(result.events)
    invokes = sum(s["count"] for s in rows["invokes"])
    widest = max([sum(s["count"] for s in segs) for segs in rows.values()] + [1])
    handles = []
    width_in = ax.get_position().width * ax.figure.get_figwidth() * 0.9  # about: the layout may shrink it
    for y, (row, segments) in enumerate(rows.items()):
        total = invokes if row == "invokes" else accepted
        left = 0
        for s in segments:
            bar = ax.barh(y, s["count"], left=left, height=0.62, color=s["colour"], edgecolor=s["edge"],
                          hatch=s["hatch"], linewidth=0.8, gid=f"{row}:{s['key']}")[0]
            text = f"{s['label']}: {s['count']:,} ({_percent(s['count'], total)})"
            handles.append(Patch(facecolor=s["colour"], edgecolor=s["edge"], hatch=s["hatch"], label=text))
            bar.set_label(text)
            inside = _fitting(s, total, s["count"] / widest * width_in) if labels else None
            if inside:
                ink = "black" if s["hatch"] else _ink(s["colour"])
                ax.text(left + s["count"] / 2, y, inside, ha="center", va="center", fontsize=8, color=ink,
                        bbox={"facecolor": "white", "alpha": 0.8, "lw": 0, "pad": 1} if s["hatch"] else None)
            left += s["count"]
        if not segments:
            ax.text(0, y, "  none", va="center", fontsize=8, color="#777777")
    ax.set_yticks(np.arange(len(rows)), [_row_label(r, rows, accepted, invokes) for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, widest * 1.02)
    ax.set_xlabel("events")
    ax.grid(axis="x", color="#E5E5E5", lw=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return handles


def _row_label(row: str, rows: dict, accepted: int, invokes: int) -> str:
    if row == "invokes":
        return f"invokes\n{invokes:,}"
    if row == "fates":
        return f"fates of the\n{accepted:,} accepted"
    return f"where the\n{accepted:,} went"


def outcomes(result: Any, ax: Any = None) -> Any:
    """Where the events ended: invokes → fates → targets, with counts and percentages.

    Every segment is one bar artist whose ``gid`` is ``<row>:<key>`` (rows ``invokes``, ``fates``,
    ``sent to``; keys such as ``accepted``, ``fate:succeeded``, ``→ on-failure orders-failed``,
    ``lost``, ``lost:✗ on-failure orders-failed``, ``no_destination``, ``pending``). Returns the Figure.
    """
    check_result(result)
    fig, ax, owned = figure_and_axes(ax, 10.0, 4.6)
    handles = draw_outcomes(ax, result)
    ax.set_title("Where the events ended", loc="left", fontsize=11)
    legend(ax, handles, below=owned, ncols=3)
    return fig
