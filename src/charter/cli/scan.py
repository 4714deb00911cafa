"""``charter scan``: fairness, exposure and drift scans of evidence files, outside an audit."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from charter.metrics.drift import ReferenceProfile

from charter.cli.common import EXIT_FINDINGS, EXIT_OK, fail_input, write_output

app = typer.Typer(
    help="Scan decision and impression logs for disparities and drift (DuckDB or Spark).",
    no_args_is_help=True,
)


class ScanFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    HTML = "html"


EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        help="duckdb (in-process, default) or spark (local, or Spark Connect at "
        "CHARTER_SPARK_REMOTE).",
    ),
]
FormatOption = Annotated[ScanFormat, typer.Option("--format", "-f", help="Output format.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]


def _names(values: list[str] | None) -> tuple[str, ...]:
    return tuple(part.strip() for v in values or [] for part in v.split(",") if part.strip())


def _reference(values: list[str] | None) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            fail_input(f"--reference-group: '{item}' is not FEATURE=VALUE")
        result[name.strip()] = value.strip()
    return result


@app.command("fairness")
def fairness(
    source: Annotated[
        str, typer.Argument(help="Decision log: Parquet/CSV/JSONL file, glob, folder or URL#table.")
    ],
    sensitive: Annotated[
        list[str], typer.Option("--sensitive", help="Sensitive feature column(s): A[,B].")
    ],
    label: Annotated[str, typer.Option("--label", help="True outcome column (0/1).")],
    prediction: Annotated[str, typer.Option("--prediction", help="Decision column (0/1).")],
    intersect: Annotated[
        bool, typer.Option("--intersect", help="Also assess the intersection of the features.")
    ] = False,
    score: Annotated[str | None, typer.Option("--score", help="Model score column.")] = None,
    control: Annotated[
        list[str] | None,
        typer.Option("--control", help="Control feature(s): results stratified by them."),
    ] = None,
    reference_group: Annotated[
        list[str] | None,
        typer.Option("--reference-group", help="FEATURE=VALUE to compare others with."),
    ] = None,
    min_group_size: Annotated[
        int | None,
        typer.Option("--min-group-size", min=1, help="Smallest group a verdict rests on."),
    ] = None,
    time: Annotated[
        str | None, typer.Option("--time", help="Decision time column, for trends.")
    ] = None,
    bucket: Annotated[
        str, typer.Option("--bucket", help="Trend bucket with --time: day, week or month.")
    ] = "month",
    bootstrap: Annotated[
        int,
        typer.Option(
            "--bootstrap",
            min=0,
            max=1000,
            help="Also give percentile intervals from N Poisson-bootstrap replicates "
            "(computed in the engine, one more pass).",
        ),
    ] = 0,
    decision_type: Annotated[
        str,
        typer.Option(
            "--decision-type",
            help="punitive, assistive or none: which error-rate disparity is judged.",
        ),
    ] = "none",
    guidelines: Annotated[
        str, typer.Option("--guidelines", "-g", help="PACK[@VERSION] giving the thresholds.")
    ] = "partner-ai-usage",
    engine: EngineOption = "duckdb",
    output_format: FormatOption = ScanFormat.TABLE,
    output: OutputOption = None,
) -> None:
    """Per-group rates with 95 % intervals, Fairlearn-compatible disparities, the
    four-fifths rule and a verdict against the guideline pack's thresholds. Exits 1 when
    a disparity breaches its threshold or a group is too small for a verdict."""
    from dataclasses import replace

    from charter import composition
    from charter.domain.scans import BUCKET_COLUMN, DecisionColumns
    from charter.domain.systems import DecisionType
    from charter.metrics.fairness import FairnessSpec
    from charter.reports.scan_html import render_scan_html
    from charter.reports.scan_json import fairness_document
    from charter.reports.scan_terminal import render_scan_table
    from charter.services.scans import pack_fairness_thresholds, scan_fairness

    _check_engine(engine)
    if decision_type not in {d.value for d in DecisionType}:
        fail_input(f"--decision-type: '{decision_type}' is not punitive, assistive or none")
    features = _names(sensitive)
    thresholds = pack_fairness_thresholds(composition.pack_library(), guidelines)
    if min_group_size is not None:
        thresholds = replace(thresholds, min_group_size=min_group_size)
    if bucket not in ("day", "week", "month"):
        fail_input(f"--bucket: '{bucket}' is not day, week or month")
    columns = DecisionColumns(
        label, prediction, features, _names(control), score, time, bucket if time else None
    )
    spec = FairnessSpec(
        features,
        intersect,
        _names(control),
        _reference(reference_group),
        thresholds.min_group_size,
        BUCKET_COLUMN if time else None,
    )
    scanner = composition.scanner(engine, progress=True)
    try:
        result = scan_fairness(
            scanner, source, columns, spec, thresholds, DecisionType(decision_type), bootstrap
        )
    finally:
        scanner.close()
    document = fairness_document(
        result.report,
        source=source,
        engine=scanner.engine,
        thresholds=thresholds,
        decision_type=decision_type,
        breaches=result.breaches,
        status=result.status,
        bootstrap=result.bootstrap,
    )
    _emit(document, output_format, output, render_scan_table, render_scan_html)
    raise typer.Exit(EXIT_OK if result.status == "pass" else EXIT_FINDINGS)


def _emit(
    document: dict[str, Any],
    output_format: ScanFormat,
    output: Path | None,
    table: Callable[[dict[str, Any]], str],
    html: Callable[[dict[str, Any]], str],
) -> None:
    """Write a scan document in the chosen format to ``output`` or stdout."""
    from charter.reports.json_text import json_text

    if output_format is ScanFormat.JSON:
        text = json_text(document)
    else:
        text = html(document) if output_format is ScanFormat.HTML else table(document)
    write_output(text, output)


@app.command("exposure")
def exposure(
    source: Annotated[
        str,
        typer.Argument(help="Impression log: Parquet/CSV/JSONL file, glob, folder or URL#table."),
    ],
    user: Annotated[str, typer.Option("--user", help="User column.")],
    item: Annotated[str, typer.Option("--item", help="Item column.")],
    rank: Annotated[str, typer.Option("--rank", help="Rank column (1 = top).")],
    group: Annotated[str, typer.Option("--group", help="Item-provider group column.")],
    relevance: Annotated[
        str | None, typer.Option("--relevance", help="Graded relevance (merit) column.")
    ] = None,
    click: Annotated[str | None, typer.Option("--click", help="Click/play column (0/1).")] = None,
    user_group: Annotated[
        str | None, typer.Option("--user-group", help="User group for quality parity.")
    ] = None,
    request: Annotated[
        str | None, typer.Option("--request", help="Request (list) id; default: per user.")
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, help="Cut-off for hit rate and NDCG.")] = 10,
    catalogue: Annotated[
        str | None,
        typer.Option("--catalogue", help="Item table with the same item and group columns."),
    ] = None,
    guidelines: Annotated[
        str, typer.Option("--guidelines", "-g", help="PACK[@VERSION] giving the threshold.")
    ] = "partner-ai-usage",
    engine: EngineOption = "duckdb",
    output_format: FormatOption = ScanFormat.TABLE,
    output: OutputOption = None,
) -> None:
    """Position-weighted exposure per item-provider group (1/log2(1+rank)) against catalogue
    and merit shares, popularity bias, and quality (hit rate, NDCG@k) by user group. Exits 1
    when the exposure ratio is under the guideline pack's threshold."""

    from charter import composition
    from charter.domain.scans import ImpressionColumns
    from charter.reports.scan_exposure import (
        exposure_document,
        render_exposure_html,
        render_exposure_table,
    )
    from charter.services.scans import pack_exposure_threshold, scan_exposure

    _check_engine(engine)
    threshold = pack_exposure_threshold(composition.pack_library(), guidelines)
    columns = ImpressionColumns(user, item, rank, group, relevance, click, user_group, request, k)
    scanner = composition.scanner(engine, progress=True)
    try:
        result = scan_exposure(scanner, source, columns, threshold, catalogue)
    finally:
        scanner.close()
    document = exposure_document(
        result.report,
        source=source,
        engine=scanner.engine,
        threshold=threshold,
        status=str(result.status),
    )
    _emit(document, output_format, output, render_exposure_table, render_exposure_html)
    raise typer.Exit(EXIT_OK if result.status == "pass" else EXIT_FINDINGS)


