"""Load a workspace folder into a ``Workspace``, reporting every problem with its location."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from charter.domain.errors import InputError, InputProblem, Location
from charter.domain.organisation import (
    PeopleRegister,
    ToolRegister,
    TrainingRecord,
    WorkspaceConfig,
)
from charter.domain.sources import SourceMap
from charter.domain.systems import SystemCard
from charter.domain.usecases import UseCase
from charter.domain.workspace import (
    CONFIG_FILE,
    PEOPLE_FILE,
    SYSTEMS_DIR,
    TOOLS_FILE,
    TRAINING_FILE,
    USECASES_DIR,
    Workspace,
)
from charter.workspace.config_file import Collector, require_config
from charter.workspace.references import check_references
from charter.workspace.training_records import read_training_records

M = TypeVar("M", bound=BaseModel)


def load_workspace(root: Path) -> Workspace:
    """Load and validate the workspace at ``root``.

    Raises
    ------
    InputError
        Listing every problem found (syntax, schema, duplicates, dangling references).
    """
    require_config(root)
    c = Collector(root)
    config = c.model(CONFIG_FILE, WorkspaceConfig) if _exists(c, CONFIG_FILE) else None
    people = c.model(PEOPLE_FILE, PeopleRegister) if _exists(c, PEOPLE_FILE) else None
    tools = c.model(TOOLS_FILE, ToolRegister) if _exists(c, TOOLS_FILE) else None
    systems = _cards(c, SYSTEMS_DIR, SystemCard)
    use_cases = _cards(c, USECASES_DIR, UseCase)
    training = _training(c)
    if c.problems or config is None or people is None or tools is None:
        raise InputError(c.problems)
    people_by_id = _unique(c, PEOPLE_FILE, "people", people.people, "person")
    tools_by_id = _unique(c, TOOLS_FILE, "tools", tools.tools, "tool")
    workspace = Workspace(
        root=root,
        config=config,
        people=people_by_id,
        tools=tools_by_id,
        systems=systems,
        use_cases=use_cases,
        training=training,
        sources=c.sources,
    )
    c.problems.extend(_relocate(root, check_references(workspace)))
    if c.problems:
        raise InputError(c.problems)
    return workspace


def _exists(c: Collector, rel: str, required: bool = True) -> bool:
    """Whether ``rel`` is a regular file inside the workspace; anything else that sits there
    (folder, FIFO, broken link, link outside) is a located problem, never silently skipped."""
    path = c.root / rel
    if path.is_file() and path.resolve().is_relative_to(c.root.resolve()):
        return True
    if path.exists() or path.is_symlink():
        c.problems.append(
            InputProblem(Location(c.shown(rel)), "not a regular file inside the workspace")
        )
        return False
    if not required:
        return False
    c.problems.append(InputProblem(Location(c.shown(rel)), "required file is missing"))
    return False


def _cards(c: Collector, folder: str, model: type[M]) -> dict[str, M]:
    cards: dict[str, M] = {}
    directory = c.root / folder
    if not directory.is_dir():
        return cards
    root = c.root.resolve()
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or path.suffix.lower() not in (".yaml", ".yml"):
            continue
        rel = f"{folder}/{path.name}"
        problem = None
        if path.suffix != ".yaml":
            problem = "use the .yaml extension (lower case)"
        elif not path.resolve().is_relative_to(root):
            problem = "links outside the workspace"
        elif not path.is_file():
            problem = "not a regular file"
        if problem:
            c.problems.append(InputProblem(Location(c.shown(rel)), problem))
            continue
        card = c.model(rel, model)
        if card is None:
            continue
        card_id = str(getattr(card, "id"))  # noqa: B009 - both card models have an id
        if card_id != path.stem:
            line, column = c.sources[rel].positions.get(("id",), (1, 1))
            c.problems.append(
                InputProblem(
                    Location(c.shown(rel), line, column),
                    f"id '{card_id}' does not match the file name '{path.stem}'",
                )
            )
            continue
        cards[card_id] = card
    return cards


def _training(c: Collector) -> list[TrainingRecord]:
    path = c.root / TRAINING_FILE
    if not _exists(c, TRAINING_FILE, required=False):
        return []
    records, problems, positions = read_training_records(path, c.shown(TRAINING_FILE))
    c.problems.extend(problems)
    if positions is not None:
        c.sources[TRAINING_FILE] = SourceMap(TRAINING_FILE, positions)
    return records


def _unique(c: Collector, rel: str, key: str, items: Iterable[Any], label: str) -> dict[str, Any]:
    by_id: dict[str, Any] = {}
    for index, item in enumerate(items):
        if item.id in by_id:
            line, column = c.sources[rel].positions.get((key, index, "id"), (0, 0))
            c.problems.append(
                InputProblem(
                    Location(c.shown(rel), line, column), f"duplicate {label} id '{item.id}'"
                )
            )
            continue
        by_id[item.id] = item
    return by_id


def _relocate(root: Path, problems: list[InputProblem]) -> list[InputProblem]:
    """Reference problems are found with workspace-relative locations; show them from root."""
    return [
        InputProblem(
            Location(str(root / p.location.file), p.location.line, p.location.column), p.message
        )
        for p in problems
    ]
