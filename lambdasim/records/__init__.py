"""What a run writes: the record schemas, the columnar recorder, the request ids and message bodies.

Below the engine (it writes here) and free of pandas: :mod:`lambdasim.results` builds the frames.
"""

from lambdasim.records.recorder import Recorder
from lambdasim.records.request_ids import RequestIds
from lambdasim.records.schema import (
    ATTEMPT_COLUMNS,
    DELIVERY_COLUMNS,
    EVENT_COLUMNS,
    FAILED_FATES,
    FATES,
    FUNCTION_COLUMNS,
    KINDS,
    OUTCOMES,
    REJECTED_COLUMNS,
)

__all__ = [
    "ATTEMPT_COLUMNS",
    "DELIVERY_COLUMNS",
    "EVENT_COLUMNS",
    "FAILED_FATES",
    "FATES",
    "FUNCTION_COLUMNS",
    "KINDS",
    "OUTCOMES",
    "REJECTED_COLUMNS",
    "Recorder",
    "RequestIds",
]
