"""``charter scan pii`` documents: JSON (``charter.scan.pii/v1``) and a table. They carry
previews and keyed digests only: no raw value reaches any output."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table

from charter.domain.personal_data import PiiFinding, PiiRun, table_profile

SCHEMA = "charter.scan.pii/v1"


def _finding(finding: PiiFinding) -> dict[str, Any]:
    where: dict[str, Any] = (
        {"line": finding.line}
        if finding.line is not None
        else {"row": finding.row, "column": finding.column}
    )
    return where | {
        "start": finding.start,
        "end": finding.end,
        "entity": finding.entity,
        "score": finding.score,
        "preview": finding.preview,
        "digest": finding.digest,
    }


def pii_document(run: PiiRun) -> dict[str, Any]:
    """``{"files": [{"path", "bytes", "status", "findings": [...]}], "summary": {...}}``."""
    counts = run.counts
    seconds = run.seconds
    return {
        "schema": SCHEMA,
        "files": [
            {
                "path": result.path,
                "bytes": result.bytes,
                "status": result.status,
                "message": result.message,
                "scanned_bytes": result.scanned_bytes,
                "counts": dict(sorted(result.counts.items())),
                "truncated": result.truncated,
                **(table_profile(result) if result.is_table else {}),
                "findings": [_finding(f) for f in result.findings],
            }
            for result in run.files
        ],
        "summary": {
            "files": len(run.files),
            "complete": sum(1 for f in run.files if f.status == "complete"),
            "incomplete": sum(1 for f in run.files if f.status == "incomplete"),
            "errors": sum(1 for f in run.files if f.status == "error"),
            "bytes": run.total_bytes,
            "findings": sum(counts.values()),
            "by_entity": dict(sorted(counts.items())),
            "entities_checked": run.entities,
            "threshold": run.threshold,
            "hmac_key_id": run.key_id,
            "seconds": round(seconds, 3),
            "mb_per_second": round(run.total_bytes / 1e6 / seconds, 2) if seconds else None,
        },
    }


def render_pii_table(document: dict[str, Any], width: int = 120, limit: int = 20) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, no_color=True)
    summary = document["summary"]
    console.print(
        f"PII scan: {summary['files']} files, {summary['bytes']:,} bytes, "
        f"{summary['findings']} findings (threshold {summary['threshold']:g}) in "
        f"{summary['seconds']} s"
    )
    for entry in document["files"]:
        counts = ", ".join(f"{k} {v}" for k, v in entry["counts"].items()) or "none"
        console.print(f"{entry['status']:<10} {entry['path']}  ({counts})")
        if entry["message"]:
            console.print(f"           {entry['message']}")
        table_file = "columns" in entry
        if table_file:
            _print_columns(console, entry)
        if entry["findings"]:
            where = ("row", "column") if table_file else ("line",)
            table = Table(*where, "chars", "entity", "score", "preview", "digest")
            for finding in entry["findings"][:limit]:
                table.add_row(
                    *(str(finding[key]) for key in where),
                    f"{finding['start']}-{finding['end']}",
                    finding["entity"],
                    f"{finding['score']:.2f}",
                    finding["preview"],
                    finding["digest"][:27],
                )
            console.print(table)
            if len(entry["findings"]) > limit:
                console.print(
                    f"           ... {len(entry['findings']) - limit} more (--format json)"
                )
    return buffer.getvalue()


def _print_columns(console: Console, entry: dict[str, Any]) -> None:
    """Each column's profile: what it holds and how sure (a sample unless --full)."""
    basis = (
        f"a sample of {entry['scanned_rows']:,} of {entry['rows']:,} rows"
        if entry["sampled"]
        else f"all {entry['rows']:,} rows"
    )
    console.print(f"           columns, on {basis}:")
    table = Table("column", "cells", "holds", "entity", "share", "95 % interval")
    for column in entry["columns"]:
        if not column["entities"]:
            table.add_row(column["column"], f"{column['cells']:,}", "-", "", "", "")
            continue
        for i, share in enumerate(column["entities"]):
            low, high = share["interval"]
            table.add_row(
                column["column"] if i == 0 else "",
                f"{column['cells']:,}" if i == 0 else "",
                (column["label"] or "-") if i == 0 else "",
                share["entity"],
                f"{share['share']:.1%}",
                f"{low:.1%}-{high:.1%}",
            )
    console.print(table)
    if entry.get("skipped_columns"):
        console.print(
            f"           not read (not text, integers, whole decimals or dates; --columns "
            f"reads them): {', '.join(entry['skipped_columns'])}"
        )
