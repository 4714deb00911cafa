"""Triage of a GenAI use case into the three tiers of the platform's use-case matrix."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from charter.domain.organisation import UseStage
from charter.domain.usecases import Answer, UseCase


class Tier(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class RequiredAction(StrEnum):
    DISCLOSE = "disclose"
    ESCALATE = "escalate"
    WRITTEN_APPROVAL = "written_approval"


class ApprovalArea(StrEnum):
    DATA_USE = "data_use"
    CREATIVE_OUTPUT = "creative_output"
    TALENT_AND_PERFORMANCE = "talent_and_performance"
    ETHICS_AND_REPRESENTATION = "ethics_and_representation"


_ACTION = {
    Tier.LOW: RequiredAction.DISCLOSE,
    Tier.MEDIUM: RequiredAction.ESCALATE,
    Tier.HIGH: RequiredAction.WRITTEN_APPROVAL,
}


@dataclass(frozen=True, slots=True)
class Triage:
    tier: Tier
    action: RequiredAction
    reasons: tuple[str, ...]
    """Why the tier was reached, in words a production coordinator understands."""
    areas: tuple[ApprovalArea, ...]
    """The approval areas the use touches."""


def triage(use_case: UseCase) -> Triage:
    """Place a use case in a tier.

    ``high``: final deliverable, talent likeness, personal data, third-party IP, unreleased
    platform assets, or any principle answered ``no`` -> written approval before use.
    ``medium``: any ``unsure``, a key creative element or union-covered work -> escalate to
    the platform contact before use. ``low``: everything else -> disclose.
    """
    inv = use_case.involves
    answers = use_case.principles.model_dump()
    high: list[str] = []
    if use_case.stage is UseStage.FINAL_DELIVERABLE:
        high.append("output enters a final deliverable")
    high += [
        label
        for flag, label in (
            (inv.talent_likeness, "involves talent likeness"),
            (inv.personal_data, "involves personal data"),
            (inv.third_party_ip, "involves third-party IP"),
            (inv.unreleased_platform_assets, "uses unreleased platform assets"),
        )
        if flag
    ]
    high += [f"principle '{name}' answered no" for name, a in answers.items() if a == Answer.NO]
    medium: list[str] = [
        f"principle '{name}' answered unsure" for name, a in answers.items() if a == Answer.UNSURE
    ]
    if inv.key_creative_element:
        medium.append("generates a key creative element")
    if inv.union_covered_work:
        medium.append("touches union-covered work")
    if high:
        tier, reasons = Tier.HIGH, high + medium
    elif medium:
        tier, reasons = Tier.MEDIUM, medium
    else:
        tier, reasons = Tier.LOW, ["ideation or temporary media, every principle yes"]
    return Triage(tier, _ACTION[tier], tuple(reasons), approval_areas(use_case))


def approval_areas(use_case: UseCase) -> tuple[ApprovalArea, ...]:
    """The four areas that always need approval, derived from what the use involves."""
    inv = use_case.involves
    p = use_case.principles
    areas: list[ApprovalArea] = []
    if (
        inv.personal_data
        or inv.unreleased_platform_assets
        or p.no_storage_or_training != Answer.YES
        or p.enterprise_environment != Answer.YES
    ):
        areas.append(ApprovalArea.DATA_USE)
    if (
        use_case.stage is UseStage.FINAL_DELIVERABLE
        or inv.third_party_ip
        or inv.key_creative_element
        or p.no_copyrighted_replication != Answer.YES
    ):
        areas.append(ApprovalArea.CREATIVE_OUTPUT)
    if inv.talent_likeness or inv.union_covered_work or p.talent_consent != Answer.YES:
        areas.append(ApprovalArea.TALENT_AND_PERFORMANCE)
    if inv.talent_likeness or inv.personal_data:
        # Depicting or processing real people raises representation and consent questions.
        areas.append(ApprovalArea.ETHICS_AND_REPRESENTATION)
    return tuple(areas)
