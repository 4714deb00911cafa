"""AI-written text deliverables from disk: plain text, or YAML/JSON metadata.

- ``.txt`` (or any other suffix): the whole file, stripped, is one text of the given field.
- ``.yaml``/``.yml``/``.json``: a mapping ``field: text``, or a list of such mappings (one
  per episode, keys ``1.title``, ``2.synopsis_short``...). Values must be strings.

Text must be UTF-8 (a UTF-16 byte-order mark is honoured); files are capped at the
workspace file limit and YAML is parsed by the same hardened reader as the workspace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from charter.domain.errors import InputError
from charter.domain.sources import SourceMap
from charter.engines.media.timed_text_files import decode, read_capped
from charter.quality.text_rules import TextDocument, TextEntry
from charter.sourcefiles.limits import MAX_FILE_BYTES
from charter.sourcefiles.yaml_source import parse_yaml

STRUCTURED = (".yaml", ".yml", ".json")


def read_text_document(path: Path, default_field: str) -> TextDocument:
    name = str(path)
    text = decode(read_capped(path, MAX_FILE_BYTES), name)
    if path.suffix.lower() not in STRUCTURED:
        stripped = text.strip()
        if not stripped:
            raise InputError.at(name, 1, 1, "the file holds no text")
        line = text[: text.find(stripped[0])].count("\n") + 1
        return TextDocument(name, [TextEntry(default_field, default_field, stripped, line)])
    document = parse_yaml(text, name)  # JSON is YAML
    data = document.data
    if isinstance(data, dict):
        return TextDocument(name, _entries(data, (), "", document.source))
    if isinstance(data, list):
        entries: list[TextEntry] = []
        for index, item in enumerate(data):
            if not isinstance(item, dict):
                line, column = _where(document.source, (index,))
                raise InputError.at(name, line, column, "each item must map fields to texts")
            entries += _entries(item, (index,), f"{index + 1}.", document.source)
        return TextDocument(name, entries)
    raise InputError.at(name, 1, 1, "expected a mapping of fields to texts, or a list of them")


def _entries(
    data: dict[str, Any], at: tuple[int, ...], prefix: str, source: SourceMap
) -> list[TextEntry]:
    entries = []
    for key, value in data.items():
        line, column = _where(source, (*at, key))
        if not isinstance(value, str):
            raise InputError.at(source.file, line, column, f"'{key}' must be a text")
        entries.append(TextEntry(f"{prefix}{key}", str(key), value.strip(), line))
    return entries


def _where(source: SourceMap, key: tuple[str | int, ...]) -> tuple[int, int]:
    return source.positions.get(key, (1, 1))
