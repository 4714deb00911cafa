"""``charter log verify``: check the hash-chained audit trail of runs and issues."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter.cli.common import EXIT_FINDINGS, ListFormat, WorkspaceOption, print_json

app = typer.Typer(help="The audit trail of runs and issue changes.", no_args_is_help=True)


@app.command("verify")
def verify(
    workspace: WorkspaceOption = Path(),
    output_format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.TABLE,
) -> None:
    """Recompute every link of the audit trail (each entry holds the digest of the one
    before, runs the digest of their stored document). Exit 1 at the first broken link."""
    from charter import composition

    log = composition.event_log(workspace)
    try:
        report = log.verify()
    finally:
        log.close()
    if output_format is ListFormat.JSON:
        print_json(
            {
                "intact": report.intact,
                "entries": report.entries,
                "broken_at": report.broken_at,
                "reason": report.reason,
                "head": report.head,
            }
        )
    elif report.intact:
        typer.echo(f"audit trail intact: {report.entries} entries, head {report.head}")
    else:
        typer.echo(f"audit trail broken at entry {report.broken_at}: {report.reason}", err=True)
    if not report.intact:
        raise typer.Exit(EXIT_FINDINGS)
