"""The run repository: implements the ``RunStore`` port over SQLAlchemy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from charter.domain.audit import AuditReport
from charter.domain.errors import InputError
from charter.domain.ports import RunSummary
from charter.domain.status import Status
from charter.engines.store.event_log import Entry, append, document_digest
from charter.engines.store.tables import FindingRow, ResultRow, RunRow


@dataclass
class SqlRunStore:
    engine: Engine

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()

    def save_run(self, report: AuditReport, scope: str, document: dict[str, Any]) -> None:
        with Session(self.engine) as session, session.begin():
            add_run(session, report, scope, document)

    def latest_fingerprints(
        self, partner: str, scopes: Sequence[str], system: str | None = None
    ) -> tuple[str, set[str]] | None:
        with Session(self.engine) as session:
            run_id = session.scalar(
                select(RunRow.id)
                .where(RunRow.partner == partner, RunRow.scope.in_(list(scopes)))
                .order_by(RunRow.started_at.desc(), RunRow.id.desc())
                .limit(1)
            )
            if run_id is None:
                return None
            conditions = [
                FindingRow.run_id == run_id,
                FindingRow.status != str(Status.NOT_ASSESSED),
            ]
            if system is not None:
                conditions.append(FindingRow.system == system)
            fingerprints = session.scalars(select(FindingRow.fingerprint).where(*conditions))
            return run_id, set(fingerprints)

    def list_runs(self, limit: int = 20) -> list[RunSummary]:
        with Session(self.engine) as session:
            rows = session.scalars(
                select(RunRow).order_by(RunRow.started_at.desc(), RunRow.id.desc()).limit(limit)
            )
            return [
                RunSummary(
                    run_id=r.id,
                    started_at=r.started_at,
                    partner=r.partner,
                    scope=r.scope,
                    guidelines=r.guidelines,
                    score=r.score,
                    status=r.status,
                    findings=r.findings_count,
                    actor=r.actor,
                )
                for r in rows
            ]

    def read_run(self, run_id: str) -> dict[str, Any]:
        with Session(self.engine) as session:
            row = session.get(RunRow, run_id)
            if row is None:
                matches = list(
                    session.scalars(select(RunRow).where(RunRow.id.startswith(run_id)).limit(2))
                )
                if len(matches) != 1:
                    raise InputError.at("run", 0, 0, f"unknown run id '{run_id}'")
                row = matches[0]
            return dict(row.document)


def add_run(session: Session, report: AuditReport, scope: str, document: dict[str, Any]) -> None:
    """Add a finished run, its results and findings, and its audit-trail entry to a session
    (the caller's transaction keeps it all or nothing)."""
    session.add(
        RunRow(
            id=report.run_id,
            partner=report.partner,
            scope=scope,
            started_at=report.started_at,
            finished_at=report.finished_at,
            as_of=report.as_of,
            actor=report.actor,
            guidelines=",".join(f"{p}@{v}" for p, v in report.guidelines),
            score=report.overall.score,
            status=str(report.overall.status),
            findings_count=len(report.findings),
            document=document,
        )
    )
    session.flush()  # the run row first: results and findings reference it
    session.add_all(
        ResultRow(
            run_id=report.run_id,
            seq=i,
            pack=r.pack,
            requirement=r.requirement,
            check=r.check,
            system=r.system,
            status=str(r.status),
            duration_ms=r.duration_ms,
            evidence=r.evidence,
        )
        for i, r in enumerate(report.results)
    )
    session.add_all(
        FindingRow(
            run_id=report.run_id,
            id=f.id,
            fingerprint=f.fingerprint,
            pack=f.pack,
            requirement=f.requirement,
            check=f.check,
            principle=str(f.principle),
            system=f.system,
            subject=f.subject,
            status=str(f.status),
            severity=str(f.severity),
            message=f.message,
            remediation=f.remediation,
            file=f.location.file if f.location else None,
            line=f.location.line if f.location else None,
            column=f.location.column if f.location else None,
            evidence=f.evidence,
        )
        for f in report.findings
    )
    append(
        session,
        [
            Entry(
                partner=report.partner,
                at=report.finished_at,
                actor=report.actor or "unknown",
                subject=f"run:{report.run_id}",
                kind="stored",
                detail={
                    "document": document_digest(document),
                    "scope": scope,
                    "status": str(report.overall.status),
                    "findings": len(report.findings),
                },
            )
        ],
    )
