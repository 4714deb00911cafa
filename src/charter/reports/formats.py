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


Renderer = Callable[[dict[str, Any], list[Pack]], str]


def render_audit(
    fmt: AuditFormat,
    document: dict[str, Any],
    packs: list[Pack],
    workspace_prefix: str | None = None,
) -> str:
    """Render a ``charter.audit/v1`` document; ``packs`` supply titles and rule text;
    ``workspace_prefix`` (the workspace folder relative to the repository root) lets SARIF
    locate files for code scanning."""
    if fmt is AuditFormat.SARIF:
        from charter.reports.sarif import render_sarif

        return render_sarif(document, packs, workspace_prefix)
    return _renderer(fmt)(document, packs)


def _renderer(fmt: AuditFormat) -> Renderer:
    # Imported on demand: only the chosen renderer's dependencies load.
    if fmt is AuditFormat.JSON:
        from charter.reports.audit_json import render_json

        return lambda document, _packs: render_json(document)
    if fmt is AuditFormat.HTML:
        from charter.reports.html import render_html

        return render_html
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
    }
    for suffix, fmt in suffixes.items():
        if filename.lower().endswith(suffix):
            return fmt
    return None
