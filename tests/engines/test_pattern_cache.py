"""Compiled prefilter databases kept between runs: loaded instead of compiled, and a
damaged or unwritable cache only costs a compile."""

from __future__ import annotations

from pathlib import Path

import hyperscan
import pytest

from charter.engines.text.pattern_cache import KEEP, PatternCache
from charter.guidelines.profiles import load_pii_catalogue
from charter.privacy.corpus import generate
from charter.privacy.detector import Detector

CATALOGUE = load_pii_catalogue()
TEXT = "\n".join(line.text for line in generate(800, seed=12)) + "\n"


class _NoCompiling:
    """Stands in for ``hyperscan.Database`` when a test shows nothing is compiled."""

    def __init__(self) -> None:
        raise AssertionError("compiled although the cache holds the database")


def test_a_cached_database_is_loaded_and_finds_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = PatternCache(tmp_path / "patterns")
    first = Detector(CATALOGUE, compiled=cache)
    (entry,) = (tmp_path / "patterns").glob("*.hs")
    expected = first.find(TEXT)
    assert len(expected) > 200
    with monkeypatch.context() as patched:
        patched.setattr(hyperscan, "Database", _NoCompiling)
        loaded = Detector(CATALOGUE, compiled=cache)
    assert loaded.find(TEXT) == expected
    other_set = Detector(CATALOGUE, entities=["EMAIL_ADDRESS"], compiled=cache)
    assert len(list((tmp_path / "patterns").glob("*.hs"))) == 2  # one per pattern set
    assert {m.entity for m in other_set.find(TEXT)} == {"EMAIL_ADDRESS"}
    entry.write_bytes(b"not a database" * 100)  # damaged: compiled again and replaced
    again = Detector(CATALOGUE, compiled=cache)
    assert again.find(TEXT) == expected
    assert entry.read_bytes() != b"not a database" * 100


def test_an_unwritable_cache_is_skipped(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache directory would be")
    detector = Detector(CATALOGUE, compiled=PatternCache(blocked / "patterns"))
    assert detector.find("mail ana.lind@proton.me")[0].entity == "EMAIL_ADDRESS"
    assert list(tmp_path.iterdir()) == [blocked]


def test_only_the_newest_entries_stay(tmp_path: Path) -> None:
    cache = PatternCache(tmp_path)
    for index in range(KEEP + 3):
        cache.save(f"{index:064x}", b"x")
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert len(kept) == KEEP
    assert not any(name.startswith(".") for name in kept)  # no partial entry left
