"""The Jinja environments the kit renders with, configured in one place.

Templates live in ``review_kit/templates``. HTML environments autoescape,
because PR data reaches them; Markdown environments do not, and must only
receive the kit's own data or text escaped for Markdown first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jinja2


def make_environment(
    *, autoescape: bool, filters: dict[str, Callable[..., Any]], globals_: dict[str, Any]
) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("review_kit.output", "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,  # a typo in a template fails loudly
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=not autoescape,
    )
    env.filters.update({"brief": brief, **filters})
    env.globals.update(globals_)
    return env


# A sentence ends at ". " before a capital, a code span or a parenthesis (a
# check's "(3 file(s): ...)" tail, which the table below shows in full).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(])")


def brief(text: str, limit: int = 100) -> str:
    """The first sentence of a reason, for a one-line entry; the full text is further down."""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    if len(first) > limit:
        first = first[: limit - 1].rsplit(" ", 1)[0] + "…"
    return first
