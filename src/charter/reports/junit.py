"""JUnit XML for CI: one test suite per guideline pack, one test case per check result.

Status mapping (counts on every suite and on ``<testsuites>`` follow it):

==========================  ==================================================
``pass``                    passed test case
``fail``                    ``<failure type="fail">`` with the findings
``insufficient_evidence``   ``<failure type="insufficient_evidence">``
``error``, ``incomplete``   ``<error type="...">``: the check could not finish
``not_applicable``          ``<skipped>`` with the reason
``not_assessed``            ``<skipped>``: a coverage gap, not a pass
==========================  ==================================================
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from charter.domain.guidelines import Pack
from charter.reports.pack_lookup import (
    findings_by_result,
    location_text,
    requirement_index,
    target_label,
)

_FAILURES = ("fail", "insufficient_evidence")
_ERRORS = ("error", "incomplete")
_SKIPPED = ("not_applicable", "not_assessed")
# XML 1.0 cannot carry most control characters, even escaped; evidence text might.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render_junit(document: dict[str, Any], packs: list[Pack]) -> str:
    """The audit as JUnit XML (text, starting with the XML declaration)."""
    index = requirement_index(packs)
    related = findings_by_result(document["findings"])
    root = ET.Element("testsuites", name=_clean(f"charter audit of {document['partner']}"))
    totals = _Counts()
    for guideline in document["guidelines"]:
        pack_id = guideline["pack"]
        results = [r for r in document["results"] if r["pack"] == pack_id]
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_clean(f"{pack_id}@{guideline['version']}"),
            timestamp=_clean(document["started_at"]),
        )
        properties = ET.SubElement(suite, "properties")
        for name, value in (
            ("run_id", document["run_id"]),
            ("partner", document["partner"]),
            ("as_of", document["as_of"]),
            ("actor", document.get("actor") or ""),
            ("score", _text(document["summary"]["score"])),
            ("status", document["summary"]["status"]),
            ("coverage", _text(document["summary"]["coverage"])),
        ):
            ET.SubElement(properties, "property", name=name, value=_clean(value))
        counts = _Counts()
        for result in results:
            key = (result["pack"], result["requirement"], result["check"], result["system"])
            requirement = index.get((result["pack"], result["requirement"]))
            title = requirement.title if requirement else None
            _testcase(suite, result, related.get(key, []), title)
            counts.add(result)
        counts.write(suite)
        totals.merge(counts)
    totals.write(root)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _testcase(
    suite: ET.Element, result: dict[str, Any], findings: list[dict[str, Any]], title: str | None
) -> None:
    status = result["status"]
    case = ET.SubElement(
        suite,
        "testcase",
        classname=_clean(f"{result['pack']}.{result['requirement']}"),
        name=_clean(f"{result['check']} [{target_label(result['system'])}]"),
        time=f"{result['duration_ms'] / 1000:.6f}",
    )
    if status in _FAILURES or status in _ERRORS:
        tag = "failure" if status in _FAILURES else "error"
        outcome = ET.SubElement(case, tag, type=status, message=_clean(_message(status, findings)))
        outcome.text = _clean(_details(title, findings, result))
    elif status == "not_assessed":
        ET.SubElement(
            case,
            "skipped",
            message="not_assessed: coverage gap, no check is built for this requirement yet "
            "(not a pass)",
        )
    elif status == "not_applicable":
        reason = result["evidence"].get("reason") or "does not apply to this target"
        ET.SubElement(case, "skipped", message=_clean(f"not_applicable: {reason}"))


def _message(status: str, findings: list[dict[str, Any]]) -> str:
    if not findings:
        return status
    if len(findings) == 1:
        return f"{status}: {findings[0]['message']}"
    return f"{status}: {len(findings)} findings; first: {findings[0]['message']}"


def _details(title: str | None, findings: list[dict[str, Any]], result: dict[str, Any]) -> str:
    lines = [f"{result['pack']} {result['requirement']}" + (f": {title}" if title else "")]
    for finding in findings:
        where = location_text(finding["location"]) or finding["subject"]
        lines.append(f"[{finding['severity']}] {where}: {finding['message']}")
        lines.append(f"    subject: {finding['subject']}")
        lines.append(f"    remediation: {finding['remediation']}")
    if not findings and result["evidence"]:
        lines.append(f"evidence: {result['evidence']}")
    return "\n".join(lines)


class _Counts:
    def __init__(self) -> None:
        self.tests = self.failures = self.errors = self.skipped = 0
        self.time = 0.0

    def add(self, result: dict[str, Any]) -> None:
        self.tests += 1
        self.failures += result["status"] in _FAILURES
        self.errors += result["status"] in _ERRORS
        self.skipped += result["status"] in _SKIPPED
        self.time += result["duration_ms"] / 1000

    def merge(self, other: _Counts) -> None:
        self.tests += other.tests
        self.failures += other.failures
        self.errors += other.errors
        self.skipped += other.skipped
        self.time += other.time

    def write(self, element: ET.Element) -> None:
        element.set("tests", str(self.tests))
        element.set("failures", str(self.failures))
        element.set("errors", str(self.errors))
        element.set("skipped", str(self.skipped))
        element.set("time", f"{self.time:.6f}")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
