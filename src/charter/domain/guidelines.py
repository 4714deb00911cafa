"""Guideline packs: versioned requirements with checks, thresholds and a crosswalk."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from charter.domain.base import Identifier, PackVersion, StrictModel, Text
from charter.domain.organisation import Role
from charter.domain.status import Principle, Severity
from charter.domain.systems import Category, Lifecycle

RequirementId = Annotated[str, StringConstraints(pattern=r"^[A-Z]+(-[A-Z]+)?-\d{2}$")]
CheckId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")]


Finite = Annotated[float, Field(allow_inf_nan=False)]


class Direction(StrEnum):
    """Which way a threshold is strict: ``max`` caps a value, ``min`` floors it, ``band``
    keeps it inside ``[low, high]``."""

    MAX = "max"
    MIN = "min"
    BAND = "band"


class Threshold(StrictModel):
    value: Finite | tuple[Finite, Finite]
    """The limit: a number, or ``[low, high]`` for a band."""
    direction: Direction
    """``max``, ``min`` or ``band``."""
    unit: Text | None = None
    """Unit of the value (``days``, ``ratio``, ``LKFS``...)."""
    source: Text
    """Where the number comes from (a clause, an address, or ``charter-default``)."""

    @model_validator(mode="after")
    def _shape_matches_direction(self) -> Threshold:
        is_band = isinstance(self.value, tuple)
        if is_band != (self.direction is Direction.BAND):
            raise ValueError("a band threshold takes [low, high]; max and min take one number")
        if isinstance(self.value, tuple) and self.value[0] > self.value[1]:
            raise ValueError("band low is above band high")
        return self

    def is_loosened_by(self, value: float | tuple[float, float]) -> bool:
        """Whether ``value`` would be looser than this threshold."""
        if self.direction is Direction.BAND:
            assert isinstance(self.value, tuple)
            if not isinstance(value, tuple):
                return True
            return value[0] < self.value[0] or value[1] > self.value[1]
        if isinstance(value, tuple):
            return True
        assert not isinstance(self.value, tuple)
        if self.direction is Direction.MAX:
            return value > self.value
        return value < self.value


class CheckRef(StrictModel):
    id: CheckId
    """Dotted check id (``documentation.required_fields``)."""
    thresholds: dict[Identifier, Threshold] = {}
    """Parameters of the check for this requirement."""


class Crosswalk(StrictModel):
    nist_ai_rmf: list[Text] = []
    """NIST AI RMF 1.0 subcategories (``GOVERN 1.6``)."""
    iso_42001: list[Text] = []
    """ISO/IEC 42001:2023 Annex A controls or clauses (``A.6.2.7``)."""
    eu_ai_act: list[Text] = []
    """EU AI Act articles (``Art. 50(2)``)."""


class Scope(StrEnum):
    """What one assessment of the requirement is about."""

    SYSTEM = "system"
    USE_CASE = "use_case"
    ORGANISATION = "organisation"


class Requirement(StrictModel):
    id: RequirementId
    """Stable id, principle prefix and number (``PRIV-03``)."""
    title: Text
    """What is required, in one line."""
    principle: Principle
    """The principle it belongs to."""
    statement: Text
    """The requirement in full."""
    rationale: Text
    """Why it matters."""
    source: Text
    """Where it comes from: seed principle, published guidance address, standard clause."""
    scope: Scope = Scope.SYSTEM
    """Assessed per system, per GenAI use case (grouped by system) or once per workspace."""
    applies_to: list[Category] = list(Category)
    """System categories it applies to (default: all)."""
    lifecycle: list[Lifecycle] = [
        Lifecycle.PILOT,
        Lifecycle.PRODUCTION,
        Lifecycle.DEVELOPMENT,
        Lifecycle.PLANNED,
    ]
    """Lifecycle stages it applies in (default: all but retired)."""
    severity: Severity
    """Severity of a failure."""
    checks: list[CheckRef] = Field(min_length=1)
    """Checks that evidence it; one not built yet reports ``not_assessed``."""
    remediation: Text
    """What to do when it fails."""
    crosswalk: Crosswalk
    """Mapping to external frameworks."""


class TrainingModule(StrictModel):
    id: Identifier
    """Module id used in ``training/records.csv``."""
    title: Text
    """Module title."""
    audience: list[Role]
    """Roles that must complete it."""
    validity_days: int = Field(gt=0)
    """How long a completion counts."""
    changed_in: PackVersion
    """Pack version in which the module content last changed; completions recorded for an
    earlier version no longer count."""
    source: Text
    """Where the obligation comes from."""


class DpiaCriterion(StrictModel):
    id: Identifier
    """Criterion id."""
    title: Text
    """WP248 criterion."""
    source: Text
    """Reference."""


class SeverityTable(StrictModel):
    critical: float
    high: float
    medium: float
    low: float
    info: float

    def of(self, severity: Severity) -> float:
        return float(getattr(self, severity.value))


class Cutoffs(StrictModel):
    lower: float = Field(ge=0, le=100)
    """Score under which the status is ``non_compliant``."""
    upper: float = Field(ge=0, le=100)
    """Score under which the status is ``at_risk``."""


class Pack(StrictModel):
    """A released guideline pack version. Released versions never change."""

    id: Identifier
    """Pack id."""
    version: PackVersion
    """``YYYY.N``."""
    title: Text
    """Pack title."""
    publisher: Text
    """Who publishes it."""
    released: date
    """Release date."""
    source: Text
    """The document the pack encodes."""
    summary: Text
    """What the pack covers."""
    changes: list[Text] = []
    """What changed since the previous version."""
    severity_weights: SeverityTable
    """Weight of a requirement in the score, by severity."""
    cutoffs: Cutoffs
    """Status cut-offs of the score."""
    remediation_days: SeverityTable
    """Days to remediate a finding, by severity."""
    reporting_days: SeverityTable
    """Days within which a finding must be reported to the platform, by severity
    (0: need not be reported)."""
    training_modules: list[TrainingModule] = []
    """Training modules the pack requires."""
    dpia_criteria: list[DpiaCriterion] = []
    """Criteria of which two or more require a DPIA (EDPB WP248 rev.01)."""
    requirements: list[Requirement] = Field(min_length=1)
    """The requirements."""

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def requirement(self, requirement_id: str) -> Requirement | None:
        return next((r for r in self.requirements if r.id == requirement_id), None)

    def module(self, module_id: str) -> TrainingModule | None:
        return next((m for m in self.training_modules if m.id == module_id), None)

    def check_thresholds(self, check_id: str) -> dict[str, object]:
        """The thresholds the first requirement naming ``check_id`` gives it (empty when
        none does)."""
        for requirement in self.requirements:
            for check in requirement.checks:
                if check.id == check_id:
                    return {name: t.value for name, t in check.thresholds.items()}
        return {}


def version_key(version: str) -> tuple[int, int]:
    year, number = version.split(".")
    return int(year), int(number)
