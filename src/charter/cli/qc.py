"""``charter qc``: quality control of AI-made deliverables, outside an audit."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from charter.cli.common import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, write_output

app = typer.Typer(
    help="Check AI-made deliverables against quality profiles: subtitles, audio, artwork, text.",
    no_args_is_help=True,
)

SUBTITLE_SUFFIXES = (".srt", ".vtt", ".webvtt", ".xml", ".ttml", ".dfxp")


class QcFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    HTML = "html"


@app.command("subtitles")
def subtitles(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Subtitle files (SRT, WebVTT, TTML/IMSC) or folders of them."),
    ],
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            "-p",
            help="Built-in profile (timed-text/en-US, en-US-children, en-US-sdh, "
            "en-US-sdh-children, latin, latin-children) or a profile YAML file.",
        ),
    ] = "timed-text/en-US",
    fps: Annotated[
        float | None,
        typer.Option(
            "--fps", min=1.0, help="Picture frame rate; default: TTML's, else the profile's."
        ),
    ] = None,
    shot_changes: Annotated[
        Path | None,
        typer.Option(
            "--shot-changes",
            help="Shot-change list: one time per line (seconds, timecode or fNNN).",
        ),
    ] = None,
    glyphs: Annotated[
        Path | None,
        typer.Option("--glyphs", help="Allowed characters: hex code points or ranges, one a line."),
    ] = None,
    skip: Annotated[
        list[str] | None, typer.Option("--skip", help="Rule ids not to check: TT-FMT[,TT-WS].")
    ] = None,
    output_format: Annotated[QcFormat, typer.Option("--format", "-f", help="Output format.")] = (
        QcFormat.TABLE
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Check subtitle files against a timed-text profile.

    Exit 0 without error findings, 1 with any, 2 when a file cannot be read (the others are
    still checked and reported).
    """
    from charter import composition
    from charter.cli.common import fail_input
    from charter.domain.errors import InputError
    from charter.quality.timed_text_rules import RULES
    from charter.reports.qc_documents import render_subtitles_table, subtitles_document
    from charter.services.qc import qc_subtitles

    skipped = frozenset(
        part.strip() for value in skip or [] for part in value.split(",") if part.strip()
    )
    unknown = sorted(skipped - set(RULES))
    if unknown:
        fail_input(f"--skip: unknown rule {', '.join(unknown)} (rules: {', '.join(RULES)})")
    try:
        chosen = composition.timed_text_profile(profile)
        if glyphs is not None:
            chosen = chosen.model_copy(update={"glyphs": composition.glyph_list(glyphs)})
        cuts = (
            composition.shot_changes(shot_changes, fps or chosen.default_frame_rate)
            if shot_changes is not None
            else []
        )
    except InputError as exc:
        fail_input(str(exc))
    files = _expand(paths)
    if not files:
        fail_input("no subtitle files found in the given paths")
    run = qc_subtitles(
        files, chosen, composition.timed_text_reader(), fps=fps, shot_changes=cuts, skip=skipped
    )
    document = subtitles_document(run)
    _finish(
        document,
        render_subtitles_table,
        output_format,
        output,
        unreadable=run.unreadable > 0,
        failed=run.errors > 0,
    )


def _finish(
    document: dict[str, Any],
    table: Callable[[dict[str, Any]], str],
    output_format: QcFormat,
    output: Path | None,
    *,
    unreadable: bool,
    failed: bool,
) -> NoReturn:
    """Write the document (JSON, HTML or table) and exit: 2 when a file could not be read,
    1 when one failed, else 0."""
    from charter.reports.json_text import json_text

    if output_format is QcFormat.JSON:
        text = json_text(document)
    elif output_format is QcFormat.HTML:
        from charter.reports.qc_html import render_qc_html

        text = render_qc_html(document)
    else:
        text = table(document)
    write_output(text, output)
    raise typer.Exit(EXIT_INPUT if unreadable else EXIT_FINDINGS if failed else EXIT_OK)


