"""Audio files (WAV, BWF, RF64, FLAC) streamed in blocks through the loudness meter.

soundfile (libsndfile, its wheel bundles the library) decodes PCM and FLAC to float64 a
block at a time, so memory stays at one block however long the programme. A file that
libsndfile cannot open or that ends early is a located input error for that file.
"""

from __future__ import annotations

from pathlib import Path

from charter.domain.errors import InputError
from charter.quality.audio_rules import AudioMeasurement

BLOCK_FRAMES = 1 << 17
"""Frames per block: 2.7 s at 48 kHz, 6 MiB of float64 for 5.1."""
_BIT_DEPTHS = {
    "PCM_S8": 8,
    "PCM_U8": 8,
    "PCM_16": 16,
    "PCM_24": 24,
    "PCM_32": 32,
    "FLOAT": 32,
    "DOUBLE": 64,
}


MIN_SAMPLE_RATE = 8_000
"""Below this the K-weighting and speech-band filters cannot be designed (and no delivery
format is that slow)."""


def measure_audio(path: Path) -> AudioMeasurement:
    """Format and loudness of one file; ``InputError`` when it cannot be read."""
    import soundfile

    from charter.quality.loudness import LoudnessMeter  # numpy and scipy load only here

    name = str(path)
    try:
        info = soundfile.info(name)
    except (RuntimeError, OSError, soundfile.LibsndfileError) as exc:
        raise InputError.at(name, 0, 0, f"not a readable audio file: {_first_line(exc)}") from exc
    if info.frames <= 0 or info.samplerate <= 0 or info.channels <= 0:
        raise InputError.at(name, 0, 0, "the audio file holds no samples")
    if info.samplerate < MIN_SAMPLE_RATE:
        raise InputError.at(
            name, 0, 0, f"sample rate {info.samplerate} Hz is under {MIN_SAMPLE_RATE}: not a mix"
        )
    if info.format == "WAV":
        _check_wav_length(path, name)
    meter = LoudnessMeter(int(info.samplerate), int(info.channels))
    read = 0
    try:
        with soundfile.SoundFile(name) as handle:
            for block in handle.blocks(blocksize=BLOCK_FRAMES, dtype="float64", always_2d=True):
                meter.feed(block)
                read += len(block)
    except (RuntimeError, OSError, soundfile.LibsndfileError) as exc:
        raise InputError.at(name, 0, 0, f"cannot decode audio: {_first_line(exc)}") from exc
    if read < info.frames:
        raise InputError.at(
            name, 0, 0, f"the file ends after {read} of its {info.frames} frames (truncated)"
        )
    summary = meter.summary()
    return AudioMeasurement(
        path=name,
        format=f"{info.format} {info.subtype}",
        sample_rate=int(info.samplerate),
        bit_depth=_BIT_DEPTHS.get(info.subtype),
        channels=int(info.channels),
        seconds=summary["seconds"],
        integrated_lufs=summary["integrated_lufs"],
        loudness_range_lu=summary["loudness_range_lu"],
        true_peak_dbtp=summary["true_peak_dbtp"],
        sample_peak_dbfs=summary["sample_peak_dbfs"],
        clipped_samples=summary["clipped_samples"],
        silences=tuple(meter.silences()),
        dialogue_lufs=summary["dialogue_lufs"],
        speech_fraction=summary["speech_fraction"],
    )


def _check_wav_length(path: Path, name: str) -> None:
    """libsndfile quietly reads what is there when a WAV file ends before its ``data``
    chunk says: compare the declared size with the bytes present."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    at = head.find(b"data", 12)
    if at < 0 or at + 8 > len(head):
        return
    declared = int.from_bytes(head[at + 4 : at + 8], "little")
    present = path.stat().st_size - (at + 8)
    if declared != 0xFFFFFFFF and declared > present:
        raise InputError.at(
            name,
            0,
            0,
            f"truncated: the data chunk declares {declared} bytes, {present} are present",
        )


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
