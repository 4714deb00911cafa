"""PII detection in text: one multi-pattern pass, then exact patterns and validators only
where a candidate ends.

1. **Prefilter.** Every recognizer's prefilter is compiled into one Hyperscan database (a
   DFA engine: linear time, no backtracking, so no input can make it slow). One pass over
   a block of bytes reports where candidates end.
2. **Exact match.** For each recognizer, the windows ``[end - max_length, end]`` around its
   candidates are merged and its Python pattern runs there only.
3. **Validate and score.** The validator confirms, rejects or leaves the base score;
   whole-word context words in the few words before (and after) the match raise it
   (Presidio's rule), negative context words before it lower it; both can apply
   (docs/privacy.md has the rule and the numbers).
4. **Resolve overlaps.** Of overlapping matches the higher score wins, then the longer.

A block is bytes (UTF-8); offsets come back as character offsets in the decoded block.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Protocol

from charter.domain.pii_catalogue import PiiCatalogue, Recognizer
from charter.privacy.validators import VALIDATORS

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019.][^\W\d_]+)*", re.UNICODE)
"""Context words are words: digit groups around a number do not push them out of reach."""
CONTEXT_REACH = 200
"""Bytes around a candidate window where a context word must end before a recognizer that
needs one looks at it (wider than the words the score counts: a cheap pre-check)."""
SENTINEL = b"\n"
"""Appended to each block so a value at its very end still meets its boundary character."""


class Match(NamedTuple):
    """One detected value: character offsets in the scanned text, the raw value (kept in
    memory only, never stored), the entity, its score and the recognizer. A named tuple:
    hundreds of thousands are made per 100 MB of chat and travel back from the worker
    processes, where a frozen dataclass costs ten times as much to build and to pickle."""

    start: int
    end: int
    entity: str
    score: float
    recognizer: str
    value: str


class NerRecognizer(Protocol):
    """A model-based recognizer for what patterns cannot find (PERSON, LOCATION...), plugged
    in through the ``charter.ner`` entry-point group. Charter ships none: every model it
    could ship needs a download, and checks never touch the network (docs/privacy.md)."""

    entities: Sequence[str]

    def find(self, text: str) -> list[Match]:
        """Matches with character offsets in ``text`` and scores in [0, 1]."""
        ...


class Detector:
    """Compiled catalogue: ``find(text)`` returns the matches at or above the threshold."""

    def __init__(
        self,
        catalogue: PiiCatalogue,
        *,
        entities: Iterable[str] | None = None,
        threshold: float | None = None,
        ner: Sequence[NerRecognizer] = (),
    ) -> None:
        import hyperscan

        wanted = set(entities) if entities is not None else None
        self.ner = [n for n in ner if wanted is None or set(n.entities) & wanted]
        self._wanted = wanted
        self.recognizers: list[Recognizer] = [
            r for r in catalogue.recognizers if wanted is None or r.entity in wanted
        ]
        self.catalogue = catalogue
        self.threshold = catalogue.threshold if threshold is None else threshold
        self._patterns = [
            re.compile(r.pattern, re.IGNORECASE if r.caseless else 0) for r in self.recognizers
        ]
        self._context = [_words_pattern(r.context) for r in self.recognizers]
        self._needs_context = [
            max(r.score, r.validated_score if r.validator != "none" else 0.0) < self.threshold
            for r in self.recognizers
        ]
        self._negative = [_words_pattern(r.negative_context) for r in self.recognizers]
        # One database: the prefilters (ids 0..n-1), then the context words of every
        # recognizer that needs them to reach the threshold (ids n+i), found in the same pass.
        count = len(self.recognizers)
        expressions = [r.prefilter.encode() for r in self.recognizers]
        ids = list(range(count))
        flags = [hyperscan.HS_FLAG_CASELESS if r.caseless else 0 for r in self.recognizers]
        for index, recognizer in enumerate(self.recognizers):
            if self._needs_context[index] and recognizer.context:
                expressions.append(_hyperscan_words(recognizer.context))
                ids.append(count + index)
                flags.append(hyperscan.HS_FLAG_CASELESS)
        self._database: Any = None
        if expressions:
            self._database = hyperscan.Database()
            self._database.compile(expressions=expressions, ids=ids, elements=len(ids), flags=flags)

    @property
    def entities(self) -> list[str]:
        from_ner = {e for n in self.ner for e in n.entities}
        if self._wanted is not None:
            from_ner &= self._wanted
        return sorted({r.entity for r in self.recognizers} | from_ner)

    def candidates(self, block: bytes) -> dict[int, list[int]]:
        """Byte offsets where each recognizer's prefilter matched (end of the candidate)."""
        ends: dict[int, list[int]] = defaultdict(list)
        if self._database is None:
            return ends

        def collect(pattern: int, _start: int, end: int, _flags: int, _context: Any) -> None:
            ends[pattern].append(end)

        self._database.scan(block + SENTINEL, match_event_handler=collect)
        return ends

    def find(self, text: str, block: bytes | None = None) -> list[Match]:
        """Matches in ``text`` (``block`` is its UTF-8 encoding, when the caller has it)."""
        raw = text.encode("utf-8") if block is None else block
        ends = self.candidates(raw)
        found: list[Match] = [
            m
            for recognizer in self.ner
            for m in recognizer.find(text)
            if m.score >= self.threshold and (self._wanted is None or m.entity in self._wanted)
        ]
        if not ends:
            return _resolve(found)
        ascii_only = len(raw) == len(text)
        char_at = (lambda b: b) if ascii_only else _char_offsets(raw)
        count = len(self.recognizers)
        size = len(raw)
        for index, byte_ends in ends.items():
            if index >= count:
                continue  # context-word hits, read below
            recognizer = self.recognizers[index]
            pattern = self._patterns[index]
            hints: list[int] | None = None
            if self._needs_context[index]:
                hints = sorted(ends.get(count + index, ()))
                if not hints:
                    continue  # only a context word could lift these over the threshold
            for low, high in _windows(sorted(byte_ends), recognizer.max_length + 1):
                if hints is not None and not _near(
                    hints, low - CONTEXT_REACH, high + CONTEXT_REACH
                ):
                    continue
                start = char_at(low if low > 0 else 0)
                stop = char_at(high if high < size else size)
                for match in pattern.finditer(text, start, stop):
                    scored = self._score(index, recognizer, text, match)
                    if scored is not None:
                        found.append(scored)
        return _resolve(found)

    def _score(
        self, index: int, recognizer: Recognizer, text: str, match: re.Match[str]
    ) -> Match | None:
        verdict: bool | None = None
        asked = False
        if not self._needs_context[index]:  # validate first: most look-alikes end here
            verdict = VALIDATORS[recognizer.validator](match.group(0))
            if verdict is False:
                return None
            asked = True
            if verdict and recognizer.validated_score >= 1.0 and not recognizer.negative_context:
                # context can neither raise nor lower it: skip reading the surroundings
                return Match(match.start(), match.end(), recognizer.entity, 1.0,
                             recognizer.id, match.group(0))  # fmt: skip
        catalogue = self.catalogue
        before, after = _surroundings(
            text, match.start(), match.end(), catalogue.context_words_before,
            catalogue.context_words_after,
        )  # fmt: skip
        context, negative = self._context[index], self._negative[index]
        boosted = context is not None and bool(context.search(before) or context.search(after))
        lowered = negative is not None and bool(negative.search(before))

        def adjusted(score: float) -> float:
            if boosted:
                score = min(1.0, max(score + catalogue.context_boost, catalogue.context_floor))
            return max(0.0, score - catalogue.negative_penalty) if lowered else score

        has_validator = recognizer.validator != "none"
        best = max(recognizer.score, recognizer.validated_score if has_validator else 0.0)
        if adjusted(best) < self.threshold:
            return None  # cannot reach the threshold: the validator is not even asked
        value = match.group(0)
        if not asked:
            verdict = VALIDATORS[recognizer.validator](value)
            if verdict is False:
                return None
        score = adjusted(recognizer.validated_score if verdict else recognizer.score)
        if score < self.threshold:
            return None
        return Match(match.start(), match.end(), recognizer.entity, round(score, 3),
                     recognizer.id, value)  # fmt: skip