def _check_engine(engine: str) -> None:
    if engine not in ("duckdb", "spark"):
        fail_input(f"--engine: '{engine}' is not duckdb or spark")


@app.command("drift")
def drift(
    current: Annotated[
        str,
        typer.Option(
            "--current",
            help="Current data: file, glob, folder or URL#table (a window of it "
            "with --time and --current-window).",
        ),
    ],
    reference: Annotated[
        str | None,
        typer.Option("--reference", help="Reference data; default: the current source."),
    ] = None,
    columns: Annotated[
        list[str] | None,
        typer.Option("--columns", help="Columns to compare (A,B,...); default: all but --time."),
    ] = None,
    categorical: Annotated[
        list[str] | None,
        typer.Option("--categorical", help="Numeric columns to treat as categories."),
    ] = None,
    time: Annotated[
        str | None, typer.Option("--time", help="Timestamp column that places rows in windows.")
    ] = None,
    reference_window: Annotated[
        str | None,
        typer.Option("--reference-window", help="YYYY-MM-DD/YYYY-MM-DD (needs --time)."),
    ] = None,
    current_window: Annotated[
        str | None,
        typer.Option(
            "--current-window", help="YYYY-MM-DD/YYYY-MM-DD or PnD ending today (needs --time)."
        ),
    ] = None,
    binning: Annotated[
        str,
        typer.Option(
            "--binning",
            help="charter: reference deciles stored once (default); evidently: Sturges bins "
            "over both windows, as Evidently's data-drift preset.",
        ),
    ] = "charter",
    save_reference: Annotated[
        Path | None,
        typer.Option("--save-reference", help="Write the reference profile (bin edges) here."),
    ] = None,
    load_reference: Annotated[
        Path | None,
        typer.Option("--load-reference", help="Compare against a saved reference profile."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Day PnD windows end on; default: today.")
    ] = None,
    guidelines: Annotated[
        str, typer.Option("--guidelines", "-g", help="PACK[@VERSION] giving the thresholds.")
    ] = "partner-ai-usage",
    engine: EngineOption = "duckdb",
    output_format: FormatOption = ScanFormat.TABLE,
    output: OutputOption = None,
) -> None:
    """Column-by-column drift between a reference and a current window: PSI, Jensen-Shannon
    (natural log), Wasserstein, KS and chi-square, Evidently's default test per column and
    the share of drifted columns. Exits 1 when a column's PSI or the drifted share breaks
    the guideline pack's threshold."""
    from charter import composition
    from charter.cli.common import parse_as_of
    from charter.domain.scans import DriftSpec
    from charter.domain.systems import parse_window
    from charter.reports.scan_drift import drift_document, render_drift_html, render_drift_table
    from charter.services.scans import pack_drift_thresholds, scan_drift

    _check_engine(engine)
    if binning not in ("charter", "evidently"):
        fail_input(f"--binning: '{binning}' is not charter or evidently")
    if (reference_window or current_window) and not time:
        fail_input("--reference-window/--current-window need --time")
    day = parse_as_of(as_of)
    windows = []
    for flag, text in (
        ("--reference-window", reference_window),
        ("--current-window", current_window),
    ):
        try:
            windows.append(parse_window(text, day) if text else None)
        except ValueError as exc:
            fail_input(f"{flag}: {exc}")
    profile = _load_profile(load_reference) if load_reference else None
    thresholds = pack_drift_thresholds(composition.pack_library(), guidelines)
    scanner = composition.scanner(engine, progress=True)
    try:
        names = _names(columns) or tuple(
            c for c in scanner.open(current).table.columns if c != time
        )
        spec = DriftSpec(
            names,
            _names(categorical),
            "evidently" if binning == "evidently" else "charter",
            time,
            windows[0],
            windows[1],
        )
        result = scan_drift(
            scanner, current, spec, thresholds, reference=reference, profile=profile
        )
    finally:
        scanner.close()
    if save_reference is not None:
        from charter.reports.json_text import json_text

        write_output(json_text(result.report.profile.to_json()), save_reference)
    document = drift_document(
        result.report,
        reference=reference or (str(load_reference) if load_reference else current),
        current=current,
        engine=scanner.engine,
        psi_threshold=thresholds.psi,
        breaches=result.breaches,
        status=str(result.status),
    )
    _emit(document, output_format, output, render_drift_table, render_drift_html)
    raise typer.Exit(EXIT_OK if result.status == "pass" else EXIT_FINDINGS)


def _load_profile(path: Path) -> ReferenceProfile:
    import json

    from charter.domain.errors import InputError
    from charter.metrics.drift import ReferenceProfile

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ReferenceProfile.from_json(data)
    except (ValueError, TypeError, KeyError) as exc:
        raise InputError.at(str(path), 0, 0, f"not a reference profile: {exc}") from exc


@app.command("reid")
def reid(
    source: Annotated[
        str, typer.Argument(help="Table: Parquet/CSV/JSONL file, glob, folder or URL#table.")
    ],
    quasi_identifiers: Annotated[
        list[str] | None,
        typer.Option(
            "--quasi-identifiers",
            "-q",
            help="Quasi-identifier columns: A,B,C (default: discover them).",
        ),
    ] = None,
    sensitive: Annotated[
        list[str] | None,
        typer.Option("--sensitive", "-s", help="Sensitive attributes for l-diversity and t."),
    ] = None,
    k: Annotated[int | None, typer.Option("--k", min=1, help="Smallest class allowed.")] = None,
    l_min: Annotated[
        int | None, typer.Option("--l", min=1, help="Fewest distinct sensitive values.")
    ] = None,
    t_max: Annotated[
        float | None,
        typer.Option("--t", min=0.0, max=1.0, help="Largest t-closeness distance (no limit)."),
    ] = None,
    guidelines: Annotated[
        str, typer.Option("--guidelines", "-g", help="PACK[@VERSION] giving k and l.")
    ] = "partner-ai-usage",
    engine: EngineOption = "duckdb",
    output_format: FormatOption = ScanFormat.TABLE,
    output: OutputOption = None,
) -> None:
    """Re-identification risk of a table: k-anonymity, prosecutor risk, l-diversity
    (distinct and entropy) and t-closeness over the quasi-identifiers. Without
    --quasi-identifiers, columns are discovered: identifier-like columns, names that
    suggest quasi-identifiers, and the minimal column combinations that break k. Outputs
    carry class sizes only, never values. Exits 1 when a limit is broken."""
    from dataclasses import replace

    from charter import composition
    from charter.reports.reid_documents import reid_document, render_reid_table
    from charter.reports.reid_html import render_reid_html
    from charter.services.scans import pack_risk_limits, scan_reidentification

    _check_engine(engine)
    limits = pack_risk_limits(composition.pack_library(), guidelines)
    limits = replace(
        limits,
        k=k if k is not None else limits.k,
        l=l_min if l_min is not None else limits.l,
        t=t_max,
    )
    scanner = composition.scanner(engine, progress=True)
    try:
        result = scan_reidentification(
            scanner, source, limits, _names(quasi_identifiers), _names(sensitive)
        )
    finally:
        scanner.close()
    document = reid_document(result, source=source, engine=scanner.engine)
    _emit(document, output_format, output, render_reid_table, render_reid_html)
    raise typer.Exit(EXIT_OK if result.status == "pass" else EXIT_FINDINGS)


@app.command("pii")
def pii(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Text files (transcripts, prompts, logs, JSONL) or folders."),
    ],
    entities: Annotated[
        list[str] | None,
        typer.Option("--entities", help="Entities to look for: EMAIL_ADDRESS[,PHONE_NUMBER]."),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", min=0.0, max=1.0, help="Lowest score reported (default 0.5)."),
    ] = None,
    catalogue: Annotated[
        str | None,
        typer.Option(
            "--catalogue",
            help="pii/default or a catalogue file (own patterns); default: the one the "
            "--workspace's charter.yaml names, else pii/default.",
        ),
    ] = None,
    workspace_dir: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            help="Workspace whose HMAC key digests the findings (default: the user's "
            "standalone key).",
        ),
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, max=64, help="Worker processes.")] = 2,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget", min=0.0, help="Seconds per file; past it the file is 'incomplete'."
        ),
    ] = None,
    pattern_budget: Annotated[
        float | None,
        typer.Option(
            "--pattern-budget",
            min=0.001,
            max=3600.0,
            help="CPU seconds one recognizer may spend on one block (default: the "
            "catalogue's, 5); past it the file is 'incomplete'.",
        ),
    ] = None,
    redact: Annotated[
        Path | None,
        typer.Option(
            "--redact",
            help="Write redacted copies here: a file for one input, else a folder that "
            "mirrors the inputs.",
        ),
    ] = None,
    redact_mode: Annotated[
        str,
        typer.Option("--redact-mode", help="mask (keep the shape), tag (<ENTITY>) or pseudonym."),
    ] = "tag",
    full: Annotated[
        bool,
        typer.Option("--full", help="Tables: read every row (default: a random sample)."),
    ] = False,
    sample: Annotated[
        int,
        typer.Option("--sample", min=100, help="Tables: rows in the random sample."),
    ] = 10_000,
    columns: Annotated[
        list[str] | None,
        typer.Option("--columns", help="Tables: columns to scan (default: text and integers)."),
    ] = None,
    engine: EngineOption = "duckdb",
    output_format: FormatOption = ScanFormat.TABLE,
    output: OutputOption = None,
) -> None:
    """Find personal data and secrets in text: e-mail, phone, card (Luhn), IBAN (mod 97),
    US SSN, IP, MAC, NHS, NINO, dates of birth by context, crypto wallets, API keys,
    tokens, private keys, and the partner's own account, device and payment-token patterns.

    Tables (CSV, TSV, Parquet; JSON lines are read as text) are read through the
    scan engine: each text column gets the share of cells holding each entity, with a 95 %
    interval, on a random sample of rows (--sample) or on every row (--full); findings name
    the row and column.

    Findings show a masked preview and a keyed digest, never the value. With --redact, a
    copy of each file is written with every finding masked, tagged or pseudonymised with
    the keyed digest (the same value, the same pseudonym across files). Exit 0 without
    findings, 1 with any, 2 when a file cannot be read (the others are still scanned).
    """
    from charter import composition
    from charter.domain.errors import InputError
    from charter.privacy.masking import REDACTION_MODES
    from charter.reports.pii_documents import pii_document, render_pii_table
    from charter.services.pii import Redaction, scan_text_files

    if redact_mode not in REDACTION_MODES:
        fail_input(f"--redact-mode: {redact_mode} is not one of {', '.join(REDACTION_MODES)}")

    wanted = list(_names(entities)) or None
    try:
        chosen = _chosen_catalogue(catalogue, workspace_dir)
        unknown = sorted(set(wanted or ()) - set(chosen.entities))
        if unknown:
            fail_input(
                f"--entities: unknown {', '.join(unknown)} (known: {', '.join(chosen.entities)})"
            )
        key, key_id = composition.hmac_key(workspace_dir)
    except InputError as exc:
        fail_input(str(exc))
    _check_engine(engine)
    files, tables, targets = _pii_inputs(paths, redact, output)
    redaction = (
        Redaction(redact_mode, lambda p: composition.redacted_copy(p, targets[p]))
        if redact is not None
        else None
    )
    scanner = composition.pii_scanner(chosen, wanted, threshold, jobs, pattern_budget)
    total = sum(p.stat().st_size for p in files if p.is_file())
    report = composition.byte_progress(total)
    try:
        run = scan_text_files(
            files,
            composition.pii_block_reader(),
            scanner.scan_counting,
            key,
            entities=scanner.detector.entities,
            threshold=scanner.detector.threshold,
            key_id=key_id,
            budget_seconds=budget,
            progress=report,
            redaction=redaction,
        )
        if tables:
            run = _with_tables(
                run, tables, scanner.scan, key, engine, _names(columns),
                None if full or redaction else sample, budget,
            )  # fmt: skip
            if redaction is not None:
                _redact_tables(run, targets, scanner.scan, key, redact_mode, budget)
    finally:
        scanner.close(now=sys.exc_info()[0] is not None)  # interrupted: stop workers
        report(None)
    document = pii_document(run)
    _emit(document, output_format, output, render_pii_table, _pii_html)
    summary = document["summary"]
    if summary["errors"]:
        raise typer.Exit(2)
    raise typer.Exit(EXIT_FINDINGS if summary["findings"] or summary["incomplete"] else EXIT_OK)


