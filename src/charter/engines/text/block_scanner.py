"""Runs the PII detector over a stream of text blocks, in this process or in worker
processes (one Hyperscan database each), keeping at most two blocks per worker in flight so
memory stays bounded however large the file."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from charter.domain.pii_catalogue import PiiCatalogue
from charter.privacy.detector import CompiledPatterns, Detector, Match
from charter.privacy.text_blocks import TextBlock

_WORKER: dict[str, Detector] = {}


def _start_worker(
    catalogue: PiiCatalogue,
    entities: list[str] | None,
    threshold: float,
    ner: list[Any],
    compiled: CompiledPatterns | None,
) -> None:
    _WORKER["detector"] = Detector(
        catalogue, entities=entities, threshold=threshold, ner=ner, compiled=compiled
    )


def _find(data: bytes) -> list[tuple[Any, ...]]:
    """Only the bytes travel to the worker (half the copying); it decodes them itself. The
    matches travel back as plain tuples (pickled several times faster than named ones)."""
    return [tuple(m) for m in _WORKER["detector"].find(data.decode("utf-8"), data)]


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
    detector: Detector = field(init=False)
    _pool: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.detector = Detector(
            self.catalogue,
            entities=self.entities,
            threshold=self.threshold,
            ner=self.ner,
            compiled=self.compiled,
        )

    def scan(self, blocks: Iterable[TextBlock]) -> Iterator[tuple[TextBlock, list[Match]]]:
        if self.jobs <= 1:
            for block in blocks:
                yield block, self.detector.find(block.text, block.data)
            return
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
                    ),
                )
        pending: deque[tuple[TextBlock, Future[list[tuple[Any, ...]]]]] = deque()
        for block in blocks:
            pending.append((block, self._pool.submit(_find, block.data)))
            if len(pending) >= 2 * self.jobs:
                done, future = pending.popleft()
                yield done, list(map(Match._make, future.result()))
        while pending:
            done, future = pending.popleft()
            yield done, list(map(Match._make, future.result()))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
