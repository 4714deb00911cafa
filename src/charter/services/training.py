"""Staff training as a process: who must take which module (by role on the systems and use
cases), where each person stands, and importing completions from an LMS export."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from charter.domain.errors import InputProblem, Location
from charter.domain.guidelines import Pack, TrainingModule
from charter.domain.organisation import Role, TrainingRecord
from charter.domain.systems import Lifecycle
from charter.domain.training import EXPIRING_DAYS, ModuleStanding, Standing, module_standing
from charter.domain.workspace import Workspace

COVERAGE_CHECK = "training.coverage"


@dataclass(frozen=True)
class Obligation:
    person: str
    team: str
    module: TrainingModule
    pack: str
    systems: tuple[str, ...]
    """Systems (and ``usecase:<id>``) that put the person in the module's audience."""
    standing: ModuleStanding


def _roles(workspace: Workspace, pack: Pack) -> dict[tuple[str, Role], set[str]]:
    """(person, role) -> the systems and use cases that give the person that role, as the
    pack's ``training.coverage`` requirements see them: on system cards (owner, accountable
    executive, operators) and, for a use-case requirement, the use-case owners and the
    operators of the system the use case runs in (both count as owner and operator)."""
    scopes = {
        str(r.scope)
        for r in pack.requirements
        if any(check.id == COVERAGE_CHECK for check in r.checks)
    }
    held: dict[tuple[str, Role], set[str]] = defaultdict(set)
    live = {i: c for i, c in workspace.systems.items() if c.lifecycle is not Lifecycle.RETIRED}
    if "system" in scopes:
        for card in live.values():
            held[(card.owner, Role.OWNER)].add(card.id)
            held[(card.accountable_executive, Role.EXECUTIVE)].add(card.id)
            for operator in card.operators:
                held[(operator, Role.OPERATOR)].add(card.id)
    if "use_case" in scopes:
        for use_case in workspace.use_cases.values():
            system = live.get(use_case.system) if use_case.system else None
            if use_case.system and system is None:
                continue  # its system is retired: not assessed
            people = {use_case.owner, *(system.operators if system else ())}
            for person in people:
                for role in (Role.OWNER, Role.OPERATOR):
                    held[(person, role)].add(f"usecase:{use_case.id}")
    return held


def _max_age(pack: Pack) -> float | None:
    value = pack.check_thresholds(COVERAGE_CHECK).get("max_age_days")
    return float(value) if isinstance(value, int | float) else None


def obligations(workspace: Workspace, packs: Sequence[Pack], on: date) -> list[Obligation]:
    """Every (person, module) the pinned packs require, with the person's standing."""
    records: dict[str, list[TrainingRecord]] = defaultdict(list)
    for record in workspace.training:
        records[record.person].append(record)
    result = []
    for pack in packs:
        held = _roles(workspace, pack)
        max_age = _max_age(pack)
        for module in pack.training_modules:
            audience: dict[str, set[str]] = defaultdict(set)
            for (person, role), where in held.items():
                if role in module.audience:
                    audience[person] |= where
            for person, where in sorted(audience.items()):
                team = workspace.people[person].team if person in workspace.people else "-"
                result.append(
                    Obligation(
                        person,
                        team,
                        module,
                        pack.id,
                        tuple(sorted(where)),
                        module_standing(records[person], module, on, max_age),
                    )
                )
    return result


def status_document(workspace: Workspace, packs: Sequence[Pack], on: date) -> dict[str, Any]:
    """Coverage by system and by team, and who is expired, expiring (within 30 days),
    outdated by a module change, or missing."""
    rows = obligations(workspace, packs, on)
    by_system: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_team: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        for where in row.systems:
            by_system[where][0] += 1
            by_system[where][1] += row.standing.standing.trained
        by_team[row.team][0] += 1
        by_team[row.team][1] += row.standing.standing.trained

    def coverage(counts: dict[str, list[int]]) -> list[dict[str, Any]]:
        return [
            {"name": name, "required": required, "trained": trained,
             "coverage": round(trained / required, 4) if required else 1.0}
            for name, (required, trained) in sorted(counts.items())
        ]  # fmt: skip

    def people(*standings: Standing) -> list[dict[str, Any]]:
        return [
            {
                "person": row.person,
                "team": row.team,
                "module": row.module.id,
                "pack": row.pack,
                "standing": str(row.standing.standing),
                "last_completed": row.standing.last.completed_on.isoformat()
                if row.standing.last
                else None,
                "last_version": row.standing.last.version if row.standing.last else None,
                "expires_on": row.standing.expires_on.isoformat()
                if row.standing.expires_on
                else None,
                "systems": list(row.systems),
            }
            for row in rows
            if row.standing.standing in standings
        ]

    trained = sum(1 for row in rows if row.standing.standing.trained)
    return {
        "schema": "charter.training-status/v1",
        "as_of": on.isoformat(),
        "required": len(rows),
        "trained": trained,
        "coverage": round(trained / len(rows), 4) if rows else 1.0,
        "expiring_within_days": EXPIRING_DAYS,
        "by_system": coverage(by_system),
        "by_team": coverage(by_team),
        "expired": people(Standing.EXPIRED),
        "expiring": people(Standing.EXPIRING),
        "outdated": people(Standing.OUTDATED),
        "missing": people(Standing.MISSING),
    }


def check_import(
    records: list[TrainingRecord],
    positions: dict[Any, tuple[int, int]],
    shown: str,
    workspace: Workspace,
    packs: Sequence[Pack],
) -> list[InputProblem]:
    """Every row naming an unknown or inactive person, or a module no pinned pack has."""
    modules = {m.id for pack in packs for m in pack.training_modules}
    problems = []
    for index, record in enumerate(records):
        person = workspace.people.get(record.person)
        if person is None or not person.active:
            line, column = positions.get((index, "person"), (0, 0))
            what = "unknown" if person is None else "inactive"
            problems.append(InputProblem(
                Location(shown, line, column),
                f"{what} person '{record.person}' (not in people.yaml)"
                if person is None else f"{what} person '{record.person}'",
            ))  # fmt: skip
        if record.module not in modules:
            line, column = positions.get((index, "module"), (0, 0))
            problems.append(InputProblem(
                Location(shown, line, column),
                f"unknown module '{record.module}' (pinned packs have: "
                f"{', '.join(sorted(modules))})",
            ))  # fmt: skip
    return problems


def merge(
    existing: list[TrainingRecord], imported: list[TrainingRecord]
) -> tuple[list[TrainingRecord], int]:
    """The records with the imported ones added (exact repeats skipped); how many were new."""

    def key(record: TrainingRecord) -> tuple[str, str, str, date]:
        return record.person, record.module, record.version, record.completed_on

    seen = {key(r) for r in existing}
    added = []
    for record in imported:
        if key(record) not in seen:
            seen.add(key(record))
            added.append(record)
    merged = sorted([*existing, *added], key=lambda r: (r.completed_on, r.person, r.module))
    return merged, len(added)
