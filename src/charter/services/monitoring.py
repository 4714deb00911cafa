"""``charter monitor run``: re-audit each monitored system, keep what its checks measured as
a time series, open issues for what broke, and alert the partner's webhooks.

A monitoring run of a system is an audit of that system (``charter audit --system``: same
scope, so runs of either kind compare with each other) stored together with its metric
points. Breaches of a check's limit are that check's findings; the issue register picks
them up like any audit's.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from charter.domain.alerts import (
    ALERT_SCHEMA,
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    AlertEvent,
    Delivery,
    signature,
)
from charter.domain.errors import InputError, InputProblem
from charter.domain.guidelines import Pack
from charter.domain.monitoring import (
    Due,
    MetricPoint,
    MonitorRun,
    SystemMonitoring,
    due_on,
    monitored,
    watches,
)
from charter.domain.organisation import Webhook
from charter.domain.ports import (
    DeliveryLog,
    IssueStore,
    MonitoringStore,
    RunHistory,
    WebhookSender,
)
from charter.domain.workspace import CONFIG_FILE, Workspace
from charter.services.audit import AuditRequest, run_audit
from charter.services.issues import sync_with_audit

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


def schedule(
    ws: Workspace, as_of: date, stored: Mapping[str, date], only: str | None = None
) -> list[Due]:
    """Every monitored system (production, with a valid monitoring schedule) and whether it
    is due on ``as_of``.

    Raises
    ------
    InputError
        When ``only`` names an unknown system or one that is not monitored.
    """
    if only is not None:
        card = ws.systems.get(only)
        if card is None:
            known = ", ".join(sorted(ws.systems)) or "none"
            raise InputError.at("--system", 0, 0, f"unknown system '{only}' (known: {known})")
        if not monitored(card):
            raise InputError.at(
                "--system",
                0,
                0,
                f"system '{only}' is not monitored: only production systems with a valid "
                "monitoring schedule are",
            )
        return [due_on(card, stored, as_of)]
    return [due_on(card, stored, as_of) for card in ws.systems.values() if monitored(card)]


def monitor_system(
    request: AuditRequest,
    due: Due,
    stored: Mapping[str, date],
    *,
    clock: Clock = _now,
    history: RunHistory | None = None,
) -> SystemMonitoring:
    """Audit one system as its monitoring run (writes nothing): the run itself counts as
    monitoring done on ``as_of`` for ``monitoring.schedule_kept``."""
    card = request.workspace.systems[due.system]
    report = run_audit(
        replace(
            request,
            system_filter=due.system,
            monitored_on={**stored, due.system: request.as_of},
        ),
        clock=clock,
        history=history,
    )
    points: list[MetricPoint] = []
    seen: set[tuple[str, str]] = set()
    for result in report.results:
        for m in result.measurements:
            if result.system != due.system or (result.check, m.metric) in seen:
                continue  # two packs running one check measure the same thing once
            seen.add((result.check, m.metric))
            points.append(
                MetricPoint(report.run_id, due.system, request.as_of, m.metric, m.value,
                            m.limit, m.bound, m.breached, result.check,
                            watches(card, m.metric))
            )  # fmt: skip
    unmeasured = [
        name
        for name in (card.monitoring.metrics if card.monitoring else [])
        if not any(p.metric == name or p.metric.startswith(f"{name}:") for p in points)
    ]
    run = MonitorRun(
        run_id=report.run_id,
        partner=report.partner,
        system=due.system,
        as_of=request.as_of,
        started_at=report.started_at,
        status=str(report.overall.status),
        score=report.overall.score,
        findings=len(report.findings),
        breaches=sum(p.breached for p in points),
    )
    return SystemMonitoring(due, report, run, points, unmeasured)


def record_monitoring(
    outcome: SystemMonitoring,
    document: dict[str, Any],
    store: MonitoringStore,
    issues: IssueStore | None,
    packs: Sequence[Pack],
    clock: Clock = _now,
) -> SystemMonitoring:
    """Store the run with its points in one transaction, then sync the issue register."""
    report = outcome.report
    store.save_monitoring(report, report.scope, document, outcome.run, outcome.points)
    if issues is None:
        return outcome
    summary = sync_with_audit(issues, report, packs, clock)
    return replace(
        outcome,
        issues_opened=tuple(summary.opened),
        issues_reopened=tuple(summary.reopened),
        issues_verified=tuple(summary.verified),
    )


def secrets_of(ws: Workspace, environ: Mapping[str, str]) -> dict[str, bytes]:
    """Each webhook's shared secret, read from the environment variable it names.

    Raises
    ------
    InputError
        At the webhook in ``charter.yaml`` whose variable is unset or empty: alerts are
        never sent unsigned, and the check comes before any monitoring work.
    """
    secrets: dict[str, bytes] = {}
    for index, hook in enumerate(ws.config.alerts.webhooks):
        value = environ.get(hook.secret_env, "")
        if not value:
            raise InputError(
                InputProblem(
                    ws.locate_input(CONFIG_FILE, ("alerts", "webhooks", index, "secret_env")),
                    f"webhook '{hook.id}': environment variable {hook.secret_env} holding its "
                    "secret is not set",
                )
            )
        secrets[hook.id] = value.encode()
    return secrets


def alert_event(outcome: SystemMonitoring) -> AlertEvent:
    """``monitoring.breach`` when a limit was crossed, findings appeared or issues opened or
    reopened; ``monitoring.run`` otherwise."""
    news = outcome.report.comparison.new
    if outcome.breaches or news or outcome.issues_opened or outcome.issues_reopened:
        return AlertEvent.BREACH
    return AlertEvent.RUN


def alert_payload(outcome: SystemMonitoring, delivery_id: str, sent_at: datetime) -> dict[str, Any]:
    """The ``charter.alert/v1`` body: what ran, what crossed its limit, what is new. Finding
    messages are the masked ones of the audit: no raw personal data leaves."""
    report = outcome.report
    new = set(report.comparison.new)
    return {
        "schema": ALERT_SCHEMA,
        "event": str(alert_event(outcome)),
        "delivery": delivery_id,
        "sent_at": sent_at.isoformat(),
        "partner": report.partner,
        "system": outcome.run.system,
        "run_id": report.run_id,
        "as_of": report.as_of.isoformat(),
        "status": str(report.overall.status),
        "score": report.overall.score,
        "breaches": [
            {
                "metric": p.metric,
                "value": p.value,
                "limit": p.limit,
                "bound": str(p.bound),
                "check": p.check,
            }
            for p in outcome.breaches
        ],
        "new_findings": [
            {
                "fingerprint": f.fingerprint,
                "requirement": f"{f.pack}:{f.requirement}",
                "check": f.check,
                "severity": str(f.severity),
                "message": f.message,
            }
            for f in report.findings
            if f.fingerprint in new
        ],
        "findings": len(report.findings),
        "issues": {
            "opened": list(outcome.issues_opened),
            "reopened": list(outcome.issues_reopened),
        },
    }


def send_alerts(
    outcome: SystemMonitoring,
    webhooks: Sequence[Webhook],
    secrets: Mapping[str, bytes],
    sender: WebhookSender,
    log: DeliveryLog,
    clock: Clock = _now,
) -> SystemMonitoring:
    """POST the run's alert to every webhook subscribed to its event and log each delivery
    (delivered or not: a failed delivery never stops the run)."""
    event = alert_event(outcome)
    deliveries: list[Delivery] = []
    for hook in webhooks:
        if event not in hook.events:
            continue
        delivery_id = str(uuid.uuid4())
        sent_at = clock()
        body = json.dumps(
            alert_payload(outcome, delivery_id, sent_at), sort_keys=True, ensure_ascii=False
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "charter-webhook/1",
            EVENT_HEADER: str(event),
            DELIVERY_HEADER: delivery_id,
            SIGNATURE_HEADER: signature(secrets[hook.id], body),
        }
        attempts = sender.post(
            hook.url,
            body,
            headers,
            timeout=hook.timeout_seconds,
            max_attempts=hook.max_attempts,
            backoff=hook.backoff_seconds,
        )
        final = attempts[-1] if attempts else None
        delivery = Delivery(
            id=delivery_id,
            partner=outcome.run.partner,
            webhook=hook.id,
            url=hook.url,
            event=event,
            run_id=outcome.run.run_id,
            at=sent_at,
            delivered=final is not None and final.status is not None and 200 <= final.status < 300,
            attempts=attempts,
            body_sha256=_sha256(body),
        )
        log.record(delivery)
        deliveries.append(delivery)
    return replace(outcome, deliveries=deliveries)


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
