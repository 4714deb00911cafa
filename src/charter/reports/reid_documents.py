"""``charter scan reid`` documents: JSON (``charter.scan.reid/v1``) and a table (HTML is in
``reid_html``). They carry class sizes and counts only: no quasi-identifier or sensitive
value reaches any output."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console

from charter.metrics.reidentification import ClassSizes, Discovery, SensitiveSpread
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
