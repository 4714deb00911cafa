"""Text as written with JSON's backslash escapes, read as what it says.

A JSON-lines transcript writes a turn's line breaks as ``\\n``, quotes as ``\\"``, and some
encoders write ``@`` as ``\\u0040`` or ``/`` as ``\\/``; logs carry JSON payloads the same
way. Scanned as written, ``"hi\\njohn.smith@corp.com"`` would yield ``njohn.smith@corp.com``
and ``ann\\u0040corp.com`` nothing. So a block with a backslash is unescaped first: each
escape becomes the character it stands for (a line break, tab or carriage return becomes a
space, so a turn stays one line for the context words, and a value on the next line of the
turn keeps its label), matches are found in that text, and each is mapped back to the
characters as written, where offsets are reported and redacted copies replace it. A match's
value is the unescaped one, so its digest is the value's.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from charter.privacy.detector import Match

_ESCAPE = re.compile(
    r"\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})"
    r"|u([0-9a-fA-F]{4})|([\"\\/bfnrt]))"
)
_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": " ", "f": " ", "n": " ", "r": " ", "t": " "}


@dataclass(frozen=True)
class Unescaped:
    """``text`` with its escapes decoded; ``decoded`` and ``written`` are the offsets where
    each escape starts and ends in both, in order (the map between them)."""

    text: str
    decoded: list[int]
    written: list[int]

    def written_offset(self, offset: int) -> int:
        """Where ``offset`` of the unescaped text falls in the text as written."""
        at = bisect.bisect_right(self.decoded, offset) - 1
        return offset if at < 0 else self.written[at] + offset - self.decoded[at]

    def as_written(self, match: Match) -> Match:
        """``match`` with the offsets of the text as written (its value stays decoded)."""
        return match._replace(
            start=self.written_offset(match.start), end=self.written_offset(match.end)
        )


def unescaped(text: str) -> Unescaped | None:
    """``text`` read through its JSON escapes, or None when it has none."""
    if "\\" not in text:
        return None
    parts: list[str] = []
    decoded: list[int] = []
    written: list[int] = []
    last = size = 0
    for escape in _ESCAPE.finditer(text):
        start, end = escape.span()
        parts.append(text[last:start])
        size += start - last
        char = _decoded(escape)
        decoded += [size, size + len(char)]
        written += [start, end]
        parts.append(char)
        size += len(char)
        last = end
    if not decoded:
        return None
    parts.append(text[last:])
    return Unescaped("".join(parts), decoded, written)


def _decoded(escape: re.Match[str]) -> str:
    high, low, code, simple = escape.groups()
    if simple is not None:
        return _SIMPLE[simple]
    if high is not None:
        point = 0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00)
        return chr(point)
    char = chr(int(code, 16))
    if char in "\n\r\t" or 0xD800 <= ord(char) <= 0xDFFF:
        return " "  # a line break stays in the line; a lone surrogate is no character
    return char


def find_through_escapes(
    find: Callable[[str, bytes | None, str], list[Match]], text: str, data: bytes, heading: str
) -> list[Match]:
    """``find`` (``Detector.find``) over ``text`` read through its escapes, the matches at
    the offsets of ``text`` as written."""
    if b"\\" not in data:
        return find(text, data, heading)
    view = unescaped(text)
    if view is None:
        return find(text, data, heading)
    return [view.as_written(m) for m in find(view.text, None, heading)]
