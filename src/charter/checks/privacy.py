"""Privacy by documentation: lawful basis, retention, consent; personal data and tools."""

from __future__ import annotations

import re
from typing import ClassVar

from charter.checks.support import system_of, system_violation, use_case_violation
from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.findings import subject
from charter.domain.guidelines import Scope
from charter.domain.systems import (
    Category,
    DataKind,
    DecisionType,
    LegalBasis,
    SystemCard,
    WP248Criterion,
)

PARTNER_PACK = "partner-ai-usage"
GENAI_PACK = "genai-content-production"


class PersonalDataBasis(Check):
    """Each personal-data source records its legal basis (GDPR Art. 6) and retention period,
    which stays within ``max_retention_days``; consent-based and special-category sources
    name where consent is recorded (Art. 7(1), 9(2)(a))."""

    id = "privacy.personal_data_basis"
    title = "Personal data has a legal basis, retention and consent where required"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:PRIV-01",)
    inputs = ("systems/<id>.yaml: data_sources",)
    parameters = ("max_retention_days",)

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        max_days = ctx.threshold("max_retention_days")
        personal = [(i, s) for i, s in enumerate(card.data_sources) if s.personal_data]
        if not personal:
            return Outcome.not_applicable("no personal-data sources declared")
        violations: list[Violation] = []
        for i, source in personal:
            where = ("data_sources", i)
            evidence = {"source": source.id}
            if source.legal_basis is None:
                violations.append(
                    system_violation(
                        ctx,
                        (*where, "legal_basis"),
                        f"'{source.id}' holds personal data without a legal basis",
                        evidence,
                    )
                )
            if source.retention_days is None:
                violations.append(
                    system_violation(
                        ctx,
                        (*where, "retention_days"),
                        f"'{source.id}' holds personal data without a retention period",
                        evidence,
                    )
                )
            elif source.retention_days > max_days:
                violations.append(
                    system_violation(
                        ctx,
                        (*where, "retention_days"),
                        f"'{source.id}' keeps personal data {source.retention_days} days "
                        f"(limit {max_days:g})",
                        {
                            **evidence,
                            "retention_days": source.retention_days,
                            "max_retention_days": max_days,
                        },
                    )
                )
            needs_consent = source.legal_basis is LegalBasis.CONSENT or source.special_categories
            if needs_consent and not source.consent_reference:
                violations.append(
                    system_violation(
                        ctx,
                        (*where, "consent_reference"),
                        f"'{source.id}' holds special-category data but names no consent "
                        "record (GDPR Art. 9(2)(a))"
                        if source.special_categories
                        and source.legal_basis is not LegalBasis.CONSENT
                        else f"'{source.id}' relies on consent but names no consent record",
                        evidence,
                    )
                )
        return Outcome.from_violations(
            violations, {"personal_data_sources": [s.id for _, s in personal]}
        )


class PersonalDataToTools(Check):
    """Personal data (a system's personal-data sources, or a GenAI use case involving personal
    data or talent likeness) flows only to tools under an enterprise agreement that are
    approved for personal data and do not store, train on or resell inputs. Unknown data
    terms count against the tool."""

    id = "privacy.personal_data_to_tools"
    title = "Personal data goes only to tools fit to receive it"
    scopes = (Scope.SYSTEM, Scope.USE_CASE)
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:PRIV-02", f"{GENAI_PACK}:GENAI-09")
    inputs = ("systems/<id>.yaml: data_sources, tools", "usecases/*.yaml", "tools.yaml")

    def run(self, ctx: CheckContext) -> Outcome:
        violations: list[Violation] = []
        flows: list[str] = []
        if ctx.requirement.scope is Scope.USE_CASE:
            for use_case in ctx.use_cases:
                # A performer's face or voice is personal data too (GDPR Art. 4(1), 4(14)).
                if not (use_case.involves.personal_data or use_case.involves.talent_likeness):
                    continue
                for i, tool_id in enumerate(use_case.tools):
                    flows.append(f"{use_case.id}->{tool_id}")
                    reasons = ctx.workspace.tools[tool_id].personal_data_gaps()
                    if reasons:
                        violations.append(
                            use_case_violation(
                                ctx,
                                use_case.id,
                                ("tools", i),
                                f"personal data goes to '{tool_id}': {'; '.join(reasons)}",
                                {"tool": tool_id, "reasons": reasons},
                            )
                        )
        else:
            card = system_of(ctx)
            if not any(s.personal_data for s in card.data_sources):
                return Outcome.not_applicable("no personal-data sources declared")
            for i, tool_id in enumerate(card.tools):
                flows.append(f"{card.id}->{tool_id}")
                reasons = ctx.workspace.tools[tool_id].personal_data_gaps()
                if reasons:
                    violation = system_violation(
                        ctx,
                        ("tools", i),
                        f"personal data goes to '{tool_id}': {'; '.join(reasons)}",
                        {"tool": tool_id, "reasons": reasons},
                    )
                    violations.append(
                        Violation(
                            subject=subject("tool", tool_id),
                            message=violation.message,
                            location=violation.location,
                            evidence=violation.evidence,
                        )
                    )
        if not flows:
            return Outcome.not_applicable("no personal data flows to tools")
        return Outcome.from_violations(violations, {"flows": flows})


