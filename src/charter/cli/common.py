"""What every command shares: output formats, dates, error printing, exit codes."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2


class ListFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


class DocFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


WorkspaceDir = Annotated[
    Path, typer.Argument(help="Workspace folder (holds charter.yaml).", show_default=True)
]
WorkspaceOption = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace folder (holds charter.yaml).")
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Judge dates as of this day (YYYY-MM-DD); default: today."),
]
AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="Person acting (id or e-mail in people.yaml); else CHARTER_USER, else git e-mail.",
    ),
]


def parse_as_of(text: str | None) -> date:
    if text is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail_input(f"--as-of: '{text}' is not a date (YYYY-MM-DD)")


def fail_input(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(EXIT_INPUT)


def write_output(text: str, output: Path | None) -> None:
    """Write to ``output`` atomically (temp file + rename), or to stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(output)
    finally:
        temporary.unlink(missing_ok=True)


def print_json(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def workspace_prefix(directory: Path) -> str | None:
    """The workspace folder relative to the current directory (where CI and code scanning
    run), or None when it lies elsewhere."""
    try:
        relative = directory.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return None
    return relative.as_posix()
