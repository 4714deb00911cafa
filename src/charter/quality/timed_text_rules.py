"""The timed-text rules: one pass over the events of a file against a ``TimedTextProfile``.

Each rule has a stable id (``RULES``); docs/quality.md gives its parameter, its source and
how it maps to Subtitle Edit's Netflix quality check. Frames are counted as Subtitle Edit
counts them: ``round(seconds x fps)``, halves away from zero.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from charter.domain.quality_profiles import TimedTextProfile
from charter.quality.timed_text import Cue, TimedText

Severity: TypeAlias = Literal["error", "warning", "info"]
Add: TypeAlias = Callable[..., None]
"""Records a finding: ``add(rule, cue, message, value=None, limit=None)``."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    title: str


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("TT-READ", "error", "a block that cannot be read as an event"),
        Rule("TT-FMT", "error", "file format is not a delivery format of the profile"),
        Rule("TT-FPS", "error", "TTML frame rate is not allowed or differs from the picture"),
        Rule("TT-CPL", "error", "characters per line"),
        Rule("TT-LINES", "error", "lines per event"),
        Rule("TT-ONELINE", "warning", "two lines that fit on one"),
        Rule("TT-CPS", "error", "reading speed (characters per second)"),
        Rule("TT-DUR-MIN", "error", "event shorter than the minimum duration"),
        Rule("TT-DUR-MAX", "error", "event longer than the maximum duration"),
        Rule("TT-GAP", "error", "gap to the next event under the minimum frames"),
        Rule("TT-OVERLAP", "error", "event overlaps the next one"),
        Rule("TT-CHAIN", "warning", "gap under half a second that should be closed"),
        Rule("TT-GLYPH", "error", "character outside the glyph list"),
        Rule("TT-ELLIPSIS", "warning", "three dots instead of the ellipsis character"),
        Rule("TT-DASH", "warning", "dual-speaker dash style"),
        Rule("TT-WS", "warning", "whitespace"),
        Rule("TT-ITALIC", "warning", "italics malformed or not allowed"),
        Rule("TT-SC-IN", "warning", "in-cue near a shot change"),
        Rule("TT-SC-OUT", "warning", "out-cue near a shot change"),
    )
}


@dataclass(frozen=True, slots=True)
class QcFinding:
    """One problem: the rule, the 1-based event (``None`` for the file), its times in ms,
    the measured ``value`` and the profile's ``limit`` where the rule has numbers."""

    rule: str
    event: int | None
    start_ms: int | None
    end_ms: int | None
    message: str
    severity: Severity
    value: float | str | None = None
    limit: float | str | None = None


def frames(seconds: float, fps: float) -> int:
    """Subtitle Edit's frame count: ``round(seconds x fps)`` with halves away from zero."""
    scaled = seconds * fps
    return math.floor(scaled + 0.5) if scaled >= 0 else -math.floor(-scaled + 0.5)


def _ms(seconds: float) -> int:
    return math.floor(seconds * 1000 + 0.5)


_DASHES = "-\u2010\u2013\u2014"
_SPACE_BEFORE = re.compile(r" [!?).,\u2026\u061f\u060c]")
_ITALIC_TAG = re.compile(r"<(/?)i>|\{\\i([01])\}")


