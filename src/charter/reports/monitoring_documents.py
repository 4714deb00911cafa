"""Documents of ``charter monitor run|history|deliveries``: JSON-ready dicts and the terminal
tables rendered from them (the HTML trend charts are in ``monitoring_html``)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from rich.console import Console
from rich.table import Table

from charter.domain.alerts import Delivery
from charter.domain.monitoring import Due, MetricPoint, MonitorRun, SystemMonitoring

RUN_SCHEMA = "charter.monitor-run/v1"
HISTORY_SCHEMA = "charter.monitor-history/v1"


def monitor_run_document(
    as_of: date, outcomes: Sequence[SystemMonitoring], skipped: Sequence[Due]
) -> dict[str, Any]:
    """What one ``charter monitor run`` did: per system its run, metrics, breaches, issues
    and alert deliveries; systems not due are listed with their next date."""
    return {
        "schema": RUN_SCHEMA,
        "as_of": as_of.isoformat(),
        "systems": [
            {
                "system": o.run.system,
                "run_id": o.run.run_id,
                "schedule": o.due.schedule,
                "previous_run": o.due.last_run.isoformat() if o.due.last_run else None,
                "was_due": o.due.due,
                "status": o.run.status,
                "score": o.run.score,
                "findings": o.run.findings,
                "new_findings": len(o.report.comparison.new),
                "metrics": [_point(p) for p in o.points],
                "breaches": [p.metric for p in o.breaches],
                "unmeasured": list(o.unmeasured),
                "issues": {
                    "opened": list(o.issues_opened),
                    "reopened": list(o.issues_reopened),
                    "verified": list(o.issues_verified),
                },
                "deliveries": [delivery_entry(d) for d in o.deliveries],
            }
            for o in outcomes
        ],
        "not_due": [
            {
                "system": d.system,
                "schedule": d.schedule,
                "last_run": d.last_run.isoformat() if d.last_run else None,
                "next_due": d.next_due.isoformat() if d.next_due else None,
            }
            for d in skipped
        ],
    }


def history_document(
    partner: str, runs: Sequence[MonitorRun], points: Sequence[MetricPoint]
) -> dict[str, Any]:
    """Monitoring runs (newest first) and the metric series, one per system and metric with
    its points oldest first."""
    series: dict[tuple[str, str], list[MetricPoint]] = {}
    for p in points:
        series.setdefault((p.system, p.metric), []).append(p)
    return {
        "schema": HISTORY_SCHEMA,
        "partner": partner,
        "runs": [
            {
                "run_id": r.run_id,
                "system": r.system,
                "as_of": r.as_of.isoformat(),
                "status": r.status,
                "score": r.score,
                "findings": r.findings,
                "breaches": r.breaches,
            }
            for r in runs
        ],
        "series": [
            {
                "system": system,
                "metric": metric,
                "check": found[-1].check,
                "watched": found[-1].watched,
                "limit": found[-1].limit,
                "bound": str(found[-1].bound),
                "points": [
                    {
                        "as_of": p.as_of.isoformat(),
                        "value": p.value,
                        "breached": p.breached,
                        "run_id": p.run_id,
                    }
                    for p in found
                ],
            }
            for (system, metric), found in sorted(series.items())
        ],
    }


def delivery_entry(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "webhook": d.webhook,
        "url": d.url,
        "event": str(d.event),
        "run_id": d.run_id,
        "at": d.at.isoformat(),
        "delivered": d.delivered,
        "attempts": [
            {"status": a.status, "error": a.error, "seconds": a.seconds} for a in d.attempts
        ],
        "body_sha256": d.body_sha256,
    }


def render_monitor_run(document: dict[str, Any]) -> str:
    table = Table(title=f"Monitoring as of {document['as_of']}")
    for column in (
        "system",
        "schedule",
        "status",
        "score",
        "metrics",
        "breaches",
        "new findings",
        "issues opened",
        "alerts",
    ):
        table.add_column(column)
    for s in document["systems"]:
        alerts = ", ".join(
            f"{d['webhook']} {'sent' if d['delivered'] else 'FAILED'}" for d in s["deliveries"]
        )
        table.add_row(
            s["system"],
            s["schedule"],
            s["status"],
            "n/a" if s["score"] is None else f"{s['score']:.1f}",
            str(len(s["metrics"])),
            ", ".join(s["breaches"]) or "-",
            str(s["new_findings"]),
            str(len(s["issues"]["opened"]) + len(s["issues"]["reopened"])),
            alerts or "-",
        )
    lines = [_table_text(table)]
    for s in document["systems"]:
        if s["unmeasured"]:
            lines.append(
                f"{s['system']}: not measured by Charter (the partner's own figures): "
                f"{', '.join(s['unmeasured'])}"
            )
    for d in document["not_due"]:
        lines.append(
            f"{d['system']}: not due ({d['schedule']}, last run {d['last_run']}, next due "
            f"{d['next_due']}); without --due-only it runs anyway"
        )
    return "\n".join(lines) + "\n"


def render_history(document: dict[str, Any]) -> str:
    table = Table(title=f"Monitoring history of {document['partner']}")
    for column in ("system", "metric", "limit", "points", "first", "latest", "breached"):
        table.add_column(column)
    for s in document["series"]:
        points = s["points"]
        limit = "-" if s["limit"] is None else f"{_bound_sign(s['bound'])} {s['limit']:g}"
        table.add_row(
            s["system"],
            s["metric"] + ("" if s["watched"] else " *"),
            limit,
            str(len(points)),
            f"{points[0]['value']:.4g} ({points[0]['as_of']})",
            f"{points[-1]['value']:.4g} ({points[-1]['as_of']})",
            f"{sum(p['breached'] for p in points)} of {len(points)}",
        )
    note = "* measured by a check, not named in the card's monitoring.metrics"
    return _table_text(table) + ("\n" + note + "\n" if document["series"] else "\n")


def render_deliveries(deliveries: Sequence[Delivery]) -> str:
    table = Table(title="Webhook deliveries")
    for column in ("at", "webhook", "event", "run", "result", "attempts", "last answer"):
        table.add_column(column)
    for d in deliveries:
        table.add_row(
            d.at.strftime("%Y-%m-%d %H:%M:%S"),
            d.webhook,
            str(d.event),
            d.run_id or "-",
            "delivered" if d.delivered else "FAILED",
            str(len(d.attempts)),
            str(d.last_status) if d.last_status is not None else (d.last_error or "-"),
        )
    return _table_text(table)


def _point(p: MetricPoint) -> dict[str, Any]:
    return {
        "metric": p.metric,
        "value": p.value,
        "limit": p.limit,
        "bound": str(p.bound),
        "breached": p.breached,
        "check": p.check,
        "watched": p.watched,
    }


def _bound_sign(bound: str) -> str:
    return {"at_most": "<=", "below": "<", "at_least": ">="}.get(bound, bound)


def _table_text(table: Any, width: int = 160) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, force_terminal=False, no_color=True).print(table)
    return buffer.getvalue()
