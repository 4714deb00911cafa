"""``charter training import|status``: staff training on the guidelines in force."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter.cli.common import AsOfOption, AsOption, ListFormat, WorkspaceOption, parse_as_of

app = typer.Typer(help="Staff training: import completions, see who is covered.",
                  no_args_is_help=True)  # fmt: skip


@app.command("import")
def import_records(
    source: Annotated[
        Path, typer.Argument(help="CSV: person,module,version,completed_on[,evidence].")
    ],
    workspace_dir: WorkspaceOption = Path(),
    acting: AsOption = None,
) -> None:
    """Add completions from an LMS export to training/records.csv. Every row is checked
    first (known, active people; modules of the pinned packs; dates and versions): any
    problem is reported with its line and column, and nothing is written."""
    import hashlib
    import os

    from charter import composition
    from charter.domain.errors import InputError
    from charter.services.actor import resolve_actor
    from charter.services.training import check_import, merge
    from charter.services.validation import resolve_packs

    workspace = composition.workspace(workspace_dir)
    packs = resolve_packs(workspace, composition.pack_library())
    records, problems, positions = composition.read_training_file(source)
    problems += check_import(records, positions or {}, str(source), workspace, packs)
    if problems:
        raise InputError(problems)
    merged, added = merge(list(workspace.training), records)
    target = composition.write_training_records(workspace_dir, merged)
    actor = resolve_actor(workspace.people, acting, os.environ.get("CHARTER_USER"),
                          composition.git_email(workspace_dir)) or "unknown"  # fmt: skip
    composition.record_training_import(
        workspace_dir, workspace.config.partner.id, actor,
        {"file": source.name, "rows": len(records), "added": added,
         "sha256": hashlib.sha256(source.read_bytes()).hexdigest()},
    )  # fmt: skip
    typer.echo(
        f"imported {added} new completions from {source} "
        f"({len(records) - added} already recorded) into {target}"
    )


@app.command("status")
def status(
    workspace_dir: WorkspaceOption = Path(),
    as_of: AsOfOption = None,
    output_format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.TABLE,
) -> None:
    """Training coverage by system and by team; who is expired, expiring within 30 days,
    outdated by a module change (a new guideline version), or never trained."""
    from charter import composition
    from charter.cli.common import print_json
    from charter.services.training import status_document
    from charter.services.validation import resolve_packs

    day = parse_as_of(as_of)
    workspace = composition.workspace(workspace_dir)
    packs = resolve_packs(workspace, composition.pack_library())
    document = status_document(workspace, packs, day)
    if output_format is ListFormat.JSON:
        print_json(document)
        return
    lines = [
        (f"Training on {document['as_of']}: {document['trained']} of {document['required']} "
        f"required completions current ({document['coverage']:.0%})"),
        "  by system: " + ", ".join(
            f"{row['name']} {row['trained']}/{row['required']}" for row in document["by_system"]
        ),
        "  by team:   " + ", ".join(
            f"{row['name']} {row['trained']}/{row['required']}" for row in document["by_team"]
        ),
    ]  # fmt: skip
    sections = (
        ("expired", "expired"),
        ("expiring within 30 days", "expiring"),
        ("outdated by a module change", "outdated"),
        ("missing", "missing"),
    )
    for title, key in sections:
        for row in document[key]:
            detail = (
                f"last {row['last_completed']} ({row['last_version']})"
                if row["last_completed"] else "never completed"
            )  # fmt: skip
            until = f", until {row['expires_on']}" if key == "expiring" else ""
            lines.append(f"  {title}: {row['person']} ({row['team']}) {row['module']}: "
                         f"{detail}{until}")  # fmt: skip
    typer.echo("\n".join(lines))
