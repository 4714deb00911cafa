"""Monitoring documented: production systems say what they watch and how often."""

from __future__ import annotations

from typing import ClassVar

from charter.checks.support import missing_fields, system_of, system_violation
from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.monitoring import Bound, Measurement, last_monitored
from charter.domain.scans import DriftSpec, DriftThresholds, judge_drift
from charter.domain.schedules import first_due_after, is_valid_schedule
from charter.domain.status import Status
from charter.domain.systems import parse_window

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


class ScheduleKept(Check):
    """Monitoring of a production system ran on its schedule: the first day the schedule
    called for a run after the last run is no more than ``grace_days`` before the audit
    date (``daily`` 1 day, ``weekly`` 7, ``monthly`` 31, ``quarterly`` 92; cron lines by the
    days they fire). The last run is the later of the card's ``monitoring.last_run`` and the
    latest run ``charter monitor run`` stored. A plan that never ran fails."""

    id = "monitoring.schedule_kept"
    title = "Monitoring runs on its schedule"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:MON-04",)
    inputs = (
        "systems/<id>.yaml: monitoring.schedule, monitoring.last_run",
        "stored monitoring runs",
    )
    parameters = ("grace_days",)

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        plan = card.monitoring
        if plan is None or not is_valid_schedule(plan.schedule):
            return Outcome.not_applicable("no valid monitoring schedule (MON-01 reports it)")
        grace = int(ctx.threshold("grace_days"))
        last_run = last_monitored(card, ctx.monitored_on or {})
        evidence = {
            "schedule": plan.schedule,
            "last_run": last_run.isoformat() if last_run else None,
            "grace_days": grace,
        }
        if last_run is None:
            return Outcome.from_violations(
                [system_violation(ctx, ("monitoring",), "monitoring has never run (no "
                                  "monitoring.last_run, no stored run)", evidence,
                                  aspect="last_run")],
                evidence,
            )  # fmt: skip
        due = first_due_after(plan.schedule, last_run)
        evidence["next_due"] = due.isoformat() if due else None
        if due is None:
            return Outcome.from_violations(
                [system_violation(ctx, ("monitoring", "schedule"),
                                  f"schedule '{plan.schedule}' never calls for a run (within "
                                  "400 days)", evidence)],
                evidence,
            )  # fmt: skip
        if (ctx.as_of - due).days <= grace:
            return Outcome.from_violations([], evidence)
        late = (ctx.as_of - due).days
        return Outcome.from_violations(
            [
                system_violation(
                    ctx,
                    ("monitoring", "last_run"),
                    f"monitoring last ran {last_run} and was due again on {due} "
                    f"({plan.schedule}): {late} days late (grace {grace})",
                    {**evidence, "days_late": late},
                )
            ],
            evidence,
        )


CHECKS: list[type[Check]] = [MonitoringPlanDocumented, ScheduleKept]


class DriftWithinThresholds(Check):
    """The log named in ``monitoring.drift`` is compared between the card's reference window
    and its current window (``PnD`` ends on the audit date): one scan of each window
    computes per column PSI on reference-decile bins, Jensen-Shannon distance, Wasserstein
    and KS for numbers, chi-square for categories, and Evidently's default drift test. A
    column whose PSI exceeds ``psi`` fails, and so does the dataset when the share of
    columns Evidently's test flags reaches ``drifted_share``."""

    id = "monitoring.drift"
    title = "Input and score drift within thresholds"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:MON-02",)
    inputs = ("systems/<id>.yaml: monitoring.drift, reference_window, current_window",)
    parameters = ("psi", "drifted_share")

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        plan = card.monitoring
        if plan is None or plan.drift is None:
            where = ("monitoring",) if plan is not None else ("lifecycle",)
            return Outcome.from_violations(
                [system_violation(ctx, where, "no log is named for drift monitoring")]
            )
        missing = missing_fields(plan, ["reference_window", "current_window"])
        if missing or plan.reference_window is None or plan.current_window is None:
            return Outcome.from_violations(
                [
                    system_violation(
                        ctx,
                        ("monitoring",),
                        f"drift needs {' and '.join(missing)} to compare",
                        status=Status.INSUFFICIENT_EVIDENCE,
                    )
                ]
            )
        if ctx.scanner is None:
            raise RuntimeError("no scan engine was given to the audit")
        evidence = plan.drift
        spec = DriftSpec(
            tuple(evidence.columns),
            tuple(evidence.categorical),
            "charter",
            evidence.time,
            parse_window(plan.reference_window, ctx.as_of),
            parse_window(plan.current_window, ctx.as_of),
        )
        thresholds = DriftThresholds(ctx.threshold("psi"), ctx.threshold("drifted_share"))
        report = ctx.scanner.drift(str(ctx.workspace.root / evidence.path), spec)
        measurements = [
            Measurement(f"psi:{c.column}", c.psi, thresholds.psi) for c in report.columns
        ]
        if report.columns:
            measurements.append(
                Measurement(
                    "drifted_share", report.share_drifted, thresholds.drifted_share, Bound.BELOW
                )
            )
        violations = [
            system_violation(
                ctx,
                ("monitoring", "drift"),
                breach.message,
                {"metric": breach.metric, "value": breach.value, "threshold": breach.threshold},
                aspect=f"{breach.column}.psi" if breach.column else "dataset",
            )
            for breach in judge_drift(report, thresholds)
        ]
        return Outcome.from_violations(
            violations,
            {
                "reference_rows": report.reference_rows,
                "current_rows": report.current_rows,
                "psi_threshold": thresholds.psi,
                "share_drifted": report.share_drifted,
                "columns": {
                    c.column: {
                        "psi": c.psi,
                        "test": c.test.name,
                        "statistic": c.statistic,
                        "drifted": c.drifted,
                    }
                    for c in report.columns
                },
            },
            measurements,
        )


CHECKS.append(DriftWithinThresholds)
