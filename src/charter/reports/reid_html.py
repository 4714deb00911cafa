"""HTML of a re-identification scan, and the class-size chart the audit report shares: class
sizes and counts only, never a value."""

from __future__ import annotations

from html import escape
from typing import Any

from charter.reports.svg_charts import Bar, bar_chart

_STYLE = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem;color:#1f2933}"
    "table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
    "td,th{border:1px solid #d0d4d9;padding:.25rem .5rem;text-align:left}.fail{color:#b3261e}"
)


def class_size_chart(classes: dict[str, Any], k: int, chart_id: str) -> str:
    """Rows by class size: classes under k in red, the rest in one grey bar."""
    small = classes["small_classes"]
    bars = [Bar(f"classes of {s['size']}", s["size"] * s["classes"], "", "#b3261e") for s in small]
    safe = classes["rows"] - classes["rows_below_k"]
    bars.append(Bar(f"classes of {k} or more", safe, "", "#5f6b76"))
    top = float(max((b.value or 0 for b in bars), default=1) or 1)
    rows = classes["rows"] or 1
    bars = [
        Bar(b.label, b.value, f"{int(b.value or 0):,} rows ({(b.value or 0) / rows:.1%})", b.colour)
        for b in bars
    ]
    return bar_chart(
        bars,
        chart_id=chart_id,
        title="Rows by equivalence-class size",
        description=", ".join(f"{b.label}: {b.text}" for b in bars),
        maximum=top,
        ticks=(0, top / 2, top),
    )


def render_reid_html(document: dict[str, Any]) -> str:
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Re-identification risk</title><style>{_STYLE}</style></head><body>",
        f"<h1>Re-identification risk: {escape(document['source'])}</h1>",
        (
            f"<p>Status <strong>{escape(document['status'])}</strong>. Sizes and counts "
            "only; no value of the table is shown.</p>"
        ),
    ]
    classes = document["classes"]
    if classes is not None:
        parts.append(
            f"<p>Quasi-identifiers: {escape(', '.join(document['quasi_identifiers']))}. "
            f"{classes['rows']:,} rows in {classes['classes']:,} classes; k = {classes['k']}; "
            f"prosecutor risk max {classes['prosecutor_risk']['max']:.3f}, average "
            f"{classes['prosecutor_risk']['average_per_record']:.4f}.</p>"
        )
        parts.append(class_size_chart(classes, document["limits"]["k"], "reid-classes"))
        rows = "".join(
            f"<tr><td>{escape(s['attribute'])}</td><td>{s['l_distinct']}</td>"
            f"<td>{s['l_entropy']:.2f}</td><td>{s['t']:.3f}</td><td>{s['classes_below_l']}</td></tr>"
            for s in document["sensitive"]
        )
        if rows:
            parts.append(
                "<table><tr><th>sensitive attribute</th><th>l (distinct)</th>"
                f"<th>l (entropy)</th><th>t</th><th>classes below l</th></tr>{rows}</table>"
            )
    for breach in document["breaches"]:
        parts.append(f"<p class='fail'>{escape(breach['message'])}</p>")
    discovery = document["discovery"]
    if discovery and discovery["risky_combinations"]:
        rows = "".join(
            f"<tr><td>{escape(', '.join(c['columns']))}</td><td>{c['k']}</td>"
            f"<td>{c['unique_share']:.1%}</td></tr>"
            for c in discovery["risky_combinations"]
        )
        parts.append(
            "<h2>Minimal risky column combinations</h2><table><tr><th>columns</th><th>k</th>"
            f"<th>unique rows</th></tr>{rows}</table>"
        )
    parts.append("</body></html>\n")
    return "".join(parts)
