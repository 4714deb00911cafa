"""Checks of a loaded workspace against the packs it pins (what the loader cannot know)."""

from __future__ import annotations

import re

from charter.domain.errors import InputError, InputProblem
from charter.domain.guidelines import Pack, version_key
from charter.domain.ports import PackLibrary
from charter.domain.workspace import CONFIG_FILE, TRAINING_FILE, Workspace
from charter.services.thresholds import effective_thresholds

_PACK_REF = re.compile(r"^([a-z0-9][a-z0-9._-]{0,79})(?:@(\d{4}\.\d+))?$")


def parse_pack_ref(text: str) -> tuple[str, str | None]:
    """``pack@version`` or ``pack`` (latest). Anything else is an input error, so a
    reference can never name a path."""
    match = _PACK_REF.match(text)
    if match is None or ".." in text:
        raise InputError.at(text, 0, 0, "not a pack reference: expected PACK or PACK@YYYY.N")
    return match.group(1), match.group(2)


def latest_version(library: PackLibrary, pack_id: str) -> str:
    versions = [v for p, v, _ in library.list_packs() if p == pack_id]
    if not versions:
        raise InputError.at(pack_id, 0, 0, f"unknown guideline pack '{pack_id}'")
    return versions[-1]


def pack_for_ref(library: PackLibrary, text: str) -> Pack:
    pack_id, version = parse_pack_ref(text)
    return library.get(pack_id, version or latest_version(library, pack_id))


def resolve_packs(
    workspace: Workspace, library: PackLibrary, override: list[str] | None = None
) -> list[Pack]:
    """The packs an audit uses: ``--guidelines`` if given, else the workspace's pins.

    The workspace is always validated against the packs it pins (threshold overrides,
    training records), whichever packs the audit then uses.

    Raises
    ------
    InputError
        For unknown packs or versions, a pack pinned twice, invalid threshold overrides, or
        training records naming modules or versions the pinned packs do not have.
    """
    problems: list[InputProblem] = []
    pinned: list[Pack] = []
    for i, pin in enumerate(workspace.config.guidelines):
        location = workspace.locate_input(CONFIG_FILE, ("guidelines", i))
        if any(p.id == pin.pack for p in pinned):
            problems.append(InputProblem(location, f"pack '{pin.pack}' is pinned twice"))
            continue
        try:
            pinned.append(library.get(pin.pack, pin.version))
        except InputError as exc:
            problems.extend(InputProblem(location, p.message) for p in exc.problems)
    if problems:
        raise InputError(problems)
    effective_thresholds(workspace, pinned)
    _check_training(workspace, pinned)
    if not override:
        return pinned
    chosen = [pack_for_ref(library, text) for text in override]
    ids = [p.id for p in chosen]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InputError.at("--guidelines", 0, 0, f"pack given twice: {', '.join(duplicates)}")
    return chosen


def _check_training(workspace: Workspace, packs: list[Pack]) -> None:
    modules = {m.id: p for p in packs for m in p.training_modules}
    problems: list[InputProblem] = []
    for i, record in enumerate(workspace.training):
        pack = modules.get(record.module)
        if pack is None:
            known = ", ".join(sorted(modules)) or "none"
            problems.append(
                InputProblem(
                    workspace.locate_input(TRAINING_FILE, (i, "module")),
                    f"unknown training module '{record.module}' (known: {known})",
                )
            )
        elif version_key(record.version) > version_key(pack.version):
            problems.append(
                InputProblem(
                    workspace.locate_input(TRAINING_FILE, (i, "version")),
                    f"version {record.version} is newer than the pinned {pack.ref}",
                )
            )
    if problems:
        raise InputError(problems)
