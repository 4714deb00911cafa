"""Quality of AI-made deliverables: subtitles, audio, artwork and text against profiles.

Files are read through ``ctx.deliverables`` (the ``DeliverableFiles`` port); the rules are
``charter.quality.timed_text_rules``; limits come from the profile the card names, and a
pack threshold, where set, replaces the profile's limit (docs/quality.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from charter.checks.deliverable_check import DeliverableCheck, DeliverableRef, profile_reference
from charter.domain.checks import Check, CheckContext
from charter.domain.ports import DeliverableFiles
from charter.domain.quality_profiles import (
    ArtworkProfile,
    AudioProfile,
    TextProfile,
    TimedTextProfile,
)
from charter.domain.usecases import MediaType
from charter.quality.artwork_rules import check_artwork
from charter.quality.audio_rules import check_audio
from charter.quality.text_rules import TextDocument, check_text
from charter.quality.timed_text_rules import QcFinding, check_timed_text

PARTNER_PACK = "partner-ai-usage"
GENAI_PACK = "genai-content-production"
EXAMPLES_PER_FINDING = 10
"""Events listed in a finding's evidence (the count covers them all)."""
TIMELINE_MARKS = 500
"""Timed findings kept per file for the report's timeline (errors and warnings)."""


@dataclass(frozen=True)
class _Subtitling:
    """A subtitle deliverable's profile and shot changes, read once for all its files."""

    limits: TimedTextProfile
    cuts: list[float]

    @property
    def id(self) -> str:
        return self.limits.id


class SubtitlesMeetProfile(DeliverableCheck):
    """Every subtitle file a system card names in ``evaluations.quality`` (``kind:
    subtitles``), or a GenAI use case lists as a ``subtitles`` deliverable, is read (SRT,
    WebVTT, TTML/IMSC) and checked against its timed-text profile (default
    ``timed-text/en-US``): line length, lines, reading speed, durations, frame gaps,
    glyphs, punctuation, shot changes when a cut list is given. Each rule an error-severity
    finding breaks in a file is one finding, with the events that break it; warnings are
    counted in the evidence. A file that cannot be read is an ``error`` for that file."""

    id = "quality.subtitles"
    title = "AI subtitles meet the timed-text style rules"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:QUAL-01", f"{GENAI_PACK}:GENAI-10")
    inputs = (
        "systems/<id>.yaml: evaluations.quality (kind: subtitles)",
        "usecases/<id>.yaml: deliverables (media_type: subtitles)",
        "the subtitle files they name",
    )
    parameters = ("max_chars_per_line", "max_reading_speed_cps")
    kind = "subtitles"
    noun = "subtitle"
    media_types = frozenset({MediaType.SUBTITLES})

    def _profile(
        self, ctx: CheckContext, files: DeliverableFiles, deliverable: DeliverableRef
    ) -> _Subtitling:
        profile = files.timed_text_profile(profile_reference(ctx, deliverable, "timed-text/en-US"))
        overrides: dict[str, Any] = {}
        if "max_chars_per_line" in ctx.thresholds:
            overrides["max_chars_per_line"] = int(ctx.threshold("max_chars_per_line"))
        if "max_reading_speed_cps" in ctx.thresholds:
            overrides["max_cps"] = ctx.threshold("max_reading_speed_cps")
        if deliverable.glyphs:
            overrides["glyphs"] = files.glyphs(ctx.workspace.root / deliverable.glyphs)
        if overrides:
            profile = profile.model_copy(update=overrides)
        cuts: list[float] = []
        if deliverable.shot_changes:  # read once for every file of the deliverable
            cuts = files.shot_changes(
                ctx.workspace.root / deliverable.shot_changes,
                deliverable.fps or profile.default_frame_rate,
            )
        return _Subtitling(profile, cuts)

    def _judge(
        self,
        ctx: CheckContext,
        files: DeliverableFiles,
        deliverable: DeliverableRef,
        profile: _Subtitling,
        path: Path,
    ) -> tuple[list[QcFinding], dict[str, Any]]:
        document = files.timed_text(path)
        fps = deliverable.fps or (float(document.frame_rate) if document.frame_rate else None)
        limits = profile.limits
        findings = check_timed_text(
            document, limits, fps or limits.default_frame_rate, shot_changes=profile.cuts
        )
        return findings, {
            "format": document.format,
            "events": len(document.cues),
            "errors": sum(1 for f in findings if f.severity == "error"),
            "warnings": sum(1 for f in findings if f.severity == "warning"),
            "duration_ms": round(max((c.end for c in document.cues), default=0.0) * 1000),
            "timeline": [
                {
                    "rule": f.rule,
                    "event": f.event,
                    "start_ms": f.start_ms,
                    "end_ms": f.end_ms,
                    "severity": f.severity,
                    "message": f.message,
                }
                for f in findings[:TIMELINE_MARKS]
                if f.start_ms is not None
            ],
        }

    def _finding(self, name: str, rule: str, found: list[QcFinding]) -> tuple[str, dict[str, Any]]:
        first = found[0]
        where = "" if first.event is None else f" (event {first.event}"
        if where and len(found) > 1:
            where += f" and {len(found) - 1} more"
        evidence = {
            "file": name,
            "rule": rule,
            "count": len(found),
            "limit": first.limit,
            "events": [
                {"event": f.event, "start_ms": f.start_ms, "value": f.value}
                for f in found[:EXAMPLES_PER_FINDING]
            ],
        }
        return f"{name}: {rule} {first.message}{where + ')' if where else ''}", evidence


