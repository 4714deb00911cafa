"""Accountability: named people who can act, independent sign-offs, a complete tool register."""

from __future__ import annotations

from typing import ClassVar

from charter.checks.support import system_of, system_violation
from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.findings import subject
from charter.domain.guidelines import Scope
from charter.domain.organisation import Role
from charter.domain.systems import Category, ReviewOutcome

PARTNER_PACK = "partner-ai-usage"
GENAI_PACK = "genai-content-production"

# The role a person must hold to fill each accountability field of a card.
_ROLE_OF_FIELD = {
    "owner": Role.OWNER,
    "accountable_executive": Role.EXECUTIVE,
    "incident_contact": Role.INCIDENT_CONTACT,
}


class RolesAssigned(Check):
    """Owner, accountable executive and incident contact are active people holding the matching
    role in ``people.yaml``, and the owner is not also the accountable executive."""

    id = "accountability.roles_assigned"
    title = "Owner, accountable executive and incident contact named and able to act"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:ACCT-01",)
    inputs = ("systems/<id>.yaml", "people.yaml")

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        people = ctx.workspace.people
        violations: list[Violation] = []
        for field, role in _ROLE_OF_FIELD.items():
            person = people[getattr(card, field)]
            if not person.active:
                violations.append(
                    system_violation(
                        ctx,
                        (field,),
                        f"{field} '{person.id}' is no longer active",
                        {"person": person.id},
                    )
                )
            elif role not in person.roles:
                violations.append(
                    system_violation(
                        ctx,
                        (field,),
                        f"{field} '{person.id}' does not hold the '{role}' role",
                        {"person": person.id, "roles": [str(r) for r in person.roles]},
                    )
                )
        if card.owner == card.accountable_executive:
            located = system_violation(
                ctx,
                ("accountable_executive",),
                "the owner is also the accountable executive (no separation of duties)",
                {"person": card.owner},
            )
            # Its own subject: the same field may also lack the executive role.
            violations.append(
                Violation(
                    subject=subject("system", card.id, "separation_of_duties"),
                    message=located.message,
                    location=located.location,
                    evidence=located.evidence,
                )
            )
        return Outcome.from_violations(
            violations, {field: getattr(card, field) for field in _ROLE_OF_FIELD}
        )


class ReviewSignoff(Check):
    """The latest review of the card (on or before the audit date) is signed by a person
    holding the ``reviewer`` role who is not the system's owner (a card is not approved
    by the person it makes accountable), and was not rejected."""

    id = "accountability.review_signoff"
    title = "Reviews signed off by an independent reviewer"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:ACCT-02",)
    inputs = ("systems/<id>.yaml: reviews", "people.yaml")

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        dated = [(i, r) for i, r in enumerate(card.reviews) if r.date <= ctx.as_of]
        if not dated:
            return Outcome.from_violations(
                [system_violation(ctx, (), "no review has been signed off")]
            )
        index, review = max(dated, key=lambda pair: (pair[1].date, pair[0]))
        person = ctx.workspace.people[review.reviewer]
        evidence = {
            "review": review.date.isoformat(),
            "reviewer": person.id,
            "outcome": str(review.outcome),
        }
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if review.reviewer == card.owner:
            problems.append(
                (
                    ("reviews", index, "reviewer"),
                    f"review of {review.date} is signed by the system's own owner",
                )
            )
        elif Role.REVIEWER not in person.roles:
            problems.append(
                (
                    ("reviews", index, "reviewer"),
                    f"review of {review.date} is signed by '{person.id}', not a reviewer",
                )
            )
        if review.outcome is ReviewOutcome.REJECTED:
            problems.append(
                (("reviews", index, "outcome"), f"the latest review ({review.date}) was rejected")
            )
        return Outcome.from_violations(
            [system_violation(ctx, path, message, evidence) for path, message in problems],
            evidence,
        )


class ToolRegisterComplete(Check):
    """Each tool the system or its GenAI use cases use (for a use-case-scope requirement: each
    tool the use cases rely on, with or without a system) has complete data terms in
    ``tools.yaml`` (stores inputs, trains on inputs, resells inputs, retention when it
    stores inputs, region) reviewed within ``max_terms_age_days``."""

    id = "accountability.tool_register_complete"
    title = "Tools in use are registered with current data terms"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:ACCT-03", f"{GENAI_PACK}:GENAI-13")
    applies_to = tuple(Category)
    inputs = ("tools.yaml", "systems/<id>.yaml: tools", "usecases/*.yaml: tools")
    parameters = ("max_terms_age_days",)
    TERMS = ("stores_inputs", "trains_on_inputs", "resells_inputs", "retention_days", "region")

    scopes = (Scope.SYSTEM, Scope.USE_CASE)

    def run(self, ctx: CheckContext) -> Outcome:
        max_age = ctx.threshold("max_terms_age_days")
        if ctx.requirement.scope is Scope.USE_CASE:
            # Every tool GenAI use cases rely on, with or without a system card.
            used = list(dict.fromkeys(t for u in ctx.use_cases for t in u.tools))
        else:
            card = system_of(ctx)
            own_use_cases = ctx.workspace.use_cases_of(card.id)
            used = list(dict.fromkeys([*card.tools, *(t for u in own_use_cases for t in u.tools)]))
        violations: list[Violation] = []
        for tool_id in used:
            tool = ctx.workspace.tools[tool_id]
            missing = [f for f in self.TERMS if getattr(tool, f) is None]
            if tool.stores_inputs is False and "retention_days" in missing:
                missing.remove("retention_days")  # nothing kept, nothing to retain
            problems = []
            if missing:
                problems.append(f"unknown {', '.join(missing)}")
            if tool.terms_reviewed_on is None:
                problems.append("data terms never reviewed")
            elif tool.terms_reviewed_on > ctx.as_of:
                # A review dated after the audit date had not happened on that date.
                problems.append(f"data terms not reviewed by {ctx.as_of}")
            elif (age := (ctx.as_of - tool.terms_reviewed_on).days) > max_age:
                problems.append(f"data terms reviewed {age} days ago (limit {max_age:g})")
            if problems:
                violations.append(
                    Violation(
                        subject=subject("tool", tool.id),
                        message=f"tool '{tool.id}': {'; '.join(problems)}",
                        location=ctx.workspace.locate_tool(tool.id),
                        evidence={
                            "tool": tool.id,
                            "missing": missing,
                            "max_terms_age_days": max_age,
                        },
                    )
                )
        return Outcome.from_violations(violations, {"tools": used})


CHECKS: list[type[Check]] = [RolesAssigned, ReviewSignoff, ToolRegisterComplete]
