"""The HTML report: self-contained, escaped, accessible, every figure from the document."""

from __future__ import annotations

import copy
import re
from datetime import date
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from audited_workspace import (
    HOSTILE_TALENT,
    Audited,
    audit_shared_minimal,
)

from charter.domain.status import Principle
from charter.reports.formats import AuditFormat, render_audit
from charter.reports.html import NO_SYSTEM, render_html
from charter.reports.pack_lookup import location_text, requirement_index

_VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source"}
_SVG_LEAVES = {"rect", "line"}


class _Structure(HTMLParser):
    """Checks that every element closes, in order, and collects ``<details>`` text."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID | _SVG_LEAVES:
            self.problems.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()


def _section(page: str, section_id: str) -> str:
    start = page.index(f'<section id="{section_id}">')
    ends = [page.find(marker, start + 1) for marker in ("<section id=", "<footer>")]
    return page[start : min(e for e in ends if e > 0)]


def test_page_is_well_formed(audited: Audited) -> None:
    page = render_html(audited.document, audited.packs)
    parser = _Structure()
    parser.feed(page)
    parser.close()
    assert page.startswith("<!DOCTYPE html>")
    assert parser.problems == []
    assert parser.stack == []


def test_page_loads_nothing_from_outside(audited: Audited) -> None:
    page = render_html(audited.document, audited.packs)
    assert (
        re.search(r"""(?:src|href|action|xlink:href)\s*=\s*["']?\s*(?:https?:)?//""", page) is None
    )
    assert re.search(r"""(?:src|href)\s*=""", page) is None
    assert "@import" not in page
    assert re.search(r"url\s*\(", page) is None
    assert re.search(r"<(?:script|link|iframe|object|embed|img)\b", page, re.IGNORECASE) is None
    assert "<style>" in page
    assert "default-src 'none'" in page


def test_header_and_summary_come_from_the_document(audited: Audited) -> None:
    document = audited.document
    summary = document["summary"]
    page = render_html(document, audited.packs)
    header = page[page.index("<header>") : page.index("</header>")]
    for text in (document["partner"], document["run_id"], document["as_of"], "compliance-lead"):
        assert text in header
    for pack in audited.packs:
        assert f"{pack.id}@{pack.version}" in header
        assert escape(pack.title) in header
    overview = _section(page, "summary")
    assert summary["status"] == "non_compliant"
    assert "Non-compliant" in overview
    assert f"<strong>{summary['score']:.1f}</strong> / 100" in overview
    assert f"Assessed coverage: <strong>{summary['coverage']:.0%}</strong>" in overview
    for severity, count in summary["by_severity"].items():
        assert f"{severity}: {count}</text>" in overview
        assert f'{severity}</span></td><td class="num">{count}</td>' in overview
    assert f"every finding is new ({summary['comparison']['new']} new)" in overview


def test_principle_scores_are_an_accessible_svg_chart_and_a_table(audited: Audited) -> None:
    by_principle = audited.document["summary"]["by_principle"]
    page = render_html(audited.document, audited.packs)
    section = _section(page, "principles")
    svg = section[section.index("<svg") : section.index("</svg>")]
    assert 'role="img"' in svg
    assert 'aria-labelledby="principle-chart-title principle-chart-desc"' in svg
    assert '<title id="principle-chart-title">' in svg
    scored = {code: line for code, line in by_principle.items() if line["score"] is not None}
    assert scored, "the fixture should score some principles"
    # One bar per scored principle, its length proportional to the score.
    widths = [float(w) for w in re.findall(r'<rect x="290" y="\d+" width="([\d.]+)"', svg)]
    assert widths == pytest.approx([400 * line["score"] / 100 for line in scored.values()], abs=0.1)
    table = section[section.index("<table") :]
    for code, line in by_principle.items():
        label = f"{code} {Principle(code).label}"
        assert escape(label) in svg
        if line["score"] is None:
            assert f"{escape(label)}: n/a: nothing assessed" in svg
        else:
            assert f"{line['score']:.1f} (" in svg
            assert f'<td class="num">{line["score"]:.1f}</td>' in table
        assert f'<td class="num">{line["coverage"]:.0%}</td>' in table


def test_every_finding_is_shown_in_its_system_group(audited: Audited) -> None:
    findings = audited.document["findings"]
    index = requirement_index(audited.packs)
    page = render_html(audited.document, audited.packs)
    section = _section(page, "findings")
    groups = section.split('<section class="system">')[1:]
    headings = [g[: g.index("</h3>")] for g in groups]
    assert [("reco" in h, NO_SYSTEM in h) for h in headings] == [(True, False), (False, True)]
    real = [f for f in findings if f["status"] != "not_assessed"]
    assert {f["system"] for f in real} == {"reco", None}
    for finding in real:
        group = groups[0] if finding["system"] == "reco" else groups[1]
        assert escape(finding["message"]) in group
        assert f"<code>{escape(location_text(finding['location']) or '')}</code>" in group
        assert escape(finding["remediation"]) in group
        assert escape(finding["subject"]) in group
        requirement = index[(finding["pack"], finding["requirement"])]
        assert escape(requirement.title) in group
        for framework_id in requirement.crosswalk.eu_ai_act:
            assert escape(framework_id) in group
    assert f"{len(real)} findings" in section


