"""Ports: what services need from the outside world, as protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from charter.domain.alerts import Attempt, Delivery
    from charter.domain.audit import AuditReport
    from charter.domain.guidelines import Pack
    from charter.domain.issues import Issue, IssueEvent
    from charter.domain.monitoring import MetricPoint, MetricQuery, MonitorRun
    from charter.domain.quality_profiles import (
        ArtworkProfile,
        AudioProfile,
        TextProfile,
        TimedTextProfile,
    )
    from charter.domain.workspace import Workspace
    from charter.quality.artwork_rules import ImageFacts
    from charter.quality.audio_rules import AudioMeasurement
    from charter.quality.provenance_rules import Provenance
    from charter.quality.text_rules import TextDocument
    from charter.quality.timed_text import TimedText


class PackLibrary(Protocol):
    def list_packs(self) -> list[tuple[str, str, str]]:
        """(pack id, version, title) of every available pack version, oldest first."""
        ...

    def get(self, pack_id: str, version: str) -> Pack:
        """A pack version; raises ``InputError`` when unknown."""
        ...


class WorkspaceReader(Protocol):
    def __call__(self, root: Path) -> Workspace:
        """Load and validate a workspace; raises ``InputError`` listing every problem."""
        ...


@dataclass(frozen=True, slots=True)
class RunSummary:
    run_id: str
    started_at: datetime
    partner: str
    scope: str
    guidelines: str
    score: float | None
    status: str
    findings: int
    actor: str | None


class RunHistory(Protocol):
    def latest_fingerprints(
        self, partner: str, scopes: Sequence[str], system: str | None = None
    ) -> tuple[str, set[str]] | None:
        """(run id, fingerprints of its findings) of the latest run with one of ``scopes``;
        with ``system``, only that system's findings."""
        ...


class RunStore(RunHistory, Protocol):
    def save_run(self, report: AuditReport, scope: str, document: dict[str, Any]) -> None:
        """Store a run atomically: all of it or nothing."""
        ...

    def list_runs(self, limit: int = 20) -> list[RunSummary]: ...

    def read_run(self, run_id: str) -> dict[str, Any]:
        """The stored ``charter.audit/v1`` document; raises ``InputError`` when unknown."""
        ...


class IssueConflictError(Exception):
    """Someone else changed the issue since it was read (optimistic locking): read it again."""


@dataclass(frozen=True, slots=True)
class IssueQuery:
    """Which issues to list: all filters optional; newest-severity first, then id."""

    partner: str
    states: frozenset[str] = frozenset()
    system: str | None = None
    severity: str | None = None
    due_before: date | None = None
    limit: int = 50
    offset: int = 0


class IssueStore(Protocol):
    """The compliance issue register (SQLite by default, PostgreSQL for teams)."""

    def get(self, partner: str, issue_id: str) -> Issue:
        """One issue; an id prefix is enough when it is unique. ``InputError`` when unknown."""
        ...

    def by_fingerprint(self, partner: str) -> dict[str, Issue]:
        """Every issue of the partner, keyed by finding fingerprint."""
        ...

    def query(self, query: IssueQuery) -> tuple[list[Issue], int]:
        """A page of issues and how many match in all."""
        ...

    def save(self, issue: Issue, events: list[IssueEvent], *, new: bool = False) -> Issue:
        """Insert (``new``) or update the issue and append its events, in one transaction;
        an update must carry the version it read (``IssueConflictError`` otherwise). Returns
        the issue with its new version."""
        ...

    def history(self, partner: str, issue_id: str) -> list[IssueEvent]:
        """The issue's events, oldest first."""
        ...

    def close(self) -> None:
        """Release pooled connections."""
        ...


class MonitoringStore(Protocol):
    """Monitoring runs and their metric time series."""

    def save_monitoring(
        self,
        report: AuditReport,
        scope: str,
        document: dict[str, Any],
        run: MonitorRun,
        points: list[MetricPoint],
    ) -> None:
        """Store the run's audit (as ``RunStore.save_run``), the monitoring run and its
        points in one transaction: all of it or nothing."""
        ...

    def last_monitored(self, partner: str) -> dict[str, date]:
        """The latest monitoring date of each system."""
        ...

    def monitor_runs(self, partner: str, system: str | None, limit: int) -> list[MonitorRun]:
        """Monitoring runs, newest first."""
        ...

    def metric_points(self, query: MetricQuery) -> list[MetricPoint]:
        """Points matching the query, oldest first (the newest ``limit`` of them)."""
        ...

    def close(self) -> None: ...


class DeliveryLog(Protocol):
    """Where every webhook delivery and its attempts are kept."""

    def record(self, delivery: Delivery) -> None: ...

    def deliveries(self, partner: str, limit: int) -> list[Delivery]:
        """Newest first."""
        ...

    def close(self) -> None: ...


class WebhookSender(Protocol):
    def post(
        self,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        *,
        timeout: float,
        max_attempts: int,
        backoff: float,
    ) -> tuple[Attempt, ...]:
        """POST ``body`` until an attempt succeeds, a final answer comes or the attempts are
        spent, waiting ``backoff`` seconds (doubled each time) between retries."""
        ...


class DeliverableFiles(Protocol):
    """Reads deliverables for the quality checks; every method raises ``InputError`` (file,
    line, column) for what it cannot read."""

    def matching(self, root: Path, pattern: str) -> list[Path]:
        """Files of ``pattern`` (a file, folder or glob relative to ``root``) that stay
        inside ``root`` (a link leading outside is left out), sorted; provenance records
        (``*.provenance.json``) are never deliverables themselves."""
        ...

    def modified(self, path: Path) -> date:
        """The day (UTC) a file was last modified: the date of its records when nothing
        inside dates them."""
        ...

    def timed_text(self, path: Path) -> TimedText:
        """A subtitle file in the common event model."""
        ...

    def timed_text_profile(self, reference: str) -> TimedTextProfile:
        """A built-in profile id or a profile file."""
        ...

    def shot_changes(self, path: Path, fps: float) -> list[float]:
        """A shot-change list, in seconds."""
        ...

    def glyphs(self, path: Path) -> list[str]:
        """A glyph list: hex code points and ranges."""
        ...

    def audio(self, path: Path) -> AudioMeasurement:
        """An audio file streamed through the loudness meter."""
        ...

    def audio_profile(self, reference: str) -> AudioProfile:
        """A built-in audio profile id or a profile file."""
        ...

    def image(self, path: Path) -> ImageFacts:
        """An image's header facts (pixels are not decoded)."""
        ...

    def artwork_profile(self, reference: str) -> ArtworkProfile:
        """A partner's artwork profile file."""
        ...

    def text(self, path: Path, default_field: str) -> TextDocument:
        """A text deliverable: plain text (one field) or YAML/JSON fields."""
        ...

    def text_profile(self, reference: str) -> TextProfile:
        """A built-in text profile id or a profile file."""
        ...

    def provenance(
        self, path: Path, trust_anchors: Path | None, record_keys: list[Path]
    ) -> Provenance:
        """Media C2PA embeds into: their manifest (read offline), or none. Other files (text):
        the signed detached record beside them, or none. Trust from the anchor bundle and
        the record keys (PEM files)."""
        ...
