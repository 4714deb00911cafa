"""Where each value of a loaded file came from, so findings and errors can point at it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from charter.domain.errors import Location

PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Positions of the values of one YAML or CSV document, keyed by their path.

    ``positions[("data_sources", 0, "retention_days")] == (12, 5)`` means that value's key
    starts on line 12, column 5. The empty path is the document itself.
    """

    file: str
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Sequence[str | int] = ()) -> Location:
        """Location of ``path``, or of its nearest ancestor that exists (a missing field
        is reported where its parent mapping starts)."""
        key = tuple(path)
        while True:
            if key in self.positions:
                line, column = self.positions[key]
                return Location(self.file, line, column)
            if not key:
                return Location(self.file, 1, 1)
            key = key[:-1]
