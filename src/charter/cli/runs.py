"""``charter runs list|show``: the stored audit history."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter.cli.common import (
    ListFormat,
    ReportFormatOption,
    ReportOutputOption,
    WorkspaceOption,
    print_json,
)

app = typer.Typer(help="Stored audit runs.", no_args_is_help=True)


@app.command("list")
def list_runs(
    workspace: WorkspaceOption = Path(),
    limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 20,
    output_format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.TABLE,
) -> None:
    """List the latest runs, newest first."""
    from charter import composition

    store = composition.run_store(workspace)
    try:
        runs = store.list_runs(limit)
    finally:
        store.close()
    if output_format is ListFormat.JSON:
        from dataclasses import asdict

        print_json([asdict(r) for r in runs])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Audit runs")
    for column in (
        "run",
        "started",
        "partner",
        "scope",
        "guidelines",
        "score",
        "status",
        "findings",
        "by",
    ):
        table.add_column(column)
    for r in runs:
        table.add_row(
            r.run_id,
            r.started_at.strftime("%Y-%m-%d %H:%M"),
            r.partner,
            r.scope.split("|")[1],
            r.guidelines,
            "n/a" if r.score is None else f"{r.score:.1f}",
            r.status,
            str(r.findings),
            r.actor or "-",
        )
    Console(width=160).print(table)


@app.command("show")
def show_run(
    run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")],
    workspace: WorkspaceOption = Path(),
    output_format: ReportFormatOption = None,
    output: ReportOutputOption = None,
) -> None:
    """Show a stored run in any audit output format."""
    from datetime import date

    from charter import composition
    from charter.cli.common import (
        audit_format,
        monitoring_trends,
        workspace_prefix,
        write_audit_report,
    )
    from charter.reports.formats import AuditFormat

    fmt = audit_format(output_format, output)
    store = composition.run_store(workspace)
    try:
        document = store.read_run(run_id)
    finally:
        store.close()
    library = composition.pack_library()
    packs = [library.get(g["pack"], g["version"]) for g in document["guidelines"]]
    trends = None
    if fmt in (AuditFormat.HTML, AuditFormat.PDF):
        monitoring = composition.monitoring_store(workspace)
        try:
            trends = monitoring_trends(
                monitoring, document["partner"], None, date.fromisoformat(document["as_of"])
            )
        finally:
            monitoring.close()
    write_audit_report(fmt, document, packs, output, workspace_prefix(workspace), trends)
