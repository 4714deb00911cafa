"""Artwork headers against a partner profile: each rule at its edge, and hostile images
(a PNG declaring absurd dimensions, a truncated file) as located errors."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from charter.domain.base import ProfileSource
from charter.domain.errors import InputError
from charter.domain.quality_profiles import ArtworkProfile
from charter.engines.media.image_files import read_image
from charter.quality.artwork_rules import check_artwork

SOURCE = ProfileSource(rules=["IM-DIM"], url="https://example.org/spec", retrieved="2026-11-25")  # type: ignore[arg-type]
KEY_ART = ArtworkProfile(
    id="artwork/key-art",
    title="Key art 16:9",
    sources=[SOURCE],
    formats=["PNG", "JPEG"],
    min_width=1920,
    min_height=1080,
    aspect_ratios=["16:9"],
    aspect_tolerance=0.01,
    color_modes=["RGB"],
    embedded_icc="forbidden",
    max_bytes=2_000_000,
    alpha="forbidden",
)


def rules(path: Path, profile: ArtworkProfile = KEY_ART) -> list[str]:
    return [f.rule for f in check_artwork(read_image(path), profile)]


def test_a_compliant_image_passes_and_each_rule_fails_at_its_edge(tmp_path: Path) -> None:
    good = tmp_path / "good.png"
    Image.new("RGB", (1920, 1080), (10, 20, 30)).save(good)
    assert rules(good) == []
    near = tmp_path / "near.png"  # 1.7833 against 1.7778: 0.3 %, inside 1 %
    Image.new("RGB", (1926, 1080)).save(near)
    assert rules(near) == []
    small = tmp_path / "small.jpg"
    Image.new("RGB", (1280, 720)).save(small, quality=80)
    assert rules(small) == ["IM-DIM", "IM-DIM"]
    square = tmp_path / "square.png"
    Image.new("RGB", (2000, 2000)).save(square)
    assert rules(square) == ["IM-ASPECT"]
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (1920, 1080)).save(logo)
    assert rules(logo) == ["IM-MODE", "IM-ALPHA"]
    tiff = tmp_path / "print.tif"
    Image.new("CMYK", (1920, 1080)).save(tiff, compression="tiff_deflate")
    assert rules(tiff) == ["IM-FMT", "IM-MODE"]
    tagged = tmp_path / "tagged.png"
    Image.new("RGB", (1920, 1080)).save(tagged, icc_profile=b"\0" * 128)
    assert rules(tagged) == ["IM-ICC"]
    tight = KEY_ART.model_copy(update={"max_bytes": 100, "alpha": "required"})
    assert rules(good, tight) == ["IM-BYTES", "IM-ALPHA"]


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def test_absurd_dimensions_truncated_and_non_images_are_located_errors(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_header(100_000, 100_000))
    with pytest.raises(InputError, match="refused"):
        read_image(bomb)
    good = tmp_path / "good.png"
    Image.new("RGB", (64, 64), (200, 0, 0)).save(good)
    cut = tmp_path / "cut.png"
    cut.write_bytes(good.read_bytes()[:60])
    with pytest.raises(InputError, match=str(cut)):
        read_image(cut)
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    with pytest.raises(InputError, match="not an image Pillow can read"):
        read_image(text)
