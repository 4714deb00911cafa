"""A third-party check package, installed for tests through a real dist-info entry point."""

from __future__ import annotations

from typing import ClassVar

from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.findings import subject


class SystemNameMentionsPurpose(Check):
    """Fails when a system's name is shorter than four characters (a toy rule)."""

    id = "demo.name_length"
    title = "System names are descriptive"
    requirements: ClassVar[tuple[str, ...]] = ("partner-ai-usage:DOC-01",)

    def run(self, ctx: CheckContext) -> Outcome:
        assert ctx.system is not None
        if len(ctx.system.name) >= 4:
            return Outcome.from_violations([])
        return Outcome.from_violations(
            [Violation(subject("system", ctx.system.id, "name"), "name too short")]
        )


def register_checks() -> list[type[Check]]:
    return [SystemNameMentionsPurpose]
