"""Where a person stands on a training module: one rule for the audit's
``training.coverage`` and for ``charter training status``.

A completion counts when it was recorded for the module's current content (its pack version
is ``changed_in`` or later) and is younger than the module's validity (and the pack's
``max_age_days`` for the coverage check, when tighter).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from charter.domain.guidelines import TrainingModule, version_key
from charter.domain.organisation import TrainingRecord

EXPIRING_DAYS = 30
"""A valid completion that runs out within this many days is reported as expiring."""


class Standing(StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    OUTDATED = "outdated"
    """Completed for content the module has changed since."""
    MISSING = "missing"

    @property
    def trained(self) -> bool:
        return self in (Standing.VALID, Standing.EXPIRING)


@dataclass(frozen=True)
class ModuleStanding:
    standing: Standing
    last: TrainingRecord | None
    """The latest completion counted (or the latest at all when none counts)."""
    expires_on: date | None
    limit_days: int


def module_standing(
    records: Iterable[TrainingRecord],
    module: TrainingModule,
    as_of: date,
    max_age_days: float | None = None,
) -> ModuleStanding:
    """One person's standing on ``module`` from their completions of it (later ones than
    ``as_of`` are ignored: not completed yet on that day)."""
    limit = int(min(module.validity_days, max_age_days or module.validity_days))
    done = [r for r in records if r.module == module.id and r.completed_on <= as_of]
    current = [r for r in done if version_key(r.version) >= version_key(module.changed_in)]
    if current:
        last = max(current, key=lambda r: r.completed_on)
        expires = last.completed_on + timedelta(days=limit)
        if (as_of - last.completed_on).days <= limit:
            soon = (expires - as_of).days <= EXPIRING_DAYS
            return ModuleStanding(
                Standing.EXPIRING if soon else Standing.VALID, last, expires, limit
            )
        return ModuleStanding(Standing.EXPIRED, last, expires, limit)
    if done:
        return ModuleStanding(Standing.OUTDATED, max(done, key=lambda r: r.completed_on),
                              None, limit)  # fmt: skip
    return ModuleStanding(Standing.MISSING, None, None, limit)


def why_not_trained(standing: ModuleStanding, module: TrainingModule) -> str:
    if standing.standing is Standing.OUTDATED and standing.last is not None:
        return f"completed for {standing.last.version}; the module changed in {module.changed_in}"
    if standing.standing is Standing.EXPIRED and standing.last is not None:
        return f"last completed {standing.last.completed_on}, over {standing.limit_days} days ago"
    return "never completed"
