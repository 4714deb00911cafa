"""Cross-file references: every id a file names must exist in the file that defines it."""

from __future__ import annotations

from collections.abc import Sequence

from charter.domain.errors import InputProblem
from charter.domain.workspace import CONFIG_FILE, TRAINING_FILE, Workspace


def check_references(ws: Workspace) -> list[InputProblem]:
    """Dangling references, with workspace-relative locations."""
    problems: list[InputProblem] = []

    def need(kind: str, value: str | None, file: str, path: Sequence[str | int]) -> None:
        known = ws.people if kind == "person" else ws.tools if kind == "tool" else ws.systems
        if value is not None and value not in known:
            register = {"person": "people.yaml", "tool": "tools.yaml", "system": "systems/"}[kind]
            problems.append(
                InputProblem(ws.locate(file, path), f"unknown {kind} '{value}' (not in {register})")
            )

    need("person", ws.config.partner.compliance_lead, CONFIG_FILE, ("partner", "compliance_lead"))
    for card in ws.systems.values():
        file = ws.system_file(card.id)
        for field in ("owner", "accountable_executive", "incident_contact"):
            need("person", getattr(card, field), file, (field,))
        for i, person in enumerate(card.operators):
            need("person", person, file, ("operators", i))
        for i, tool in enumerate(card.tools):
            need("tool", tool, file, ("tools", i))
        for i, review in enumerate(card.reviews):
            need("person", review.reviewer, file, ("reviews", i, "reviewer"))
        seen: set[str] = set()
        for i, source in enumerate(card.data_sources):
            if source.id in seen:
                problems.append(
                    InputProblem(
                        ws.locate(file, ("data_sources", i, "id")),
                        f"duplicate data source id '{source.id}'",
                    )
                )
            seen.add(source.id)
        for i, evidence in enumerate(card.evaluations.privacy):
            if evidence.source is not None and evidence.source not in seen:
                problems.append(
                    InputProblem(
                        ws.locate(file, ("evaluations", "privacy", i, "source")),
                        f"unknown data source '{evidence.source}' (not in data_sources)",
                    )
                )
    for use_case in ws.use_cases.values():
        file = ws.use_case_file(use_case.id)
        need("person", use_case.owner, file, ("owner",))
        need("system", use_case.system, file, ("system",))
        for i, tool in enumerate(use_case.tools):
            need("tool", tool, file, ("tools", i))
    for i, record in enumerate(ws.training):
        need("person", record.person, TRAINING_FILE, (i, "person"))
    return problems
