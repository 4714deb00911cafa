"""PII detection in text: one multi-pattern pass, then exact patterns and validators only
where a candidate ends.

1. **Prefilter.** Every recognizer's prefilter is compiled into one Hyperscan database (a
   DFA engine: linear time, no backtracking, so no input can make it slow). One pass over
   a block of bytes reports where candidates end.
2. **Exact match.** For each recognizer, the windows ``[end - max_length, end]`` around its
   candidates are merged and its Python pattern runs there only; each match is taken
   again with the rest of the text in sight (a look-ahead may need more than the window).
3. **Validate and score.** The validator confirms, rejects or leaves the base score;
   whole-word context words in the few words before (and after) the match raise it
   (Presidio's rule), negative context words before it lower it; both can apply
   (docs/privacy.md has the rule and the numbers).
4. **Resolve overlaps.** Of overlapping matches the higher score wins, then the longer,
   then the earlier; an exact tie goes to the entity, then the recognizer, named first.

A compiled prefilter database can be kept between runs (``CompiledPatterns``, an adapter).
Each recognizer's steps 2-3 on one block run under a time budget (``PatternClock``, an
adapter that can interrupt a regular expression): a partner's pattern that backtracks
without end raises ``PatternTimeoutError`` instead of hanging the scan.

A block is bytes (UTF-8); offsets come back as character offsets in the decoded block.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, Protocol

from charter.domain.pii_catalogue import PiiCatalogue, Recognizer
from charter.privacy.validators import VALIDATORS

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019.][^\W\d_]+)*", re.UNICODE)
"""Context words are words: digit groups around a number do not push them out of reach."""
_VALUE = r"\d{3}|\d\d[ .\-]\d\d"
"""A value of its own: three digits in a row, or two groups of two (``+33 6 12 34 68 04``)."""
_PHRASE_START = re.compile(rf".*(?:{_VALUE}|[,;](?=\s))", re.DOTALL)
"""Up to the end of the last earlier value or clause break (a comma or semicolon): where
the words before a match start."""
_PHRASE_END = re.compile(rf"[,;.!?](?=\s|$)|{_VALUE}")
"""Where the words after a match stop: the clause's punctuation, or the next value."""
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
"""Between the words of a camel-case name (``customerEmail``)."""
_UNNAMED = (False, False)
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


class _Plan(NamedTuple):
    """What the scoring loop reads of one recognizer (``Detector._score_windows``)."""

    pattern: re.Pattern[str]
    validate: Callable[[str], bool | None]
    entity: str
    name: str
    base: float
    validated: float
    needs_context: bool
    certain: bool
    """Validated at 1.0 whatever the context: its surroundings go unread."""
    best: float
    """The highest score it can have before context."""
    context: re.Pattern[str] | None
    negative: re.Pattern[str] | None


class PatternTimeoutError(Exception):
    """A recognizer spent more than its time budget on one block: the block was not fully
    scanned, so its file is ``incomplete``. ``where`` names the block (set by whoever sent
    it: lines of a file, rows of a column)."""

    def __init__(self, recognizer: str, seconds: float, where: str = "") -> None:
        super().__init__(recognizer, seconds, where)
        self.recognizer = recognizer
        self.seconds = seconds
        self.where = where

    def __str__(self) -> str:
        at = f" on {self.where}" if self.where else " on one block"
        return (
            f"pattern '{self.recognizer}' ran past its time budget of {self.seconds:g} s of "
            f"CPU time{at}"
        )


class PatternClock(Protocol):
    """Interrupts a recognizer that runs past its budget (an adapter: a CPU-time timer).
    Between ``arm(seconds)`` and ``disarm()``, once ``seconds`` of CPU time are spent, it
    raises ``PatternTimeoutError`` wherever the code is, inside a regular expression
    search included."""

    def arm(self, seconds: float) -> None: ...

    def disarm(self) -> None: ...


class CompiledPatterns(Protocol):
    """Where compiled pattern databases are kept between runs, by a digest of what was
    compiled (an adapter: a cache directory). Compiling a catalogue takes longer than
    loading one."""

    def load(self, key: str) -> bytes | None: ...

    def save(self, key: str, data: bytes) -> None: ...


