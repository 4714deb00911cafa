"""Findings: what an audit reports, each with a stable fingerprint for comparing runs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from charter.domain.errors import Location
from charter.domain.status import Principle, Severity, Status

# Subjects name what a finding is about as ``kind:id``, optionally ``kind:id/field.path``:
#   system:reco-engine/owner    usecase:uc-voice/approval    person:jdoe
#   tool:imagegen               file:evidence/log.parquet#column=email
SUBJECT_KINDS = ("system", "usecase", "person", "tool", "file", "workspace", "record")


def subject(kind: str, identifier: str, detail: str | None = None) -> str:
    """Build a subject string; ``detail`` is a field path or fragment inside it."""
    if kind not in SUBJECT_KINDS:
        raise ValueError(f"unknown subject kind {kind!r}")
    base = f"{kind}:{identifier}"
    return f"{base}/{detail}" if detail else base


def fingerprint(pack: str, requirement: str, check: str, system: str | None, subject: str) -> str:
    """Stable id of a finding across runs: the same problem keeps the same fingerprint.

    Pack version is left out on purpose, so a finding carries over a pack upgrade.
    """
    key = "\x1f".join((pack, requirement, check, system or "", subject))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Finding:
    id: str
    fingerprint: str
    pack: str
    requirement: str
    check: str
    principle: Principle
    system: str | None
    subject: str
    status: Status
    severity: Severity
    message: str
    remediation: str
    location: Location | None
    evidence: dict[str, Any] = field(default_factory=dict)


def finding_severity(status: Status, requirement_severity: Severity) -> Severity:
    """The requirement's severity for fail/error/incomplete, medium for thin evidence, info
    for a coverage gap (DESIGN.md, Checks)."""
    if status is Status.INSUFFICIENT_EVIDENCE:
        return Severity.MEDIUM
    if status is Status.NOT_ASSESSED:
        return Severity.INFO
    return requirement_severity