def check_timed_text(
    document: TimedText,
    profile: TimedTextProfile,
    fps: float,
    *,
    shot_changes: Sequence[float] = (),
    skip: frozenset[str] = frozenset(),
) -> list[QcFinding]:
    """Every finding of ``document`` in file order (file-level findings first)."""
    found: list[QcFinding] = []

    def add(
        rule: str,
        cue: Cue | None,
        message: str,
        value: float | str | None = None,
        limit: float | str | None = None,
    ) -> None:
        if rule in skip:
            return
        found.append(
            QcFinding(
                rule,
                None if cue is None else cue.index,
                None if cue is None else _ms(cue.start),
                None if cue is None else _ms(cue.end),
                message,
                RULES[rule].severity,
                value,
                limit,
            )
        )

    for problem in document.problems:
        add("TT-READ", None, f"line {problem.line}: {problem.message}")
    if document.format not in profile.delivery_formats:
        allowed = ", ".join(profile.delivery_formats)
        add(
            "TT-FMT",
            None,
            f"{document.format} is not a delivery format ({allowed})",
            document.format,
            allowed,
        )
    _check_frame_rate(document, profile, fps, add)
    glyphs = _glyph_test(profile)
    cues = document.cues
    cpl, max_lines, cps_limit = profile.max_chars_per_line, profile.max_lines, profile.max_cps
    min_ms, max_ms = profile.min_duration_ms, profile.max_duration_ms
    half_second = frames(0.5, fps)
    for position, cue in enumerate(cues):
        lines = cue.lines
        duration_ms = _ms(cue.end) - _ms(cue.start)
        for number, line in enumerate(lines, start=1):
            if len(line) > cpl:
                add("TT-CPL", cue, f"line {number} has {len(line)} characters", len(line), cpl)
        if len(lines) > max_lines:
            add("TT-LINES", cue, f"{len(lines)} lines", len(lines), max_lines)
        if (
            len(lines) == 2
            and len(lines[0]) + 1 + len(lines[1]) <= cpl
            and not (lines[0][:1] in _DASHES or lines[1][:1] in _DASHES)  # two speakers
        ):
            add(
                "TT-ONELINE",
                cue,
                "the two lines fit on one",
                len(lines[0]) + 1 + len(lines[1]),
                cpl,
            )
        characters = sum(len(line) for line in lines)
        if duration_ms > 0:
            cps = characters * 1000 / duration_ms
            if cps > cps_limit:
                add("TT-CPS", cue, f"{cps:.1f} characters per second", round(cps, 2), cps_limit)
        if duration_ms < min_ms:
            add("TT-DUR-MIN", cue, f"lasts {duration_ms} ms", duration_ms, min_ms)
        elif duration_ms > max_ms:
            add("TT-DUR-MAX", cue, f"lasts {duration_ms} ms", duration_ms, max_ms)
        if position + 1 < len(cues):
            _check_gap(cue, cues[position + 1], profile, fps, half_second, add)
        text = "\n".join(lines)
        if glyphs is not None:
            outside = sorted({c for c in text if c != "\n" and not glyphs(ord(c))})
            if outside:
                codes = " ".join(f"U+{ord(c):04X}" for c in outside)
                add("TT-GLYPH", cue, f"not in the glyph list: {codes}", codes)
        if "..." in text:
            add(
                "TT-ELLIPSIS",
                cue,
                f"'...' instead of '{profile.ellipsis}'",
                "...",
                profile.ellipsis,
            )
        _check_dashes(cue, profile, add)
        _check_whitespace(cue, add)
        _check_italics(cue, profile, add)
    if shot_changes:
        _check_shot_changes(cues, sorted(shot_changes), profile, fps, add)
    return found


def _check_frame_rate(document: TimedText, profile: TimedTextProfile, fps: float, add: Add) -> None:
    if document.format != "ttml":
        return
    declared = document.frame_rate
    if declared is None:
        if document.uses_frames:
            add("TT-FPS", None, "frame-based times without ttp:frameRate (TTML assumes 30)")
        return
    rate = float(declared)
    if not any(abs(rate - allowed) <= 0.01 for allowed in profile.frame_rates):
        add(
            "TT-FPS",
            None,
            f"frame rate {document.frame_rate_text} ({rate:.3f}) is not allowed",
            round(rate, 3),
            ", ".join(f"{r:g}" for r in profile.frame_rates),
        )
    elif abs(rate - fps) > 0.01:
        add(
            "TT-FPS",
            None,
            f"frame rate {rate:.3f} differs from the picture's {fps:.3f}",
            round(rate, 3),
            round(fps, 3),
        )


def _check_gap(
    cue: Cue, following: Cue, profile: TimedTextProfile, fps: float, half_second: int, add: Add
) -> None:
    if following.start < cue.end:
        overlap = _ms(cue.end) - _ms(following.start)
        add("TT-OVERLAP", cue, f"overlaps event {following.index} by {overlap} ms", overlap, 0)
        return
    gap = frames(following.start, fps) - frames(cue.end, fps)
    if gap < profile.min_gap_frames:
        add("TT-GAP", cue, f"{gap} frames to event {following.index}", gap, profile.min_gap_frames)
    elif profile.min_gap_frames < gap < half_second:
        add(
            "TT-CHAIN",
            cue,
            f"{gap} frames to event {following.index}: close to {profile.min_gap_frames}",
            gap,
            profile.min_gap_frames,
        )


def _glyph_test(profile: TimedTextProfile) -> Callable[[int], bool] | None:
    ranges = profile.glyph_ranges()
    if not profile.glyphs:
        return None
    allowed: set[int] = set()
    wide: list[tuple[int, int]] = []
    for low, high in ranges:
        if high - low < 4096:
            allowed.update(range(low, high + 1))
        else:
            wide.append((low, high))

    def test(code: int) -> bool:
        return code in allowed or any(low <= code <= high for low, high in wide)

    return test


