"""Opening scan inputs as Ibis tables, with errors that name the file and column.

A source is a Parquet, CSV or JSON-lines file, a glob of them, a folder of them (Hive-style
partition folders become columns), or ``URL#table`` for any table an Ibis connection URL
reaches (``postgres://user@host/db#decisions``, ``duckdb:///data/logs.duckdb#decisions``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from charter.domain.errors import InputError, InputProblem, Location
from charter.privacy.quasi_identifiers import names_a_value

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

FORMATS: dict[str, str] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".tsv": "csv",
    ".csv.gz": "csv",
    ".jsonl": "json",
    ".ndjson": "json",
    ".json": "json",
}
GLOB_CHARACTERS = frozenset("*?[")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ScanSource:
    """An opened input: its Ibis table and the name errors use for it."""

    name: str
    table: ir.Table
    format: str
    owned: BaseBackend | None = None
    """A connection opened for this source alone (``URL#table``), closed by ``close``."""

    def close(self) -> None:
        if self.owned is not None:
            self.owned.disconnect()


def problem(source: str, message: str) -> InputError:
    return InputError(InputProblem(Location(source), message))


def format_of(path: str) -> str:
    lowered = path.lower()
    for suffix, fmt in sorted(FORMATS.items(), key=lambda item: -len(item[0])):
        if lowered.endswith(suffix):
            return fmt
    raise problem(
        path, "unknown file type: expected .parquet, .csv, .tsv, .csv.gz, .jsonl or .json"
    )


def open_source(con: BaseBackend, source: str, *, as_text: bool = False) -> ScanSource:
    """Open ``source`` on ``con`` (or on the backend its URL names). ``as_text`` reads a
    CSV file's every column as text (the PII scan: a value that would break a column's
    sniffed type far down the file is text like any other)."""
    if "://" in source:
        return _open_url(source)
    if any(ch in source for ch in GLOB_CHARACTERS):
        matches = sorted(str(p) for p in _glob(source))
        if not matches:
            raise problem(source, "no file matches this pattern")
        fmt = format_of(source)
        return ScanSource(source, _read(con, source, matches, fmt, source, as_text), fmt)
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
        data = [p for p in files if _known_format(str(p))]
        if not data:
            raise problem(source, "folder holds no .parquet, .csv or .jsonl file")
        fmts = {format_of(str(p)) for p in data}
        if len(fmts) > 1:
            raise problem(source, f"folder mixes file types ({', '.join(sorted(fmts))})")
        fmt = fmts.pop()
        names = [str(p) for p in data]
        return ScanSource(source, _read(con, source, names, fmt, source, as_text), fmt)
    if not path.exists():
        raise problem(source, "no such file or folder")
    if not path.is_file():
        raise problem(source, "not a regular file")
    fmt = format_of(source)
    return ScanSource(source, _read(con, source, [source], fmt, source, as_text), fmt)


def _glob(pattern: str) -> list[Path]:
    anchor = Path(pattern).anchor
    relative = pattern[len(anchor) :] if anchor else pattern
    return [p for p in Path(anchor or ".").glob(relative) if p.is_file()]


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith((".", "_")) for part in path.relative_to(root).parts)


def _known_format(path: str) -> bool:
    try:
        format_of(path)
    except InputError:
        return False
    return True


def _read(
    con: BaseBackend, name: str, files: list[str], fmt: str, shown: str, as_text: bool = False
) -> ir.Table:
    with engine_errors(shown, f"cannot read as {fmt.upper()}"):
        if con.name == "duckdb":
            table = _read_duckdb(con, files, fmt, partitioned=Path(name).is_dir(), as_text=as_text)
        # Spark globs and discovers partition folders itself: hand it the source as given.
        elif fmt == "csv":
            table = con.read_csv(name, header=True, inferSchema=not as_text)
        else:
            table = {"parquet": con.read_parquet, "json": con.read_json}[fmt](name)
    if fmt == "csv":
        _require_header(table, shown)
    return table


def _require_header(table: ir.Table, shown: str) -> None:
    """A CSV file's first row names its columns. When it holds values instead (a file
    written without a header), they would be shown as column names in every finding and
    report: refused, without repeating them."""
    for number, column in enumerate(table.columns, start=1):
        if names_a_value(column):
            raise InputError.at(
                shown,
                1,
                0,
                f"the first row holds values, not column names (column {number}): "
                "a CSV file needs a header row",
            )


