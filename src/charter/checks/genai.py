"""GenAI in content production: triage, disclosure, approval, consent, tools."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from charter.checks.support import use_case_violation
from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.genai_triage import Tier, triage
from charter.domain.guidelines import Scope
from charter.domain.status import Status
from charter.domain.usecases import ApprovalStatus, Consent, UseCase

GENAI_PACK = "genai-content-production"


def _in_use(use_case: UseCase, ctx: CheckContext) -> bool:
    """Whether the output is already used on the audit date (no first_use: assume it is)."""
    return use_case.first_use is None or use_case.first_use <= ctx.as_of


def _triage_evidence(use_case: UseCase) -> dict[str, object]:
    t = triage(use_case)
    return {
        "use_case": use_case.id,
        "tier": str(t.tier),
        "required_action": str(t.action),
        "approval_areas": [str(a) for a in t.areas],
        "reasons": list(t.reasons),
    }


class _UseCaseCheck(Check):
    scopes = (Scope.USE_CASE,)

    def run(self, ctx: CheckContext) -> Outcome:
        violations: list[Violation] = []
        assessed: list[dict[str, object]] = []
        for use_case in ctx.use_cases:
            found = self.assess(ctx, use_case.as_known_on(ctx.as_of))
            if found is None:
                continue
            assessed.append(_triage_evidence(use_case))
            if not found and self.before_first_use and use_case.first_use is None:
                # In use (no date says otherwise) but nothing shows the order of events.
                found = [
                    use_case_violation(
                        ctx,
                        use_case.id,
                        (),
                        f"first_use is not recorded: cannot show {self.before_first_use} "
                        "came before use",
                        {"use_case": use_case.id},
                        remediation="Record first_use: the date the output was first used.",
                        status=Status.INSUFFICIENT_EVIDENCE,
                        aspect="first_use",
                    )
                ]
            violations.extend(found)
        if not assessed:
            return Outcome.not_applicable(self.not_applicable_reason)
        return Outcome.from_violations(violations, {"use_cases": assessed})

    not_applicable_reason: ClassVar[str] = "no use case in scope"
    before_first_use: ClassVar[str | None] = None
    """What must precede first use; a use case without ``first_use`` cannot show it."""

    def assess(self, ctx: CheckContext, use_case: UseCase) -> list[Violation] | None:
        """Violations for one use case, or None when the check does not apply to it."""
        raise NotImplementedError


class DisclosureRecorded(_UseCaseCheck):
    """Every intended GenAI use is disclosed to the platform contact, on or before its first
    use, with a reference to the e-mail or ticket (every tier)."""

    id = "genai.disclosure_recorded"
    title = "GenAI use disclosed to the platform contact before use"
    requirements: ClassVar[tuple[str, ...]] = (f"{GENAI_PACK}:GENAI-02",)
    inputs = ("usecases/*.yaml: disclosure, first_use",)

    before_first_use = "the disclosure"

    def assess(self, ctx: CheckContext, use_case: UseCase) -> list[Violation] | None:
        disclosure = use_case.disclosure
        if disclosure is None:
            if not _in_use(use_case, ctx):
                return []
            return [
                use_case_violation(
                    ctx,
                    use_case.id,
                    (),
                    "GenAI use was not disclosed to the platform contact",
                    _triage_evidence(use_case),
                )
            ]
        if use_case.first_use and disclosure.date > use_case.first_use:
            return [
                use_case_violation(
                    ctx,
                    use_case.id,
                    ("disclosure", "date"),
                    f"disclosed on {disclosure.date}, after first use on {use_case.first_use}",
                    {
                        "disclosed": disclosure.date.isoformat(),
                        "first_use": use_case.first_use.isoformat(),
                    },
                )
            ]
        if not disclosure.reference:
            return [
                use_case_violation(
                    ctx,
                    use_case.id,
                    ("disclosure",),
                    "disclosure records no reference (e-mail or ticket) to show it was made",
                    {"disclosed": disclosure.date.isoformat()},
                )
            ]
        return []


class EscalationRecorded(_UseCaseCheck):
    """A medium-tier use (an ``unsure`` answer, a key creative element or union-covered work)
    in use was escalated to the platform contact before use: disclosed on or before first
    use, with approval at least requested, and not rejected."""

    id = "genai.escalation_recorded"
    title = "Medium-tier GenAI use escalated to the platform contact before use"
    requirements: ClassVar[tuple[str, ...]] = (f"{GENAI_PACK}:GENAI-04",)
    inputs = ("usecases/*.yaml",)
    not_applicable_reason = "no medium-tier use case"

    before_first_use = "the escalation"

    def assess(self, ctx: CheckContext, use_case: UseCase) -> list[Violation] | None:
        if triage(use_case).tier is not Tier.MEDIUM:
            return None
        if not _in_use(use_case, ctx):
            return []
        if use_case.disclosure is None or use_case.approval.status is ApprovalStatus.NOT_REQUESTED:
            return [
                use_case_violation(
                    ctx,
                    use_case.id,
                    ("approval", "status"),
                    "medium-tier use is in use without escalation to the platform contact",
                    _triage_evidence(use_case),
                )
            ]
        if use_case.approval.status is ApprovalStatus.REJECTED:
            return [
                use_case_violation(
                    ctx,
                    use_case.id,
                    ("approval", "status"),
                    "medium-tier use is in use although the platform contact rejected it",
                    _triage_evidence(use_case),
                )
            ]
        if use_case.first_use and use_case.disclosure.date > use_case.first_use:
            return [
                use_case_violation(
                    ctx,
                    use_case.id,
                    ("disclosure", "date"),
                    f"escalated on {use_case.disclosure.date}, after first use on "
                    f"{use_case.first_use}",
                    _triage_evidence(use_case),
                )
            ]
        return []


class WrittenApproval(_UseCaseCheck):
    """A high-tier use (final deliverable, talent likeness, personal data, third-party IP,
    unreleased platform assets, or any principle answered ``no``) has written approval
    recorded with reference, approver and date, dated on or before first use. A rejected
    request in use is a violation."""

    id = "genai.written_approval"
    title = "Written approval recorded before high-tier GenAI use"
    requirements: ClassVar[tuple[str, ...]] = (f"{GENAI_PACK}:GENAI-03",)
    inputs = ("usecases/*.yaml: approval, first_use",)
    not_applicable_reason = "no high-tier use case"

    before_first_use = "the written approval"

    def assess(self, ctx: CheckContext, use_case: UseCase) -> list[Violation] | None:
        if triage(use_case).tier is not Tier.HIGH:
            return None
        approval = use_case.approval
        evidence = _triage_evidence(use_case)
        if approval.status in (ApprovalStatus.APPROVED, ApprovalStatus.CONDITIONAL):
            missing = [
                f for f in ("reference", "approver", "approved_on") if not getattr(approval, f)
            ]
            if missing:
                return [
                    use_case_violation(
                        ctx,
                        use_case.id,
                        ("approval",),
                        f"approval recorded without {', '.join(missing)}",
                        {**evidence, "missing": missing},
                    )
                ]
            assert approval.approved_on is not None
            if use_case.first_use and approval.approved_on > use_case.first_use:
                return [
                    use_case_violation(
                        ctx,
                        use_case.id,
                        ("approval", "approved_on"),
                        f"approved on {approval.approved_on}, after first use on "
                        f"{use_case.first_use}",
                        evidence,
                    )
                ]
            return []
        if not _in_use(use_case, ctx):
            return []
        return [
            use_case_violation(
                ctx,
                use_case.id,
                ("approval", "status"),
                f"high-tier use ({'; '.join(triage(use_case).reasons)}) is in use with approval "
                f"'{approval.status}'",
                evidence,
            )
        ]


class TalentConsent(_UseCaseCheck):
    """A use involving talent likeness or union-covered work that is in use is covered, for
    every performer named in its consents, by a signed consent (talent, scope, document) on
    every day from first use to the audit date: a consent signed after first use, or a gap
    between an expiry and its renewal, is a violation. Consents signed after the audit date
    do not count yet."""

    id = "genai.talent_consent"
    title = "Talent consent recorded for likeness and union-covered work"
    requirements: ClassVar[tuple[str, ...]] = (f"{GENAI_PACK}:GENAI-06",)
    inputs = ("usecases/*.yaml: involves, consents",)
    not_applicable_reason = "no use case involves talent likeness or union-covered work"

    before_first_use = "the consent"

    def assess(self, ctx: CheckContext, use_case: UseCase) -> list[Violation] | None:
        if not (use_case.involves.talent_likeness or use_case.involves.union_covered_work):
            return None
        if not _in_use(use_case, ctx):
            return []  # consent must exist by first use; that day has not come
        # Positions in the original list, so subjects and locations name the right entry.
        signed = [(i, c) for i, c in enumerate(use_case.consents) if c.signed_on <= ctx.as_of]
        if not signed:
            return [
                use_case_violation(
                    ctx,
                    use_case.id,
                    ("involves",),
                    "talent likeness or union-covered work without a consent signed by "
                    f"{ctx.as_of}",
                    _triage_evidence(use_case),
                )
            ]
        # Every performer named counts, also one whose consent is signed only later (a
        # consent signed after a day does not cover that day).
        by_talent: dict[str, list[tuple[int, Consent]]] = {}
        for i, consent in enumerate(use_case.consents):
            by_talent.setdefault(consent.talent, []).append((i, consent))
        start = use_case.first_use or min(c.signed_on for _, c in signed)
        out: list[Violation] = []
        for talent, consents in by_talent.items():
            gap = _first_uncovered_day([c for _, c in consents], start, ctx.as_of)
            if gap is None:
                continue
            if gap == start and use_case.first_use:
                index = min(consents, key=lambda pair: pair[1].signed_on)[0]
                out.append(
                    use_case_violation(
                        ctx,
                        use_case.id,
                        ("consents", index, "signed_on"),
                        f"no consent of {talent} was valid on first use ({use_case.first_use})",
                        {"talent": talent, "first_use": use_case.first_use.isoformat()},
                    )
                )
                continue
            lapsed = [pair for pair in consents if pair[1].expires_on and pair[1].expires_on < gap]
            index = max(lapsed, key=lambda pair: pair[1].expires_on or gap)[0] if lapsed else 0
            out.append(
                use_case_violation(
                    ctx,
                    use_case.id,
                    ("consents", index, "expires_on"),
                    f"consent of {talent} lapsed on {gap} with no renewal in force",
                    {"talent": talent, "uncovered_from": gap.isoformat()},
                )
            )
        return out


def _first_uncovered_day(consents: list[Consent], start: date, end: date) -> date | None:
    """The first day in ``[start, end]`` no consent covers (signed on or before it, not
    expired before it), or None when every day is covered."""
    day = start
    while day <= end:
        valid = [
            c
            for c in consents
            if c.signed_on <= day and (c.expires_on is None or c.expires_on >= day)
        ]
        if not valid:
            return day
        if any(c.expires_on is None for c in valid):
            return None
        day = max(c.expires_on for c in valid if c.expires_on) + timedelta(days=1)
    return None


class ToolConfidentiality(_UseCaseCheck):
    """Tools a use case relies on are under an enterprise agreement and do not store, train
    on or resell production inputs (guiding principles 2 and 3). Unknown terms count against
    the tool."""

    id = "genai.tool_confidentiality"
    title = "GenAI tools keep production inputs confidential"
    requirements: ClassVar[tuple[str, ...]] = (f"{GENAI_PACK}:GENAI-07",)
    inputs = ("usecases/*.yaml: tools", "tools.yaml")

    def assess(self, ctx: CheckContext, use_case: UseCase) -> list[Violation] | None:
        out: list[Violation] = []
        for i, tool_id in enumerate(use_case.tools):
            tool = ctx.workspace.tools[tool_id]
            reasons = tool.confidentiality_gaps()
            if reasons:
                out.append(
                    use_case_violation(
                        ctx,
                        use_case.id,
                        ("tools", i),
                        f"tool '{tool_id}': {'; '.join(reasons)}",
                        {"tool": tool_id, "reasons": reasons},
                    )
                )
        return out


class ApprovedToolUse(_UseCaseCheck):
    """Each tool is approved (in ``tools.yaml``) for the use case's stage, and unreleased
    platform assets go only into tools approved for them."""

    id = "genai.approved_tool_use"
    title = "Tools used only for the stages and assets they are approved for"
    requirements: ClassVar[tuple[str, ...]] = (f"{GENAI_PACK}:GENAI-08",)
    inputs = ("usecases/*.yaml: tools, stage, involves", "tools.yaml")

    def assess(self, ctx: CheckContext, use_case: UseCase) -> list[Violation] | None:
        out: list[Violation] = []
        for i, tool_id in enumerate(use_case.tools):
            tool = ctx.workspace.tools[tool_id]
            if use_case.stage not in tool.approved_stages:
                allowed = ", ".join(str(s) for s in tool.approved_stages) or "nothing"
                out.append(
                    use_case_violation(
                        ctx,
                        use_case.id,
                        ("tools", i),
                        f"tool '{tool_id}' is approved for {allowed}, not {use_case.stage}",
                        {"tool": tool_id, "stage": str(use_case.stage)},
                    )
                )
            if (
                use_case.involves.unreleased_platform_assets
                and not tool.approved_for_unreleased_assets
            ):
                out.append(
                    use_case_violation(
                        ctx,
                        use_case.id,
                        ("tools", i),
                        f"unreleased platform assets go to '{tool_id}', not approved for them",
                        {"tool": tool_id},
                        aspect="unreleased_assets",
                    )
                )
        return out


CHECKS: list[type[Check]] = [
    DisclosureRecorded,
    EscalationRecorded,
    WrittenApproval,
    TalentConsent,
    ToolConfidentiality,
    ApprovedToolUse,
]
