"""Findings: what an audit reports, each with a stable fingerprint for comparing runs."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
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
    if not detail:
        return base
    return f"{base}{detail}" if detail.startswith("#") else f"{base}/{detail}"


def stable_detail(root: object, path: Sequence[str | int]) -> str | None:
    """A field path for a subject that survives reordering: list positions become the
    item's own key (its id, path, talent and document, date, or the string itself, with
    separators replaced by ``-``), so moving an entry in a list does not make its finding
    look new."""
    parts: list[str] = []
    current: object = root
    for step in path:
        if isinstance(step, int):
            item = current[step] if isinstance(current, list) and step < len(current) else None
            parts.append(_item_key(item) or str(step))
            current = item
        else:
            parts.append(step)
            current = getattr(current, step, None)
    return ".".join(parts) or None


def _item_key(item: object) -> str | None:
    if isinstance(item, str):
        return _slug(item)
    talent, document = getattr(item, "talent", None), getattr(item, "document", None)
    if isinstance(talent, str) and isinstance(document, str):
        # One document may cover several performers, one performer several documents.
        return _slug(f"{talent}~{document}")
    for attribute in ("id", "path"):
        value = getattr(item, attribute, None)
        if isinstance(value, str):
            return _slug(value)
    when = getattr(item, "date", None)
    return when.isoformat() if isinstance(when, date) else None


def _slug(text: str) -> str:
    """A key safe inside ``kind:id/path#aspect``: separators become ``-``."""
    return re.sub(r"[\s/.#]+", "-", text.strip()).strip("-")


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
