"""Fairness: disparities measured on the decision and impression logs a system card names.

The scan engine (``ctx.scanner``) aggregates each log into counts; the statistics and the
verdict (the fairness tree) come from ``charter.metrics`` and ``charter.domain.scans``.
"""

from __future__ import annotations

from typing import ClassVar

from charter.checks.support import system_of, system_violation
from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.monitoring import Bound, Measurement
from charter.domain.scans import (
    ERROR_METRIC,
    DecisionColumns,
    EvidenceScanner,
    FairnessThresholds,
    ImpressionColumns,
    group_label,
    judge_fairness,
)
from charter.domain.status import Status
from charter.domain.systems import Category, DecisionType

PARTNER_PACK = "partner-ai-usage"


def _scanner(ctx: CheckContext) -> EvidenceScanner:
    if ctx.scanner is None:
        raise RuntimeError("no scan engine was given to the audit")
    return ctx.scanner


class ClassificationParity(Check):
    """Each decision log in ``evaluations.fairness`` is scanned once into confusion counts
    per group (every sensitive attribute alone and, with ``intersect``, together; within
    each control stratum too). Selection rates must keep the demographic parity ratio
    (lowest over highest group, the four-fifths rule) at or above its threshold, and the
    error-rate disparity the system's decision type makes harmful stays within the
    equalized-odds threshold: false positive rate difference for punitive decisions, false
    negative rate difference (equal opportunity) for assistive ones, both (equalized odds)
    otherwise. Only groups with at least ``min_group_size`` rows are judged; a smaller group
    makes the verdict ``insufficient_evidence``, never ``pass``."""

    id = "fairness.classification_parity"
    title = "Classification disparities within thresholds"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:FAIR-01",)
    applies_to: ClassVar[tuple[Category, ...]] = tuple(Category)
    inputs = ("systems/<id>.yaml: evaluations.fairness", "decision logs it names")
    parameters = ("demographic_parity_ratio", "equalized_odds_difference", "min_group_size")

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        framework = card.decision_framework
        if framework is not None and framework.decision_type is DecisionType.NONE:
            return Outcome.not_applicable("the system decides nothing about people")
        if not card.evaluations.fairness:
            return Outcome.from_violations(
                [
                    system_violation(
                        ctx,
                        ("evaluations",),
                        "no decision log is named for fairness testing (evaluations.fairness)",
                    )
                ]
            )
        from charter.metrics.fairness import FairnessSpec, assess

        thresholds = FairnessThresholds(
            demographic_parity_ratio=ctx.threshold("demographic_parity_ratio"),
            equalized_odds_difference=ctx.threshold("equalized_odds_difference"),
            min_group_size=int(ctx.threshold("min_group_size")),
        )
        decision_type = framework.decision_type if framework else DecisionType.NONE
        error_metric = ERROR_METRIC[decision_type][0]
        scanner = _scanner(ctx)
        violations: list[Violation] = []
        measurements: list[Measurement] = []
        logs: dict[str, object] = {}
        several = len(card.evaluations.fairness) > 1
        for index, log in enumerate(card.evaluations.fairness):
            columns = DecisionColumns(
                log.label, log.prediction, tuple(log.sensitive), tuple(log.control), log.score
            )
            cells = scanner.decision_cells(str(ctx.workspace.root / log.path), columns)
            report = assess(
                cells,
                FairnessSpec(
                    tuple(log.sensitive),
                    log.intersect,
                    tuple(log.control),
                    dict(log.reference_group),
                    thresholds.min_group_size,
                ),
            )
            summary = {
                name: {
                    "demographic_parity_ratio": f.eligible.demographic_parity_ratio.value,
                    "equalized_odds_difference": f.eligible.equalized_odds_difference.value,
                    "error_disparity": f.eligible.error_disparity(error_metric).value,
                    "groups": [
                        {
                            "group": group_label(g.group),
                            "count": g.counts.n,
                            "selection_rate": g.rates["selection_rate"],
                            "ci": list(g.intervals["selection_rate"] or ()) or None,
                            "small": g.group in f.small_groups,
                        }
                        for g in f.groups
                    ],
                    "small_groups": [group_label(g) for g in f.small_groups],
                }
                for name, f in report.features.items()
            }
            logs[log.id] = {"rows": report.rows, **summary}
            for name, f in report.features.items():
                tail = f"{name}@{log.id}" if several else name
                measurements += [
                    Measurement(f"{metric}:{tail}", value, limit, bound)
                    for metric, value, limit, bound in (
                        ("demographic_parity_ratio", f.eligible.demographic_parity_ratio.value,
                         thresholds.demographic_parity_ratio, Bound.AT_LEAST),
                        ("equalized_odds_difference", f.eligible.equalized_odds_difference.value,
                         thresholds.equalized_odds_difference, Bound.AT_MOST),
                    )
                    if value is not None
                ]  # fmt: skip
            for breach in judge_fairness(report, thresholds, decision_type):
                stratum = "".join(f"[{k}={v}]" for k, v in breach.stratum.items())
                violations.append(
                    system_violation(
                        ctx,
                        ("evaluations", "fairness", index),
                        f"{log.id}: {breach.message}",
                        {
                            "metric": breach.metric,
                            "value": breach.value,
                            "threshold": breach.threshold,
                            "groups": [group_label(g) for g in breach.groups],
                            "ci95": list(breach.interval) if breach.interval else None,
                            "rows": report.rows,
                        },
                        aspect=f"{breach.feature}.{breach.metric}{stratum}",
                        status=breach.status,
                    )
                )
        return Outcome.from_violations(
            violations,
            {
                "decision_type": str(decision_type),
                "error_metric": error_metric,
                "thresholds": {
                    "demographic_parity_ratio": thresholds.demographic_parity_ratio,
                    "equalized_odds_difference": thresholds.equalized_odds_difference,
                    "min_group_size": thresholds.min_group_size,
                },
                "logs": logs,
            },
            measurements,
        )


