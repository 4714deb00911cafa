"""The fairness cube: one group-by pass over a decision log into confusion-count cells."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from charter.domain.scans import BUCKET_COLUMN, DecisionColumns
from charter.engines.scan.inputs import ScanSource, problem, require_columns, run_on_engine
from charter.engines.scan.progress import ProgressReporter, tracked
from charter.metrics.cells import MEASURES, ConfusionCells

if TYPE_CHECKING:
    import ibis.expr.types as ir

LABEL_KEY, PREDICTION_KEY = "_charter_label", "_charter_prediction"
BUCKET_UNITS = {"day": "D", "week": "W", "month": "M"}


def confusion_cells(
    source: ScanSource, columns: DecisionColumns, progress: ProgressReporter | None = None
) -> ConfusionCells:
    """Scan ``source`` once into the finest cells of ``columns.keys``."""
    roles: dict[str, str | None] = {"--label": columns.label, "--prediction": columns.prediction}
    roles |= {f"--sensitive {c}": c for c in columns.sensitive}
    roles |= {f"--control {c}": c for c in columns.control}
    roles |= {"--score": columns.score, "--time": columns.time}
    require_columns(source, roles)
    for name in (*columns.sensitive, *columns.control):
        if name in MEASURES:
            raise problem(
                source.name,
                f"column '{name}' is named like a count of the cell table "
                f"({', '.join(MEASURES)}): rename it to group by it",
            )
    table = source.table
    _binary(source, table, columns.label, "label")  # type check: 0/1 or true/false
    _binary(source, table, columns.prediction, "prediction")
    keys: dict[str, Any] = {}
    if columns.time and columns.bucket:
        keys[BUCKET_COLUMN] = (
            table[columns.time].cast("timestamp").truncate(BUCKET_UNITS[columns.bucket])
        )
    for name in (*columns.sensitive, *columns.control):
        keys[name] = group_key(table[name])
    # The outcome and the decision are grouping keys too: one plain count per cell, no
    # filtered aggregates, and values that are not 0/1 show up as cells of their own.
    keys[LABEL_KEY] = table[columns.label]
    keys[PREDICTION_KEY] = table[columns.prediction]
    measures: dict[str, Any] = {"n": table.count()}
    if columns.score:
        score = table[columns.score]
        if not score.type().is_numeric():
            raise problem(
                source.name, f"column '{columns.score}' (--score) is {score.type()}, not numeric"
            )
        measures["score_sum"] = score.cast("float64").sum()
    expression = table.group_by(**keys).aggregate(**measures)
    frame = run_on_engine(
        source.name, lambda: tracked(expression, progress).to_pyarrow().to_pandas()
    )
    if frame.empty or int(frame["n"].sum()) == 0:
        raise problem(source.name, "has no rows")
    outcome: dict[str, pd.Series] = {}
    for role, key, column in (
        ("label", LABEL_KEY, columns.label),
        ("prediction", PREDICTION_KEY, columns.prediction),
    ):
        values = frame[key]
        positive = values.isin([1, True]) & values.notna()
        negative = values.isin([0, False]) & values.notna()
        bad = int(frame.loc[~(positive | negative), "n"].sum())
        if bad:
            raise problem(
                source.name,
                f"column '{column}' ({role}) is not binary: {bad} rows are NULL or not 0/1",
            )
        outcome[role] = positive
    y, p = outcome["label"], outcome["prediction"]
    counts = frame["n"].astype("int64")
    frame = frame.assign(
        tp=counts.where(y & p, 0),
        fp=counts.where(~y & p, 0),
        tn=counts.where(~y & ~p, 0),
        fn=counts.where(y & ~p, 0),
    ).drop(columns=[LABEL_KEY, PREDICTION_KEY])
    if BUCKET_COLUMN in frame.columns:
        # Dates, whatever timestamp flavour the engine returns (Spark's are zone-aware).
        frame[BUCKET_COLUMN] = [
            None if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d")
            for v in frame[BUCKET_COLUMN]
        ]
    cells = ConfusionCells.from_frame(
        frame,
        columns.keys,
        has_score=columns.score is not None,
    )
    for name in columns.sensitive:
        if cells.levels(name) == [None]:
            raise problem(source.name, f"column '{name}' (--sensitive) is NULL in every row")
    return cells


def group_key(column: ir.Column) -> ir.StringValue:
    """A column as group labels: strings on every backend, NULL kept (its own group).
    JSON values (DuckDB reads sparse JSON-lines fields as JSON) are unwrapped, not quoted."""
    if column.type().is_json():
        return column.unwrap_as("string")
    return column.cast("string")


def _binary(source: ScanSource, table: ir.Table, column: str, role: str) -> ir.BooleanValue:
    value = table[column]
    kind = value.type()
    if kind.is_boolean():
        return value.fill_null(False)
    if kind.is_numeric():
        return (value == 1).fill_null(False)
    raise problem(source.name, f"column '{column}' ({role}) is {kind}: expected 0/1 or true/false")


def sensitive_tuple(text: Sequence[str]) -> tuple[str, ...]:
    return tuple(part.strip() for item in text for part in item.split(",") if part.strip())


POISSON_CDF_PPM = (367_879, 735_759, 919_699, 981_012, 996_340, 999_406, 999_917)
"""Cumulative Poisson(1) probabilities in millionths: P(K <= k) for k = 0..6."""
MAX_REPLICATES = 1_000


def bootstrap_cells(
    source: ScanSource,
    columns: DecisionColumns,
    replicates: int,
    progress: ProgressReporter | None = None,
) -> list[ConfusionCells]:
    """The cells of ``replicates`` Poisson-bootstrap resamples, in one more pass.

    Each row gets, per replicate b, a weight w ~ Poisson(1) (the streaming equivalent of
    resampling with replacement): one uniform draw per row from the engine, hashed with b
    and mapped through the Poisson(1) CDF. The draws come from the engine's random number
    generator, so replicates differ between runs and between engines; the intervals they
    give agree within Monte-Carlo error (tested against the analytic intervals).
    """
    import ibis

    if not 1 <= replicates <= MAX_REPLICATES:
        raise problem(source.name, f"--bootstrap must be between 1 and {MAX_REPLICATES}")
    table = source.table
    label = _binary(source, table, columns.label, "label")
    prediction = _binary(source, table, columns.prediction, "prediction")
    keys = {name: group_key(table[name]) for name in (*columns.sensitive, *columns.control)}
    draws = table.mutate(
        _charter_draw=(ibis.random() * (2**40)).floor().cast("int64"),
        _charter_y=label,
        _charter_p=prediction,
        **keys,
    )
    uniforms = {
        f"_charter_u{b}": (((draws._charter_draw * 1024 + b).hash() % 1_000_000) + 1_000_000)
        % 1_000_000
        for b in range(replicates)
    }
    stage = draws.mutate(**uniforms)
    measures: dict[str, Any] = {}
    y, p = stage._charter_y, stage._charter_p
    outcomes = {"tp": y & p, "fp": ~y & p, "tn": ~y & ~p, "fn": y & ~p}
    for b in range(replicates):
        u = stage[f"_charter_u{b}"]
        cases = [(u < threshold, weight) for weight, threshold in enumerate(POISSON_CDF_PPM)]
        weight = ibis.cases(*cases, else_=len(POISSON_CDF_PPM))
        for name, mask in outcomes.items():
            measures[f"{name}_{b}"] = ibis.ifelse(mask, weight, 0).sum()
    expression = stage.group_by(list(keys)).aggregate(**measures)
    frame = run_on_engine(
        source.name, lambda: tracked(expression, progress).to_pyarrow().to_pandas()
    )
    names = list(keys)
    result = []
    for b in range(replicates):
        part = frame[names].copy()
        for measure in ("tp", "fp", "tn", "fn"):
            part[measure] = frame[f"{measure}_{b}"].fillna(0).astype("int64")
        part["n"] = part["tp"] + part["fp"] + part["tn"] + part["fn"]
        result.append(ConfusionCells.from_frame(part, names))
    return result
