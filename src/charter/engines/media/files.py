"""The ``DeliverableFiles`` port on local files (the audit's quality checks use it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from charter.domain.errors import InputError
from charter.domain.quality_profiles import (
    ArtworkProfile,
    AudioProfile,
    TextProfile,
    TimedTextProfile,
)
from charter.engines.media.audio_files import measure_audio
from charter.engines.media.image_files import read_image
from charter.engines.media.provenance_records import SUFFIX as RECORD_SUFFIX
from charter.engines.media.text_files import read_text_document
from charter.engines.media.timed_text_files import read_frame_list, read_glyph_list, read_timed_text
from charter.quality.artwork_rules import ImageFacts
from charter.quality.audio_rules import AudioMeasurement
from charter.quality.provenance_rules import Provenance
from charter.quality.text_rules import TextDocument
from charter.quality.timed_text import TimedText


@dataclass(frozen=True)
class MediaFiles:
    """Deliverables from disk; profiles through the loader the composition root hands over."""

    load_profile: Callable[[str], TimedTextProfile]
    load_audio_profile: Callable[[str], AudioProfile]
    load_artwork_profile: Callable[[str], ArtworkProfile]
    load_text_profile: Callable[[str], TextProfile]
    fingerprint: Callable[[Any], str]
    """A public key's fingerprint, as ``charter keys show`` prints it."""

    def matching(self, root: Path, pattern: str) -> list[Path]:
        base = root.resolve()
        candidate = root / pattern
        if candidate.is_dir():
            found = [p for p in candidate.rglob("*") if p.is_file()]
        elif candidate.is_file():
            found = [candidate]
        else:
            found = [p for p in root.glob(pattern) if p.is_file()]
        return sorted(
            p
            for p in found
            if p.resolve().is_relative_to(base) and not p.name.endswith(RECORD_SUFFIX)
        )

    def modified(self, path: Path) -> date:
        try:
            stamp = path.stat().st_mtime
        except OSError as exc:
            raise InputError.at(str(path), 0, 0, f"cannot read file: {exc.strerror}") from exc
        return datetime.fromtimestamp(stamp, UTC).date()

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

    def image(self, path: Path) -> ImageFacts:
        return read_image(path)

    def artwork_profile(self, reference: str) -> ArtworkProfile:
        return self.load_artwork_profile(reference)

    def text(self, path: Path, default_field: str) -> TextDocument:
        return read_text_document(path, default_field)

    def text_profile(self, reference: str) -> TextProfile:
        return self.load_text_profile(reference)

    def provenance(
        self, path: Path, trust_anchors: Path | None, record_keys: list[Path]
    ) -> Provenance:
        from charter.engines.media.content_credentials import can_embed, read_credentials
        from charter.engines.media.provenance_records import read_record

        if can_embed(path):  # media carry their manifest; a record beside them does not count
            anchors = _read_pem(trust_anchors, "CERTIFICATE") if trust_anchors else None
            return Provenance(True, read_credentials(path, anchors), None)
        record = read_record(path, self._trusted_keys(record_keys), self.fingerprint)
        return Provenance(False, None, record)

    def _trusted_keys(self, record_keys: list[Path]) -> frozenset[str]:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        trusted = set()
        for key_file in record_keys:
            try:
                key = load_pem_public_key(_read_pem(key_file, "PUBLIC KEY").encode())
            except ValueError as exc:
                raise InputError.at(str(key_file), 1, 1, f"not a PEM public key: {exc}") from exc
            if not isinstance(key, Ed25519PublicKey):
                raise InputError.at(str(key_file), 1, 1, "not an Ed25519 key (charter keys)")
            trusted.add(self.fingerprint(key))
        return frozenset(trusted)


def _read_pem(path: Path, kind: str) -> str:
    """A PEM file's text; ``InputError`` when it is missing or holds no ``kind`` block."""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.at(str(path), 0, 0, f"cannot read: {exc}") from exc
    if f"-----BEGIN {kind}-----" not in text:
        raise InputError.at(str(path), 1, 1, f"no PEM {kind} block")
    return text
