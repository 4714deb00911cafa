"""Artwork rules: an image's header facts against a partner's ``ArtworkProfile``.

| rule | checks | severity |
|---|---|---|
| ``IM-FMT`` | file format is one of ``formats`` | error |
| ``IM-DIM`` | width and height within the minimum and maximum | error |
| ``IM-ASPECT`` | width:height within ``aspect_tolerance`` of an allowed ratio | error |
| ``IM-MODE`` | colour mode is one of ``color_modes`` | error |
| ``IM-ICC`` | no embedded ICC profile where the profile forbids one | error |
| ``IM-BYTES`` | file size at most ``max_bytes`` | error |
| ``IM-ALPHA`` | an alpha channel where required, none where forbidden | error |
"""

from __future__ import annotations

from dataclasses import dataclass

from charter.domain.quality_profiles import ArtworkProfile
from charter.quality.timed_text_rules import QcFinding


@dataclass(frozen=True)
class ImageFacts:
    path: str
    format: str
    width: int
    height: int
    mode: str
    alpha: bool
    icc_profile: bool
    bytes: int


def check_artwork(image: ImageFacts, profile: ArtworkProfile) -> list[QcFinding]:
    found: list[QcFinding] = []

    def add(rule: str, message: str, value: float | str | None, limit: float | str | None) -> None:
        found.append(QcFinding(rule, None, None, None, message, "error", value, limit))

    p = profile
    if p.formats and image.format not in p.formats:
        add("IM-FMT", f"format {image.format}", image.format, ", ".join(p.formats))
    for name, value, low, high in (
        ("width", image.width, p.min_width, p.max_width),
        ("height", image.height, p.min_height, p.max_height),
    ):
        if low is not None and value < low:
            add("IM-DIM", f"{name} {value} px under {low}", value, low)
        if high is not None and value > high:
            add("IM-DIM", f"{name} {value} px over {high}", value, high)
    if p.aspect_ratios:
        ratio = image.width / image.height
        wanted = {text: _ratio(text) for text in p.aspect_ratios}
        nearest = min(wanted, key=lambda text: abs(ratio / wanted[text] - 1))
        if abs(ratio / wanted[nearest] - 1) > p.aspect_tolerance:
            add(
                "IM-ASPECT",
                f"aspect {image.width}:{image.height} ({ratio:.3f}) is not "
                f"{', '.join(p.aspect_ratios)} within {p.aspect_tolerance:.0%}",
                round(ratio, 4),
                nearest,
            )
    if p.color_modes and image.mode not in p.color_modes:
        add("IM-MODE", f"colour mode {image.mode}", image.mode, ", ".join(p.color_modes))
    if p.embedded_icc == "forbidden" and image.icc_profile:
        add("IM-ICC", "an ICC profile is embedded", "embedded", "none")
    if p.max_bytes is not None and image.bytes > p.max_bytes:
        add("IM-BYTES", f"{image.bytes} bytes", image.bytes, p.max_bytes)
    if p.alpha == "required" and not image.alpha:
        add("IM-ALPHA", "no alpha channel", "none", "required")
    if p.alpha == "forbidden" and image.alpha:
        add("IM-ALPHA", "has an alpha channel", "alpha", "forbidden")
    return found


def _ratio(text: str) -> float:
    width, height = text.split(":")
    return int(width) / int(height)
