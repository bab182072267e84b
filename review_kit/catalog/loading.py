"""Everything the kit knows before it sees a pull request, loaded and cross-checked once.

The guide sections, the framework and the focus map refer to each other by id;
this is where a dangling id becomes an error that names the file and line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..errors import DataError
from ..repo.sources.snapshot import from_snapshot
from .contract_map import ContractOverlap, contract_overlaps
from .focus_map import FocusArea, FocusMap, load_focus_map
from .framework import FINAL_CHECKLIST_URI, ChecklistItem, Framework, load_framework
from .guide import GuideSection, load_guide_sections
from .listing import BUNDLED_TREES, DEFAULT_TREE, load_tree
from .yaml_lines import YamlDocument

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DOCS_DIR = REPO_ROOT / "docs"
DEFAULT_FRAMEWORK = DEFAULT_DOCS_DIR / "data" / "framework.yml"
DEFAULT_FOCUS_MAP = DEFAULT_DOCS_DIR / "focus-map.yml"


def item_anchor(item_id: str) -> str:
    """Anchor of a checklist item on whatever page shows it."""
    return f"item-{item_id}"


@dataclass(frozen=True)
class Citation:
    """A checklist item that cites a guide section, and where it is shown."""

    item: ChecklistItem
    src_uri: str
    context: str

    @property
    def anchor(self) -> str:
        return item_anchor(self.item.id)


@dataclass
class Catalog:
    sections: dict[str, GuideSection]
    framework: Framework
    focus_map: FocusMap
    _citations: dict[str, list[Citation]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        cited: dict[str, list[Citation]] = defaultdict(list)
        for category in self.framework.categories:
            for subsection in category.subsections:
                for item in subsection.items:
                    context = f"{category.title} › {subsection.title}"
                    cited[item.guide].append(Citation(item, category.src_uri, context))
        for item in self.framework.final_checklist:
            cited[item.guide].append(Citation(item, FINAL_CHECKLIST_URI, "Final checklist"))
        for area in self.focus_map.areas:
            for item in area.items:
                cited[item.guide].append(Citation(item, area.src_uri, f"Focus area: {area.title}"))
        self._citations = dict(cited)

    @cached_property
    def contract_overlaps(self) -> list[ContractOverlap]:
        """vllm-omni's module contracts (bundled snapshot) against the map, over the 2026 tree."""
        return contract_overlaps(self.focus_map, from_snapshot().contracts, load_tree(DEFAULT_TREE))

    @cached_property
    def known_tests(self) -> frozenset[str]:
        """vllm-omni's test modules in the bundled listings (the corpus era and 2026).

        What "the tests nearest the changed code" is looked up in; a test
        folder that existed in either is worth running.
        """
        return frozenset(
            path
            for tree in BUNDLED_TREES
            for path in load_tree(tree)
            if path.startswith("tests/") and path.endswith(".py")
        )

    def citations(self, section_id: str) -> list[Citation]:
        return self._citations.get(section_id, [])

    def section(self, section_id: str) -> GuideSection:
        return self.sections[section_id]

    def area(self, area_id: str) -> FocusArea:
        area = self.focus_map.area(area_id)
        if area is None:
            raise KeyError(area_id)
        return area


def _check_framework(sections: dict, framework: Framework, doc: YamlDocument, ids: dict) -> None:
    subsection_ids: set[str] = set()
    for c, category in enumerate(framework.categories):
        for s, subsection in enumerate(category.subsections):
            loc = ("categories", c, "subsections", s)
            if subsection.id in subsection_ids:
                raise doc.error((*loc, "id"), f"duplicate subsection id {subsection.id!r}")
            subsection_ids.add(subsection.id)
            for i, item in enumerate(subsection.items):
                _check_item(sections, item, doc, (*loc, "items", i), ids)
    for i, item in enumerate(framework.final_checklist):
        _check_item(sections, item, doc, ("final_checklist", i), ids)


def _check_item(
    sections: dict, item: ChecklistItem, doc: YamlDocument, loc: tuple, ids: dict
) -> None:
    if item.guide not in sections:
        raise doc.error((*loc, "guide"), f"no expert-guide section {item.guide!r}")
    if item.id in ids:
        raise doc.error((*loc, "id"), f"duplicate item id {item.id!r} (first at {ids[item.id]})")
    ids[item.id] = f"{doc.path}:{doc.line_of((*loc, 'id'))}"


