"""The SQS queues' CloudWatch metrics, from the ``queue_ops`` table.

CloudWatch publishes per queue (SQS developer guide, "Available CloudWatch metrics for Amazon SQS"):
``NumberOfMessagesSent``, ``NumberOfMessagesReceived``, ``NumberOfMessagesDeleted`` (sums over the
period), and ``ApproximateNumberOfMessagesVisible``, ``ApproximateNumberOfMessagesNotVisible``,
``ApproximateNumberOfMessagesDelayed`` and ``ApproximateAgeOfOldestMessage`` (samples; here, the
state at the end of each period). As AWS documents, a message the redrive policy moves to a DLQ is
not counted in the DLQ's ``NumberOfMessagesSent``; lambdasim counts neither those nor the messages a
move task brings back, nor a FIFO send dropped as a duplicate (our reading: none was "added" by a
send). The age is measured from when the message came into that queue (lambdasim's choice).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from lambdasim.model.errors import invalid_value

__all__ = ["queue_metrics", "QUEUE_METRICS"]

QUEUE_METRICS = (
    "NumberOfMessagesSent",
    "NumberOfMessagesReceived",
    "NumberOfMessagesDeleted",
    "ApproximateNumberOfMessagesVisible",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "ApproximateAgeOfOldestMessage",
)
_COUNTED = {
    "send": "NumberOfMessagesSent",
    "receive": "NumberOfMessagesReceived",
    "delete": "NumberOfMessagesDeleted",
}
_ARRIVE = frozenset({"send", "dead_lettered", "moved_in"})
_LEAVE = frozenset({"delete", "retention_expired", "dead_letter", "moved_back", "purged"})


def queue_metrics(queue_ops: pd.DataFrame, period_s: float = 60, until: float | None = None) -> pd.DataFrame:
    """One row per (period, queue, metric): ``period_start``, ``queue``, ``metric``, ``value``.

    Periods run from 0 to ``until`` (default: the last op), ``period_s`` long; the sampled metrics
    are the queue's state at each period's end (or at ``until`` for the last one).
    """
    if not (
        isinstance(period_s, (int, float))
        and not isinstance(period_s, bool)
        and math.isfinite(period_s)
        and period_s > 0
    ):
        raise invalid_value("period_s", period_s, "a finite number of seconds > 0")
    columns = ["period_start", "queue", "metric", "value"]
    if queue_ops is None or queue_ops.empty:
        return pd.DataFrame(columns=columns)
    end = float(queue_ops["at"].max()) if until is None else max(float(until), float(queue_ops["at"].max()))
    n_periods = max(1, math.ceil(end / period_s)) if end > 0 else 1
    rows = []
    for queue, ops in queue_ops.groupby("queue", observed=True, sort=True):
        at, op = ops["at"].to_numpy(), ops["op"].astype(str).to_numpy()
        message, visible = ops["message_id"].to_numpy(), ops["visible_at"].to_numpy()
        held: dict[str, list] = {}  # message id -> [arrived_at, visible_at, received]
        i, n = 0, len(ops)
        for p in range(n_periods):
            start, stop = (
                p * period_s,
                min((p + 1) * period_s, end) if p == n_periods - 1 else (p + 1) * period_s,
            )
            sums = dict.fromkeys(_COUNTED.values(), 0)
            while i < n and (at[i] < stop or (p == n_periods - 1 and at[i] <= stop)):
                kind, key = op[i], message[i]
                if kind in _COUNTED:
                    sums[_COUNTED[kind]] += 1
                if kind in _ARRIVE:
                    held[key] = [at[i], visible[i], False]
                elif kind in _LEAVE:
                    held.pop(key, None)
                elif kind in ("receive", "visibility_changed") and key in held:
                    held[key][1], held[key][2] = visible[i], True
                i += 1
            sampled = {
                "ApproximateNumberOfMessagesVisible": sum(1 for h in held.values() if h[1] <= stop),
                "ApproximateNumberOfMessagesNotVisible": sum(
                    1 for h in held.values() if h[1] > stop and h[2]
                ),
                "ApproximateNumberOfMessagesDelayed": sum(
                    1 for h in held.values() if h[1] > stop and not h[2]
                ),
                "ApproximateAgeOfOldestMessage": max((stop - h[0] for h in held.values()), default=0.0),
            }
            for metric, value in {**sums, **sampled}.items():
                rows.append((start, queue, metric, float(value)))
    frame = pd.DataFrame(rows, columns=columns)
    frame["metric"] = pd.Categorical(frame["metric"], categories=list(QUEUE_METRICS))
    return (
        frame.sort_values(["period_start", "queue", "metric"], kind="stable")
        .reset_index(drop=True)
        .astype({"value": np.float64})
    )
