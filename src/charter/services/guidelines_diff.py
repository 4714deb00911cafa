"""What a new guideline version changes, and which systems it changes the verdict of."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from charter.domain.audit import AuditReport, score_of
from charter.domain.checks import CheckCatalog
from charter.domain.guidelines import Pack, Requirement
from charter.domain.ports import DeliverableFiles
from charter.domain.scans import EvidenceScanner
from charter.domain.workspace import Workspace
from charter.services.audit import AuditRequest, run_audit

_COMPARED = ("title", "principle", "scope", "severity", "applies_to", "lifecycle", "statement")


@dataclass(frozen=True)
class RequirementChange:
    requirement: str
    changes: dict[str, tuple[Any, Any]]
    """field -> (old, new); thresholds appear as ``check.parameter``."""


@dataclass(frozen=True)
class PackDiff:
    old: str
    new: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[RequirementChange] = field(default_factory=list)
    settings: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    """Pack-level changes: weights, cut-offs, deadlines, training modules."""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SystemVerdictChange:
    system: str
    old_status: str
    new_status: str
    old_score: float | None
    new_score: float | None
    newly_failing: list[str]
    newly_passing: list[str]


def diff_packs(old: Pack, new: Pack) -> PackDiff:
    before = {r.id: r for r in old.requirements}
    after = {r.id: r for r in new.requirements}
    changed = [
        RequirementChange(rid, changes)
        for rid in before.keys() & after.keys()
        if (changes := _requirement_changes(before[rid], after[rid]))
    ]
    settings: dict[str, tuple[Any, Any]] = {}
    for name in ("severity_weights", "cutoffs", "remediation_days", "reporting_days"):
        a, b = getattr(old, name).model_dump(), getattr(new, name).model_dump()
        settings.update({f"{name}.{k}": (a[k], b[k]) for k in a if a[k] != b[k]})
    modules_a = {m.id: m.model_dump(mode="json") for m in old.training_modules}
    modules_b = {m.id: m.model_dump(mode="json") for m in new.training_modules}
    for module_id in sorted(modules_a.keys() | modules_b.keys()):
        a_mod, b_mod = modules_a.get(module_id), modules_b.get(module_id)
        if a_mod is None or b_mod is None:
            settings[f"training_modules.{module_id}"] = (a_mod and "present", b_mod and "present")
            continue
        for key in a_mod:
            if a_mod[key] != b_mod[key]:
                settings[f"training_modules.{module_id}.{key}"] = (a_mod[key], b_mod[key])
    return PackDiff(
        old=old.ref,
        new=new.ref,
        added=sorted(after.keys() - before.keys()),
        removed=sorted(before.keys() - after.keys()),
        changed=sorted(changed, key=lambda c: c.requirement),
        settings=settings,
        notes=list(new.changes),
    )


def _requirement_changes(a: Requirement, b: Requirement) -> dict[str, tuple[Any, Any]]:
    changes: dict[str, tuple[Any, Any]] = {}
    for name in _COMPARED:
        old_value, new_value = getattr(a, name), getattr(b, name)
        if old_value != new_value:
            changes[name] = (_plain(old_value), _plain(new_value))
    checks_a = {c.id: c for c in a.checks}
    checks_b = {c.id: c for c in b.checks}
    if list(checks_a) != list(checks_b):
        changes["checks"] = (list(checks_a), list(checks_b))
    for check_id in checks_a.keys() & checks_b.keys():
        ta, tb = checks_a[check_id].thresholds, checks_b[check_id].thresholds
        for param in ta.keys() | tb.keys():
            va = ta[param].value if param in ta else None
            vb = tb[param].value if param in tb else None
            if va != vb:
                changes[f"{check_id}.{param}"] = (va, vb)
    return changes


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


def verdict_changes(
    workspace: Workspace,
    old: Pack,
    new: Pack,
    catalog: CheckCatalog,
    as_of: date,
    scanner: EvidenceScanner | None = None,
    deliverables: DeliverableFiles | None = None,
) -> list[SystemVerdictChange]:
    """Audit the workspace under both versions (nothing stored) and name the systems whose
    status, or the set of failing requirements, changes."""
    reports = [
        run_audit(
            AuditRequest(
                workspace=workspace,
                packs=[pack],
                catalog=catalog,
                as_of=as_of,
                scanner=scanner,
                deliverables=deliverables,
            )
        )
        for pack in (old, new)
    ]
    out: list[SystemVerdictChange] = []
    for system_id in sorted(workspace.systems):
        before, after = (
            _system_verdict(r, system_id, pack) for r, pack in zip(reports, (old, new), strict=True)
        )
        failing_before, failing_after = before[2], after[2]
        if before[:2] != after[:2] or failing_before != failing_after:
            out.append(
                SystemVerdictChange(
                    system=system_id,
                    old_status=before[0],
                    new_status=after[0],
                    old_score=before[1],
                    new_score=after[1],
                    newly_failing=sorted(failing_after - failing_before),
                    newly_passing=sorted(failing_before - failing_after),
                )
            )
    return out


def _system_verdict(
    report: AuditReport, system_id: str, pack: Pack
) -> tuple[str, float | None, set[str]]:
    assessments = [a for a in report.assessments if a.system == system_id]
    findings = [f for f in report.findings if f.system == system_id]
    breakdown = any(r.status.is_breakdown for r in report.results if r.system == system_id)
    line = score_of(assessments, findings, pack.cutoffs, breakdown)
    failing = {
        a.requirement for a in assessments if a.status.is_assessed and a.status.value != "pass"
    }
    return str(line.status), line.score, failing
