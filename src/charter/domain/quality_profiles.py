"""Quality-control profiles: every rule parameter as versioned data with its source.

Built-in profiles live in ``guidelines/profiles/<kind>/<id>.yaml``; a partner adds its own
in the workspace (``profiles/``) or names a file with ``--profile``. A profile never
inherits from code: each limit is written in the file next to the source it comes from.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from charter.domain.base import ProfileSource, PythonRegex, StrictModel

TimedTextFormat = Literal["srt", "webvtt", "ttml"]
DualSpeakerStyle = Literal[
    "both-no-space", "both-with-space", "second-no-space", "second-with-space"
]
PositiveInt = Annotated[int, Field(gt=0)]
PositiveFloat = Annotated[float, Field(gt=0)]
_GLYPH = re.compile(r"^[0-9A-Fa-f]{1,6}(-[0-9A-Fa-f]{1,6})?$")


class ShotChangeTiming(StrictModel):
    """Shot-change timing in frames at the subtitle's frame rate (Netflix timing guide)."""

    in_snap_after: PositiveInt = 11
    """An in-cue 1 .. this many frames after a cut moves onto the cut."""
    in_snap_before: PositiveInt = 7
    """An in-cue 1 .. this many frames before a cut moves onto the cut."""
    in_pull_before: PositiveInt = 11
    """An in-cue up to this many frames before a cut (beyond ``in_snap_before``) moves to
    ``in_pull_to`` frames before it."""
    in_pull_to: PositiveInt = 12
    out_window: PositiveInt = 12
    """An out-cue within this many frames of a cut ends ``out_gap`` frames before it."""
    out_gap: PositiveInt = 2


class TimedTextProfile(StrictModel):
    """Limits for subtitles and captions in one language and audience."""

    id: str = Field(pattern=r"^timed-text/[A-Za-z0-9._-]+$")
    title: str
    language: str
    audience: Literal["adult", "children"]
    sdh: bool = False
    sources: list[ProfileSource] = Field(min_length=1)
    max_chars_per_line: PositiveInt
    max_lines: PositiveInt
    max_cps: PositiveFloat
    min_duration_ms: PositiveInt
    max_duration_ms: PositiveInt
    min_gap_frames: PositiveInt
    frame_rates: list[PositiveFloat] = Field(min_length=1)
    """Frame rates a TTML file may declare (``ttp:frameRate`` x multiplier), within 0.01."""
    default_frame_rate: PositiveFloat
    """Used when neither ``--fps`` nor the file gives one (the timing guide is for 24)."""
    delivery_formats: list[TimedTextFormat] = Field(min_length=1)
    ellipsis: str = "\u2026"
    dual_speaker: DualSpeakerStyle | None
    """How two speakers in one event are dashed; ``None``: not checked (differs per language)."""
    italics_allowed: bool = True
    shot_changes: ShotChangeTiming = ShotChangeTiming()
    glyphs: list[str] | None = None
    """Allowed characters as code points or ranges (``0020-007E``); none = not checked."""

    @field_validator("glyphs")
    @classmethod
    def _glyph_entries(cls, value: list[str] | None) -> list[str] | None:
        for entry in value or []:
            if not _GLYPH.match(entry):
                raise ValueError(f"'{entry}' is not a hex code point or range like 0020-007E")
        return value

    @model_validator(mode="after")
    def _durations_in_order(self) -> TimedTextProfile:
        if self.min_duration_ms > self.max_duration_ms:
            raise ValueError("min_duration_ms must not exceed max_duration_ms")
        return self

    def glyph_ranges(self) -> list[tuple[int, int]]:
        """The ``glyphs`` entries as inclusive code point ranges."""
        ranges = []
        for entry in self.glyphs or []:
            low, _, high = entry.partition("-")
            ranges.append((int(low, 16), int(high or low, 16)))
        return sorted(ranges)


