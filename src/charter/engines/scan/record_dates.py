"""How old a table's records are: one aggregate over its date column."""

from __future__ import annotations

from datetime import date, datetime

from charter.engines.scan.inputs import ScanSource, problem, require_columns, run_on_engine
from charter.engines.scan.progress import ProgressReporter, tracked
from charter.metrics.record_ages import RecordAges


def record_ages(
    source: ScanSource, column: str, cutoff: date, progress: ProgressReporter | None = None
) -> RecordAges:
    """Rows, rows dated before ``cutoff``, the oldest date, and rows whose date is missing
    or not a date (they cannot be shown to be recent)."""
    require_columns(source, {"record_date": column})
    table = source.table
    value = table[column]
    kind = value.type()
    if kind.is_json():
        value = value.unwrap_as("string")
        kind = value.type()
    if not (kind.is_temporal() or kind.is_string()):
        raise problem(source.name, f"column '{column}' (record_date) is {kind}, not a date")
    # DuckDB 2.0 pushes a cast taken straight off a CSV column into the CSV reader, where a
    # bad value fails the scan instead of becoming NULL; trimming first keeps it a TRY_CAST.
    stamp = value.strip().try_cast("timestamp") if kind.is_string() else value.cast("timestamp")
    day = stamp.date()
    expression = table.aggregate(
        rows=table.count(),
        older=(day < cutoff).sum(),
        undated=stamp.isnull().sum(),
        oldest=day.min(),
    )
    row = run_on_engine(
        source.name, lambda: tracked(expression, progress).to_pyarrow().to_pylist()[0]
    )
    oldest = row["oldest"]
    if isinstance(oldest, datetime):
        oldest = oldest.date()
    return RecordAges(
        rows=int(row["rows"] or 0),
        older=int(row["older"] or 0),
        undated=int(row["undated"] or 0),
        oldest=oldest,
        cutoff=cutoff,
    )