class Detector:
    """Compiled catalogue: ``find(text)`` returns the matches at or above the threshold."""

    def __init__(
        self,
        catalogue: PiiCatalogue,
        *,
        entities: Iterable[str] | None = None,
        threshold: float | None = None,
        ner: Sequence[NerRecognizer] = (),
        compiled: CompiledPatterns | None = None,
        clock: PatternClock | None = None,
        pattern_budget: float | None = None,
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
        self.clock = clock
        self.pattern_budget = catalogue.pattern_budget if pattern_budget is None else pattern_budget
        """CPU seconds one recognizer may spend on one block (exact pattern, validator and
        context together); enforced only with a ``clock``."""
        needs_context = [
            max(r.score, r.validated_score if r.validator != "none" else 0.0) < self.threshold
            for r in self.recognizers
        ]
        self._plans = [
            _Plan(
                re.compile(r.pattern, re.IGNORECASE if r.caseless else 0),
                VALIDATORS[r.validator],
                r.entity,
                r.id,
                r.score,
                r.validated_score,
                needs_context[i],
                r.validated_score >= 1.0 and not r.negative_context,
                max(r.score, r.validated_score if r.validator != "none" else 0.0),
                _words_pattern(r.context),
                _words_pattern(r.negative_context),
            )
            for i, r in enumerate(self.recognizers)
        ]
        self._context_rule = (
            catalogue.context_words_before, catalogue.context_words_after,
            catalogue.context_boost, catalogue.context_floor, catalogue.negative_penalty,
        )  # fmt: skip
        # One database: the prefilters (ids 0..n-1), then the context words of every
        # recognizer that needs them to reach the threshold (ids n+i), found in the same pass.
        count = len(self.recognizers)
        expressions = [r.prefilter.encode() for r in self.recognizers]
        ids = list(range(count))
        flags = [hyperscan.HS_FLAG_CASELESS if r.caseless else 0 for r in self.recognizers]
        for index, recognizer in enumerate(self.recognizers):
            if needs_context[index] and recognizer.context:
                expressions.append(_hyperscan_words(recognizer.context))
                ids.append(count + index)
                flags.append(hyperscan.HS_FLAG_CASELESS)
        self._database: Any = _database(expressions, ids, flags, compiled) if expressions else None

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

    def find(self, text: str, block: bytes | None = None, heading: str = "") -> list[Match]:
        """Matches in ``text`` (``block`` is its UTF-8 encoding, when the caller has it).
        ``heading`` is read as words before every line: a table column's name, which is
        context for every cell under it (a column ``ssn`` of bare nine-digit numbers)."""
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
        char_at = None if ascii_only else _char_offsets(raw)
        # How far from a window a context word can end and still be read (in bytes: a
        # character takes up to four), plus the boundary character its hint ends with.
        catalogue = self.catalogue
        reach = 1 + (1 if ascii_only else 4) * _span(
            max(catalogue.context_words_before, catalogue.context_words_after)
        )
        count = len(self.recognizers)
        words = " ".join(_WORD.findall(_CAMEL.sub(" ", heading))) if heading else ""
        for index, byte_ends in ends.items():
            if index >= count:
                continue  # context-word hits, read below
            plan = self._plans[index]
            named = (
                (_found_in(plan.context, words), _found_in(plan.negative, words))
                if words
                else _UNNAMED
            )
            hints = None
            if plan.needs_context and not named[0]:
                hints = ends.get(count + index)
                if not hints:
                    continue  # only a context word could lift these over the threshold
            width = self.recognizers[index].max_length + 1
            lows, highs = _windows(byte_ends, width, len(raw), hints, reach)
            if char_at is not None:
                lows, highs = char_at[lows].tolist(), char_at[highs].tolist()
            if self.clock is None:
                self._score_windows(index, text, lows, highs, found, named)
                continue
            self.clock.arm(self.pattern_budget)
            try:
                self._score_windows(index, text, lows, highs, found, named)
            except PatternTimeoutError:
                raise PatternTimeoutError(self._plans[index].name, self.pattern_budget) from None
            finally:
                self.clock.disarm()
        return _resolve(found)

    def _score_windows(
        self,
        index: int,
        text: str,
        lows: list[int],
        highs: list[int],
        found: list[Match],
        named: tuple[bool, bool] = (False, False),
    ) -> None:
        """Run recognizer ``index``'s exact pattern in each window and append what passes
        its validator and context to ``found`` (the hot loop: settings read once).
        ``named``: whether the heading holds a context word and a negative one."""
        (pattern, validate, entity, name, base, validated, needs_context, certain, best,
         context, negative) = self._plans[index]  # fmt: skip
        threshold = self.threshold
        words_before, words_after, boost, floor, penalty = self._context_rule
        for match in _in_windows(pattern, text, lows, highs):
            value = match.group()
            verdict: bool | None = None
            if not needs_context:  # validate first: most look-alikes end here
                verdict = validate(value)
                if verdict is False:
                    continue
                if verdict and certain:
                    found.append(Match(match.start(), match.end(), entity, 1.0, name, value))
                    continue
            start, end = match.span()
            before, after = _surroundings(text, start, end, words_before, words_after)
            boosted = named[0] or (
                context is not None
                and (context.search(before) is not None or context.search(after) is not None)
            )
            lowered = named[1] or (negative is not None and negative.search(before) is not None)
            top = min(1.0, max(best + boost, floor)) if boosted else best
            if lowered:
                top = max(0.0, top - penalty)
            if top < threshold:
                continue  # cannot reach the threshold: the validator is not even asked
            if needs_context:
                verdict = validate(value)
                if verdict is False:
                    continue
            score = validated if verdict else base
            if boosted:
                score = min(1.0, max(score + boost, floor))
            if lowered:
                score = max(0.0, score - penalty)
            if score >= threshold:
                found.append(Match(start, end, entity, round(score, 3), name, value))


def _in_windows(
    pattern: re.Pattern[str], text: str, lows: list[int], highs: list[int]
) -> Iterator[re.Match[str]]:
    """The pattern's matches that start in the windows ``[low, high)``, as a search over the
    whole text would find them: the search runs inside the window, then each match is
    taken again with the text after the window in sight, because a look-ahead at its end
    may need more than the one character the prefilter saw after it (``(?!\\.\\d)`` after
    ``830236228`` in ``830236228.75``). A match that does not hold with the whole text is
    dropped and the search goes on from the next character."""
    search, match_at = pattern.search, pattern.match
    position = 0
    for low, high in zip(lows, highs, strict=True):
        position = max(position, low)  # a match may reach into the next window
        while position < high:
            found = search(text, position, high)
            if found is None:
                break
            start = found.start()
            whole = match_at(text, start)
            if whole is None:
                position = start + 1
                continue
            yield whole
            position = max(whole.end(), start + 1)


def _database(
    expressions: list[bytes], ids: list[int], flags: list[int], compiled: CompiledPatterns | None
) -> Any:
    """The Hyperscan database of these patterns: loaded from ``compiled`` when it holds
    one (Hyperscan refuses a database from another version or CPU, or a damaged one: it is
    compiled again), else compiled and saved there."""
    import hyperscan

    key = hashlib.sha256(repr((expressions, ids, flags)).encode()).hexdigest()
    data = compiled.load(key) if compiled is not None else None
    if data is not None:
        try:
            database = hyperscan.loadb(data, hyperscan.HS_MODE_BLOCK)
            database.scratch = hyperscan.Scratch(database)  # loadb leaves it without one
            return database
        except hyperscan.error:
            pass
    database = hyperscan.Database()
    database.compile(expressions=expressions, ids=ids, elements=len(ids), flags=flags)
    if compiled is not None:
        compiled.save(key, hyperscan.dumpb(database))
    return database


def _found_in(pattern: re.Pattern[str] | None, words: str) -> bool:
    return pattern is not None and pattern.search(words) is not None


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
    """Where a context word may be, for Hyperscan: each word between characters that are
    not ASCII letters, the parts of a phrase apart by any of them. That finds every place
    ``_words_pattern`` can match in the words ``_surroundings`` reads (which drop digits,
    underscores and punctuation between words), and some more: only a hint."""
    alternatives = "|".join(
        "[^A-Za-z]+".join(re.escape(part) for part in word.lower().split())
        for word in sorted(words, key=len, reverse=True)
    )
    return rf"(?:^|[^A-Za-z])(?:{alternatives})(?:[^A-Za-z]|$)".encode()


def _span(words: int) -> int:
    """Characters read for ``words`` words around a match (``_surroundings``)."""
    return 24 * words + 8


def _surroundings(text: str, start: int, end: int, before: int, after: int) -> tuple[str, str]:
    """The ``before`` words ahead of the match and the ``after`` words behind it, on the same
    line (a transcript line is one speaker's turn), within the match's own phrase: the
    words before start after an earlier value, which they label instead, or a clause break
    ("my SSN is 653-90-4328, and passport 567676235": "SSN" is not the passport's); the
    words after stop at the end of the clause or at the next value."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    head = text[max(line_start, start - _span(before)) : start]
    earlier = _PHRASE_START.match(head)
    if earlier is not None:
        head = head[earlier.end() :]
    tail = text[end : min(line_end, end + _span(after))]
    stop = _PHRASE_END.search(tail)
    if stop is not None:
        tail = tail[: stop.start()]
    words_before = _WORD.findall(head)[-before:] if before else []
    words_after = _WORD.findall(tail)[:after] if after else []
    return " ".join(words_before), " ".join(words_after)


def _windows(
    ends: list[int], width: int, size: int, hints: list[int] | None = None, reach: int = 0
) -> tuple[list[int], list[int]]:
    """``[end - width, end]`` around each candidate end (byte offsets, clipped to
    ``[0, size]``), overlapping ones merged; with ``hints`` (context-word ends), only windows
    with one within ``reach`` bytes. Returns the windows' starts and ends. Plain Python:
    numpy merges a block's windows faster, but importing it costs each worker process more
    than that saves on a 100 MB file."""
    lows: list[int] = []
    highs: list[int] = []
    last = -1  # the current window's end (none yet)
    for end in sorted(ends):
        if highs and end - width <= last:
            highs[-1] = last = end
        else:
            lows.append(end - width if end > width else 0)
            highs.append(end)
            last = end
    if hints is not None:
        near = sorted(hints)
        kept = [
            (low, high)
            for low, high in zip(lows, highs, strict=True)
            if (at := bisect.bisect_left(near, low - reach)) < len(near)
            and near[at] <= high + reach
        ]
        lows, highs = [low for low, _ in kept], [high for _, high in kept]
    if highs and highs[-1] > size:
        highs[-1] = size  # only the last can reach past the end (the sentinel)
    return lows, highs


def _char_offsets(raw: bytes) -> Any:
    """Byte offset -> character offset for UTF-8 text with multi-byte characters (an array
    indexed by byte offset, one past the end included)."""
    import numpy as np

    data = np.frombuffer(raw, dtype=np.uint8)
    starts = (data & 0xC0) != 0x80  # every byte that begins a character
    return np.concatenate([[0], np.cumsum(starts, dtype=np.int64)])


def _resolve(matches: list[Match]) -> list[Match]:
    """Drop duplicates and overlaps: the higher score wins, then the longer match, then the
    earlier one; an exact tie goes to the entity, then the recognizer, first in
    alphabetical order (so the result never depends on hashing). Only runs of overlapping
    matches are ranked; the rest (nearly all) pass straight through."""
    if len(matches) < 2:
        return matches
    ordered = sorted(matches)  # by start, then end (a Match is a tuple)
    kept: list[Match] = []
    run = [ordered[0]]
    reach = ordered[0].end
    for match in itertools.islice(ordered, 1, None):
        if match.start < reach:  # overlaps a match of the run
            run.append(match)
            reach = max(reach, match.end)
            continue
        if len(run) == 1:
            kept.append(run[0])
        else:
            kept.extend(_best_of(run))
        run = [match]
        reach = match.end
    kept.extend(run if len(run) == 1 else _best_of(run))
    return kept


def _best_of(run: list[Match]) -> list[Match]:
    """The matches kept of a run of overlapping ones, by position."""
    ranked = sorted(
        set(run), key=lambda m: (-m.score, m.start - m.end, m.start, m.entity, m.recognizer)
    )
    starts: list[int] = []  # kept intervals, sorted and disjoint (a run can be long)
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
    return sorted(kept)
