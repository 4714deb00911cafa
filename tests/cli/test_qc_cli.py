"""``charter qc subtitles`` end to end: the documented JSON shape, exit codes, and a file
that cannot be read reported beside the others."""

from __future__ import annotations

import json
from pathlib import Path

from support import run_cli

GOOD_TTML = """<?xml version="1.0" encoding="UTF-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"
    ttp:frameRate="24" ttp:frameRateMultiplier="1000 1001">
  <body><div>
    <p begin="00:00:01:00" end="00:00:03:00">Where were you last night?</p>
    <p begin="00:00:03:02" end="00:00:05:12">I was at home.</p>
  </div></body>
</tt>
"""
BAD_SRT = (
    "1\n00:00:01,000 --> 00:00:01,400\nToo fast, far too fast for anyone...\n\n"
    "2\n00:00:01,420 --> 00:00:04,000\n- Are you coming?\n- In a minute.\n"
)


def test_json_shape_findings_and_exit_one(tmp_path: Path) -> None:
    (tmp_path / "good.xml").write_text(GOOD_TTML, encoding="utf-8")
    (tmp_path / "bad.srt").write_text(BAD_SRT, encoding="utf-8")
    result = run_cli("qc", "subtitles", str(tmp_path), "--format", "json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "charter.qc.subtitles/v1"
    assert document["profile"]["id"] == "timed-text/en-US"
    files = {Path(f["path"]).name: f for f in document["files"]}
    good, bad = files["good.xml"], files["bad.srt"]
    assert (good["format"], good["events"], good["status"], good["findings"]) == (
        "ttml",
        2,
        "pass",
        [],
    )
    assert good["fps"] == 24000 / 1001
    assert bad["format"] == "srt"
    assert bad["events"] == 2
    assert [(f["rule"], f["event"]) for f in bad["findings"]] == [
        ("TT-FMT", None),
        ("TT-CPS", 1),
        ("TT-DUR-MIN", 1),
        ("TT-GAP", 1),
        ("TT-ELLIPSIS", 1),
        ("TT-DASH", 2),
        ("TT-DASH", 2),
    ]
    cps = bad["findings"][1]
    assert set(cps) == {
        "rule",
        "event",
        "start_ms",
        "end_ms",
        "message",
        "severity",
        "value",
        "limit",
    }
    assert (cps["start_ms"], cps["end_ms"], cps["severity"], cps["limit"]) == (
        1000,
        1400,
        "error",
        20.0,
    )
    assert cps["value"] == 90.0  # 36 characters in 0.4 s


def test_skip_profile_choice_and_a_clean_run_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "ok.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:03,000\nHello.\n", encoding="utf-8")
    result = run_cli("qc", "subtitles", str(path), "--skip", "TT-FMT", "--profile", "latin")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "timed-text/latin" in result.stdout
    unknown = run_cli("qc", "subtitles", str(path), "--skip", "TT-NOPE")
    assert unknown.returncode == 2
    assert "unknown rule TT-NOPE" in unknown.stderr


def test_an_unreadable_file_is_reported_with_the_others_and_exits_two(tmp_path: Path) -> None:
    (tmp_path / "latin.srt").write_bytes(
        "1\n00:00:01,000 --> 00:00:03,000\nCafé\n".encode("latin-1")
    )
    (tmp_path / "ok.srt").write_text("1\n00:00:01,000 --> 00:00:03,000\nHello.\n", encoding="utf-8")
    result = run_cli("qc", "subtitles", str(tmp_path), "--skip", "TT-FMT", "--format", "json")
    assert result.returncode == 2
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert files["latin.srt"]["status"] == "error"
    assert files["latin.srt"]["error"].endswith(
        ":3:4: not UTF-8 (byte 0xE9); save the file as UTF-8"
    )
    assert files["ok.srt"]["status"] == "pass"
    missing = run_cli("qc", "subtitles", str(tmp_path / "x.srt"), "--profile", "nope")
    assert missing.returncode == 2
    assert "no such profile file or built-in profile" in missing.stderr