class ExposureParity(Check):
    """Each impression log in ``evaluations.exposure`` is scanned once into exposure per
    item-provider group, with position weight 1/log2(1+rank) (Singh and Joachims 2018).
    The exposure ratio (the lowest group's mean exposure per item over the highest's) must
    stay at or above its threshold. Share of catalogue, share of merit, popularity bias and
    quality by user group are reported as evidence."""

    id = "fairness.exposure_parity"
    title = "Exposure parity of ranked recommendations"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:FAIR-02",)
    inputs = ("systems/<id>.yaml: evaluations.exposure", "impression logs it names")
    parameters = ("exposure_ratio",)

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        if not card.evaluations.exposure:
            return Outcome.from_violations(
                [
                    system_violation(
                        ctx,
                        ("evaluations",),
                        "no impression log is named for exposure testing (evaluations.exposure)",
                    )
                ]
            )
        from charter.metrics.exposure import exposure_report

        limit = ctx.threshold("exposure_ratio")
        scanner = _scanner(ctx)
        violations: list[Violation] = []
        measurements: list[Measurement] = []
        evidence: dict[str, object] = {}
        several = len(card.evaluations.exposure) > 1
        for index, log in enumerate(card.evaluations.exposure):
            columns = ImpressionColumns(
                log.user,
                log.item,
                log.rank,
                log.group,
                log.relevance,
                log.click,
                log.user_group,
                log.request,
                log.k,
            )
            catalogue = str(ctx.workspace.root / log.catalogue) if log.catalogue else None
            tables = scanner.exposure_tables(str(ctx.workspace.root / log.path), columns, catalogue)
            report = exposure_report(tables)
            ratio = report.exposure_ratio
            evidence[log.id] = {
                "impressions": report.impressions,
                "exposure_ratio": ratio.value,
                "threshold": limit,
                "groups": [
                    {
                        "group": str(g.group),
                        "impressions": g.impressions,
                        "exposure_share": g.exposure_share,
                        "mean_exposure": g.mean_exposure,
                    }
                    for g in report.groups
                ],
                "head_exposure_share": report.popularity.head_exposure_share,
                "gini_exposure": report.popularity.gini_exposure,
            }
            if ratio.value is not None:
                tail = f"{log.group}@{log.id}" if several else log.group
                measurements.append(
                    Measurement(f"exposure_ratio:{tail}", ratio.value, limit, Bound.AT_LEAST)
                )
            if ratio.value is None:
                violations.append(
                    system_violation(
                        ctx,
                        ("evaluations", "exposure", index),
                        f"{log.id}: exposure ratio undefined (fewer than two groups exposed)",
                        status=Status.INSUFFICIENT_EVIDENCE,
                        aspect="exposure_ratio",
                    )
                )
            elif ratio.value < limit:
                low, high = ratio.groups or ((), ())
                violations.append(
                    system_violation(
                        ctx,
                        ("evaluations", "exposure", index),
                        f"{log.id}: exposure ratio {ratio.value:.3f} below {limit:g} "
                        f"({group_label(low)} vs {group_label(high)})",
                        {
                            "value": ratio.value,
                            "threshold": limit,
                            "groups": [group_label(low), group_label(high)],
                        },
                        aspect="exposure_ratio",
                    )
                )
        return Outcome.from_violations(violations, evidence, measurements)


CHECKS: list[type[Check]] = [ClassificationParity, ExposureParity]


