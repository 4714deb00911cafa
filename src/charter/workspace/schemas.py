"""JSON Schemas of every workspace file (and of guideline packs), from the domain models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from charter.domain.guidelines import Pack
from charter.domain.organisation import (
    PeopleRegister,
    ToolRegister,
    TrainingRecord,
    WorkspaceConfig,
)
from charter.domain.systems import SystemCard
from charter.domain.usecases import UseCase

SCHEMAS: dict[str, type[BaseModel]] = {
    "charter.schema.json": WorkspaceConfig,
    "system-card.schema.json": SystemCard,
    "usecase.schema.json": UseCase,
    "tools.schema.json": ToolRegister,
    "people.schema.json": PeopleRegister,
    "training-record.schema.json": TrainingRecord,
    "guideline-pack.schema.json": Pack,
}


def schema_of(model: type[BaseModel], name: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://charter.invalid/schemas/{name}",
        **schema,
    }


def export_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = directory / name
        path.write_text(json.dumps(schema_of(model, name), indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
