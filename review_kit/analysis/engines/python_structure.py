"""``python:`` rules: structural matches on the added Python code, read with ``ast``.

Calls (by dotted name, with wildcards), methods on any receiver, and
``except`` handlers that swallow or continue; keywords, arguments, where the
node sits, the name a call's value is bound to and ``if __name__ ==
"__main__"`` narrow them down. A hit counts only where its node spans an added
line that did not merely move, and says why in its own words (``reason``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from fnmatch import fnmatchcase
from typing import assert_never

from ...catalog.rules import ContentRule, HandlerKind, PythonMatch
from ..findings import quoted
from ..handlers import cleanup_only as _cleanup_only
from ..handlers import dotted, telemetry_only
from ..model import Finding
from ..prefilter import Prefilter, compiled, prefilter_of
from ..python_code import ParsedFragment
from .base import EngineSpec, Fields, FileContext


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
        if argument.value is not None and not _same_literal(node, argument.value):
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

    Handlers that merely pass are the ``swallowed`` rule's, not this one's;
    a ``try`` of imports only probes for an optional dependency, and one
    that only closes or shuts down is best-effort teardown.
    A bounded retry loop (``for attempt in range(n)``) catches broadly on
    purpose; a loop over requests or a ``while True`` does not get that pass.
    """
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    broad = handler.type is None or any(dotted(k) in _BROAD for k in kinds if k is not None)
    if not broad or _swallowed(handler, fragment) or _retry_loop(handler, fragment):
        return False
    guarded = fragment.nodes.guarded.get(id(handler))
    if isinstance(guarded, ast.Try | ast.TryStar) and (
        all(isinstance(s, ast.Import | ast.ImportFrom) for s in guarded.body)
        or _cleanup_only(guarded.body)
        or telemetry_only(guarded.body)
    ):
        # Probing for an optional dependency (its absence is the expected
        # case), tearing down what may already be gone, or recording a
        # metric: none of them fails a request by failing.
        return False
    return not any(isinstance(n, ast.Raise | ast.Return) for s in handler.body for n in ast.walk(s))


def _placed(match: PythonMatch, node: ast.AST, fragment: ParsedFragment) -> bool:
    """The node sits where the match wants it: in a condition, outside once-only functions."""
    if match.in_condition is None and match.outside_functions is None:
        return True
    place = fragment.nodes.where.get(id(node))
    if place is None:
        return False
    if match.in_condition == "ternary" and place.condition != "ternary":
        return False
    if match.in_condition == "any" and place.condition is None:
        return False
    return not (
        match.outside_functions
        and place.function
        and compiled(match.outside_functions).fullmatch(place.function)
    )


def receiver(call: ast.Call) -> ast.expr | None:
    """What a method is called on (``x`` in ``x.item()``), else None."""
    return call.func.value if isinstance(call.func, ast.Attribute) else None


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
        yield from (h for h in nodes.handlers if test(h, fragment) and _placed(match, h, fragment))
        return
    names = match.methods or [p.rsplit(".", 1)[-1] for p in match.calls]
    if any("*" in n for n in names):
        candidates = nodes.calls
    else:  # only calls whose last name is one the match asks for
        by_name = fragment.calls_by_name
        candidates = sorted(
            (c for n in dict.fromkeys(names) for c in by_name.get(n, ())),
            key=lambda c: (c.lineno, c.col_offset),
        )
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
        if node.lineno in skip or not call_matches(match, node):
            continue
        if not _placed(match, node, fragment):
            continue
        if match.unless_receiver:
            on = receiver(node)
            if on is not None and compiled(match.unless_receiver).search(ast.unparse(on)):
                continue
        if match.unless_built_by and _built_on_host(match, node, fragment):
            continue
        yield node


