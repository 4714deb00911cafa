"""JUnit XML: one suite per pack, one case per result, counts equal to the results."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from audited_workspace import (
    Audited,
    SwappedCatalog,
    audit,
    audit_shared_minimal,
    write_workspace,
)

from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.findings import subject
from charter.domain.status import Status
from charter.reports.formats import AuditFormat, render_audit
from charter.reports.junit import render_junit
from charter.reports.pack_lookup import location_text

FAILURES = {"fail", "insufficient_evidence"}
ERRORS = {"error", "incomplete"}
SKIPPED = {"not_applicable", "not_assessed"}


def _parse(audited: Audited) -> ET.Element:
    text = render_junit(audited.document, audited.packs)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return _xml(text)


def _xml(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))  # noqa: S314 - our own output, not untrusted input


def _expected_counts(results: list[dict[str, Any]]) -> dict[str, int]:
    statuses = Counter(r["status"] for r in results)
    return {
        "tests": len(results),
        "failures": sum(statuses[s] for s in FAILURES),
        "errors": sum(statuses[s] for s in ERRORS),
        "skipped": sum(statuses[s] for s in SKIPPED),
    }


def _counts(element: ET.Element) -> dict[str, int]:
    return {
        name: int(element.get(name, "-1")) for name in ("tests", "failures", "errors", "skipped")
    }


def _case(root: ET.Element, classname: str, name: str) -> ET.Element:
    found = [
        c
        for c in root.iter("testcase")
        if c.get("classname") == classname and c.get("name") == name
    ]
    assert len(found) == 1, (classname, name, len(found))
    return found[0]


def _assert_counts_match(audited: Audited, root: ET.Element) -> None:
    results = audited.document["results"]
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        f"{g['pack']}@{g['version']}" for g in audited.document["guidelines"]
    ]
    for suite, guideline in zip(suites, audited.document["guidelines"], strict=True):
        mine = [r for r in results if r["pack"] == guideline["pack"]]
        assert _counts(suite) == _expected_counts(mine)
        # The attributes agree with the children too.
        cases = suite.findall("testcase")
        assert len(cases) == len(mine)
        assert sum(1 for c in cases if c.find("failure") is not None) == _counts(suite)["failures"]
        assert sum(1 for c in cases if c.find("error") is not None) == _counts(suite)["errors"]
        assert sum(1 for c in cases if c.find("skipped") is not None) == _counts(suite)["skipped"]
    assert _counts(root) == _expected_counts(results)


def test_counts_equal_the_results_by_status(audited: Audited, compared: Audited) -> None:
    for run in (audited, compared):
        root = _parse(run)
        assert root.tag == "testsuites"
        statuses = {r["status"] for r in run.document["results"]}
        assert {"pass", "fail", "not_applicable", "not_assessed"} <= statuses
        _assert_counts_match(run, root)


def test_a_compliant_workspace_has_no_failures(workspace_dir: Path) -> None:
    clean = audit_shared_minimal(workspace_dir)
    assert clean.document["summary"]["status"] == "compliant"
    root = _parse(clean)
    _assert_counts_match(clean, root)
    assert root.get("failures") == root.get("errors") == "0"
    assert int(root.get("tests", "0")) == len(clean.document["results"]) > 0


def test_one_case_per_result_named_after_check_and_target(audited: Audited) -> None:
    root = _parse(audited)
    for result in audited.document["results"]:
        target = result["system"] or "organisation"
        case = _case(
            root, f"{result['pack']}.{result['requirement']}", f"{result['check']} [{target}]"
        )
        assert float(case.get("time", "-1")) == pytest.approx(result["duration_ms"] / 1000)


def test_failures_list_the_findings_with_their_locations(audited: Audited) -> None:
    root = _parse(audited)
    findings = audited.document["findings"]
    failed = [r for r in audited.document["results"] if r["status"] == "fail"]
    assert failed
    for result in failed:
        target = result["system"] or "organisation"
        case = _case(
            root, f"{result['pack']}.{result['requirement']}", f"{result['check']} [{target}]"
        )
        failure = case.find("failure")
        assert failure is not None
        assert failure.get("type") == "fail"
        mine = [
            f
            for f in findings
            if (f["pack"], f["requirement"], f["check"], f["system"])
            == (result["pack"], result["requirement"], result["check"], result["system"])
        ]
        assert mine
        assert mine[0]["message"] in failure.get("message", "")
        for finding in mine:
            assert finding["message"] in (failure.text or "")
            assert (location_text(finding["location"]) or "") in (failure.text or "")


def test_skipped_cases_say_why(audited: Audited) -> None:
    root = _parse(audited)
    for result in audited.document["results"]:
        if result["status"] not in SKIPPED:
            continue
        target = result["system"] or "organisation"
        case = _case(
            root, f"{result['pack']}.{result['requirement']}", f"{result['check']} [{target}]"
        )
        skipped = case.find("skipped")
        assert skipped is not None
        message = skipped.get("message", "")
        if result["status"] == "not_assessed":
            assert "coverage gap" in message
        else:
            assert result["evidence"]["reason"] in message


class _Raises(Check):
    def run(self, ctx: CheckContext) -> Outcome:
        raise RuntimeError("evidence store unreachable")


class _Incomplete(Check):
    def run(self, ctx: CheckContext) -> Outcome:
        return Outcome(Status.INCOMPLETE, {"scanned_rows": 10}, (), "scan hit its time budget")


class _ThinEvidence(Check):
    def run(self, ctx: CheckContext) -> Outcome:
        assert ctx.system is not None
        return Outcome(
            Status.INSUFFICIENT_EVIDENCE,
            {"reviews": 0},
            (
                Violation(
                    subject=subject("system", ctx.system.id),
                    message="too few reviews to judge",
                    status=Status.INSUFFICIENT_EVIDENCE,
                ),
            ),
        )


def _swap(behaviour: type[Check]) -> Any:
    def make(real: type[Check]) -> type[Check]:
        return type(f"Swapped{real.__name__}", (behaviour, real), {})

    return make


@pytest.fixture
def broken(tmp_path: Path) -> Audited:
    """An audit where three checks cannot give a verdict: one raises, one runs out of
    budget, one has too little evidence."""
    catalog = SwappedCatalog(
        {
            "accountability.tool_register_complete": _swap(_Raises),
            "monitoring.plan_documented": _swap(_Incomplete),
            "accountability.review_signoff": _swap(_ThinEvidence),
        }
    )
    return audit(write_workspace(tmp_path / "ws"), catalog=catalog)


def test_errors_incomplete_and_thin_evidence(broken: Audited) -> None:
    statuses = Counter(r["status"] for r in broken.document["results"])
    assert statuses["error"] >= 1
    assert statuses["incomplete"] == 1
    assert statuses["insufficient_evidence"] == 1
    root = _parse(broken)
    _assert_counts_match(broken, root)
    raised = _case(
        root, "partner-ai-usage.ACCT-03", "accountability.tool_register_complete [reco]"
    ).find("error")
    assert raised is not None
    assert raised.get("type") == "error"
    assert "evidence store unreachable" in raised.get("message", "")
    budget = _case(root, "partner-ai-usage.MON-01", "monitoring.plan_documented [reco]").find(
        "error"
    )
    assert budget is not None
    assert budget.get("type") == "incomplete"
    assert "scan hit its time budget" in budget.get("message", "")
    thin = _case(root, "partner-ai-usage.ACCT-02", "accountability.review_signoff [reco]").find(
        "failure"
    )
    assert thin is not None
    assert thin.get("type") == "insufficient_evidence"
    assert "too few reviews to judge" in (thin.text or "")


def test_text_that_xml_cannot_carry_is_replaced(audited: Audited) -> None:
    document = copy.deepcopy(audited.document)
    document["findings"][0]["message"] = "bell \x07 and <tag> & ampersand"
    text = render_junit(document, audited.packs)
    root = _xml(text)
    messages = [f.get("message", "") for f in root.iter("failure")]
    assert any("bell \ufffd and <tag> & ampersand" in m for m in messages)


def test_format_dispatch_reaches_the_junit_renderer(audited: Audited) -> None:
    text = render_audit(AuditFormat.JUNIT, audited.document, audited.packs)
    assert text == render_junit(audited.document, audited.packs)
