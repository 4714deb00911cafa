"""JSON documents as people read them: nested objects indented, and every object or array
that holds only plain values (a finding, a count table, a list of ids) on one line.

A scan can list ten thousand findings: one line each is easier to read and to diff than
twelve, and it is written by the standard library's C encoder, where ``indent=2`` falls
back to its pure-Python encoder (twice as slow on a scan's findings).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

_CONTAINERS = (dict, list, tuple)


def json_text(document: object, *, default: Callable[[Any], Any] | None = None) -> str:
    """``document`` as indented JSON text with a final newline (UTF-8 kept as is;
    ``default`` converts values JSON has no type for, as in ``json.dumps``)."""
    flat = json.JSONEncoder(
        ensure_ascii=False, separators=(", ", ": "), default=default, check_circular=False
    ).encode
    parts: list[str] = []
    _write(document, flat, "", parts)
    parts.append("\n")
    return "".join(parts)


def _write(value: object, flat: Callable[[Any], str], indent: str, parts: list[str]) -> None:
    members: Iterable[Any]
    if isinstance(value, dict):
        members = value.values()
    elif isinstance(value, list | tuple):
        members = value
    else:
        parts.append(flat(value))
        return
    if not any(isinstance(member, _CONTAINERS) and member for member in members):
        parts.append(flat(value))  # plain values only (or empty containers): one line
        return
    inner = indent + "  "
    if isinstance(value, dict):
        parts.append("{")
        for index, (key, member) in enumerate(value.items()):
            name = flat(key) if isinstance(key, str) else flat({key: 0})[1:-4]  # as json names it
            parts.append(("\n" if index == 0 else ",\n") + inner + name + ": ")
            _write(member, flat, inner, parts)
        parts.append("\n" + indent + "}")
    else:
        parts.append("[")
        for index, member in enumerate(value):
            parts.append(("\n" if index == 0 else ",\n") + inner)
            _write(member, flat, inner, parts)
        parts.append("\n" + indent + "]")
