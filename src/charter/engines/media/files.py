"""The ``DeliverableFiles`` port on local files (the audit's quality checks use it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from charter.domain.quality_profiles import AudioProfile, TimedTextProfile
from charter.engines.media.audio_files import measure_audio
from charter.engines.media.timed_text_files import read_frame_list, read_glyph_list, read_timed_text
from charter.quality.audio_rules import AudioMeasurement
from charter.quality.timed_text import TimedText


@dataclass(frozen=True)
class MediaFiles:
    """Deliverables from disk; profiles through the loader the composition root hands over."""

    load_profile: Callable[[str], TimedTextProfile]
    load_audio_profile: Callable[[str], AudioProfile]

    def matching(self, root: Path, pattern: str) -> list[Path]:
        base = root.resolve()
        candidate = root / pattern
        if candidate.is_dir():
            found = [p for p in candidate.rglob("*") if p.is_file()]
        elif candidate.is_file():
            found = [candidate]
        else:
            found = [p for p in root.glob(pattern) if p.is_file()]
        return sorted(p for p in found if p.resolve().is_relative_to(base))

    def timed_text(self, path: Path) -> TimedText:
        return read_timed_text(path)

    def timed_text_profile(self, reference: str) -> TimedTextProfile:
        return self.load_profile(reference)

    def shot_changes(self, path: Path, fps: float) -> list[float]:
        return read_frame_list(path, fps)

    def glyphs(self, path: Path) -> list[str]:
        return read_glyph_list(path)

    def audio(self, path: Path) -> AudioMeasurement:
        return measure_audio(path)

    def audio_profile(self, reference: str) -> AudioProfile:
        return self.load_audio_profile(reference)
