"""One entry point for every audit output format."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from charter.domain.guidelines import Pack


class AuditFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    HTML = "html"
    SARIF = "sarif"
    JUNIT = "junit"
    OSCAL = "oscal"
    PDF = "pdf"

    @property
    def binary(self) -> bool:
        """Whether the format is bytes rather than text: never written to a terminal."""
        return self is AuditFormat.PDF


Renderer = Callable[[dict[str, Any], list[Pack]], str]


def render_audit(
    fmt: AuditFormat,
    document: dict[str, Any],
    packs: list[Pack],
    workspace_prefix: str | None = None,
    trends: list[dict[str, Any]] | None = None,
) -> str:
    """Render a ``charter.audit/v1`` document; ``packs`` supply titles and rule text;
    ``workspace_prefix`` (the workspace folder relative to the repository root) lets SARIF
    locate files for code scanning; ``trends`` (monitoring series) add charts to HTML.
    Binary formats go through :func:`render_audit_bytes`."""
    if fmt.binary:
        raise ValueError(f"{fmt} is a binary format: render it with render_audit_bytes")
    if fmt is AuditFormat.SARIF:
        from charter.reports.sarif import render_sarif

        return render_sarif(document, packs, workspace_prefix)
    if fmt is AuditFormat.HTML:
        from charter.reports.html import render_html

        return render_html(document, packs, trends)
    return _renderer(fmt)(document, packs)


def render_audit_bytes(
    fmt: AuditFormat,
    document: dict[str, Any],
    packs: list[Pack],
    workspace_prefix: str | None = None,
    trends: list[dict[str, Any]] | None = None,
) -> bytes:
    """The report in ``fmt`` as the content of a file: a PDF, or a text format in UTF-8."""
    if fmt is AuditFormat.PDF:
        from charter.reports.pdf import render_pdf

        return render_pdf(document, packs, trends)
    return render_audit(fmt, document, packs, workspace_prefix, trends).encode("utf-8")


def _renderer(fmt: AuditFormat) -> Renderer:
    # Imported on demand: only the chosen renderer's dependencies load.
    if fmt is AuditFormat.JSON:
        from charter.reports.audit_json import render_json

        return lambda document, _packs: render_json(document)
    if fmt is AuditFormat.JUNIT:
        from charter.reports.junit import render_junit

        return render_junit
    if fmt is AuditFormat.OSCAL:
        from charter.reports.oscal import render_oscal

        return render_oscal
    from charter.reports.terminal import render_summary

    return render_summary


def infer_format(filename: str) -> AuditFormat | None:
    suffixes = {
        ".oscal.json": AuditFormat.OSCAL,  # before .json
        ".json": AuditFormat.JSON,
        ".html": AuditFormat.HTML,
        ".htm": AuditFormat.HTML,
        ".sarif": AuditFormat.SARIF,
        ".xml": AuditFormat.JUNIT,
        ".txt": AuditFormat.TABLE,
        ".pdf": AuditFormat.PDF,
    }
    for suffix, fmt in suffixes.items():
        if filename.lower().endswith(suffix):
            return fmt
    return None
