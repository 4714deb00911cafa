"""Quality of AI-made deliverables: subtitles and audio checked against their profiles.

Files are read through ``ctx.deliverables`` (the ``DeliverableFiles`` port); the rules are
``charter.quality.timed_text_rules``; limits come from the profile the card names, and a
pack threshold, where set, replaces the profile's limit (docs/quality.md).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from charter.checks.support import system_of, system_violation, use_case_violation
from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.errors import InputError
from charter.domain.guidelines import Scope
from charter.domain.ports import DeliverableFiles
from charter.domain.quality_profiles import AudioProfile, TimedTextProfile
from charter.domain.status import Status
from charter.domain.systems import DeliverableKind, QualityDeliverable
from charter.domain.usecases import MediaType
from charter.quality.audio_rules import check_audio
from charter.quality.timed_text_rules import QcFinding, check_timed_text

PARTNER_PACK = "partner-ai-usage"
GENAI_PACK = "genai-content-production"
EXAMPLES_PER_FINDING = 10
"""Events listed in a finding's evidence (the count covers them all)."""


def _files(ctx: CheckContext) -> DeliverableFiles:
    if ctx.deliverables is None:
        raise RuntimeError("no deliverable reader was given to the audit")
    return ctx.deliverables


class _DeliverableCheck(Check):
    """Finds the deliverables of one kind a card or a use case names and checks each file
    (``_check``); the subclasses say which kind and how a file is judged."""

    kind: ClassVar[DeliverableKind]
    media_types: ClassVar[frozenset[MediaType]]
    scopes: ClassVar[tuple[Scope, ...]] = (Scope.SYSTEM, Scope.USE_CASE)

    def run(self, ctx: CheckContext) -> Outcome:
        if ctx.requirement.scope is Scope.USE_CASE:
            return self._use_cases(ctx)
        card = system_of(ctx)
        if not any(d.kind == self.kind for d in card.evaluations.quality):
            return Outcome.not_applicable(
                f"the card names no {self.kind} deliverable "
                f"(evaluations.quality, kind: {self.kind})"
            )
        violations: list[Violation] = []
        evidence: dict[str, Any] = {}
        for index, deliverable in enumerate(card.evaluations.quality):
            if deliverable.kind != self.kind:
                continue
            where = ("evaluations", "quality", index)

            def violation(
                message: str,
                detail: dict[str, Any],
                aspect: str,
                status: Status = Status.FAIL,
                where: tuple[str | int, ...] = where,
            ) -> Violation:
                return system_violation(ctx, where, message, detail, aspect=aspect, status=status)

            evidence[deliverable.id] = self._check(ctx, deliverable, violation, violations)
        return Outcome.from_violations(violations, {"deliverables": evidence})

    def _use_cases(self, ctx: CheckContext) -> Outcome:
        violations: list[Violation] = []
        evidence: dict[str, Any] = {}
        for use_case in ctx.use_cases:
            for index, item in enumerate(use_case.deliverables):
                if item.media_type not in self.media_types:
                    continue
                spec = QualityDeliverable(
                    id=f"deliverable-{index + 1}", kind=self.kind, path=item.path
                )
                where = ("deliverables", index)

                def violation(
                    message: str,
                    detail: dict[str, Any],
                    aspect: str,
                    status: Status = Status.FAIL,
                    where: tuple[str | int, ...] = where,
                    use_case_id: str = use_case.id,
                ) -> Violation:
                    return use_case_violation(
                        ctx, use_case_id, where, message, detail, aspect=aspect, status=status
                    )

                evidence[f"{use_case.id}:{item.path}"] = self._check(
                    ctx, spec, violation, violations
                )
        if not evidence:
            return Outcome.not_applicable(f"no {self.kind} deliverable is listed")
        return Outcome.from_violations(violations, {"deliverables": evidence})

    noun: ClassVar[str]
    """How messages name one file of the kind (``no subtitle file matches ...``)."""

    def _check(
        self,
        ctx: CheckContext,
        deliverable: QualityDeliverable,
        violation: Any,
        violations: list[Violation],
    ) -> dict[str, Any]:
        """Every file of the deliverable: one violation per failed rule, an ``error`` for a
        file that cannot be read; returns the evidence."""
        files = _files(ctx)
        root = ctx.workspace.root
        profile = self._profile(ctx, files, deliverable)
        paths = files.matching(root, deliverable.path)
        if not paths:
            violations.append(
                violation(f"no {self.noun} file matches '{deliverable.path}'", {}, "missing")
            )
            return {"profile": profile.id, "files": {}}
        summary: dict[str, Any] = {}
        for path in paths:
            name = path.relative_to(root).as_posix()
            try:
                findings, facts = self._judge(ctx, files, deliverable, profile, path)
            except InputError as exc:
                message = str(exc).replace(f"{root}/", "")  # workspace-relative, as elsewhere
                violations.append(violation(message, {"file": name}, name, status=Status.ERROR))
                summary[name] = {"error": message}
                continue
            failed: dict[str, list[QcFinding]] = defaultdict(list)
            for finding in findings:
                if finding.severity == "error":
                    failed[finding.rule].append(finding)
            for rule, found in failed.items():
                message, evidence = self._finding(name, rule, found)
                violations.append(violation(message, evidence, f"{name}:{rule}"))
            summary[name] = facts
        return {"profile": profile.id, "files": summary}

    def _profile(
        self, ctx: CheckContext, files: DeliverableFiles, deliverable: QualityDeliverable
    ) -> Any:
        """The deliverable's profile with the pack's thresholds applied."""
        raise NotImplementedError

    def _judge(
        self,
        ctx: CheckContext,
        files: DeliverableFiles,
        deliverable: QualityDeliverable,
        profile: Any,
        path: Path,
    ) -> tuple[list[QcFinding], dict[str, Any]]:
        """One file's findings and its evidence; ``InputError`` when it cannot be read."""
        raise NotImplementedError

    def _finding(self, name: str, rule: str, found: list[QcFinding]) -> tuple[str, dict[str, Any]]:
        """The message and evidence of one failed rule in one file."""
        raise NotImplementedError


