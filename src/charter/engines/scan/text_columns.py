"""The text cells of a table, streamed from the engine as blocks the PII detector reads.

A table (Parquet, CSV, JSON lines, ``URL#table``; DuckDB or Spark) is read through Ibis in
Arrow batches, text and integer columns only (card and phone numbers are often stored as
integers). Each block holds non-empty cells of one column of one batch, at most
``BLOCK_BYTES`` of them (a cell longer than that is a block alone), one cell a line (a
newline inside a cell becomes a space, so offsets within the cell hold), and the row of
each cell. With ``sample_rows`` the engine keeps a fixed pseudo-random share of the rows
(rows numbered first, so findings name the row in the table; the same rows on every engine
and run); otherwise every row streams in order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from charter.engines.scan.inputs import ScanSource, problem, require_columns, run_on_engine
from charter.engines.scan.progress import to_arrow
from charter.privacy.text_blocks import CellBlock, TableText, cell_ranges

if TYPE_CHECKING:
    import ibis.expr.types as ir

ROW_COLUMN = "_charter_row"
BATCH_ROWS = 65_536
SAMPLE_SEED = 20261125
HASH_MULTIPLIER = 0x45D9F3B
"""The multiplier of a 32-bit integer hash (xor-shift, multiply, xor-shift, multiply,
xor-shift): every output bit depends on every input bit, so the rows it keeps are spread
like a random pick, with no lattice of regular gaps; the products stay under 2^59, so no
engine overflows its 64-bit integers, and DuckDB and Spark keep the same rows."""
HASH_RANGE = 1 << 32


def text_columns_of(table: ir.Table) -> tuple[str, ...]:
    """Columns whose values can hold personal data as text: strings, JSON, integers
    (card and phone numbers are often stored as numbers), decimals without a fraction
    (the same, in a wider type), dates (a date of birth), binary values, and lists, structs
    and maps (read as the engine writes them out: ``[a, b]``, ``{'email': a}``). Floats,
    booleans and timestamps hold none."""
    names = []
    for name, kind in table.schema().items():
        if (
            kind.is_string()
            or kind.is_json()
            or kind.is_binary()
            or (kind.is_integer() and not kind.is_boolean())
            or (kind.is_decimal() and kind.scale == 0)
            or kind.is_date()
            or kind.is_nested()
        ):
            names.append(name)
    return tuple(names)


def _row_hash(row: ir.IntegerValue, seed: int) -> ir.IntegerValue:
    """A well-mixed 32-bit hash of the row number and ``seed``, in plain integer
    arithmetic every engine computes alike."""
    mask = HASH_RANGE - 1
    x = (row + seed) & mask
    x = x ^ (x >> 16)
    x = (x * HASH_MULTIPLIER) & mask
    x = x ^ (x >> 16)
    x = (x * HASH_MULTIPLIER) & mask
    return x ^ (x >> 16)


def table_text(
    source: ScanSource,
    columns: Sequence[str] = (),
    *,
    sample_rows: int | None = 10_000,
    seed: int = SAMPLE_SEED,
) -> TableText:
    """Blocks of the text cells of ``source`` (``columns``, default every text column):
    a random sample of about ``sample_rows`` rows, or every row when it is None."""
    import ibis

    table = source.table
    if columns:
        require_columns(source, {f"--columns {c}": c for c in columns})
    chosen = tuple(columns) or text_columns_of(table)
    if not chosen:
        raise problem(source.name, "has no text or integer column to scan")
    counted = table.aggregate(n=table.count())
    total = int(run_on_engine(source.name, lambda: to_arrow(counted)).column("n")[0].as_py())
    sampled = sample_rows is not None and total > sample_rows
    row_name = ROW_COLUMN
    while row_name in table.columns:  # a table may have a column of that name already
        row_name += "_"
    if sampled and sample_rows is not None:
        numbered = table.mutate(**{row_name: ibis.row_number()})
        row = numbered[row_name]
        # A fixed pseudo-random pick by row number (the same on every engine and run): rows
        # whose hashed number falls under the sampling share.
        keep = _row_hash(row, seed) < int(HASH_RANGE * sample_rows / total)
        expression = numbered.filter(keep).select(row, **{n: _as_text(numbered[n]) for n in chosen})
    else:
        expression = table.select(**{n: _as_text(table[n]) for n in chosen})
    skipped = tuple(c for c in table.columns if c not in chosen)
    blocks = _blocks(source, expression, chosen, row_name if sampled else None)
    return TableText(chosen, total, sampled, blocks, skipped)


def _as_text(column: Any) -> Any:
    """Strings on every engine; JSON values unwrapped rather than quoted."""
    return column.unwrap_as("string") if column.type().is_json() else column.cast("string")


def _blocks(
    source: ScanSource, expression: ir.Table, columns: tuple[str, ...], row_name: str | None
) -> Iterator[CellBlock]:
    """The cells of each batch, column by column. Columns are taken by position (the row
    number first when ``row_name`` is set), never by name: an engine may spell an odd name
    (a NUL in it) otherwise than Arrow does."""
    import pyarrow.compute as pc

    offset = 0
    done = 0
    first = 1 if row_name is not None else 0
    for batch in _batches(source, expression, row_name):
        rows = (
            batch.column(0).to_numpy()  # ibis numbers rows from 0
            if row_name is not None
            else range(offset, offset + batch.num_rows)
        )
        offset += batch.num_rows
        for index, name in enumerate(columns, start=first):
            values = batch.column(index)
            valid = pc.and_(pc.is_valid(values), pc.not_equal(pc.utf8_length(values), 0))
            positions = pc.indices_nonzero(pc.fill_null(valid, False)).to_pylist()
            if not positions:
                continue
            taken = pc.replace_substring(
                pc.replace_substring(values.take(positions), "\n", " "), "\r", " "
            )
            sizes = pc.binary_length(taken).to_pylist()
            every = taken.to_pylist()
            for low, high in cell_ranges(sizes):
                cells = every[low:high]
                text = "\n".join(cells)
                data = text.encode("utf-8")
                done += len(data)
                yield CellBlock(
                    text=text,
                    data=data,
                    first_line=0,
                    column_base=0,
                    report_from=0,
                    report_until=len(text),
                    end_offset=done,
                    column=name,
                    rows=[int(rows[p]) for p in positions[low:high]],
                    cells=cells,
                )


def _batches(source: ScanSource, expression: ir.Table, row_name: str | None) -> Iterator[Any]:
    """Arrow record batches in table order, never the whole table at once. DuckDB: its own
    streaming reader, insertion order kept for this query. Spark: the driver pulls one
    partition at a time (``toLocalIterator``) and packs the rows into batches."""
    backend = expression._find_backend()  # ibis has no public accessor
    if backend.name == "duckdb":
        raw = backend.con
        raw.execute("SET preserve_insertion_order = true")
        reader = None
        try:
            reader = run_on_engine(
                source.name,
                lambda: raw.sql(backend.compile(expression)).to_arrow_reader(BATCH_ROWS),
            )
            while True:
                batch = run_on_engine(source.name, lambda: _next(reader))
                if batch is None:
                    return
                yield batch
        finally:
            # A scan stopped early (a budget, a pattern past its budget) leaves the result
            # open: closed first, or the connection refuses the next statement and table.
            if reader is not None:
                reader.close()
            raw.execute("SET preserve_insertion_order = false")
    else:
        yield from _spark_batches(source, backend, expression, row_name)


def _spark_batches(
    source: ScanSource, backend: Any, expression: ir.Table, row_name: str | None
) -> Iterator[Any]:
    import pyarrow as pa

    names = list(expression.columns)
    types = [pa.int64() if n == row_name else pa.string() for n in names]
    schema = pa.schema(list(zip(names, types, strict=True)))
    backend._run_pre_execute_hooks(expression)  # registers in-memory tables (memtable)
    frame = backend._session.sql(backend.compile(expression))  # the backend's own session
    rows = run_on_engine(source.name, lambda: frame.toLocalIterator(prefetchPartitions=True))
    chunk: list[Any] = []
    while True:
        row = run_on_engine(source.name, lambda: next(rows, None))
        if row is not None:
            chunk.append(tuple(row))
        if chunk and (row is None or len(chunk) >= BATCH_ROWS):
            columns = list(zip(*chunk, strict=True))
            yield pa.record_batch(
                [pa.array(c, type=t) for c, t in zip(columns, types, strict=True)],
                schema=schema,
            )
            chunk = []
        if row is None:
            return


def _next(reader: Any) -> Any:
    try:
        return reader.read_next_batch()
    except StopIteration:
        return None
