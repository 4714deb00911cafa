"""Quality control of deliverables outside an audit (``charter qc ...``).

The service takes the readers it needs (the composition root hands over the file adapters)
and returns one result per file; a file that cannot be read is an ``error`` result naming
the file and place, and the others are still checked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from charter.domain.errors import InputError
from charter.domain.quality_profiles import (
    ArtworkProfile,
    AudioProfile,
    TextProfile,
    TimedTextProfile,
)
from charter.quality.artwork_rules import ImageFacts, check_artwork
from charter.quality.audio_rules import AudioMeasurement, check_audio
from charter.quality.text_rules import TextDocument, TextScores, check_text
from charter.quality.timed_text import TimedText
from charter.quality.timed_text_rules import QcFinding, check_timed_text


def verdict_of(error: str | None, findings: list[QcFinding]) -> str:
    """``error`` when the file could not be read, ``fail`` on an error-severity finding,
    ``warn`` on a warning, else ``pass`` (info findings never change the verdict)."""
    if error:
        return "error"
    if any(f.severity == "error" for f in findings):
        return "fail"
    return "warn" if any(f.severity == "warning" for f in findings) else "pass"


@dataclass(frozen=True)
class SubtitleResult:
    """One subtitle file: its format, events, the frame rate the rules used, findings."""

    path: str
    format: str | None
    events: int
    fps: float | None
    findings: list[QcFinding] = field(default_factory=list)
    error: str | None = None
    duration_ms: int | None = None
    """End of the last event: the running time a timeline spans."""

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


@dataclass(frozen=True)
class SubtitleRun:
    profile: TimedTextProfile
    files: list[SubtitleResult]
    skipped_rules: tuple[str, ...] = ()

    @property
    def unreadable(self) -> int:
        return sum(1 for f in self.files if f.error is not None)

    @property
    def errors(self) -> int:
        return sum(f.errors for f in self.files)


def qc_subtitles(
    paths: Sequence[Path],
    profile: TimedTextProfile,
    read: Callable[[Path], TimedText],
    *,
    fps: float | None = None,
    shot_changes: Sequence[float] = (),
    skip: frozenset[str] = frozenset(),
) -> SubtitleRun:
    """Check every file against ``profile``. Frame-based rules use ``fps``, else the TTML
    file's declared frame rate, else the profile's ``default_frame_rate``."""
    results = []
    for path in paths:
        try:
            document = read(path)
        except InputError as exc:
            results.append(SubtitleResult(str(path), None, 0, None, error=str(exc)))
            continue
        rate = fps or (float(document.frame_rate) if document.frame_rate else None)
        rate = rate or profile.default_frame_rate
        findings = check_timed_text(document, profile, rate, shot_changes=shot_changes, skip=skip)
        end = max((cue.end for cue in document.cues), default=0.0)
        results.append(
            SubtitleResult(
                str(path),
                document.format,
                len(document.cues),
                rate,
                findings,
                duration_ms=round(end * 1000),
            )
        )
    return SubtitleRun(profile, results, tuple(sorted(skip)))


@dataclass(frozen=True)
class AudioResult:
    path: str
    measurement: AudioMeasurement | None
    findings: list[QcFinding] = field(default_factory=list)
    error: str | None = None

    @property
    def verdict(self) -> str:
        return verdict_of(self.error, self.findings)


@dataclass(frozen=True)
class AudioRun:
    profile: AudioProfile
    files: list[AudioResult]

    @property
    def unreadable(self) -> int:
        return sum(1 for f in self.files if f.error is not None)

    @property
    def failed(self) -> int:
        return sum(1 for f in self.files if f.verdict == "fail")


def qc_audio(
    paths: Sequence[Path], profile: AudioProfile, measure: Callable[[Path], AudioMeasurement]
) -> AudioRun:
    """Measure every file (streamed) and judge it against ``profile``."""
    judged = _judge_each(paths, measure, lambda m: check_audio(m, profile))
    return AudioRun(profile, [AudioResult(*row) for row in judged])


F = TypeVar("F")


def _judge_each(
    paths: Sequence[Path], read: Callable[[Path], F], judge: Callable[[F], list[QcFinding]]
) -> list[tuple[str, F | None, list[QcFinding], str | None]]:
    """``(path, facts, findings, error)`` per file: a file that cannot be read is an error
    row and the others are still judged."""
    rows: list[tuple[str, F | None, list[QcFinding], str | None]] = []
    for path in paths:
        try:
            facts = read(path)
        except InputError as exc:
            rows.append((str(path), None, [], str(exc)))
            continue
        rows.append((str(path), facts, judge(facts), None))
    return rows


@dataclass(frozen=True)
class ArtworkResult:
    path: str
    image: ImageFacts | None
    findings: list[QcFinding] = field(default_factory=list)
    error: str | None = None

    @property
    def verdict(self) -> str:
        return verdict_of(self.error, self.findings)


@dataclass(frozen=True)
class ArtworkRun:
    profile: ArtworkProfile
    files: list[ArtworkResult]


def qc_artwork(
    paths: Sequence[Path], profile: ArtworkProfile, read: Callable[[Path], ImageFacts]
) -> ArtworkRun:
    """Check every image's header facts against the partner's profile."""
    judged = _judge_each(paths, read, lambda image: check_artwork(image, profile))
    return ArtworkRun(profile, [ArtworkResult(*row) for row in judged])


@dataclass(frozen=True)
class TextResult:
    path: str
    entries: int
    findings: list[QcFinding] = field(default_factory=list)
    scores: TextScores | None = None
    error: str | None = None

    @property
    def verdict(self) -> str:
        return verdict_of(self.error, self.findings)


@dataclass(frozen=True)
class TextRun:
    profile: TextProfile
    files: list[TextResult]


def qc_text(
    paths: Sequence[Path],
    profile: TextProfile,
    read: Callable[[Path, str], TextDocument],
    *,
    field_name: str | None = None,
    maturity: str | None = None,
    source: Path | None = None,
    reference: Path | None = None,
) -> TextRun:
    """Check every text file; ``source`` and ``reference`` are read once (an unreadable one
    is an ``InputError`` for the caller: every file would need it)."""
    chosen = field_name or profile.default_field
    original = read(source, chosen) if source else None
    wanted = read(reference, chosen) if reference else None
    results = []
    for path in paths:
        try:
            document = read(path, chosen)
        except InputError as exc:
            results.append(TextResult(str(path), 0, error=str(exc)))
            continue
        findings, scores = check_text(
            document, profile, maturity=maturity, source=original, reference=wanted
        )
        results.append(TextResult(str(path), len(document.entries), findings, scores))
    return TextRun(profile, results)