TRANSFER_MECHANISMS = (
    "adequacy",
    "scc",
    "sccs",
    "standard contractual clauses",
    "bcr",
    "bcrs",
    "binding corporate rules",
    "art. 49",
    "article 49",
    "derogation",
    "data privacy framework",
)
_MECHANISM = re.compile(
    r"(?<![\w.])(?:" + "|".join(re.escape(m) for m in TRANSFER_MECHANISMS) + r")(?!\w)"
)
"""A mechanism named as whole words ("SCCs 2021/914", not "escc")."""
_NOT_IN_PLACE = re.compile(
    r"\b(?:pending|planned|to be (?:signed|agreed|put in place)|not yet|tbd|tbc|draft|"
    r"under (?:negotiation|review)|negotiating|expired|lapsed|requested)\b"
)
"""Words saying the named mechanism does not cover the transfer yet, or any more."""
"""Words that name a transfer mechanism of GDPR Chapter V (Arts. 45-49)."""


class RecordsOfProcessing(Check):
    """Every personal-data source carries what a GDPR Art. 30(1) record needs: categories
    of personal data and of data subjects (c), recipients (d, ``[]`` when there are none),
    transfers outside the EEA (e, ``[]`` when there are none) each naming its mechanism
    (adequacy, SCCs, BCRs, an Art. 49 derogation). The purpose (b) is the card's
    ``purpose``; the legal basis and retention (f) are judged by
    ``privacy.personal_data_basis``."""

    id = "privacy.records_of_processing"
    title = "Records of processing are complete"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:PRIV-07",)
    inputs = ("systems/<id>.yaml: data_sources",)

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        personal = [(i, s) for i, s in enumerate(card.data_sources) if s.personal_data]
        if not personal:
            return Outcome.not_applicable("no personal-data sources declared")
        violations: list[Violation] = []
        for i, source in personal:
            stated: list[tuple[str, str, object]] = [
                ("personal_data_categories", "categories of personal data (Art. 30(1)(c))",
                 source.personal_data_categories or None),
                ("data_subjects", "categories of data subjects (Art. 30(1)(c))",
                 source.data_subjects or None),
                ("recipients", "recipients (Art. 30(1)(d); [] when none)", source.recipients),
                ("transfers", "transfers outside the EEA (Art. 30(1)(e); [] when none)",
                 source.transfers),
            ]  # fmt: skip
            gaps = [(field, what) for field, what, value in stated if value is None]
            for field, what in gaps:
                violations.append(
                    system_violation(
                        ctx,
                        ("data_sources", i, field),
                        f"'{source.id}' does not record its {what}",
                        {"source": source.id, "field": field},
                    )
                )
            for j, transfer in enumerate(source.transfers or []):
                lowered = transfer.casefold()
                pending = _NOT_IN_PLACE.search(lowered)
                if _MECHANISM.search(lowered) and pending:
                    violations.append(
                        system_violation(
                            ctx,
                            ("data_sources", i, "transfers", j),
                            f"'{source.id}' transfers data ('{transfer}') under a mechanism "
                            f"that is not in place ('{pending.group()}')",
                            {"source": source.id, "transfer": transfer},
                        )
                    )
                elif not _MECHANISM.search(lowered):
                    violations.append(
                        system_violation(
                            ctx,
                            ("data_sources", i, "transfers", j),
                            f"'{source.id}' transfers data ('{transfer}') without naming the "
                            "mechanism (adequacy, SCCs, BCRs or an Art. 49 derogation)",
                            {"source": source.id, "transfer": transfer},
                        )
                    )
        return Outcome.from_violations(
            violations, {"personal_data_sources": [s.id for _, s in personal]}
        )


