from __future__ import annotations

from pathlib import Path

import pytest

from charter.domain.errors import InputError
from charter.sourcefiles.limits import MAX_FILE_BYTES
from charter.sourcefiles.yaml_source import parse_yaml, read_yaml


def test_positions_point_at_keys_and_items() -> None:
    doc = parse_yaml("a: 1\nb:\n  c: [x, y]\n  d:\n    - e: 2\n", "f.yaml")
    assert doc.data == {"a": 1, "b": {"c": ["x", "y"], "d": [{"e": 2}]}}
    assert doc.source.positions[("a",)] == (1, 1)
    assert doc.source.positions[("b", "c")] == (3, 3)
    assert doc.source.positions[("b", "c", 1)] == (3, 10)
    assert doc.source.positions[("b", "d", 0, "e")] == (5, 7)


def test_missing_path_is_located_at_nearest_parent() -> None:
    doc = parse_yaml("a:\n  b: 1\n", "f.yaml")
    location = doc.source.locate(("a", "nope", "deeper"))
    assert (location.line, location.column) == (1, 1)


def test_duplicate_key_is_an_error_naming_both_lines() -> None:
    with pytest.raises(InputError) as info:
        parse_yaml("a: 1\nb: 2\na: 3\n", "f.yaml")
    assert str(info.value) == "f.yaml:3:1: duplicate key 'a' (first defined on line 1)"


def test_syntax_error_is_located() -> None:
    with pytest.raises(InputError) as info:
        parse_yaml("a: [1, 2\nb: 3\n", "f.yaml")
    message = str(info.value)
    assert message.startswith("f.yaml:")
    line = int(message.split(":")[1])
    assert line >= 1
    assert "invalid YAML" in message


def test_alias_bomb_is_refused() -> None:
    layers = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        previous = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        layers.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    with pytest.raises(InputError, match="alias bomb"):
        parse_yaml("\n".join(layers) + "\n", "bomb.yaml")


def test_several_documents_are_refused() -> None:
    with pytest.raises(InputError, match=r"f.yaml:3:1: expected one YAML document"):
        parse_yaml("a: 1\n---\nb: 2\n", "f.yaml")


def test_non_utf8_and_huge_files_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"a: 1\nb: \xff\xfe\n")
    with pytest.raises(InputError, match=r"bad.yaml:2:4: file is not valid UTF-8"):
        read_yaml(bad)
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(InputError, match="over the"):
        read_yaml(huge)


def test_non_scalar_keys_and_merge_keys_are_refused() -> None:
    with pytest.raises(InputError, match="mapping keys must be plain strings"):
        parse_yaml("? [a, b]\n: 1\n", "f.yaml")
    with pytest.raises(InputError, match="merge keys"):
        parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\n", "f.yaml")


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(InputError, match=r"f.yaml:1:4: recursive alias"):
        parse_yaml("a: &a\n  b: *a\n", "f.yaml")


def test_control_characters_are_located() -> None:
    with pytest.raises(InputError) as info:
        parse_yaml("a: 1\nb: x\x00y\n", "f.yaml")
    assert str(info.value).startswith("f.yaml:2:5: invalid YAML")
    assert "\n" not in str(info.value)
