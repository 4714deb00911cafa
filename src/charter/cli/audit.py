"""``charter audit``: judge a workspace against its guideline packs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.cli.common import (
    EXIT_FINDINGS,
    AsOfOption,
    AsOption,
    ReportFormatOption,
    ReportOutputOption,
    WorkspaceDir,
    fail_input,
    monitoring_trends,
    parse_as_of,
    workspace_prefix,
    write_audit_report,
)

if TYPE_CHECKING:
    from charter.domain.status import Severity
    from charter.reports.formats import AuditFormat


def audit(
    directory: WorkspaceDir = Path(),
    system: Annotated[
        str | None,
        typer.Option("--system", "-s", help="Audit only this system (and its use cases)."),
    ] = None,
    guidelines: Annotated[
        list[str] | None,
        typer.Option(
            "--guidelines",
            "-g",
            help="PACK@VERSION to audit against instead of the pins (repeatable).",
        ),
    ] = None,
    output_format: ReportFormatOption = None,
    output: ReportOutputOption = None,
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on", help="Exit 1 on findings at or above: critical, high, medium, low, info."
        ),
    ] = "high",
    as_of: AsOfOption = None,
    acting: AsOption = None,
    store: Annotated[
        bool, typer.Option("--store/--no-store", help="Record the run in the database.")
    ] = True,
    engine: Annotated[
        str,
        typer.Option("--engine", help="Scan engine for evidence logs: duckdb (default) or spark."),
    ] = "duckdb",
) -> None:
    """Audit the workspace: run every applicable check, score, store the run, report.

    Exit codes: 0 clean; 1 findings at or above --fail-on, or any error/incomplete result;
    2 bad input or usage.
    """
    from charter import composition
    from charter.reports.audit_json import audit_document
    from charter.reports.formats import AuditFormat, render_audit
    from charter.services.actor import resolve_actor
    from charter.services.audit import AuditRequest, record_audit, run_audit
    from charter.services.issues import sync_with_audit
    from charter.services.validation import resolve_packs

    threshold, fmt = _check_options(fail_on, output_format, output)
    if engine not in ("duckdb", "spark"):
        fail_input(f"--engine: '{engine}' is not duckdb or spark")
    day = parse_as_of(as_of)

    workspace = composition.workspace(directory)
    packs = resolve_packs(workspace, composition.pack_library(), guidelines)
    actor = resolve_actor(
        workspace.people, acting, os.environ.get("CHARTER_USER"), composition.git_email(directory)
    )
    scanner = composition.scanner(engine, progress=True)
    personal_data = composition.personal_data_scans(workspace, scanner)  # input errors first
    runs = composition.run_store(directory) if store else None
    issues = composition.issue_store(directory) if store else None
    register = (
        tuple(issues.by_fingerprint(workspace.config.partner.id).values()) if issues else None
    )
    monitoring = composition.monitoring_store(directory) if store else None
    partner = workspace.config.partner.id
    monitored_on = monitoring.last_monitored(partner) if monitoring else None
    request = AuditRequest(
        workspace=workspace,
        packs=packs,
        catalog=composition.registry(),
        as_of=day,
        system_filter=system,
        actor=actor,
        scanner=scanner,
        deliverables=composition.deliverables(),
        personal_data=personal_data,
        issues=register,
        monitored_on=monitored_on,
    )
    try:
        report = run_audit(request, history=runs)
        document = audit_document(report)
        if runs and issues:
            record_audit(runs, report, document)
            summary = sync_with_audit(issues, report, packs)
            typer.echo(summary.line(), err=True)
        trends = (
            monitoring_trends(monitoring, partner, system, day)
            if monitoring and fmt in (AuditFormat.HTML, AuditFormat.PDF)
            else None
        )
    finally:
        scanner.close()
        for closable in (runs, issues, monitoring):
            if closable is not None:
                closable.close()
    write_audit_report(fmt, document, packs, output, workspace_prefix(directory), trends)
    if output is not None:
        if fmt is not AuditFormat.TABLE:
            typer.echo(render_audit(AuditFormat.TABLE, document, packs), nl=False)
        typer.echo(f"wrote {fmt} report to {output}")
    if report.gate_fails(threshold):
        raise typer.Exit(EXIT_FINDINGS)


def _check_options(
    fail_on: str, output_format: str | None, output: Path | None
) -> tuple[Severity, AuditFormat]:
    """Validate options before any work, so bad usage never leaves a stored run behind."""
    from charter.cli.common import audit_format, fail_input
    from charter.domain.status import Severity

    try:
        threshold = Severity(fail_on)
    except ValueError:
        fail_input(f"--fail-on: '{fail_on}' is not one of critical, high, medium, low, info")
    fmt = audit_format(output_format, output)
    if output is not None and (output.is_dir() or not _creatable(output)):
        fail_input(f"--output: cannot write a file at '{output}'")
    return threshold, fmt


def _creatable(path: Path) -> bool:
    """Whether a file can be written at ``path`` (its nearest existing folder is writable)."""
    import os

    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    return parent.is_dir() and os.access(parent, os.W_OK)
