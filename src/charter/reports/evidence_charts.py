"""Charts of what evidence scans measured, for the audit's HTML report: selection rates by
group with their intervals and the four-fifths line, exposure by provider group, drift by
column, subtitle problems over the running time, programme loudness against its band,
rows by equivalence-class size of exported tables, personal data by table column.
They are drawn from the results' ``evidence`` blocks of the audit JSON."""

from __future__ import annotations

from html import escape
from typing import Any

from charter.reports.pii_html import column_chart
from charter.reports.qc_html import loudness_summary, subtitle_timeline
from charter.reports.reid_html import class_size_chart
from charter.reports.svg_charts import Bar, Estimate, bar_chart, interval_chart

_FINE, _ADVERSE, _SMALL = "#2f6db5", "#b3261e", "#8a939c"


def evidence_section(results: list[dict[str, Any]]) -> str:
    """An HTML section with one chart per scanned log, or "" when nothing was scanned."""
    charts: list[str] = []
    for number, result in enumerate(results):
        evidence = result.get("evidence") or {}
        if result["check"] == "fairness.classification_parity" and "logs" in evidence:
            charts += _selection_charts(result, evidence, number)
        elif result["check"] == "fairness.exposure_parity":
            charts += _exposure_charts(result, evidence, number)
        elif result["check"] == "monitoring.drift" and "columns" in evidence:
            charts.append(_drift_chart(result, evidence, number))
        elif result["check"] == "quality.subtitles" and "deliverables" in evidence:
            charts += _subtitle_charts(result, evidence, number)
        elif result["check"] == "quality.audio" and "deliverables" in evidence:
            charts += _loudness_charts(result, evidence, number)
        elif result["check"] == "privacy.reidentification_risk" and "assessed" in evidence:
            charts += _class_size_charts(result, evidence, number)
        elif result["check"] in _TABLE_CHECKS and "tables" in evidence:
            charts += _column_charts(result, evidence, number)
    if not charts:
        return ""
    return (
        '<section id="measurements"><h2>What the scans measured</h2>'
        + "".join(charts)
        + "</section>"
    )


def _selection_charts(result: dict[str, Any], evidence: dict[str, Any], number: int) -> list[str]:
    charts = []
    for log_id, log in evidence["logs"].items():
        for feature, summary in log.items():
            if not isinstance(summary, dict) or "groups" not in summary:
                continue
            groups = summary["groups"]
            top = max((g["selection_rate"] or 0.0 for g in groups), default=0.0)
            rows = [
                Estimate(
                    g["group"],
                    g["selection_rate"],
                    tuple(g["ci"]) if g["ci"] else None,
                    f"{_number(g['selection_rate'])} (n={g['count']:,})",
                    _SMALL
                    if g["small"]
                    else _ADVERSE
                    if top and (g["selection_rate"] or 0.0) < 0.8 * top
                    else _FINE,
                )
                for g in groups
            ]
            title = f"{result['system']}: selection rate by {feature} ({log_id})"
            charts.append(
                f"<h3>{escape(title)}</h3>"
                + interval_chart(
                    rows,
                    chart_id=f"m{number}-{_slug(log_id)}-{_slug(feature)}",
                    title=title,
                    description="Share of each group receiving the positive decision, with "
                    "its 95 % Wilson interval; the dashed line is four-fifths of the highest "
                    "rate, red groups fall under it, grey groups are too small to judge.",
                    reference=(0.8 * top, f"4/5 of highest ({0.8 * top:.3f})") if top else None,
                )
            )
    return charts


def _exposure_charts(result: dict[str, Any], evidence: dict[str, Any], number: int) -> list[str]:
    charts = []
    for log_id, log in evidence.items():
        if not isinstance(log, dict) or "groups" not in log:
            continue
        top = max((g["mean_exposure"] or 0.0 for g in log["groups"]), default=0.0) or 1.0
        limit = log.get("threshold", 0.8)
        bars = [
            Bar(
                g["group"],
                (g["mean_exposure"] or 0.0) / top,
                f"{(g['mean_exposure'] or 0.0) / top:.3f} of the best-exposed group",
                _ADVERSE if (g["mean_exposure"] or 0.0) / top < limit else _FINE,
            )
            for g in log["groups"]
        ]
        title = f"{result['system']}: exposure per item by group ({log_id})"
        charts.append(
            f"<h3>{escape(title)}</h3>"
            + bar_chart(
                bars,
                chart_id=f"m{number}-{_slug(log_id)}",
                title=title,
                description="Mean position-weighted exposure per item of each provider "
                f"group, relative to the best-exposed group; red under {limit:g}.",
                maximum=1.0,
                ticks=(0, 0.25, 0.5, 0.75, 1.0),
            )
        )
    return charts


