"""Equivalence classes of a table, computed by the engine (DuckDB or Spark).

One group-by over the quasi-identifiers gives the class sizes; one more per sensitive
attribute gives the count of each value inside each class, with the class numbered by the
engine (``dense_rank``), so quasi-identifier values never leave the engine. Discovery tries
column combinations smallest first and stops growing a combination once it already breaks
k-anonymity (the minimal risky sets, as SUDA reports minimal sample uniques).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import TYPE_CHECKING, Any

from charter.engines.scan.inputs import ScanSource, problem, require_columns, run_on_engine
from charter.engines.scan.progress import ProgressReporter, tracked
from charter.metrics.reidentification import (
    Discovery,
    Reidentification,
    RiskyCombination,
    class_sizes,
    sensitive_spread,
)
from charter.privacy.quasi_identifiers import suggests_quasi_identifier

if TYPE_CHECKING:
    import ibis.expr.types as ir

DISCOVERY_MAX_COLUMNS = 1000
"""Discovery counts distinct values of every column: past this many, the quasi-identifiers
must be named (a table that wide is rarely an export, and each count costs a pass)."""
DISTINCT_PER_QUERY = 64
"""Distinct counts asked of the engine in one query (one with thousands of them can take
an engine down)."""
IDENTIFIER_SHARE = 0.95
"""A column whose values are this nearly all distinct is an identifier, not a
quasi-identifier (a key or a direct identifier such as an e-mail address)."""


COUNT, VALUE = "_charter_n", "_charter_value"
"""Names of the engine's own columns, kept apart from any column a table can have (a table
with columns ``n`` or ``value`` is common)."""


def _keys(table: ir.Table, columns: Sequence[str]) -> dict[str, Any]:
    """Group keys; JSON values (sparse JSON-lines fields) unwrapped as strings."""
    keys: dict[str, Any] = {}
    for name in columns:
        column = table[name]
        keys[name] = column.unwrap_as("string") if column.type().is_json() else column
    return keys


def _single_valued(kind: Any) -> bool:
    """A type whose values can be compared and counted as one (no list, struct or map)."""
    return not kind.is_nested()


def _fetch(source: ScanSource, expression: ir.Table, progress: ProgressReporter | None) -> Any:
    """The expression's result as an Arrow table; read failures name the source."""
    return run_on_engine(source.name, lambda: tracked(expression, progress).to_pyarrow())


def _sizes(source: ScanSource, columns: Sequence[str], progress: ProgressReporter | None) -> Any:
    table = source.table
    expression = (
        table.group_by(**_keys(table, columns)).aggregate(**{COUNT: table.count()}).select(COUNT)
    )
    return _fetch(source, expression, progress).column(COUNT).to_numpy()


def reidentification(
    source: ScanSource,
    quasi_identifiers: Sequence[str],
    sensitive: Sequence[str] = (),
    *,
    k: int = 5,
    l_target: int = 2,
    progress: ProgressReporter | None = None,
) -> Reidentification:
    """Class sizes over ``quasi_identifiers`` and the spread of each ``sensitive``
    attribute inside the classes."""
    import ibis

    roles: dict[str, str | None] = {f"--quasi-identifiers {c}": c for c in quasi_identifiers}
    roles |= {f"--sensitive {c}": c for c in sensitive}
    require_columns(source, roles)
    for name in (*quasi_identifiers, *sensitive):
        if not _single_valued(source.table[name].type()):
            raise problem(
                source.name,
                f"column '{name}' is {source.table[name].type()}: quasi-identifiers and "
                "sensitive attributes hold one value a row",
            )
    overlap = set(quasi_identifiers) & set(sensitive)
    if overlap:
        raise problem(
            source.name, f"column '{sorted(overlap)[0]}' is both quasi-identifier and sensitive"
        )
    sizes = class_sizes(_sizes(source, quasi_identifiers, progress), k)
    if sizes.rows == 0:
        raise problem(source.name, "has no rows")
    table = source.table
    spreads = []
    for name in sensitive:
        keys = _keys(table, quasi_identifiers)
        grouped = table.group_by(**keys, **{VALUE: _keys(table, [name])[name]}).aggregate(
            **{COUNT: table.count()}
        )
        numbered = grouped.select(
            cls=ibis.dense_rank().over(order_by=[grouped[c] for c in quasi_identifiers]),
            value=grouped[VALUE],
            n=grouped[COUNT],
        )
        frame = _fetch(source, numbered, progress).to_pandas()
        kind = table[name].type()
        ordered = kind.is_numeric() and not kind.is_boolean()
        spreads.append(sensitive_spread(name, frame, ordered=ordered, target_l=l_target))
    return Reidentification(tuple(quasi_identifiers), sizes, tuple(spreads))


def discover(
    source: ScanSource,
    *,
    k: int = 5,
    exclude: Sequence[str] = (),
    max_size: int = 3,
    max_columns: int = 12,
    progress: ProgressReporter | None = None,
) -> Discovery:
    """Identifier-like columns, name-suggested quasi-identifiers, and the minimal column
    combinations (up to ``max_size`` columns, among at most ``max_columns`` candidates)
    whose classes are smaller than ``k``."""
    table = source.table
    schema = table.schema()
    columns = [c for c in table.columns if c not in set(exclude) and _single_valued(schema[c])]
    if len(columns) > DISCOVERY_MAX_COLUMNS:
        raise problem(
            source.name,
            f"has {len(columns):,} columns: name the quasi-identifiers (--quasi-identifiers) "
            f"for a table wider than {DISCOVERY_MAX_COLUMNS:,}",
        )
    rows = int(
        _fetch(source, table.aggregate(**{COUNT: table.count()}), progress)[COUNT][0].as_py()
    )
    if rows == 0:
        raise problem(source.name, "has no rows")
    distinct: dict[str, int] = {}
    for start in range(0, len(columns), DISTINCT_PER_QUERY):
        part = columns[start : start + DISTINCT_PER_QUERY]
        measures = {f"{COUNT}{i}": _keys(table, [n])[n].nunique() for i, n in enumerate(part)}
        counts = _fetch(source, table.aggregate(**measures), progress).to_pylist()[0]
        distinct |= {name: int(counts[f"{COUNT}{i}"]) for i, name in enumerate(part)}
    identifiers = tuple(c for c in columns if rows >= 20 and distinct[c] >= IDENTIFIER_SHARE * rows)
    suggested = tuple(c for c in columns if suggests_quasi_identifier(c) and c not in identifiers)
    others = sorted(
        (c for c in columns if c not in identifiers and c not in suggested and distinct[c] > 1),
        key=lambda c: -distinct[c],
    )
    candidates = (*suggested, *others)[:max_columns]
    risky: list[RiskyCombination] = []
    tried = 0
    for size in range(1, max_size + 1):
        for combo in combinations(candidates, size):
            if any(set(r.columns) <= set(combo) for r in risky):
                continue
            tried += 1
            summary = class_sizes(_sizes(source, combo, progress), k)
            if summary.k < k:
                risky.append(RiskyCombination(combo, summary))
    risky.sort(key=lambda r: (len(r.columns), -r.sizes.share_below_target))
    return Discovery(rows, identifiers, suggested, candidates, tuple(risky), tried)
