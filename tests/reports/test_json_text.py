"""JSON documents for people: the same data as ``json.dumps``, nested objects indented and
objects of plain values on one line."""

from __future__ import annotations

import json
from datetime import date

from charter.reports.json_text import json_text


def test_same_data_as_the_standard_encoder_with_plain_objects_on_one_line() -> None:
    document = {
        "schema": "charter.scan.pii/v1",
        "files": [
            {
                "path": "chats/é.txt",
                "counts": {"EMAIL_ADDRESS": 2},
                "findings": [
                    {"line": 3, "entity": "EMAIL_ADDRESS", "score": 1.0, "preview": "a***@***.se"},
                    {"line": 9, "entity": "EMAIL_ADDRESS", "score": 0.85, "preview": None},
                ],
                "empty": [],
            }
        ],
        1: (True, None),
    }
    text = json_text(document)
    assert json.loads(text) == json.loads(json.dumps(document))
    assert text.endswith("}\n")
    lines = text.splitlines()
    assert (
        '        {"line": 3, "entity": "EMAIL_ADDRESS", "score": 1.0, "preview": "a***@***.se"},'
        in lines
    )
    assert '      "counts": {"EMAIL_ADDRESS": 2},' in lines
    assert '      "path": "chats/é.txt",' in lines  # UTF-8 kept as is
    assert '  "1": [true, null]' in lines  # keys named as json.dumps names them


def test_values_json_has_no_type_for_go_through_default() -> None:
    assert json_text({"as_of": date(2026, 11, 25)}, default=str) == '{"as_of": "2026-11-25"}\n'
    assert json_text([]) == "[]\n"
