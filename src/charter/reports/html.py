"""The HTML report: one self-contained page (inline CSS and SVG; no script, font or remote
asset), built from a ``charter.audit/v1`` document and the packs it was audited against.

Every text that comes from the document or a pack goes through :func:`html.escape`; every
figure on the page is read from the document, none is typed in.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from charter import __version__
from charter.domain.guidelines import Pack, Requirement
from charter.domain.status import Principle
from charter.reports.evidence_charts import evidence_section
from charter.reports.monitoring_html import trend_charts
from charter.reports.pack_lookup import (
    CROSSWALK_LABELS,
    SEVERITIES,
    RequirementKey,
    crosswalk_of,
    location_text,
    requirement_index,
    severity_rank,
)
from charter.reports.svg_charts import Bar, Segment, bar_chart, stacked_bar

NO_SYSTEM = "Organisation / use cases without a system"

STATUS_LABELS = {"compliant": "Compliant", "at_risk": "At risk", "non_compliant": "Non-compliant"}
STATUS_COLOURS = {"compliant": "#2e7d32", "at_risk": "#b26a00", "non_compliant": "#c62828"}
SEVERITY_COLOURS = {
    "critical": "#7f0000",
    "high": "#d32f2f",
    "medium": "#ef6c00",
    "low": "#1565c0",
    "info": "#78909c",
}
_NOT_ASSESSED_COLOUR = "#b0bec5"
_EVIDENCE_VALUE_LIMIT = 240

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933;
  margin: 0 auto; max-width: 1180px; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #d0d4d9; padding-bottom: .2rem;
  margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #d0d4d9; padding: .3rem .45rem; text-align: left;
  vertical-align: top; }
th { background: #f3f5f7; }
table.severities { width: auto; min-width: 16rem; }
th.where { min-width: 9rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: .85em; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: .7rem; color: #fff;
  font-weight: 600; font-size: .85rem; white-space: nowrap; }
.verdict { font-size: 1.1rem; display: flex; flex-wrap: wrap; gap: 1.2rem;
  align-items: center; }
.verdict .badge { font-size: 1.05rem; padding: .2rem .8rem; }
.muted { color: #5f6b76; font-size: .85rem; }
.message { margin: 0 0 .25rem; font-weight: 600; }
.hint { margin: .25rem 0 0; }
dl.evidence { margin: .25rem 0 0; font-size: .8rem; }
dl.evidence dt { display: inline; font-weight: 600; }
dl.evidence dt::after { content: ": "; }
dl.evidence dd { display: inline; margin: 0 .8rem 0 0; }
dl.crosswalk { margin: 0; font-size: .8rem; }
dl.crosswalk dt { font-weight: 600; }
dl.crosswalk dd { margin: 0 0 .2rem; }
svg.chart { max-width: 100%; height: auto; display: block; margin: .5rem 0; }
details { margin: 1rem 0; }
summary { cursor: pointer; font-weight: 600; }
footer { margin-top: 2.5rem; font-size: .8rem; color: #5f6b76; }
@media print {
  @page { size: A4; margin: 15mm;
    @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt;
      color: #5f6b76; } }
  :root { font-size: 10pt; }
  details { display: block; }
  body { padding: 0; max-width: none; }
  /* Fixed column widths: the automatic layout measures every word of every cell. */
  table.findings, table.gaps { table-layout: fixed; }
  table.findings td, table.gaps td { overflow-wrap: anywhere; }
  table.findings th:nth-child(1) { width: 10%; }
  table.findings th:nth-child(2) { width: 15%; }
  table.findings th:nth-child(4), table.findings th:nth-child(5) { width: 14%; }
  table.gaps th:nth-child(1) { width: 34%; }
  thead { display: table-header-group; }
  tr, svg.chart, .verdict, dl.meta, dl.crosswalk { break-inside: avoid; }
  h2, h3, summary { break-after: avoid; }
}
"""


