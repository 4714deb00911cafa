"""``charter.yaml`` alone, and the collector every workspace file is read through: problems
gathered across files with their locations. Light on purpose: it imports no card model, so
commands that need only the partner (listing issues) start fast."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from charter.domain.errors import InputError, InputProblem
from charter.domain.organisation import WorkspaceConfig
from charter.domain.sources import SourceMap
from charter.domain.workspace import CONFIG_FILE
from charter.sourcefiles.models import validate_model
from charter.sourcefiles.yaml_source import read_yaml

M = TypeVar("M", bound=BaseModel)


class Collector:
    """Gathers problems across files so one run reports all of them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[InputProblem] = []
        self.sources: dict[str, SourceMap] = {}

    def shown(self, rel: str) -> str:
        return str(self.root / rel)

    def model(self, rel: str, model: type[M]) -> M | None:
        shown = self.shown(rel)
        try:
            document = read_yaml(self.root / rel, shown)
            self.sources[rel] = SourceMap(rel, document.source.positions)
            return validate_model(model, document.data, document.source, shown)
        except InputError as exc:
            self.problems.extend(exc.problems)
            return None


def load_config(root: Path) -> WorkspaceConfig:
    """Only ``charter.yaml``, for commands that need no more than the partner (listing
    issues); validated as in ``load_workspace``.

    Raises
    ------
    InputError
        When the folder or its ``charter.yaml`` is missing or invalid.
    """
    require_config(root)
    c = Collector(root)
    config = c.model(CONFIG_FILE, WorkspaceConfig)
    if c.problems or config is None:
        raise InputError(c.problems)
    return config


def require_config(root: Path) -> None:
    if not root.is_dir():
        raise InputError.at(str(root), 0, 0, "workspace folder does not exist")
    if not (root / CONFIG_FILE).exists() and not (root / CONFIG_FILE).is_symlink():
        raise InputError.at(
            str(root / CONFIG_FILE), 0, 0, "no charter.yaml here: run 'charter init' to create one"
        )