def _chosen_catalogue(catalogue: str | None, workspace_dir: Path | None) -> Any:
    """``--catalogue``, else the one the workspace's ``charter.yaml`` names, else the
    built-in."""
    from charter import composition

    if catalogue is None and workspace_dir is not None:
        config = composition.workspace_config(workspace_dir)
        return composition.workspace_pii_catalogue(workspace_dir, config)
    return composition.pii_catalogue(catalogue or "pii/default")


TABLE_SUFFIXES = (".csv", ".tsv", ".csv.gz", ".parquet", ".pq")


def _is_table(path: str) -> bool:
    return path.lower().endswith(TABLE_SUFFIXES)


def _with_tables(
    run: Any,
    tables: list[Path],
    scan: Any,
    key: bytes,
    engine: str,
    columns: tuple[str, ...],
    sample_rows: int | None,
    budget: float | None,
) -> Any:
    """``run`` with each table's result added (read through the scan engine)."""
    import time
    from dataclasses import replace

    from charter import composition
    from charter.services.pii import scan_table_source

    started = time.perf_counter()
    engine_scanner = composition.scanner(engine)
    try:
        results = [
            scan_table_source(
                str(table),
                columns,
                sample_rows,
                engine_scanner.table_text,
                scan,
                key,
                budget_seconds=budget,
            )
            for table in tables
        ]
    finally:
        engine_scanner.close()
    return replace(
        run, files=[*run.files, *results], seconds=run.seconds + time.perf_counter() - started
    )


