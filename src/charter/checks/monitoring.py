"""Monitoring documented: production systems say what they watch and how often."""

from __future__ import annotations

import re
from typing import ClassVar

from charter.checks.support import system_of, system_violation
from charter.domain.checks import Check, CheckContext, Outcome, Violation

PARTNER_PACK = "partner-ai-usage"
_NAMED = {"daily", "weekly", "monthly", "quarterly"}
_CRON_FIELD = r"[\d*/,\-]+"
_CRON = re.compile(rf"^{_CRON_FIELD}(\s+{_CRON_FIELD}){{4}}$")


class MonitoringPlanDocumented(Check):
    """A production system has a monitoring section with a valid schedule (``daily``,
    ``weekly``, ``monthly``, ``quarterly`` or a five-field cron expression) and at least one
    metric."""

    id = "monitoring.plan_documented"
    title = "Production systems have a monitoring plan"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:MON-01",)
    inputs = ("systems/<id>.yaml: monitoring",)

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        plan = card.monitoring
        if plan is None:
            return Outcome.from_violations(
                [system_violation(ctx, ("lifecycle",), "production system has no monitoring plan")]
            )
        violations: list[Violation] = []
        if plan.schedule not in _NAMED and not _CRON.match(plan.schedule):
            violations.append(
                system_violation(
                    ctx,
                    ("monitoring", "schedule"),
                    f"schedule '{plan.schedule}' is not daily/weekly/monthly/quarterly or cron",
                )
            )
        if not plan.metrics:
            violations.append(
                system_violation(ctx, ("monitoring",), "monitoring plan names no metric")
            )
        return Outcome.from_violations(
            violations, {"schedule": plan.schedule, "metrics": list(plan.metrics)}
        )


CHECKS: list[type[Check]] = [MonitoringPlanDocumented]