def _words_pattern(words: list[str]) -> re.Pattern[str] | None:
    """Whole words or phrases, case-folded: ``lic`` never matches inside ``public``."""
    if not words:
        return None
    alternatives = "|".join(
        r"\s+".join(re.escape(part) for part in word.lower().split())
        for word in sorted(words, key=len, reverse=True)
    )
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)


def _hyperscan_words(words: list[str]) -> bytes:
    """Whole words or phrases for Hyperscan (ASCII word boundaries)."""
    alternatives = "|".join(
        r"\s+".join(re.escape(part) for part in word.lower().split())
        for word in sorted(words, key=len, reverse=True)
    )
    return rf"\b(?:{alternatives})\b".encode()


def _near(positions: list[int], low: int, high: int) -> bool:
    """Whether a sorted position falls in ``[low, high]``."""
    at = bisect.bisect_left(positions, low)
    return at < len(positions) and positions[at] <= high


def _surroundings(text: str, start: int, end: int, before: int, after: int) -> tuple[str, str]:
    """The ``before`` words ahead of the match and the ``after`` words behind it, on the same
    line (a transcript line is one speaker's turn)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    head = text[max(line_start, start - 24 * before - 8) : start]
    tail = text[end : min(line_end, end + 24 * after + 8)]
    words_before = _WORD.findall(head)[-before:] if before else []
    words_after = _WORD.findall(tail)[:after] if after else []
    return " ".join(words_before), " ".join(words_after)


def _windows(ends: list[int], width: int) -> list[tuple[int, int]]:
    """``[end - width, end]`` around each candidate end, overlapping ones merged."""
    merged: list[tuple[int, int]] = []
    for end in ends:
        low = end - width
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((low, end))
    return merged


def _char_offsets(raw: bytes) -> Any:
    """Byte offset -> character offset for UTF-8 text with multi-byte characters."""
    import numpy as np

    data = np.frombuffer(raw, dtype=np.uint8)
    starts = (data & 0xC0) != 0x80  # every byte that begins a character
    counts = np.concatenate([[0], np.cumsum(starts, dtype=np.int64)])

    def char_at(offset: int) -> int:
        return int(counts[offset])

    return char_at


_BY_POSITION = operator.attrgetter("start", "end")


def _resolve(matches: list[Match]) -> list[Match]:
    """Drop duplicates and overlaps: the higher score wins, then the longer match."""
    if len(matches) < 2:
        return matches
    ordered = sorted(matches, key=_BY_POSITION)
    if all(a.end <= b.start for a, b in itertools.pairwise(ordered)):
        return ordered  # the usual case: nothing overlaps
    ranked = sorted(set(matches), key=lambda m: (-m.score, -(m.end - m.start), m.start))
    starts: list[int] = []  # kept intervals, sorted and disjoint
    stops: list[int] = []
    kept: list[Match] = []
    for match in ranked:
        at = bisect.bisect_right(starts, match.start)
        if at and stops[at - 1] > match.start:
            continue
        if at < len(starts) and starts[at] < match.end:
            continue
        starts.insert(at, match.start)
        stops.insert(at, match.end)
        kept.append(match)
    return sorted(kept, key=_BY_POSITION)
