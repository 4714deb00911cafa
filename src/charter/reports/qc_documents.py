"""``charter qc`` documents: JSON (``charter.qc.subtitles/v1``, ``charter.qc.audio/v1``,
``charter.qc.artwork/v1``, ``charter.qc.text/v1``) and tables."""

from __future__ import annotations

import io
import math
from collections import Counter
from typing import Any

from rich.console import Console
from rich.table import Table

from charter.quality.timed_text_rules import QcFinding
from charter.services.qc import ArtworkRun, AudioRun, SubtitleRun, TextRun, verdict_of

SCHEMA = "charter.qc.subtitles/v1"
ARTWORK_FINDING = ("rule", "message", "severity", "value", "limit")
AUDIO_FINDING = ("rule", "start_ms", "end_ms", *ARTWORK_FINDING[1:])
SUBTITLE_FINDING = ("rule", "event", *AUDIO_FINDING[1:])
TEXT_FINDING = ("rule", "event", *ARTWORK_FINDING[1:])
"""A text finding's ``event`` is the 1-based entry (field) of the file."""
"""The fields of a finding each document shows (an audio or image finding has no event)."""


def _findings(findings: list[QcFinding], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{name: getattr(f, name) for name in fields} for f in findings]


def subtitles_document(run: SubtitleRun) -> dict[str, Any]:
    """``{"files": [{"path", "format", "events", "findings": [...]}]}`` plus the profile."""
    profile = run.profile
    return {
        "schema": SCHEMA,
        "profile": {"id": profile.id, "title": profile.title},
        "skipped_rules": list(run.skipped_rules),
        "files": [
            {
                "path": result.path,
                "format": result.format,
                "events": result.events,
                "fps": result.fps,
                "duration_ms": result.duration_ms,
                "status": verdict_of(result.error, result.findings),
                "error": result.error,
                "findings": _findings(result.findings, SUBTITLE_FINDING),
            }
            for result in run.files
        ],
    }


def render_subtitles_table(document: dict[str, Any], width: int = 120) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, no_color=True)
    profile = document["profile"]
    console.print(f"Subtitle QC against {profile['id']} ({profile['title']})")
    summary = Table("file", "format", "events", "fps", "status", "errors", "warnings", "rules")
    for entry in document["files"]:
        findings = entry["findings"]
        rules = Counter(f["rule"] for f in findings)
        summary.add_row(
            entry["path"],
            entry["format"] or "-",
            str(entry["events"]),
            "-" if entry["fps"] is None else f"{entry['fps']:g}",
            entry["status"],
            str(sum(1 for f in findings if f["severity"] == "error")),
            str(sum(1 for f in findings if f["severity"] == "warning")),
            ", ".join(f"{rule} x{count}" for rule, count in sorted(rules.items())),
        )
    console.print(summary)
    for entry in document["files"]:
        if entry["error"]:
            console.print(f"error: {entry['error']}")
            continue
        if not entry["findings"]:
            continue
        detail = Table("event", "time", "rule", "severity", "message", title=entry["path"])
        for f in entry["findings"]:
            detail.add_row(
                "-" if f["event"] is None else str(f["event"]),
                "-" if f["start_ms"] is None else _clock(f["start_ms"]),
                f["rule"],
                f["severity"],
                f["message"],
            )
        console.print(detail)
    return buffer.getvalue()