class AudioMeetsProfile(DeliverableCheck):
    """Every audio file a system card names in ``evaluations.quality`` (``kind: audio``),
    or a GenAI use case lists as an ``audio`` or ``voice`` deliverable, is streamed through
    the BS.1770-4 meter and judged against its audio profile (default
    ``audio/platform-dub``): programme loudness, true peak, format; clipping and silence
    are counted as warnings. The pack's ``integrated_loudness`` band and ``true_peak``,
    where set, replace the profile's. Each failed rule is one finding per file; a file
    that cannot be read (truncated, not audio) is an ``error`` for that file."""

    id = "quality.audio"
    title = "AI dubbing audio meets the loudness spec"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:QUAL-02", f"{GENAI_PACK}:GENAI-11")
    inputs = (
        "systems/<id>.yaml: evaluations.quality (kind: audio)",
        "usecases/<id>.yaml: deliverables (media_type: audio or voice)",
        "the WAV, BWF or FLAC files they name",
    )
    parameters = ("integrated_loudness", "true_peak")
    kind = "audio"
    noun = "audio"
    media_types = frozenset({MediaType.AUDIO, MediaType.VOICE})

    def _profile(
        self, ctx: CheckContext, files: DeliverableFiles, deliverable: DeliverableRef
    ) -> AudioProfile:
        profile = files.audio_profile(profile_reference(ctx, deliverable, "audio/platform-dub"))
        band = ctx.thresholds.get("integrated_loudness")
        overrides: dict[str, float] = {}
        if isinstance(band, tuple):
            low, high = band
            overrides |= {"target_lufs": (low + high) / 2, "tolerance_lu": (high - low) / 2}
        if "true_peak" in ctx.thresholds:
            overrides["max_true_peak_dbtp"] = ctx.threshold("true_peak")
        return profile.model_copy(update=overrides) if overrides else profile

    def _judge(
        self,
        ctx: CheckContext,
        files: DeliverableFiles,
        deliverable: DeliverableRef,
        profile: AudioProfile,
        path: Path,
    ) -> tuple[list[QcFinding], dict[str, Any]]:
        measurement = files.audio(path)
        findings = check_audio(measurement, profile)
        return findings, {
            "integrated_lufs": _rounded(measurement.integrated_lufs),
            "true_peak_dbtp": _rounded(measurement.true_peak_dbtp),
            "loudness_range_lu": _rounded(measurement.loudness_range_lu),
            "dialogue_lufs_advisory": _rounded(measurement.dialogue_lufs),
            "speech_fraction": round(measurement.speech_fraction, 3),
            "target_lufs": profile.target_lufs,
            "tolerance_lu": profile.tolerance_lu,
            "max_true_peak_dbtp": profile.max_true_peak_dbtp,
            "warnings": [f.message for f in findings if f.severity != "error"],
        }

    def _finding(self, name: str, rule: str, found: list[QcFinding]) -> tuple[str, dict[str, Any]]:
        evidence = {"file": name, "rule": rule, "value": found[0].value, "limit": found[0].limit}
        return f"{name}: {rule} " + "; ".join(f.message for f in found), evidence


def _rounded(value: float) -> float | None:
    return round(value, 2) if math.isfinite(value) else None


