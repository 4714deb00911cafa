"""Rules for AI-written text (synopses, titles, marketing copy) against a ``TextProfile``.

A text deliverable is a list of entries (``TextEntry``): a plain-text file is one entry of
the profile's default field; a YAML/JSON file maps field names to texts, or lists such
mappings (one per episode). Source and reference texts are matched to entries by key.

| rule | checks | severity |
|---|---|---|
| ``TX-LEN`` | grapheme clusters within the field's minimum and maximum | error |
| ``TX-ARTIFACT`` | no model artefact or placeholder pattern of the profile | error |
| ``TX-PROFANITY`` | no listed word for a clean maturity rating (warning: no rating) | error |
| ``TX-NUM`` | every number of the source text is in the translation | error |
| ``TX-NAME`` | capitalised names of the source text are in the translation | warning |
| ``TX-REF`` | segment chrF against the reference at least ``min_chrf`` | warning |
| ``TX-FIELD`` | the field has limits in the profile | warning |
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import regex

from charter.domain.quality_profiles import TextProfile
from charter.quality.timed_text_rules import QcFinding, Severity

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SENTENCE_START = regex.compile(r"(?:^|[.!?:…]\s+)(\p{Lu}[\p{L}'\u2019-]*)")


@dataclass(frozen=True)
class TextEntry:
    """One text: its key (``synopsis_short``, ``3.title``), its field, where it starts."""

    key: str
    field: str
    text: str
    line: int = 1


@dataclass(frozen=True)
class TextDocument:
    path: str
    entries: list[TextEntry]


@dataclass
class TextScores:
    """Reference-based scores (sacrebleu) when a reference was given."""

    chrf: float | None = None
    bleu: float | None = None
    chrf_signature: str | None = None
    bleu_signature: str | None = None
    segments: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "chrf": self.chrf,
            "bleu": self.bleu,
            "chrf_signature": self.chrf_signature,
            "bleu_signature": self.bleu_signature,
            "segments": self.segments,
        }


def graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters, ``regex`` ``\\X``)."""
    return len(regex.findall(r"\X", text))


def check_text(
    document: TextDocument,
    profile: TextProfile,
    *,
    maturity: str | None = None,
    source: TextDocument | None = None,
    reference: TextDocument | None = None,
) -> tuple[list[QcFinding], TextScores | None]:
    found: list[QcFinding] = []
    patterns = _patterns(tuple((a.id, a.pattern) for a in profile.artefacts))
    sources = {e.key: e for e in source.entries} if source else {}
    for index, entry in enumerate(document.entries, start=1):

        def add(
            rule: str,
            message: str,
            value: float | str | None = None,
            limit: float | str | None = None,
            severity: Severity = "error",
            index: int = index,
            entry: TextEntry = entry,
        ) -> None:
            found.append(
                QcFinding(
                    rule, index, None, None, f"{entry.key}: {message}", severity, value, limit
                )
            )

        limits = profile.fields.get(entry.field)
        if limits is None:
            add(
                "TX-FIELD",
                f"field '{entry.field}' has no limits in {profile.id}",
                severity="warning",
            )
        else:
            count = graphemes(entry.text)
            if count > limits.max_graphemes:
                add(
                    "TX-LEN",
                    f"{count} characters (limit {limits.max_graphemes})",
                    count,
                    limits.max_graphemes,
                )
            elif count < limits.min_graphemes:
                add(
                    "TX-LEN",
                    f"{count} characters (minimum {limits.min_graphemes})",
                    count,
                    limits.min_graphemes,
                )
        for artefact in profile.artefacts:
            match = patterns[artefact.id].search(entry.text)
            if match:
                add(
                    "TX-ARTIFACT",
                    f'{artefact.description}: "{_snippet(match.group(0))}"',
                    artefact.id,
                )
        words = _profanity(entry.text, tuple(profile.profanity))
        if words:
            if maturity is not None and maturity in profile.clean_ratings:
                add(
                    "TX-PROFANITY",
                    f"profanity ({', '.join(words)}) in a {maturity} title",
                    ", ".join(words),
                    maturity,
                )
            elif maturity is None:
                add(
                    "TX-PROFANITY",
                    f"profanity ({', '.join(words)}); no maturity rating given to judge it",
                    ", ".join(words),
                    None,
                    "warning",
                )
        original = sources.get(entry.key)
        if original is not None:
            missing = sorted(_numbers(original.text) - _numbers(entry.text))
            if missing:
                add(
                    "TX-NUM",
                    f"number(s) {', '.join(missing)} of the source are missing",
                    ", ".join(missing),
                )
            names = [n for n in _names(original.text) if n not in entry.text]
            if names:
                add(
                    "TX-NAME",
                    f"name(s) {', '.join(names)} of the source are missing",
                    ", ".join(names),
                    severity="warning",
                )
    scores = None
    if reference is not None:
        scores = _reference_scores(document, reference)
        if profile.min_chrf is not None:
            for index, entry in enumerate(document.entries, start=1):
                score = scores.segments.get(entry.key)
                if score is not None and score < profile.min_chrf:
                    found.append(
                        QcFinding(
                            "TX-REF",
                            index,
                            None,
                            None,
                            f"{entry.key}: chrF {score:.1f} against the reference "
                            f"(minimum {profile.min_chrf:g})",
                            "warning",
                            round(score, 2),
                            profile.min_chrf,
                        )
                    )
    return found, scores


