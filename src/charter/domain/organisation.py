"""The partner organisation: ``charter.yaml``, ``people.yaml``, ``tools.yaml``, training records."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from charter.domain.alerts import AlertEvent
from charter.domain.base import Email, Identifier, PackVersion, RelativePath, StrictModel, Text

WebhookUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s/?#@]+(/[^\s]*)?$")]
EnvironmentName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


class PlatformContact(StrictModel):
    name: Text
    """Name of the partner's contact at the platform (who receives GenAI disclosures)."""
    email: Email
    """E-mail address of that contact."""


class PartnerInfo(StrictModel):
    id: Identifier
    """Stable partner id, as the platform knows it (e.g. ``northwind-post``)."""
    name: Text
    """Display name of the partner organisation."""
    legal_name: Text | None = None
    """Registered legal entity, if it differs from the display name."""
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    """ISO 3166-1 alpha-2 country of the legal entity."""
    services: list[Text] = []
    """What the partner does for the platform (``localisation``, ``post-production``...)."""
    compliance_lead: Identifier
    """Person id (``people.yaml``) who owns AI compliance for the partner."""
    platform_contact: PlatformContact
    """The partner's contact at the platform."""


class PackPin(StrictModel):
    pack: Identifier
    """Guideline pack id, e.g. ``partner-ai-usage``."""
    version: PackVersion
    """Pinned pack version, e.g. ``2026.1``."""


class ThresholdOverride(StrictModel):
    pack: Identifier
    """Pack whose threshold is made stricter."""
    requirement: Text
    """Requirement id inside the pack (e.g. ``DOC-02``)."""
    check: Text
    """Check id the threshold belongs to (e.g. ``documentation.review_freshness``)."""
    parameter: Identifier
    """Threshold parameter name (e.g. ``max_age_days``)."""
    value: (
        Annotated[float, Field(allow_inf_nan=False)]
        | list[Annotated[float, Field(allow_inf_nan=False)]]
    )
    """New value: a number for ``max``/``min`` thresholds, ``[low, high]`` for ``band``.
    It must be at least as strict as the pack's; a looser value is an input error."""
    reason: Text | None = None
    """Why the partner holds itself to a stricter value."""


class ProvenanceTrust(StrictModel):
    """Whose provenance signatures count as trusted (``transparency.content_credentials``)."""

    trust_anchors: RelativePath | None = None
    """PEM bundle of CA certificates: a C2PA manifest must chain to one (``Trusted``). Not
    set: a valid signature by anyone passes, and the evidence says it is untrusted."""
    record_keys: list[RelativePath] = []
    """PEM public keys (``charter keys export-public``) whose signed detached records count
    as trusted. Empty: any valid signature passes, marked untrusted."""


class Webhook(StrictModel):
    """An endpoint of the partner's that receives monitoring alerts as signed JSON POSTs."""

    id: Identifier
    """Name of the webhook in the delivery log."""
    url: WebhookUrl
    """``http://`` or ``https://`` address; no user or password in it (the secret signs)."""
    secret_env: EnvironmentName
    """Environment variable holding the shared HMAC secret (never the secret itself: the
    workspace is kept in git). A monitoring run stops before it starts when it is unset."""
    events: list[AlertEvent] = Field(default=[AlertEvent.BREACH], min_length=1)
    """``monitoring.breach`` (a limit crossed or new findings) and/or ``monitoring.run``."""
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    """Seconds to wait for each attempt's response."""
    max_attempts: int = Field(default=4, ge=1, le=10)
    """Attempts before a delivery counts as failed (connection errors, 429 and 5xx retry)."""
    backoff_seconds: float = Field(default=1.0, ge=0, le=60)
    """Wait before the first retry; doubled for each next one (capped at 60 s). A
    ``Retry-After`` header of up to 60 s is honoured instead."""


class PrivacySettings(StrictModel):
    """How the privacy checks look for personal data."""

    pii_catalogue: RelativePath | None = None
    """A PII catalogue file that ``extends: pii/default`` with the partner's own patterns
    (account ids, device ids, payment tokens in its platform's formats): the audit's
    privacy checks and ``charter scan pii --workspace`` use it. Not set: ``pii/default``."""


class Alerts(StrictModel):
    webhooks: list[Webhook] = []
    """Where ``charter monitor run`` sends its alerts."""


class WorkspaceConfig(StrictModel):
    """``charter.yaml``: who the partner is and what it is held to."""

    partner: PartnerInfo
    """The partner organisation."""
    guidelines: list[PackPin] = Field(min_length=1)
    """Guideline packs and versions this workspace is audited against."""
    thresholds: list[ThresholdOverride] = []
    """Local thresholds stricter than the packs' (never looser)."""
    provenance: ProvenanceTrust = ProvenanceTrust()
    """Trust anchors and record keys for content credentials."""
    alerts: Alerts = Alerts()
    """Webhooks for monitoring alerts."""
    privacy: PrivacySettings = PrivacySettings()
    """The PII catalogue the privacy checks use."""


