"""Monitoring documented: production systems say what they watch and how often."""

from __future__ import annotations

from typing import ClassVar

from charter.checks.cron import is_valid_schedule
from charter.checks.support import missing_fields, system_of, system_violation
from charter.domain.checks import Check, CheckContext, Outcome, Violation

PARTNER_PACK = "partner-ai-usage"


class MonitoringPlanDocumented(Check):
    """A production system has a monitoring section with a valid schedule (``daily``,
    ``weekly``, ``monthly``, ``quarterly`` or a five-field cron expression), at least one
    metric, and the reference and current windows its metrics are compared over."""

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
        if not is_valid_schedule(plan.schedule):
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
        missing = missing_fields(plan, ["reference_window", "current_window"])
        if missing:
            violations.append(
                system_violation(
                    ctx,
                    ("monitoring", missing[0]),
                    f"monitoring plan lacks {' and '.join(missing)}",
                    {"missing": missing},
                )
            )
        return Outcome.from_violations(
            violations, {"schedule": plan.schedule, "metrics": list(plan.metrics)}
        )


CHECKS: list[type[Check]] = [MonitoringPlanDocumented]
