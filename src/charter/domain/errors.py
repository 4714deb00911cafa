"""Errors that cross layers: bad input with its source location."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a source file; ``line`` and ``column`` count from 1 (0 means unknown)."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column or 1}"
        return self.file


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One thing wrong with the input, located."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class InputError(Exception):
    """Bad input or usage: the CLI prints one line per problem and exits 2.

    Nothing is stored when this is raised; callers raise it before any write.
    """

    def __init__(self, problems: list[InputProblem] | InputProblem) -> None:
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, file: str, line: int, column: int, message: str) -> InputError:
        return cls(InputProblem(Location(file, line, column), message))