def _check_focus_map(
    sections: dict,
    framework: Framework,
    focus_map: FocusMap,
    doc: YamlDocument,
    ids: dict,
    engines: Collection[str],
) -> None:
    for a, area in enumerate(focus_map.areas):
        for s, section_id in enumerate(area.guide_sections):
            if section_id not in sections:
                raise doc.error(
                    ("areas", a, "guide_sections", s), f"no expert-guide section {section_id!r}"
                )
        for s, subsection_id in enumerate(area.framework_subsections):
            if framework.subsection(subsection_id) is None:
                raise doc.error(
                    ("areas", a, "framework_subsections", s),
                    f"no framework subsection {subsection_id!r}",
                )
        for i, item in enumerate(area.items):
            _check_item(sections, item, doc, ("areas", a, "items", i), ids)
    for c, check in enumerate(focus_map.checks):
        if check.guide not in sections:
            raise doc.error(("checks", c, "guide"), f"no expert-guide section {check.guide!r}")
    _check_rules_and_triggers(sections, focus_map, doc, engines)


def _check_rules_and_triggers(
    sections: dict, focus_map: FocusMap, doc: YamlDocument, engines: Collection[str]
) -> None:
    """Rules cite guide sections and name engines; triggers name rules and areas that exist."""
    for r, rule in enumerate(focus_map.rules):
        if rule.guide not in sections:
            raise doc.error(("rules", r, "guide"), f"no expert-guide section {rule.guide!r}")
        if rule.engine not in engines:
            known = ", ".join(sorted(engines))
            raise doc.error(
                ("rules", r, rule.engine_key), f"no rule engine {rule.engine!r} ({known})"
            )
    triggers = [
        (("areas", a, "items", i, "trigger"), item.trigger)
        for a, area in enumerate(focus_map.areas)
        for i, item in enumerate(area.items)
    ] + [
        (("key_questions", g, "questions", q, "trigger"), question.trigger)
        for g, group in enumerate(focus_map.key_questions)
        for q, question in enumerate(group.questions)
        if not isinstance(question, str)
    ]
    for top, trigger in triggers:
        if trigger is None:
            continue
        for k, alternative in enumerate(trigger.alternatives()):
            loc = (*top, "any_of", k) if trigger.any_of else top
            for n, rule_id in enumerate(alternative.rules):
                if focus_map.rule(rule_id) is None:
                    raise doc.error((*loc, "rules", n), f"no content rule {rule_id!r}")
            for n, area_id in enumerate(alternative.areas):
                if focus_map.area(area_id) is None:
                    raise doc.error((*loc, "areas", n), f"no focus area {area_id!r}")


def load_catalog(
    docs_dir: str | Path = DEFAULT_DOCS_DIR,
    framework_path: str | Path = DEFAULT_FRAMEWORK,
    focus_map_path: str | Path = DEFAULT_FOCUS_MAP,
    root: str | Path = REPO_ROOT,
    *,
    engines: Collection[str],
    all_rules: bool = False,
) -> Catalog:
    """Load the guide, framework and focus map, and check every id they share.

    ``engines`` are the names rules may give their engine: the analysis layer's
    registry, which loads the catalog through ``analysis.load_catalog``.
    Errors name files relative to ``root`` (the folder of mkdocs.yml), as a user types them.
    ``all_rules`` runs the content rules that are off by default as well.
    """
    sections = load_guide_sections(docs_dir)
    if not sections:
        raise DataError(str(docs_dir), None, "", "no numbered expert-guide sections found")
    framework, framework_doc = load_framework(framework_path, shown_path(framework_path, root))
    focus_map, focus_doc = load_focus_map(
        focus_map_path, shown_path(focus_map_path, root), all_rules
    )
    item_ids: dict[str, str] = {}
    _check_framework(sections, framework, framework_doc, item_ids)
    _check_focus_map(sections, framework, focus_map, focus_doc, item_ids, engines)
    return Catalog(sections, framework, focus_map)


def shown_path(path: str | Path, root: str | Path = REPO_ROOT) -> str:
    """Paths inside ``root`` are shown relative to it, as a user would type them."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)
