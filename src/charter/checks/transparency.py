"""Transparency by documentation: users told about AI, AI output labelled."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from charter.checks.deliverable_check import DeliverableCheck, DeliverableRef
from charter.checks.support import (
    missing_fields,
    system_of,
    system_violation,
    use_case_violation,
)
from charter.domain.checks import Check, CheckContext, Outcome
from charter.domain.organisation import UseStage
from charter.domain.ports import DeliverableFiles
from charter.domain.systems import Category, Labelling, QualityDeliverable
from charter.domain.usecases import Deliverable
from charter.quality.provenance_rules import check_provenance
from charter.quality.timed_text_rules import QcFinding

PARTNER_PACK = "partner-ai-usage"
GENAI_PACK = "genai-content-production"


class UserDisclosure(Check):
    """A user-facing system states what users are told about the AI and where they see it.
    Systems that are not user-facing are not applicable."""

    id = "transparency.user_disclosure"
    title = "Users are told they deal with AI"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:TRAN-01",)
    inputs = ("systems/<id>.yaml: user_facing, transparency",)

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        if not card.user_facing:
            return Outcome.not_applicable("system is not user-facing")
        missing = missing_fields(card.transparency, ["user_disclosure", "disclosure_location"])
        if not missing:
            return Outcome.from_violations([], {"user_facing": True})
        return Outcome.from_violations(
            [
                system_violation(
                    ctx,
                    ("transparency",) if "transparency" in _present(ctx) else ("user_facing",),
                    f"user-facing system lacks {', '.join('transparency.' + m for m in missing)}",
                    {"missing": missing},
                )
            ]
        )


class OutputLabelling(Check):
    """A system whose output reaches people labels AI-generated output (visible label,
    metadata or C2PA content credentials; EU AI Act Art. 50(2)). Content-generation systems
    always need it; other categories the requirement applies to, when user-facing."""

    id = "transparency.output_labelling"
    title = "AI-generated output is labelled"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:TRAN-02",)
    inputs = ("systems/<id>.yaml: transparency.ai_output_labelling",)

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        if card.category is not Category.CONTENT_GENERATION and not card.user_facing:
            return Outcome.not_applicable("output does not reach people directly")
        labelling = card.transparency.ai_output_labelling
        evidence = {"ai_output_labelling": str(labelling)}
        if labelling is not Labelling.NONE:
            return Outcome.from_violations([], evidence)
        path = (
            ("transparency", "ai_output_labelling")
            if "transparency" in _present(ctx)
            else ("category",)
        )
        return Outcome.from_violations(
            [system_violation(ctx, path, "AI-generated output is not labelled", evidence)]
        )


def _present(ctx: CheckContext) -> set[str]:
    """Top-level fields written in the card file (defaults are not written)."""
    card = system_of(ctx)
    source = ctx.workspace.sources.get(ctx.workspace.system_file(card.id))
    if source is None:
        return set()
    return {str(k[0]) for k in source.positions if len(k) == 1}


@dataclass(frozen=True)
class _Trust:
    """The workspace's trust configuration, as absolute paths."""

    anchors: Path | None
    record_keys: list[Path]
    id: str = "provenance"


class ContentCredentials(DeliverableCheck):
    """Every file declared AI-generated (a card's ``evaluations.quality`` entry with a
    ``digital_source_type``; every deliverable of a GenAI use case) carries provenance that
    validates and matches the declaration. Media C2PA embeds into (PNG, JPEG, WAV, MP4...)
    need a manifest, read offline, whose actions state an AI IPTC digital source type
    (``trainedAlgorithmicMedia``, ``compositeWithTrainedAlgorithmicMedia``,
    ``compositeSynthetic``) equal to the declared one; text and other files (subtitles,
    synopses) need a signed detached record ``<file>.provenance.json`` (``charter
    provenance sign``) whose SHA-256 is the file's; a record beside a media file does
    not stand in for its manifest. With ``provenance.trust_anchors`` or
    ``record_keys`` set in ``charter.yaml``, the signer must also be trusted. A use case
    declared ``ideation`` or ``temporary`` that lists deliverables fails: its output must
    not be delivered. Validity proves integrity and signer, not that the stated source
    type is true."""

    id = "transparency.content_credentials"
    title = "AI media carries content credentials matching the declared use"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:TRAN-03", f"{GENAI_PACK}:GENAI-01")
    inputs = (
        "systems/<id>.yaml: evaluations.quality (digital_source_type)",
        "usecases/<id>.yaml: deliverables (digital_source_type), stage",
        "charter.yaml: provenance (trust_anchors, record_keys)",
        "the files and their C2PA manifests or <file>.provenance.json records",
    )
    noun = "deliverable"

    def _takes_card(self, item: QualityDeliverable) -> bool:
        return item.digital_source_type is not None

    def _takes(self, item: Deliverable) -> bool:
        return True

    def _nothing_to_check(self) -> str:
        return "the card declares no AI-generated file (evaluations.quality, digital_source_type)"

    def _use_cases(self, ctx: CheckContext) -> Outcome:
        outcome = super()._use_cases(ctx)
        early = [
            u for u in ctx.use_cases if u.deliverables and u.stage is not UseStage.FINAL_DELIVERABLE
        ]
        if not early:
            return outcome
        violations = list(outcome.violations)
        for use_case in early:
            violations.append(
                use_case_violation(
                    ctx,
                    use_case.id,
                    ("stage",),
                    f"a {use_case.stage} use lists {len(use_case.deliverables)} deliverable(s): "
                    "its output must not reach final deliverables",
                    {"stage": str(use_case.stage), "deliverables": len(use_case.deliverables)},
                )
            )
        return Outcome.from_violations(violations, outcome.evidence)

    def _profile(
        self, ctx: CheckContext, files: DeliverableFiles, deliverable: DeliverableRef
    ) -> _Trust:
        trust = ctx.workspace.config.provenance
        root = ctx.workspace.root
        return _Trust(
            root / trust.trust_anchors if trust.trust_anchors else None,
            [root / key for key in trust.record_keys],
        )

    def _judge(
        self,
        ctx: CheckContext,
        files: DeliverableFiles,
        deliverable: DeliverableRef,
        profile: _Trust,
        path: Path,
    ) -> tuple[list[QcFinding], dict[str, Any]]:
        provenance = files.provenance(path, profile.anchors, profile.record_keys)
        return check_provenance(provenance, deliverable.digital_source_type), provenance.facts()


CHECKS: list[type[Check]] = [UserDisclosure, OutputLabelling, ContentCredentials]
