"""Subtitle files from disk: size limit, encoding, format, and a hardened XML parser.

TTML is parsed with lxml (libxml2: fast, keeps each element's source line) with entity
resolution, DTD loading and network access off, and any document type declaration refused
before parsing: an XML bomb needs a DTD to define its entities. Text must be UTF-8 (a
byte-order mark for UTF-8 or UTF-16 is honoured): Netflix requires UTF-8, and a guessed
legacy encoding would hide the problem.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charter.domain.errors import InputError
from charter.quality.timed_text import TimedText, read_srt, read_ttml, read_webvtt

MAX_SUBTITLE_BYTES = 32 * 1024 * 1024
"""A feature's subtitles are well under 1 MiB; anything past this is not a subtitle file."""
_EXTENSIONS = {
    ".srt": "srt",
    ".vtt": "webvtt",
    ".webvtt": "webvtt",
    ".xml": "ttml",
    ".ttml": "ttml",
    ".dfxp": "ttml",
}
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def read_timed_text(path: Path) -> TimedText:
    """Read one subtitle file; ``InputError`` (file, line, column) when it cannot be read."""
    name = str(path)
    raw = read_capped(path, MAX_SUBTITLE_BYTES)
    kind = _EXTENSIONS.get(path.suffix.lower()) or _sniff(raw)
    if kind is None:
        raise InputError.at(
            name, 0, 0, "not a subtitle file: expected .srt, .vtt or TTML (.xml, .ttml, .dfxp)"
        )
    if kind == "ttml":
        return read_ttml(_parse_xml(raw, name))
    text = decode(raw, name)
    return read_srt(text) if kind == "srt" else read_webvtt(text)


def read_capped(path: Path, limit: int) -> bytes:
    """The file's bytes; a located error when it is over ``limit`` or cannot be read."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError.at(name, 0, 0, f"file is {size} bytes, over {limit}")
        return path.read_bytes()
    except OSError as exc:
        raise InputError.at(name, 0, 0, f"cannot read file: {exc.strerror}") from exc


def decode(raw: bytes, name: str) -> str:
    """UTF-8 (or UTF-16 with its byte-order mark); the first bad byte located otherwise."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError.at(name, 0, 0, f"not valid UTF-16 at byte {exc.start}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start]
        raise InputError.at(
            name, line, column, f"not UTF-8 (byte 0x{byte:02X}); save the file as UTF-8"
        ) from exc


def _sniff(raw: bytes) -> str | None:
    head = raw[:512].lstrip(codecs.BOM_UTF8).lstrip()
    if head.startswith(b"WEBVTT"):
        return "webvtt"
    if head.startswith(b"<"):
        return "ttml"
    if head[:1].isdigit():
        return "srt"
    return None


def _parse_xml(raw: bytes, name: str) -> object:
    from lxml import etree

    match = _DOCTYPE.search(raw)
    if match:
        line = raw[: match.start()].count(b"\n") + 1
        raise InputError.at(
            name, line, 1, "a document type declaration (DTD) is not accepted in TTML"
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        message = str(exc.msg).split(", line ")[0] if exc.msg else "not well-formed XML"
        raise InputError.at(name, line, column + 1 if line else 0, message) from exc


def read_frame_list(path: Path, fps: float) -> list[float]:
    """A shot-change list: one time per line, in seconds (``12.5``), as a timecode
    (``00:00:12:12`` in frames, or ``00:00:12.500``), or a frame number (``f300``)."""
    name = str(path)
    text = decode(_read_capped(path, name), name)
    times = []
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.strip()
        if not value or value.startswith("#"):
            continue
        seconds = _shot_time(value, fps)
        if seconds is None:
            raise InputError.at(name, number, 1, f"'{value[:40]}' is not a time, timecode or fNNN")
        times.append(seconds)
    return times


def read_glyph_list(path: Path) -> list[str]:
    """Allowed characters: one hex code point (``0041``, ``U+0041``) or range per line."""
    name = str(path)
    entries = []
    for number, line in enumerate(decode(_read_capped(path, name), name).splitlines(), start=1):
        value = line.strip().upper().removeprefix("U+").replace("..", "-")
        if not value or value.startswith("#"):
            continue
        if not re.fullmatch(r"[0-9A-F]{1,6}(-(U\+)?[0-9A-F]{1,6})?", value):
            raise InputError.at(name, number, 1, f"'{line.strip()[:40]}' is not a code point")
        entries.append(value.replace("-U+", "-"))
    return entries


def _read_capped(path: Path, name: str) -> bytes:
    try:
        if path.stat().st_size > MAX_SUBTITLE_BYTES:
            raise InputError.at(name, 0, 0, f"file is over {MAX_SUBTITLE_BYTES} bytes")
        return path.read_bytes()
    except OSError as exc:
        raise InputError.at(name, 0, 0, f"cannot read file: {exc.strerror}") from exc


_TIMECODE = re.compile(r"^(\d+):(\d{2}):(\d{2})(?:([:;])(\d{2})|\.(\d{1,3}))?$")


def _shot_time(value: str, fps: float) -> float | None:
    if value[:1] in "fF" and value[1:].isdigit():
        return int(value[1:]) / fps
    match = _TIMECODE.match(value)
    if match:
        hours, minutes, seconds, separator, frames, fraction = match.groups()
        total = int(hours) * 3600 + int(minutes) * 60 + int(seconds)
        if separator:
            return total + int(frames) / round(fps)
        return total + (int(fraction.ljust(3, "0")) / 1000 if fraction else 0.0)
    try:
        seconds_value = float(value)
    except ValueError:
        return None
    return seconds_value if seconds_value >= 0 else None
