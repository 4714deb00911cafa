"""``charter scan reid`` documents: JSON (``charter.scan.reid/v1``), a table and HTML with the
class-size chart. They carry class sizes and counts only: no quasi-identifier or sensitive
value reaches any output."""

from __future__ import annotations

import io
from html import escape
from typing import Any

from rich.console import Console

from charter.metrics.reidentification import ClassSizes, Discovery, SensitiveSpread
from charter.reports.svg_charts import Bar, bar_chart
from charter.services.scans import ReidentificationScanResult

SCHEMA = "charter.scan.reid/v1"


def _sizes(sizes: ClassSizes) -> dict[str, Any]:
    return {
        "rows": sizes.rows,
        "classes": sizes.classes,
        "k": sizes.k,
        "unique_rows": sizes.unique_rows,
        "unique_share": round(sizes.unique_share, 6),
        "rows_below_k": sizes.rows_below_target,
        "share_below_k": round(sizes.share_below_target, 6),
        "classes_below_k": sizes.classes_below_target,
        "prosecutor_risk": {
            "max": sizes.prosecutor_max,
            "average_per_record": sizes.prosecutor_average,
            "average_per_class": sizes.class_average_risk,
        },
        "small_classes": [{"size": s, "classes": c} for s, c in sizes.small_classes],
    }


def _spread(spread: SensitiveSpread) -> dict[str, Any]:
    return {
        "attribute": spread.attribute,
        "ordered": spread.ordered,
        "values": spread.values,
        "l_distinct": spread.l_distinct,
        "l_entropy": spread.l_entropy,
        "t": spread.t,
        "classes_below_l": spread.classes_below_l,
        "rows_below_l": spread.rows_below_l,
        "homogeneous_classes": [
            {"size": s, "distinct": d, "classes": c} for s, d, c in spread.homogeneous
        ],
        "worst_t_class_size": spread.worst_t_class_size,
    }


def _discovery(discovery: Discovery) -> dict[str, Any]:
    return {
        "identifier_columns": list(discovery.identifiers),
        "suggested_quasi_identifiers": list(discovery.suggested),
        "candidates": list(discovery.candidates),
        "combinations_tried": discovery.combinations_tried,
        "risky_combinations": [
            {
                "columns": list(r.columns),
                "k": r.sizes.k,
                "unique_share": round(r.sizes.unique_share, 6),
                "share_below_k": round(r.sizes.share_below_target, 6),
            }
            for r in discovery.risky
        ],
    }


def reid_document(
    result: ReidentificationScanResult, *, source: str, engine: str
) -> dict[str, Any]:
    report = result.report
    return {
        "schema": SCHEMA,
        "source": source,
        "engine": engine,
        "status": str(result.status),
        "limits": {"k": result.limits.k, "l": result.limits.l, "t": result.limits.t},
        "quasi_identifiers": list(report.quasi_identifiers) if report else [],
        "classes": _sizes(report.sizes) if report else None,
        "sensitive": [_spread(s) for s in report.sensitive] if report else [],
        "breaches": [
            {
                "metric": b.metric,
                "attribute": b.attribute,
                "value": b.value,
                "limit": b.limit,
                "message": b.message,
            }
            for b in result.breaches
        ],
        "discovery": _discovery(result.discovery) if result.discovery else None,
    }


def render_reid_table(document: dict[str, Any], width: int = 120) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, no_color=True)
    print_ = console.print
    print_(f"Re-identification risk of {document['source']}: {document['status']}")
    classes = document["classes"]
    if classes is None:
        print_("  no quasi-identifier to assess: name them with --quasi-identifiers")
    else:
        risk = classes["prosecutor_risk"]
        print_(
            f"  quasi-identifiers: {', '.join(document['quasi_identifiers'])}\n"
            f"  {classes['rows']:,} rows in {classes['classes']:,} classes; k = {classes['k']} "
            f"(limit {document['limits']['k']}); {classes['unique_rows']:,} unique rows; "
            f"{classes['rows_below_k']:,} rows below k\n"
            f"  prosecutor risk: max {risk['max']:.3f}, average per record "
            f"{risk['average_per_record']:.4f}"
        )
        for spread in document["sensitive"]:
            print_(
                f"  {spread['attribute']}: l = {spread['l_distinct']} (entropy "
                f"{spread['l_entropy']:.2f}), t = {spread['t']:.3f}"
                f"{' (ordered)' if spread['ordered'] else ''}"
            )
    for breach in document["breaches"]:
        print_(f"  FAIL {breach['message']}")
    discovery = document["discovery"]
    if discovery:
        if discovery["identifier_columns"]:
            print_(f"  identifier-like columns: {', '.join(discovery['identifier_columns'])}")
        for combo in discovery["risky_combinations"][:10]:
            print_(
                f"  risky combination ({', '.join(combo['columns'])}): k = {combo['k']}, "
                f"{combo['unique_share']:.1%} of rows unique"
            )
    return buffer.getvalue()


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
