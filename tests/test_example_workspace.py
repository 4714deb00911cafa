"""The bundled example workspace (examples/northwind): it loads, and auditing it finds exactly
the planted violations listed in expected-findings.yaml and in its README table."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from charter.checks.registry import load_registry
from charter.composition import deliverables, personal_data_scans
from charter.domain.audit import AuditReport
from charter.domain.genai_triage import Tier, triage
from charter.domain.status import Status
from charter.domain.systems import Category
from charter.domain.workspace import Workspace
from charter.engines.scan.scanner import IbisScanner
from charter.guidelines.library import BuiltinPackLibrary
from charter.services.audit import AuditRequest, run_audit
from charter.services.validation import resolve_packs
from charter.workspace.loader import load_workspace
from support import run_cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "northwind"
AS_OF = date(2026, 11, 24)
FIELDS = ("pack", "requirement", "check", "system", "subject", "severity")

Key = tuple[str, str, str, str | None, str, str]


def _signer() -> ModuleType:
    """``tools/sign_example_media.py``, which ``make demo`` runs."""
    spec = importlib.util.spec_from_file_location(
        "sign_example_media", ROOT / "tools" / "sign_example_media.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example whose AI media are signed here, as ``make demo`` does (nothing
    signed is committed; a signed file left by an earlier demo run is not copied)."""
    signer = _signer()
    root = tmp_path_factory.mktemp("example") / "northwind"
    leftovers = shutil.ignore_patterns(signer.SIGNED_CARD.name, "*.provenance.json", ".charter")
    shutil.copytree(EXAMPLE, root, ignore=leftovers)
    written = signer.sign_example(root)
    assert [p.relative_to(root) for p in written] == [
        signer.SIGNED_CARD,
        Path(f"{signer.SYNOPSES}.provenance.json"),
    ]
    return root


@pytest.fixture(scope="module")
def workspace(signed: Path) -> Workspace:
    return load_workspace(signed)


@pytest.fixture(scope="module")
def report(workspace: Workspace) -> AuditReport:
    packs = resolve_packs(workspace, BuiltinPackLibrary())
    scanner = IbisScanner()
    request = AuditRequest(
        workspace=workspace,
        packs=packs,
        catalog=load_registry(),
        as_of=AS_OF,
        scanner=scanner,
        deliverables=deliverables(),
        personal_data=personal_data_scans(workspace, scanner),
    )
    return run_audit(request)


