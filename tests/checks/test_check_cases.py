"""Each built-in check against its own cases: ``tests/checks/<family>/<check>/``.

A case folder holds ``overlay/`` (workspace files written over the shared minimal workspace
of ``conftest.py``, so every input goes through the real loader) and ``expected.yaml``::

    check: documentation.review_freshness
    requirement: partner-ai-usage:DOC-04
    as_of: 2026-11-24
    issues: [...]          # optional: the issue register before the audit (remediation)
    monitored: {id: date}  # optional: the latest stored monitoring run per system
    measurements:          # optional: what the check measured, per system (value within
      reco: {psi:score: {value: 0.0, limit: 0.2, breached: false}}   # 1e-6 when given)
    statuses:              # every target the check ran on: system id (or ~) -> status
      reco: pass
      stale-card: fail
    violations:            # exactly these subjects, each with a message fragment and the
      - subject: system:stale-card/reviews.0.date        # key evidence figures
        message: is 692 days old (limit 365)
        evidence: {age_days: 692}

Folders may hold several cases as ``expected*.yaml`` sharing the overlay.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from charter.checks.registry import load_registry
from charter.composition import deliverables, personal_data_scans
from charter.domain.issues import Issue, IssueState, PlatformReport, RiskAcceptance
from charter.domain.status import Severity
from charter.engines.scan.scanner import IbisScanner
from charter.guidelines.library import BuiltinPackLibrary
from charter.reports.audit_json import audit_document
from charter.services.audit import AuditRequest, run_audit
from charter.services.validation import resolve_packs
from charter.workspace.loader import load_workspace
from support import minimal_workspace_files, write_workspace

HERE = Path(__file__).parent
CASES = sorted(HERE.glob("*/*/expected*.yaml"))


def _case_id(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.parent.name}/{path.stem}"


@pytest.mark.parametrize("expected_file", CASES, ids=[_case_id(p) for p in CASES])
def test_check_case(expected_file: Path, tmp_path: Path) -> None:
    expected: dict[str, Any] = yaml.safe_load(expected_file.read_text())
    root = write_workspace(tmp_path / "ws", minimal_workspace_files())
    overlay = expected_file.parent / "overlay"
    for path in sorted(overlay.rglob("*")) if overlay.is_dir() else []:
        if path.is_file():
            target = root / path.relative_to(overlay)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    for removed in expected.get("remove", []):
        (root / removed).unlink()
    if "config" in expected:  # merged into charter.yaml
        config = yaml.safe_load((root / "charter.yaml").read_text())
        (root / "charter.yaml").write_text(yaml.safe_dump(config | expected["config"]))
    if "sign" in expected:
        _sign(root, expected["sign"], tmp_path / "certs")
    workspace = load_workspace(root)
    packs = resolve_packs(workspace, BuiltinPackLibrary())
    as_of = expected.get("as_of", date(2026, 11, 24))
    scanner = IbisScanner()
    request = AuditRequest(
        workspace,
        packs,
        load_registry(),
        as_of,
        scanner=scanner,
        deliverables=deliverables(),
        personal_data=personal_data_scans(workspace, scanner),
        issues=_register(expected["issues"]) if "issues" in expected else None,
        monitored_on=expected.get("monitored"),
    )
    report = run_audit(request)
    document = audit_document(report)

    pack, requirement = expected["requirement"].split(":")
    check = expected["check"]
    results = [
        r
        for r in document["results"]
        if (r["pack"], r["requirement"], r["check"]) == (pack, requirement, check)
    ]
    assert {r["system"]: r["status"] for r in results} == expected["statuses"]

    for system, metrics in expected.get("measurements", {}).items():
        (result,) = [r for r in report.results if (r.pack, r.requirement, r.check, r.system)
                     == (pack, requirement, check, system)]  # fmt: skip
        measured = {m.metric: m for m in result.measurements}
        assert sorted(measured) == sorted(metrics), (system, sorted(measured))
        for metric, spec in metrics.items():
            found = measured[metric]
            if "value" in spec:
                assert found.value == pytest.approx(spec["value"], abs=1e-6), (metric, found)
            assert found.limit == spec["limit"], (metric, found)
            assert found.breached is spec["breached"], (metric, found)

    findings = [
        f
        for f in document["findings"]
        if (f["pack"], f["requirement"], f["check"]) == (pack, requirement, check)
        and f["status"] != "not_assessed"
    ]
    want = {v["subject"]: v for v in expected.get("violations", [])}
    assert sorted(f["subject"] for f in findings) == sorted(want)
    for finding in findings:
        spec = want[finding["subject"]]
        assert spec["message"] in finding["message"], finding["message"]
        for key, value in spec.get("evidence", {}).items():
            assert finding["evidence"].get(key) == value, (key, finding["evidence"])
        if "location" in spec:
            location = finding["location"]
            assert f"{location['file']}:{location['line']}" == spec["location"]


def _register(rows: list[dict[str, Any]]) -> tuple[Issue, ...]:
    """``issues:`` in a case: the register as it stood before the audit."""
    issues = []
    for row in rows:
        fingerprint = f"{row['id'].removeprefix('ISS-')}{'0' * 22}"
        issues.append(
            Issue(
                id=row["id"],
                fingerprint=fingerprint,
                partner="acme-post",
                pack="partner-ai-usage",
                requirement=row.get("requirement", "PRIV-08"),
                check=row.get("check", "privacy.dpia_required"),
                system=row.get("system", "reco"),
                subject=row.get("subject", "system:reco/dpia_reference"),
                severity=Severity(row["severity"]),
                title=row.get("title", "a finding"),
                state=IssueState(row["state"]),
                opened_on=row["opened_on"],
                due_on=row["due_on"],
                first_run="r1",
                last_run="r1",
                owner=row.get("owner"),
                acceptance=RiskAcceptance("accepted", "lead", row["accepted_until"])
                if "accepted_until" in row
                else None,
                reported=PlatformReport(row["reported_on"], "PLT-1", "lead")
                if "reported_on" in row
                else None,
            )
        )
    return tuple(issues)


def _sign(root: Path, spec: dict[str, Any], certs: Path) -> None:
    """Provenance cases sign their media at run time (nothing signed is committed): C2PA
    with a certificate made here, detached records with an Ed25519 key made here.

    ``spec``: ``c2pa`` and ``records`` (lists of ``{path, source_type, tamper?}``), and where
    to write the trust material: ``trust_anchor`` (the CA), ``record_key`` (the public key);
    ``foreign`` entries are signed by a second, unconfigured CA or key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from charter.engines.keys.keystore import fingerprint_of
    from charter.engines.media.content_credentials import make_test_certificate, sign_media
    from charter.engines.media.provenance_records import sign_record

    ours, theirs = make_test_certificate(certs / "ours"), make_test_certificate(certs / "theirs")
    keys = {False: Ed25519PrivateKey.generate(), True: Ed25519PrivateKey.generate()}
    for item in spec.get("c2pa", []):
        path = root / item["path"]
        chain = theirs if item.get("foreign") else ours
        sign_media(
            path,
            path,
            (chain / "signer-chain.pem").read_bytes(),
            (chain / "signer-key.pem").read_bytes(),
            item["source_type"],
            "charter tests",
        )
        _tamper(path, item)
    for item in spec.get("records", []):
        path = root / item["path"]
        key = keys[bool(item.get("foreign"))]
        sign_record(path, key, fingerprint_of(key.public_key()), source_type=item["source_type"])
        _tamper(path, item)
    if "trust_anchor" in spec:
        (root / spec["trust_anchor"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ours / "test-ca.pem", root / spec["trust_anchor"])
    if "record_key" in spec:
        public = (
            keys[False]
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        (root / spec["record_key"]).parent.mkdir(parents=True, exist_ok=True)
        (root / spec["record_key"]).write_bytes(public)


def _tamper(path: Path, item: dict[str, Any]) -> None:
    """``tamper: true`` flips one byte near the end, after signing."""
    if item.get("tamper"):
        data = bytearray(path.read_bytes())
        data[-40] ^= 0x01
        path.write_bytes(bytes(data))


def test_every_builtin_check_has_cases() -> None:
    covered = {yaml.safe_load(p.read_text())["check"] for p in CASES}
    builtin = {c.id for c in load_registry().all()}
    assert builtin <= covered, sorted(builtin - covered)