def _check_dashes(cue: Cue, profile: TimedTextProfile, add: Add) -> None:
    lines = cue.lines
    dashed = [line[:1] in _DASHES and len(line) > 1 for line in lines]
    if not any(dashed):
        return
    style = profile.dual_speaker
    if style is None:
        return
    with_space = style.endswith("with-space")
    for number, (line, dash) in enumerate(zip(lines, dashed, strict=True), start=1):
        if not dash:
            continue
        spaced = line[1] == " "
        if spaced != with_space:
            wanted = "a space" if with_space else "no space"
            add(
                "TT-DASH",
                cue,
                f"line {number}: speaker dash with{'' if spaced else 'out'} a "
                f"space, the profile wants {wanted}",
                line[:2],
                style,
            )
    if len(lines) == 2:
        if style.startswith("both") and dashed[1] and not dashed[0]:
            add("TT-DASH", cue, "dual speakers: dash both lines", None, style)
        if style.startswith("second") and dashed[0]:
            add("TT-DASH", cue, "dual speakers: dash the second line only", None, style)


def _check_whitespace(cue: Cue, add: Add) -> None:
    for number, line in enumerate(cue.lines, start=1):
        if line != line.strip():
            add("TT-WS", cue, f"line {number} starts or ends with a space")
        if "  " in line:
            add("TT-WS", cue, f"line {number} has two spaces in a row")
        if _SPACE_BEFORE.search(line):
            add("TT-WS", cue, f"line {number} has a space before punctuation")
    if any(not line.strip() for line in cue.lines):
        add("TT-WS", cue, "an empty line inside the event")


def _check_italics(cue: Cue, profile: TimedTextProfile, add: Add) -> None:
    if cue.italic and not profile.italics_allowed:
        add("TT-ITALIC", cue, f"italics are not used in {profile.language}")
    depth = 0
    for line in cue.markup:
        if "<" not in line and "{" not in line:
            continue
        for match in _ITALIC_TAG.finditer(line):
            closing = match.group(1) == "/" or match.group(2) == "0"
            depth += -1 if closing else 1
            if depth < 0 or depth > 1:
                add("TT-ITALIC", cue, "italic tags are not balanced")
                return
    if depth:
        add("TT-ITALIC", cue, "an italic tag is not closed")


def _check_shot_changes(
    cues: Sequence[Cue], cuts: Sequence[float], profile: TimedTextProfile, fps: float, add: Add
) -> None:
    rules = profile.shot_changes
    cut_frames = [frames(cut, fps) for cut in cuts]
    for cue in cues:
        start, end = frames(cue.start, fps), frames(cue.end, fps)
        nearest = _nearest(cut_frames, start)
        if nearest is not None:
            offset = start - nearest  # > 0: after the cut
            if 0 < offset <= rules.in_snap_after:
                add(
                    "TT-SC-IN",
                    cue,
                    f"starts {offset} frames after a shot change: start on it",
                    offset,
                    0,
                )
            elif 0 < -offset <= rules.in_snap_before:
                add(
                    "TT-SC-IN",
                    cue,
                    f"starts {-offset} frames before a shot change: start on it",
                    offset,
                    0,
                )
            elif rules.in_snap_before < -offset <= rules.in_pull_before:
                add(
                    "TT-SC-IN",
                    cue,
                    f"starts {-offset} frames before a shot change: start "
                    f"{rules.in_pull_to} frames before it",
                    offset,
                    -rules.in_pull_to,
                )
        nearest = _nearest(cut_frames, end)
        if nearest is not None:
            offset = end - nearest
            if -rules.out_window <= offset <= rules.out_window and offset != -rules.out_gap:
                where = (
                    "on"
                    if offset == 0
                    else f"{abs(offset)} frames {'after' if offset > 0 else 'before'}"
                )
                add(
                    "TT-SC-OUT",
                    cue,
                    f"ends {where} a shot change: end {rules.out_gap} frames before it",
                    offset,
                    -rules.out_gap,
                )


def _nearest(cuts: Sequence[int], frame: int) -> int | None:
    if not cuts:
        return None
    at = bisect.bisect_left(cuts, frame)
    candidates = [cuts[i] for i in (at - 1, at) if 0 <= i < len(cuts)]
    return min(candidates, key=lambda cut: (abs(cut - frame), cut))
