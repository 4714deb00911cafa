"""Monitoring rules: how a value stands against its limit, and when a system is due."""

from __future__ import annotations

from datetime import date

import pytest

from charter.domain.monitoring import Bound, Measurement, due_on, last_monitored, watches
from charter.domain.systems import SystemCard
from support import minimal_workspace_files


@pytest.mark.parametrize(
    ("bound", "value", "limit", "breached"),
    [
        (Bound.AT_MOST, 0.2, 0.2, False),  # PSI at the limit is still within it
        (Bound.AT_MOST, 0.2001, 0.2, True),
        (Bound.BELOW, 0.49, 0.5, False),
        (Bound.BELOW, 0.5, 0.5, True),  # the drifted share breaches on reaching it
        (Bound.AT_LEAST, 0.8, 0.8, False),  # four-fifths exactly passes
        (Bound.AT_LEAST, 0.7999, 0.8, True),
    ],
)
def test_bounds(bound: Bound, value: float, limit: float, breached: bool) -> None:
    assert bound.breached(value, limit) is breached
    assert Measurement("m", value, limit, bound).breached is breached


def test_a_measurement_without_a_limit_never_breaches() -> None:
    assert Measurement("score", 12.0).breached is False


def _card(**monitoring: object) -> SystemCard:
    data = minimal_workspace_files()["systems/reco.yaml"]
    data["monitoring"] = {**data["monitoring"], **monitoring}
    return SystemCard.model_validate(data)


def test_the_later_of_card_and_store_is_the_last_run() -> None:
    card = _card(last_run="2026-11-01")
    assert last_monitored(card, {}) == date(2026, 11, 1)
    assert last_monitored(card, {"reco": date(2026, 11, 20)}) == date(2026, 11, 20)
    assert last_monitored(card, {"reco": date(2026, 10, 1)}) == date(2026, 11, 1)
    assert last_monitored(card, {"other": date(2026, 11, 20)}) == date(2026, 11, 1)


@pytest.mark.parametrize(
    ("schedule", "last_run", "as_of", "due", "next_due"),
    [
        ("weekly", "2026-11-17", "2026-11-23", False, "2026-11-24"),
        ("weekly", "2026-11-17", "2026-11-24", True, "2026-11-24"),
        ("daily", "2026-11-23", "2026-11-24", True, "2026-11-24"),
        ("0 6 * * MON", "2026-11-16", "2026-11-22", False, "2026-11-23"),
        ("0 6 * * MON", "2026-11-16", "2026-11-23", True, "2026-11-23"),
    ],
)
def test_due_follows_the_schedule(
    schedule: str, last_run: str, as_of: str, due: bool, next_due: str
) -> None:
    result = due_on(_card(schedule=schedule, last_run=last_run), {}, date.fromisoformat(as_of))
    assert result.due is due
    assert result.next_due == date.fromisoformat(next_due)


def test_a_plan_that_never_ran_is_due() -> None:
    card = _card(last_run=None)
    result = due_on(card, {}, date(2026, 11, 24))
    assert (result.due, result.last_run, result.next_due) == (True, None, None)


def test_watched_metrics_follow_the_card_names() -> None:
    card = _card(metrics=["psi:score", "exposure_ratio"])
    assert watches(card, "psi:score")
    assert not watches(card, "psi:genre")
    assert watches(card, "exposure_ratio:origin")  # a bare name watches every column
    assert not watches(card, "exposure_ratio_x")