def render_html(
    document: dict[str, Any], packs: list[Pack], trends: list[dict[str, Any]] | None = None
) -> str:
    """The audit as one self-contained HTML page; ``trends`` (``charter.monitor-history/v1``
    series up to the audit date) add the monitoring trend charts."""
    index = requirement_index(packs)
    summary = document["summary"]
    title = f"Charter audit of {document['partner']} as of {document['as_of']}"
    body = "\n".join(
        [
            _header(document, packs),
            _overview(summary),
            _principles(summary),
            _findings(document["findings"], index),
            evidence_section(document["results"]),
            _trends(trends or []),
            _coverage_gaps(document["findings"], index),
            _footer(document),
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        # The page loads nothing: the policy makes a browser refuse any remote asset.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _trends(series: list[dict[str, Any]]) -> str:
    if not series:
        return ""
    return (
        '<section id="monitoring-trends"><h2>Monitoring trends</h2>'
        '<p class="muted">The metrics each system\'s card watches, as stored by '
        "<code>charter monitor run</code> up to the audit date; the dashed line is the "
        "check's limit.</p>" + trend_charts(series) + "</section>"
    )


def _footer(document: dict[str, Any]) -> str:
    return (
        f"<footer>Rendered by Charter {escape(__version__)} from the "
        f"{escape(document['schema'])} document of run {escape(document['run_id'])}.</footer>"
    )


def _header(document: dict[str, Any], packs: list[Pack]) -> str:
    titles = {(p.id, p.version): p.title for p in packs}
    guidelines = "".join(
        f"<li>{escape(titles.get((g['pack'], g['version']), g['pack']))} "
        f"<code>{escape(g['pack'])}@{escape(g['version'])}</code></li>"
        for g in document["guidelines"]
    )
    rows = [
        ("Partner", escape(document["partner"])),
        ("Run", f"<code>{escape(document['run_id'])}</code>"),
        ("As of", escape(document["as_of"])),
        ("Ran", f"{escape(document['started_at'])} to {escape(document['finished_at'])}"),
        ("Guideline packs", f'<ul class="packs">{guidelines}</ul>'),
        ("Run by", escape(document["actor"]) if document.get("actor") else "not recorded"),
    ]
    meta = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return (
        f"<header>\n<h1>Compliance audit: {escape(document['partner'])}</h1>\n"
        f'<dl class="meta">{meta}</dl>\n</header>'
    )


def _overview(summary: dict[str, Any]) -> str:
    status = summary["status"]
    severities = summary["by_severity"]
    severity_rows = "".join(
        f'<tr><td>{_severity_badge(s)}</td><td class="num">{severities[s]}</td></tr>'
        for s in SEVERITIES
    )
    chart = stacked_bar(
        [Segment(s, severities[s], SEVERITY_COLOURS[s]) for s in SEVERITIES],
        chart_id="severity-chart",
        title="Findings by severity",
        description=", ".join(f"{severities[s]} {s}" for s in SEVERITIES),
    )
    return (
        '<section id="summary">\n<h2>Summary</h2>\n'
        f'<p class="verdict">{_status_badge(status)}'
        f'<span class="score">Score: <strong>{_score(summary["score"])}</strong> / 100</span>'
        f'<span class="coverage">Assessed coverage: <strong>{summary["coverage"]:.0%}</strong>'
        " of applicable requirement assessments</span></p>\n"
        f"<p>Systems audited: {summary['systems']}; check results assessed: "
        f"{summary['checks_run']}.</p>\n"
        f"{_comparison(summary['comparison'])}\n"
        "<h3>Findings by severity</h3>\n"
        '<p class="muted">Info findings are coverage gaps: requirements not assessed.</p>\n'
        f'{chart}\n<table class="severities"><thead><tr><th>severity</th>'
        f'<th class="num">findings</th></tr></thead><tbody>{severity_rows}</tbody></table>\n'
        "</section>"
    )


def _comparison(comparison: dict[str, Any]) -> str:
    if comparison["previous_run_id"] is None:
        return (
            '<p class="comparison">First run of this scope: every finding is new '
            f"({comparison['new']} new).</p>"
        )
    fixed = "".join(f"<li><code>{escape(f)}</code></li>" for f in comparison["fixed_fingerprints"])
    listing = (
        f"<details><summary>Fingerprints of fixed findings</summary><ul>{fixed}</ul></details>"
        if fixed
        else ""
    )
    return (
        '<p class="comparison">Since run '
        f"<code>{escape(comparison['previous_run_id'])}</code>: "
        f"<strong>{comparison['new']}</strong> new, <strong>{comparison['fixed']}</strong> "
        f"fixed, <strong>{comparison['still_failing']}</strong> still failing.</p>{listing}"
    )


def _principles(summary: dict[str, Any]) -> str:
    lines = summary["by_principle"]
    rows = []
    bars = []
    for code, line in lines.items():
        label = f"{code} {_principle_label(code)}"
        nothing_assessed = line["score"] is None
        rows.append(
            f"<tr><td><code>{escape(code)}</code> {escape(_principle_label(code))}</td>"
            f'<td class="num">{_score(line["score"])}</td>'
            f"<td>{_status_badge(line['status'])}"
            f"{' <span class=muted>(nothing assessed)</span>' if nothing_assessed else ''}</td>"
            f'<td class="num">{line["findings"]}</td>'
            f'<td class="num">{line["coverage"]:.0%}</td></tr>'
        )
        bars.append(
            Bar(
                label=label,
                value=line["score"],
                text="n/a: nothing assessed"
                if nothing_assessed
                else f"{_score(line['score'])} ({_status_label(line['status'])})",
                colour=_NOT_ASSESSED_COLOUR
                if nothing_assessed
                else STATUS_COLOURS.get(line["status"], "#546e7a"),
            )
        )
    chart = bar_chart(
        bars,
        chart_id="principle-chart",
        title="Score by principle (0-100)",
        description="; ".join(f"{bar.label}: {bar.text}" for bar in bars),
    )
    return (
        '<section id="principles">\n<h2>Scores by principle</h2>\n'
        f"{chart}\n"
        '<table class="principles"><thead><tr><th>principle</th><th class="num">score</th>'
        '<th>status</th><th class="num">findings</th><th class="num">assessed coverage</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>\n</section>"
    )


def _findings(findings: list[dict[str, Any]], index: dict[RequirementKey, Requirement]) -> str:
    real = [f for f in findings if f["status"] != "not_assessed"]
    if not real:
        return '<section id="findings">\n<h2>Findings</h2>\n<p>No findings.</p>\n</section>'
    by_system: dict[str | None, list[dict[str, Any]]] = {}
    for finding in real:
        by_system.setdefault(finding["system"], []).append(finding)
    # Systems by id, then what belongs to no system.
    order = sorted(by_system, key=lambda s: (s is None, s or ""))
    groups = []
    for system in order:
        mine = sorted(
            by_system[system],
            key=lambda f: (severity_rank(f["severity"]), f["pack"], f["requirement"], f["id"]),
        )
        heading = f"System <code>{escape(system)}</code>" if system is not None else NO_SYSTEM
        rows = "".join(_finding_row(f, index) for f in mine)
        groups.append(
            f'<section class="system">\n<h3>{heading} '
            f'<span class="muted">({len(mine)} findings)</span></h3>\n'
            '<table class="findings"><thead><tr><th>severity</th><th>requirement</th>'
            '<th>finding</th><th class="where">location</th><th>crosswalk</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>\n</section>"
        )
    return (
        '<section id="findings">\n<h2>Findings</h2>\n'
        f"<p>{len(real)} findings, grouped by system, most severe first.</p>\n"
        + "\n".join(groups)
        + "\n</section>"
    )


def _finding_row(finding: dict[str, Any], index: dict[RequirementKey, Requirement]) -> str:
    requirement = index.get((finding["pack"], finding["requirement"]))
    status = "" if finding["status"] == "fail" else f"<br><code>{escape(finding['status'])}</code>"
    change = (
        f'<br><span class="muted">{escape(finding["change"].replace("_", " "))}</span>'
        if finding.get("change")
        else ""
    )
    where = location_text(finding["location"])
    return (
        f"<tr><td>{_severity_badge(finding['severity'])}{status}{change}</td>"
        f"<td>{_requirement_cell(finding['pack'], finding['requirement'], requirement)}</td>"
        f'<td><p class="message">{escape(finding["message"])}</p>'
        f'<span class="muted">subject</span> <code>{escape(finding["subject"])}</code> '
        f'<span class="muted">check</span> <code>{escape(finding["check"])}</code>'
        f'<p class="hint"><strong>Remediation:</strong> {escape(finding["remediation"])}</p>'
        f"{_evidence(finding['evidence'])}</td>"
        f"<td>{f'<code>{escape(where)}</code>' if where else '-'}</td>"
        f"<td>{_crosswalk(requirement)}</td></tr>"
    )


def _coverage_gaps(findings: list[dict[str, Any]], index: dict[RequirementKey, Requirement]) -> str:
    gaps: dict[RequirementKey, list[dict[str, Any]]] = {}
    for finding in findings:
        if finding["status"] == "not_assessed":
            gaps.setdefault((finding["pack"], finding["requirement"]), []).append(finding)
    if not gaps:
        return (
            '<section id="coverage-gaps">\n<h2>Coverage gaps</h2>\n'
            "<p>None: every applicable requirement was assessed.</p>\n</section>"
        )
    rows = []
    for (pack, requirement_id), mine in gaps.items():  # in the packs' order
        requirement = index.get((pack, requirement_id))
        checks = sorted({f["check"] for f in mine})
        targets = sorted({f["system"] or "organisation" for f in mine})
        rows.append(
            f"<tr><td>{_requirement_cell(pack, requirement_id, requirement)}</td>"
            f"<td>{escape(', '.join(checks))}</td>"
            f"<td>{escape(', '.join(targets))}</td>"
            f"<td>{_crosswalk(requirement)}</td></tr>"
        )
    assessments = sum(len(m) for m in gaps.values())
    return (
        '<section id="coverage-gaps">\n<h2>Coverage gaps</h2>\n'
        "<details>\n"
        f"<summary>{len(gaps)} requirements not assessed ({assessments} assessments): "
        "their checks are not built yet. A coverage gap is not a pass.</summary>\n"
        '<table class="gaps"><thead><tr><th>requirement</th><th>checks not built</th>'
        "<th>systems</th><th>crosswalk</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>\n</details>\n</section>"
    )


def _requirement_cell(pack: str, requirement_id: str, requirement: Requirement | None) -> str:
    title = requirement.title if requirement else "(not in the supplied packs)"
    principle = f" &middot; {escape(str(requirement.principle))}" if requirement else ""
    return (
        f"<code>{escape(requirement_id)}</code> {escape(title)}"
        f'<br><span class="muted">{escape(pack)}{principle}</span>'
    )


def _crosswalk(requirement: Requirement | None) -> str:
    walk = crosswalk_of(requirement)
    if not walk:
        return "-"
    items = "".join(
        f"<dt>{escape(label)}</dt><dd>{escape(', '.join(walk[field]))}</dd>"
        for field, label in CROSSWALK_LABELS
        if field in walk
    )
    return f'<dl class="crosswalk">{items}</dl>'


def _evidence(evidence: dict[str, Any]) -> str:
    if not evidence:
        return ""
    items = "".join(
        f"<dt>{escape(str(key))}</dt><dd>{escape(_compact(value))}</dd>"
        for key, value in evidence.items()
    )
    return f'<dl class="evidence">{items}</dl>'


def _compact(value: Any) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        text = ", ".join(str(v) for v in value)
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if len(text) > _EVIDENCE_VALUE_LIMIT:
        return text[: _EVIDENCE_VALUE_LIMIT - 1] + "\u2026"
    return text


def _status_badge(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#546e7a")
    return (
        f'<span class="badge status" style="background:{colour}">'
        f"{escape(_status_label(status))}</span>"
    )


def _status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def _severity_badge(severity: str) -> str:
    colour = SEVERITY_COLOURS.get(severity, "#546e7a")
    return f'<span class="badge severity" style="background:{colour}">{escape(severity)}</span>'


def _principle_label(code: str) -> str:
    try:
        return Principle(code).label
    except ValueError:
        return code


def _score(score: float | None) -> str:
    return "n/a" if score is None else f"{score:.1f}"
