"""Privacy by documentation: lawful basis, retention, consent; personal data and tools."""

from __future__ import annotations

from typing import ClassVar

from charter.checks.support import system_of, system_violation, use_case_violation
from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.findings import subject
from charter.domain.guidelines import Scope
from charter.domain.systems import LegalBasis

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


CHECKS: list[type[Check]] = [PersonalDataBasis, PersonalDataToTools]