class ArtworkMeetsProfile(DeliverableCheck):
    """Every image a system card names in ``evaluations.quality`` (``kind: artwork``), or a
    GenAI use case lists as an ``image`` deliverable, is checked from its header (Pillow;
    pixels are not decoded) against the partner's artwork profile: format, dimensions,
    aspect ratio within tolerance, colour mode, embedded ICC profile, file size, alpha.
    Platform artwork specs are not public, so there is no built-in profile: a deliverable
    that names none is ``insufficient_evidence``. Each failed rule is one finding per
    file; an unreadable or absurdly large image is an ``error`` for that file."""

    id = "quality.artwork"
    title = "AI artwork meets the partner's artwork profile"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:QUAL-03", f"{GENAI_PACK}:GENAI-12")
    inputs = (
        "systems/<id>.yaml: evaluations.quality (kind: artwork, profile)",
        "usecases/<id>.yaml: deliverables (media_type: image, profile)",
        "the images they name and the artwork profile file",
    )
    kind = "artwork"
    noun = "artwork"
    media_types = frozenset({MediaType.IMAGE})

    def _profile(
        self, ctx: CheckContext, files: DeliverableFiles, deliverable: DeliverableRef
    ) -> ArtworkProfile | None:
        if deliverable.profile is None:
            return None
        return files.artwork_profile(profile_reference(ctx, deliverable, ""))

    def _judge(
        self,
        ctx: CheckContext,
        files: DeliverableFiles,
        deliverable: DeliverableRef,
        profile: ArtworkProfile,
        path: Path,
    ) -> tuple[list[QcFinding], dict[str, Any]]:
        image = files.image(path)
        return check_artwork(image, profile), {
            "format": image.format,
            "width": image.width,
            "height": image.height,
            "mode": image.mode,
            "bytes": image.bytes,
        }


@dataclass(frozen=True)
class _Writing:
    """A text deliverable's profile and its source and reference texts, read once."""

    limits: TextProfile
    source: TextDocument | None
    reference: TextDocument | None

    @property
    def id(self) -> str:
        return self.limits.id


class TextMeetsProfile(DeliverableCheck):
    """Every AI-written text a system card names in ``evaluations.quality`` (``kind:
    text``), or a GenAI use case lists as a ``text`` deliverable, is checked against its
    text profile (default ``text/synopsis``): length per field in grapheme clusters, model
    artefacts and placeholders ("As an AI language model", ``[INSERT``, ``{{``),
    profanity when the card gives a clean maturity rating, numbers kept from the
    ``source`` text; names kept and chrF below the profile's minimum against a
    ``reference`` are warnings. chrF and BLEU (sacrebleu, with their signatures) are in the
    evidence. Each failed rule is one finding per file."""

    id = "quality.text"
    title = "AI-written text has no model artefacts and fits its limits"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:QUAL-04", f"{GENAI_PACK}:GENAI-15")
    inputs = (
        "systems/<id>.yaml: evaluations.quality (kind: text, field, source, reference, maturity)",
        "usecases/<id>.yaml: deliverables (media_type: text)",
        "the text files they name (plain text, or YAML/JSON fields)",
    )
    kind = "text"
    noun = "text"
    media_types = frozenset({MediaType.TEXT})

    def _profile(
        self, ctx: CheckContext, files: DeliverableFiles, deliverable: DeliverableRef
    ) -> _Writing:
        profile = files.text_profile(profile_reference(ctx, deliverable, "text/synopsis"))
        settings = deliverable.settings
        root = ctx.workspace.root
        field = (settings.field if settings else None) or profile.default_field
        source = reference = None
        if settings and settings.source:
            source = files.text(root / settings.source, field)
        if settings and settings.reference:
            reference = files.text(root / settings.reference, field)
        return _Writing(profile, source, reference)

    def _judge(
        self,
        ctx: CheckContext,
        files: DeliverableFiles,
        deliverable: DeliverableRef,
        profile: _Writing,
        path: Path,
    ) -> tuple[list[QcFinding], dict[str, Any]]:
        settings = deliverable.settings
        field = (settings.field if settings else None) or profile.limits.default_field
        document = files.text(path, field)
        findings, scores = check_text(
            document,
            profile.limits,
            maturity=settings.maturity if settings else None,
            source=profile.source,
            reference=profile.reference,
        )
        facts: dict[str, Any] = {
            "entries": len(document.entries),
            "warnings": [f.message for f in findings if f.severity != "error"],
        }
        if scores is not None:
            facts["reference"] = scores.as_dict()
        return findings, facts


CHECKS: list[type[Check]] = [
    SubtitlesMeetProfile,
    AudioMeetsProfile,
    ArtworkMeetsProfile,
    TextMeetsProfile,
]
