"""The audit: run every applicable check of the pinned packs and judge the workspace."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from charter.domain.audit import (
    Assessment,
    AuditReport,
    CheckResult,
    Comparison,
    ScoreLine,
    score_of,
    strictest_cutoffs,
)
from charter.domain.checks import Check, CheckCatalog, CheckContext, Outcome, Violation
from charter.domain.errors import InputError, Location
from charter.domain.findings import Finding, finding_severity, fingerprint, subject
from charter.domain.guidelines import Pack, Requirement, Scope
from charter.domain.ids import new_run_id
from charter.domain.issues import Issue
from charter.domain.personal_data import PersonalDataScanner
from charter.domain.ports import DeliverableFiles, RunHistory, RunStore
from charter.domain.scans import EvidenceScanner
from charter.domain.status import Principle, Status, worst_status
from charter.domain.systems import Lifecycle, SystemCard
from charter.domain.usecases import UseCase
from charter.domain.workspace import CONFIG_FILE, Workspace
from charter.services.thresholds import effective_thresholds


@dataclass(frozen=True)
class AuditRequest:
    workspace: Workspace
    packs: list[Pack]
    catalog: CheckCatalog
    as_of: date
    system_filter: str | None = None
    actor: str | None = None
    scanner: EvidenceScanner | None = None
    """The scan engine for evidence checks; without one they report ``error``."""
    deliverables: DeliverableFiles | None = None
    """Reads deliverable files for the quality checks; without it they report ``error``."""
    personal_data: PersonalDataScanner | None = None
    """Finds personal data for the privacy checks; without it they report ``error``."""
    issues: tuple[Issue, ...] | None = None
    """The issue register before this run, for the remediation checks (None: not read)."""
    monitored_on: Mapping[str, date] | None = None
    """The latest stored monitoring run per system, for ``monitoring.schedule_kept``."""


@dataclass(frozen=True)
class _Target:
    system: SystemCard | None
    use_cases: tuple[UseCase, ...]
    applicable: bool
    reason: str | None = None


def run_audit(
    request: AuditRequest,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    history: RunHistory | None = None,
) -> AuditReport:
    """Audit a workspace against packs. Reads the clock and, when given, the run history
    (to compare with the previous run of the same scope); writes nothing.

    Raises
    ------
    InputError
        When ``--system`` names an unknown system or a threshold override is invalid.
    """
    ws = request.workspace
    if request.system_filter and request.system_filter not in ws.systems:
        known = ", ".join(sorted(ws.systems)) or "none"
        raise InputError.at(
            "--system", 0, 0, f"unknown system '{request.system_filter}' (known: {known})"
        )
    thresholds = effective_thresholds(ws, request.packs)
    started = clock()
    run_id = new_run_id(started)
    results: list[CheckResult] = []
    findings: list[Finding] = []
    assessments: list[Assessment] = []
    for pack in request.packs:
        for requirement in pack.requirements:
            check_ids = _check_ids(pack, requirement, request.catalog)
            for target in _targets(ws, requirement, request.system_filter):
                system_id = target.system.id if target.system else None
                statuses: list[Status] = []
                for check_id in check_ids:
                    ctx = CheckContext(
                        workspace=ws,
                        pack=pack,
                        requirement=requirement,
                        system=target.system,
                        use_cases=target.use_cases,
                        thresholds=thresholds.get((pack.id, requirement.id, check_id), {}),
                        as_of=request.as_of,
                        scanner=request.scanner,
                        deliverables=request.deliverables,
                        personal_data=request.personal_data,
                        issues=request.issues,
                        monitored_on=request.monitored_on,
                    )
                    outcome, elapsed = _execute(request.catalog.get(check_id), target, ctx)
                    results.append(
                        CheckResult(
                            pack=pack.id,
                            requirement=requirement.id,
                            check=check_id,
                            system=system_id,
                            status=outcome.status,
                            duration_ms=elapsed,
                            evidence=outcome.evidence,
                            message=outcome.message,
                            measurements=outcome.measurements,
                        )
                    )
                    statuses.append(outcome.status)
                    findings.extend(
                        _findings(ws, pack, requirement, check_id, target, outcome, len(findings))
                    )
                assessments.append(
                    Assessment(
                        pack=pack.id,
                        requirement=requirement.id,
                        principle=requirement.principle,
                        severity=requirement.severity,
                        system=system_id,
                        status=worst_status(statuses),
                        weight=pack.severity_weights.of(requirement.severity),
                    )
                )
    cutoffs = strictest_cutoffs([p.cutoffs for p in request.packs])
    overall = score_of(assessments, findings, cutoffs, any(r.status.is_breakdown for r in results))
    by_principle: dict[Principle, ScoreLine] = {}
    for principle in Principle:
        mine = [a for a in assessments if a.principle is principle]
        if not mine:
            continue
        mine_keys = {(a.pack, a.requirement) for a in mine}
        by_principle[principle] = score_of(
            mine,
            [f for f in findings if f.principle is principle],
            cutoffs,
            any(r.status.is_breakdown for r in results if (r.pack, r.requirement) in mine_keys),
        )
    scope = run_scope(ws.config.partner.id, request.system_filter, request.packs)
    return AuditReport(
        run_id=run_id,
        started_at=started,
        finished_at=clock(),
        as_of=request.as_of,
        partner=ws.config.partner.id,
        guidelines=tuple((p.id, p.version) for p in request.packs),
        actor=request.actor,
        system_filter=request.system_filter,
        systems=tuple(
            s for s in ws.systems if not request.system_filter or s == request.system_filter
        ),
        results=tuple(results),
        assessments=tuple(assessments),
        findings=tuple(findings),
        overall=overall,
        by_principle=by_principle,
        comparison=_compare(findings, _previous(history, request, scope)),
        scope=scope,
    )


def _previous(
    history: RunHistory | None, request: AuditRequest, scope: str
) -> tuple[str, set[str]] | None:
    """The run this one is compared with: the latest of the same scope; for one system,
    the latest run of that system or of the whole workspace (its findings on that system),
    so a first ``--system`` run or monitoring run does not call every finding new."""
    if history is None:
        return None
    partner = request.workspace.config.partner.id
    system = request.system_filter
    if system is None:
        return history.latest_fingerprints(partner, [scope])
    whole = run_scope(partner, None, request.packs)
    return history.latest_fingerprints(partner, [scope, whole], system)


def run_scope(partner: str, system_filter: str | None, packs: list[Pack]) -> str:
    """Which earlier runs a run is compared with: same partner, system filter and packs
    (versions left out, so an upgrade compares with the run before it)."""
    return f"{partner}|{system_filter or '*'}|{','.join(sorted(p.id for p in packs))}"


def record_audit(store: RunStore, report: AuditReport, document: dict[str, Any]) -> None:
    """Store a finished run in one transaction."""
    store.save_run(report, report.scope, document)


def _check_ids(pack: Pack, requirement: Requirement, catalog: CheckCatalog) -> list[str]:
    """The pack's checks for a requirement, plus registered checks (plugins) that declare
    they evidence it."""
    ids = [ref.id for ref in requirement.checks]
    key = f"{pack.id}:{requirement.id}"
    ids += sorted(c.id for c in catalog.all() if key in c.requirements and c.id not in ids)
    return ids


def _targets(ws: Workspace, requirement: Requirement, only: str | None) -> Iterator[_Target]:
    systems = [s for s in ws.systems.values() if not only or s.id == only]
    if requirement.scope is Scope.ORGANISATION:
        if not only:
            yield _Target(None, (), applicable=True)
        return
    if requirement.scope is Scope.USE_CASE:
        groups: dict[str | None, list[UseCase]] = {}
        for use_case in ws.use_cases.values():
            if not only or use_case.system == only:
                groups.setdefault(use_case.system, []).append(use_case)
        for system_id, use_cases in groups.items():
            system = ws.systems.get(system_id) if system_id else None
            reason = _not_applicable(system, requirement) if system else None
            yield _Target(system, tuple(use_cases), reason is None, reason)
        return
    for system in systems:
        reason = _not_applicable(system, requirement)
        yield _Target(system, (), reason is None, reason)


def _not_applicable(system: SystemCard, requirement: Requirement) -> str | None:
    if system.category not in requirement.applies_to:
        return f"applies to {', '.join(requirement.applies_to)}, not {system.category}"
    if system.lifecycle not in requirement.lifecycle:
        if system.lifecycle is Lifecycle.RETIRED:
            return "system is retired"
        return f"applies in {', '.join(requirement.lifecycle)}, not {system.lifecycle}"
    return None


def _execute(
    check_class: type[Check] | None, target: _Target, ctx: CheckContext
) -> tuple[Outcome, float]:
    if not target.applicable:
        return Outcome.not_applicable(target.reason or "not applicable"), 0.0
    if check_class is None:
        return Outcome(
            Status.NOT_ASSESSED,
            {},
            (),
            "no check is built for this yet: a coverage gap, not a pass",
        ), 0.0
    if ctx.requirement.scope not in check_class.scopes:
        # A pack or plugin pairing a check with a requirement it cannot assess: visible.
        return Outcome(
            Status.ERROR,
            {"check_scopes": [str(s) for s in check_class.scopes]},
            (),
            f"check {check_class.id} cannot assess a {ctx.requirement.scope}-scope requirement",
        ), 0.0
    if ctx.system is not None and ctx.system.category not in check_class.applies_to:
        return Outcome.not_applicable(
            f"check {check_class.id} does not apply to {ctx.system.category}"
        ), 0.0
    start = time.perf_counter()
    try:
        outcome = check_class().run(ctx)
    except InputError as exc:
        # Unreadable evidence: the located problem is the message; the run goes on.
        outcome = Outcome(Status.ERROR, {"input": str(exc)}, (), str(exc))
    except Exception as exc:  # noqa: BLE001 - a failing check must not stop the audit
        outcome = Outcome(
            Status.ERROR,
            {"exception": type(exc).__name__},
            (),
            f"check raised {type(exc).__name__}: {exc}",
        )
    return outcome, round((time.perf_counter() - start) * 1000, 3)


def _findings(
    ws: Workspace,
    pack: Pack,
    requirement: Requirement,
    check_id: str,
    target: _Target,
    outcome: Outcome,
    numbered: int,
) -> list[Finding]:
    if not outcome.status.produces_finding:
        return []
    violations = list(outcome.violations)
    if not violations:
        violations = [
            Violation(
                subject=_target_subject(ws, target),
                message=outcome.message or f"{check_id}: {outcome.status}",
                location=_target_location(ws, target),
                evidence=outcome.evidence,
                status=outcome.status,
            )
        ]
    system_id = target.system.id if target.system else None
    out: list[Finding] = []
    seen: dict[str, int] = {}
    for offset, found in enumerate(violations, start=1):
        # Two violations on one subject would share a fingerprint; number the repeats so
        # every finding of a run stays distinct (a check should name an aspect instead).
        seen[found.subject] = seen.get(found.subject, 0) + 1
        violation = (
            found
            if seen[found.subject] == 1
            else replace(found, subject=f"{found.subject}#{seen[found.subject]}")
        )
        out.append(
            Finding(
                id=f"F{numbered + offset:04d}",
                fingerprint=fingerprint(
                    pack.id, requirement.id, check_id, system_id, violation.subject
                ),
                pack=pack.id,
                requirement=requirement.id,
                check=check_id,
                principle=requirement.principle,
                system=system_id,
                subject=violation.subject,
                status=violation.status,
                severity=finding_severity(violation.status, requirement.severity),
                message=violation.message,
                remediation=violation.remediation or requirement.remediation,
                location=violation.location,
                evidence=violation.evidence,
            )
        )
    return out


def _target_subject(ws: Workspace, target: _Target) -> str:
    if target.system:
        return subject("system", target.system.id)
    return subject("workspace", ws.config.partner.id)


def _target_location(ws: Workspace, target: _Target) -> Location:
    if target.system:
        return ws.locate_system(target.system.id)
    return ws.locate(CONFIG_FILE)


def _compare(findings: list[Finding], previous: tuple[str, set[str]] | None) -> Comparison:
    # Coverage gaps are not problems that get fixed; they stay out of the comparison.
    current = {f.fingerprint for f in findings if f.status is not Status.NOT_ASSESSED}
    if previous is None:
        return Comparison(None, new=tuple(sorted(current)))
    run_id, before = previous
    return Comparison(
        run_id,
        new=tuple(sorted(current - before)),
        fixed=tuple(sorted(before - current)),
        still_failing=tuple(sorted(current & before)),
    )
