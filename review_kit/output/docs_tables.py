"""Tables in the kit's own documentation, generated from the data the code runs on.

The checks a PR page runs, the effort rules, the review tool's exit codes
and output formats: documented from the same objects, so they cannot drift.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..catalog.loading import Catalog
from .catalog_pages import common_context, render_template


def render_checks_table(catalog: Catalog, from_uri: str) -> str:
    return render_template(
        "docs_checks.md.j2", checks=catalog.focus_map.checks, **common_context(catalog, from_uri)
    )


def render_rules_table(catalog: Catalog, from_uri: str) -> str:
    return render_template(
        "docs_rules.md.j2", rules=catalog.focus_map.rules, **common_context(catalog, from_uri)
    )


def render_bullets(lines: Iterable[str]) -> str:
    return "".join(f"- {line}\n" for line in lines)


def render_exit_codes(codes) -> str:
    return render_template("docs_exit_codes.md.j2", codes=codes)


def render_formats(formats) -> str:
    return render_template("docs_formats.md.j2", formats=list(formats))