def _expand(paths: list[Path], suffixes: tuple[str, ...] = SUBTITLE_SUFFIXES) -> list[Path]:
    """Files named, and the files of the kind in folders (never provenance records)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in suffixes
                and not p.name.endswith(".provenance.json")
            )
        else:
            files.append(path)
    return files


AUDIO_SUFFIXES = (".wav", ".bwf", ".rf64", ".flac")


@app.command("audio")
def audio(
    paths: Annotated[
        list[Path], typer.Argument(help="Audio files (WAV, BWF, RF64, FLAC) or folders of them.")
    ],
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            "-p",
            help="Built-in profile (audio/platform-dub, audio/platform-dub-low-dialogue, "
            "audio/ebu-r128) or a profile YAML file.",
        ),
    ] = "audio/platform-dub",
    output_format: Annotated[QcFormat, typer.Option("--format", "-f", help="Output format.")] = (
        QcFormat.TABLE
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Measure programme loudness (BS.1770-4), loudness range and true peak, streamed in
    blocks, and check format, clipping and silence against an audio profile.

    Exit 0 when every file passes, 1 when one fails, 2 when a file cannot be read.
    """
    from charter import composition
    from charter.cli.common import fail_input
    from charter.domain.errors import InputError
    from charter.reports.qc_documents import audio_document, render_audio_table
    from charter.services.qc import qc_audio

    try:
        chosen = composition.audio_profile(profile)
    except InputError as exc:
        fail_input(str(exc))
    files = _expand(paths, AUDIO_SUFFIXES)
    if not files:
        fail_input("no audio files found in the given paths")
    run = qc_audio(files, chosen, composition.audio_meter())
    document = audio_document(run)
    _finish(
        document,
        render_audio_table,
        output_format,
        output,
        unreadable=run.unreadable > 0,
        failed=run.failed > 0,
    )


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp")


@app.command("artwork")
def artwork(
    paths: Annotated[
        list[Path], typer.Argument(help="Images (PNG, JPEG, TIFF, WebP) or folders of them.")
    ],
    profile: Annotated[
        Path,
        typer.Option(
            "--profile",
            "-p",
            help="The partner's artwork profile (YAML): platform artwork specs are not public.",
        ),
    ],
    output_format: Annotated[QcFormat, typer.Option("--format", "-f", help="Output format.")] = (
        QcFormat.TABLE
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Check dimensions, aspect ratio, format, colour mode, ICC profile, file size and alpha
    from each image's header against an artwork profile.

    Exit 0 when every image passes, 1 when one fails, 2 when one cannot be read (a damaged
    file, or a header declaring absurd dimensions).
    """
    from charter import composition
    from charter.cli.common import fail_input
    from charter.domain.errors import InputError
    from charter.reports.qc_documents import artwork_document, render_artwork_table
    from charter.services.qc import qc_artwork

    try:
        chosen = composition.artwork_profile(str(profile))
    except InputError as exc:
        fail_input(str(exc))
    files = _expand(paths, IMAGE_SUFFIXES)
    if not files:
        fail_input("no images found in the given paths")
    run = qc_artwork(files, chosen, composition.image_reader())
    document = artwork_document(run)
    _finish(
        document,
        render_artwork_table,
        output_format,
        output,
        unreadable=any(f.error for f in run.files),
        failed=any(f.findings for f in run.files),
    )


TEXT_SUFFIXES = (".txt", ".yaml", ".yml", ".json")


@app.command("text")
def text(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Text files: plain text (one field) or YAML/JSON fields."),
    ],
    profile: Annotated[
        str,
        typer.Option("--profile", "-p", help="Built-in profile (text/synopsis) or a YAML file."),
    ] = "text/synopsis",
    field_name: Annotated[
        str | None,
        typer.Option("--field", help="The field a plain-text file holds (default: profile's)."),
    ] = None,
    maturity: Annotated[
        str | None,
        typer.Option("--maturity", help="Maturity rating (TV-PG...): gates profanity."),
    ] = None,
    source: Annotated[
        Path | None,
        typer.Option("--source", help="Source text: its numbers and names must survive."),
    ] = None,
    reference: Annotated[
        Path | None,
        typer.Option("--reference", help="Reference translation: chrF and BLEU (sacrebleu)."),
    ] = None,
    output_format: Annotated[QcFormat, typer.Option("--format", "-f", help="Output format.")] = (
        QcFormat.TABLE
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Check AI-written text: length per field (grapheme clusters), model artefacts and
    placeholders, profanity against the maturity rating, numbers and names kept from a
    source, chrF/BLEU against a reference (with sacrebleu's signature).

    Exit 0 without error findings, 1 with any, 2 when a file cannot be read.
    """
    from charter import composition
    from charter.cli.common import fail_input
    from charter.domain.errors import InputError
    from charter.reports.qc_documents import render_text_table, text_document
    from charter.services.qc import qc_text

    files = composition.deliverables()
    try:
        chosen = files.text_profile(profile)
        if field_name is not None and field_name not in chosen.fields:
            known = ", ".join(chosen.fields)
            fail_input(f"--field: {field_name} is not a field of {chosen.id} ({known})")
        found = _expand(paths, TEXT_SUFFIXES)
        if not found:
            fail_input("no text files found in the given paths")
        run = qc_text(
            found,
            chosen,
            files.text,
            field_name=field_name,
            maturity=maturity,
            source=source,
            reference=reference,
        )
    except InputError as exc:
        fail_input(str(exc))
    _finish(
        text_document(run),
        render_text_table,
        output_format,
        output,
        unreadable=any(f.error for f in run.files),
        failed=any(f.verdict == "fail" for f in run.files),
    )
