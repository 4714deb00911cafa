"""A loaded partner workspace: every file's model plus where each value came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from charter.domain.errors import Location

if TYPE_CHECKING:
    from charter.domain.organisation import Person, Tool, TrainingRecord, WorkspaceConfig
    from charter.domain.sources import SourceMap
    from charter.domain.systems import SystemCard
    from charter.domain.usecases import UseCase

CONFIG_FILE = "charter.yaml"
PEOPLE_FILE = "people.yaml"
TOOLS_FILE = "tools.yaml"
TRAINING_FILE = "training/records.csv"
SYSTEMS_DIR = "systems"
USECASES_DIR = "usecases"


@dataclass(frozen=True)
class Workspace:
    root: Path
    config: WorkspaceConfig
    people: dict[str, Person]
    tools: dict[str, Tool]
    systems: dict[str, SystemCard]
    use_cases: dict[str, UseCase]
    training: list[TrainingRecord]
    sources: dict[str, SourceMap] = field(default_factory=dict)
    """Source maps keyed by workspace-relative file name."""

    @staticmethod
    def system_file(system_id: str) -> str:
        return f"{SYSTEMS_DIR}/{system_id}.yaml"

    @staticmethod
    def use_case_file(use_case_id: str) -> str:
        return f"{USECASES_DIR}/{use_case_id}.yaml"

    def locate(self, file: str, path: Sequence[str | int] = ()) -> Location:
        source = self.sources.get(file)
        return source.locate(path) if source else Location(file)

    def locate_input(self, file: str, path: Sequence[str | int] = ()) -> Location:
        """Like ``locate``, with the file shown from the workspace root as the user gave it
        (for input errors people open in an editor; findings stay workspace-relative)."""
        found = self.locate(file, path)
        return Location(str(self.root / found.file), found.line, found.column)

    def locate_system(self, system_id: str, path: Sequence[str | int] = ()) -> Location:
        return self.locate(self.system_file(system_id), path)

    def locate_use_case(self, use_case_id: str, path: Sequence[str | int] = ()) -> Location:
        return self.locate(self.use_case_file(use_case_id), path)

    def locate_person(self, person_id: str, path: Sequence[str | int] = ()) -> Location:
        index = list(self.people).index(person_id) if person_id in self.people else None
        return self.locate(PEOPLE_FILE, ("people", index, *path) if index is not None else ())

    def locate_tool(self, tool_id: str, path: Sequence[str | int] = ()) -> Location:
        index = list(self.tools).index(tool_id) if tool_id in self.tools else None
        return self.locate(TOOLS_FILE, ("tools", index, *path) if index is not None else ())

    def use_cases_of(self, system_id: str | None) -> list[UseCase]:
        return [u for u in self.use_cases.values() if u.system == system_id]
