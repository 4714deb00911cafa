"""The PII catalogue: every recognizer as versioned data (patterns, scores, validator,
context words, source), never a constant in code.

The built-in catalogue is ``guidelines/profiles/pii/default.yaml``; a partner adds its own
patterns (account ids, device ids, payment tokens in its platform's formats) in a catalogue
file that extends or replaces it (docs/privacy.md).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from charter.domain.base import ProfileSource, PythonRegex, StrictModel

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
    max_length: int = Field(default=128, gt=0, le=16384)
    """Longest value in characters: the window the exact pattern searches."""

    @field_validator("prefilter", "context", "negative_context")
    @classmethod
    def _printable(cls, value: str | list[str]) -> str | list[str]:
        """No control characters: the multi-pattern engine takes patterns as C strings, so a
        NUL would silently cut one short."""
        for text in [value] if isinstance(value, str) else value:
            if not text.strip() or any(not c.isprintable() for c in text):
                raise ValueError(
                    "must be non-empty printable text (write a control character as an "
                    "escape: \\x00)"
                )
        return value

    @field_validator("pattern")
    @classmethod
    def _not_empty_match(cls, value: str) -> str:
        if re.compile(value).fullmatch("") is not None:
            raise ValueError("matches the empty string: every position would be a finding")
        return value


class DataCategory(StrictModel):
    """A category of personal data as system cards declare it (``personal_data_categories``):
    the entities it covers and the words that declare it."""

    entities: list[Annotated[str, Field(pattern=ENTITY)]] = Field(min_length=1)
    declared_as: list[str] = []
    """Phrases (whole words, case-folded) in a declared category that cover these entities;
    empty for credentials, which no declaration makes acceptable."""
    credentials: bool = False
    """Secrets (keys, tokens, passwords in URLs): a finding whatever the card declares."""


class PiiCatalogue(StrictModel):
    """Recognizers, their context rules and the default threshold."""

    id: str = Field(pattern=r"^pii/[A-Za-z0-9._-]+$")
    title: str
    sources: list[ProfileSource] = Field(min_length=1)
    extends: str | None = None
    """A catalogue whose recognizers come first (a partner file extends ``pii/default``)."""
    threshold: Score = 0.5
    """Matches scoring below this are not reported."""
    pattern_budget: float = Field(default=5.0, gt=0, le=3600)
    """CPU seconds one recognizer may spend on one block of text (its exact pattern,
    validator and context scoring together); past it the file is ``incomplete``."""
    context_boost: Score = 0.35
    context_floor: Score = 0.4
    """With a context word: ``min(1, max(score + boost, floor))`` (Presidio's rule)."""
    negative_penalty: Score = 0.35
    context_words_before: int = Field(default=5, ge=0, le=50)
    context_words_after: int = Field(default=3, ge=0, le=50)
    recognizers: list[Recognizer] = Field(default=[], max_length=2000)
    """At most 2,000 (the multi-pattern engine compiles them all before a scan starts)."""
    disabled: list[str] = []
    """Recognizer ids of the extended catalogue to leave out."""
    categories: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], DataCategory] = {}
    """Declared categories and the entities they cover (a file that extends another adds
    to or replaces its categories by name)."""

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

    def category_of(self, entity: str) -> tuple[str, DataCategory] | None:
        for name, category in self.categories.items():
            if entity in category.entities:
                return name, category
        return None

    def declared(self, entity: str, declared_categories: list[str]) -> bool:
        """Whether a source declaring ``declared_categories`` covers ``entity``: a phrase of
        the entity's category appears as whole words in one of them. An entity of no
        category (a partner's own, an NER label) is covered by any declaration."""
        found = self.category_of(entity)
        if found is None:
            return bool(declared_categories)
        _, category = found
        if category.credentials:
            return False
        texts = [" ".join(_words(text)) for text in declared_categories]
        return any(
            f" {' '.join(_words(phrase))} " in f" {text} "
            for phrase in category.declared_as
            for text in texts
        )


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())
