"""Self-contained HTML of a PII scan: findings by entity as a chart, then each file's
findings (previews and digests only)."""

from __future__ import annotations

from html import escape
from typing import Any

from charter.reports.svg_charts import Bar, bar_chart

_STYLE = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem;color:#1f2933}"
    "table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
    "td,th{border:1px solid #d0d4d9;padding:.25rem .5rem;text-align:left}"
    ".error,.incomplete{color:#b3261e}"
)
LISTED = 500


def render_pii_html(document: dict[str, Any]) -> str:
    summary = document["summary"]
    counts: dict[str, int] = summary["by_entity"]
    top = max(counts.values(), default=1)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>PII scan</title><style>{_STYLE}</style></head><body><h1>PII scan</h1>",
        (
            f"<p>{summary['files']} files, {summary['bytes']:,} bytes, {summary['findings']} "
            f"findings at threshold {summary['threshold']:g}; digests keyed with key "
            f"{escape(str(summary['hmac_key_id']))}. Values are never shown.</p>"
        ),
    ]
    if counts:
        parts.append(
            bar_chart(
                [Bar(e, n, f"{n:,}", "#2f6db5") for e, n in counts.items()],
                chart_id="pii-entities",
                title="Findings by entity",
                description=", ".join(f"{e}: {n}" for e, n in counts.items()),
                maximum=float(top),
                ticks=(0, top / 2, float(top)),
            )
        )
    for index, entry in enumerate(document["files"]):
        parts.append(
            f"<h2>{escape(entry['path'])} <span class='{escape(entry['status'])}'>"
            f"{escape(entry['status'])}</span></h2>"
        )
        if entry["message"]:
            parts.append(f"<p class='{escape(entry['status'])}'>{escape(entry['message'])}</p>")
        if "columns" in entry:
            parts.append(column_chart(entry, f"pii-columns-{index}"))
        where = ("row", "column") if "columns" in entry else ("line",)
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{escape(str(f.get(key, '')))}</td>"
                for key in (*where, "start", "end", "entity", "score", "preview", "digest")
            )
            + "</tr>"
            for f in entry["findings"][:LISTED]
        )
        if rows:
            head = "".join(f"<th>{key}</th>" for key in where)
            parts.append(
                f"<table><tr>{head}<th>start</th><th>end</th><th>entity</th>"
                f"<th>score</th><th>preview</th><th>digest</th></tr>{rows}</table>"
            )
    parts.append("</body></html>\n")
    return "".join(parts)


def column_chart(entry: dict[str, Any], chart_id: str) -> str:
    """Share of each column's cells holding each entity, in percent, with the interval in
    the label (a sample unless every row was read)."""
    bars = []
    for column in entry["columns"]:
        for share in column["entities"]:
            low, high = share["interval"]
            text = f"{share['share']:.1%}"
            if entry["sampled"]:
                text += f" ({low:.1%}-{high:.1%})"
            bars.append(
                Bar(f"{column['column']}: {share['entity']}", share["share"] * 100, text, "#b3261e")
            )
    if not bars:
        return "<p>No personal data found in any column.</p>"
    basis = (
        f"a sample of {entry['scanned_rows']:,} of {entry['rows']:,} rows"
        if entry["sampled"]
        else f"all {entry['rows']:,} rows"
    )
    return bar_chart(
        bars,
        chart_id=chart_id,
        title=f"Cells holding personal data, by column ({basis})",
        description=", ".join(f"{b.label}: {b.text}" for b in bars),
    )
