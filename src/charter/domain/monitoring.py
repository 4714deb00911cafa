"""Monitoring as a time series: what a check measured, against which limit, run after run.

A check reports ``Measurement`` values with its outcome (PSI per column, parity ratios...);
``charter monitor run`` stores them per system and date as ``MetricPoint`` rows, so trends
and breaches can be followed. Which systems are due follows their card's schedule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from charter.domain.schedules import first_due_after, is_valid_schedule
from charter.domain.systems import Lifecycle, SystemCard

if TYPE_CHECKING:
    from charter.domain.alerts import Delivery
    from charter.domain.audit import AuditReport


class Bound(StrEnum):
    """How a value must stand against its limit."""

    AT_MOST = "at_most"
    """Breached above the limit (PSI, error-rate differences)."""
    BELOW = "below"
    """Breached on reaching the limit (the share of drifted columns)."""
    AT_LEAST = "at_least"
    """Breached under the limit (parity ratios)."""

    def breached(self, value: float, limit: float) -> bool:
        if self is Bound.AT_MOST:
            return value > limit
        if self is Bound.BELOW:
            return value >= limit
        return value < limit


@dataclass(frozen=True, slots=True)
class Measurement:
    """One figure a check computed, named as cards name monitored metrics
    (``psi:region``, ``demographic_parity_ratio:age_band``)."""

    metric: str
    value: float
    limit: float | None = None
    bound: Bound = Bound.AT_MOST

    @property
    def breached(self) -> bool:
        return self.limit is not None and self.bound.breached(self.value, self.limit)


@dataclass(frozen=True, slots=True)
class MetricPoint:
    """A measurement stored for one system on one monitoring run."""

    run_id: str
    system: str
    as_of: date
    metric: str
    value: float
    limit: float | None
    bound: Bound
    breached: bool
    check: str
    """The check that measured it (``monitor`` for the run's own score and findings)."""
    watched: bool
    """Whether the card's ``monitoring.metrics`` names it."""


@dataclass(frozen=True, slots=True)
class MonitorRun:
    """One monitoring run of one system: an audit of that system plus its metric points."""

    run_id: str
    partner: str
    system: str
    as_of: date
    started_at: datetime
    status: str
    score: float | None
    findings: int
    breaches: int


@dataclass(frozen=True, slots=True)
class MetricQuery:
    partner: str
    system: str | None = None
    metric: str | None = None
    since: date | None = None
    until: date | None = None
    watched_only: bool = False
    limit: int = 1000


@dataclass(frozen=True, slots=True)
class Due:
    """Whether a system's monitoring is due on a date, and why."""

    system: str
    schedule: str
    last_run: date | None
    next_due: date | None
    due: bool


def last_monitored(card: SystemCard, stored: Mapping[str, date]) -> date | None:
    """The later of the card's ``monitoring.last_run`` and the latest stored monitoring run."""
    dates = [
        d
        for d in (card.monitoring.last_run if card.monitoring else None, stored.get(card.id))
        if d is not None
    ]
    return max(dates) if dates else None


def monitored(card: SystemCard) -> bool:
    """Production systems with a monitoring plan whose schedule is valid are monitored."""
    return (
        card.lifecycle is Lifecycle.PRODUCTION
        and card.monitoring is not None
        and is_valid_schedule(card.monitoring.schedule)
    )


def due_on(card: SystemCard, stored: Mapping[str, date], as_of: date) -> Due:
    """Whether monitoring of ``card`` is due on ``as_of``: never run, or its schedule called
    for a run on or before that day since the last run."""
    if card.monitoring is None:
        raise ValueError(f"system {card.id} has no monitoring plan")
    last = last_monitored(card, stored)
    next_due = first_due_after(card.monitoring.schedule, last) if last else None
    due = last is None or (next_due is not None and next_due <= as_of)
    return Due(card.id, card.monitoring.schedule, last, next_due, due)


def watches(card: SystemCard, metric: str) -> bool:
    """Whether the card's ``monitoring.metrics`` names ``metric`` (``psi:region`` names
    ``psi:region``; a bare ``psi`` names every ``psi:<column>``)."""
    if card.monitoring is None:
        return False
    return any(metric == m or metric.startswith(f"{m}:") for m in card.monitoring.metrics)


@dataclass(frozen=True)
class SystemMonitoring:
    """One system's monitoring run: its audit, what its checks measured, and what followed
    (issues synced, alerts delivered)."""

    due: Due
    report: AuditReport
    run: MonitorRun
    points: list[MetricPoint]
    unmeasured: list[str]
    """Metrics the card names that no check measured (the partner's own figures)."""
    issues_opened: tuple[str, ...] = ()
    issues_reopened: tuple[str, ...] = ()
    issues_verified: tuple[str, ...] = ()
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def breaches(self) -> list[MetricPoint]:
        return [p for p in self.points if p.breached]