@dataclass(frozen=True)
class _Subtitling:
    """A subtitle deliverable's profile and shot changes, read once for all its files."""

    limits: TimedTextProfile
    cuts: list[float]

    @property
    def id(self) -> str:
        return self.limits.id


class SubtitlesMeetProfile(_DeliverableCheck):
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
        self, ctx: CheckContext, files: DeliverableFiles, deliverable: QualityDeliverable
    ) -> _Subtitling:
        profile = files.timed_text_profile(_reference(ctx, deliverable, "timed-text/en-US"))
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
        deliverable: QualityDeliverable,
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


def _reference(ctx: CheckContext, deliverable: QualityDeliverable, default: str) -> str:
    """The profile a deliverable names: a built-in id, or a file in the workspace."""
    reference = deliverable.profile or default
    if reference.endswith((".yaml", ".yml")):
        return str(ctx.workspace.root / reference)
    return reference


class AudioMeetsProfile(_DeliverableCheck):
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
        self, ctx: CheckContext, files: DeliverableFiles, deliverable: QualityDeliverable
    ) -> AudioProfile:
        profile = files.audio_profile(_reference(ctx, deliverable, "audio/platform-dub"))
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
        deliverable: QualityDeliverable,
        profile: AudioProfile,
        path: Path,
    ) -> tuple[list[QcFinding], dict[str, Any]]:
        measurement = files.audio(path)
        findings = check_audio(measurement, profile)
        return findings, {
            "integrated_lufs": _rounded(measurement.integrated_lufs),
            "true_peak_dbtp": _rounded(measurement.true_peak_dbtp),
            "loudness_range_lu": _rounded(measurement.loudness_range_lu),
            "warnings": [f.message for f in findings if f.severity != "error"],
        }

    def _finding(self, name: str, rule: str, found: list[QcFinding]) -> tuple[str, dict[str, Any]]:
        evidence = {"file": name, "rule": rule, "value": found[0].value, "limit": found[0].limit}
        return f"{name}: {rule} " + "; ".join(f.message for f in found), evidence


def _rounded(value: float) -> float | None:
    return round(value, 2) if math.isfinite(value) else None


CHECKS: list[type[Check]] = [SubtitlesMeetProfile, AudioMeetsProfile]
