"""Compiled pattern databases kept between runs in the user's cache directory
(``$CHARTER_CACHE_DIR``, default: the platform's user cache dir + ``charter``), under
``patterns/<digest>.hs``: compiling the PII catalogue takes longer than the rest of a scan's
start-up, loading it a millisecond.

A cache is only ever a shortcut: an entry that is missing, unreadable or refused by
Hyperscan (another version, another CPU, damaged) is compiled again, and a directory that
cannot be written is left alone. The newest ``KEEP`` entries stay; older ones are removed.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

CACHE_DIR_ENV = "CHARTER_CACHE_DIR"
KEEP = 16
"""Entries kept: one per catalogue and entity set in use."""


def default_cache_dir() -> Path:
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("charter"))


@dataclass(frozen=True)
class PatternCache:
    """``CompiledPatterns`` in a directory (picklable: spawned workers get it too)."""

    directory: Path

    def load(self, key: str) -> bytes | None:
        try:
            return (self.directory / f"{key}.hs").read_bytes()
        except OSError:
            return None

    def save(self, key: str, data: bytes) -> None:
        target = self.directory / f"{key}.hs"
        partial = self.directory / f".{key}.{os.getpid()}.partial"
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            partial.write_bytes(data)
            partial.replace(target)  # readers see the whole entry or none
            entries = sorted(
                self.directory.glob("*.hs"), key=lambda p: p.stat().st_mtime, reverse=True
            )
            for old in entries[KEEP:]:
                old.unlink(missing_ok=True)
        except OSError:
            with contextlib.suppress(OSError):
                partial.unlink()


def pattern_cache() -> PatternCache:
    return PatternCache(default_cache_dir() / "patterns")
