"""Quality of AI-made deliverables: subtitles checked against their timed-text profile.

Files are read through ``ctx.deliverables`` (the ``DeliverableFiles`` port); the rules are
``charter.quality.timed_text_rules``; limits come from the profile the card names, and a
pack threshold, where set, replaces the profile's limit (docs/quality.md).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, ClassVar

from charter.checks.support import system_of, system_violation, use_case_violation
from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.errors import InputError
from charter.domain.guidelines import Scope
from charter.domain.ports import DeliverableFiles
from charter.domain.quality_profiles import TimedTextProfile
from charter.domain.status import Status
from charter.domain.systems import QualityDeliverable
from charter.domain.usecases import MediaType
from charter.quality.timed_text_rules import check_timed_text

PARTNER_PACK = "partner-ai-usage"
GENAI_PACK = "genai-content-production"
EXAMPLES_PER_FINDING = 10
"""Events listed in a finding's evidence (the count covers them all)."""


def _files(ctx: CheckContext) -> DeliverableFiles:
    if ctx.deliverables is None:
        raise RuntimeError("no deliverable reader was given to the audit")
    return ctx.deliverables


class SubtitlesMeetProfile(Check):
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
    scopes: ClassVar[tuple[Scope, ...]] = (Scope.SYSTEM, Scope.USE_CASE)
    inputs = (
        "systems/<id>.yaml: evaluations.quality (kind: subtitles)",
        "usecases/<id>.yaml: deliverables (media_type: subtitles)",
        "the subtitle files they name",
    )
    parameters = ("max_chars_per_line", "max_reading_speed_cps")

    def run(self, ctx: CheckContext) -> Outcome:
        if ctx.requirement.scope is Scope.USE_CASE:
            return self._use_cases(ctx)
        card = system_of(ctx)
        deliverables = [d for d in card.evaluations.quality if d.kind == "subtitles"]
        if not deliverables:
            return Outcome.not_applicable(
                "the card names no subtitle deliverable (evaluations.quality, kind: subtitles)"
            )
        violations: list[Violation] = []
        evidence: dict[str, Any] = {}
        for index, deliverable in enumerate(card.evaluations.quality):
            if deliverable.kind != "subtitles":
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
                if item.media_type is not MediaType.SUBTITLES:
                    continue
                spec = QualityDeliverable(
                    id=f"deliverable-{index + 1}", kind="subtitles", path=item.path
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
            return Outcome.not_applicable("no subtitle deliverable is listed")
        return Outcome.from_violations(violations, {"deliverables": evidence})

    def _check(
        self,
        ctx: CheckContext,
        deliverable: QualityDeliverable,
        violation: Any,
        violations: list[Violation],
    ) -> dict[str, Any]:
        files = _files(ctx)
        root = ctx.workspace.root
        profile = self._profile(ctx, files, deliverable)
        cuts: list[float] = []
        if deliverable.shot_changes:
            cuts = files.shot_changes(
                root / deliverable.shot_changes, deliverable.fps or profile.default_frame_rate
            )
        if deliverable.glyphs:
            profile = profile.model_copy(update={"glyphs": files.glyphs(root / deliverable.glyphs)})
        paths = files.matching(root, deliverable.path)
        if not paths:
            violations.append(
                violation(f"no subtitle file matches '{deliverable.path}'", {}, "missing")
            )
            return {"profile": profile.id, "files": {}}
        summary: dict[str, Any] = {}
        for path in paths:
            name = path.relative_to(root).as_posix()
            try:
                document = files.timed_text(path)
            except InputError as exc:
                message = str(exc).replace(f"{root}/", "")  # workspace-relative, as elsewhere
                violations.append(violation(message, {"file": name}, name, status=Status.ERROR))
                summary[name] = {"error": message}
                continue
            fps = deliverable.fps or (float(document.frame_rate) if document.frame_rate else None)
            findings = check_timed_text(
                document, profile, fps or profile.default_frame_rate, shot_changes=cuts
            )
            by_rule: dict[str, list[Any]] = defaultdict(list)
            for finding in findings:
                if finding.severity == "error":
                    by_rule[finding.rule].append(finding)
            for rule, found in by_rule.items():
                first = found[0]
                where = "" if first.event is None else f" (event {first.event}"
                if where and len(found) > 1:
                    where += f" and {len(found) - 1} more"
                violations.append(
                    violation(
                        f"{name}: {rule} {first.message}{where + ')' if where else ''}",
                        {
                            "file": name,
                            "rule": rule,
                            "count": len(found),
                            "limit": first.limit,
                            "events": [
                                {"event": f.event, "start_ms": f.start_ms, "value": f.value}
                                for f in found[:EXAMPLES_PER_FINDING]
                            ],
                        },
                        f"{name}:{rule}",
                    )
                )
            summary[name] = {
                "format": document.format,
                "events": len(document.cues),
                "errors": sum(len(v) for v in by_rule.values()),
                "warnings": sum(1 for f in findings if f.severity == "warning"),
            }
        return {"profile": profile.id, "files": summary}

    @staticmethod
    def _profile(
        ctx: CheckContext, files: DeliverableFiles, deliverable: QualityDeliverable
    ) -> TimedTextProfile:
        reference = deliverable.profile
        if reference.endswith((".yaml", ".yml")):
            reference = str(ctx.workspace.root / reference)
        profile = files.timed_text_profile(reference)
        overrides: dict[str, float] = {}
        if "max_chars_per_line" in ctx.thresholds:
            overrides["max_chars_per_line"] = int(ctx.threshold("max_chars_per_line"))
        if "max_reading_speed_cps" in ctx.thresholds:
            overrides["max_cps"] = ctx.threshold("max_reading_speed_cps")
        return profile.model_copy(update=overrides) if overrides else profile


CHECKS: list[type[Check]] = [SubtitlesMeetProfile]
