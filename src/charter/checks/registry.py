"""The check registry: explicit registration through the ``charter.checks`` entry points."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.metadata import entry_points

from charter.domain.checks import Check
from charter.domain.errors import InputError

ENTRY_POINT_GROUP = "charter.checks"

RegisterHook = Callable[[], Iterable[type[Check]]]


class DuplicateCheckError(ValueError):
    pass


class CheckRegistry:
    """Check classes by id. Implements the ``CheckCatalog`` port."""

    def __init__(self) -> None:
        self._checks: dict[str, type[Check]] = {}
        self._origin: dict[str, str] = {}

    def register(self, check: type[Check], origin: str = "builtin") -> None:
        for attribute in ("id", "title", "requirements"):
            if not hasattr(check, attribute):
                raise TypeError(f"check {check.__name__} does not declare '{attribute}'")
        if check.id in self._checks:
            raise DuplicateCheckError(
                f"check id '{check.id}' registered twice ({self._origin[check.id]} and {origin})"
            )
        self._checks[check.id] = check
        self._origin[check.id] = origin

    def get(self, check_id: str) -> type[Check] | None:
        return self._checks.get(check_id)

    def all(self) -> list[type[Check]]:
        return [self._checks[k] for k in sorted(self._checks)]

    def origin(self, check_id: str) -> str:
        return self._origin[check_id]


def load_registry() -> CheckRegistry:
    """Build the registry from every installed ``charter.checks`` entry point, built-ins
    included. Each entry point names a ``register_checks()`` hook returning check classes."""
    registry = CheckRegistry()
    for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        where = f"entry point {ENTRY_POINT_GROUP}:{entry_point.name} ({entry_point.value})"
        try:
            hook: RegisterHook = entry_point.load()
            for check in hook():
                registry.register(check, origin=entry_point.name)
        except (DuplicateCheckError, TypeError, ImportError, AttributeError) as exc:
            raise InputError.at(where, 0, 0, f"cannot register checks: {exc}") from exc
    return registry
