"""Turn the catalog into page fragments for the macros module.

Everything rendered here is the kit's own reviewed data (guide, framework,
focus map), so it is emitted as Markdown and goes through MkDocs' link
validation. Pull-request data never passes through this module: see ``html`` and ``markdown``.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import jinja2

from ..catalog.focus_map import RISK_ORDER
from ..catalog.guide import GuideSection
from ..catalog.loading import Catalog, item_anchor
from ..pr.sources.snapshot import DEFAULT_REPO
from .templating import make_environment

_CODE_SPAN = re.compile(r"(`+[^`]*?`+)")


@cache
def _markdown_env() -> jinja2.Environment:
    # Markdown output: autoescape would mangle backticks and links. The inputs
    # are the kit's own data files, reviewed like code.
    return make_environment(
        autoescape=False,
        filters={"md_link_text": md_link_text},
        globals_={"item_anchor": item_anchor},
    )


def md_link_text(text: str) -> str:
    """Escape brackets so item text like "(0, 1]" cannot end a link's text early.

    Code spans are left alone: Markdown shows backslashes inside them literally.
    """
    parts = _CODE_SPAN.split(text)
    # split() with one group interleaves: prose, code, prose, code, ...
    return "".join(
        part if i % 2 else part.replace("[", "\\[").replace("]", "\\]")
        for i, part in enumerate(parts)
    )


def relative_link(from_uri: str, to_uri: str, anchor: str = "") -> str:
    """Link from one docs page to another, as MkDocs expects (relative ``.md`` path)."""
    if to_uri == from_uri:
        target = ""
    else:
        target = posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")
    return f"{target}#{anchor}" if anchor else target


def render_template(template: str, **context: object) -> str:
    """Render one of the kit's Markdown templates (its own data only, never a PR's)."""
    return _markdown_env().get_template(template).render(**context)


def _section_link(catalog: Catalog, from_uri: str):
    def link(section_id: str) -> str:
        section: GuideSection = catalog.section(section_id)
        return f"[§{section.id} {section.title}]({relative_link(from_uri, section.src_uri, section.anchor)})"

    return link


def common_context(catalog: Catalog, from_uri: str) -> dict[str, object]:
    return {
        "catalog": catalog,
        "section_link": _section_link(catalog, from_uri),
        "link": lambda to_uri, anchor="": relative_link(from_uri, to_uri, anchor),
    }


def render_cited_by(catalog: Catalog, section_id: str, from_uri: str) -> str:
    """The generated list of checklist items that cite one guide section."""
    if section_id not in catalog.sections:
        raise KeyError(f"cited_by: no expert-guide section {section_id!r}")
    return render_template(
        "cited_by.md.j2",
        citations=catalog.citations(section_id),
        **common_context(catalog, from_uri),
    )


def render_framework_category(catalog: Catalog, category_id: str, from_uri: str) -> str:
    category = catalog.framework.category(category_id)
    if category is None:
        raise KeyError(f"framework_category: no category {category_id!r}")
    return render_template(
        "framework_category.md.j2", category=category, **common_context(catalog, from_uri)
    )


def render_final_checklist(catalog: Catalog, from_uri: str) -> str:
    return render_template(
        "final_checklist.md.j2",
        items=catalog.framework.final_checklist,
        **common_context(catalog, from_uri),
    )


def areas_by_risk(catalog: Catalog):
    return sorted(catalog.focus_map.areas, key=lambda a: (RISK_ORDER[a.risk], a.title))


def render_focus_index(catalog: Catalog, from_uri: str) -> str:
    return render_template(
        "focus_index.md.j2", areas=areas_by_risk(catalog), **common_context(catalog, from_uri)
    )


def render_focus_area(catalog: Catalog, area_id: str, from_uri: str) -> str:
    area = catalog.area(area_id)
    subsections = [catalog.framework.subsection(s) for s in area.framework_subsections]
    contracts = [o.contract for o in catalog.contract_overlaps if area_id in o.areas]
    return render_template(
        "focus_area.md.j2",
        area=area,
        subsections=subsections,
        contracts=contracts,
        repo=DEFAULT_REPO,
        **common_context(catalog, from_uri),
    )


@dataclass(frozen=True)
class FolderRow:
    """One folder of the repository and where its files land in the map."""

    folder: str
    files: int
    areas: list[tuple[str, int]]
    ignored: int
    unmatched: int


TOP_LEVEL = "(top level)"


def _folder_depth(path: str) -> int:
    # The package and the tests are where areas split finely, so they get one
    # more level than the rest of the tree.
    return 3 if path.startswith(("vllm_omni/", "tests/")) else 2


def folder_rows(catalog: Catalog, paths: Iterable[str]) -> list[FolderRow]:
    """Per notable folder, how many of its files each area claims."""
    counts: dict[str, Counter] = {}
    for path in paths:
        parts = path.split("/")[:-1]
        result = catalog.focus_map.classify(path)
        folders = [
            "/".join(parts[:d]) + "/" for d in range(1, min(len(parts), _folder_depth(path)) + 1)
        ]
        for folder in folders or [TOP_LEVEL]:
            counter = counts.setdefault(folder, Counter())
            counter["__files__"] += 1
            if result.ignored:
                counter["__ignored__"] += 1
            elif not result.areas:
                counter["__unmatched__"] += 1
            for area_id in result.areas:
                counter[area_id] += 1
    rows = []
    for folder in sorted(counts):
        counter = counts[folder]
        areas = sorted(
            ((k, v) for k, v in counter.items() if not k.startswith("__")),
            key=lambda kv: (-kv[1], kv[0]),
        )
        rows.append(
            FolderRow(
                folder,
                counter["__files__"],
                areas,
                counter["__ignored__"],
                counter["__unmatched__"],
            )
        )
    return rows


def render_path_finder(catalog: Catalog, paths: Iterable[str], from_uri: str) -> str:
    return render_template(
        "path_finder.md.j2", rows=folder_rows(catalog, paths), **common_context(catalog, from_uri)
    )