def test_hostile_text_is_escaped(audited: Audited) -> None:
    talent = [f for f in audited.document["findings"] if HOSTILE_TALENT in f["message"]]
    assert talent, "the fixture's consent should produce a finding naming the talent"
    document = copy.deepcopy(audited.document)
    hostile = '<img src=x onerror="alert(1)">'
    document["partner"] = hostile
    document["findings"][0]["evidence"] = {hostile: hostile}
    document["findings"][0]["subject"] = f"system:reco/{hostile}"
    page = render_html(document, audited.packs)
    assert "<script" not in page
    assert "<img" not in page
    assert escape(HOSTILE_TALENT) in page
    assert "&lt;script&gt;alert(&#x27;pwn&#x27;)&lt;/script&gt; &amp; Co" in page
    assert escape(hostile) in page


def test_coverage_gaps_are_listed_per_requirement_in_a_collapsed_section(audited: Audited) -> None:
    gaps = [f for f in audited.document["findings"] if f["status"] == "not_assessed"]
    assert gaps
    page = render_html(audited.document, audited.packs)
    section = _section(page, "coverage-gaps")
    details = section[section.index("<details>") : section.index("</details>")]
    requirements = {(f["pack"], f["requirement"]) for f in gaps}
    assert f"{len(requirements)} requirements not assessed ({len(gaps)} assessments)" in details
    assert "<details open" not in section
    findings_section = _section(page, "findings")
    for _pack, requirement in requirements:
        assert f"<code>{requirement}</code>" in details
        assert f"<code>{requirement}</code>" not in findings_section
    for gap in gaps:
        assert gap["check"] in details


def test_comparison_with_the_previous_run(compared: Audited) -> None:
    comparison = compared.document["summary"]["comparison"]
    assert comparison["previous_run_id"]
    assert comparison["new"] > 0
    assert comparison["fixed"] > 0
    assert comparison["still_failing"] > 0
    page = render_html(compared.document, compared.packs)
    overview = _section(page, "summary")
    assert comparison["previous_run_id"] in overview
    assert (
        f"<strong>{comparison['new']}</strong> new, <strong>{comparison['fixed']}</strong> fixed, "
        f"<strong>{comparison['still_failing']}</strong> still failing"
    ) in overview
    for fingerprint in comparison["fixed_fingerprints"]:
        assert fingerprint in overview
    changes = [f["change"] for f in compared.document["findings"] if f["change"]]
    assert page.count('<span class="muted">still failing</span>') == changes.count("still_failing")


def test_a_compliant_workspace(workspace_dir: Path) -> None:
    clean = audit_shared_minimal(workspace_dir)
    assert clean.document["summary"]["status"] == "compliant"
    page = render_html(clean.document, clean.packs)
    parser = _Structure()
    parser.feed(page)
    assert parser.problems == []
    assert ">Compliant</span>" in _section(page, "summary")
    assert "<p>No findings.</p>" in _section(page, "findings")
    # every check it needs is built: nothing left unassessed
    assert "None: every applicable requirement was assessed." in _section(page, "coverage-gaps")


def test_format_dispatch_reaches_the_html_renderer(audited: Audited) -> None:
    page = render_audit(AuditFormat.HTML, audited.document, audited.packs)
    assert page == render_html(audited.document, audited.packs)


def test_scanned_evidence_is_drawn_with_its_threshold() -> None:
    """The example's decision and impression logs come back as charts: selection rates with
    intervals and the four-fifths line, exposure per group with the failing group in red."""
    from charter.checks.registry import load_registry
    from charter.composition import deliverables, personal_data_scans
    from charter.engines.scan.scanner import IbisScanner
    from charter.guidelines.library import BuiltinPackLibrary
    from charter.reports.audit_json import audit_document
    from charter.services.audit import AuditRequest, run_audit
    from charter.services.validation import resolve_packs
    from charter.workspace.loader import load_workspace
    from support import EXAMPLE

    workspace = load_workspace(EXAMPLE)
    packs = resolve_packs(workspace, BuiltinPackLibrary())
    scanner = IbisScanner()
    request = AuditRequest(
        workspace,
        packs,
        load_registry(),
        date(2026, 11, 24),
        scanner=scanner,
        deliverables=deliverables(),
        personal_data=personal_data_scans(workspace, scanner),
    )
    page = render_html(audit_document(run_audit(request)), packs)
    section = page[page.index('<section id="measurements">') :]
    section = section[: section.index("</section>")]
    assert "campaign-insights: selection rate by age_band (offers-2026)" in section
    assert "voice-casting: exposure per item by group (casting-shortlists)" in section
    assert "campaign-insights: population stability index by column" in section
    assert "4/5 of highest (0.338)" in section
    assert "campaign-insights: re-identification risk of audience-export" in section
    assert "support-assistant: personal data by column in known-issues-export" in section
    # three logs for fairness and exposure, five drift monitors, the subtitle timeline and
    # the loudness summary, one export's class sizes, one table's columns
    assert section.count("<svg") == 12
    # the two classes under k = 5 are drawn in the failing colour, sizes only
    assert re.search(r'<rect [^>]*fill="#b3261e"><title>classes of 2: 2 rows', section)
    assert "Zeeland" not in section
    # 65+ falls under four-fifths of the highest rate: drawn in the failing colour
    assert re.search(r'<circle [^>]*fill="#b3261e"><title>65\+: 0\.298', section)
    # weekly_hours drifted: its PSI bar is red
    assert re.search(r'<rect [^>]*fill="#b3261e"><title>weekly_hours: PSI 0\.760', section)
