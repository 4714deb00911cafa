"""Validate parsed data against a pydantic model, turning errors into located problems."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

from charter.domain.errors import InputError, InputProblem
from charter.domain.sources import SourceMap

M = TypeVar("M", bound=BaseModel)


def validate_model(model: type[M], data: Any, source: SourceMap, display: str) -> M:
    """Build ``model`` from ``data``; every error is reported at ``display:line:column``.

    Unknown fields get a "did you mean" hint from the fields allowed at that place.
    """
    if data is None:
        raise InputError.at(display, 1, 1, "the file is empty; expected a mapping of fields")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(located_problems(exc, model, source, display)) from None


def located_problems(
    exc: ValidationError, model: type[BaseModel], source: SourceMap, display: str
) -> list[InputProblem]:
    problems: list[InputProblem] = []
    seen: set[tuple[object, ...]] = set()
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        kind = error["type"]
        location = source.locate(loc)
        location = type(location)(display, location.line, location.column)
        field = ".".join(str(p) for p in loc) or "document"
        if kind == "extra_forbidden":
            name = str(loc[-1])
            allowed = _fields_at(model, loc[:-1])
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            message = f"unknown field '{name}'{hint}"
        elif kind == "missing":
            message = f"missing required field '{field}'"
        elif kind in ("model_type", "model_attributes_type") and not loc:
            message = "expected a mapping of fields at the top of the file"
        else:
            got = error.get("input")
            shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
            message = f"{field}: {error['msg'].lower()}{shown}"
        key = (location.line, location.column, message)
        if key not in seen:
            seen.add(key)
            problems.append(InputProblem(location, message))
    return problems


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Names of the fields allowed at ``loc`` inside ``model``."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = _model_in(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    """The model type inside ``X | None``, ``list[X]`` or ``dict[str, X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is not None or get_args(annotation):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
