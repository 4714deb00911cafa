"""Redacted copies of tables (CSV, TSV, gzipped CSV, Parquet), streamed batch by batch and
written atomically in the input's own format.

CSV files are read with every column as text, so the copy keeps each cell exactly as it was
written (Arrow's writer quotes every text cell); Parquet keeps its schema. Text cells are rewritten
by the ``redact`` callable; an integer cell that held a finding (a card or phone number
stored as a number) becomes NULL, so the column keeps its type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from charter.domain.errors import InputError
from charter.engines.scan.inputs import engine_message
from charter.privacy.detector import PatternTimeoutError

BATCH_ROWS = 65_536
Redact = Callable[[str, list[str]], list[str]]
"""``redact(column, cells)``: the cells with every finding replaced (same length)."""


def _format(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith(".tsv"):
        return "tsv"
    if name.endswith(".csv.gz"):
        return "csv.gz"
    if name.endswith(".csv"):
        return "csv"
    raise InputError.at(str(path), 0, 0, "not a table: expected .csv, .tsv, .csv.gz or .parquet")


def write_redacted_table(source: Path, target: Path, redact: Redact) -> list[str]:
    """Copy ``source`` to ``target`` with findings redacted; returns the columns copied as
    they are for their type (floats, binary, nested), which the scan did not read either.
    The copy appears only once complete; any failure leaves nothing behind."""
    fmt = _format(source)
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        delimiter = "\t" if fmt == "tsv" else _delimiter(source) if fmt != "parquet" else ","
        schema, batches = _read(source, fmt, delimiter)
        with _writer(partial, fmt, schema, delimiter) as write:
            for batch in batches:
                write(_redacted(batch, redact))
        partial.replace(target)
        return [f.name for f in schema if not _redactable(f.type)]
    except (InputError, PatternTimeoutError):
        partial.unlink(missing_ok=True)
        raise
    except Exception as exc:
        partial.unlink(missing_ok=True)
        raise InputError.at(str(source), 0, 0, f"cannot redact: {engine_message(exc)}") from exc


def _delimiter(path: Path) -> str:
    """The delimiter DuckDB's sniffer finds (the one the scan read the file with), so the
    copy is parsed, and written, as the scan saw it."""
    import duckdb

    connection = duckdb.connect()
    try:
        found = connection.execute("SELECT Delimiter FROM sniff_csv(?)", [str(path)]).fetchone()
    finally:
        connection.close()
    return str(found[0]) if found and found[0] else ","


def _read(path: Path, fmt: str, delimiter: str) -> tuple[Any, Iterator[Any]]:
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    if fmt == "parquet":
        handle = pq.ParquetFile(path)
        return handle.schema_arrow, handle.iter_batches(batch_size=BATCH_ROWS)
    parse = pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True)
    head = pcsv.open_csv(path, parse_options=parse)
    names = head.schema.names
    head.close()
    convert = pcsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
    )
    reader = pcsv.open_csv(
        path,
        parse_options=parse,
        convert_options=convert,
        read_options=pcsv.ReadOptions(block_size=8 << 20),
    )
    return reader.schema, iter(reader)


class _writer:  # noqa: N801 - a context manager used like a function
    def __init__(self, path: Path, fmt: str, schema: Any, delimiter: str) -> None:
        self.path, self.fmt, self.schema, self.delimiter = path, fmt, schema, delimiter

    def __enter__(self) -> Any:
        import pyarrow as pa
        import pyarrow.csv as pcsv
        import pyarrow.parquet as pq

        if self.fmt == "parquet":
            self._sink = pq.ParquetWriter(self.path, self.schema)
            return self._sink.write_batch
        self._stream = (
            pa.CompressedOutputStream(str(self.path), "gzip")
            if self.fmt == "csv.gz"
            else pa.OSFile(str(self.path), "wb")
        )
        options = pcsv.WriteOptions(delimiter=self.delimiter)
        self._sink = pcsv.CSVWriter(self._stream, self.schema, write_options=options)
        return self._sink.write_batch

    def __exit__(self, *_: object) -> None:
        self._sink.close()
        if self.fmt != "parquet":
            self._stream.close()


def _redacted(batch: Any, redact: Redact) -> Any:
    import pyarrow as pa

    columns = []
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        kind = column.type
        if not _redactable(kind):
            columns.append(column)
        elif pa.types.is_dictionary(kind):  # a pandas category column: the dictionary's text
            decoded = _text_column(name, column.dictionary_decode(), redact)
            columns.append(decoded.dictionary_encode().cast(kind))
        elif _is_text(kind):
            columns.append(_text_column(name, column, redact))
        else:
            columns.append(_typed_column(name, column, redact))
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)


def _redactable(kind: Any) -> bool:
    """The types ``_redacted`` rewrites: those the scan reads by default."""
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        return _is_text(kind.value_type)
    return bool(
        _is_text(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_date(kind)
        or (pa.types.is_decimal(kind) and kind.scale == 0)
    )


def _is_text(kind: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _text_column(name: str, column: Any, redact: Redact) -> Any:
    import pyarrow as pa

    values = column.to_pylist()
    positions = [i for i, v in enumerate(values) if v]
    if not positions:
        return column
    for i, cell in zip(positions, redact(name, [values[i] for i in positions]), strict=True):
        values[i] = cell
    return pa.array(values, type=column.type)


def _typed_column(name: str, column: Any, redact: Redact) -> Any:
    """Integers, whole decimals and dates, read as the scan read them (as text: a card
    number stored as a number, a date of birth); a cell that held a finding becomes NULL,
    so the column keeps its type."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = column.to_pylist()
    texts = pc.cast(column, pa.string()).to_pylist()
    positions = [i for i, v in enumerate(values) if v is not None]
    if not positions:
        return column
    cells = [texts[i] for i in positions]
    for i, before, after in zip(positions, cells, redact(name, cells), strict=True):
        if after != before:
            values[i] = None
    return pa.array(values, type=column.type)