def _built_on_host(match: PythonMatch, call: ast.Call, fragment: ParsedFragment) -> bool:
    """The method's receiver was assigned, in this fragment, from a call that builds on the host.

    ``q = torch.from_numpy(n)`` then ``q.tolist()`` reads host memory: no
    device is waited for. A ``device=`` keyword on the building call moves
    it, so that one does not count.
    """
    on = receiver(call)
    if on is None:
        return False
    name = ast.unparse(on)
    # Every assignment of the fragment, not only those on lines holding a
    # rule's word: the building line rarely holds one (asked only on a hit).
    for binding in fragment.assignments:
        if not isinstance(binding.value, ast.Call):
            continue
        if binding.lineno > call.lineno or not any(ast.unparse(t) == name for t in binding.targets):
            continue
        built = dotted(binding.value.func) or ""
        if any(fnmatchcase(built, p) for p in match.unless_built_by) and not any(
            kw.arg == "device" for kw in binding.value.keywords
        ):
            return True
    return False


def python_reason(match: PythonMatch, node: ast.AST, fragment: ParsedFragment) -> str:
    """The match's reason template filled in from the hit's own code."""
    if not match.reason:
        return ""
    if isinstance(node, ast.ExceptHandler):
        caught = ast.unparse(node.type) if node.type is not None else "everything"
        guarded = fragment.nodes.guarded.get(id(node))
        first = guarded.body[0] if isinstance(guarded, ast.Try | ast.TryStar) else None
        fields = {
            "code": quoted(f"except {caught}" if node.type is not None else "except"),
            "caught": quoted(caught),
            "guarded": quoted(ast.unparse(first)) if first is not None else "its block",
        }
    elif isinstance(node, ast.Call):
        on = receiver(node)
        fields = {
            "code": quoted(ast.unparse(node)),
            "callee": quoted(dotted(node.func) or ast.unparse(node.func)),
            "receiver": quoted(ast.unparse(on)) if on is not None else "",
        }
    else:
        fields = {"code": quoted(ast.unparse(node))}
    return match.reason.format_map(Fields(fields))


def _added_span(
    node: ast.Call | ast.ExceptHandler, numbers: list[int], added: dict[int, str]
) -> list[int]:
    """The added new-file lines a node spans (a handler: its header and its body)."""
    end = node.end_lineno or node.lineno
    numbers_in = [numbers[k - 1] for k in range(node.lineno, end + 1) if 0 < k <= len(numbers)]
    return [n for n in numbers_in if n in added]


def fragment_may_match(fragment: ParsedFragment, pattern: re.Pattern) -> bool:
    """Whether the fragment's raw text could hold a match (its text joined once, on first use)."""
    return pattern.search(fragment.raw_text) is not None


def _span_line(
    node: ast.Call | ast.ExceptHandler, numbers: list[int], added: dict[int, str]
) -> int | None:
    """The new-file line to report for a node: its first line if added, else its first added line."""
    if isinstance(node, ast.ExceptHandler):
        # A handler is the PR's when it wrote the ``except`` line: editing the
        # log call in a handler that was already there adds no hazard.
        parsed = [node.lineno]
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
    reasons: dict[int, str] = {}
    for fragment in view.fragments:
        for match in rule.python:
            for node in python_hits(match, fragment):
                line = _span_line(node, fragment.numbers, view.added)
                if line is None or line in reasons:
                    continue
                first = fragment.numbers[node.lineno - 1] or line
                # Blanking strings and comments only takes text away: a
                # fragment whose raw text misses ``unless`` needs no blanking.
                if (
                    unless
                    and fragment_may_match(fragment, unless)
                    and unless.search(view.statement_code(first))
                ):
                    continue
                if ctx.diff.only_moved(_added_span(node, fragment.numbers, view.added)):
                    continue
                reasons[line] = python_reason(match, node, fragment)
    return [ctx.finding(rule, line, reason=reasons[line]) for line in sorted(reasons)]


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
    # A literal the call must be given is rarer than a short method name
    # (``cpu`` in ``x.to("cpu")`` against ``to``), and it stands between quotes.
    literals = [a.value for a in match.arguments if isinstance(a.value, str)]
    literals += [v for v in match.keywords.values() if isinstance(v, str)]
    if literals and all(w.isidentifier() for w in literals):
        return tuple(literals)
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
