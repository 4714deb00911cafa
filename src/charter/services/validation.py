"""Checks of a loaded workspace against the packs it pins (what the loader cannot know)."""

from __future__ import annotations

from charter.domain.errors import InputError, InputProblem
from charter.domain.guidelines import Pack, version_key
from charter.domain.ports import PackLibrary
from charter.domain.workspace import CONFIG_FILE, TRAINING_FILE, Workspace
from charter.services.thresholds import effective_thresholds


def parse_pack_ref(text: str) -> tuple[str, str | None]:
    """``pack@version`` or ``pack`` (latest)."""
    pack, _, version = text.partition("@")
    return pack, version or None


def resolve_packs(
    workspace: Workspace, library: PackLibrary, override: list[str] | None = None
) -> list[Pack]:
    """The packs an audit uses: ``--guidelines`` if given, else the workspace's pins.

    Raises
    ------
    InputError
        For unknown packs or versions, invalid threshold overrides, or training records
        naming modules or versions the packs do not have.
    """
    problems: list[InputProblem] = []
    packs: list[Pack] = []
    if override:
        for text in override:
            pack_id, version = parse_pack_ref(text)
            if version is None:
                versions = [v for p, v, _ in library.list_packs() if p == pack_id]
                if not versions:
                    raise InputError.at("--guidelines", 0, 0, f"unknown guideline pack '{pack_id}'")
                version = versions[-1]
            packs.append(library.get(pack_id, version))
    else:
        for i, pin in enumerate(workspace.config.guidelines):
            try:
                packs.append(library.get(pin.pack, pin.version))
            except InputError as exc:
                location = workspace.locate_input(CONFIG_FILE, ("guidelines", i))
                problems.extend(InputProblem(location, p.message) for p in exc.problems)
    if problems:
        raise InputError(problems)
    ids = [p.id for p in packs]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise InputError.at(
            "--guidelines", 0, 0, f"pack pinned twice: {', '.join(sorted(duplicates))}"
        )
    effective_thresholds(workspace, packs)
    _check_training(workspace, packs)
    return packs


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
