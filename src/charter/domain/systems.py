"""AI system cards: ``systems/<id>.yaml``."""

from __future__ import annotations

import datetime as dt
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from charter.domain.base import Identifier, RelativePath, StrictModel, Text


class Category(StrEnum):
    RECOMMENDATION = "recommendation"
    CONTENT_GENERATION = "content_generation"
    MARKETING_ANALYTICS = "marketing_analytics"
    CUSTOMER_SUPPORT = "customer_support"
    OTHER = "other"


class Lifecycle(StrEnum):
    PLANNED = "planned"
    DEVELOPMENT = "development"
    PILOT = "pilot"
    PRODUCTION = "production"
    RETIRED = "retired"


class DataKind(StrEnum):
    TRAINING = "training"
    FINE_TUNING = "fine_tuning"
    INPUT = "input"
    FEATURES = "features"
    EVALUATION = "evaluation"
    LOGS = "logs"
    OUTPUT = "output"


class LegalBasis(StrEnum):
    """GDPR Art. 6(1)(a)-(f)."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legitimate_interests"


class DataSource(StrictModel):
    id: Identifier
    """Id of the source inside this card."""
    name: Text
    """What the data is."""
    kind: DataKind
    """Role of the data in the system."""
    location: Text
    """Where the data lives (bucket, table, path)."""
    provenance: Text | None = None
    """Where the data comes from: own collection, licensed, platform-supplied, public."""
    from_platform: bool = False
    """The data was supplied by the platform (platform data terms apply)."""
    personal_data: bool
    """The source holds personal data (GDPR Art. 4(1))."""
    personal_data_categories: list[Text] = []
    """Categories of personal data (``contact``, ``viewing_history``, ``voice``...)."""
    special_categories: bool = False
    """Holds GDPR Art. 9 special-category data (health, ethnicity, biometrics...)."""
    data_subjects: list[Text] = []
    """Whose data it is (``subscribers``, ``performers``, ``employees``...)."""
    legal_basis: LegalBasis | None = None
    """Lawful basis for processing personal data (required when ``personal_data``)."""
    consent_reference: Text | None = None
    """Where consent is recorded (required when the legal basis is consent or the data is
    special-category)."""
    retention_days: int | None = Field(default=None, ge=0)
    """How long records are kept, in days (required when ``personal_data``)."""
    recipients: list[Text] | None = None
    """Who receives the data outside the partner (GDPR Art. 30(1)(d)); ``[]`` states that
    nobody does, leaving it out states nothing."""
    transfers: list[Text] | None = None
    """Transfers outside the EEA (GDPR Art. 30(1)(e)): the country or organisation and the
    mechanism (adequacy decision, SCCs, BCRs, Art. 49 derogation); ``[]`` states there are
    none."""


class AlgorithmicProcess(StrictModel):
    model_type: Text
    """Kind of model (``gradient-boosted trees``, ``diffusion model``, ``LLM``...)."""
    provider: Text
    """Who built the model: ``in-house`` or the vendor."""
    model_name: Text | None = None
    """Model or product name and version."""
    training_data: Text | None = None
    """Summary of the data the model was trained or fine-tuned on (or ``vendor model, not
    trained by the partner``)."""
    features: list[Text] = []
    """Input features or prompt inputs."""
    evaluation: Text | None = None
    """How quality is evaluated, with the metrics and their latest values."""
    limitations: Text | None = None
    """Known limitations and failure modes."""
    last_trained: date | None = None
    """When the model was last trained or its vendor version last changed."""


class OversightLevel(StrEnum):
    HUMAN_IN_THE_LOOP = "human_in_the_loop"
    HUMAN_ON_THE_LOOP = "human_on_the_loop"
    HUMAN_IN_COMMAND = "human_in_command"
    NONE = "none"


class DecisionType(StrEnum):
    """Whether wrong decisions hurt by acting (punitive) or by withholding (assistive);
    it selects the fairness metric that matters (the fairness tree)."""

    PUNITIVE = "punitive"
    ASSISTIVE = "assistive"
    NONE = "none"


class DecisionFramework(StrictModel):
    automated_decisions: bool
    """The system takes decisions about people without a human deciding each one."""
    decision_type: DecisionType = DecisionType.NONE
    """Punitive or assistive decisions (fairness tree); ``none`` if it decides nothing
    about people."""
    human_oversight: OversightLevel
    """How humans oversee outputs."""
    override: Text | None = None
    """How a human overrides or stops an output."""
    escalation: Text | None = None
    """Who is alerted and how when outputs go wrong."""
    user_recourse: Text | None = None
    """How affected people contest a decision (required for automated decisions)."""


class Labelling(StrEnum):
    NONE = "none"
    VISIBLE_LABEL = "visible_label"
    METADATA = "metadata"
    C2PA = "c2pa"
    VISIBLE_AND_C2PA = "visible_and_c2pa"


class Transparency(StrictModel):
    user_disclosure: Text | None = None
    """What users are told about the AI (required for user-facing systems)."""
    disclosure_location: Text | None = None
    """Where users see that disclosure (UI screen, help page, first chat message)."""
    ai_output_labelling: Labelling = Labelling.NONE
    """How AI-generated output is labelled (EU AI Act Art. 50(2)): visible label,
    metadata, C2PA content credentials."""


ColumnName = Annotated[str, StringConstraints(min_length=1, max_length=300)]
"""A column of an evidence table, exactly as spelled there."""


class DecisionLog(StrictModel):
    """A classification decision log: one row per decision about a person."""

    id: Identifier
    """Evidence id inside the card."""
    path: RelativePath
    """Parquet, CSV or JSON-lines file, folder or glob, relative to the workspace."""
    description: Text | None = None
    """What the log holds and where it comes from."""
    label: ColumnName
    """True outcome (0/1 or true/false)."""
    prediction: ColumnName
    """The system's decision (0/1 or true/false); 1 is the favourable outcome."""
    sensitive: list[ColumnName] = Field(min_length=1)
    """Sensitive attributes compared across groups."""
    intersect: bool = True
    """Also assess the intersection of the sensitive attributes."""
    control: list[ColumnName] = []
    """Legitimate factors: results are also reported within each of their strata."""
    score: ColumnName | None = None
    """Model score, if any."""
    time: ColumnName | None = None
    """Decision time (for monitoring windows)."""
    reference_group: dict[ColumnName, Text] = {}
    """Reference value per sensitive attribute (AIF360/Aequitas comparisons); default: the
    largest group."""


