"""GenAI content-production use cases: ``usecases/<id>.yaml``."""

from __future__ import annotations

import datetime as dt
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints

from charter.domain.base import Identifier, RelativePath, StrictModel, Text
from charter.domain.organisation import UseStage


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


class MediaType(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    VOICE = "voice"
    TEXT = "text"
    SUBTITLES = "subtitles"
    THREE_D = "3d"
    OTHER = "other"


class Production(StrictModel):
    title: Text
    """Title or production name."""
    id: Text | None = None
    """The platform's production id."""


class Involvement(StrictModel):
    talent_likeness: bool = False
    """Uses or generates a performer's face, body or voice (digital replica or enhancement)."""
    personal_data: bool = False
    """Personal data goes into the tool or appears in the output."""
    third_party_ip: bool = False
    """Third-party intellectual property goes into the tool or appears in the output."""
    unreleased_platform_assets: bool = False
    """Unreleased platform material (scripts, footage, artwork) goes into the tool."""
    key_creative_element: bool = False
    """Generates a key creative element (main character, key visual, score)."""
    union_covered_work: bool = False
    """Touches work normally done under a union agreement."""


class GuidingPrinciples(StrictModel):
    """The five guiding-principle answers of the platform's GenAI guidance."""

    no_copyrighted_replication: Answer
    """Outputs do not replicate or substantially recreate unowned or copyrighted material."""
    no_storage_or_training: Answer
    """Tools do not store, reuse or train on production inputs or outputs."""
    enterprise_environment: Answer
    """Tools are used in an enterprise-secured environment."""
    temporary_output: Answer
    """Generated material is temporary and not part of final deliverables."""
    talent_consent: Answer
    """No talent performance or union-covered work is replaced or generated without consent."""


class Disclosure(StrictModel):
    date: dt.date
    """When the intended use was shared with the platform contact."""
    contact: Text
    """Platform contact it was shared with."""
    reference: Text | None = None
    """E-mail or ticket reference."""


class ApprovalStatus(StrEnum):
    NOT_REQUESTED = "not_requested"
    REQUESTED = "requested"
    APPROVED = "approved"
    CONDITIONAL = "conditional"
    REJECTED = "rejected"


class Approval(StrictModel):
    status: ApprovalStatus
    """Where the written approval stands."""
    reference: Text | None = None
    """Reference of the written approval (required once approved)."""
    approver: Text | None = None
    """Who at the platform approved (required once approved)."""
    approved_on: date | None = None
    """Date of the written approval (required once approved)."""
    conditions: Text | None = None
    """Conditions attached to the approval."""


class Consent(StrictModel):
    talent: Text
    """Performer whose likeness, voice or work is involved."""
    scope: Text
    """What the consent covers."""
    document: Text
    """Where the signed consent is kept."""
    signed_on: date
    """When it was signed."""
    expires_on: date | None = None
    """When it ends, if it does."""


class Deliverable(StrictModel):
    path: RelativePath
    """File delivered, relative to the workspace (no absolute paths, no ``..``)."""
    media_type: MediaType
    """What kind of media it is."""
    digital_source_type: Text | None = None
    """Declared IPTC digital source type (``trainedAlgorithmicMedia``,
    ``compositeWithTrainedAlgorithmicMedia``...)."""
    profile: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    """Quality profile the file is checked against (a built-in id or a profile file in the
    workspace); the quality checks' default when not given."""


class UseCase(StrictModel):
    """``usecases/<id>.yaml``: one intended use of GenAI in content production."""

    id: Identifier
    """Use-case id; must match the file name."""
    title: Text
    """Short description of the use."""
    production: Production
    """Production or title it is for."""
    system: Identifier | None = None
    """System card (``systems/``) of the pipeline it runs in, if any."""
    owner: Identifier
    """Person responsible for the use case."""
    tools: list[Identifier]
    """Tool ids from ``tools.yaml``."""
    media_type: MediaType
    """What it generates."""
    stage: UseStage
    """``ideation``, ``temporary`` or ``final_deliverable``."""
    description: Text | None = None
    """What is done, with which inputs."""
    first_use: date | None = None
    """When the output is (or was) first used at this stage."""
    involves: Involvement = Involvement()
    """What the use touches."""
    principles: GuidingPrinciples
    """Answers to the five guiding principles."""
    disclosure: Disclosure | None = None
    """Disclosure to the platform contact (every intended use)."""
    approval: Approval = Approval(status=ApprovalStatus.NOT_REQUESTED)
    """Written approval by the platform."""
    consents: list[Consent] = []
    """Talent consents (required when talent likeness or union-covered work is involved)."""
    deliverables: list[Deliverable] = []
    """Files delivered with GenAI content, for provenance checks."""
    prompts: list[RelativePath] = []
    """Prompts, chat logs and generated text of the use (files, folders or globs): scanned
    for personal data (``privacy.pii_in_text``)."""

    def as_known_on(self, day: date) -> UseCase:
        """The use case as it stood on ``day``: a disclosure or approval dated later had not
        happened yet (so ``--as-of`` never credits the future). Consents keep their list
        positions; the consent check ignores those signed later."""
        changes: dict[str, object] = {}
        if self.disclosure and self.disclosure.date > day:
            changes["disclosure"] = None
        approved_on = self.approval.approved_on
        if approved_on and approved_on > day:
            changes["approval"] = Approval(status=ApprovalStatus.REQUESTED)
        return self.model_copy(update=changes) if changes else self
