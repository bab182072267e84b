"""YAML read within bounds: every YAML document the kit reads is composed and built here.

PyYAML expands aliases into the same object many times over (a 420-byte CI map
of nested aliases grew to 915 MB), follows an alias into the node that holds it
(an endless structure), composes nested nodes by recursion (a deep document is
a RecursionError) and lets a bad value escape as a bare ``ValueError``
(``2026-02-30``, ``!!int abc``, a 5000-digit integer). Here the nesting is
capped while composing, the node graph is sized with its aliases expanded
before anything is built, and a value that cannot be built is a ``YAMLError``
with its line: callers turn every refusal into one line naming the document.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError

# The deepest nesting a document may have, aliases followed: the kit's own
# data and vllm-omni's nest under ten levels.
MAX_DEPTH = 40
# The most nodes a document may hold with every alias expanded: vllm-omni's
# CI map holds about 2,000, a stage config a few hundred.
MAX_NODES = 200_000
# The longest text handed to the (pure Python) parser: about a second of work.
MAX_CHARS = 1_000_000


class Refused(ComposerError):
    """A document past a bound: not a syntax error, but not to be read either."""


class _Bounds:
    """Nesting capped while composing, and values' errors marked, for either loader below."""

    allow_aliases = True
    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            if not self.allow_aliases:
                event = self.peek_event()
                raise Refused(
                    None,
                    None,
                    f"alias *{event.anchor} is not allowed; write the value out",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise Refused(
                    None,
                    None,
                    f"nested deeper than {MAX_DEPTH} levels",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError, AttributeError):
            # The timestamp, int and float constructors raise these for values
            # their pattern let through (``!!timestamp x`` is an AttributeError):
            # a line, not a traceback.
            shown = str(node.value)[:40] if isinstance(node, yaml.ScalarNode) else node.tag
            raise ConstructorError(
                None,
                None,
                f"cannot read {shown!r} as {node.tag.rsplit(':', 1)[-1]}",
                node.start_mark,
            ) from None


class BoundedLoader(_Bounds, yaml.SafeLoader):
    """``SafeLoader`` within the bounds: what ``yaml.safe_load`` gives."""


class TextLoader(_Bounds, yaml.BaseLoader):
    """``BaseLoader`` within the bounds: every scalar stays text, no tag builds an object."""


class NoAliasLoader(BoundedLoader):
    """For data the kit writes itself (the focus map): an alias there is a mistake."""

    allow_aliases = False


LoaderType = type[BoundedLoader] | type[TextLoader]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def check_expansion(root: yaml.Node) -> None:
    """Refuse a node graph that is cyclic, or too large or deep with its aliases expanded.

    One iterative walk over the composed nodes, each sized once (shared
    nodes are what aliases make), so a bomb is refused in the time it takes
    to read its few hundred bytes.
    """
    sizes: dict[int, tuple[int, int]] = {}  # node id -> (expanded nodes, depth)
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            on_path.discard(key)
            below = [sizes[id(child)] for child in _children(node)]
            size = 1 + sum(s for s, _ in below)
            depth = 1 + max((d for _, d in below), default=0)
            if size > MAX_NODES:
                raise Refused(
                    None, None, f"aliases expand to more than {MAX_NODES:,} nodes", node.start_mark
                )
            if depth > MAX_DEPTH:
                raise Refused(
                    None, None, f"aliases nest deeper than {MAX_DEPTH} levels", node.start_mark
                )
            sizes[key] = (size, depth)
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise ComposerError(
                None, None, "an alias refers to a node that contains it", node.start_mark
            )
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _check_size(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise Refused(None, None, f"{len(text):,} characters, over the {MAX_CHARS:,} read")


def compose(text: str, loader: LoaderType = BoundedLoader) -> yaml.Node | None:
    """The document's node tree, checked; ``yaml.YAMLError`` for anything refused."""
    _check_size(text)
    reader = loader(text)
    try:
        root = reader.get_single_node()
    finally:
        reader.dispose()
    if root is not None:
        check_expansion(root)
    return root


def compose_and_load(text: str, loader: LoaderType = BoundedLoader) -> tuple[yaml.Node | None, Any]:
    """The node tree and the data built from it (composed once)."""
    _check_size(text)
    reader = loader(text)
    try:
        root = reader.get_single_node()
        if root is None:
            return None, None
        check_expansion(root)
        return root, reader.construct_document(root)
    finally:
        reader.dispose()


def load(text: str, loader: LoaderType = BoundedLoader) -> Any:
    """The document's data, as ``yaml.safe_load`` gives it, within the bounds above."""
    return compose_and_load(text, loader)[1]


def problem(exc: yaml.YAMLError) -> tuple[int | None, str]:
    """(1-based line or None, cause) of a refusal, for a one-line message."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.context_mark or exc.problem_mark
        cause = exc.problem or "not valid YAML"
        if exc.context:
            cause += f" ({exc.context})"
        return (mark.line + 1 if mark is not None else None), cause
    return None, str(exc) or "not valid YAML"