def test_audio_json_reports_loudness_true_peak_range_and_verdict(tmp_path: Path) -> None:
    import numpy as np
    import soundfile

    rng = np.random.default_rng(3)
    quiet = rng.normal(0, 0.012, (48_000 * 12, 2))  # about -31 LKFS
    soundfile.write(tmp_path / "dub.wav", quiet * 1.6, 48_000, subtype="PCM_24")
    soundfile.write(tmp_path / "hot.wav", np.clip(quiet * 40, -1, 1), 48_000, subtype="PCM_16")
    result = run_cli("qc", "audio", str(tmp_path), "--format", "json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "charter.qc.audio/v1"
    files = {Path(f["path"]).name: f for f in document["files"]}
    dub, hot = files["dub.wav"], files["hot.wav"]
    assert {"integrated_lufs", "true_peak_dbtp", "loudness_range_lu", "verdict"} <= set(dub)
    assert -29 <= dub["integrated_lufs"] <= -25
    assert dub["verdict"] == "warn" or dub["verdict"] == "pass"
    assert hot["verdict"] == "fail"
    assert {f["rule"] for f in hot["findings"]} >= {"AU-LOUD", "AU-TP", "AU-FMT", "AU-CLIP"}


def test_artwork_json_against_a_partner_profile(tmp_path: Path) -> None:
    from PIL import Image

    profile = tmp_path / "key-art.yaml"
    profile.write_text(
        "id: artwork/key-art\ntitle: Key art 16:9\nsources:\n"
        "  - rules: [IM-DIM, IM-ASPECT]\n    url: https://example.org/spec\n"
        "    retrieved: 2026-11-25\nmin_width: 1920\nmin_height: 1080\n"
        "aspect_ratios: ['16:9']\n",
        encoding="utf-8",
    )
    art = tmp_path / "art"
    art.mkdir()
    Image.new("RGB", (1920, 1080)).save(art / "good.png")
    Image.new("RGB", (1000, 1000)).save(art / "square.jpg")
    result = run_cli("qc", "artwork", str(art), "--profile", str(profile), "--format", "json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "charter.qc.artwork/v1"
    files = {Path(f["path"]).name: f for f in document["files"]}
    assert files["good.png"]["verdict"] == "pass"
    assert (files["square.jpg"]["width"], files["square.jpg"]["format"]) == (1000, "JPEG")
    assert [f["rule"] for f in files["square.jpg"]["findings"]] == ["IM-DIM", "IM-DIM", "IM-ASPECT"]


def test_text_json_with_source_reference_and_rating(tmp_path: Path) -> None:
    source = tmp_path / "en.txt"
    source.write_text("In 1987, keeper Ada Lind saves 1,500 sailors in a storm.\n")
    reference = tmp_path / "es-ref.txt"
    reference.write_text("En 1987, la farera Ada Lind rescata a 1.500 marineros en una tormenta.\n")
    good = tmp_path / "es.txt"
    good.write_text("En 1987, la guardiana Ada Lind salva a 1.500 marineros en una tormenta.\n")
    bad = tmp_path / "es-bad.txt"
    bad.write_text("As an AI language model: en 1978 Ada salva a marineros, damn.\n")
    result = run_cli(
        "qc", "text", str(good), str(bad), "--source", str(source), "--reference",
        str(reference), "--maturity", "TV-G", "--format", "json",
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "charter.qc.text/v1"
    first, second = document["files"]
    assert first["verdict"] == "pass"
    assert "|nc:6|nw:0|" in first["reference"]["chrf_signature"]
    assert 0 < first["reference"]["chrf"] < 100
    assert [(f["rule"], f["severity"]) for f in second["findings"]] == [
        ("TX-ARTIFACT", "error"),
        ("TX-PROFANITY", "error"),
        ("TX-NUM", "error"),
        ("TX-NAME", "warning"),
    ]
    assert second["findings"][0]["event"] == 1


def test_text_unknown_field_and_bad_source_exit_two(tmp_path: Path) -> None:
    text = tmp_path / "s.txt"
    text.write_text("A keeper and a storm that lasts all night long.\n")
    unknown = run_cli("qc", "text", str(text), "--field", "tagline")
    assert unknown.returncode == 2
    assert "tagline is not a field of text/synopsis" in unknown.stderr
    missing = run_cli("qc", "text", str(text), "--source", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2
    assert "nope.txt" in missing.stderr


def test_html_shows_a_timeline_of_subtitle_problems(tmp_path: Path) -> None:
    (tmp_path / "bad.srt").write_text(BAD_SRT, encoding="utf-8")
    page = tmp_path / "qc.html"
    result = run_cli(
        "qc", "subtitles", str(tmp_path / "bad.srt"), "--format", "html", "-o", str(page)
    )
    assert result.returncode == 1, result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert "subtitle problems over the running time" in html
    # one lane per rule that has a timed finding; every timed finding is a mark
    chart = html[html.index("<svg") : html.index("</svg>")]
    findings = json.loads(
        run_cli("qc", "subtitles", str(tmp_path / "bad.srt"), "--format", "json").stdout
    )["files"][0]["findings"]
    timed = [f for f in findings if f["start_ms"] is not None]
    assert chart.count("<rect") == len(timed) > 0
    assert 'fill="#b3261e"><title>TT-CPS at 0:01' in chart  # an error, in red, at its time
    assert "<script" not in html


def test_html_loudness_summary_marks_files_outside_the_band(tmp_path: Path) -> None:
    import numpy as np
    import soundfile

    t = np.arange(48_000 * 4) / 48_000
    tone = np.sin(2 * np.pi * 1000 * t)[:, None].repeat(2, axis=1)
    on_target = 0.0447 * tone  # about -27 LKFS
    soundfile.write(tmp_path / "on-target.wav", on_target, 48_000, subtype="PCM_24")
    soundfile.write(tmp_path / "loud.wav", 0.5 * tone, 48_000, subtype="PCM_24")
    page = tmp_path / "audio.html"
    result = run_cli("qc", "audio", str(tmp_path), "--format", "html", "-o", str(page))
    assert result.returncode == 1, result.stderr
    chart = page.read_text(encoding="utf-8")
    assert "-27 +/- 2 LU" in chart
    assert chart.count("<circle") == 2
    assert '#2f6db5"><title>on-target.wav' in chart
    assert '#b3261e"><title>loud.wav' in chart


def test_folders_never_yield_provenance_records_and_slow_audio_is_refused(
    tmp_path: Path,
) -> None:
    import numpy as np
    import soundfile

    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "s.txt").write_text("A keeper and a storm that lasts all night long.\n")
    (texts / "s.txt.provenance.json").write_text('{"schema": "charter.provenance/v1"}')
    result = run_cli("qc", "text", str(texts), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [Path(f["path"]).name for f in json.loads(result.stdout)["files"]] == ["s.txt"]
    slow = tmp_path / "slow.wav"
    soundfile.write(slow, np.zeros((6_000, 1)), 600, subtype="PCM_16")
    refused = run_cli("qc", "audio", str(slow), "--format", "json")
    assert refused.returncode == 2
    assert "sample rate 600 Hz is under 8000" in json.loads(refused.stdout)["files"][0]["error"]
