"""The terminal summary (rich): scores by principle, findings, and the change since last run."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table

from charter.domain.guidelines import Pack
from charter.domain.status import Principle

_SEVERITY_STYLE = {
    "critical": "bold red",
    "high": "red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}
_STATUS_STYLE = {"compliant": "green", "at_risk": "yellow", "non_compliant": "bold red"}


def render_summary(document: dict[str, Any], packs: list[Pack], width: int = 120) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, no_color=True)
    summary = document["summary"]
    packs_text = ", ".join(f"{g['pack']}@{g['version']}" for g in document["guidelines"])
    score = summary["score"]
    console.print(
        f"Audit {document['run_id']} of {document['partner']} as of {document['as_of']} "
        f"against {packs_text}"
    )
    console.print(
        f"Status: {summary['status']}   score: {_score(score)}   "
        f"coverage: {summary['coverage']:.0%} of applicable requirements assessed   "
        f"systems: {summary['systems']}"
    )
    severities = summary["by_severity"]
    console.print("Findings: " + ", ".join(f"{severities[s]} {s}" for s in _SEVERITY_STYLE))
    comparison = summary["comparison"]
    if comparison["previous_run_id"]:
        console.print(
            f"Since run {comparison['previous_run_id']}: {comparison['new']} new, "
            f"{comparison['fixed']} fixed, {comparison['still_failing']} still failing"
        )
    else:
        console.print("First run of this scope: every finding is new")

    principles = Table(title="By principle", show_lines=False)
    for column in ("principle", "score", "status", "findings", "coverage"):
        principles.add_column(column)
    for code, line in summary["by_principle"].items():
        principles.add_row(
            f"{code} {Principle(code).label}",
            _score(line["score"]),
            line["status"] if line["score"] is not None else "nothing assessed",
            str(line["findings"]),
            f"{line['coverage']:.0%}",
        )
    console.print(principles)

    real = [f for f in document["findings"] if f["status"] != "not_assessed"]
    gaps = len(document["findings"]) - len(real)
    if real:
        table = Table(title="Findings", show_lines=False)
        for column in ("severity", "requirement", "system", "where", "message"):
            table.add_column(column, overflow="fold")
        order = list(_SEVERITY_STYLE)
        for f in sorted(real, key=lambda f: (order.index(f["severity"]), f["requirement"])):
            location = f["location"]
            where = f"{location['file']}:{location['line']}" if location else f["subject"]
            table.add_row(
                f["severity"],
                f"{f['pack'].split('-')[0]}:{f['requirement']}",
                f["system"] or "-",
                where,
                f["message"],
            )
        console.print(table)
    if gaps:
        console.print(
            f"{gaps} requirement assessments are not_assessed: their checks are not built yet "
            "(coverage gap, not a pass)."
        )
    return buffer.getvalue()


def _score(score: float | None) -> str:
    return "n/a" if score is None else f"{score:.1f}"
