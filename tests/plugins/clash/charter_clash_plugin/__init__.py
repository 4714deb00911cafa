"""A plugin that reuses a built-in check id: registration must refuse it."""

from __future__ import annotations

from charter.checks.documentation import DataSourcesDocumented
from charter.domain.checks import Check


def register_checks() -> list[type[Check]]:
    return [DataSourcesDocumented]