class AudioProfile(StrictModel):
    """Loudness and format limits for a mix or dub (programme loudness per BS.1770-4)."""

    id: str = Field(pattern=r"^audio/[A-Za-z0-9._-]+$")
    title: str
    sources: list[ProfileSource] = Field(min_length=1)
    target_lufs: float
    """Programme (full-mix, gated) loudness target in LKFS/LUFS."""
    tolerance_lu: PositiveFloat
    max_true_peak_dbtp: float
    loudness_range_lu: tuple[float, float] | None = None
    """Recommended programme loudness range (advisory, never a failure)."""
    sample_rates: list[PositiveInt] = Field(min_length=1)
    bit_depths: list[PositiveInt] = Field(min_length=1)
    channels: list[PositiveInt] = Field(min_length=1)
    max_silence_s: PositiveFloat | None = None
    """Longest stretch under -70 LUFS (100 ms blocks) before it is reported."""


class ArtworkProfile(StrictModel):
    """A partner's artwork spec (platform artwork specs are not public): each limit is
    optional, and only the limits given are checked."""

    id: str = Field(pattern=r"^artwork/[A-Za-z0-9._-]+$")
    title: str
    sources: list[ProfileSource] = Field(min_length=1)
    formats: list[Literal["PNG", "JPEG", "TIFF", "WEBP"]] | None = None
    min_width: PositiveInt | None = None
    min_height: PositiveInt | None = None
    max_width: PositiveInt | None = None
    max_height: PositiveInt | None = None
    aspect_ratios: list[Annotated[str, Field(pattern=r"^\d+:\d+$")]] | None = None
    """Allowed width:height ratios, e.g. ``16:9``."""
    aspect_tolerance: Annotated[float, Field(ge=0, le=0.5)] = 0.01
    """Relative difference from the nearest allowed ratio that still passes."""
    color_modes: list[str] | None = None
    """Pillow modes, e.g. ``RGB``, ``RGBA``, ``CMYK``."""
    embedded_icc: Literal["allowed", "forbidden"] = "allowed"
    max_bytes: PositiveInt | None = None
    alpha: Literal["required", "forbidden", "allowed"] = "allowed"


class TextField(StrictModel):
    """Length limits of one metadata field, in grapheme clusters (what a reader sees as one
    character: ``é`` written as e + combining accent counts once)."""

    max_graphemes: PositiveInt
    min_graphemes: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _ordered(self) -> TextField:
        if self.min_graphemes > self.max_graphemes:
            raise ValueError("min_graphemes is above max_graphemes")
        return self


class ArtefactPattern(StrictModel):
    """A leftover of a language model or a template (case-insensitive regular expression)."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    pattern: PythonRegex
    description: str


class TextProfile(StrictModel):
    """Limits and patterns for AI-written text (synopses, titles, marketing copy)."""

    id: str = Field(pattern=r"^text/[A-Za-z0-9._-]+$")
    title: str
    sources: list[ProfileSource] = Field(min_length=1)
    fields: dict[str, TextField] = Field(min_length=1)
    """Limits per field name (``synopsis_short``...)."""
    default_field: str
    """The field a plain-text file holds when the deliverable names none."""
    artefacts: list[ArtefactPattern] = []
    profanity: list[str] = []
    """Words (lower case) that count as profanity; matched as whole words, plural and
    -ing/-ed forms included."""
    clean_ratings: list[str] = []
    """Maturity ratings whose text must hold no profanity (``TV-Y``, ``TV-G``...)."""
    min_chrf: Annotated[float, Field(ge=0, le=100)] | None = None
    """Segment chrF below which a translation is flagged (a warning); calibrate per language
    pair on the partner's own data. ``None``: scores are reported, never flagged."""

    @model_validator(mode="after")
    def _default_field_known(self) -> TextProfile:
        if self.default_field not in self.fields:
            raise ValueError(f"default_field '{self.default_field}' is not in fields")
        ids = [a.id for a in self.artefacts]
        if len(ids) != len(set(ids)):
            raise ValueError("artefact ids must be unique")
        return self
