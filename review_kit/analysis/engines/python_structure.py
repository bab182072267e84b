"""``python:`` rules: structural matches on the added Python code, read with ``ast``.

Calls (by dotted name, with wildcards), methods on any receiver, and
``except`` handlers that swallow or continue; keywords, arguments, the name a
call's value is bound to and ``if __name__ == "__main__"`` narrow them down.
A hit counts only where its node spans an added line.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from fnmatch import fnmatchcase
from typing import assert_never

from ...catalog.rules import ContentRule, HandlerKind, PythonMatch
from ..model import Finding
from ..prefilter import Prefilter, compiled, prefilter_of
from ..python_code import ParsedFragment
from .base import EngineSpec, FileContext


def dotted(node: ast.AST) -> str | None:
    """``torch.nn.functional.softmax`` for that attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _same_literal(node: ast.AST, value: object) -> bool:
    return (
        isinstance(node, ast.Constant) and type(node.value) is type(value) and node.value == value
    )


def call_matches(match: PythonMatch, call: ast.Call) -> bool:
    if match.calls:
        name = dotted(call.func)
        if name is None or not any(fnmatchcase(name, pattern) for pattern in match.calls):
            return False
    elif match.methods and not (
        isinstance(call.func, ast.Attribute) and call.func.attr in match.methods
    ):
        return False
    if match.max_args is not None and len(call.args) + len(call.keywords) > match.max_args:
        return False
    given = {kw.arg: kw.value for kw in call.keywords}
    for key, value in match.keywords.items():
        if key not in given or not _same_literal(given[key], value):
            return False
    if match.without_keywords and (
        None in given or any(key in given for key in match.without_keywords)
    ):
        return False
    for argument in match.arguments:
        if argument.index >= len(call.args):
            return False
        node = call.args[argument.index]
        if argument.name is not None and not (
            isinstance(node, ast.Name) and node.id == argument.name
        ):
            return False
        if argument.literal is not None and isinstance(node, ast.Constant) != argument.literal:
            return False
    return True


def _main_guard_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in tree.body:
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Compare)
            and dotted(node.test.left) == "__name__"
        ):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _target_names(target: ast.AST) -> Iterator[str]:
    """The names an assignment binds: ``x``, ``self.x``, the container of ``d[k]``.

    A subscript's index is not a name being bound: in ``ts[req_id] = time.time()``
    the value is a timestamp, not an id.
    """
    if isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Attribute):
        yield target.attr
    elif isinstance(target, ast.Subscript):
        yield from _target_names(target.value)


def _bound_values(bindings: list[ast.AST]) -> Iterator[tuple[str, ast.AST]]:
    """(name, value) for assignments, keyword arguments and string-keyed dict entries."""
    for node in bindings:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for name in _target_names(target):
                    yield name, node.value
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
            bound = dotted(node.target)
            if bound:
                yield bound.rsplit(".", 1)[-1], node.value
        elif isinstance(node, ast.keyword) and node.arg:
            yield node.arg, node.value
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    yield key.value, value


# Calls whose failure a best-effort cleanup may ignore: removing a file that
# may already be gone, closing what may already be closed.
_CLEANUP = {"remove", "unlink", "rmdir", "removedirs", "rmtree", "close"}


def _names_a_path(value: ast.expr) -> bool:
    """An expression that only builds a name (f-strings, ``os.path.join``): it calls nothing else."""
    return all(
        (dotted(n.func) or "").rsplit(".", 1)[-1] == "join"
        for n in ast.walk(value)
        if isinstance(n, ast.Call)
    )


def _cleanup_only(statements: list[ast.stmt]) -> bool:
    """Statements that remove files or close handles, and nothing else.

    They may sit under ``if`` tests (``if os.path.exists(p):``) and follow
    assignments that build the path to remove; at least one must clean up.
    """
    cleans = False
    for statement in statements:
        if isinstance(statement, ast.If):
            if not _cleanup_only(statement.body + statement.orelse):
                return False
            cleans = True
        elif isinstance(statement, ast.Assign):
            if not _names_a_path(statement.value):
                return False
        elif (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and (dotted(statement.value.func) or "").rsplit(".", 1)[-1] in _CLEANUP
        ):
            cleans = True
        else:
            return False
    return cleans


def _swallowed(handler: ast.ExceptHandler, fragment: ParsedFragment) -> bool:
    """A handler that only passes, or a bare ``except:`` that does not re-raise.

    Not when its ``try`` only removes files or closes handles: ignoring that
    a temporary file is already gone is the point of such a block, not a
    failure hidden from the pipeline.
    """
    guarded = fragment.nodes.guarded.get(id(handler))
    if isinstance(guarded, ast.Try | ast.TryStar) and _cleanup_only(guarded.body):
        return False
    quiet = all(
        isinstance(s, ast.Pass)
        or (isinstance(s, ast.Expr) and _same_literal(s.value, ...))
        or isinstance(s, ast.Continue)
        for s in handler.body
    )
    if quiet:
        return True
    reraises = any(isinstance(n, ast.Raise) for s in handler.body for n in ast.walk(s))
    return handler.type is None and not reraises


