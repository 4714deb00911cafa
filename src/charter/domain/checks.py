"""The check model: what a check declares, what it receives and what it returns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from charter.domain.errors import Location
from charter.domain.guidelines import Pack, Requirement, Scope
from charter.domain.monitoring import Measurement
from charter.domain.scans import EvidenceScanner

if TYPE_CHECKING:
    from charter.domain.issues import Issue
    from charter.domain.personal_data import PersonalDataScanner
    from charter.domain.ports import DeliverableFiles
from charter.domain.status import Status, worst_status
from charter.domain.systems import Category, SystemCard
from charter.domain.usecases import UseCase
from charter.domain.workspace import Workspace

ThresholdValue = float | tuple[float, float]


@dataclass(frozen=True, slots=True)
class Violation:
    """One subject that does not meet the requirement, as a check reports it."""

    subject: str
    message: str
    location: Location | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    status: Status = Status.FAIL
    remediation: str | None = None
    """A hint specific to this subject; the requirement's remediation is used otherwise."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a check returns. ``status`` is derived from the violations unless given."""

    status: Status
    evidence: dict[str, Any] = field(default_factory=dict)
    violations: tuple[Violation, ...] = ()
    message: str | None = None
    measurements: tuple[Measurement, ...] = ()
    """Figures worth following over time (``charter monitor`` stores them)."""

    @classmethod
    def from_violations(
        cls,
        violations: list[Violation],
        evidence: dict[str, Any] | None = None,
        measurements: list[Measurement] | None = None,
    ) -> Outcome:
        status = worst_status([v.status for v in violations]) if violations else Status.PASS
        return cls(status, evidence or {}, tuple(violations), None, tuple(measurements or ()))

    @classmethod
    def not_applicable(cls, reason: str) -> Outcome:
        return cls(Status.NOT_APPLICABLE, {"reason": reason}, (), reason)


@dataclass(frozen=True)
class CheckContext:
    """Everything a check may read. Checks never write."""

    workspace: Workspace
    pack: Pack
    requirement: Requirement
    system: SystemCard | None
    """The system assessed (None for organisation scope or use cases without a system)."""
    use_cases: tuple[UseCase, ...]
    """Use cases in scope: the system's, for ``use_case`` scope; empty otherwise."""
    thresholds: Mapping[str, ThresholdValue]
    """Effective thresholds: the pack's, made stricter by ``charter.yaml``."""
    as_of: date
    """The date verdicts are judged at (``--as-of``)."""
    scanner: EvidenceScanner | None = None
    """The scan engine, for checks that read evidence tables (decision logs, drift)."""
    deliverables: DeliverableFiles | None = None
    """Reads deliverable files (subtitles), for the quality checks."""
    personal_data: PersonalDataScanner | None = None
    """Finds personal data in text and tables, for the privacy checks."""
    issues: tuple[Issue, ...] | None = None
    """The compliance issue register as it stood before this audit (None when the run is
    not stored and no register was read)."""
    monitored_on: Mapping[str, date] | None = None
    """The latest stored monitoring run of each system (None when no store was read)."""

    def threshold(self, name: str) -> float:
        value = self.thresholds[name]
        if isinstance(value, tuple):
            raise TypeError(f"threshold {name!r} is a band")
        return value


class Check(ABC):
    """A registered check. Subclasses declare metadata as class attributes.

    The docstring of the subclass says what it measures; it is copied into the generated
    check catalogue.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    requirements: ClassVar[tuple[str, ...]]
    """Requirements it evidences, as ``pack:REQ-ID``."""
    scopes: ClassVar[tuple[Scope, ...]] = (Scope.SYSTEM,)
    """Requirement scopes the check can assess; a pack using it elsewhere gets ``error``."""
    applies_to: ClassVar[tuple[Category, ...]] = tuple(Category)
    inputs: ClassVar[tuple[str, ...]] = ()
    """Workspace files or evidence it reads."""
    parameters: ClassVar[tuple[str, ...]] = ()
    """Threshold names it reads from the pack."""

    @abstractmethod
    def run(self, ctx: CheckContext) -> Outcome:
        """Assess one target. Raising is allowed: the audit turns it into ``error``."""


class CheckCatalog(Protocol):
    """The registry as the audit service sees it."""

    def get(self, check_id: str) -> type[Check] | None: ...

    def all(self) -> list[type[Check]]: ...
