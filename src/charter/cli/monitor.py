"""``charter monitor run|history|deliveries``: monitoring as a running process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.cli.common import (
    EXIT_FINDINGS,
    AsOfOption,
    AsOption,
    ListFormat,
    WorkspaceDir,
    WorkspaceOption,
    fail_input,
    parse_as_of,
    print_json,
    write_output,
)

if TYPE_CHECKING:
    from charter.domain.monitoring import SystemMonitoring
    from charter.domain.status import Severity

app = typer.Typer(
    help="Monitoring: re-audit production systems, follow their metrics, alert webhooks.",
    no_args_is_help=True,
)


@app.command("run")
def run(
    directory: WorkspaceDir = Path(),
    system: Annotated[
        str | None, typer.Option("--system", "-s", help="Monitor only this system.")
    ] = None,
    due_only: Annotated[
        bool,
        typer.Option(
            "--due-only",
            help="Only systems whose schedule calls for a run (for a daily cron job).",
        ),
    ] = False,
    alerts: Annotated[
        bool, typer.Option("--alerts/--no-alerts", help="Send webhook alerts (charter.yaml).")
    ] = True,
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on", help="Exit 1 on findings at or above: critical, high, medium, low, info."
        ),
    ] = "high",
    output_format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.TABLE,
    as_of: AsOfOption = None,
    acting: AsOption = None,
    engine: Annotated[
        str, typer.Option("--engine", help="Scan engine: duckdb (default) or spark.")
    ] = "duckdb",
) -> None:
    """Re-audit each monitored system (production, with a monitoring plan) as its
    monitoring run: store the run and every metric its checks measured, open or reopen
    issues for what it found, and POST signed alerts to the configured webhooks.

    Exit codes: 0 clean; 1 findings at or above --fail-on, an error result, or an alert
    that could not be delivered; 2 bad input or usage.
    """
    from charter import composition
    from charter.reports.audit_json import audit_document
    from charter.reports.monitoring_documents import monitor_run_document, render_monitor_run
    from charter.services.actor import resolve_actor
    from charter.services.audit import AuditRequest
    from charter.services.monitoring import (
        monitor_system,
        record_monitoring,
        schedule,
        secrets_of,
        send_alerts,
    )
    from charter.services.validation import resolve_packs

    threshold = _fail_on(fail_on)
    if engine not in ("duckdb", "spark"):
        fail_input(f"--engine: '{engine}' is not duckdb or spark")
    day = parse_as_of(as_of)
    workspace = composition.workspace(directory)
    packs = resolve_packs(workspace, composition.pack_library())
    actor = resolve_actor(
        workspace.people, acting, os.environ.get("CHARTER_USER"), composition.git_email(directory)
    )
    webhooks = workspace.config.alerts.webhooks if alerts else []
    secrets = secrets_of(workspace, os.environ) if webhooks else {}
    partner = workspace.config.partner.id

    scanner = composition.scanner(engine, progress=True)
    personal_data = composition.personal_data_scans(workspace, scanner)  # input errors first
    store = composition.monitoring_store(directory)
    runs = composition.run_store(directory)
    issues = composition.issue_store(directory)
    deliveries = composition.delivery_log(directory) if webhooks else None
    outcomes: list[SystemMonitoring] = []
    try:
        stored = store.last_monitored(partner)
        planned = schedule(workspace, day, stored, system)
        todo = [d for d in planned if d.due or not due_only or system]
        skipped = [d for d in planned if d not in todo]
        request = AuditRequest(
            workspace=workspace,
            packs=packs,
            catalog=composition.registry(),
            as_of=day,
            actor=actor,
            scanner=scanner,
            deliverables=composition.deliverables(),
            personal_data=personal_data,
            issues=tuple(issues.by_fingerprint(partner).values()),
        )
        sender = composition.webhook_sender()
        for number, due in enumerate(todo, start=1):
            typer.echo(f"[{number}/{len(todo)}] monitoring {due.system}", err=True)
            outcome = monitor_system(request, due, stored, history=runs)
            outcome = record_monitoring(
                outcome, audit_document(outcome.report), store, issues, packs
            )
            if deliveries is not None:
                outcome = send_alerts(outcome, webhooks, secrets, sender, deliveries)
            outcomes.append(outcome)
    finally:
        scanner.close()
        for closable in (store, runs, issues, deliveries):
            if closable is not None:
                closable.close()
    document = monitor_run_document(day, outcomes, skipped)
    if output_format is ListFormat.JSON:
        print_json(document)
    else:
        write_output(render_monitor_run(document), None)
    _exit(outcomes, threshold)


def _fail_on(text: str) -> Severity:
    from charter.domain.status import Severity

    try:
        return Severity(text)
    except ValueError:
        fail_input(f"--fail-on: '{text}' is not one of critical, high, medium, low, info")


def _exit(outcomes: list[SystemMonitoring], threshold: Severity) -> None:
    """Say which alerts failed; exit 1 on those or on findings at the gate."""
    failed = [d for o in outcomes for d in o.deliveries if not d.delivered]
    for delivery in failed:
        typer.echo(
            f"alert to webhook '{delivery.webhook}' not delivered after "
            f"{len(delivery.attempts)} attempts: {delivery.last_error}",
            err=True,
        )
    if failed or any(o.report.gate_fails(threshold) for o in outcomes):
        raise typer.Exit(EXIT_FINDINGS)


@app.command("history")
def history(
    workspace: WorkspaceOption = Path(),
    system: Annotated[str | None, typer.Option("--system", "-s")] = None,
    metric: Annotated[
        str | None, typer.Option("--metric", "-m", help="One metric, e.g. psi:region.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this day (YYYY-MM-DD).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Newest points kept.")] = 5000,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table, json or html.")
    ] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Stored monitoring runs and metric series (trend charts with --format html)."""
    from datetime import date

    from charter import composition
    from charter.domain.monitoring import MetricQuery
    from charter.reports.monitoring_documents import history_document, render_history
    from charter.reports.monitoring_html import render_history_html

    if output_format not in ("table", "json", "html"):
        fail_input(f"--format: '{output_format}' is not one of table, json, html")
    start = None
    if since is not None:
        try:
            start = date.fromisoformat(since)
        except ValueError:
            fail_input(f"--since: '{since}' is not a date (YYYY-MM-DD)")
    ws = composition.workspace(workspace)
    partner = ws.config.partner.id
    if system is not None and system not in ws.systems:
        fail_input(f"--system: unknown system '{system}'")
    store = composition.monitoring_store(workspace)
    try:
        runs = store.monitor_runs(partner, system, limit)
        points = store.metric_points(
            MetricQuery(partner, system, metric, start, None, False, limit)
        )
    finally:
        store.close()
    if start is not None:
        runs = [r for r in runs if r.as_of >= start]
    document = history_document(partner, runs, points)
    if output_format == "json":
        from charter.reports.json_text import json_text

        text = json_text(document)
    elif output_format == "html":
        text = render_history_html(document)
    else:
        text = render_history(document)
    write_output(text, output)
    if output is not None:
        typer.echo(f"wrote {output_format} history to {output}")


@app.command("deliveries")
def deliveries(
    workspace: WorkspaceOption = Path(),
    limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 50,
    output_format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.TABLE,
) -> None:
    """The webhook delivery log, newest first: every alert and each attempt's answer."""
    from charter import composition
    from charter.reports.monitoring_documents import delivery_entry, render_deliveries

    ws = composition.workspace(workspace)
    log = composition.delivery_log(workspace)
    try:
        found = log.deliveries(ws.config.partner.id, limit)
    finally:
        log.close()
    if output_format is ListFormat.JSON:
        print_json([delivery_entry(d) for d in found])
    else:
        write_output(render_deliveries(found), None)