_BROAD = {"Exception", "BaseException"}


def _retry_loop(handler: ast.ExceptHandler, fragment: ParsedFragment) -> bool:
    """The handler's ``try`` sits directly in ``for ... in range(...)``: one failed attempt of n."""
    guarded = fragment.nodes.guarded.get(id(handler))
    loop = fragment.nodes.loop_of.get(id(guarded)) if guarded is not None else None
    return (
        isinstance(loop, ast.For)
        and isinstance(loop.iter, ast.Call)
        and dotted(loop.iter.func) == "range"
    )


def _broad_and_continues(handler: ast.ExceptHandler, fragment: ParsedFragment) -> bool:
    """``except Exception:`` (or broader) whose body neither raises nor returns.

    Handlers that merely pass are the ``swallowed`` rule's, not this one's.
    A bounded retry loop (``for attempt in range(n)``) catches broadly on
    purpose; a loop over requests or a ``while True`` does not get that pass.
    """
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    broad = handler.type is None or any(dotted(k) in _BROAD for k in kinds if k is not None)
    if not broad or _swallowed(handler, fragment) or _retry_loop(handler, fragment):
        return False
    return not any(isinstance(n, ast.Raise | ast.Return) for s in handler.body for n in ast.walk(s))


def _handler_test(kind: HandlerKind) -> Callable[[ast.ExceptHandler, ParsedFragment], bool]:
    # Every kind the focus map may name has its test: the type checker sees a
    # missing one here, and the map's validation refuses any other name.
    match kind:
        case "swallowed":
            return _swallowed
        case "broad":
            return _broad_and_continues
        case _:
            assert_never(kind)


def python_hits(
    match: PythonMatch, fragment: ParsedFragment
) -> Iterator[ast.Call | ast.ExceptHandler]:
    """Nodes of one parsed fragment that the match selects, among those on added lines."""
    nodes = fragment.nodes
    if match.handler is not None:
        test = _handler_test(match.handler)
        yield from (h for h in nodes.handlers if test(h, fragment))
        return
    candidates: list[ast.Call] = nodes.calls
    if match.assigned_to:
        wanted = compiled(match.assigned_to)
        inside = {
            id(n)
            for name, value in _bound_values(nodes.bindings)
            if wanted.search(name)
            for n in ast.walk(value)
        }
        candidates = [c for c in candidates if id(c) in inside]
    skip = _main_guard_lines(fragment.tree) if match.outside_main and candidates else set()
    for node in candidates:
        if node.lineno not in skip and call_matches(match, node):
            yield node


def _span_line(
    node: ast.Call | ast.ExceptHandler, numbers: list[int], added: dict[int, str]
) -> int | None:
    """The new-file line to report for a node: its first line if added, else its first added line."""
    if isinstance(node, ast.ExceptHandler):
        # A handler is its header and its body, not whatever the body calls.
        parsed = [node.lineno] + [s.lineno for s in node.body]
    else:
        parsed = list(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    for k in parsed:
        number = numbers[k - 1] if 0 < k <= len(numbers) else 0
        if number in added:
            return number
    return None


def python_rule(rule: ContentRule, ctx: FileContext) -> list[Finding]:
    """``python``: structural matches on the parsed hunks; a hit must span an added line."""
    if not ctx.is_python:
        return []
    view = ctx.python
    unless = compiled(rule.unless) if rule.unless else None
    lines: set[int] = set()
    for fragment in view.fragments:
        for match in rule.python:
            for node in python_hits(match, fragment):
                line = _span_line(node, fragment.numbers, view.added)
                if line is None:
                    continue
                first = fragment.numbers[node.lineno - 1] or line
                if unless and unless.search(view.statement_code(first)):
                    continue
                lines.add(line)
    return [ctx.finding(rule, line) for line in sorted(lines)]


def _needs(rule: ContentRule) -> Prefilter | None:
    words: list[str] = []
    for match in rule.python:
        tokens = _tokens(match)
        if tokens is None:
            return None
        words += tokens
    # Whole words: in ASCII source (see ``RuleSet.firing``) a name the parser
    # would read stands between non-word characters, so ``items`` need not be
    # read for ``.item()``.
    return prefilter_of(tuple(sorted(set(words))), ())


def _tokens(match: PythonMatch) -> tuple[str, ...] | None:
    """Words one of which a file's patch must hold for this match to fire (None: no filter)."""
    if match.handler:
        return ("except",)
    if match.methods:
        return tuple(match.methods)
    words = [p.rsplit(".", 1)[-1] for p in match.calls]
    if any("*" in w for w in words):
        return tuple(match.keywords) or None
    return tuple(words)


PYTHON_STRUCTURE = EngineSpec(
    name="python",
    title="structural matches on the parsed Python hunks (calls, methods, except handlers)",
    run=python_rule,
    prefilter=_needs,
)
