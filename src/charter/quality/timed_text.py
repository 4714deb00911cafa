"""Timed text in one event model: SRT, WebVTT and TTML/IMSC read into ``TimedText``.

Why own readers (docs/quality.md, "Reading subtitles"): a QC tool must report every
malformed block with its line and go on, where ``srt`` and ``webvtt-py`` stop at the first
one and keep no line numbers; pysubs2 cannot read TTML frame or tick times; ttconv models
TTML fully but builds a rendering model (ISDs) we do not need and is several times slower.
SRT and WebVTT are line formats read here in one pass; TTML is parsed by the caller (lxml
with entities, DTDs and network access refused, ``engines/media``) and its timing resolved
here: clock times with SMPTE frames (``hh:mm:ss:ff[.sub]``), offset times in h, m, s, ms,
f and t, ``ttp:frameRate`` x ``ttp:frameRateMultiplier``, ``ttp:subFrameRate``,
``ttp:tickRate``, ``begin``/``end``/``dur`` on ``body``, ``div``, ``p`` and ``span`` with
``par`` and ``seq`` time containers. Times are exact fractions while they are resolved and
plain seconds (float) in the model.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal, TypeAlias

Format: TypeAlias = Literal["srt", "webvtt", "ttml"]

TTML_NS = "http://www.w3.org/ns/ttml"
TTP_NS = "http://www.w3.org/ns/ttml#parameter"
TTS_NS = "http://www.w3.org/ns/ttml#styling"
XML_NS = "http://www.w3.org/XML/1998/namespace"


@dataclass(frozen=True, slots=True)
class Cue:
    """One subtitle event: 1-based ``index`` in file order, times in seconds, its text
    lines without markup (``lines``) and as written (``markup``), the source ``line``."""

    index: int
    start: float
    end: float
    lines: tuple[str, ...]
    markup: tuple[str, ...]
    line: int
    italic: bool = False

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """Something in the file that could not be read as an event (the rest still is)."""

    line: int
    message: str


@dataclass(frozen=True)
class TimedText:
    """A subtitle file in the common model."""

    format: Format
    cues: tuple[Cue, ...]
    problems: tuple[ReadProblem, ...] = ()
    frame_rate: Fraction | None = None
    """TTML: the effective frame rate declared (``ttp:frameRate`` x multiplier), if any."""
    frame_rate_text: str | None = None
    """TTML: the declaration as written, e.g. ``24 x 1000/1001``."""
    uses_frames: bool = False
    """TTML: some time expression counts frames (``hh:mm:ss:ff`` or ``f``)."""


# ------------------------------------------------------------------------ SRT and WebVTT

_SRT_TIMING = re.compile(
    r"^\s*(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})\s*-->\s*(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
)
_VTT_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})\.(\d{3})"
_VTT_TIMING = re.compile(rf"^\s*{_VTT_TIME}\s+-->\s+{_VTT_TIME}(?:\s+.*)?$")
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_VTT_TIMESTAMP_TAG = re.compile(r"<\d[\d:.]*>")


def _seconds(hours: str | None, minutes: str, seconds: str, fraction: str) -> float:
    ms = int(fraction.ljust(3, "0"))
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + ms / 1000


def plain(markup: str) -> str:
    """A line without tags (``<i>``, ``<c.x>``, ``{\\an8}``) and with entities decoded."""
    text = _TAG.sub("", markup)
    return html.unescape(text) if "&" in text else text


def read_srt(text: str) -> TimedText:
    """SRT: blocks of an index line (optional), a timing line and text lines, separated by
    blank lines. A block without a valid timing line is a problem; reading goes on."""
    cues: list[Cue] = []
    problems: list[ReadProblem] = []
    for first, block in _blocks(text.splitlines()):
        timing_at = 1 if len(block) > 1 and block[0].strip().isdigit() else 0
        match = _SRT_TIMING.match(block[timing_at])
        if match is None:
            problems.append(
                ReadProblem(
                    first + timing_at, f"expected a timing line, found {_show(block[timing_at])}"
                )
            )
            continue
        g = match.groups()
        start, end = _seconds(*g[0:4]), _seconds(*g[4:8])
        markup = tuple(block[timing_at + 1 :])
        cues.append(_cue(len(cues) + 1, start, end, markup, first, problems))
    return TimedText("srt", tuple(cues), tuple(problems))


def read_webvtt(text: str) -> TimedText:
    """WebVTT: the ``WEBVTT`` header, then cues (optional identifier line, timing line with
    optional settings, text); ``NOTE``, ``STYLE`` and ``REGION`` blocks are skipped."""
    lines = text.splitlines()
    problems: list[ReadProblem] = []
    if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        problems.append(ReadProblem(1, "a WebVTT file starts with WEBVTT"))
    cues: list[Cue] = []
    for first, block in _blocks(lines):
        if first == 1 and block[0].lstrip("\ufeff").startswith("WEBVTT"):
            continue
        if block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = 0 if "-->" in block[0] else 1
        if timing_at >= len(block) or (match := _VTT_TIMING.match(block[timing_at])) is None:
            at = min(timing_at, len(block) - 1)
            problems.append(
                ReadProblem(first + at, f"expected a timing line, found {_show(block[at])}")
            )
            continue
        g = match.groups()
        start, end = _seconds(*g[0:4]), _seconds(*g[4:8])
        markup = tuple(_VTT_TIMESTAMP_TAG.sub("", line) for line in block[timing_at + 1 :])
        cues.append(_cue(len(cues) + 1, start, end, markup, first, problems))
    return TimedText("webvtt", tuple(cues), tuple(problems))


def _blocks(lines: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
    """Runs of non-blank lines with the 1-based number of their first line."""
    block: list[str] = []
    first = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not block:
                first = number
            block.append(line)
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def _cue(
    index: int,
    start: float,
    end: float,
    markup: tuple[str, ...],
    line: int,
    problems: list[ReadProblem],
) -> Cue:
    if end < start:
        problems.append(ReadProblem(line, f"event {index} ends before it starts"))
    lines = tuple(plain(m) if "<" in m or "{" in m or "&" in m else m for m in markup)
    italic = any("<i>" in m or "{\\i1}" in m for m in markup)
    return Cue(index, start, end, lines, markup, line, italic)


def _show(line: str) -> str:
    shown = line.strip()
    return repr(shown[:40] + ("..." if len(shown) > 40 else ""))


# ------------------------------------------------------------------------------- TTML


@dataclass(frozen=True, slots=True)
class TtmlClock:
    """The time base of a TTML document (TTML1 section 6.2 defaults)."""

    frame_rate: Fraction
    sub_frame_rate: int
    tick_rate: Fraction

    def seconds(self, expression: str) -> tuple[Fraction, bool]:
        """A time expression in seconds, and whether it counts frames."""
        value = expression.strip()
        match = _CLOCK.match(value)
        if match:
            hours, minutes, secs, fraction, frames, sub = match.groups()
            total = Fraction(int(hours) * 3600 + int(minutes) * 60 + int(secs))
            if fraction:
                total += Fraction(fraction)
            if frames is not None:
                count = Fraction(int(frames))
                if sub:
                    count += Fraction(int(sub), self.sub_frame_rate)
                return total + count / self.frame_rate, True
            return total, False
        match = _OFFSET.match(value)
        if match is None:
            raise ValueError(f"'{expression}' is not a TTML time expression")
        amount, unit = Fraction(match.group(1)), match.group(2)
        if unit == "f":
            return amount / self.frame_rate, True
        if unit == "t":
            return amount / self.tick_rate, False
        return amount * _UNIT_SECONDS[unit], False


_CLOCK = re.compile(r"^(\d{2,}):(\d{2}):(\d{2})(?:(\.\d+)|:(\d{2,})(?:\.(\d+))?)?$")
_OFFSET = re.compile(r"^(\d+(?:\.\d+)?)(h|ms|m|s|f|t)$")
_UNIT_SECONDS: dict[str, Fraction] = {
    "h": Fraction(3600),
    "m": Fraction(60),
    "s": Fraction(1),
    "ms": Fraction(1, 1000),
}


def ttml_clock(root: Any) -> tuple[TtmlClock, Fraction | None, str | None, list[str]]:
    """The document's clock, its declared effective frame rate (``None`` if not declared),
    the declaration as written, and problems with the parameters."""
    problems: list[str] = []
    rate_text = root.get(f"{{{TTP_NS}}}frameRate")
    multiplier_text = root.get(f"{{{TTP_NS}}}frameRateMultiplier")
    frame_rate = Fraction(30)  # TTML1 default
    declared = None
    written = None
    if rate_text is not None:
        try:
            frame_rate = Fraction(int(rate_text))
            if frame_rate <= 0:
                raise ValueError
        except ValueError:
            problems.append(f"ttp:frameRate '{rate_text}' is not a positive integer")
            frame_rate = Fraction(30)
        written = rate_text
        if multiplier_text is not None:
            parts = multiplier_text.split()
            if len(parts) == 2 and all(p.isdigit() and int(p) > 0 for p in parts):
                frame_rate *= Fraction(int(parts[0]), int(parts[1]))
                written = f"{rate_text} x {parts[0]}/{parts[1]}"
            else:
                problems.append(f"ttp:frameRateMultiplier '{multiplier_text}' is not 'n d'")
        declared = frame_rate
    sub_frame_rate = _positive_int(
        root.get(f"{{{TTP_NS}}}subFrameRate"), 1, problems, "subFrameRate"
    )
    tick_text = root.get(f"{{{TTP_NS}}}tickRate")
    tick_rate = Fraction(_positive_int(tick_text, 1, problems, "tickRate"))
    if tick_text is None and rate_text is not None:
        tick_rate = frame_rate * sub_frame_rate  # TTML1 6.2.10
    return TtmlClock(frame_rate, sub_frame_rate, tick_rate), declared, written, problems


def _positive_int(text: str | None, default: int, problems: list[str], name: str) -> int:
    if text is None:
        return default
    if text.isdigit() and int(text) > 0:
        return int(text)
    problems.append(f"ttp:{name} '{text}' is not a positive integer")
    return default


def read_ttml(root: Any) -> TimedText:
    """TTML/IMSC from a parsed element tree (ElementTree API; ``sourceline`` used when the
    parser keeps it). Each ``p`` with text is an event; its times are resolved through its
    ancestors (``par`` by default, ``seq`` when declared)."""
    if root.tag != f"{{{TTML_NS}}}tt":
        return TimedText("ttml", (), (ReadProblem(_line(root), "the root element is not tt:tt"),))
    clock, declared, written, parameter_problems = ttml_clock(root)
    reader = _TtmlReader(clock, _italic_styles(root))
    reader.problems += [ReadProblem(_line(root), message) for message in parameter_problems]
    body = root.find(f"{{{TTML_NS}}}body")
    if body is None:
        reader.problems.append(ReadProblem(_line(root), "no tt:body"))
    else:
        reader.walk(body, Fraction(0), None, "par")
    cues = sorted(reader.cues, key=lambda c: (c.start, c.line))
    numbered = tuple(
        Cue(i, c.start, c.end, c.lines, c.markup, c.line, c.italic)
        for i, c in enumerate(cues, start=1)
    )
    return TimedText(
        "ttml", numbered, tuple(reader.problems), declared, written, reader.uses_frames
    )


def _line(element: Any) -> int:
    return int(getattr(element, "sourceline", 0) or 0)


def _italic_styles(root: Any) -> frozenset[str]:
    italic = set()
    for style in root.iter(f"{{{TTML_NS}}}style"):
        if style.get(f"{{{TTS_NS}}}fontStyle") == "italic":
            identifier = style.get(f"{{{XML_NS}}}id")
            if identifier:
                italic.add(identifier)
    return frozenset(italic)


_SPACES = re.compile(r"\s+")


class _TtmlReader:
    def __init__(self, clock: TtmlClock, italic_styles: frozenset[str]) -> None:
        self.clock = clock
        self.italic_styles = italic_styles
        self.cues: list[Cue] = []
        self.problems: list[ReadProblem] = []
        self.uses_frames = False

    def time(self, element: Any, name: str) -> Fraction | None:
        value = element.get(name)
        if value is None:
            return None
        try:
            seconds, frames = self.clock.seconds(value)
        except ValueError as exc:
            self.problems.append(ReadProblem(_line(element), f"{name}: {exc}"))
            return None
        self.uses_frames = self.uses_frames or frames
        return seconds

    def interval(
        self, element: Any, origin: Fraction, limit: Fraction | None
    ) -> tuple[Fraction, Fraction | None]:
        begin = origin + (self.time(element, "begin") or Fraction(0))
        end_offset, duration = self.time(element, "end"), self.time(element, "dur")
        end: Fraction | None = limit
        if end_offset is not None:
            end = origin + end_offset
        elif duration is not None:
            end = begin + duration
        if end is not None and limit is not None:
            end = min(end, limit)
        return begin, end

    def walk(
        self, element: Any, origin: Fraction, limit: Fraction | None, container: str
    ) -> Fraction | None:
        """Resolve ``element`` against its parent's ``origin`` (begin) and ``limit`` (end);
        returns its end, which a ``seq`` parent uses as the next child's origin."""
        begin, end = self.interval(element, origin, limit)
        tag = element.tag
        if tag == f"{{{TTML_NS}}}p":
            self.add(element, begin, end)
            return end
        kind = element.get("timeContainer", "par")
        cursor = begin
        last_end: Fraction | None = begin
        for child in element:
            if not isinstance(child.tag, str) or child.tag not in _CONTAINERS:
                continue
            child_end = self.walk(child, cursor if kind == "seq" else begin, end, kind)
            if kind == "seq":
                if child_end is None:
                    break
                cursor = child_end
            last_end = child_end if child_end is not None else last_end
        return end if end is not None else last_end

    def add(self, element: Any, begin: Fraction, end: Fraction | None) -> None:
        lines, italic = self.text(element)
        if not any(lines):
            return
        if end is None:
            self.problems.append(ReadProblem(_line(element), "event has no end time"))
            return
        if end < begin:
            self.problems.append(ReadProblem(_line(element), "event ends before it starts"))
        self.cues.append(
            Cue(0, float(begin), float(end), tuple(lines), tuple(lines), _line(element), italic)
        )

    def text(self, element: Any) -> tuple[list[str], bool]:
        lines = [""]
        italic = self.is_italic(element)
        italic = self.collect(element, lines, italic) or italic
        cleaned = [_SPACES.sub(" ", line).strip() for line in lines]
        while cleaned and not cleaned[-1]:
            cleaned.pop()
        return cleaned, italic

    def collect(self, element: Any, lines: list[str], italic: bool) -> bool:
        found = False
        if element.text:
            lines[-1] += element.text
        for child in element:
            tag = child.tag
            if tag == f"{{{TTML_NS}}}br":
                lines.append("")
            elif tag == f"{{{TTML_NS}}}span":
                if self.is_italic(child):
                    found = True
                found = self.collect(child, lines, italic) or found
            if child.tail:
                lines[-1] += child.tail
        return found

    def is_italic(self, element: Any) -> bool:
        if element.get(f"{{{TTS_NS}}}fontStyle") == "italic":
            return True
        styles = element.get("style")
        return bool(styles) and any(s in self.italic_styles for s in styles.split())


_CONTAINERS = frozenset({f"{{{TTML_NS}}}div", f"{{{TTML_NS}}}p"})
