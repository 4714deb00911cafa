from __future__ import annotations

from typing import Any

import pytest

from charter.domain.genai_triage import ApprovalArea, RequiredAction, Tier, triage
from charter.domain.usecases import UseCase

YES = dict.fromkeys(
    [
        "no_copyrighted_replication",
        "no_storage_or_training",
        "enterprise_environment",
        "temporary_output",
        "talent_consent",
    ],
    "yes",
)


def _use_case(**changes: Any) -> UseCase:
    data: dict[str, Any] = {
        "id": "u",
        "title": "t",
        "production": {"title": "P"},
        "owner": "o",
        "tools": ["x"],
        "media_type": "image",
        "stage": "ideation",
        "principles": dict(YES),
    }
    data.update(changes)
    return UseCase.model_validate(data)


def test_low_tier_is_disclose_only() -> None:
    result = triage(_use_case())
    assert (result.tier, result.action) == (Tier.LOW, RequiredAction.DISCLOSE)
    assert result.areas == ()


@pytest.mark.parametrize(
    "changes",
    [
        {"principles": {**YES, "enterprise_environment": "unsure"}},
        {"involves": {"key_creative_element": True}},
        {"involves": {"union_covered_work": True}},
    ],
)
def test_medium_tier_escalates(changes: dict[str, Any]) -> None:
    result = triage(_use_case(**changes))
    assert (result.tier, result.action) == (Tier.MEDIUM, RequiredAction.ESCALATE)


@pytest.mark.parametrize(
    ("changes", "area"),
    [
        ({"stage": "final_deliverable"}, ApprovalArea.CREATIVE_OUTPUT),
        ({"involves": {"talent_likeness": True}}, ApprovalArea.TALENT_AND_PERFORMANCE),
        ({"involves": {"personal_data": True}}, ApprovalArea.DATA_USE),
        ({"involves": {"third_party_ip": True}}, ApprovalArea.CREATIVE_OUTPUT),
        ({"involves": {"unreleased_platform_assets": True}}, ApprovalArea.DATA_USE),
        ({"principles": {**YES, "no_storage_or_training": "no"}}, ApprovalArea.DATA_USE),
    ],
)
def test_high_tier_needs_written_approval(changes: dict[str, Any], area: ApprovalArea) -> None:
    result = triage(_use_case(**changes))
    assert (result.tier, result.action) == (Tier.HIGH, RequiredAction.WRITTEN_APPROVAL)
    assert area in result.areas
    assert result.reasons


def test_talent_likeness_touches_ethics_and_representation() -> None:
    areas = triage(_use_case(involves={"talent_likeness": True})).areas
    assert ApprovalArea.ETHICS_AND_REPRESENTATION in areas
