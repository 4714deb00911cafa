# ruff: noqa: S108, S311
# (S108: the data lives under /tmp/charter-bench, never in the repository;
#  S311: random text for synthetic subtitles, not for security.)
"""Subtitle QC speed: ``charter qc subtitles`` on 1,000 files of about 500 events each.

Target (issue: quality control): 1,000 files (about 500,000 events) under 10 s on this
machine. Data, written once under ``/tmp/charter-bench/subtitles`` from a fixed seed: 800
SRT and 200 TTML files (24000/1001 fps, SMPTE frame times), 500 events each, with about
one event in twenty breaking a rule. Two measurements, each best of ``--runs``:

- ``service``: ``qc_subtitles`` in one process (reading, parsing, rules), imports excluded;
- ``cli``: the whole ``charter qc subtitles FOLDER --format json`` process.

No peer tool runs the same checks in Python (Subtitle Edit's Netflix check is part of a
.NET GUI), so the figure is a ratio to the target.

Run: ``.venv/bin/python bench/subtitle_speed.py``
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path("/tmp/charter-bench/subtitles")
WORDS = ["the", "a", "we", "you", "they", "said", "never", "home", "night", "light", "where"]
WORDS += ["were", "going", "back", "now", "why"]


def _srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def _smpte(seconds: float) -> str:
    frames = round(seconds * 24000 / 1001)
    whole, frame = divmod(frames, 24)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}:{frame:02d}"


def _events(rng: random.Random, count: int) -> list[tuple[float, float, list[str]]]:
    events = []
    t = 1.0
    for _ in range(count):
        words = rng.randint(3, 14)
        text = " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."
        # about 15 characters a second, at least a second; one event in twenty off limits
        duration = max(1.0, min(6.5, len(text) / rng.uniform(10, 19)))
        if rng.random() < 0.05:
            duration = rng.uniform(0.3, 9.0)
        lines = [text]
        if len(text) > 42:  # break at the space nearest the middle
            cut = text.rfind(" ", 0, len(text) // 2 + 1)
            lines = [text[:cut], text[cut + 1 :]]
        events.append((t, t + duration, lines))
        # chained (2 frames), a pause of half a second or more, or now and then too tight
        roll = rng.random()
        t += duration + (0.0835 if roll < 0.4 else rng.uniform(0.5, 2.0) if roll < 0.97 else 0.02)
    return events


def make_data(files: int, events: int) -> Path:
    done = DATA / f"_complete_{files}_{events}_v3"
    if done.exists():
        return DATA
    if DATA.exists():
        for old in DATA.iterdir():
            old.unlink()
    DATA.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    for number in range(files):
        cues = _events(rng, events)
        if number % 5 == 4:
            body = "\n".join(
                f'<p begin="{_smpte(a)}" end="{_smpte(b)}">{"<br/>".join(lines)}</p>'
                for a, b, lines in cues
            )
            (DATA / f"episode-{number:04d}.xml").write_text(
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<tt xmlns="http://www.w3.org/ns/ttml" '
                'xmlns:ttp="http://www.w3.org/ns/ttml#parameter" ttp:frameRate="24" '
                f'ttp:frameRateMultiplier="1000 1001"><body><div>\n{body}\n</div></body></tt>\n',
                encoding="utf-8",
            )
        else:
            blocks = [
                f"{i}\n{_srt_time(a)} --> {_srt_time(b)}\n" + "\n".join(lines)
                for i, (a, b, lines) in enumerate(cues, start=1)
            ]
            (DATA / f"episode-{number:04d}.srt").write_text(
                "\n\n".join(blocks) + "\n", encoding="utf-8"
            )
    done.write_text("ok\n")
    return DATA


def measure_service(folder: Path) -> tuple[float, int, int, int]:
    from charter import composition  # noqa: PLC0415 (the project's package, installed)
    from charter.services.qc import qc_subtitles  # noqa: PLC0415

    paths = sorted(p for p in folder.iterdir() if p.suffix in (".srt", ".xml"))
    profile = composition.timed_text_profile("timed-text/en-US")
    reader = composition.timed_text_reader()
    began = time.perf_counter()
    run = qc_subtitles(paths, profile, reader)
    elapsed = time.perf_counter() - began
    events = sum(f.events for f in run.files)
    findings = sum(len(f.findings) for f in run.files)
    return elapsed, len(paths), events, findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = make_data(args.files, args.events)
    best = None
    for _ in range(args.runs):
        result = measure_service(folder)
        best = result if best is None or result[0] < best[0] else best
    assert best is not None
    elapsed, files, events, findings = best
    cli_times = []
    for _ in range(args.runs):
        began = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-m", "charter", "qc", "subtitles", str(folder), "--format", "json"],
            capture_output=True,
            check=False,
        )
        cli_times.append(time.perf_counter() - began)
        if completed.returncode not in (0, 1):
            raise SystemExit(completed.stderr.decode()[-2000:])
    print(f"files {files}, events {events:,}, findings {findings:,}")
    print(f"service (best of {args.runs}): {elapsed:.2f} s, {events / elapsed:,.0f} events/s")
    print(
        f"cli process (best of {args.runs}): {min(cli_times):.2f} s; target 10 s: "
        f"{min(cli_times) / 10:.2f} of it"
    )


if __name__ == "__main__":
    main()
