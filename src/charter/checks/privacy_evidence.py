"""Privacy checks that read evidence: personal data in text and tables, whether the card
declares it, re-identification risk of exports, and records kept past their retention.

The evidence is ``evaluations.privacy`` on the system card (and ``prompts`` on GenAI use
cases). Findings carry counts, locations, masked previews and keyed digests; never a value.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from charter.checks.support import system_of, system_violation, use_case_violation
from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.errors import InputError
from charter.domain.guidelines import Scope
from charter.domain.personal_data import (
    ColumnProfile,
    EntityShare,
    PersonalDataScanner,
    PiiFileResult,
    table_profile,
)
from charter.domain.pii_catalogue import PiiCatalogue
from charter.domain.reidentification import RiskLimits, judge_reidentification
from charter.domain.scans import EvidenceScanner
from charter.domain.status import Status
from charter.domain.systems import DataSource, PrivacyEvidence, SystemCard
from charter.privacy.quasi_identifiers import suggests_quasi_identifier, suggests_special_category

PARTNER_PACK = "partner-ai-usage"
GENAI_PACK = "genai-content-production"
TABLE_SUFFIXES = (".csv", ".tsv", ".csv.gz", ".parquet", ".pq")
LISTED = 5
"""Examples (location, preview, digest) a finding lists per entity or column."""


def _scanner(ctx: CheckContext) -> PersonalDataScanner:
    if ctx.personal_data is None:
        raise RuntimeError("no personal-data scanner was given to the audit")
    return ctx.personal_data


def _engine(ctx: CheckContext) -> EvidenceScanner:
    if ctx.scanner is None:
        raise RuntimeError("no scan engine was given to the audit")
    return ctx.scanner


def _catalogue(ctx: CheckContext) -> PiiCatalogue:
    return _scanner(ctx).catalogue


def _min_score(ctx: CheckContext) -> float:
    """A pack's ``min_score``, else the PII catalogue's threshold (asked of the scanner only
    when there is evidence to scan)."""
    if "min_score" in ctx.thresholds:
        value = ctx.thresholds["min_score"]
        assert isinstance(value, float | int)
        return float(value)
    return _catalogue(ctx).threshold


def _files(ctx: CheckContext, pattern: str) -> list[Path]:
    if ctx.deliverables is None:
        raise RuntimeError("no file reader was given to the audit")
    return ctx.deliverables.matching(ctx.workspace.root, pattern)


def is_table(ctx: CheckContext, evidence: PrivacyEvidence) -> bool:
    """A table when the path names one, or every file it matches is one."""
    if evidence.path.lower().endswith(TABLE_SUFFIXES):
        return True
    files = _files(ctx, evidence.path)
    return bool(files) and all(str(f).lower().endswith(TABLE_SUFFIXES) for f in files)


def _source(card: SystemCard, evidence: PrivacyEvidence) -> DataSource | None:
    return next((s for s in card.data_sources if s.id == evidence.source), None)


def _declared(source: DataSource | None) -> list[str]:
    if source is None or not source.personal_data:
        return []
    return list(source.personal_data_categories)


def _shown(ctx: CheckContext, path: str) -> str:
    root = ctx.workspace.root
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path


def _read_errors(ctx: CheckContext, results: list[PiiFileResult]) -> list[Violation]:
    return [
        Violation(
            subject=f"file:{_shown(ctx, r.path)}",
            message=r.message or f"{_shown(ctx, r.path)} could not be scanned",
            status=Status.ERROR if r.status == "error" else Status.INCOMPLETE,
        )
        for r in results
        if r.status != "complete"
    ]


def _undeclared_entities(
    ctx: CheckContext, results: list[PiiFileResult], declared: list[str], min_score: float
) -> dict[str, dict[str, Any]]:
    """Per entity the declaration does not cover: count, files and a few examples."""
    catalogue = _catalogue(ctx)
    found: dict[str, dict[str, Any]] = {}
    for result in results:
        for finding in result.findings:
            if finding.score < min_score or catalogue.declared(finding.entity, declared):
                continue
            entry = found.setdefault(
                finding.entity, {"count": 0, "files": Counter(), "examples": []}
            )
            entry["count"] += 1
            entry["files"][_shown(ctx, result.path)] += 1
            if len(entry["examples"]) < LISTED:
                where = (
                    f"{_shown(ctx, result.path)}:{finding.line}"
                    if finding.line is not None
                    else f"{_shown(ctx, result.path)} row {finding.row} column {finding.column}"
                )
                entry["examples"].append(
                    {"at": where, "preview": finding.preview, "digest": finding.digest}
                )
    return found


def _entity_message(entity: str, entry: dict[str, Any], what: str, declared: str) -> str:
    files = entry["files"]
    kind = "credentials" if entity in _CREDENTIAL_HINT else "personal data"
    return (
        f"{what} holds {entry['count']} {entity} value{'s' if entry['count'] != 1 else ''} "
        f"in {len(files)} file{'s' if len(files) != 1 else ''} ({kind} {declared}); first at "
        f"{entry['examples'][0]['at']}"
    )


_CREDENTIAL_HINT = frozenset({"API_KEY", "ACCESS_TOKEN", "PRIVATE_KEY", "URL"})


class PiiInText(Check):
    """Prompts, transcripts, chat logs and generated text (``evaluations.privacy`` text
    evidence of a system; ``prompts`` of a GenAI use case) hold no personal data the card
    does not declare. A system's evidence is judged against the ``personal_data_categories``
    of its data source (the PII catalogue maps entities to the words that declare them); a
    use case must set ``involves.personal_data`` before personal data may appear.
    Credentials (API keys, tokens, private keys, passwords in URLs) are never declarable.
    A match counts from the PII catalogue's threshold (0.5 in ``pii/default``, or the one
    ``privacy.pii_catalogue`` in ``charter.yaml`` names); a pack's ``min_score`` can raise
    that. JSON escapes are read through; values are reported at the characters as written."""

    id = "privacy.pii_in_text"
    title = "No undeclared personal data in prompts, transcripts and outputs"
    scopes = (Scope.SYSTEM, Scope.USE_CASE)
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:PRIV-03", f"{GENAI_PACK}:GENAI-05")
    inputs = ("systems/<id>.yaml: evaluations.privacy (text)", "usecases/*.yaml: prompts")
    parameters = ("min_score",)

    def run(self, ctx: CheckContext) -> Outcome:
        if ctx.requirement.scope is Scope.USE_CASE:
            return self._use_cases(ctx)
        card = system_of(ctx)
        texts = [(i, e) for i, e in enumerate(card.evaluations.privacy) if not is_table(ctx, e)]
        if not texts:
            return Outcome.not_applicable("no text evidence in evaluations.privacy")
        min_score = _min_score(ctx)
        violations: list[Violation] = []
        scanned: dict[str, Any] = {}
        for i, evidence in texts:
            files = _files(ctx, evidence.path)
            if not files:
                violations.append(
                    system_violation(
                        ctx,
                        ("evaluations", "privacy", i, "path"),
                        f"'{evidence.path}' matches no file",
                        status=Status.INSUFFICIENT_EVIDENCE,
                    )
                )
                continue
            results = _scanner(ctx).text_files(files)
            violations += _read_errors(ctx, results)
            source = _source(card, evidence)
            declared = _declared(source)
            found = _undeclared_entities(ctx, results, declared, float(min_score))
            scanned[evidence.id] = {
                "files": len(files),
                "bytes": sum(r.scanned_bytes for r in results),
                "findings": sum(sum(r.counts.values()) for r in results),
            }
            for entity, entry in sorted(found.items()):
                note = (
                    f"not declared by '{source.id}'"
                    if source is not None
                    else "and the evidence names no data source"
                )
                violations.append(
                    system_violation(
                        ctx,
                        ("evaluations", "privacy", i),
                        _entity_message(entity, entry, f"'{evidence.id}'", note),
                        {
                            "entity": entity,
                            "count": entry["count"],
                            "files": dict(sorted(entry["files"].items())),
                            "examples": entry["examples"],
                            "declared": declared,
                        },
                        aspect=entity,
                    )
                )
        return Outcome.from_violations(violations, {"scanned": scanned})

    def _use_cases(self, ctx: CheckContext) -> Outcome:
        violations: list[Violation] = []
        scanned: dict[str, Any] = {}
        for use_case in ctx.use_cases:
            if not use_case.prompts:
                continue
            declared = ["personal data"] if use_case.involves.personal_data else []
            for i, pattern in enumerate(use_case.prompts):
                files = _files(ctx, pattern)
                if not files:
                    violations.append(
                        use_case_violation(
                            ctx,
                            use_case.id,
                            ("prompts", i),
                            f"'{pattern}' matches no file",
                            status=Status.INSUFFICIENT_EVIDENCE,
                        )
                    )
                    continue
                results = _scanner(ctx).text_files(files)
                violations += _read_errors(ctx, results)
                scanned[f"{use_case.id}:{pattern}"] = len(files)
                found = _undeclared_entities(ctx, results, declared, _min_score(ctx))
                for entity, entry in sorted(found.items()):
                    violations.append(
                        use_case_violation(
                            ctx,
                            use_case.id,
                            ("prompts", i),
                            _entity_message(
                                entity,
                                entry,
                                f"'{pattern}'",
                                "while the use case declares none"
                                if not declared
                                else "that no declaration covers",
                            ),
                            {
                                "entity": entity,
                                "count": entry["count"],
                                "files": dict(sorted(entry["files"].items())),
                                "examples": entry["examples"],
                            },
                            aspect=entity,
                        )
                    )
        if not scanned and not violations:
            return Outcome.not_applicable("no use case names prompts or outputs to scan")
        return Outcome.from_violations(violations, {"scanned": scanned})


def _tables(ctx: CheckContext, card: SystemCard) -> list[tuple[int, PrivacyEvidence]]:
    return [(i, e) for i, e in enumerate(card.evaluations.privacy) if is_table(ctx, e)]


def _table_source(ctx: CheckContext, evidence: PrivacyEvidence) -> str:
    return str(ctx.workspace.root / evidence.path)


def _column_violation(
    ctx: CheckContext, i: int, column: str, message: str, evidence: dict[str, Any]
) -> Violation:
    return system_violation(
        ctx, ("evaluations", "privacy", i), message, evidence, aspect=f"column-{column}"
    )


def _holds_entity(
    ctx: CheckContext,
    i: int,
    evidence: PrivacyEvidence,
    profile: ColumnProfile,
    share: EntityShare,
    sampled: bool,
    why: str,
    **extra: Any,
) -> Violation:
    """A column found holding an entity, with the share of its cells and why that fails."""
    return _column_violation(
        ctx,
        i,
        profile.column,
        f"column '{profile.column}' of '{evidence.id}' holds {share.entity} in "
        f"{_share(profile.cells, share, sampled)}{why}",
        {
            "column": profile.column,
            "entity": share.entity,
            "cells": profile.cells,
            "with_entity": share.cells,
            "interval": [round(share.low, 4), round(share.high, 4)],
            "sampled": sampled,
            **extra,
        },
    )


def _share(cells: int, share: EntityShare, sampled: bool) -> str:
    if not sampled:
        return f"{share.share:.0%} of all {cells:,} cells"
    return (
        f"{share.share:.0%} of {cells:,} sampled cells (95 % interval "
        f"{share.low:.0%}-{share.high:.0%})"
    )


class PiiInTable(Check):
    """Columns of a personal-data source's tables (``evaluations.privacy`` tables whose
    ``source`` is marked ``personal_data``) hold only entities the source declares in
    ``personal_data_categories``. Each column that can hold text (strings, integers, whole
    decimals, dates, binary, lists, structs, maps) is profiled on a seeded pseudo-random
    sample of rows (10,000 by default), its name read as context for its cells: the share
    of cells holding each entity (matches from the PII catalogue's threshold, 0.5), with its
    95 % Wilson interval. A column *holds* an entity when at least 80 % of the cells where
    it is found are nothing but that entity; other findings are entities in free text, and
    fail the same way when undeclared."""

    id = "privacy.pii_in_table"
    title = "Personal-data columns match the declared categories"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:PRIV-04",)
    inputs = ("systems/<id>.yaml: evaluations.privacy (tables), data_sources",)

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        tables = [
            (i, e)
            for i, e in _tables(ctx, card)
            if (source := _source(card, e)) is not None and source.personal_data
        ]
        if not tables:
            return Outcome.not_applicable("no table evidence of a personal-data source")
        catalogue = _catalogue(ctx)
        violations: list[Violation] = []
        profiles: dict[str, Any] = {}
        for i, evidence in tables:
            source = _source(card, evidence)
            assert source is not None
            result = _scanner(ctx).table(_table_source(ctx, evidence), tuple(evidence.columns))
            violations += _read_errors(ctx, [result])
            sampled = result.scanned_rows != result.rows
            profiles[evidence.id] = table_profile(result)
            for profile in result.columns:
                for share in profile.entities:
                    if catalogue.declared(share.entity, source.personal_data_categories):
                        continue
                    violations.append(
                        _holds_entity(
                            ctx,
                            i,
                            evidence,
                            profile,
                            share,
                            sampled,
                            f", not declared by '{source.id}'",
                            declared=list(source.personal_data_categories),
                        )
                    )
        return Outcome.from_violations(violations, {"tables": profiles})


class UndeclaredPersonalData(Check):
    """Tables of sources the card says hold no personal data (``personal_data: false``, or
    evidence that names no source) have no personal-data column: none whose values hold a
    PII entity (the sampled profile of ``privacy.pii_in_table``: matches from the PII
    catalogue's threshold, 0.5, the column's name as context), and none whose name marks a
    quasi-identifier (birth date, postcode, gender...) or special-category data (health,
    religion...)."""

    id = "privacy.undeclared_personal_data"
    title = "No personal data in sources declared without it"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:PRIV-04",)
    inputs = ("systems/<id>.yaml: evaluations.privacy (tables), data_sources",)

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        tables = [
            (i, e)
            for i, e in _tables(ctx, card)
            if (source := _source(card, e)) is None or not source.personal_data
        ]
        if not tables:
            return Outcome.not_applicable("no table evidence of a source without personal data")
        violations: list[Violation] = []
        profiles: dict[str, Any] = {}
        for i, evidence in tables:
            source = _source(card, evidence)
            where = f"'{source.id}' declares no personal data" if source else "no source named"
            name = _table_source(ctx, evidence)
            result = _scanner(ctx).table(name, tuple(evidence.columns))
            violations += _read_errors(ctx, [result])
            if result.status == "error":
                continue
            profiles[evidence.id] = table_profile(result)
            sampled = result.scanned_rows != result.rows
            flagged: set[str] = set()
            for profile in result.columns:
                if not profile.entities:
                    continue
                flagged.add(profile.column)
                violations.append(
                    _holds_entity(
                        ctx, i, evidence, profile, profile.entities[0], sampled, f" ({where})"
                    )
                )
            for column in _engine(ctx).columns(name):
                if column in flagged:
                    continue
                if suggests_special_category(column):
                    kind = "special-category data (GDPR Art. 9)"
                elif suggests_quasi_identifier(column):
                    kind = "a quasi-identifier"
                else:
                    continue
                violations.append(
                    _column_violation(
                        ctx,
                        i,
                        column,
                        f"column '{column}' of '{evidence.id}' is named like {kind} ({where})",
                        {"column": column, "by": "name"},
                    )
                )
        return Outcome.from_violations(violations, {"tables": profiles})


class ReidentificationRisk(Check):
    """Tables the system exports or shares (``exported: true``, or with
    ``quasi_identifiers`` named) meet k-anonymity over their quasi-identifiers (declared,
    else discovered from column names) and l-diversity on their ``sensitive`` attributes.
    Evidence gives class sizes, prosecutor risk, l (distinct and entropy) and t-closeness;
    never a value."""

    id = "privacy.reidentification_risk"
    title = "Exported datasets meet k-anonymity and l-diversity"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:PRIV-05",)
    inputs = ("systems/<id>.yaml: evaluations.privacy (exported tables)",)
    parameters = ("k", "l")

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        exports = [(i, e) for i, e in _tables(ctx, card) if e.exported or e.quasi_identifiers]
        if not exports:
            return Outcome.not_applicable("no exported table in evaluations.privacy")
        pack_limits = RiskLimits(k=int(ctx.threshold("k")), l=int(ctx.threshold("l")))
        engine = _engine(ctx)
        violations: list[Violation] = []
        assessed: dict[str, Any] = {}
        for i, evidence in exports:
            limits = replace(pack_limits, t=evidence.max_t_closeness)
            name = _table_source(ctx, evidence)
            quasi = tuple(evidence.quasi_identifiers)
            discovered = None
            if not quasi:
                discovered = engine.discover_quasi_identifiers(
                    name, k=limits.k, exclude=tuple(evidence.sensitive)
                )
                quasi = discovered.suggested
            if not quasi:
                violations.append(
                    system_violation(
                        ctx,
                        ("evaluations", "privacy", i, "quasi_identifiers"),
                        f"'{evidence.id}' is exported but no quasi-identifier is named or "
                        "recognisable by column name",
                        status=Status.INSUFFICIENT_EVIDENCE,
                    )
                )
                continue
            report = engine.reidentification(
                name, quasi, tuple(evidence.sensitive), k=limits.k, l_target=limits.l
            )
            sizes = report.sizes
            assessed[evidence.id] = {
                "quasi_identifiers": list(quasi),
                "rows": sizes.rows,
                "classes": sizes.classes,
                "k": sizes.k,
                "rows_below_k": sizes.rows_below_target,
                "small_classes": [{"size": s, "classes": c} for s, c in sizes.small_classes],
                "prosecutor_max": sizes.prosecutor_max,
                "prosecutor_average": round(sizes.prosecutor_average, 6),
                "sensitive": {
                    s.attribute: {
                        "l_distinct": s.l_distinct,
                        "l_entropy": round(s.l_entropy, 4),
                        "t": round(s.t, 4),
                    }
                    for s in report.sensitive
                },
            }
            if discovered is not None:  # by name; what uniqueness says besides, for review
                assessed[evidence.id]["discovered"] = {
                    "by_name": list(discovered.suggested),
                    "identifier_columns": list(discovered.identifiers),
                    "risky_combinations": [
                        {"columns": list(r.columns), "k": r.sizes.k} for r in discovered.risky[:10]
                    ],
                }
            for breach in judge_reidentification(report, limits):
                aspect = (
                    breach.metric
                    if breach.attribute is None
                    else (f"{breach.metric}-{breach.attribute}")
                )
                spread = next(
                    (s for s in report.sensitive if s.attribute == breach.attribute), None
                )
                details: dict[str, Any] = {
                    "metric": breach.metric,
                    "value": breach.value,
                    "limit": breach.limit,
                    "quasi_identifiers": list(quasi),
                    "rows": sizes.rows,
                    "classes": sizes.classes,
                    "rows_below_k": sizes.rows_below_target,
                    "unique_rows": sizes.unique_rows,
                    "prosecutor_max": sizes.prosecutor_max,
                    "prosecutor_average": round(sizes.prosecutor_average, 6),
                    "small_classes": [list(c) for c in sizes.small_classes],
                }
                if spread is not None:
                    details |= {
                        "attribute": spread.attribute,
                        "l_entropy": round(spread.l_entropy, 4),
                        "t": round(spread.t, 4),
                        "homogeneous_classes": [list(c) for c in spread.homogeneous],
                    }
                violations.append(
                    system_violation(
                        ctx,
                        ("evaluations", "privacy", i),
                        f"'{evidence.id}': {breach.message}",
                        details,
                        aspect=aspect,
                    )
                )
        return Outcome.from_violations(violations, {"assessed": assessed, "k": limits.k})


class Retention(Check):
    """No record of a source's evidence is older than the source's ``retention_days`` at
    the audit date: tables by their ``record_date`` column (rows with no readable date
    count as not shown to be recent), text files by their modification time."""

    id = "privacy.retention"
    title = "No records older than the declared retention"
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:PRIV-06",)
    inputs = ("systems/<id>.yaml: evaluations.privacy, data_sources.retention_days",)

    def run(self, ctx: CheckContext) -> Outcome:
        card = system_of(ctx)
        kept = [
            (i, e, s)
            for i, e in enumerate(card.evaluations.privacy)
            if (s := _source(card, e)) is not None and s.retention_days is not None
        ]
        if not kept:
            return Outcome.not_applicable("no evidence of a source with a retention period")
        violations: list[Violation] = []
        checked: dict[str, Any] = {}
        for i, evidence, source in kept:
            assert source.retention_days is not None
            cutoff = ctx.as_of - timedelta(days=source.retention_days)
            limit = f"the {source.retention_days}-day retention of '{source.id}'"
            if evidence.record_date is not None:
                ages = _engine(ctx).record_ages(
                    _table_source(ctx, evidence), evidence.record_date, cutoff
                )
                checked[evidence.id] = {"rows": ages.rows, "older": ages.older}
                if ages.older or ages.undated:
                    parts = []
                    if ages.older:
                        parts.append(
                            f"{ages.older:,} of {ages.rows:,} records are older than {limit} "
                            f"(dated before {cutoff.isoformat()}; oldest "
                            f"{ages.oldest.isoformat() if ages.oldest else '?'})"
                        )
                    if ages.undated:
                        parts.append(
                            f"{ages.undated:,} record{' has' if ages.undated == 1 else 's have'}"
                            " no readable date"
                        )
                    violations.append(
                        system_violation(
                            ctx,
                            ("evaluations", "privacy", i),
                            f"'{evidence.id}': " + "; ".join(parts),
                            {
                                "rows": ages.rows,
                                "older": ages.older,
                                "undated": ages.undated,
                                "oldest": ages.oldest.isoformat() if ages.oldest else None,
                                "cutoff": cutoff.isoformat(),
                                "retention_days": source.retention_days,
                            },
                        )
                    )
                continue
            files = _files(ctx, evidence.path)
            assert ctx.deliverables is not None
            try:
                dates = {f: ctx.deliverables.modified(f) for f in files}
            except InputError as exc:
                violations.append(
                    Violation(
                        subject=f"file:{evidence.path}", message=str(exc), status=Status.ERROR
                    )
                )
                continue
            old = sorted(_shown(ctx, str(f)) for f, day in dates.items() if day < cutoff)
            checked[evidence.id] = {"files": len(files), "older": len(old)}
            if old:
                violations.append(
                    system_violation(
                        ctx,
                        ("evaluations", "privacy", i),
                        f"'{evidence.id}': {len(old)} of {len(files)} files were last modified "
                        f"before {cutoff.isoformat()}, past {limit}",
                        {"files": old[:20], "cutoff": cutoff.isoformat()},
                    )
                )
        return Outcome.from_violations(violations, {"checked": checked})


CHECKS: list[type[Check]] = [
    PiiInText,
    PiiInTable,
    UndeclaredPersonalData,
    ReidentificationRisk,
    Retention,
]