def _redact_tables(
    run: Any, targets: dict[Path, Path], scan: Any, key: bytes, mode: str, budget: float | None
) -> None:
    """A redacted copy of each table scanned completely (an unreadable one gets none); a
    copy that runs out of ``budget`` seconds is discarded and the table ``incomplete``."""
    from charter import composition
    from charter.domain.errors import InputError
    from charter.domain.personal_data import TimeBudgetSpentError
    from charter.privacy.detector import PatternTimeoutError
    from charter.services.pii import cell_redactor

    for result in run.files:
        path = Path(result.path)
        if not result.is_table or result.status != "complete" or path not in targets:
            continue
        redact = cell_redactor(scan, key, mode, budget)
        try:
            as_they_are = composition.redacted_table(path, targets[path], redact)
            if as_they_are:
                result.message = (
                    f"{path}: redacted copy: columns {', '.join(as_they_are)} copied as they "
                    "are (not text, integers, whole decimals or dates)"
                )
        except InputError as exc:
            result.status, result.message = "error", str(exc)
        except PatternTimeoutError as exc:
            result.status, result.message = "incomplete", f"{path}: redacted copy: {exc}"
        except TimeBudgetSpentError:
            result.status = "incomplete"
            result.message = f"{path}: time budget of {budget:g} s ran out writing the copy"


