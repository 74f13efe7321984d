"""SVG clip-path ids named by what the file draws, so the same chart gives the same SVG bytes.

matplotlib names a rectangular clip path by a hash of ``svg.hashsalt`` and the rectangle's four
coordinates at full float precision. The constrained layout solves for those coordinates with
kiwisolver, whose result can differ in the last bit from one solve to the next for the same figure
(its variables are kept in an order that follows their memory addresses). Written to six decimals
the rectangle is the same, but its id is not: one export in two of the concurrency chart came out
with other ids.

:func:`stable_clip_ids` renames every ``<clipPath>`` by a hash of the salt and its definition as
written (the rectangle or path the file holds), and rewrites every reference to it. Two clip paths
written alike then share one name; the repeated definition is dropped.
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["stable_clip_ids"]

_CLIP_PATH = re.compile(r'<clipPath id="(?P<id>[^"]+)">(?P<body>.*?)</clipPath>\n?', re.S)
_ID_LENGTH = 10  # hex digits, as matplotlib's ids


def stable_clip_ids(svg: str, salt: str) -> str:
    """``svg`` (matplotlib's SVG text) with each clip path's id a hash of ``salt`` and its definition."""
    names = {match["id"]: "p" + hashlib.sha256((salt + match["body"]).encode()).hexdigest()[:_ID_LENGTH]
             for match in _CLIP_PATH.finditer(svg)}
    if not names:
        return svg
    written: set[str] = set()

    def definition(match: re.Match) -> str:
        name = names[match["id"]]
        if name in written:  # the same clip written twice (coordinates equal to six decimals)
            return ""
        written.add(name)
        return match[0].replace(f'id="{match["id"]}"', f'id="{name}"', 1)

    svg = _CLIP_PATH.sub(definition, svg)
    references = re.compile(r"url\(#(" + "|".join(map(re.escape, names)) + r")\)")
    return references.sub(lambda match: f"url(#{names[match[1]]})", svg)