def _drift_chart(result: dict[str, Any], evidence: dict[str, Any], number: int) -> str:
    limit = evidence.get("psi_threshold", 0.2)
    columns = evidence["columns"]
    top = max([limit * 2, *(c.get("psi") or 0.0 for c in columns.values())])
    bars = [
        Bar(
            name,
            column.get("psi"),
            f"PSI {_number(column.get('psi'))}" + (" (drifted)" if column.get("drifted") else ""),
            _ADVERSE if (column.get("psi") or 0.0) > limit else _FINE,
        )
        for name, column in columns.items()
    ]
    title = f"{result['system']}: population stability index by column"
    return f"<h3>{escape(title)}</h3>" + bar_chart(
        bars,
        chart_id=f"m{number}-drift",
        title=title,
        description=f"PSI of each monitored column, current window against reference; red "
        f"above the threshold {limit:g}.",
        maximum=top,
        ticks=(0, limit, top),
    )


def _subtitle_charts(result: dict[str, Any], evidence: dict[str, Any], number: int) -> list[str]:
    """A timeline of the problems in each subtitle file that has any."""
    charts = []
    owner = result["system"] or "use cases"
    files = [
        (name, facts)
        for deliverable in evidence["deliverables"].values()
        for name, facts in deliverable.get("files", {}).items()
    ]
    for index, (name, facts) in enumerate(files):  # numbered across deliverables: ids unique
        if facts.get("timeline"):
            chart = subtitle_timeline(
                facts["timeline"], facts.get("duration_ms"), f"tt-{number}-{index}", name
            )
            title = f"{owner}: subtitle problems in {name}"
            charts.append(f"<h3>{escape(title)}</h3>{chart}")
    return charts


def _loudness_charts(result: dict[str, Any], evidence: dict[str, Any], number: int) -> list[str]:
    """Programme loudness of each audio deliverable against its profile's band."""
    charts = []
    owner = result["system"] or "use cases"
    for index, (deliverable_id, deliverable) in enumerate(evidence["deliverables"].items()):
        files = [
            {"path": name, **facts}
            for name, facts in deliverable.get("files", {}).items()
            if "target_lufs" in facts or "error" in facts
        ]
        measured = [f for f in files if "target_lufs" in f]
        if not measured:
            continue
        band = measured[0]
        profile = {
            "id": deliverable.get("profile"),
            "target_lufs": band["target_lufs"],
            "tolerance_lu": band["tolerance_lu"],
            "max_true_peak_dbtp": band["max_true_peak_dbtp"],
        }
        title = f"{owner}: programme loudness of {deliverable_id}"
        charts.append(
            f"<h3>{escape(title)}</h3>" + loudness_summary(files, profile, f"loud-{number}-{index}")
        )
    return charts


_TABLE_CHECKS = ("privacy.pii_in_table", "privacy.undeclared_personal_data")


def _class_size_charts(result: dict[str, Any], evidence: dict[str, Any], number: int) -> list[str]:
    charts = []
    for export, classes in evidence["assessed"].items():
        chart_id = f"reid-{number}-{_slug(export)}"
        heading = (
            f"<h3>{escape(result['system'] or '')}: re-identification risk of "
            f"{escape(export)} over {escape(', '.join(classes['quasi_identifiers']))}</h3>"
        )
        charts.append(heading + class_size_chart(classes, evidence["k"], chart_id))
    return charts


def _column_charts(result: dict[str, Any], evidence: dict[str, Any], number: int) -> list[str]:
    charts = []
    for table, profile in evidence["tables"].items():
        if not any(column["entities"] for column in profile["columns"]):
            continue
        chart_id = f"columns-{number}-{_slug(table)}"
        heading = (
            f"<h3>{escape(result['system'] or '')}: personal data by column in {escape(table)}</h3>"
        )
        charts.append(heading + column_chart(profile, chart_id))
    return charts


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text)


def _number(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"
