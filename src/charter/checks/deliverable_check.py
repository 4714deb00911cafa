"""The template of the checks that judge deliverable files, file by file: the quality checks
(subtitles, audio, artwork, text) and the provenance check.

A subclass says which deliverables it takes (from a system card's ``evaluations.quality``,
from a GenAI use case's ``deliverables``) and how one file is judged; the template finds
the files, turns an unreadable file into an ``error`` result for that file, and makes one
finding per failed rule per file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

from charter.checks.support import system_of, system_violation, use_case_violation
from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.errors import InputError
from charter.domain.guidelines import Scope
from charter.domain.ports import DeliverableFiles
from charter.domain.status import Status
from charter.domain.systems import QualityDeliverable
from charter.domain.usecases import Deliverable, MediaType
from charter.quality.timed_text_rules import QcFinding


@dataclass(frozen=True)
class DeliverableRef:
    """One deliverable as a check sees it, from a card or a use case."""

    id: str
    path: str
    media: str
    """The card's ``kind`` or the use case's ``media_type``."""
    profile: str | None = None
    fps: float | None = None
    shot_changes: str | None = None
    glyphs: str | None = None
    digital_source_type: str | None = None
    settings: QualityDeliverable | None = None
    """The card entry itself, for kind-specific settings."""

    @classmethod
    def of_card(cls, item: QualityDeliverable) -> DeliverableRef:
        return cls(
            id=item.id,
            path=item.path,
            media=item.kind,
            profile=item.profile,
            fps=item.fps,
            shot_changes=item.shot_changes,
            glyphs=item.glyphs,
            digital_source_type=item.digital_source_type,
            settings=item,
        )

    @classmethod
    def of_use_case(cls, item: Deliverable, index: int) -> DeliverableRef:
        return cls(
            id=f"deliverable-{index + 1}",
            path=item.path,
            media=str(item.media_type),
            profile=item.profile,
            digital_source_type=item.digital_source_type,
        )


class ViolationFactory(Protocol):
    def __call__(
        self, message: str, detail: dict[str, Any], aspect: str, status: Status = Status.FAIL
    ) -> Violation: ...


def deliverable_files(ctx: CheckContext) -> DeliverableFiles:
    if ctx.deliverables is None:
        raise RuntimeError("no deliverable reader was given to the audit")
    return ctx.deliverables


def profile_reference(ctx: CheckContext, deliverable: DeliverableRef, default: str) -> str:
    """The profile a deliverable names: a built-in id, or a file in the workspace."""
    reference = deliverable.profile or default
    if reference.endswith((".yaml", ".yml")):
        return str(ctx.workspace.root / reference)
    return reference


class DeliverableCheck(Check):
    """Finds the deliverables a card or a use case names and checks each of their files."""

    kind: ClassVar[str]
    """The card ``kind`` this check takes (the default ``_takes_card``)."""
    media_types: ClassVar[frozenset[MediaType]]
    """The use-case ``media_type`` values this check takes (the default ``_takes``)."""
    noun: ClassVar[str]
    """How messages name one file of the kind (``no subtitle file matches ...``)."""
    scopes: ClassVar[tuple[Scope, ...]] = (Scope.SYSTEM, Scope.USE_CASE)

    def _takes_card(self, item: QualityDeliverable) -> bool:
        return item.kind == self.kind

    def _takes(self, item: Deliverable) -> bool:
        return item.media_type in self.media_types

    def _nothing_to_check(self) -> str:
        return f"the card names no {self.kind} deliverable (evaluations.quality, kind: {self.kind})"

    def run(self, ctx: CheckContext) -> Outcome:
        if ctx.requirement.scope is Scope.USE_CASE:
            return self._use_cases(ctx)
        card = system_of(ctx)
        if not any(self._takes_card(d) for d in card.evaluations.quality):
            return Outcome.not_applicable(self._nothing_to_check())
        violations: list[Violation] = []
        evidence: dict[str, Any] = {}
        for index, item in enumerate(card.evaluations.quality):
            if not self._takes_card(item):
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

            ref = DeliverableRef.of_card(item)
            evidence[item.id] = self._check(ctx, ref, violation, violations)
        return Outcome.from_violations(violations, {"deliverables": evidence})

    def _use_cases(self, ctx: CheckContext) -> Outcome:
        violations: list[Violation] = []
        evidence: dict[str, Any] = {}
        for use_case in ctx.use_cases:
            for index, item in enumerate(use_case.deliverables):
                if not self._takes(item):
                    continue
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

                ref = DeliverableRef.of_use_case(item, index)
                evidence[f"{use_case.id}:{item.path}"] = self._check(
                    ctx, ref, violation, violations
                )
        if not evidence:
            return Outcome.not_applicable(f"no {self.noun} deliverable is listed")
        return Outcome.from_violations(violations, {"deliverables": evidence})

    def _check(
        self,
        ctx: CheckContext,
        deliverable: DeliverableRef,
        violation: ViolationFactory,
        violations: list[Violation],
    ) -> dict[str, Any]:
        """Every file of the deliverable: one violation per failed rule, an ``error`` for a
        file that cannot be read; returns the evidence."""
        files = deliverable_files(ctx)
        root = ctx.workspace.root
        try:
            profile = self._profile(ctx, files, deliverable)
        except InputError as exc:
            message = str(exc).replace(f"{root}/", "")
            violations.append(violation(message, {}, "profile", status=Status.ERROR))
            return {"profile": deliverable.profile, "error": message}
        if profile is None:
            message = f"'{deliverable.path}' names no {self.noun} profile to check it against"
            violations.append(
                violation(message, {}, "profile", status=Status.INSUFFICIENT_EVIDENCE)
            )
            return {"profile": None, "files": {}}
        paths = files.matching(root, deliverable.path)
        if not paths:
            violations.append(
                violation(f"no {self.noun} file matches '{deliverable.path}'", {}, "missing")
            )
            return {"profile": getattr(profile, "id", None), "files": {}}
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
        return {"profile": getattr(profile, "id", None), "files": summary}

    def _profile(
        self, ctx: CheckContext, files: DeliverableFiles, deliverable: DeliverableRef
    ) -> Any:
        """The deliverable's profile with the pack's thresholds applied; ``None`` when the
        kind has no default and the deliverable names none."""
        raise NotImplementedError

    def _judge(
        self,
        ctx: CheckContext,
        files: DeliverableFiles,
        deliverable: DeliverableRef,
        profile: Any,
        path: Path,
    ) -> tuple[list[QcFinding], dict[str, Any]]:
        """One file's findings and its evidence; ``InputError`` when it cannot be read."""
        raise NotImplementedError

    def _finding(self, name: str, rule: str, found: list[QcFinding]) -> tuple[str, dict[str, Any]]:
        """The message and evidence of one failed rule in one file: every finding's message,
        with its value and limit."""
        evidence = {
            "file": name,
            "rule": rule,
            "values": [f.value for f in found],
            "limits": [f.limit for f in found],
        }
        return f"{name}: {rule} " + "; ".join(f.message for f in found), evidence
