"""``charter schema export`` writes JSON Schemas that accept the real example files and
reject what the loader rejects."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from support import EXAMPLE, run_cli


def test_exported_schemas_validate_the_example(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    result = run_cli("schema", "export", "--output", str(out))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "charter.schema.json",
            "system-card.schema.json",
            "usecase.schema.json",
            "tools.schema.json",
            "people.schema.json",
            "training-record.schema.json",
            "guideline-pack.schema.json",
        ]
    )

    def check(schema_name: str, document_path: Path) -> None:
        schema = json.loads((out / schema_name).read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        data = json.loads(json.dumps(yaml.safe_load(document_path.read_text()), default=str))
        jsonschema.validate(data, schema)

    check("charter.schema.json", EXAMPLE / "charter.yaml")
    check("tools.schema.json", EXAMPLE / "tools.yaml")
    check("people.schema.json", EXAMPLE / "people.yaml")
    for card in sorted((EXAMPLE / "systems").glob("*.yaml")):
        check("system-card.schema.json", card)
    for use_case in sorted((EXAMPLE / "usecases").glob("*.yaml")):
        check("usecase.schema.json", use_case)

    schema = json.loads((out / "system-card.schema.json").read_text())
    card = json.loads(
        json.dumps(
            yaml.safe_load((EXAMPLE / "systems" / "dub-pipeline.yaml").read_text()), default=str
        )
    )
    card["ownr"] = card.pop("owner")
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(card))
    assert {e.validator for e in errors} >= {"required", "additionalProperties"}
