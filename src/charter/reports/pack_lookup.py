"""What the file renderers (HTML, SARIF, JUnit) share: requirement look-up in the packs and
the plain-text forms of a finding's target and location."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from charter.domain.guidelines import Pack, Requirement

SEVERITIES = ("critical", "high", "medium", "low", "info")
"""Most severe first, as reports list them."""

ORGANISATION = "organisation"
"""Label of results and findings that belong to no system (workspace-wide requirements, and
GenAI use cases that name no system)."""

CROSSWALK_LABELS = (
    ("nist_ai_rmf", "NIST AI RMF"),
    ("iso_42001", "ISO/IEC 42001"),
    ("eu_ai_act", "EU AI Act"),
)

RequirementKey = tuple[str, str]


def requirement_index(packs: Iterable[Pack]) -> dict[RequirementKey, Requirement]:
    """Requirements by ``(pack id, requirement id)``."""
    return {(pack.id, r.id): r for pack in packs for r in pack.requirements}


def crosswalk_of(requirement: Requirement | None) -> dict[str, list[str]]:
    """The requirement's external framework ids, by framework field (empty lists dropped)."""
    if requirement is None:
        return {}
    walk = requirement.crosswalk
    found = {field: list(getattr(walk, field)) for field, _ in CROSSWALK_LABELS}
    return {field: ids for field, ids in found.items() if ids}


def crosswalk_text(requirement: Requirement | None) -> str:
    """``NIST AI RMF: MAP 4.1; ISO/IEC 42001: A.4.3; EU AI Act: Art. 10``."""
    walk = crosswalk_of(requirement)
    return "; ".join(
        f"{label}: {', '.join(walk[field])}" for field, label in CROSSWALK_LABELS if field in walk
    )


def target_label(system: str | None) -> str:
    return system if system is not None else ORGANISATION


def location_text(location: dict[str, Any] | None) -> str | None:
    """``file:line:column`` as editors read it; just the file when the line is unknown."""
    if not location:
        return None
    if location["line"]:
        return f"{location['file']}:{location['line']}:{location['column'] or 1}"
    return str(location["file"])


def severity_rank(severity: str) -> int:
    """0 for critical ... 4 for info (unknown values last)."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def findings_by_result(
    findings: Iterable[dict[str, Any]],
) -> dict[tuple[str, str, str, str | None], list[dict[str, Any]]]:
    """Findings grouped by the result that produced them: ``(pack, requirement, check,
    system)`` identifies one check run on one target."""
    grouped: dict[tuple[str, str, str, str | None], list[dict[str, Any]]] = {}
    for finding in findings:
        key = (finding["pack"], finding["requirement"], finding["check"], finding["system"])
        grouped.setdefault(key, []).append(finding)
    return grouped
