"""What every command shares: output formats, dates, error printing, exit codes."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from charter.domain.guidelines import Pack
    from charter.domain.ports import MonitoringStore
    from charter.reports.formats import AuditFormat

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
ReportFormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="table, json, html, sarif, junit, oscal or pdf (pdf needs --output; "
        "default: from --output, else table).",
    ),
]
ReportOutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
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


def write_output(content: str | bytes, output: Path | None) -> None:
    """Write text (UTF-8) or bytes to ``output`` atomically (temp file + rename), or to
    stdout."""
    if output is None:
        if isinstance(content, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(content)
        return
    if output.is_dir():
        fail_input(f"--output: {output} is a folder; name the file to write")
    temporary = output.with_name(f".{output.name}.tmp")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            temporary.write_bytes(content)
        else:
            temporary.write_text(content, encoding="utf-8")
        temporary.replace(output)
    except OSError as exc:
        fail_input(f"--output: cannot write {output}: {exc.strerror}")
    finally:
        temporary.unlink(missing_ok=True)


def audit_format(output_format: str | None, output: Path | None) -> AuditFormat:
    """The audit report format: ``--format``, else the ``--output`` suffix, else table.

    Checked before any work: a binary format (pdf) needs ``--output``, since it is never
    written to a terminal, and its renderer must be installed.
    """
    from charter.reports.formats import AuditFormat, infer_format

    fmt = AuditFormat.TABLE
    if output_format is not None:
        try:
            fmt = AuditFormat(output_format)
        except ValueError:
            fail_input(f"--format: '{output_format}' is not one of {', '.join(AuditFormat)}")
    elif output is not None:
        inferred = infer_format(output.name)
        if inferred is None:
            fail_input(f"--output: cannot tell the format of '{output.name}'; add --format")
        fmt = inferred
    if fmt.binary and output is None:
        fail_input(f"--format {fmt}: a binary file is not written to the terminal; add --output")
    if fmt is AuditFormat.PDF:
        from charter.reports.pdf import load_weasyprint

        load_weasyprint()  # InputError with the install hint, before the audit is stored
    return fmt


def write_audit_report(
    fmt: AuditFormat,
    document: dict[str, Any],
    packs: list[Pack],
    output: Path | None,
    prefix: str | None,
    trends: list[dict[str, Any]] | None = None,
) -> None:
    """Render a ``charter.audit/v1`` document to ``output`` (any format, atomically) or to
    stdout (text formats: :func:`audit_format` refused a binary one without ``--output``);
    ``trends`` add monitoring charts to HTML and PDF."""
    from charter.reports.formats import render_audit, render_audit_bytes

    if output is None:
        write_output(render_audit(fmt, document, packs, prefix, trends), None)
    else:
        write_output(render_audit_bytes(fmt, document, packs, prefix, trends), output)


def monitoring_trends(
    store: MonitoringStore, partner: str, system: str | None, as_of: date
) -> list[dict[str, Any]]:
    """The watched metric series of the stored monitoring runs up to ``as_of``, for the
    charts of an HTML or PDF audit report."""
    from charter.domain.monitoring import MetricQuery
    from charter.reports.monitoring_documents import history_document

    points = store.metric_points(
        MetricQuery(partner, system, until=as_of, watched_only=True, limit=20000)
    )
    series: list[dict[str, Any]] = history_document(partner, [], points)["series"]
    return series


def print_json(data: object) -> None:
    from charter.reports.json_text import json_text

    sys.stdout.write(json_text(data, default=str))


def workspace_prefix(directory: Path) -> str | None:
    """The workspace folder relative to the current directory (where CI and code scanning
    run), or None when it lies elsewhere."""
    try:
        relative = directory.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return None
    return relative.as_posix()