def _clock(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


AUDIO_SCHEMA = "charter.qc.audio/v1"


def audio_document(run: AudioRun) -> dict[str, Any]:
    """Per file: format, ``integrated_lufs``, ``true_peak_dbtp``, ``loudness_range_lu``,
    ``verdict`` and the findings (numbers that do not exist, e.g. silence, are null)."""
    files = []
    for result in run.files:
        m = result.measurement
        entry: dict[str, Any] = {
            "path": result.path,
            "verdict": result.verdict,
            "error": result.error,
        }
        if m is not None:
            entry |= {
                "format": m.format,
                "sample_rate": m.sample_rate,
                "bit_depth": m.bit_depth,
                "channels": m.channels,
                "seconds": round(m.seconds, 3),
                "integrated_lufs": _number(m.integrated_lufs),
                "true_peak_dbtp": _number(m.true_peak_dbtp),
                "loudness_range_lu": _number(m.loudness_range_lu),
                "dialogue_lufs_advisory": _number(m.dialogue_lufs),
                "speech_fraction": round(m.speech_fraction, 3),
                "sample_peak_dbfs": _number(m.sample_peak_dbfs),
                "clipped_samples": m.clipped_samples,
            }
        entry["findings"] = _findings(result.findings, AUDIO_FINDING)
        files.append(entry)
    profile = run.profile
    return {
        "schema": AUDIO_SCHEMA,
        "profile": {
            "id": profile.id,
            "title": profile.title,
            "target_lufs": profile.target_lufs,
            "tolerance_lu": profile.tolerance_lu,
            "max_true_peak_dbtp": profile.max_true_peak_dbtp,
        },
        "files": files,
    }


def render_audio_table(document: dict[str, Any], width: int = 120) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, no_color=True)
    profile = document["profile"]
    console.print(f"Audio QC against {profile['id']} ({profile['title']})")
    table = Table("file", "format", "LKFS", "dBTP", "LRA", "verdict", "findings")
    for entry in document["files"]:
        table.add_row(
            entry["path"],
            entry.get("format", "-"),
            _show(entry.get("integrated_lufs")),
            _show(entry.get("true_peak_dbtp")),
            _show(entry.get("loudness_range_lu")),
            entry["verdict"],
            entry["error"] or "; ".join(f"{f['rule']}: {f['message']}" for f in entry["findings"]),
        )
    console.print(table)
    return buffer.getvalue()


def _number(value: float) -> float | None:
    return round(value, 2) if math.isfinite(value) else None


def _show(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


ARTWORK_SCHEMA = "charter.qc.artwork/v1"


def artwork_document(run: ArtworkRun) -> dict[str, Any]:
    files = []
    for result in run.files:
        entry: dict[str, Any] = {
            "path": result.path,
            "verdict": result.verdict,
            "error": result.error,
        }
        if result.image is not None:
            image = result.image
            entry |= {
                "format": image.format,
                "width": image.width,
                "height": image.height,
                "mode": image.mode,
                "alpha": image.alpha,
                "icc_profile": image.icc_profile,
                "bytes": image.bytes,
            }
        entry["findings"] = _findings(result.findings, ARTWORK_FINDING)
        files.append(entry)
    return {
        "schema": ARTWORK_SCHEMA,
        "profile": {"id": run.profile.id, "title": run.profile.title},
        "files": files,
    }


def render_artwork_table(document: dict[str, Any], width: int = 120) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, no_color=True)
    console.print(f"Artwork QC against {document['profile']['id']}")
    table = Table("file", "format", "size", "mode", "verdict", "findings")
    for entry in document["files"]:
        size = f"{entry['width']}x{entry['height']}" if "width" in entry else "-"
        table.add_row(
            entry["path"],
            entry.get("format", "-"),
            size,
            entry.get("mode", "-"),
            entry["verdict"],
            entry["error"] or "; ".join(f"{f['rule']}: {f['message']}" for f in entry["findings"]),
        )
    console.print(table)
    return buffer.getvalue()


TEXT_SCHEMA = "charter.qc.text/v1"


def text_document(run: TextRun) -> dict[str, Any]:
    files = []
    for result in run.files:
        entry: dict[str, Any] = {
            "path": result.path,
            "entries": result.entries,
            "verdict": result.verdict,
            "error": result.error,
            "findings": _findings(result.findings, TEXT_FINDING),
        }
        if result.scores is not None:
            entry["reference"] = result.scores.as_dict()
        files.append(entry)
    return {
        "schema": TEXT_SCHEMA,
        "profile": {"id": run.profile.id, "title": run.profile.title},
        "files": files,
    }


def render_text_table(document: dict[str, Any], width: int = 120) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, no_color=True)
    console.print(f"Text QC against {document['profile']['id']}")
    table = Table("file", "entries", "chrF", "verdict", "findings")
    for entry in document["files"]:
        chrf = entry.get("reference", {}).get("chrf")
        table.add_row(
            entry["path"],
            str(entry["entries"]),
            "-" if chrf is None else f"{chrf:.1f}",
            entry["verdict"],
            entry["error"]
            or "; ".join(
                f"{f['rule']}{'' if f['severity'] == 'error' else ' (' + f['severity'] + ')'}: "
                f"{f['message']}"
                for f in entry["findings"]
            ),
        )
    console.print(table)
    for entry in document["files"]:
        signature = entry.get("reference", {}).get("chrf_signature")
        if signature:
            console.print(f"chrF signature: {signature}")
            console.print(f"BLEU signature: {entry['reference']['bleu_signature']}")
            break
    return buffer.getvalue()
