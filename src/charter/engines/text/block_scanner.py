"""Runs the PII detector over a stream of text blocks, in this process or in worker
processes (one Hyperscan database each), keeping at most two blocks per worker in flight so
memory stays bounded however large the file. Every recognizer runs under the catalogue's
per-block time budget (``CpuTimeClock``): a block it runs out on raises
``PatternTimeoutError`` naming the block."""

from __future__ import annotations

import multiprocessing
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, cast

from charter.domain.pii_catalogue import PiiCatalogue
from charter.engines.text.pattern_clock import CpuTimeClock
from charter.privacy.detector import CompiledPatterns, Detector, Match, PatternTimeoutError
from charter.privacy.escapes import find_through_escapes
from charter.privacy.text_blocks import CellBlock, TextBlock, reported_counts

_WORKER: dict[str, Detector] = {}


def _start_worker(
    catalogue: PiiCatalogue,
    entities: list[str] | None,
    threshold: float,
    ner: list[Any],
    compiled: CompiledPatterns | None,
    pattern_budget: float,
) -> None:
    _WORKER["detector"] = Detector(
        catalogue, entities=entities, threshold=threshold, ner=ner, compiled=compiled,
        clock=CpuTimeClock(), pattern_budget=pattern_budget,
    )  # fmt: skip


def _count(data: bytes, heading: str, report_from: int, report_until: int) -> Counter[str]:
    """The block's matches that it reports, counted by entity: all a file's result needs
    once its listing is full, and far less to send back than the matches."""
    found = find_through_escapes(_WORKER["detector"].find, data.decode("utf-8"), data, heading)
    return reported_counts(found, report_from, report_until)


def _find(data: bytes, heading: str) -> list[tuple[Any, ...]]:
    """Only the bytes travel to the worker (half the copying); it decodes them itself. The
    matches travel back as plain tuples (pickled several times faster than named ones)."""
    detector = _WORKER["detector"]
    found = find_through_escapes(detector.find, data.decode("utf-8"), data, heading)
    return [tuple(m) for m in found]


@dataclass
class BlockScanner:
    """``scan(blocks)`` yields each block with its matches, in order."""

    catalogue: PiiCatalogue
    entities: list[str] | None = None
    threshold: float | None = None
    jobs: int = 1
    ner: list[Any] = field(default_factory=list)
    """``NerRecognizer`` plug-ins (each must pickle to reach worker processes)."""
    compiled: CompiledPatterns | None = None
    """Where the compiled prefilter database is kept between runs."""
    pattern_budget: float | None = None
    """CPU seconds a recognizer may spend on one block (default: the catalogue's)."""
    detector: Detector = field(init=False)
    _pool: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.detector = Detector(
            self.catalogue,
            entities=self.entities,
            threshold=self.threshold,
            ner=self.ner,
            compiled=self.compiled,
            clock=CpuTimeClock(),
            pattern_budget=self.pattern_budget,
        )

    def scan(self, blocks: Iterable[TextBlock]) -> Iterator[tuple[TextBlock, list[Match]]]:
        """Each block with its matches, in order."""
        for block, found in self._run(blocks, None):
            yield block, cast("list[Match]", found)

    def scan_counting(
        self, blocks: Iterable[TextBlock], counted: Callable[[TextBlock], bool]
    ) -> Iterator[tuple[TextBlock, list[Match] | Counter[str]]]:
        """Like ``scan``, but a block for which ``counted(block)`` is true when it is sent
        (a file whose listing is full) comes back with the entities of the matches it
        reports, counted, instead of the matches."""
        return self._run(blocks, counted)

    def _run(
        self, blocks: Iterable[TextBlock], counted: Callable[[TextBlock], bool] | None
    ) -> Iterator[tuple[TextBlock, list[Match] | Counter[str]]]:
        if self.jobs <= 1:
            for block in blocks:
                try:
                    found = find_through_escapes(
                        self.detector.find, block.text, block.data, block.heading
                    )
                except PatternTimeoutError as exc:
                    raise _located(exc, block) from None
                if counted is not None and counted(block):
                    yield block, reported_counts(found, block.report_from, block.report_until)
                else:
                    yield block, found
            return
        pool = self._start_pool()
        pending: deque[tuple[TextBlock, Future[Any]]] = deque()
        try:
            for block in blocks:
                work: Future[Any] = (
                    pool.submit(
                        _count, block.data, block.heading, block.report_from, block.report_until
                    )
                    if counted is not None and counted(block)
                    else pool.submit(_find, block.data, block.heading)
                )
                pending.append((block, work))
                if len(pending) >= 2 * self.jobs:
                    yield _received(*pending.popleft())
            while pending:
                yield _received(*pending.popleft())
        finally:  # a block ran out of budget, or the caller stopped early: drop the rest
            for _, work in pending:
                work.cancel()

    def _start_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            if "fork" in multiprocessing.get_all_start_methods():
                # Forked workers inherit this process's compiled detector (Hyperscan
                # database included): no second compile, no pickling of the catalogue.
                _WORKER["detector"] = self.detector
                self._pool = ProcessPoolExecutor(
                    max_workers=self.jobs, mp_context=multiprocessing.get_context("fork")
                )
            else:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.jobs,
                    initializer=_start_worker,
                    initargs=(
                        self.catalogue,
                        self.entities,
                        self.detector.threshold,
                        self.ner,
                        self.compiled,
                        self.detector.pattern_budget,
                    ),
                )
        return cast("ProcessPoolExecutor", self._pool)

    def close(self, *, now: bool = False) -> None:
        """Stop the worker processes: after their blocks in flight, or ``now`` (the scan
        was interrupted: a worker may be deep in a long block, so it is terminated)."""
        if self._pool is None:
            return
        if now:
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.kill()
        self._pool.shutdown(wait=not now, cancel_futures=True)
        self._pool = None


def _received(block: TextBlock, work: Future[Any]) -> tuple[TextBlock, list[Match] | Counter[str]]:
    """A block and what its worker sent back: counts as they are, matches named again."""
    try:
        found = work.result()
    except PatternTimeoutError as exc:
        raise _located(exc, block) from None
    return block, found if isinstance(found, Counter) else list(map(Match._make, found))


def _located(error: PatternTimeoutError, block: TextBlock) -> PatternTimeoutError:
    """``error`` naming the block it happened on: its lines, or its column and rows."""
    if isinstance(block, CellBlock):
        rows = block.rows
        where = f"column '{block.column}'"
        if len(rows):
            where += f", rows {rows[0] + 1:,} to {rows[-1] + 1:,}"
    else:
        last = block.first_line + block.text.count("\n", 0, max(block.report_until - 1, 0))
        where = f"lines {block.first_line:,} to {last:,}"
    return PatternTimeoutError(error.recognizer, error.seconds, where)
