"""Audio files streamed from disk: the same figures as the meter on the whole array, the
format read from the header, and truncated or unreadable files as located errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from charter.domain.errors import InputError
from charter.engines.media import audio_files
from charter.engines.media.audio_files import measure_audio
from charter.quality.loudness import LoudnessMeter


def test_streaming_a_file_gives_the_figures_of_the_whole_signal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(0, 0.05, (48_000 * 8, 2))
    path = tmp_path / "mix.flac"
    soundfile.write(path, x, 48_000, subtype="PCM_24")
    decoded, _ = soundfile.read(path, always_2d=True)
    whole = LoudnessMeter(48_000, 2)
    whole.feed(decoded)
    whole.finish()
    monkeypatch.setattr(audio_files, "BLOCK_FRAMES", 10_007)
    measured = measure_audio(path)
    assert (measured.sample_rate, measured.bit_depth, measured.channels) == (48_000, 24, 2)
    assert measured.format == "FLAC PCM_24"
    assert measured.integrated_lufs == pytest.approx(whole.integrated(), abs=1e-9)
    assert measured.true_peak_dbtp == pytest.approx(20 * np.log10(whole.true_peak), abs=1e-9)


def test_truncated_and_unreadable_files_are_located_errors(tmp_path: Path) -> None:
    path = tmp_path / "dub.wav"
    soundfile.write(path, np.zeros((48_000, 2)), 48_000, subtype="PCM_24")
    cut = tmp_path / "cut.wav"
    cut.write_bytes(path.read_bytes()[:20_000])
    with pytest.raises(InputError, match="truncated: the data chunk declares 288000 bytes"):
        measure_audio(cut)
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    with pytest.raises(InputError, match="not a readable audio file"):
        measure_audio(junk)