class Role(StrEnum):
    OWNER = "owner"
    OPERATOR = "operator"
    APPROVER = "approver"
    REVIEWER = "reviewer"
    EXECUTIVE = "executive"
    INCIDENT_CONTACT = "incident_contact"
    COMPLIANCE_LEAD = "compliance_lead"


class Person(StrictModel):
    id: Identifier
    """Person id referenced by cards, use cases and training records."""
    name: Text
    """Full name."""
    email: Email
    """Work e-mail; also how ``--as`` and the git e-mail are matched."""
    team: Text
    """Team or department (training coverage is reported per team)."""
    roles: list[Role] = []
    """Roles the person may hold: owner, operator, approver, reviewer, executive,
    incident_contact, compliance_lead."""
    active: bool = True
    """False once the person has left; inactive people may not hold roles on cards."""


class PeopleRegister(StrictModel):
    """``people.yaml``: everyone a card, use case or record names."""

    people: list[Person]
    """The people."""


class ToolKind(StrEnum):
    GENAI_IMAGE = "genai_image"
    GENAI_VIDEO = "genai_video"
    GENAI_AUDIO = "genai_audio"
    GENAI_TEXT = "genai_text"
    TRANSCRIPTION = "transcription"
    TRANSLATION = "translation"
    ML_PLATFORM = "ml_platform"
    ANALYTICS = "analytics"
    OTHER = "other"


class UseStage(StrEnum):
    IDEATION = "ideation"
    TEMPORARY = "temporary"
    FINAL_DELIVERABLE = "final_deliverable"


class Tool(StrictModel):
    id: Identifier
    """Tool id referenced by system cards and use cases."""
    name: Text
    """Product name."""
    vendor: Text
    """Company that provides it (``in-house`` for own tools)."""
    kind: ToolKind
    """What sort of tool it is."""
    version: Text | None = None
    """Version or model name in use, when the vendor publishes one."""
    enterprise_agreement: bool
    """An enterprise agreement covers the partner's use (confidentiality, no training)."""
    agreement_reference: Text | None = None
    """Contract or order-form reference of that agreement."""
    stores_inputs: bool | None = None
    """The tool keeps prompts, uploads or outputs after the session (None: unknown)."""
    trains_on_inputs: bool | None = None
    """The vendor may train or fine-tune on the partner's inputs or outputs (None: unknown)."""
    resells_inputs: bool | None = None
    """The vendor may share or sell inputs to third parties (None: unknown)."""
    retention_days: int | None = Field(default=None, ge=0)
    """How long the vendor keeps inputs, in days."""
    region: Text | None = None
    """Where data is processed (e.g. ``EU``, ``US``)."""
    approved_stages: list[UseStage] = []
    """Stages of content production the tool is approved for."""
    approved_for_personal_data: bool = False
    """The tool is approved to receive personal data."""
    approved_for_unreleased_assets: bool = False
    """The tool is approved to receive unreleased platform assets."""
    terms_reviewed_on: date | None = None
    """When the partner last reviewed the vendor's data terms."""
    terms_url: Text | None = None
    """Where the vendor's data terms are published."""

    def confidentiality_gaps(self) -> list[str]:
        """Why production inputs are not safe with this tool (empty when they are): it must be
        under an enterprise agreement and must not store, train on or resell inputs (the
        GenAI guidance's principle 2; DESIGN: personal data never goes to tools that store or
        train on inputs). Unknown terms count against it."""
        gaps = []
        if self.trains_on_inputs is not False:
            gaps.append(
                "trains on inputs" if self.trains_on_inputs else "training on inputs not ruled out"
            )
        if self.resells_inputs is not False:
            gaps.append("resells inputs" if self.resells_inputs else "reselling not ruled out")
        if self.stores_inputs is None:
            gaps.append("storage of inputs not ruled out")
        elif self.stores_inputs:
            gaps.append("stores inputs")
        if not self.enterprise_agreement:
            gaps.append("no enterprise agreement")
        return gaps

    def personal_data_gaps(self) -> list[str]:
        """Why personal data may not go to this tool (empty when it may)."""
        gaps = self.confidentiality_gaps()
        if not self.approved_for_personal_data:
            gaps.append("not approved for personal data")
        return gaps


class ToolRegister(StrictModel):
    """``tools.yaml``: every AI tool and vendor the partner uses, with its data terms."""

    tools: list[Tool]
    """The tools."""


class TrainingRecord(StrictModel):
    """One row of ``training/records.csv``."""

    person: Identifier
    """Person id from ``people.yaml``."""
    module: Identifier
    """Training module id from a pinned guideline pack."""
    version: PackVersion
    """Guideline pack version the module content belonged to."""
    completed_on: date
    """Completion date (ISO 8601)."""
    evidence: str | None = None
    """Certificate id or LMS reference."""