def _redaction_targets(paths: list[Path], files: list[Path], out: Path) -> dict[Path, Path]:
    """One input file: ``out`` is the copy (inside ``out`` when it is a folder). Otherwise
    ``out`` is a folder mirroring each file's path below the folder it was found in."""
    if len(paths) == 1 and paths[0].is_file():
        return {files[0]: out / files[0].name if out.is_dir() else out}
    targets: dict[Path, Path] = {}
    for path in paths:
        if path.is_dir():
            for file in files:
                if file.is_relative_to(path):
                    targets[file] = out / path.name / file.relative_to(path)
        else:
            targets[path] = out / path.name
    return targets


def _pii_inputs(
    paths: list[Path], redact: Path | None, output: Path | None
) -> tuple[list[Path], list[Path], dict[Path, Path]]:
    """The text files and tables to scan (folders walked, earlier redacted copies inside
    them left out) and where each redacted copy goes; usage errors when a copy or the
    report would overwrite a file scanned, or two copies would share a path."""
    copies = redact.resolve() if redact is not None else None
    found = [
        p
        for path in paths
        for p in (sorted(q for q in path.rglob("*") if q.is_file()) if path.is_dir() else [path])
        if copies is None or p.resolve() == copies or not p.resolve().is_relative_to(copies)
    ]
    tables = [p for p in found if _is_table(str(p))]
    files = [p for p in found if not _is_table(str(p))]
    if not files and not tables:
        fail_input(f"no files found in {', '.join(str(p) for p in paths)}")
    targets: dict[Path, Path] = {}
    if redact is not None:
        targets = _redaction_targets(paths, files + tables, redact)
        _check_targets(targets)
    if output is not None and output.resolve() in {
        *(f.resolve() for f in found),
        *(t.resolve() for t in targets.values()),
    }:
        fail_input(f"--output: {output} would overwrite a file scanned or a redacted copy")
    return files, tables, targets


def _check_targets(targets: dict[Path, Path]) -> None:
    """No copy overwrites its original, and no two copies share a path."""
    written: dict[Path, Path] = {}
    for source, target in targets.items():
        where = target.resolve()
        if where == source.resolve():
            fail_input(f"--redact: the copy of {source} would overwrite it")
        if where in written:
            fail_input(
                f"--redact: the copies of {written[where]} and {source} would both be {target}"
            )
        if target.is_dir():
            fail_input(f"--redact: {target} is a folder, not a file the copy can take")
        written[where] = source


def _pii_html(document: dict[str, Any]) -> str:
    from charter.reports.pii_html import render_pii_html

    return render_pii_html(document)