CSV_OPTIONS: dict[str, Any] = {
    "null_padding": True,
    "parallel": False,
    "max_line_size": 64 << 20,
}
"""How DuckDB reads every CSV file (the scan's and a redacted copy's): a short row's missing
cells are NULL (without it, one short row makes the sniffer read the whole file as a single
column; DuckDB pads only in a serial read when quoted cells hold line breaks), and a record
may be up to 64 MiB (its default is 2 MB: a cell may be a whole document)."""


def _read_duckdb(
    con: BaseBackend, files: list[str], fmt: str, *, partitioned: bool, as_text: bool = False
) -> ir.Table:
    options: dict[str, Any] = {}
    if fmt == "parquet":
        if partitioned:
            options["hive_partitioning"] = True
        return con.read_parquet(files, **options)
    if fmt == "csv":
        return con.read_csv(files, **CSV_OPTIONS, **({"all_varchar": True} if as_text else {}))
    return con.read_json(files, format="newline_delimited")


def _open_url(source: str) -> ScanSource:
    import ibis

    url, _, table = source.partition("#")
    if not table:
        raise problem(source, "name the table after '#', e.g. postgres://host/db#decisions")
    shown = _redacted(url) + "#" + table
    with engine_errors(shown, "cannot open table"):
        con = ibis.connect(url)
        try:
            return ScanSource(shown, con.table(table), "table", owned=con)
        except Exception:
            con.disconnect()
            raise


def _redacted(url: str) -> str:
    scheme, _, rest = url.partition("://")
    if "@" in rest.split("/", 1)[0]:
        credentials, _, host = rest.partition("@")
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in credentials else url
    return url


@contextmanager
def engine_errors(source: str, what: str) -> Iterator[None]:
    """Turn an engine's failure to read ``source`` into a one-line located input error."""
    try:
        yield
    except InputError:
        raise
    except Exception as exc:
        raise problem(source, f"{what}: {engine_message(exc)}") from exc


_QUOTED = re.compile(r"""(["'`])(.*?)\1""")
_TYPE_NAME = re.compile(r"[A-Z]+(?:_[A-Z]+)*[0-9]{0,3}(?:\([0-9, ]*\))?")
"""``STRING``, ``INT64``, ``DECIMAL(18,3)``: what an engine may quote besides data."""
_ROW_AFTER_COUNT = re.compile(r"(got \d+)\s*:.*$")


def engine_message(exc: BaseException) -> str:
    """What an engine's exception says, on one line, without the data it quotes: engines
    put the value that failed in their messages (DuckDB ``Failed to cast value to
    numerical: "ana@example.org"``, pyarrow ``Expected 3 columns, got 2: <the row>``), and
    that value may be personal data. Quoted text is kept only when it is a type name."""
    line = _first_meaningful_line(str(exc)) or type(exc).__name__
    line = _ROW_AFTER_COUNT.sub(r"\1", line)
    return _QUOTED.sub(
        lambda quoted: quoted.group() if _TYPE_NAME.fullmatch(quoted.group(2)) else "…", line
    )


def _first_meaningful_line(text: str) -> str:
    """The line that says what went wrong (Spark wraps it in a Py4J preamble), with the
    reason DuckDB gives for a CSV error on a later line (never its "Original Line", which
    is the row itself)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for at, line in enumerate(lines):
        if line.startswith("An error occurred while calling"):
            continue
        reason = next((r for r in lines[at + 1 :] if _CSV_REASON.match(r)), None)
        first = line.lstrip(": ")
        return f"{first}: {reason}" if reason else first
    return ""


_CSV_REASON = re.compile(
    r"(Maximum line size|Expected Number of Columns|Value with unterminated quote|"
    r"Invalid unicode|Too many columns|Could not convert|Error when converting)"
)


def run_on_engine(source: str, action: Callable[[], T]) -> T:
    """Execute an engine query, reporting read failures (e.g. a corrupt Parquet page found
    mid-scan) against ``source``."""
    with engine_errors(source, "scan failed"):
        return action()


def require_columns(source: ScanSource, roles: Mapping[str, str | None]) -> None:
    """Every named column exists; otherwise one problem per missing column, with a hint."""
    columns = list(source.table.columns)
    problems = []
    for role, column in roles.items():
        if column is None or column in columns:
            continue
        close = difflib.get_close_matches(column, columns, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; columns: {', '.join(columns)}"
        problems.append(InputProblem(Location(source.name), f"no column '{column}' ({role}){hint}"))
    if problems:
        raise InputError(problems)
