"""Self-contained HTML of ``charter qc`` runs (``--format html``): the findings per file, a
timeline of subtitle problems, a loudness summary against the profile's band. Drawn from the
same documents as ``--format json``; the charts are shared with the audit report."""

from __future__ import annotations

from html import escape
from typing import Any

from charter.reports.svg_charts import Mark, Reading, band_chart, timeline_chart

_STYLE = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem;color:#1f2933}"
    "table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
    "td,th{border:1px solid #d0d4d9;padding:.25rem .5rem;text-align:left;vertical-align:top}"
    ".fail,.error{color:#b3261e}.warn{color:#8a5a00}.pass{color:#2e6b2e}"
)
ERROR_COLOUR, WARNING_COLOUR, FINE_COLOUR = "#b3261e", "#d9a21b", "#2f6db5"
MAX_MARKS = 2_000
"""Marks drawn per timeline; the table still lists every finding."""


def render_qc_html(document: dict[str, Any]) -> str:
    """The page for any ``charter.qc.*/v1`` document."""
    kind = document["schema"].split(".")[2].split("/")[0]
    title = f"{kind.capitalize()} QC against {document['profile']['id']}"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1><p>{escape(document['profile']['title'])}</p>",
    ]
    if kind == "audio":
        parts.append(loudness_summary(document["files"], document["profile"], "qc-loudness"))
    for number, entry in enumerate(document["files"]):
        verdict = entry.get("verdict") or entry.get("status") or "pass"
        parts.append(
            f"<h2>{escape(entry['path'])} <span class='{escape(verdict)}'>"
            f"{escape(verdict)}</span></h2>"
        )
        if entry.get("error"):
            parts.append(f"<p class='error'>{escape(entry['error'])}</p>")
            continue
        if kind == "subtitles" and entry["findings"]:
            parts.append(
                subtitle_timeline(
                    entry["findings"], entry.get("duration_ms"), f"qc-timeline-{number}",
                    entry["path"],
                )
            )  # fmt: skip
        parts.append(_findings_table(entry["findings"]))
    parts.append("</body></html>\n")
    return "".join(parts)


def subtitle_timeline(
    findings: list[dict[str, Any]], duration_ms: int | None, chart_id: str, name: str
) -> str:
    """Each finding that has a time, on its rule's lane; errors red, warnings amber."""
    timed = [f for f in findings if f.get("start_ms") is not None][:MAX_MARKS]
    if not timed:
        return ""
    lanes = sorted({f["rule"] for f in timed})
    end = max([duration_ms or 0, *(f.get("end_ms") or f["start_ms"] for f in timed)])
    marks = [
        Mark(
            f["rule"],
            f["start_ms"] / 1000,
            (f.get("end_ms") or f["start_ms"]) / 1000,
            f"event {f['event']}: {f['message']}" if f.get("event") else f["message"],
            ERROR_COLOUR if f["severity"] == "error" else WARNING_COLOUR,
        )
        for f in timed
    ]
    errors = sum(1 for f in timed if f["severity"] == "error")
    return timeline_chart(
        marks,
        lanes=lanes,
        duration=end / 1000,
        chart_id=chart_id,
        title=f"{name}: subtitle problems over the running time",
        description=f"{len(timed)} findings ({errors} errors) on {len(lanes)} rules.",
    )


def loudness_summary(files: list[dict[str, Any]], profile: dict[str, Any], chart_id: str) -> str:
    """Programme loudness of each file against the profile's target band."""
    target, tolerance = profile["target_lufs"], profile["tolerance_lu"]
    readings = []
    for entry in files:
        value = entry.get("integrated_lufs")
        inside = value is not None and abs(value - target) <= tolerance
        peak = entry.get("true_peak_dbtp")
        text = (
            "unreadable"
            if entry.get("error")
            else "silent"
            if value is None
            else f"{value:.1f} LKFS, TP {'-' if peak is None else f'{peak:.1f}'} dBTP"
        )
        readings.append(
            Reading(
                entry["path"].rsplit("/", 1)[-1],
                value,
                text,
                FINE_COLOUR if inside else ERROR_COLOUR,
            )
        )
    return band_chart(
        readings,
        axis=(-40.0, 0.0),
        band=(target - tolerance, target + tolerance),
        band_label=f"{target:g} +/- {tolerance:g} LU",
        chart_id=chart_id,
        title=f"Programme loudness (BS.1770-4) against {profile['id']}",
        description=(
            f"{len(files)} files; target {target:g} LKFS +/- {tolerance:g} LU, true peak at "
            f"most {profile['max_true_peak_dbtp']:g} dBTP."
        ),
    )


def _findings_table(findings: list[dict[str, Any]]) -> str:
    if not findings:
        return "<p class='pass'>No findings.</p>"
    columns = [c for c in ("rule", "event", "start_ms", "severity", "message") if c in findings[0]]
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td class='{escape(str(f['severity']))}'>{escape(str(f.get(c, '')))}</td>"
            if c == "severity"
            else f"<td>{escape('' if f.get(c) is None else str(f.get(c)))}</td>"
            for c in columns
        )
        + "</tr>"
        for f in findings
    )
    return f"<table><tr>{head}</tr>{rows}</table>"