VULNERABLE_WORDS = (
    "child", "children", "minor", "minors", "kid", "kids", "teen", "teenagers", "pupil",
    "pupils", "student", "students", "employee", "employees", "staff", "worker", "workers",
    "patient", "patients", "elderly", "asylum",
)  # fmt: skip
"""WP248 criterion 7: children, employees, patients, the elderly, asylum seekers."""


def wp248_criteria(card: SystemCard) -> dict[WP248Criterion, str]:
    """The WP248 criteria the card shows, each with the reason, plus those it declares."""
    met: dict[WP248Criterion, str] = {}
    personal = [s for s in card.data_sources if s.personal_data]
    if card.category in (Category.RECOMMENDATION, Category.MARKETING_ANALYTICS):
        met[WP248Criterion.EVALUATION_OR_SCORING] = (
            f"a {card.category.value.replace('_', ' ')} system profiles people"
        )
    framework = card.decision_framework
    if (
        framework is not None
        and framework.automated_decisions
        and framework.decision_type is DecisionType.PUNITIVE
    ):
        met[WP248Criterion.AUTOMATED_DECISION] = (
            "it takes automated decisions that act against people"
        )
    if any(s.special_categories for s in personal):
        met[WP248Criterion.SENSITIVE_DATA] = "a data source holds special-category data"
    feeding = [
        s
        for s in personal
        if s.kind in (DataKind.TRAINING, DataKind.FINE_TUNING, DataKind.INPUT, DataKind.FEATURES)
    ]
    if len(feeding) >= 2:
        met[WP248Criterion.MATCHING_DATASETS] = (
            f"it combines personal data from {len(feeding)} sources "
            f"({', '.join(s.id for s in feeding)})"
        )
    people = " ".join([*card.affected_persons, *(d for s in personal for d in s.data_subjects)])
    words = set(re.findall(r"[a-z]+", people.casefold()))
    if words & set(VULNERABLE_WORDS):
        met[WP248Criterion.VULNERABLE_SUBJECTS] = "its data subjects include vulnerable people"
    met[WP248Criterion.INNOVATIVE_TECHNOLOGY] = "it applies AI to personal data"
    for criterion in card.dpia_criteria:
        met.setdefault(criterion, "declared on the card (dpia_criteria)")
    return met


class DpiaRequired(Check):
    """A system processing personal data that meets ``min_criteria`` or more of the nine
    WP248 criteria (EDPB/WP29 WP248 rev.01: evaluation or scoring, automated decisions with
    legal or similar effect, systematic monitoring, sensitive data, large scale, matching
    datasets, vulnerable data subjects, innovative technology, preventing a right or
    service) references a DPIA (``dpia_reference``). Charter reads five criteria off the
    card (category, decision framework, special categories, sources combined, data
    subjects), counts AI as innovative technology, and adds the criteria the card
    declares in ``dpia_criteria``."""

    id = "privacy.dpia_required"
    title = "DPIA recorded where two or more WP248 criteria are met"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:PRIV-08",)
    inputs = ("systems/<id>.yaml: data_sources, decision_framework, dpia_criteria",)
    parameters = ("min_criteria",)

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        if not any(s.personal_data for s in card.data_sources):
            return Outcome.not_applicable("no personal-data sources declared")
        met = wp248_criteria(card)
        needed = int(ctx.threshold("min_criteria"))
        titles = {c.id: c.title for c in ctx.pack.dpia_criteria}
        evidence = {
            "criteria": {c.value: reason for c, reason in met.items()},
            "titles": {c.value: titles.get(c.value, c.value) for c in met},
            "min_criteria": needed,
            "dpia_reference": card.dpia_reference,
        }
        if len(met) < needed or card.dpia_reference:
            return Outcome.from_violations([], evidence)
        return Outcome.from_violations(
            [
                system_violation(
                    ctx,
                    ("dpia_reference",),
                    f"{len(met)} WP248 criteria are met ({', '.join(c.value for c in met)}) "
                    f"but no DPIA is referenced (a DPIA is likely required from {needed})",
                    evidence,
                )
            ],
            evidence,
        )


CHECKS: list[type[Check]] = [
    PersonalDataBasis,
    PersonalDataToTools,
    RecordsOfProcessing,
    DpiaRequired,
]
