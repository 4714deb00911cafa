"""Monitoring trends as inline SVG line charts: one chart per system and metric, its limit
drawn as a dashed line. Shared by ``charter monitor history --format html`` and the audit
report's monitoring section."""

from __future__ import annotations

import math
from html import escape
from typing import Any

from charter.reports.svg_charts import Series, line_chart

_STYLE = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem;color:#1f2933}"
    "table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
    "td,th{border:1px solid #d0d4d9;padding:.25rem .5rem;text-align:left}.fail{color:#b3261e}"
    "svg.chart{max-width:100%;height:auto;display:block;margin:.5rem 0}"
    ".muted{color:#5f6b76;font-weight:normal;font-size:.85rem}"
)
_LINE = "#1f5f99"
_BREACHED = "#b3261e"


def trend_charts(series: list[dict[str, Any]]) -> str:
    """Charts of ``charter.monitor-history/v1`` series, grouped by system."""
    parts: list[str] = []
    system = None
    for number, entry in enumerate(series):
        if entry["system"] != system:
            system = entry["system"]
            parts.append(f"<h3>{escape(system)}</h3>")
        latest = entry["points"][-1]
        parts.append(
            f"<h4>{escape(entry['metric'])} <span class=muted>latest {latest['value']:.4g} "
            f"({escape(latest['as_of'])})</span></h4>"
        )
        parts.append(_chart(entry, f"trend-{number}"))
    return "".join(parts)


def _chart(entry: dict[str, Any], chart_id: str) -> str:
    points = entry["points"]
    values = [float(p["value"]) for p in points]
    limit = entry["limit"]
    top = max([*values, limit or 0.0, 1e-9])
    maximum = _nice(top * 1.1)
    breached = [float(p["value"]) if p["breached"] else None for p in points]
    lines = [Series("value", [*values], _LINE)]
    if any(v is not None for v in breached):
        lines.append(Series("beyond the limit", breached, _BREACHED))
    sign = {"at_most": "at most", "below": "below", "at_least": "at least"}[entry["bound"]]
    reference = (float(limit), f"limit: {sign} {limit:g}") if limit is not None else None
    latest = points[-1]
    description = (
        f"{entry['metric']} of {entry['system']} over {len(points)} monitoring runs from "
        f"{points[0]['as_of']} to {latest['as_of']}; latest {latest['value']:.4g}"
        + (f", limit {sign} {limit:g}" if limit is not None else "")
        + f"; {sum(bool(p['breached']) for p in points)} runs beyond the limit."
    )
    return line_chart(
        lines,
        [p["as_of"] for p in points],
        chart_id=chart_id,
        title=f"{entry['system']}: {entry['metric']}",
        description=description,
        reference=reference,
        maximum=maximum,
    )


def _nice(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2 or 5 times a power of ten)."""
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        candidate = step * 10.0**exponent
        if candidate >= value:
            return candidate
    return 10.0 ** (exponent + 1)


def render_history_html(document: dict[str, Any]) -> str:
    """``charter monitor history --format html``: runs and every series' trend chart."""
    rows = "".join(
        f"<tr><td>{escape(r['as_of'])}</td><td>{escape(r['system'])}</td>"
        f"<td>{escape(r['status'])}</td>"
        f"<td>{'n/a' if r['score'] is None else format(r['score'], '.1f')}</td>"
        f"<td>{r['findings']}</td>"
        f"<td{' class=fail' if r['breaches'] else ''}>{r['breaches']}</td></tr>"
        for r in document["runs"]
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>Monitoring history of {escape(document['partner'])}</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>Monitoring history of {escape(document['partner'])}</h1>"
        "<h2>Runs</h2><table><thead><tr><th>as of</th><th>system</th><th>status</th>"
        f"<th>score</th><th>findings</th><th>breaches</th></tr></thead><tbody>{rows}"
        "</tbody></table><h2>Trends</h2>"
        + (trend_charts(document["series"]) or "<p>No metric measured yet.</p>")
        + "</body></html>\n"
    )
