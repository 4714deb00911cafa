"""Documentation completeness and freshness of system cards."""

from __future__ import annotations

from typing import ClassVar

from charter.checks.support import missing_fields, system_of, system_violation
from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.systems import ReviewOutcome

PARTNER_PACK = "partner-ai-usage"


class DataSourcesDocumented(Check):
    """Every data source names its kind, location and provenance, and a system lists at least
    one source. Personal-data sources list their categories and data subjects."""

    id = "documentation.data_sources_documented"
    title = "Data sources documented"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:DOC-01",)
    inputs = ("systems/<id>.yaml: data_sources",)

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        violations: list[Violation] = []
        if not card.data_sources:
            violations.append(
                system_violation(ctx, (), "no data sources documented", {"data_sources": 0})
            )
        for i, source in enumerate(card.data_sources):
            missing = missing_fields(source, ["provenance"])
            if source.personal_data:
                missing += missing_fields(source, ["personal_data_categories", "data_subjects"])
            if missing:
                violations.append(
                    system_violation(
                        ctx,
                        ("data_sources", i),
                        f"data source '{source.id}' lacks {', '.join(missing)}",
                        {"source": source.id, "missing": missing},
                    )
                )
        return Outcome.from_violations(violations, {"data_sources": len(card.data_sources)})


class AlgorithmicProcessDocumented(Check):
    """The card describes the model: type, provider, training data, evaluation and known
    limitations."""

    id = "documentation.algorithmic_process_documented"
    title = "Algorithmic process documented"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:DOC-02",)
    inputs = ("systems/<id>.yaml: algorithmic_process",)
    REQUIRED = ("training_data", "evaluation", "limitations")

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        process = card.algorithmic_process
        if process is None:
            return Outcome.from_violations(
                [system_violation(ctx, (), "algorithmic_process is not documented")]
            )
        missing = missing_fields(process, self.REQUIRED)
        violations = (
            [
                system_violation(
                    ctx,
                    ("algorithmic_process",),
                    f"algorithmic process lacks {', '.join(missing)}",
                    {"missing": missing},
                )
            ]
            if missing
            else []
        )
        return Outcome.from_violations(violations, {"documented": list(self.REQUIRED)})


class DecisionFrameworkDocumented(Check):
    """The card describes how outputs become decisions: automated or not, the level of human
    oversight, how a human overrides, how problems escalate, and (for automated decisions
    about people) how they contest a decision."""

    id = "documentation.decision_framework_documented"
    title = "Decision-making framework documented"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:DOC-03",)
    inputs = ("systems/<id>.yaml: decision_framework",)

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        framework = card.decision_framework
        if framework is None:
            return Outcome.from_violations(
                [system_violation(ctx, (), "decision_framework is not documented")]
            )
        required = ["override", "escalation"]
        if framework.automated_decisions:
            required.append("user_recourse")
        missing = missing_fields(framework, required)
        violations = (
            [
                system_violation(
                    ctx,
                    ("decision_framework",),
                    f"decision framework lacks {', '.join(missing)}",
                    {"missing": missing, "automated_decisions": framework.automated_decisions},
                )
            ]
            if missing
            else []
        )
        return Outcome.from_violations(violations, {"required": required})


class ReviewFreshness(Check):
    """The latest approving review of the card is at most ``max_age_days`` old on the audit
    date, and no newer than the last model change (a retrained model needs a new review)."""

    id = "documentation.review_freshness"
    title = "Card reviewed recently and after the last model change"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:DOC-04",)
    inputs = ("systems/<id>.yaml: reviews, algorithmic_process.last_trained",)
    parameters = ("max_age_days",)

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        max_age = ctx.threshold("max_age_days")
        approving = [
            (i, r)
            for i, r in enumerate(card.reviews)
            if r.outcome is not ReviewOutcome.REJECTED and r.date <= ctx.as_of
        ]
        if not approving:
            return Outcome.from_violations(
                [
                    system_violation(
                        ctx,
                        ("reviews",) if card.reviews else (),
                        "the card has no approving review",
                        {"reviews": len(card.reviews), "max_age_days": max_age},
                    )
                ]
            )
        index, latest = max(approving, key=lambda pair: pair[1].date)
        age = (ctx.as_of - latest.date).days
        evidence = {
            "last_review": latest.date.isoformat(),
            "age_days": age,
            "max_age_days": max_age,
        }
        violations: list[Violation] = []
        if age > max_age:
            violations.append(
                system_violation(
                    ctx,
                    ("reviews", index, "date"),
                    f"last review {latest.date} is {age} days old (limit {max_age:g})",
                    evidence,
                )
            )
        process = card.algorithmic_process
        # A model change after the audit date is not known yet on that date.
        if process and process.last_trained and latest.date < process.last_trained <= ctx.as_of:
            violations.append(
                system_violation(
                    ctx,
                    ("algorithmic_process", "last_trained"),
                    f"model changed on {process.last_trained}, after the last review "
                    f"({latest.date})",
                    {**evidence, "last_trained": process.last_trained.isoformat()},
                    remediation="Review the card again after the model change.",
                )
            )
        return Outcome.from_violations(violations, evidence)


CHECKS: list[type[Check]] = [
    DataSourcesDocumented,
    AlgorithmicProcessDocumented,
    DecisionFrameworkDocumented,
    ReviewFreshness,
]