@pytest.fixture(scope="module")
def expected() -> list[Key]:
    document = yaml.safe_load((EXAMPLE / "expected-findings.yaml").read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = document["findings"]
    keys = [_key(row) for row in rows]
    assert len(keys) == len(set(keys)), "expected-findings.yaml lists a finding twice"
    return keys


def _key(row: dict[str, Any]) -> Key:
    pack, requirement, check, system, subject, severity = (row[f] for f in FIELDS)
    return (
        str(pack),
        str(requirement),
        str(check),
        None if system is None else str(system),
        str(subject),
        str(severity),
    )


def _actual(report: AuditReport) -> list[Key]:
    return [
        (f.pack, f.requirement, f.check, f.system, f.subject, str(f.severity))
        for f in report.findings
        if f.status is not Status.NOT_ASSESSED
    ]


def _readme_table() -> list[dict[str, str]]:
    """Rows of the README's planted-violations table, keyed by header, backticks removed."""
    text = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    section = text.split("## Planted violations", 1)[1]
    lines = [line.strip() for line in section.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    table: list[str] = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append(line)

    def cells(line: str) -> list[str]:
        return [c.strip().strip("`") for c in line.strip("|").split("|")]

    header = [h.lower() for h in cells(table[0])]
    assert re.fullmatch(r"[\s|:-]+", table[1]), "README table has no separator row"
    return [dict(zip(header, cells(line), strict=True)) for line in table[2:]]


def test_example_loads_with_systems_of_every_category(workspace: Workspace) -> None:
    assert workspace.config.partner.id == "northwind-post"
    pins = {(p.pack, p.version) for p in workspace.config.guidelines}
    assert pins == {("partner-ai-usage", "2026.1"), ("genai-content-production", "2026.1")}
    assert len(workspace.systems) >= 5
    assert {s.category for s in workspace.systems.values()} == set(Category)
    generators = [
        s for s in workspace.systems.values() if s.category is Category.CONTENT_GENERATION
    ]
    assert len(generators) >= 2


def test_example_use_cases_cover_every_tier(workspace: Workspace) -> None:
    assert len(workspace.use_cases) >= 4
    tiers = {triage(u).tier for u in workspace.use_cases.values()}
    assert tiers == set(Tier)
    linked = [u for u in workspace.use_cases.values() if u.system is not None]
    assert len(linked) > len(workspace.use_cases) / 2


def test_audit_finds_exactly_the_planted_violations(
    report: AuditReport, expected: list[Key]
) -> None:
    actual = _actual(report)
    assert len(actual) == len(set(actual)), "the audit reported a finding twice"
    missing = set(expected) - set(actual)
    extra = set(actual) - set(expected)
    assert not missing, f"planted violations not found: {sorted(missing, key=str)}"
    assert not extra, f"unexpected findings: {sorted(extra, key=str)}"


def test_no_check_breaks_down_on_the_example(report: AuditReport) -> None:
    broken = [r for r in report.results if r.status in (Status.ERROR, Status.INCOMPLETE)]
    assert broken == []


def test_at_least_ten_requirements_are_violated(expected: list[Key]) -> None:
    requirements = {(pack, requirement) for pack, requirement, *_ in expected}
    assert len(requirements) >= 10
    assert {pack for pack, _ in requirements} == {"partner-ai-usage", "genai-content-production"}


def test_readme_table_lists_the_expected_findings(expected: list[Key], report: AuditReport) -> None:
    rows = _readme_table()
    listed = [(row["requirement"], row["subject"]) for row in rows]
    assert len(listed) == len(set(listed)), "the README table lists a finding twice"
    assert set(listed) == {(requirement, subject) for _, requirement, _, _, subject, _ in expected}
    located = {
        (f.requirement, f.subject): f"{f.location.file}:{f.location.line}"
        for f in report.findings
        if f.location is not None
    }
    assert [int(row["#"]) for row in rows] == list(range(1, len(rows) + 1))
    for row in rows:
        assert row["location"] == located[(row["requirement"], row["subject"])], row


def test_cli_validate_succeeds() -> None:
    result = run_cli("validate", str(EXAMPLE))
    assert result.returncode == 0, result.stderr


def test_cli_audit_json_reports_the_planted_violations(
    expected: list[Key], signed: Path, tmp_path: Path
) -> None:
    result = run_cli(
        "audit",
        str(signed),
        "--as-of",
        AS_OF.isoformat(),
        "--no-store",
        "--format",
        "json",
        env={"CHARTER_CONFIG_DIR": str(tmp_path / "config")},
    )
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "charter.audit/v1"
    assert document["partner"] == "northwind-post"
    assert document["as_of"] == AS_OF.isoformat()
    actual = [_key(f) for f in document["findings"] if f["status"] != "not_assessed"]
    assert sorted(actual, key=str) == sorted(expected, key=str)


def test_html_report_draws_subtitle_timeline_and_loudness(
    report: AuditReport, workspace: Workspace
) -> None:
    from charter.reports.audit_json import audit_document
    from charter.reports.html import render_html

    page = render_html(audit_document(report), resolve_packs(workspace, BuiltinPackLibrary()))
    section = page[page.index('<section id="measurements">') :]
    section = section[: section.index("</section>")]
    timeline = "dub-pipeline: subtitle problems in deliverables/subtitles/ep101-en-US.ttml"
    assert timeline in section
    # the planted TT-CPL (event 3) and TT-CPS (event 4) errors, red, at their times
    assert re.search(
        r'fill="#b3261e"><title>TT-CPL at 0:12: event 3: line 1 has 48 characters', section
    )
    assert re.search(r'fill="#b3261e"><title>TT-CPS at 0:15: event 4: 28\.0 characters', section)
    assert "dub-pipeline: programme loudness of harbour-lights-es-dub" in section
    assert "-27 +/- 2 LU" in section
    assert re.search(
        r'<circle [^>]*fill="#b3261e"><title>ep101-es-419-dub.wav: -21\.\d LKFS', section
    )
