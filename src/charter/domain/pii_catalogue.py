"""The PII catalogue: every recognizer as versioned data (patterns, scores, validator,
context words, source), never a constant in code.

The built-in catalogue is ``guidelines/profiles/pii/default.yaml``; a partner adds its own
patterns (account ids, device ids, payment tokens in its platform's formats) in a catalogue
file that extends or replaces it (docs/privacy.md).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from charter.domain.base import PythonRegex, StrictModel
from charter.domain.quality_profiles import ProfileSource

Score = Annotated[float, Field(ge=0, le=1)]
ENTITY = r"^[A-Z][A-Z0-9_]*$"

Validator = Literal[
    "email",
    "phone",
    "payment_card",
    "iban",
    "us_ssn",
    "ip_address",
    "mac_address",
    "uk_nhs",
    "uk_nino",
    "url_credentials",
    "date_of_birth",
    "bitcoin",
    "jwt",
    "none",
]
"""Named checks in ``charter.privacy.validators``: each confirms (score becomes
``validated_score``), rejects (the match is dropped) or cannot tell (the base score stays)."""


class Recognizer(StrictModel):
    """One pattern for one entity.

    ``prefilter`` runs in the multi-pattern engine (Hyperscan syntax: no lookaround, no
    backreference) over the whole text and must end with one character that cannot belong
    to the value (the engine then reports each candidate once where it ends). ``pattern``
    (Python ``re``) finds the exact value near each candidate; lookarounds are allowed
    there."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    entity: str = Field(pattern=ENTITY)
    prefilter: str
    pattern: PythonRegex
    caseless: bool = False
    score: Score
    """Score of a match no validator confirmed."""
    validator: Validator = "none"
    validated_score: Score = 1.0
    context: list[str] = []
    """Words or phrases (whole words, case-folded) near the match that raise the score."""
    negative_context: list[str] = []
    """Words near the match that lower it (order, invoice, version...)."""
    max_length: int = Field(default=128, gt=0, le=4096)
    """Longest value in characters: the window the exact pattern searches."""


class PiiCatalogue(StrictModel):
    """Recognizers, their context rules and the default threshold."""

    id: str = Field(pattern=r"^pii/[A-Za-z0-9._-]+$")
    title: str
    sources: list[ProfileSource] = Field(min_length=1)
    extends: str | None = None
    """A catalogue whose recognizers come first (a partner file extends ``pii/default``)."""
    threshold: Score = 0.5
    """Matches scoring below this are not reported."""
    context_boost: Score = 0.35
    context_floor: Score = 0.4
    """With a context word: ``min(1, max(score + boost, floor))`` (Presidio's rule)."""
    negative_penalty: Score = 0.35
    context_words_before: int = Field(default=5, ge=0, le=50)
    context_words_after: int = Field(default=2, ge=0, le=50)
    recognizers: list[Recognizer] = []
    disabled: list[str] = []
    """Recognizer ids of the extended catalogue to leave out."""

    @model_validator(mode="after")
    def _unique_ids(self) -> PiiCatalogue:
        seen: set[str] = set()
        for recognizer in self.recognizers:
            if recognizer.id in seen:
                raise ValueError(f"recognizer id '{recognizer.id}' is used twice")
            seen.add(recognizer.id)
        return self

    @property
    def entities(self) -> list[str]:
        return sorted({r.entity for r in self.recognizers})
