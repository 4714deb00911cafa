"""``charter schema export``: JSON Schemas of the workspace files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="JSON Schemas of the workspace files and guideline packs.", no_args_is_help=True
)


@app.command("export")
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write into.")] = Path(
        "schemas"
    ),
) -> None:
    """Write one JSON Schema per workspace file kind (for editors and CI validation)."""
    from charter import composition

    for path in composition.export_schemas(output):
        typer.echo(f"wrote {path}")
