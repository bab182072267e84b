"""Read YAML while keeping the line of every value, for errors that point at it.

PyYAML's composed node tree carries positions that ``safe_load`` throws away;
we keep both so a validation failure on ``areas[3].paths[1]`` can name line 42.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..bounded_yaml import NoAliasLoader, compose_and_load
from ..errors import DataError


@dataclass(frozen=True)
class YamlDocument:
    """Plain data from a YAML file plus the node tree that knows line numbers."""

    path: str
    data: Any
    root: yaml.Node | None

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """Line (1-based) of the value at ``loc``, or of its nearest ancestor."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line

    def error(self, loc: Sequence[str | int], cause: str) -> DataError:
        """A ``DataError`` for the value at ``loc``."""
        return DataError(self.path, self.line_of(loc), format_loc(loc), cause)


def format_loc(loc: Sequence[str | int]) -> str:
    """``('areas', 3, 'paths')`` -> ``areas[3].paths``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key, value in node.value:
            if key.value == part:
                # An error about a key that should not be there points at the key.
                return value
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        return node.value[part]
    return None


def _reject_duplicate_keys(doc_path: str, node: yaml.Node | None, loc: tuple = ()) -> None:
    # PyYAML keeps the last of two equal keys without a word; in a review map a
    # repeated key is almost always a copy-paste slip, so it is an error.
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                raise DataError(
                    doc_path,
                    key.start_mark.line + 1,
                    format_loc((*loc, key.value)),
                    "duplicate key",
                )
            seen.add(key.value)
            _reject_duplicate_keys(doc_path, value, (*loc, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _reject_duplicate_keys(doc_path, value, (*loc, index))


def load_yaml(path: str | Path, display_path: str | None = None) -> YamlDocument:
    """Parse ``path``; a syntax error or duplicate key becomes a one-line ``DataError``."""
    shown = display_path or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(shown, None, "", f"cannot read file ({exc.strerror})") from None
    try:
        # Compose once and build the data from that same node tree: parsing
        # the text a second time with safe_load doubled the cost of loading.
        # A review map has no use for aliases: they are refused outright.
        root, data = compose_and_load(text, NoAliasLoader)
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct opened (the line a
        # person has to fix); the problem mark is where the parser gave up.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else None
        cause = f"YAML syntax error: {exc.problem}"
        if exc.context:
            cause += f" ({exc.context})"
        raise DataError(shown, line, "", cause) from None
    except yaml.YAMLError as exc:
        raise DataError(shown, None, "", f"YAML error: {exc}") from None
    _reject_duplicate_keys(shown, root)
    return YamlDocument(shown, data, root)


def parse_as(doc: YamlDocument, model: type[Any]) -> Any:
    """Validate ``doc.data`` against a pydantic model; the first problem becomes a DataError."""
    from pydantic import ValidationError

    try:
        return model.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            message = "unknown key"
        elif first["type"] == "missing":
            message = "required key is missing"
        return_error = doc.error(loc, message)
        raise return_error from None
