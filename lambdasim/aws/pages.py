"""One page of a listing, and the ``NextToken`` that continues it (SQS ListQueues, SNS lists)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

from lambdasim.model.rules import invalid_next_token

__all__ = ["page"]


def page(keys: Sequence[str], token: str | None, size: int) -> tuple[list[str], str | None]:
    """The keys (sorted) after ``token``, at most ``size``, and the token of the next page (None
    after the last). A token is the last key of its page, encoded; one no page gave is refused."""
    start = 0
    if token is not None:
        try:
            after = base64.urlsafe_b64decode(token.encode()).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise invalid_next_token(token) from None
        if after not in keys:
            raise invalid_next_token(token)
        start = keys.index(after) + 1
    taken = list(keys[start:start + size])
    more = start + size < len(keys)
    return taken, base64.urlsafe_b64encode(taken[-1].encode()).decode() if more and taken else None
