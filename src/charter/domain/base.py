"""The base of every file-backed model: unknown fields are errors, values are immutable."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,79}$"),
]
"""Lower-case ids used in file names and references: letters, digits, ``.``, ``_``, ``-``."""

Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
"""An e-mail address (shape only; nothing is sent)."""

PackVersion = Annotated[str, StringConstraints(pattern=r"^\d{4}\.\d+$")]
"""A guideline pack version, ``YYYY.N``."""


def _inside_workspace(path: str) -> str:
    """Relative, no ``..`` segment: evidence never reaches outside the workspace by its path.
    Symlinks are a reader's concern: the scan engines that read evidence must refuse links
    leading outside (nothing reads evidence files yet)."""
    parts = path.replace("\\", "/").split("/")
    if path.startswith(("/", "\\", "~")) or (len(path) > 1 and path[1] == ":"):
        raise ValueError("must be relative to the workspace")
    if ".." in parts:
        raise ValueError("must not contain '..'")
    if "\x00" in path:
        raise ValueError("must not contain NUL")
    return path


RelativePath = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_inside_workspace)
]
"""A path inside the workspace, relative to its root."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _compiles(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a Python regular expression: {exc}") from exc
    return value


PythonRegex = Annotated[str, AfterValidator(_compiles)]
"""A regular expression Python's ``re`` compiles (checked when the file is loaded)."""
"""Non-empty free text."""


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class ProfileSource(StrictModel):
    """Where a group of parameters comes from (QC profiles, the PII catalogue)."""

    rules: list[str] = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")
    retrieved: date
    note: str | None = None
