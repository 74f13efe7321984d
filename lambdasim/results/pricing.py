"""AWS Lambda prices for :func:`lambdasim.results.cost.cost` (docs/aws-behaviour.md §17), kept as data, once.

The figures are us-east-1, first pricing tier (the tier discounts above 6 B GB-s a month for x86_64
and 7.5 B GB-s for arm64 are not modelled). **Prices change**: this module is the one place to update
them; check https://aws.amazon.com/lambda/pricing/ before relying on a number.

- Requests: $0.20 per million.
- Duration, per GB-second: x86_64 $0.0000166667, arm64 $0.0000133334. Billed duration is rounded
  up to 1 ms and includes INIT (since 1 Aug 2025); the engine's ``billed_ms`` already does both.
- Free tier, per month and account: 1,000,000 requests and 400,000 GB-s (both architectures together).
- Provisioned concurrency, per GB-second configured (memory × count × time configured, "calculated
  from the time you enable it on your function until it is disabled, rounded up to the nearest five
  minutes"): x86_64 $0.0000041667, arm64 $0.0000033334; executions on provisioned environments are
  billed duration at a lower rate, per GB-second: x86_64 $0.0000097222, arm64 $0.0000077778; requests
  at the normal rate; executions beyond the configured concurrency "at the rate outlined in the AWS
  Lambda Pricing section" (on demand); "The Lambda free tier does not apply to functions that have
  Provisioned Concurrency enabled". Source: https://aws.amazon.com/lambda/pricing/ ("Provisioned
  Concurrency Pricing", US East (N. Virginia)): the rules are quoted from its text; its rate tables
  are rendered by script, so the four dollar figures could not be read from a stored copy of it and
  come from secondary sources that quote it (e.g. awsnegotiations.com's "Lambda Provisioned
  Concurrency" cost guide: ~$0.0000041667 and arm64 ~$0.0000033334 per GB-s configured, ~$0.0000097222
  per GB-s of duration on x86). Check the page before relying on them.
- Asynchronous payloads over 256 KB: 1 request plus 1 per additional 64 KB chunk, up to the 1 MB
  limit (KB = 1,024 bytes): 300 KB is billed as 2 requests, 1,024 KB as 13.
"""

from __future__ import annotations

import numpy as np

from lambdasim.model.rules import ASYNC_PAYLOAD_LIMIT

__all__ = [
    "REGION",
    "PRICE_PER_REQUEST",
    "PRICE_PER_GB_SECOND",
    "PROVISIONED_PER_GB_SECOND",
    "PROVISIONED_DURATION_PER_GB_SECOND",
    "PROVISIONED_BILLING_INCREMENT_S",
    "FREE_REQUESTS",
    "FREE_GB_SECONDS",
    "KB",
    "PAYLOAD_INCLUDED_BYTES",
    "PAYLOAD_CHUNK_BYTES",
    "PAYLOAD_MAX_BYTES",
    "requests_for_payload",
]

#: The region the prices below belong to.
REGION = "us-east-1"
#: USD per request: $0.20 per million.
PRICE_PER_REQUEST = 0.20 / 1_000_000
#: USD per GB-second of billed duration, by ``FunctionConfig.architecture`` (first tier).
PRICE_PER_GB_SECOND = {"x86_64": 0.0000166667, "arm64": 0.0000133334}
#: USD per GB-second of provisioned concurrency configured, by architecture.
PROVISIONED_PER_GB_SECOND = {"x86_64": 0.0000041667, "arm64": 0.0000033334}
#: USD per GB-second of billed duration of an invocation that ran on a provisioned environment.
PROVISIONED_DURATION_PER_GB_SECOND = {"x86_64": 0.0000097222, "arm64": 0.0000077778}
#: A configuration's period (enable to disable) is billed rounded up to this many seconds.
PROVISIONED_BILLING_INCREMENT_S = 300
#: Free tier per month: requests, and GB-seconds across both architectures.
FREE_REQUESTS = 1_000_000
FREE_GB_SECONDS = 400_000

KB = 1024
#: An async payload up to this size is billed as one request.
PAYLOAD_INCLUDED_BYTES = 256 * KB
#: Each further chunk of this size (or part of it) adds one billed request.
PAYLOAD_CHUNK_BYTES = 64 * KB
#: The largest async payload Lambda accepts (1 MB).
PAYLOAD_MAX_BYTES = ASYNC_PAYLOAD_LIMIT


def requests_for_payload(payload_bytes):
    """Billed requests for one asynchronous invocation of a payload of ``payload_bytes``.

    Parameters
    ----------
    payload_bytes : int or array_like of int
        Payload size(s) in bytes, 0 to ``PAYLOAD_MAX_BYTES``.

    Returns
    -------
    int or numpy.ndarray
        ``1 + ceil(max(0, payload_bytes - 256 KB) / 64 KB)``: an int for an int, an int64 array
        for an array.

    Raises
    ------
    ValueError
        A size is negative or over 1 MB (Lambda refuses such an event, so it is never billed).

    Examples
    --------
    >>> requests_for_payload(300 * 1024), requests_for_payload(1024 * 1024)
    (2, 13)
    """
    size = np.asarray(payload_bytes, dtype=np.int64)
    if size.size and (size.min() < 0 or size.max() > PAYLOAD_MAX_BYTES):
        raise ValueError(
            f"payload_bytes must be between 0 and {PAYLOAD_MAX_BYTES} (the async payload limit); "
            f"got values from {size.min()} to {size.max()}"
        )
    extra = np.maximum(size - PAYLOAD_INCLUDED_BYTES, 0)
    requests = 1 + (extra + PAYLOAD_CHUNK_BYTES - 1) // PAYLOAD_CHUNK_BYTES
    return int(requests) if requests.ndim == 0 else requests
