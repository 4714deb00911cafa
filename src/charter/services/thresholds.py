"""Effective thresholds: the pack's, made stricter (never looser) by ``charter.yaml``."""

from __future__ import annotations

from charter.domain.checks import ThresholdValue
from charter.domain.errors import InputError, InputProblem, Location
from charter.domain.guidelines import Direction, Pack
from charter.domain.workspace import CONFIG_FILE, Workspace

ThresholdKey = tuple[str, str, str]
"""(pack, requirement, check)"""


def effective_thresholds(
    workspace: Workspace, packs: list[Pack]
) -> dict[ThresholdKey, dict[str, ThresholdValue]]:
    """Thresholds per (pack, requirement, check) with the workspace overrides applied.

    Raises
    ------
    InputError
        For an override naming an unknown pack, requirement, check or parameter, of the
        wrong shape, or looser than the pack's value; located at the override.
    """
    table: dict[ThresholdKey, dict[str, ThresholdValue]] = {}
    for pack in packs:
        for requirement in pack.requirements:
            for ref in requirement.checks:
                table[(pack.id, requirement.id, ref.id)] = {
                    name: t.value for name, t in ref.thresholds.items()
                }
    by_pack = {p.id: p for p in packs}
    pinned = {pin.pack for pin in workspace.config.guidelines}
    problems: list[InputProblem] = []
    for index, override in enumerate(workspace.config.thresholds):

        def where(field: str, i: int = index) -> Location:
            return workspace.locate_input(CONFIG_FILE, ("thresholds", i, field))

        found_pack = by_pack.get(override.pack)
        if found_pack is None:
            if override.pack not in pinned:
                problems.append(
                    InputProblem(
                        where("pack"), f"threshold names pack '{override.pack}', not pinned"
                    )
                )
            continue  # pinned but not part of this audit (--guidelines chose other packs)
        pack = found_pack
        found_requirement = pack.requirement(override.requirement)
        if found_requirement is None:
            problems.append(
                InputProblem(
                    where("requirement"),
                    f"no requirement '{override.requirement}' in {pack.ref}",
                )
            )
            continue
        requirement = found_requirement
        found_ref = next((c for c in requirement.checks if c.id == override.check), None)
        if found_ref is None:
            problems.append(
                InputProblem(
                    where("check"),
                    f"requirement {requirement.id} has no check '{override.check}'",
                )
            )
            continue
        ref = found_ref
        threshold = ref.thresholds.get(override.parameter)
        if threshold is None:
            known = ", ".join(ref.thresholds) or "none"
            problems.append(
                InputProblem(
                    where("parameter"),
                    f"check {ref.id} has no threshold '{override.parameter}' (known: {known})",
                )
            )
            continue
        value: ThresholdValue
        if isinstance(override.value, list):
            if len(override.value) != 2 or threshold.direction is not Direction.BAND:
                problems.append(
                    InputProblem(
                        where("value"),
                        f"'{override.parameter}' takes one number "
                        f"(direction {threshold.direction})",
                    )
                )
                continue
            value = (override.value[0], override.value[1])
            if value[0] > value[1]:
                problems.append(
                    InputProblem(
                        where("value"), f"band [{value[0]:g}, {value[1]:g}] has low > high"
                    )
                )
                continue
        else:
            value = override.value
        if threshold.is_loosened_by(value):
            problems.append(
                InputProblem(
                    where("value"),
                    f"{override.parameter}={_show(value)} is looser than the pack's "
                    f"{_show(threshold.value)} (direction {threshold.direction}); "
                    "a workspace may only make thresholds stricter",
                )
            )
            continue
        table[(pack.id, requirement.id, ref.id)][override.parameter] = value
    if problems:
        raise InputError(problems)
    return table


def _show(value: ThresholdValue) -> str:
    if isinstance(value, tuple):
        return f"[{value[0]:g}, {value[1]:g}]"
    return f"{value:g}"
