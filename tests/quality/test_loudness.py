"""The streaming loudness meter against pyloudnorm (BS.1770-4 integrated loudness, EBU Tech
3342 loudness range) within 0.1 LU, and its true peak against oversampling everything."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pyloudnorm
import pytest
from scipy import signal

from charter.quality.loudness import FloatArray, LoudnessMeter, interpolator

RATE = 48_000
RNG = np.random.default_rng(2026)


def measure(x: npt.NDArray[np.float64], block: int = 50_000) -> LoudnessMeter:
    meter = LoudnessMeter(RATE, x.shape[1])
    for start in range(0, len(x), block):
        meter.feed(x[start : start + block])
    meter.finish()
    return meter


def reference(x: npt.NDArray[np.float64]) -> pyloudnorm.Meter:
    return pyloudnorm.Meter(RATE)


SECONDS = 40
T = np.arange(RATE * SECONDS) / RATE
SIGNALS = {
    "stereo noise": RNG.normal(0, 0.05, (RATE * SECONDS, 2)),
    "level steps": RNG.normal(0, 0.05, (RATE * SECONDS, 2))
    * np.repeat([0.2, 1.0, 3.0, 0.5], RATE * SECONDS // 4)[:, None],
    "two tones": np.stack(
        [0.5 * np.sin(2 * np.pi * 1000 * T), 0.2 * np.sin(2 * np.pi * 60 * T)], 1
    ),
    "mono speech-like": (RNG.normal(0, 0.1, RATE * SECONDS) * np.sin(2 * np.pi * 3 * T) ** 4)[
        :, None
    ],
    "quiet with a gap": np.concatenate(
        [
            RNG.normal(0, 0.01, (RATE * 15, 2)),
            np.zeros((RATE * 10, 2)),
            RNG.normal(0, 0.2, (RATE * 15, 2)),
        ]
    ),
}


@pytest.mark.parametrize("name", list(SIGNALS))
def test_integrated_loudness_and_range_match_pyloudnorm(name: str) -> None:
    x = SIGNALS[name]
    meter = measure(x)
    ref = pyloudnorm.Meter(RATE)
    assert meter.integrated() == pytest.approx(ref.integrated_loudness(x), abs=0.1)
    assert meter.loudness_range() == pytest.approx(ref.loudness_range(x), abs=0.1)


def test_five_one_drops_the_lfe_and_weights_the_surrounds_like_pyloudnorm_five_channels() -> None:
    x = RNG.normal(0, 0.05, (RATE * 20, 6))
    x[:, 3] *= 4  # a loud LFE must not count
    meter = measure(x)
    expected = pyloudnorm.Meter(RATE).integrated_loudness(x[:, [0, 1, 2, 4, 5]])
    assert meter.integrated() == pytest.approx(expected, abs=0.1)


def test_true_peak_equals_oversampling_everything_and_finds_inter_sample_peaks() -> None:
    x = RNG.normal(0, 0.05, (RATE * 5, 2))
    full = float(np.abs(signal.upfirdn(interpolator(), x, up=4, axis=0)).max())
    assert measure(x, block=7_777).true_peak == pytest.approx(full, rel=1e-12)
    # a sine at a quarter of the rate, sampled 45 degrees off its crest: samples reach
    # 0.9 x 0.707 (-3.9 dBFS), the waveform 0.9 (-0.9 dBTP)
    t = np.arange(RATE) / RATE
    tone = (0.9 * np.sin(2 * np.pi * RATE / 4 * t + np.pi / 4))[:, None]
    meter = measure(tone)
    assert 20 * math.log10(meter.sample_peak) == pytest.approx(-3.93, abs=0.01)
    assert 20 * math.log10(meter.true_peak) == pytest.approx(-0.92, abs=0.2)


def test_silence_clipping_and_short_signals() -> None:
    x = np.concatenate(
        [RNG.normal(0, 0.1, (RATE * 2, 1)), np.zeros((RATE * 5, 1)), np.ones((10, 1))]
    )
    meter = measure(x)
    assert meter.clipped == 10
    ((start, length),) = [run for run in meter.silences() if run[1] > 1]
    # 100 ms hops: the K-weighting filter rings out into the first hop of silence
    assert start == pytest.approx(2.0, abs=0.15)
    assert length == pytest.approx(5.0, abs=0.15)
    tiny = measure(RNG.normal(0, 0.1, (RATE // 10, 1)))
    assert tiny.integrated() == -math.inf
    assert math.isnan(tiny.loudness_range())


def _dialogue_scene(seconds: int = 10) -> tuple[FloatArray, FloatArray]:
    """Speech-like noise (400-3,000 Hz, 4 Hz syllable modulation) and a louder music bed
    (80 Hz and 6 kHz tones over broadband noise)."""
    rate = 48_000
    rng = np.random.default_rng(1)
    t = np.arange(rate * seconds) / rate
    band = signal.butter(4, (400, 3000), btype="bandpass", fs=rate, output="sos")
    speech = signal.sosfilt(band, rng.normal(0, 1, len(t))) * (0.6 + 0.4 * np.sin(8 * np.pi * t))
    speech *= 0.05 / np.sqrt(np.mean(speech**2))
    music = 0.2 * np.sin(2 * np.pi * 80 * t) + 0.08 * np.sin(2 * np.pi * 6000 * t)
    music += 0.02 * rng.normal(0, 1, len(t))
    return speech, music


def _measure(mono: FloatArray, channels: int = 2) -> LoudnessMeter:
    meter = LoudnessMeter(48_000, channels)
    if channels == 6:  # dialogue in the centre, the bed in front left/right
        frames = np.zeros((len(mono), 6))
        frames[:, 2] = mono
    else:
        frames = np.repeat(mono[:, None], channels, axis=1)
    for start in range(0, len(frames), 65_536):
        meter.feed(frames[start : start + 65_536])
    meter.finish()
    return meter


def test_dialogue_estimate_follows_speech_not_the_louder_music() -> None:
    speech, music = _dialogue_scene()
    alone = _measure(speech)
    scene = _measure(np.concatenate([speech, music]))
    dialogue, share = scene.dialogue()
    assert alone.dialogue()[0] == pytest.approx(alone.integrated(), abs=0.05)
    assert dialogue == pytest.approx(alone.integrated(), abs=0.5)
    assert scene.integrated() > dialogue + 3  # the programme figure is the music's
    assert share == pytest.approx(0.5, abs=0.03)
    music_only, none = _measure(music).dialogue()
    assert (music_only, none) == (-math.inf, 0.0)


def test_dialogue_estimate_reads_the_centre_of_five_one() -> None:
    speech, _ = _dialogue_scene(4)
    centre = _measure(speech, channels=6)
    dialogue, share = centre.dialogue()
    assert math.isfinite(dialogue)
    assert share == 1.0