class ImpressionLog(StrictModel):
    """A recommendation impression log: one row per item shown to a user."""

    id: Identifier
    """Evidence id inside the card."""
    path: RelativePath
    """Parquet, CSV or JSON-lines file, folder or glob, relative to the workspace."""
    description: Text | None = None
    """What the log holds."""
    user: ColumnName
    """User column."""
    item: ColumnName
    """Recommended item column."""
    rank: ColumnName
    """Position in the list (1 = top)."""
    group: ColumnName
    """Item-provider group compared for exposure (e.g. original language, studio size)."""
    relevance: ColumnName | None = None
    """Graded relevance (merit), if known."""
    click: ColumnName | None = None
    """Click or play (0/1), if logged."""
    user_group: ColumnName | None = None
    """User group for quality parity (hit rate and NDCG by group)."""
    request: ColumnName | None = None
    """Request (list) id; default: one list per user."""
    k: int = Field(default=10, ge=1, le=1000)
    """Cut-off for hit rate and NDCG."""
    catalogue: RelativePath | None = None
    """Item table (item and group columns named as in the log) for catalogue shares."""


DeliverableKind = Literal["subtitles", "audio", "artwork", "text"]


class QualityDeliverable(StrictModel):
    """AI-made deliverables to check against a quality profile (docs/quality.md)."""

    id: Identifier
    """Deliverable id inside the card."""
    kind: DeliverableKind
    """What is checked: ``subtitles``, ``audio``, ``artwork`` (images) or ``text``
    (synopses and other AI-written copy)."""
    path: RelativePath
    """File, folder or glob relative to the workspace."""
    profile: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    """A built-in profile id or a profile file relative to the workspace; default
    ``timed-text/en-US`` for subtitles, ``audio/platform-dub`` for audio,
    ``text/synopsis`` for text; artwork needs the partner's profile file."""
    fps: Annotated[float, Field(gt=0)] | None = None
    """Picture frame rate; default: the TTML file's, else the profile's."""
    shot_changes: RelativePath | None = None
    """Shot-change list of the picture (one cut per line) for the shot-change rules."""
    glyphs: RelativePath | None = None
    """Allowed characters (hex code points or ranges, one a line)."""
    field: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+$")] | None = None
    """Text: the profile field a plain-text file holds (default: the profile's)."""
    source: RelativePath | None = None
    """Text: the source text it was translated from (numbers and names must survive)."""
    reference: RelativePath | None = None
    """Text: a human reference translation (chrF and BLEU, with sacrebleu's signature)."""
    maturity: Annotated[str, StringConstraints(min_length=1, max_length=20)] | None = None
    """Text: the title's maturity rating (``TV-PG``...): profanity fails for clean ratings."""
    digital_source_type: Text | None = None
    """Declared IPTC digital source type when the file is AI-generated
    (``trainedAlgorithmicMedia``...): its provenance is then checked
    (``transparency.content_credentials``)."""
    description: Text | None = None


