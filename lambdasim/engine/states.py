"""The states of an async event in the queue (the diagram is in :mod:`lambdasim.engine.queue`)."""

__all__ = ["QUEUED", "WAITING", "RUNNING", "RESOLVED"]

#: In the queue: just accepted, or due again after a throttle backoff or a retry delay.
QUEUED = 0
#: In an ``ideal`` pool's FIFO, waiting for a free slot.
WAITING = 1
#: Executing.
RUNNING = 2
#: Its fate is decided; its ``events`` row is written.
RESOLVED = 3
