"""What an ``except`` guards, judged once for the kit's handler rules and ruff's.

A ``try`` that only removes files or closes handles is best-effort cleanup:
ignoring that a temporary file is already gone is the point of such a block,
not a failure hidden from the pipeline.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache


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


# Calls whose failure a best-effort cleanup may ignore: removing a file that
# may already be gone, closing what may already be closed.
_CLEANUP = {
    "remove",
    "unlink",
    "rmdir",
    "removedirs",
    "rmtree",
    "close",
    # Tearing down what may already be down: a process group, a placement
    # group, an engine or a worker being shut down.
    "shutdown",
    "terminate",
    "kill",
    "destroy_process_group",
    "remove_placement_group",
}


def _names_a_path(value: ast.expr) -> bool:
    """An expression that only builds a name (f-strings, ``os.path.join``): it calls nothing else."""
    return all(
        (dotted(n.func) or "").rsplit(".", 1)[-1] == "join"
        for n in ast.walk(value)
        if isinstance(n, ast.Call)
    )


def cleanup_only(statements: list[ast.stmt]) -> bool:
    """Statements that remove files or close handles, and nothing else.

    They may sit under ``if`` tests (``if os.path.exists(p):``) and follow
    assignments that build the path to remove; at least one must clean up.
    """
    cleans = False
    for statement in statements:
        if isinstance(statement, ast.If):
            if not cleanup_only(statement.body + statement.orelse):
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


@lru_cache(maxsize=32)
def tries_by_handler_line(text: str) -> dict[int, ast.Try | ast.TryStar]:
    """Each ``try`` of a whole source, by the line of each of its handlers (empty if unparsable).

    Parsed once per file, and only for a file where a linter flagged a handler.
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    return {
        h.lineno: node
        for node in ast.walk(tree)
        if isinstance(node, ast.Try | ast.TryStar)
        for h in node.handlers
    }


def handler_guards_cleanup(text: str, line: int) -> bool:
    """The ``try`` whose handler starts on ``line`` of this source only cleans up."""
    guarded = tries_by_handler_line(text).get(line)
    return guarded is not None and cleanup_only(guarded.body)


# What measuring and logging call: their failure loses a number, not a request.
_TELEMETRY = re.compile(r"(?i)metric|stats?\b|summary|telemetry|profil|tracer?\b|\blog")
# Reading a container on the way to a metric.
_LOOKUPS = {"get", "pop", "append", "items", "keys", "values", "pformat", "len", "join", "format"}


def telemetry_only(statements: list[ast.stmt]) -> bool:
    """Statements that only gather and record metrics or logs (at least one such call)."""
    calls = [n for s in statements for n in ast.walk(s) if isinstance(n, ast.Call)]
    names = [
        dotted(c.func) or (c.func.attr if isinstance(c.func, ast.Attribute) else "") for c in calls
    ]
    return any(_TELEMETRY.search(n) for n in names) and all(
        _TELEMETRY.search(n) or n.rsplit(".", 1)[-1] in _LOOKUPS for n in names
    )