class PrivacyEvidence(StrictModel):
    """A sample or export of a data source that the privacy checks scan."""

    id: Identifier
    """Evidence id inside the card."""
    path: RelativePath
    """Text files (transcripts, prompts, logs, JSON lines) or a table (CSV, Parquet): a
    file, folder or glob relative to the workspace."""
    description: Text | None = None
    """What the evidence is."""
    source: Identifier | None = None
    """The data source (``data_sources`` id) it comes from: its declared categories and
    retention judge what is found. Without it, nothing found counts as declared."""
    columns: list[ColumnName] = []
    """Tables: the columns to scan for personal data (default: every text and integer
    column)."""
    exported: bool = False
    """Tables: the data is shared or exported outside the partner (re-identification risk
    is assessed; also when ``quasi_identifiers`` are named)."""
    quasi_identifiers: list[ColumnName] = []
    """Tables: columns that single people out in combination (default: discovered)."""
    sensitive: list[ColumnName] = []
    """Tables: sensitive attributes for l-diversity and t-closeness."""
    max_t_closeness: Annotated[float, Field(gt=0, le=1)] | None = None
    """Tables: the largest t-closeness distance the partner commits to for this export
    (a DPIA's target); judged with the pack's k and l when set."""
    record_date: ColumnName | None = None
    """Tables: the column dating each record (collection or last activity), for retention;
    without it, files are dated by their modification time."""


class WP248Criterion(StrEnum):
    """The nine criteria of EDPB/WP29 WP248 rev.01 (DPIA likely required with two or more),
    by the ids the guideline pack lists them under (``dpia_criteria``)."""

    EVALUATION_OR_SCORING = "evaluation-or-scoring"
    AUTOMATED_DECISION = "automated-decision-significant-effect"
    SYSTEMATIC_MONITORING = "systematic-monitoring"
    SENSITIVE_DATA = "sensitive-or-highly-personal-data"
    LARGE_SCALE = "large-scale"
    MATCHING_DATASETS = "matching-or-combining-datasets"
    VULNERABLE_SUBJECTS = "vulnerable-data-subjects"
    INNOVATIVE_TECHNOLOGY = "innovative-technology"
    PREVENTS_RIGHTS = "prevents-exercising-rights"


class Evaluations(StrictModel):
    fairness: list[DecisionLog] = []
    """Decision logs for classification fairness (``fairness.classification_parity``)."""
    exposure: list[ImpressionLog] = []
    """Impression logs for ranking fairness (``fairness.exposure_parity``)."""
    privacy: list[PrivacyEvidence] = []
    """Text and tables the privacy checks scan (personal data, re-identification,
    retention)."""
    quality: list[QualityDeliverable] = []
    """AI-made deliverables for quality control (``quality.subtitles``)."""


def _window_text(text: str) -> str:
    parse_window(text, date(2000, 1, 1))
    return text


Window = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_window_text)]
"""``YYYY-MM-DD/YYYY-MM-DD`` (both days included) or ``PnD`` (the n days up to the audit
date)."""


