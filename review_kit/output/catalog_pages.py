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
from ..catalog.rules import Trigger
from ..pr.sources.snapshot import DEFAULT_REPO
from .escape import md_escape
from .links import rule_source_url
from .templating import make_environment

_CODE_SPAN = re.compile(r"(`+[^`]*?`+)")


@cache
def _markdown_env() -> jinja2.Environment:
    # Markdown output: autoescape would mangle backticks and links. The inputs
    # are the kit's own data files, reviewed like code.
    return make_environment(
        autoescape=False,
        filters={"md_link_text": md_link_text, "md": md_escape},
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
        "rule_url": rule_source_url,
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


# How a status reads after "the PR": what the PR does to those files.
_STATUS_VERBS = {
    "added": "adds",
    "removed": "removes",
    "modified": "modifies",
    "renamed": "renames",
    "copied": "copies",
    "changed": "changes",
    "unchanged": "keeps",
}
_FOLDER_PATTERN = re.compile(r"/?([^*?\[\]!]+)/\*\*")


def _either(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def _where(patterns: list[str]) -> str:
    """ " in tests/" for folder patterns, " matching *.py" otherwise; Markdown, escaped."""
    shown = [p for p in patterns if not p.startswith("!")]
    folders = [_FOLDER_PATTERN.fullmatch(p) for p in shown]
    if shown and all(folders):
        text = " in " + _either([md_escape(m[1] + "/") for m in folders])
    elif shown:
        text = " matching " + _either([md_escape(p) for p in shown])
    else:
        text = ""
    excluded = [md_escape(p[1:]) for p in patterns if p.startswith("!")]
    return text + (" except " + _either(excluded) if excluded else "")


def asked_when(catalog: Catalog, trigger: Trigger | None, from_uri: str) -> str:
    """When a PR page asks a key question, as Markdown after "Asked when the PR"; "" if always.

    It words what ``analysis.triggers.review_questions`` tests: areas touched,
    then the PR's files (those areas' files, when it names areas) narrowed by
    paths, status and rules, their changed lines counted together.
    """
    if trigger is None:
        return ""
    clauses = []
    if trigger.areas:
        links = [
            f"[{md_escape(a)}]({relative_link(from_uri, catalog.area(a).src_uri)})"
            for a in trigger.areas
        ]
        clauses.append("touches " + _either(links))
    where = _where(trigger.paths)
    if trigger.areas and not where:
        where = " in them" if len(trigger.areas) > 1 else " in it"
    if trigger.status:
        files = _either([_STATUS_VERBS[s] for s in trigger.status]) + " files" + where
        if trigger.min_lines:
            files += f" with {trigger.min_lines}+ changed lines"
    elif trigger.min_lines:
        files = f"changes {trigger.min_lines}+ lines{where}"
    elif trigger.paths or trigger.rules:
        files = "changes files" + where
    else:
        files = ""
    if trigger.rules:
        titles = [f'"{md_escape(catalog.focus_map.rule(r).title)}"' for r in trigger.rules]
        rule_word = "rule" if len(titles) == 1 else "rules"
        files += f" where the content {rule_word} {_either(titles)} finds something"
    if files:
        clauses.append(files)
    return " and ".join(clauses)


def render_key_questions(catalog: Catalog, from_uri: str) -> str:
    """Every key question of the map by topic, each triggered one with when a PR page asks it."""
    return render_template(
        "docs_key_questions.md.j2",
        groups=catalog.focus_map.key_questions,
        asked_when=lambda trigger: asked_when(catalog, trigger, from_uri),
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
