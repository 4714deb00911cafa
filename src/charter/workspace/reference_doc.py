"""The field reference of every workspace file (``docs/workspace.md``), from the models."""

from __future__ import annotations

import inspect
import types
import typing
from enum import Enum
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from charter.domain.organisation import (
    PeopleRegister,
    ToolRegister,
    TrainingRecord,
    WorkspaceConfig,
)
from charter.domain.systems import SystemCard
from charter.domain.usecases import UseCase

FILES: list[tuple[str, type[BaseModel]]] = [
    ("charter.yaml", WorkspaceConfig),
    ("people.yaml", PeopleRegister),
    ("tools.yaml", ToolRegister),
    ("systems/<id>.yaml", SystemCard),
    ("usecases/<id>.yaml", UseCase),
    ("training/records.csv (one row)", TrainingRecord),
]

_INTRO = """\
# Workspace format

Generated from the models in `src/charter/domain/` by `python tools/generate_docs.py`; a test
fails when this file is stale. JSON Schemas of the same models: `charter schema export`.

A workspace is a folder, normally a git repository:

```
charter.yaml          partner, pinned guideline packs, stricter local thresholds
people.yaml           everyone a card, use case or record names
tools.yaml            AI tools and vendors with their data terms
systems/<id>.yaml     one AI system card each (file name = id)
usecases/<id>.yaml    one GenAI content-production use case each (file name = id)
training/records.csv  person,module,version,completed_on,evidence
evidence/...          data the technical checks read
.charter/             local state (SQLite database); git-ignored
```

Rules for every file: unknown fields are errors (with a "did you mean" hint), duplicate keys
are errors, ids are lower-case (`a-z 0-9 . _ -`), dates are ISO 8601 (`2026-11-24`), and every
error names `file:line:column`. References between files (people, tools, systems) must
resolve; a dangling reference is an error.
"""


def render_workspace_reference() -> str:
    parts = [_INTRO]
    for file_name, model in FILES:
        parts.append(f"## `{file_name}`\n")
        parts.append(inspect.cleandoc(model.__doc__ or "") + "\n")
        for name, rows in _tables(model, model.__name__):
            parts.append(f"### {name}\n")
            parts.append("| field | type | required | default | description |")
            parts.append("|---|---|---|---|---|")
            parts.extend(rows)
            parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def _tables(
    model: type[BaseModel], title: str, seen: set[type[BaseModel]] | None = None
) -> list[tuple[str, list[str]]]:
    seen = seen if seen is not None else set()
    if model in seen:
        return []
    seen.add(model)
    rows: list[str] = []
    nested: list[tuple[str, list[str]]] = []
    for name, field in model.model_fields.items():
        rows.append(
            f"| `{name}` | {_type(field.annotation)} | {'yes' if field.is_required() else 'no'} | "
            f"{_default(field)} | {_describe(field)} |"
        )
        for inner in _models_in(field.annotation):
            nested.extend(_tables(inner, f"{title}.{name}", seen))
    return [(title, rows), *nested]


def _describe(field: FieldInfo) -> str:
    text = " ".join((field.description or "").split())
    return text.replace("|", "\\|")


def _default(field: FieldInfo) -> str:
    if field.is_required() or field.default is PydanticUndefined:
        return ""
    value = field.default
    if isinstance(value, BaseModel):
        return "(see below)"
    if isinstance(value, Enum):
        return f"`{value.value}`"
    if value in ([], {}, None):
        return f"`{value!r}`".replace("None", "null")
    if isinstance(value, list) and value and isinstance(value[0], Enum):
        if len(value) == len(type(value[0])):
            return "all"
        return ", ".join(f"`{v.value}`" for v in value)
    return f"`{value}`"


def _type(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        return (
            " or ".join(_type(a) for a in get_args(annotation) if a is not type(None))
            + " (or null)"
            if type(None) in get_args(annotation)
            else " or ".join(_type(a) for a in get_args(annotation))
        )
    if origin is list:
        return f"list of {_type(get_args(annotation)[0])}"
    if origin is dict:
        return f"map of {_type(get_args(annotation)[1])}"
    if origin is typing.Annotated:
        return _type(get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return " \\| ".join(f"`{m.value}`" for m in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    names = {str: "text", int: "integer", float: "number", bool: "boolean"}
    if isinstance(annotation, type):
        return names.get(annotation, annotation.__name__)
    return str(annotation)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in get_args(annotation):
        found.extend(_models_in(arg))
    return found