def parse_window(text: str, as_of: date) -> tuple[date, date]:
    """The first and last day of a window; ``PnD`` ends on ``as_of``."""
    text = text.strip()
    if text.startswith("P") and text.endswith("D") and text[1:-1].isdigit():
        days = int(text[1:-1])
        if days < 1:
            raise ValueError(f"window '{text}' is empty")
        return as_of - timedelta(days=days - 1), as_of
    first, sep, last = text.partition("/")
    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        raise ValueError(
            f"window '{text}' is not YYYY-MM-DD/YYYY-MM-DD or PnD (e.g. P30D)"
        ) from None
    if not sep or end < start:
        raise ValueError(f"window '{text}' ends before it starts")
    return start, end


class DriftEvidence(StrictModel):
    """The log whose columns are compared between the reference and current windows."""

    path: RelativePath
    """Parquet, CSV or JSON-lines file, folder or glob, relative to the workspace."""
    time: ColumnName
    """Timestamp column that places rows in windows."""
    columns: list[ColumnName] = Field(min_length=1)
    """Inputs and scores to watch."""
    categorical: list[ColumnName] = []
    """Columns to treat as categories even when numeric."""


class Monitoring(StrictModel):
    schedule: Text
    """``daily``, ``weekly``, ``monthly`` or a cron expression."""
    metrics: list[Text] = []
    """Metrics watched (``demographic_parity_ratio``, ``psi:score``...)."""
    reference_window: Window | None = None
    """Reference period, e.g. ``2026-01-01/2026-03-31``."""
    current_window: Window | None = None
    """Current window: ``PnD`` (e.g. ``P30D``, the days up to the audit) or a period."""
    drift: DriftEvidence | None = None
    """What ``monitoring.drift`` scans."""
    last_run: date | None = None
    """When monitoring last ran (kept by ``charter monitor`` once it exists)."""


class ReviewOutcome(StrEnum):
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    REJECTED = "rejected"


class Review(StrictModel):
    date: dt.date
    """When the review was signed off."""
    reviewer: Identifier
    """Person id of the reviewer (must hold the ``reviewer`` role)."""
    outcome: ReviewOutcome
    """Review decision."""
    notes: Text | None = None
    """Conditions or remarks."""


class SystemCard(StrictModel):
    """``systems/<id>.yaml``: one AI system, documented as the platform requires."""

    id: Identifier
    """System id; must match the file name."""
    name: Text
    """Display name."""
    category: Category
    """``recommendation``, ``content_generation``, ``marketing_analytics``,
    ``customer_support`` or ``other``; requirements apply by category."""
    lifecycle: Lifecycle
    """Where the system is in its life."""
    version: Text | None = None
    """Version of the system."""
    purpose: Text
    """Intended purpose and what is out of scope."""
    user_facing: bool
    """Platform users or the public interact with it or see its output directly."""
    affected_persons: list[Text] = []
    """Who its outputs affect (``subscribers``, ``performers``...)."""
    platform_work: list[Text] = []
    """Platform titles, productions or workflows it is used on."""
    owner: Identifier
    """Person accountable for the system day to day."""
    accountable_executive: Identifier
    """Executive who answers for the system."""
    incident_contact: Identifier
    """Person to call when it misbehaves."""
    operators: list[Identifier] = []
    """People who run or use the system (training coverage applies to them)."""
    tools: list[Identifier] = []
    """Tool ids from ``tools.yaml`` the system uses."""
    data_sources: list[DataSource] = []
    """Data the system is trained on, reads or writes."""
    algorithmic_process: AlgorithmicProcess | None = None
    """How it works."""
    decision_framework: DecisionFramework | None = None
    """How its outputs turn into decisions, and the human oversight."""
    transparency: Transparency = Transparency()
    """What users are told and how output is labelled."""
    evaluations: Evaluations = Evaluations()
    """Evidence the technical checks read."""
    monitoring: Monitoring | None = None
    """Ongoing monitoring (required in production)."""
    reviews: list[Review] = []
    """Review sign-offs, most recent last."""
    dpia_reference: Text | None = None
    """Reference of the data protection impact assessment, when one exists."""
    dpia_criteria: list[WP248Criterion] = []
    """WP248 criteria the partner knows the processing meets (``large-scale``,
    ``systematic-monitoring``...: the pack's ``dpia_criteria`` ids), on top of those Charter
    reads off the card."""
