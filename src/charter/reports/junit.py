"""placeholder"""

from __future__ import annotations

from typing import Any

from charter.domain.guidelines import Pack


def render_junit(document: dict[str, Any], packs: list[Pack]) -> str:
    raise NotImplementedError
