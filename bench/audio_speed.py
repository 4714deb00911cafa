# ruff: noqa: S108, PLC0415
# (S108: the data lives under /tmp/charter-bench; PLC0415: each child imports its own tool.)
"""Audio loudness speed, side by side: pyloudnorm and Charter's streaming meter.

Target (issue: quality control): integrated loudness, loudness range and true peak together
at 200x real time or better for stereo 48 kHz, streamed with bounded memory; the ratio to
pyloudnorm in the same run; the peak memory for a one-hour 5.1 file.

Data, written once under ``/tmp/charter-bench/audio`` from a fixed seed (programme-like:
noise bursts with a syllable-rate envelope over a quiet bed, 24-bit PCM WAV): 10 minutes of
stereo, and one hour of 5.1. Every measurement runs in a fresh process; the parent reads
its peak RSS (``ru_maxrss``).

- ``pyloudnorm``: ``soundfile.read`` of the whole file, then ``Meter.integrated_loudness``
  and ``Meter.loudness_range`` (pyloudnorm has no true peak; 5.1 drops the LFE, as it
  allows 5 channels);
- ``charter``: ``measure_audio``: the file streamed in blocks through K-weighting, gating,
  loudness range and 4x true peak.

Run: ``.venv/bin/python bench/audio_speed.py``
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

DATA = Path("/tmp/charter-bench/audio")
RATE = 48_000


def make(name: str, seconds: int, channels: int) -> Path:
    import numpy as np
    import soundfile

    path = DATA / name
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    with soundfile.SoundFile(path, "w", RATE, channels, subtype="PCM_24") as handle:
        for start in range(0, seconds, 10):
            t = (np.arange(RATE * 10) + start * RATE) / RATE
            envelope = np.sin(2 * np.pi * 3 * t) ** 4 * (0.5 + 0.5 * np.sin(2 * np.pi * t / 37))
            block = rng.normal(0, 0.06, (len(t), channels)) * envelope[:, None]
            block += rng.normal(0, 0.004, (len(t), channels))
            handle.write(block)
    return path


def child(tool: str, path: str) -> None:
    began = time.perf_counter()
    if tool == "pyloudnorm":
        import pyloudnorm
        import soundfile

        data, rate = soundfile.read(path, always_2d=True)
        if data.shape[1] == 6:
            data = data[:, [0, 1, 2, 4, 5]]
        meter = pyloudnorm.Meter(rate)
        result = {
            "integrated_lufs": meter.integrated_loudness(data),
            "loudness_range_lu": meter.loudness_range(data),
        }
    else:
        from charter.engines.media.audio_files import measure_audio

        m = measure_audio(Path(path))
        result = {
            "integrated_lufs": m.integrated_lufs,
            "loudness_range_lu": m.loudness_range_lu,
            "true_peak_dbtp": m.true_peak_dbtp,
        }
    result["seconds"] = time.perf_counter() - began
    print(json.dumps(result))


def measure(tool: str, path: Path) -> dict[str, float]:
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", tool, str(path)], stdout=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(process.pid, 0)
    out = process.stdout.read() if process.stdout else ""
    if status != 0:
        raise SystemExit(f"{tool} failed on {path}")
    result = json.loads(out.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - began
    result["peak_rss_mb"] = usage.ru_maxrss / 1024
    return result


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
        return
    stereo = make("stereo-10min.wav", 600, 2)
    surround = make("surround-1h.wav", 3600, 6)
    rows = []
    for label, path, seconds, tools in (
        ("10 min stereo", stereo, 600, ("pyloudnorm", "charter")),
        ("1 h 5.1", surround, 3600, ("charter",)),
    ):
        for tool in tools:
            best = min((measure(tool, path) for _ in range(2)), key=lambda r: r["seconds"])
            rows.append((label, tool, seconds, best))
    print(
        "| audio | tool | compute s | x real time | peak RSS MiB | integrated LKFS | LRA LU |"
        " true peak dBTP |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, tool, seconds, r in rows:
        print(
            f"| {label} | {tool} | {r['seconds']:.2f} | {seconds / r['seconds']:.0f}x | "
            f"{r['peak_rss_mb']:.0f} | {r['integrated_lufs']:.3f} | {r['loudness_range_lu']:.2f} | "
            f"{r.get('true_peak_dbtp', float('nan')):.2f} |"
        )
    py = next(r for label, tool, _, r in rows if tool == "pyloudnorm")
    ch = next(r for label, tool, _, r in rows if tool == "charter" and label == "10 min stereo")
    print(
        f"pyloudnorm / charter (10 min stereo): {py['seconds'] / ch['seconds']:.2f}x "
        f"(charter also computes true peak and streams)"
    )


if __name__ == "__main__":
    main()