class FairnessOverTime(Check):
    """In every calendar month of each timed decision log (``evaluations.fairness`` with a
    ``time`` column), within the monitoring plan's span (reference window start to current
    window end) when there is one, the demographic parity ratio of each sensitive attribute
    is not clearly under the threshold: a month fails when the whole 95 % interval of its
    ratio lies below it (a month is a small sample; a point estimate below with an interval
    reaching the threshold is listed as uncertain). Months whose groups are under 30 rows
    give no ratio. One finding per log and attribute lists the failing months. A system
    that decides nothing about people and names no log is not assessed."""

    id = "monitoring.fairness_over_time"
    title = "Disparities stay within thresholds over monitoring windows"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:MON-03",)
    inputs = ("systems/<id>.yaml: evaluations.fairness (time), monitoring windows",)
    parameters = ("demographic_parity_ratio",)

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        timed = [(i, log) for i, log in enumerate(card.evaluations.fairness) if log.time]
        framework = card.decision_framework
        if not timed:
            if not card.evaluations.fairness and (
                framework is None or framework.decision_type is DecisionType.NONE
            ):
                return Outcome.not_applicable("the system decides nothing about people")
            return Outcome.from_violations([system_violation(
                ctx, ("evaluations",),
                "no decision log with a time column: disparities cannot be followed over time",
                status=Status.INSUFFICIENT_EVIDENCE,
            )])  # fmt: skip
        from charter.domain.scans import BUCKET_COLUMN
        from charter.metrics.fairness import FairnessSpec, assess

        limit = ctx.threshold("demographic_parity_ratio")
        span = _plan_span(ctx)
        scanner = _scanner(ctx)
        violations: list[Violation] = []
        measurements: list[Measurement] = []
        months: dict[str, object] = {}
        for index, log in timed:
            columns = DecisionColumns(log.label, log.prediction, tuple(log.sensitive),
                                      time=log.time, bucket="month")  # fmt: skip
            cells = scanner.decision_cells(str(ctx.workspace.root / log.path), columns)
            report = assess(cells, FairnessSpec(tuple(log.sensitive), False, (),
                            dict(log.reference_group), min_group_size=30,
                            bucket=BUCKET_COLUMN))  # fmt: skip
            per_feature: dict[str, list[tuple[str, float, float]]] = {}
            for window in report.over_time:
                month = window.label[:7]
                if span and not (span[0][:7] <= month <= span[1][:7]):
                    continue
                for feature, metrics in window.features.items():
                    ratio = metrics["demographic_parity_ratio"]
                    if ratio.value is not None:
                        upper = ratio.interval[1] if ratio.interval else ratio.value
                        per_feature.setdefault(feature, []).append((month, ratio.value, upper))
            months[log.id] = {
                f: {m: round(v, 4) for m, v, _ in values} for f, values in per_feature.items()
            }
            tail = f"@{log.id}" if len(timed) > 1 else ""
            # The latest month's ratio: what a trend follows run after run.
            measurements += [
                Measurement(f"monthly_demographic_parity_ratio:{feature}{tail}",
                            max(values)[1], limit, Bound.AT_LEAST)
                for feature, values in per_feature.items()
            ]  # fmt: skip
            if not per_feature:
                violations.append(
                    system_violation(
                        ctx,
                        ("evaluations", "fairness", index),
                        f"{log.id}: no month in the monitoring span has two groups of 30 "
                        "decisions or more: disparities over time cannot be judged",
                        {"span": span},
                        aspect="monthly",
                        status=Status.INSUFFICIENT_EVIDENCE,
                    )
                )
            for feature, values in per_feature.items():
                low = [(m, v) for m, v, upper in values if upper < limit]
                if not low:
                    continue
                uncertain = [m for m, v, upper in values if v < limit <= upper]
                worst = min(low, key=lambda item: item[1])
                violations.append(
                    system_violation(
                        ctx,
                        ("evaluations", "fairness", index),
                        f"{log.id}: {feature} demographic parity ratio clearly under "
                        f"{limit:g} (its whole 95 % interval) in {len(low)} of {len(values)} "
                        f"months (lowest {worst[1]:.3f} in {worst[0]})",
                        {
                            "feature": feature,
                            "threshold": limit,
                            "months_below": {m: round(v, 4) for m, v in low},
                            "months_uncertain": uncertain,
                            "months": len(values),
                        },
                        aspect=f"{feature}.demographic_parity_ratio.monthly",
                    )
                )
        return Outcome.from_violations(violations, {"months": months, "span": span}, measurements)


def _plan_span(ctx: CheckContext) -> tuple[str, str] | None:
    """The monitoring plan's reference start and current end, as ISO dates."""
    from charter.domain.systems import parse_window

    plan = system_of(ctx).monitoring
    if plan is None or plan.reference_window is None or plan.current_window is None:
        return None
    start, _ = parse_window(plan.reference_window, ctx.as_of)
    _, end = parse_window(plan.current_window, ctx.as_of)
    return start.isoformat(), end.isoformat()


CHECKS.append(FairnessOverTime)
