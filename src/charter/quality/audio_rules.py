"""Audio rules: a loudness measurement against an ``AudioProfile``.

| rule | checks | severity |
|---|---|---|
| ``AU-LOUD`` | programme loudness (BS.1770-4, gated) within target +/- tolerance | error |
| ``AU-TP`` | true peak (4x oversampled) at most the profile's maximum | error |
| ``AU-LRA`` | loudness range inside the recommended band | info |
| ``AU-FMT`` | sample rate, bit depth, channel count allowed by the profile | error |
| ``AU-CLIP`` | samples at full scale | warning |
| ``AU-SILENCE`` | a stretch below -70 LUFS longer than ``max_silence_s`` | warning |
| ``AU-LOUD-DIAL`` | advisory dialogue loudness (speech-activity approximation) off target | info |

The verdict is the programme loudness (``AU-LOUD``): the platform's dialogue-gated figure
needs a proprietary speech detector, so ``AU-LOUD-DIAL`` only informs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from charter.domain.quality_profiles import AudioProfile
from charter.quality.timed_text_rules import QcFinding, Severity

AUDIO_RULES: dict[str, Severity] = {
    "AU-LOUD": "error",
    "AU-TP": "error",
    "AU-LRA": "info",
    "AU-FMT": "error",
    "AU-CLIP": "warning",
    "AU-SILENCE": "warning",
    "AU-LOUD-DIAL": "info",
}
LOW_DIALOGUE_SHARE = 0.15
"""Below this speech share the platform's spec falls back to full-programme loudness."""


@dataclass(frozen=True)
class AudioMeasurement:
    path: str
    format: str
    sample_rate: int
    bit_depth: int | None
    channels: int
    seconds: float
    integrated_lufs: float
    loudness_range_lu: float
    true_peak_dbtp: float
    sample_peak_dbfs: float
    clipped_samples: int
    silences: tuple[tuple[float, float], ...]
    dialogue_lufs: float = -math.inf
    """Advisory: speech-activity approximation of dialogue-gated loudness."""
    speech_fraction: float = 0.0


def check_audio(measurement: AudioMeasurement, profile: AudioProfile) -> list[QcFinding]:
    found: list[QcFinding] = []

    def add(
        rule: str,
        message: str,
        value: float | str | None,
        limit: float | str | None,
        start: float | None = None,
        length: float | None = None,
    ) -> None:
        start_ms = None if start is None else round(start * 1000)
        end_ms = None if start is None or length is None else round((start + length) * 1000)
        found.append(
            QcFinding(rule, None, start_ms, end_ms, message, AUDIO_RULES[rule], value, limit)
        )

    m = measurement
    low, high = (
        profile.target_lufs - profile.tolerance_lu,
        profile.target_lufs + profile.tolerance_lu,
    )
    if not (low <= m.integrated_lufs <= high):
        loud = "silent" if math.isinf(m.integrated_lufs) else f"{m.integrated_lufs:.1f} LKFS"
        add(
            "AU-LOUD",
            f"programme loudness {loud}, outside {profile.target_lufs:g} +/- "
            f"{profile.tolerance_lu:g} LU",
            _finite(m.integrated_lufs),
            f"{low:g}..{high:g}",
        )
    if math.isfinite(m.dialogue_lufs) and not (low <= m.dialogue_lufs <= high):
        note = (
            f"; speech in {m.speech_fraction:.0%} of the programme, under "
            f"{LOW_DIALOGUE_SHARE:.0%}: the low-dialogue profile may apply"
            if m.speech_fraction < LOW_DIALOGUE_SHARE
            else ""
        )
        add(
            "AU-LOUD-DIAL",
            f"dialogue loudness about {m.dialogue_lufs:.1f} LKFS (advisory speech-activity "
            f"estimate), outside {profile.target_lufs:g} +/- {profile.tolerance_lu:g} LU{note}",
            round(m.dialogue_lufs, 2),
            f"{low:g}..{high:g}",
        )
    if m.true_peak_dbtp > profile.max_true_peak_dbtp:
        add(
            "AU-TP",
            f"true peak {m.true_peak_dbtp:.2f} dBTP above {profile.max_true_peak_dbtp:g}",
            round(m.true_peak_dbtp, 2),
            profile.max_true_peak_dbtp,
        )
    if profile.loudness_range_lu and not math.isnan(m.loudness_range_lu):
        lo, hi = profile.loudness_range_lu
        if not (lo <= m.loudness_range_lu <= hi):
            add(
                "AU-LRA",
                f"loudness range {m.loudness_range_lu:.1f} LU outside the recommended "
                f"{lo:g}-{hi:g}",
                round(m.loudness_range_lu, 2),
                f"{lo:g}..{hi:g}",
            )
    if m.sample_rate not in profile.sample_rates:
        add(
            "AU-FMT",
            f"sample rate {m.sample_rate} Hz",
            m.sample_rate,
            ", ".join(map(str, profile.sample_rates)),
        )
    if m.bit_depth not in profile.bit_depths:
        add(
            "AU-FMT",
            f"bit depth {m.bit_depth or m.format}",
            m.bit_depth or m.format,
            ", ".join(map(str, profile.bit_depths)),
        )
    if m.channels not in profile.channels:
        add("AU-FMT", f"{m.channels} channels", m.channels, ", ".join(map(str, profile.channels)))
    if m.clipped_samples:
        add("AU-CLIP", f"{m.clipped_samples} samples at full scale", m.clipped_samples, 0)
    if profile.max_silence_s:
        for start, length in m.silences:
            if length >= profile.max_silence_s:
                add(
                    "AU-SILENCE",
                    f"{length:.1f} s of silence from {start:.1f} s",
                    round(length, 1),
                    profile.max_silence_s,
                    start,
                    length,
                )
    return found


def _finite(value: float) -> float | None:
    return round(value, 2) if math.isfinite(value) else None
