"""Text files (transcripts, prompts, logs, JSONL) read in blocks of whole lines, so a file
larger than memory streams through the detector.

A block ends at its last newline; a line longer than a block (a 2 GB single line) is cut
into pieces, each reading ``OVERLAP`` bytes into the next and again ``OVERLAP`` bytes of
the one before (a value that straddles a cut is whole in both, and reported only by the
piece it starts in; its tail is never taken for a value of its own); the pieces keep the
line's number and their character offset in it. Text must be UTF-8 (a UTF-8 byte-order
mark is skipped), or UTF-16 with its byte-order mark (read as UTF-8: a Windows export keeps
its characters, lines and offsets); a NUL byte in the first 8 KiB marks a binary file, one
further on binary content. All are located errors (line, and column in characters).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from charter.domain.errors import InputError
from charter.privacy.text_blocks import BLOCK_BYTES, TextBlock

OVERLAP = 4096
"""Longer than any value a recognizer looks for, so a value cut by a piece boundary is
whole in one of the two pieces."""


def read_blocks(path: Path, block_bytes: int = BLOCK_BYTES) -> Iterator[TextBlock]:
    """The file's blocks, in order; ``InputError`` for a binary or non-UTF-8 file (raised
    at the block where the problem is, so earlier blocks were already given out)."""
    if block_bytes <= 2 * OVERLAP:
        raise ValueError(f"block_bytes must exceed {2 * OVERLAP} (twice the overlap)")
    name = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError.at(name, 0, 0, f"cannot read file: {exc.strerror}") from exc
    with handle:
        reader, pending, skip = _start(handle, name)
        source = reader if isinstance(reader, _Utf16) else None
        consumed = skip  # file bytes before ``pending``
        line, column = 1, 0
        lead = b""  # the end of the piece before, read again for what it says to the left
        while True:
            final = False
            if len(pending) < block_bytes:
                chunk = reader.read(block_bytes)
                final = not chunk
                pending += chunk
            if not pending:
                return
            cut = len(pending) if final else pending.rfind(b"\n") + 1
            back = _char_count(lead)
            if cut:  # whole lines (the last one may lack its newline at the end)
                data = lead + pending[:cut]
                text = _decode(data, name, line, column - back)
                yield TextBlock(text, data, line, column - back, back, len(text), consumed + cut)
                line += data.count(b"\n")
                column = 0
                lead = b""
            elif len(pending) < block_bytes:
                continue  # a long line still arriving
            else:  # a line longer than a block: a piece that looks OVERLAP bytes ahead
                # (ending before the last character begins: it may not have arrived whole)
                # and, after the first, OVERLAP bytes behind: a value that starts before the
                # cut is seen whole there, and reported only by the piece it starts in
                end = _boundary(pending, len(pending) - 1)
                cut = _boundary(pending, end - OVERLAP)
                data = lead + pending[:end]
                text = _decode(data, name, line, column - back)
                until = back + _char_count(pending[:cut])
                done = consumed + cut if source is None else source.position
                yield TextBlock(text, data, line, column - back, back, until, done)
                column += until - back
                lead = pending[_boundary(pending, cut - OVERLAP) : cut]
            consumed += cut
            pending = pending[cut:]


def text_encoding(path: Path) -> str:
    """How a text file is written, from its byte-order mark (a redacted copy keeps it)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(3)
    except OSError:
        return "utf-8"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"


def _start(handle: BinaryIO, name: str) -> tuple[BinaryIO | _Utf16, bytes, int]:
    """What to read the file's bytes from (UTF-16 is read on as UTF-8), its first bytes
    past any byte-order mark, and how many bytes that mark took."""
    head = handle.read(8192)
    reader: BinaryIO | _Utf16 = handle
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        reader = _Utf16(handle, head, name)
        head = reader.read(8192)
    if b"\x00" in head:
        raise InputError.at(name, 0, 0, "binary file (NUL bytes): not text")
    skip = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    return reader, head[skip:], skip


class _Utf16:
    """A UTF-16 file (it starts with a byte-order mark) read as UTF-8 bytes; ``position``
    is how far into the file it has read."""

    def __init__(self, handle: BinaryIO, head: bytes, name: str) -> None:
        self._handle = handle
        self._decoder = codecs.getincrementaldecoder("utf-16")(errors="strict")
        self._head = head
        self._name = name
        self.position = 0

    def read(self, size: int) -> bytes:
        raw = self._head or self._handle.read(size)
        self._head = b""
        try:
            text = self._decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            raise InputError.at(
                self._name, 0, 0, f"not UTF-16 past byte {self.position + exc.start:,}"
            ) from exc
        self.position += len(raw)
        return text.encode("utf-8")


def _boundary(data: bytes, at: int) -> int:
    """The nearest character start at or before ``at`` (never inside a UTF-8 sequence)."""
    at = max(at, 0)
    while 0 < at < len(data) and 0x80 <= data[at] < 0xC0:
        at -= 1
    return at


def _decode(data: bytes, name: str, first_line: int, first_column: int) -> str:
    """``data`` as text; a located error (line, and column in characters, counted from the
    line's start even in a piece of a long line) where it is not UTF-8 or holds a NUL."""
    nul = data.find(b"\x00")
    try:
        if nul >= 0:
            raise UnicodeDecodeError("utf-8", data, nul, nul + 1, "NUL")
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + data.count(b"\n", 0, exc.start)
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        base = first_column if line_start == 0 else 0
        column = base + _char_count(data[line_start : exc.start]) + 1
        problem = (
            "a NUL byte: binary content, not text"
            if exc.reason == "NUL"
            else f"not UTF-8 (byte 0x{data[exc.start]:02X}); save the file as UTF-8"
        )
        raise InputError.at(name, line, column, problem) from exc


def _char_count(data: bytes) -> int:
    """Characters in UTF-8 bytes: every byte that is not a continuation byte."""
    if not data:
        return 0
    import numpy as np

    values = np.frombuffer(data, dtype=np.uint8)
    return int(np.count_nonzero((values & 0xC0) != 0x80))
