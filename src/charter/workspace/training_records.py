"""``training/records.csv``: reading it (or an LMS export to import) with every cell located,
and writing it back atomically."""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from charter.domain.errors import InputError, InputProblem, Location
from charter.domain.organisation import TrainingRecord
from charter.domain.sources import SourceMap
from charter.sourcefiles.csv_source import read_csv_rows
from charter.sourcefiles.models import located_problems

TRAINING_COLUMNS = ["person", "module", "version", "completed_on"]
WRITTEN_COLUMNS = [*TRAINING_COLUMNS, "evidence"]


def read_training_records(
    path: Path, shown: str
) -> tuple[list[TrainingRecord], list[InputProblem], dict[Any, tuple[int, int]] | None]:
    """Training records of a CSV file (``training/records.csv`` or a file to import): the
    valid rows, a located problem for every bad column or value, and the cell positions."""
    try:
        table = read_csv_rows(path, TRAINING_COLUMNS, shown)
    except InputError as exc:
        return [], list(exc.problems), None
    problems: list[InputProblem] = []
    fields = list(TrainingRecord.model_fields)
    for name in table.header:
        if name not in fields:
            line, column = table.source.positions[("header", name)]
            hint = difflib.get_close_matches(name, fields, n=1)
            problems.append(
                InputProblem(
                    Location(shown, line, column),
                    f"unknown column '{name}'"
                    + (
                        f" (did you mean '{hint[0]}'?)"
                        if hint
                        else f" (expected: {', '.join(fields)})"
                    ),
                )
            )
    records: list[TrainingRecord] = []
    for index, row in enumerate(table.rows):
        data: dict[str, Any] = {k: (v or None) for k, v in row.items() if k in fields}
        try:
            records.append(TrainingRecord.model_validate(data))
        except ValidationError as exc:
            row_source = SourceMap(
                shown,
                {
                    (k[1],): v
                    for k, v in table.source.positions.items()
                    if k[0] == index and len(k) > 1
                },
            )
            row_source.positions[()] = table.source.positions[(index,)]
            problems.extend(located_problems(exc, TrainingRecord, row_source, shown))
    return records, problems, dict(table.source.positions)


def write_training_records(path: Path, records: list[TrainingRecord]) -> None:
    """Write the records (columns person, module, version, completed_on, evidence) to a
    temporary file and rename it over ``path``: never half written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(WRITTEN_COLUMNS)
    for record in records:
        writer.writerow(
            [record.person, record.module, record.version, record.completed_on.isoformat(),
             record.evidence or ""]
        )  # fmt: skip
    partial = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(buffer.getvalue(), encoding="utf-8")
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError.at(str(path), 0, 0, f"cannot write: {exc.strerror}") from exc
