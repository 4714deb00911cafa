"""``charter log verify``: check the hash-chained audit trail of runs and issues."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from charter.cli.common import EXIT_FINDINGS, ListFormat, WorkspaceOption, print_json

app = typer.Typer(help="The audit trail of runs and issue changes.", no_args_is_help=True)


@app.command("verify")
def verify(
    workspace: WorkspaceOption = Path(),
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            help="A head digest noted earlier (printed here, recorded in evidence packs): it "
            "must still be in the trail, so a trail cut back or rebuilt fails.",
        ),
    ] = None,
    output_format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.TABLE,
) -> None:
    """Recompute every link of the audit trail (each entry holds the digest of the one
    before, runs the digest of their stored document, monitoring runs the digest of their
    metric points). Exit 1 at the first broken link, or when --head is not in the trail."""
    from charter import composition
    from charter.cli.common import fail_input

    if head is not None and not re.fullmatch(r"[0-9a-f]{64}", head):
        fail_input(f"--head: '{head}' is not a SHA-256 digest (64 hex digits)")
    log = composition.event_log(workspace)
    try:
        report = log.verify(head)
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
    elif report.broken_at is None:
        typer.echo(f"audit trail not intact: {report.reason}", err=True)
    else:
        typer.echo(f"audit trail broken at entry {report.broken_at}: {report.reason}", err=True)
    if not report.intact:
        raise typer.Exit(EXIT_FINDINGS)