def _reference_scores(document: TextDocument, reference: TextDocument) -> TextScores:
    """Corpus chrF2 and BLEU (13a) over the entries both hold, and chrF per entry."""
    from sacrebleu.metrics.bleu import BLEU  # noqa: PLC0415 - heavy, only with a reference
    from sacrebleu.metrics.chrf import CHRF  # noqa: PLC0415

    wanted = {e.key: e.text for e in reference.entries}
    pairs = [(e.key, e.text, wanted[e.key]) for e in document.entries if e.key in wanted]
    scores = TextScores()
    if not pairs:
        return scores
    hypotheses = [p[1] for p in pairs]
    references = [[p[2] for p in pairs]]
    chrf, bleu = CHRF(), BLEU()
    scores.chrf = round(chrf.corpus_score(hypotheses, references).score, 2)
    scores.bleu = round(bleu.corpus_score(hypotheses, references).score, 2)
    scores.chrf_signature = str(chrf.get_signature())
    scores.bleu_signature = str(bleu.get_signature())
    scores.segments = {
        key: round(chrf.sentence_score(text, [ref]).score, 2) for key, text, ref in pairs
    }
    return scores


@cache
def _patterns(items: tuple[tuple[str, str], ...]) -> dict[str, re.Pattern[str]]:
    return {key: re.compile(pattern, re.IGNORECASE | re.MULTILINE) for key, pattern in items}


@cache
def _profanity_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b({alternatives})\b", re.IGNORECASE)


def _profanity(text: str, words: tuple[str, ...]) -> list[str]:
    """Listed word forms, whole words; a capitalised one inside a sentence, or followed by
    another capitalised word, is a name ("Moby Dick", "Dick Whittington")."""
    pattern = _profanity_pattern(words)
    if pattern is None:
        return []
    starts = {m.start(1) for m in _SENTENCE_START.finditer(text)}
    found = set()
    for match in pattern.finditer(text):
        word = match.group(1)
        if word[0].isupper():
            following = text[match.end() :].lstrip()
            if match.start() not in starts or following[:1].isupper():
                continue
        found.add(word.lower())
    return sorted(found)


_SPELLED_OUT = 10
"""Numbers up to ten are often written as words in a translation (style guides ask for it),
so only larger numbers must survive as digits."""


def _numbers(text: str) -> set[str]:
    """Numbers with their group separators dropped: 1,500, 1.500 and 1 500 are one number."""
    joined = regex.sub(r"(?<=\d)[ \u00a0\u202f](?=\d{3}\b)", "", text)
    numbers = {re.sub(r"[.,]", "", n) for n in _NUMBER.findall(joined)}
    return {n for n in numbers if not (n.isdigit() and int(n) <= _SPELLED_OUT)}


_WORD_RUN = regex.compile(r"\b\p{Lu}[\p{L}'\u2019-]+(?:\s+\p{Lu}[\p{L}'\u2019-]+)*")


def _names(text: str) -> list[str]:
    """Capitalised words that do not start a sentence: a heuristic for names. A text in
    title case (most words capitalised, like a title) names nothing this way."""
    words = regex.findall(r"\p{L}+", text)
    if words and sum(w[0].isupper() for w in words) > 0.6 * len(words):
        return []
    starts = {m.start(1) for m in _SENTENCE_START.finditer(text)}
    names: list[str] = []
    for match in _WORD_RUN.finditer(text):
        parts = [regex.split(r"['\u2019]", p)[0] for p in match.group(0).split()]
        if match.start() in starts:  # drop the sentence-initial word, keep the rest
            parts = parts[1:]
        name = " ".join(p for p in parts if len(p) > 1)
        if name and name not in names:
            names.append(name)
    return names


def _snippet(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
