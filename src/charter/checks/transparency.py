"""Transparency by documentation: users told about AI, AI output labelled."""

from __future__ import annotations

from typing import ClassVar

from charter.checks.support import missing_fields, system_of, system_violation
from charter.domain.checks import Check, CheckContext, Outcome
from charter.domain.systems import Category, Labelling

PARTNER_PACK = "partner-ai-usage"


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


CHECKS: list[type[Check]] = [UserDisclosure, OutputLabelling]
