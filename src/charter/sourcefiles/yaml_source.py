"""YAML with positions: duplicate keys are errors, every value knows its line and column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from charter.domain.errors import InputError
from charter.domain.sources import PathKey, SourceMap
from charter.sourcefiles.limits import MAX_NODES, read_text_capped

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class YamlDocument:
    data: Any
    source: SourceMap


def read_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Parse one YAML document from ``path``.

    Raises
    ------
    InputError
        On syntax errors, duplicate keys, non-string keys, multiple documents or a document
        that expands past ``MAX_NODES`` values; each located as ``file:line:column``.
    """
    name = display or str(path)
    text = read_text_capped(path, name)
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> YamlDocument:
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError.at(name, line, column, f"invalid YAML: {problem}") from exc
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise InputError.at(name, line, column, f"invalid YAML: {exc.reason}") from exc
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise InputError.at(name, 0, 0, f"invalid YAML: {message}") from exc
    if len(nodes) > 1:
        start = nodes[1].start_mark
        raise InputError.at(
            name, start.line + 1, start.column + 1, "expected one YAML document, found more"
        )
    source = SourceMap(name)
    if not nodes:
        return YamlDocument(None, source)
    builder = _Builder(name, source)
    return YamlDocument(builder.build(nodes[0], ()), source)


class _Builder:
    """Turns a composed node tree into plain Python values, recording positions."""

    def __init__(self, name: str, source: SourceMap) -> None:
        self._name = name
        self._source = source
        self._constructor = yaml.SafeLoader("")
        self._count = 0
        self._open: set[int] = set()  # nodes being built: an alias back to one recurses

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self._count += 1
        if self._count > MAX_NODES:
            mark = node.start_mark
            raise InputError.at(
                self._name,
                mark.line + 1,
                mark.column + 1,
                f"document expands to more than {MAX_NODES} values (alias bomb?)",
            )
        self._source.positions.setdefault(
            path, (node.start_mark.line + 1, node.start_mark.column + 1)
        )
        if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            return self._scalar(node)
        if id(node) in self._open:
            mark = node.start_mark
            raise InputError.at(
                self._name,
                mark.line + 1,
                mark.column + 1,
                "recursive alias: a value contains itself",
            )
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self._open.discard(id(node))

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            mark = node.start_mark
            raise InputError.at(
                self._name, mark.line + 1, mark.column + 1, f"invalid value: {exc}"
            ) from exc

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            where = (mark.line + 1, mark.column + 1)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError.at(self._name, *where, "merge keys (<<) are not supported")
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError.at(self._name, *where, "mapping keys must be plain strings")
            key = str(key_node.value)
            if key in result:
                first = self._source.positions.get((*path, key), (0, 0))
                raise InputError.at(
                    self._name, *where, f"duplicate key '{key}' (first defined on line {first[0]})"
                )
            self._source.positions[(*path, key)] = where
            # The key's position is the useful one for messages about the field; build()
            # keeps it because it only records positions not yet known.
            result[key] = self.build(value_node, (*path, key))
        return result
