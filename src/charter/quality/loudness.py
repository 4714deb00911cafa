"""Programme loudness (ITU-R BS.1770-4), loudness range (EBU Tech 3342) and true peak,
measured block by block so that an hour of 5.1 never has to be in memory at once.

- **K-weighting**: the two biquads of BS.1770 (a +4 dB high shelf at 1,500 Hz, Q 1/sqrt 2,
  and a high pass at 38 Hz, Q 0.5) designed for the file's sample rate with the RBJ
  cookbook formulas, as pyloudnorm designs them; run with ``scipy.signal.sosfilt`` and its
  state carried from block to block.
- **Integrated loudness**: mean squares per 100 ms hop; gating blocks of 400 ms (four hops,
  75 % overlap); channel weights 1 (L, R, C), 1.41 (surrounds), 0 (LFE); absolute gate
  -70 LKFS, relative gate -10 LU.
- **Loudness range**: short-term loudness over 3 s (30 hops) every 100 ms (EBU's 10 Hz),
  absolute gate -70, relative gate -20 LU, the 95th minus the 10th percentile.
- **True peak**: 4x oversampling with a 49-tap windowed-sinc interpolator (zeros at every
  fourth tap, so original samples pass unchanged), the largest absolute value in dBTP.
  BS.1770-4 Annex 2 gives a 48-tap filter; the difference is within 0.1-0.2 dB, so
  verdicts keep a margin (docs/quality.md). Only the 100 ms chunks whose largest sample,
  times the interpolator's gain bound, could beat the peak found so far are oversampled:
  the result equals oversampling everything.
- **Dialogue loudness (advisory)**: the platform's dialogue-gated figure comes from a
  proprietary speech detector, so it cannot be reproduced. As a documented approximation,
  the dialogue signal (the centre channel of 5.1, else the mean of the channels) is split
  into the speech band (300-3,400 Hz, 4th-order Butterworth) and the rest; a 100 ms hop is
  speech-like when at least ``SPEECH_BAND_SHARE`` of its energy lies in the band and it is
  above the absolute gate; the gating blocks made only of speech-like hops are gated as
  BS.1770 gates the programme. It is an estimate for mixers, never a verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import signal

FloatArray = npt.NDArray[np.float64]

ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0
LRA_RELATIVE_GATE = -20.0
HOP_SECONDS = 0.1
BLOCK_HOPS = 4
SHORT_TERM_HOPS = 30
OVERSAMPLING = 4
_LEFT, _RIGHT = 5, 6
"""An interpolated value between samples i and i+1 depends on samples i-5 .. i+6 (49 taps)."""
SURROUND_WEIGHT = 1.41
"""BS.1770-4 Table 3: +1.5 dB for the surround channels."""
SPEECH_BAND = (300.0, 3400.0)
SPEECH_BAND_SHARE = 0.7
"""Share of a hop's energy in the speech band that makes it speech-like (voiced speech keeps
most of its energy there; music beds, effects and room tone spread wider)."""


def k_weighting(rate: float) -> FloatArray:
    """Second-order sections of the K-weighting filter at ``rate``."""
    sections = []
    for kind, gain_db, q, fc in (
        ("shelf", 4.0, 1 / math.sqrt(2), 1500.0),
        ("pass", 0.0, 0.5, 38.0),
    ):
        a_gain = 10 ** (gain_db / 40)
        w0 = 2 * math.pi * fc / rate
        alpha = math.sin(w0) / (2 * q)
        cos = math.cos(w0)
        if kind == "shelf":
            root = 2 * math.sqrt(a_gain) * alpha
            b = [
                a_gain * ((a_gain + 1) + (a_gain - 1) * cos + root),
                -2 * a_gain * ((a_gain - 1) + (a_gain + 1) * cos),
                a_gain * ((a_gain + 1) + (a_gain - 1) * cos - root),
            ]
            a = [
                (a_gain + 1) - (a_gain - 1) * cos + root,
                2 * ((a_gain - 1) - (a_gain + 1) * cos),
                (a_gain + 1) - (a_gain - 1) * cos - root,
            ]
        else:
            b = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2]
            a = [1 + alpha, -2 * cos, 1 - alpha]
        sections.append([v / a[0] for v in b] + [1.0] + [v / a[0] for v in a[1:]])
    return np.array(sections)


def channel_weights(channels: int) -> FloatArray:
    """BS.1770 weights in the usual channel order: mono/stereo 1; 5.1 (L R C LFE Ls Rs)
    drops the LFE and weights the surrounds 1.41; 5.0 (L R C Ls Rs) likewise."""
    if channels == 6:
        return np.array([1.0, 1.0, 1.0, 0.0, SURROUND_WEIGHT, SURROUND_WEIGHT])
    if channels == 5:
        return np.array([1.0, 1.0, 1.0, SURROUND_WEIGHT, SURROUND_WEIGHT])
    return np.ones(channels)


def interpolator() -> FloatArray:
    """The 4x oversampling filter: a Kaiser-windowed sinc, 49 taps, gain 4 (unity after
    zero-stuffing)."""
    taps: FloatArray = (
        signal.firwin(49, 1 / OVERSAMPLING, window=("kaiser", 6.0), scale=False) * OVERSAMPLING
    )
    return taps


def _lufs(energy: float) -> float:
    return -0.691 + 10 * math.log10(energy) if energy > 0 else -math.inf


@dataclass
class LoudnessMeter:
    """Feed blocks of samples (frames x channels, float in [-1, 1]); read the figures."""

    rate: int
    channels: int
    weights: FloatArray = field(init=False)
    _sos: FloatArray = field(init=False, repr=False)
    _state: FloatArray = field(init=False, repr=False)
    _hop: int = field(init=False)
    _pending: FloatArray = field(init=False, repr=False)
    _hops: list[FloatArray] = field(init=False, repr=False)
    _tail: FloatArray = field(init=False, repr=False)
    _phase_weights: FloatArray = field(init=False, repr=False)
    _bound: float = field(init=False)
    _speech_sos: FloatArray = field(init=False, repr=False)
    _speech_state: FloatArray = field(init=False, repr=False)
    _speech_pending: FloatArray = field(init=False, repr=False)
    _speech_hops: list[FloatArray] = field(init=False, repr=False)
    true_peak: float = 0.0
    sample_peak: float = 0.0
    clipped: int = 0
    frames: int = 0

    def __post_init__(self) -> None:
        self.weights = channel_weights(self.channels)
        self._sos = k_weighting(self.rate)
        zi = signal.sosfilt_zi(self._sos)  # steady state for a unit step; start from rest
        self._state = np.zeros((zi.shape[0], 2, self.channels))
        self._hop = round(self.rate * HOP_SECONDS)
        self._pending = np.zeros((0, self.channels))
        self._hops = []
        taps = interpolator()
        center = len(taps) // 2
        offsets = np.arange(-_LEFT, _RIGHT + 1)
        # the value between samples i and i+1 at phase p: sum over d of x[i+d] h[center+p-4d]
        index = center + np.arange(1, OVERSAMPLING)[None, :] - OVERSAMPLING * offsets[:, None]
        inside = (index >= 0) & (index < len(taps))
        self._phase_weights = np.where(inside, taps[np.clip(index, 0, len(taps) - 1)], 0.0)
        self._bound = float(np.abs(self._phase_weights).sum(axis=0).max())
        self._tail = np.zeros((_LEFT + _RIGHT, self.channels))
        high = min(SPEECH_BAND[1], 0.45 * self.rate)
        self._speech_sos = signal.butter(
            2, (SPEECH_BAND[0], high), btype="bandpass", fs=self.rate, output="sos"
        ).astype(np.float32)
        self._speech_state = np.zeros((self._speech_sos.shape[0], 2), dtype=np.float32)
        self._speech_pending = np.zeros((2, 0), dtype=np.float32)
        self._speech_hops = []

    def feed(self, block: npt.ArrayLike) -> None:
        x = np.asarray(block, dtype=np.float64)
        if x.ndim == 1:
            x = x[:, None]
        if x.shape[1] != self.channels:
            raise ValueError(f"expected {self.channels} channels, got {x.shape[1]}")
        if not len(x):
            return
        self.frames += len(x)
        magnitude = np.abs(x)
        self.sample_peak = max(self.sample_peak, float(magnitude.max()))
        self.clipped += int(np.count_nonzero(magnitude >= 1.0 - 2.0**-15))
        self._peaks(x)
        filtered, self._state = signal.sosfilt(self._sos, x, axis=0, zi=self._state)
        squared = np.concatenate([self._pending, filtered * filtered])
        whole = len(squared) // self._hop * self._hop
        if whole:
            sums = squared[:whole].reshape(-1, self._hop, self.channels).sum(axis=1)
            self._hops.append(sums)
        self._pending = squared[whole:]
        self._feed_dialogue(x)

    def _feed_dialogue(self, x: FloatArray) -> None:
        """Speech-band and total energy of the dialogue signal per 100 ms hop. An advisory
        classifier, so it runs in float32 (sums in float64): a third of the float64 cost."""
        if self.channels == 6:
            voice = x[:, 2].astype(np.float32)
        else:  # the mean of the channels (a matrix product: far faster than .mean here)
            voice = (x @ np.full(self.channels, 1 / self.channels)).astype(np.float32)
        band, self._speech_state = signal.sosfilt(self._speech_sos, voice, zi=self._speech_state)
        voice = np.concatenate([self._speech_pending[0], voice])
        band = np.concatenate([self._speech_pending[1], band])
        whole = len(voice) // self._hop * self._hop
        if whole:
            shape = (-1, self._hop)
            self._speech_hops.append(
                np.column_stack(
                    [_hop_energy(band[:whole], shape), _hop_energy(voice[:whole], shape)]
                )
            )
        self._speech_pending = np.stack([voice[whole:], band[whole:]])

    def dialogue(self) -> tuple[float, float]:
        """Advisory dialogue loudness (LKFS) and the share of the gated programme that is
        speech-like (0-1): see the module's notes; ``-inf`` and 0 without speech."""
        hops = self.hop_energies()
        if len(hops) < BLOCK_HOPS or not self._speech_hops:
            return -math.inf, 0.0
        energy = np.concatenate(self._speech_hops)[: len(hops)]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(energy[:, 1] > 0, energy[:, 0] / energy[:, 1], 0.0)
            loud = -0.691 + 10 * np.log10(hops) > ABSOLUTE_GATE
        speech = (share >= SPEECH_BAND_SHARE) & loud
        blocks = np.convolve(hops, np.ones(BLOCK_HOPS) / BLOCK_HOPS, mode="valid")
        spoken = np.convolve(speech, np.ones(BLOCK_HOPS), mode="valid") == BLOCK_HOPS
        audible = np.convolve(loud, np.ones(BLOCK_HOPS), mode="valid") == BLOCK_HOPS
        fraction = float(spoken.sum() / audible.sum()) if audible.any() else 0.0
        if not spoken.any():
            return -math.inf, fraction
        return _gated(blocks[spoken], RELATIVE_GATE), fraction

    def _peaks(self, x: FloatArray, *, final: bool = False) -> None:
        """Raise ``true_peak`` with the interpolated values between the samples of ``x``.

        Only positions whose neighbourhood holds a sample large enough to beat the peak so
        far (``|y| <= gain bound x largest neighbour``) are interpolated, with the exact
        polyphase weights: the same maximum as oversampling everything, for a fraction of
        the work. The last samples wait for the next block (their right neighbours)."""
        left, right = -_LEFT, _RIGHT  # neighbours of position i: i + d for d in [left, right]
        padded = np.concatenate([self._tail, x]) if len(x) else self._tail
        if final:
            padded = np.concatenate([padded, np.zeros((right, self.channels))])
        last = len(padded) - right  # positions [first, last) have all their neighbours
        first = -left
        if last > first:
            threshold = max(self.true_peak, self.sample_peak) / self._bound
            rows, cols = np.nonzero(np.abs(padded) >= threshold)
            if len(rows):
                # a sample j enters the values between i and i+1 for i = j - d, d in offsets
                offsets = np.arange(left, right + 1)
                near = rows[:, None] - offsets[None, :]
                keys = (near * self.channels + cols[:, None]).ravel()
                keys = np.unique(
                    keys[(keys >= first * self.channels) & (keys < last * self.channels)]
                )
                positions, channels = np.divmod(keys, self.channels)
                windows = padded[positions[:, None] + offsets[None, :], channels[:, None]]
                if len(windows):
                    values = windows @ self._phase_weights
                    self.true_peak = max(self.true_peak, float(np.abs(values).max()))
        self.true_peak = max(self.true_peak, self.sample_peak)  # phase 0: the samples
        keep = right - left
        self._tail = padded[max(len(padded) - keep, 0) :] if not final else self._tail[:0]

    def hop_energies(self) -> FloatArray:
        """Weighted mean square per 100 ms hop (complete hops only)."""
        if not self._hops:
            return np.zeros(0)
        sums = np.concatenate(self._hops) / self._hop
        energies: FloatArray = sums @ self.weights
        return energies

    def integrated(self) -> float:
        """Gated programme loudness in LKFS (``-inf`` below the absolute gate)."""
        hops = self.hop_energies()
        if len(hops) < BLOCK_HOPS:
            return -math.inf
        blocks = np.convolve(hops, np.ones(BLOCK_HOPS) / BLOCK_HOPS, mode="valid")
        return _gated(blocks, RELATIVE_GATE)

    def loudness_range(self) -> float:
        """EBU Tech 3342 loudness range in LU (``nan`` with too few loud short-term values)."""
        hops = self.hop_energies()
        if len(hops) < SHORT_TERM_HOPS:
            return math.nan
        windows = np.convolve(hops, np.ones(SHORT_TERM_HOPS) / SHORT_TERM_HOPS, mode="valid")
        with np.errstate(divide="ignore"):
            loudness = -0.691 + 10 * np.log10(windows)
        above = windows[loudness > ABSOLUTE_GATE]
        if not len(above):
            return math.nan
        gate = _lufs(float(above.mean())) + LRA_RELATIVE_GATE
        kept = loudness[(loudness > ABSOLUTE_GATE) & (loudness > gate)]
        if len(kept) < 2:
            return math.nan
        low, high = np.percentile(kept, [10, 95])
        return float(high - low)

    def silences(self, threshold: float = ABSOLUTE_GATE) -> list[tuple[float, float]]:
        """Stretches (start s, length s) whose 100 ms loudness stays below ``threshold``."""
        hops = self.hop_energies()
        with np.errstate(divide="ignore"):
            quiet = -0.691 + 10 * np.log10(np.maximum(hops, 1e-300)) < threshold
        runs = []
        start = None
        for index, flag in enumerate([*quiet.tolist(), False]):
            if flag and start is None:
                start = index
            elif not flag and start is not None:
                runs.append((start * HOP_SECONDS, (index - start) * HOP_SECONDS))
                start = None
        return runs

    def finish(self) -> None:
        """Interpolate up to the last sample (the signal is silent after it)."""
        if len(self._tail):
            self._peaks(np.zeros((0, self.channels)), final=True)

    def summary(self) -> dict[str, Any]:
        self.finish()
        dialogue, speech = self.dialogue()
        return {
            "integrated_lufs": self.integrated(),
            "loudness_range_lu": self.loudness_range(),
            "true_peak_dbtp": 20 * math.log10(self.true_peak) if self.true_peak > 0 else -math.inf,
            "sample_peak_dbfs": 20 * math.log10(self.sample_peak)
            if self.sample_peak > 0
            else -math.inf,
            "clipped_samples": self.clipped,
            "seconds": self.frames / self.rate,
            "dialogue_lufs": dialogue,
            "speech_fraction": speech,
        }


def _hop_energy(samples: npt.NDArray[np.float32], shape: tuple[int, int]) -> FloatArray:
    """Sum of squares per hop, accumulated in float64."""
    hops = samples.reshape(shape).astype(np.float64)
    energy: FloatArray = np.einsum("ij,ij->i", hops, hops)
    return energy


def _gated(blocks: FloatArray, relative: float) -> float:
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10 * np.log10(blocks)
    above = blocks[loudness > ABSOLUTE_GATE]
    if not len(above):
        return -math.inf
    gate = _lufs(float(above.mean())) + relative
    kept = blocks[(loudness > ABSOLUTE_GATE) & (loudness > gate)]
    return _lufs(float(kept.mean())) if len(kept) else -math.inf
