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
from charter.domain.personal_data import TimeBudgetSpentError
from charter.engines.scan.inputs import CSV_OPTIONS, engine_message
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
        schema, batches, delimiter = _read(source, fmt)
        with _writer(partial, fmt, schema, delimiter) as write:
            for batch in batches:
                write(_redacted(batch, redact))
        partial.replace(target)
        return [f.name for f in schema if not _redactable(f.type)]
    except (InputError, PatternTimeoutError, TimeBudgetSpentError):
        partial.unlink(missing_ok=True)
        raise
    except Exception as exc:
        partial.unlink(missing_ok=True)
        raise InputError.at(str(source), 0, 0, f"cannot redact: {engine_message(exc)}") from exc


def _read(path: Path, fmt: str) -> tuple[Any, Iterator[Any], str]:
    """The table's schema, its batches and (CSV) its delimiter. CSV is read by DuckDB as the
    scan read it (the same options and sniffed delimiter, every column as text), so the copy
    holds the cells the scan looked at, and is written with the delimiter it had."""
    import pyarrow.parquet as pq

    if fmt == "parquet":
        handle = pq.ParquetFile(path)
        return handle.schema_arrow, handle.iter_batches(batch_size=BATCH_ROWS), ","
    import duckdb

    connection = duckdb.connect()
    delimiter = "\t"
    if fmt != "tsv":
        options = "".join(f", {name} = ?" for name in CSV_OPTIONS)
        sniffed = connection.execute(
            f"SELECT Delimiter FROM sniff_csv(?{options})",  # noqa: S608 - option names only
            [str(path), *CSV_OPTIONS.values()],
        ).fetchall()  # the whole result: the connection reads the file next
        delimiter = str(sniffed[0][0]) if sniffed and sniffed[0][0] else ","
    relation = connection.read_csv(
        str(path), header=True, sep=delimiter, all_varchar=True, **CSV_OPTIONS
    )
    reader = relation.to_arrow_reader(BATCH_ROWS)

    def batches() -> Iterator[Any]:
        try:
            yield from reader
        finally:
            reader.close()
            connection.close()

    return reader.schema, batches(), delimiter


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

    columns = [
        _redacted_array(name, column, redact)
        for name, column in zip(batch.schema.names, batch.columns, strict=True)
    ]
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)


def _redacted_array(name: str, column: Any, redact: Redact) -> Any:
    """``column`` with its findings replaced, of the same type: text cells rewritten,
    number and date cells that held a finding NULL, and the text inside lists, structs and
    maps rewritten in place (a field's cells under ``name.field``: the field's name is
    context too). Other types (floats, booleans, times) hold none and stay."""
    import pyarrow as pa

    kind = column.type
    if pa.types.is_dictionary(kind):  # a pandas category column: the dictionary's text
        if not _is_text(kind.value_type):
            return column
        decoded = _redacted_array(name, column.dictionary_decode(), redact)
        return decoded.dictionary_encode().cast(kind)
    if _is_text(kind):
        return _text_column(name, column, redact)
    if pa.types.is_string_view(kind):
        return _text_column(name, column.cast(pa.string()), redact).cast(kind)
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return _binary_column(name, column, redact)
    if (
        pa.types.is_integer(kind)
        or pa.types.is_date(kind)
        or (pa.types.is_decimal(kind) and kind.scale == 0)
    ):
        return _typed_column(name, column, redact)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        values = _redacted_array(name, column.values, redact)
        return type(column).from_arrays(column.offsets, values, type=kind, mask=column.is_null())
    if pa.types.is_map(kind):
        keys = _redacted_array(f"{name}.key", column.keys, redact)
        items = _redacted_array(name, column.items, redact)
        return pa.MapArray.from_arrays(
            column.offsets, keys, items, type=kind, mask=column.is_null()
        )
    if pa.types.is_struct(kind):
        fields = [
            _redacted_array(f"{name}.{kind.field(i).name}", column.field(i), redact)
            for i in range(kind.num_fields)
        ]
        return pa.StructArray.from_arrays(fields, fields=list(kind), mask=column.is_null())
    return column


def _redactable(kind: Any) -> bool:
    """Whether ``_redacted_array`` looks into a type (what the scan reads by default)."""
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        return _is_text(kind.value_type)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return _redactable(kind.value_type)
    if pa.types.is_map(kind):
        return _redactable(kind.key_type) or _redactable(kind.item_type)
    if pa.types.is_struct(kind):
        return any(_redactable(kind.field(i).type) for i in range(kind.num_fields))
    return bool(
        _is_text(kind)
        or pa.types.is_string_view(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_date(kind)
        or (pa.types.is_decimal(kind) and kind.scale == 0)
    )


def _binary_column(name: str, column: Any, redact: Redact) -> Any:
    """Binary cells that are UTF-8 text, redacted as text; other bytes stay as they are
    (the scan reads them as the engine writes bytes out, and finds no value in them)."""
    import pyarrow as pa

    values = column.to_pylist()
    texts: dict[int, str] = {}
    for i, value in enumerate(values):
        if value:
            try:
                texts[i] = value.decode("utf-8")
            except UnicodeDecodeError:
                continue
    if not texts:
        return column
    positions = sorted(texts)
    for i, cell in zip(positions, redact(name, [texts[i] for i in positions]), strict=True):
        values[i] = cell.encode("utf-8")
    return pa.array(values, type=column.type)


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
