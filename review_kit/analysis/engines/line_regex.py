"""``added:`` rules: a regular expression searched in each added line.

In Python files only the code counts: comments and string literals are
blanked first, and ``unless`` reads the whole statement around the hit.
"""

from __future__ import annotations

from ...catalog.rules import ContentRule
from ..findings import quoted
from ..model import Finding
from ..prefilter import CONTEXT_SENSITIVE, Prefilter, compiled, prefilter_of
from .base import EngineSpec, Fields, FileContext


def line_rule(rule: ContentRule, ctx: FileContext) -> list[Finding]:
    """``added``: a regular expression on each added line (its code only, in Python)."""
    pattern = compiled(rule.added or "")
    unless = compiled(rule.unless) if rule.unless else None
    found = []
    for number, text in ctx.diff.added.items():
        # Blanking comments and strings only takes text away, so a line the
        # expression misses raw cannot match once blanked: test raw first and
        # tokenise only the lines that might hold a hit.
        if not pattern.search(text):
            continue
        if ctx.is_python:
            code = ctx.python.code(number)
            if code is None:
                continue  # not parsed: never guess about comments or strings
            statement = ctx.python.statement_code(number)
        else:
            code = statement = text
        hit = pattern.search(code)
        if hit is None or (unless and unless.search(statement)):
            continue
        if ctx.diff.only_moved([number]):
            continue
        reason = ""
        if rule.reason:
            reason = rule.reason.format_map(Fields(code=quoted(hit.group(0))))
        found.append(ctx.finding(rule, number, reason=reason))
    return found


def _needs(rule: ContentRule) -> Prefilter | None:
    # An expression that reads its surroundings may match a line and not the raw patch.
    if rule.added is None or CONTEXT_SENSITIVE.search(rule.added):
        return None
    return prefilter_of((), (rule.added,))


LINE_REGEX = EngineSpec(
    name="added",
    title="a regular expression on each added line (its code only, in Python)",
    run=line_rule,
    prefilter=_needs,
)
