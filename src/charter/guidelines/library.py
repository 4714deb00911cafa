"""Load built-in guideline packs from ``packs/<pack>/<version>.yaml`` and validate them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from charter.domain.base import StrictModel
from charter.domain.errors import InputError, InputProblem
from charter.domain.guidelines import Direction, Pack, version_key
from charter.sourcefiles.models import validate_model
from charter.sourcefiles.yaml_source import read_yaml

HERE = Path(__file__).parent
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")
_VERSION = re.compile(r"\d{4}\.\d+")
PACKS_DIR = HERE / "packs"


class CatalogParameter(StrictModel):
    direction: Direction
    unit: str


class CatalogEntry(StrictModel):
    id: str
    title: str
    planned: str | None = None
    renamed_to: str | None = None
    """A planned id that shipped under another name: released packs keep naming it (a
    released pack never changes) and load with the new id in its place."""
    parameters: dict[str, CatalogParameter] = {}


class CheckCatalogFile(StrictModel):
    checks: list[CatalogEntry]


class FrameworkIds(StrictModel):
    nist_ai_rmf: dict[str, str]
    iso_42001: dict[str, str]
    eu_ai_act: dict[str, str]


@cache
def check_catalogue() -> dict[str, CatalogEntry]:
    """Every check id a pack may name (``checks.yaml``)."""
    path = HERE / "checks.yaml"
    doc = read_yaml(path)
    entries = validate_model(CheckCatalogFile, doc.data, doc.source, str(path)).checks
    return {e.id: e for e in entries}


@cache
def framework_ids() -> FrameworkIds:
    """Valid crosswalk ids with their titles (``frameworks.yaml``)."""
    path = HERE / "frameworks.yaml"
    doc = read_yaml(path)
    return validate_model(FrameworkIds, doc.data, doc.source, str(path))


@dataclass
class BuiltinPackLibrary:
    """The packs shipped with Charter. Implements the ``PackLibrary`` port."""

    root: Path = PACKS_DIR

    def list_packs(self) -> list[tuple[str, str, str]]:
        found: list[tuple[str, str, str]] = []
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            for file in sorted(folder.glob("*.yaml"), key=lambda f: version_key(f.stem)):
                pack = self.get(folder.name, file.stem)
                found.append((pack.id, pack.version, pack.title))
        return found

    def versions(self, pack_id: str) -> list[str]:
        folder = self.root / pack_id
        if not folder.is_dir():
            return []
        return sorted((f.stem for f in folder.glob("*.yaml")), key=version_key)

    def get(self, pack_id: str, version: str) -> Pack:
        if not (_ID.fullmatch(pack_id) and _VERSION.fullmatch(version)):
            # Never let a reference become a path outside the pack folder.
            raise InputError.at(f"{pack_id}@{version}", 0, 0, "not a valid pack id and version")
        return _load_pack(self.root, pack_id, version)


@cache
def _load_pack(root: Path, pack_id: str, version: str) -> Pack:
    path = root / pack_id / f"{version}.yaml"
    if not path.is_file():
        folder = root / pack_id
        if not folder.is_dir():
            known = ", ".join(sorted(p.name for p in root.iterdir() if p.is_dir()))
            raise InputError.at(pack_id, 0, 0, f"unknown guideline pack (known: {known})")
        versions = ", ".join(sorted((f.stem for f in folder.glob("*.yaml")), key=version_key))
        raise InputError.at(
            f"{pack_id}@{version}", 0, 0, f"unknown pack version (known: {versions})"
        )
    shown = str(path)
    doc = read_yaml(path, shown)
    pack = validate_model(Pack, doc.data, doc.source, shown)
    problems: list[InputProblem] = []
    if (pack.id, pack.version) != (pack_id, version):
        problems.append(
            InputProblem(
                doc.source.locate(("id",)), f"pack {pack.ref} stored as {pack_id}/{version}"
            )
        )
    catalogue = check_catalogue()
    frameworks = framework_ids()
    seen: set[str] = set()
    for i, requirement in enumerate(pack.requirements):
        if requirement.id in seen:
            problems.append(
                InputProblem(
                    doc.source.locate(("requirements", i, "id")),
                    f"duplicate requirement id '{requirement.id}'",
                )
            )
        seen.add(requirement.id)
        for j, ref in enumerate(requirement.checks):
            where = ("requirements", i, "checks", j)
            entry = catalogue.get(ref.id)
            if entry is None:
                problems.append(
                    InputProblem(doc.source.locate((*where, "id")), f"unknown check id '{ref.id}'")
                )
                continue
            for name, threshold in ref.thresholds.items():
                param = entry.parameters.get(name)
                if param is None:
                    problems.append(
                        InputProblem(
                            doc.source.locate((*where, "thresholds", name)),
                            f"check {ref.id} has no parameter '{name}'",
                        )
                    )
                elif param.direction is not threshold.direction:
                    problems.append(
                        InputProblem(
                            doc.source.locate((*where, "thresholds", name, "direction")),
                            f"{ref.id}.{name} is a '{param.direction}' threshold",
                        )
                    )
        for field, valid in (
            ("nist_ai_rmf", frameworks.nist_ai_rmf),
            ("iso_42001", frameworks.iso_42001),
            ("eu_ai_act", frameworks.eu_ai_act),
        ):
            for k, ref_id in enumerate(getattr(requirement.crosswalk, field)):
                if ref_id not in valid:
                    problems.append(
                        InputProblem(
                            doc.source.locate(("requirements", i, "crosswalk", field, k)),
                            f"unknown {field} reference '{ref_id}'",
                        )
                    )
    for i, module in enumerate(pack.training_modules):
        if version_key(module.changed_in) > version_key(pack.version):
            problems.append(
                InputProblem(
                    doc.source.locate(("training_modules", i, "changed_in")),
                    "module changed in a later version than the pack",
                )
            )
    if problems:
        raise InputError(problems)
    return _renamed(pack, catalogue)


def _renamed(pack: Pack, catalogue: dict[str, CatalogEntry]) -> Pack:
    """The pack with each renamed check id replaced by the id the check shipped under."""
    requirements = []
    for requirement in pack.requirements:
        refs = [
            ref.model_copy(update={"id": renamed})
            if (renamed := catalogue[ref.id].renamed_to)
            else ref
            for ref in requirement.checks
        ]
        requirements.append(requirement.model_copy(update={"checks": refs}))
    return pack.model_copy(update={"requirements": requirements})
