"""``charter init`` and ``charter validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter.cli.common import ListFormat, WorkspaceDir, print_json


def init(
    directory: WorkspaceDir = Path(),
    partner_id: Annotated[
        str | None, typer.Option("--partner-id", help="Partner id (default: folder name).")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Partner display name.")] = None,
) -> None:
    """Create a workspace that validates, pinned to the latest guideline packs."""
    from charter import composition

    library = composition.pack_library()
    latest: dict[str, str] = {}
    for pack_id, version, _title in library.list_packs():
        latest[pack_id] = version  # list_packs is oldest first
    directory.mkdir(parents=True, exist_ok=True)
    written = composition.scaffold_workspace(directory, sorted(latest.items()), partner_id, name)
    for path in written:
        typer.echo(f"created {path}")
    typer.echo(f"next: add system cards under {directory / 'systems'} and run 'charter validate'")


def validate(
    directory: WorkspaceDir = Path(),
    output_format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.TABLE,
) -> None:
    """Check a workspace: syntax, schema, ids, references, pinned packs, thresholds, the
    PII catalogue it names.

    Prints one line per problem (file:line:column: message) and exits 2 if there is any.
    """
    from charter import composition
    from charter.services.validation import resolve_packs

    workspace = composition.workspace(directory)
    packs = resolve_packs(workspace, composition.pack_library())
    if workspace.config.privacy.pii_catalogue:
        composition.workspace_pii_catalogue(
            workspace.root, workspace.config
        )  # a located error when it is broken
    held_to = [p.ref for p in packs]
    counts: dict[str, object] = {
        "systems": len(workspace.systems),
        "use_cases": len(workspace.use_cases),
        "tools": len(workspace.tools),
        "people": len(workspace.people),
        "training_records": len(workspace.training),
        "guidelines": [p.ref for p in packs],
    }
    if output_format is ListFormat.JSON:
        print_json({"valid": True, **counts})
        return
    typer.echo(
        f"{directory}: valid - {counts['systems']} systems, {counts['use_cases']} use cases, "
        f"{counts['tools']} tools, {counts['people']} people, "
        f"{counts['training_records']} training records; held to {', '.join(held_to)}"
    )
