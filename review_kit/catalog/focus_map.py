"""The focus map: which paths of vllm-omni need which review attention.

``docs/focus-map.yml`` is the one source of truth. This module parses it into
typed objects, rejects mistakes with file, line and key, and classifies paths
with gitignore semantics (``**``, anchoring, ``!`` negation, last match wins).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pathspec
from pathspec.patterns.gitignore.base import GitIgnorePatternError
from pydantic import Field

from ..pr.model import FileStatus
from .framework import ChecklistItem, SectionId, Slug, Strict, Text
from .paths import PathSet, PrefixMatcher, compile_matcher
from .rules import ContentRule, Trigger
from .yaml_lines import YamlDocument, load_yaml, parse_as

Risk = Literal["critical", "high", "normal"]
IGNORE = "\0ignore"  # owner key of the ignore list; no area id can contain NUL
RISK_ORDER: dict[str, int] = {"critical": 0, "high": 1, "normal": 2}


class AreaItem(ChecklistItem):
    """A focus area's checklist item; without a ``trigger`` it is folded under "also consider"."""

    trigger: Trigger | None = None


class FocusArea(Strict):
    """A part of the repository with the review attention it needs."""

    id: Slug
    title: Text
    risk: Risk
    why: Text
    paths: list[Text] = Field(min_length=1)
    guide_sections: list[SectionId] = Field(default_factory=list)
    framework_subsections: list[Slug] = Field(default_factory=list)
    items: list[AreaItem] = Field(default_factory=list)
    commands: list[Text] = Field(default_factory=list)
    hints: list[Text] = Field(default_factory=list)

    @property
    def src_uri(self) -> str:
        return f"focus-areas/{self.id}.md"


class AutomatedCheck(Strict):
    """A check computed from a PR's file list alone.

    It applies when a file matches ``when`` (and, if given, has one of
    ``when_status``). With ``expect``, it passes when some file of the PR
    matches ``expect``; without, applying is itself the finding (a "flag").
    """

    id: Slug
    title: Text
    when: list[Text] = Field(min_length=1)
    when_status: list[FileStatus] = Field(default_factory=list)
    expect: list[Text] = Field(default_factory=list)
    attention: Text
    guide: SectionId


class KeyQuestion(Strict):
    """A question asked only of PRs its trigger selects; without one, of every PR."""

    text: Text
    trigger: Trigger | None = None


def question_id(topic: str, index: int) -> str:
    """Tick id of a key question: its topic and 1-based place in it, the same on every page."""
    return f"question-{topic.lower()}-{index}"


class KeyQuestions(Strict):
    topic: Text
    questions: list[Text | KeyQuestion] = Field(min_length=1)

    def entries(self) -> list[tuple[str, KeyQuestion]]:
        """(tick id, question) in map order; ids count every question, so they stay put
        on a page that hides some of them."""
        return [
            (question_id(self.topic, n), q if isinstance(q, KeyQuestion) else KeyQuestion(text=q))
            for n, q in enumerate(self.questions, 1)
        ]


class FocusMapModel(Strict):
    """The file's shape, exactly as written."""

    ignore: list[Text] = Field(default_factory=list)
    areas: list[FocusArea] = Field(min_length=1)
    checks: list[AutomatedCheck] = Field(default_factory=list)
    key_questions: list[KeyQuestions] = Field(default_factory=list)
    rules: list[ContentRule] = Field(default_factory=list)


@dataclass(frozen=True)
class Classification:
    """Where one path landed: its areas, or ignored, or nowhere."""

    path: str
    areas: tuple[str, ...]
    ignored: bool

    @property
    def unmatched(self) -> bool:
        return not self.ignored and not self.areas


@dataclass(eq=False)
class FocusMap:
    """The validated map with compiled path matchers, ready to classify paths.

    Compared and hashed by identity: the analysis compiles its rules once per
    loaded map (``analysis.matching.rules_of``).
    """

    areas: list[FocusArea]
    ignore: list[str]
    checks: list[AutomatedCheck] = field(default_factory=list)
    key_questions: list[KeyQuestions] = field(default_factory=list)
    rules: list[ContentRule] = field(default_factory=list)
    # Run the rules that are off by default too (``--all-rules``).
    all_rules: bool = False
    _matcher: PrefixMatcher = field(init=False, repr=False)
    _area_ids: tuple[str, ...] = field(default=(), repr=False)
    _memo: dict[str, Classification] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._area_ids = tuple(a.id for a in self.areas)
        self._matcher = PrefixMatcher(
            [(IGNORE, self.ignore)] + [(a.id, a.paths) for a in self.areas]
        )

    @property
    def running_rules(self) -> list[ContentRule]:
        """The rules a review runs: those on by default, or all with ``all_rules``."""
        return [r for r in self.rules if self.all_rules or r.on_by_default]

    def rule(self, rule_id: str) -> ContentRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def rule_named(self, rule_id: str) -> ContentRule:
        """The rule of an id the catalog has checked (a trigger's, say)."""
        rule = self.rule(rule_id)
        if rule is None:
            raise KeyError(rule_id)
        return rule

    def area(self, area_id: str) -> FocusArea | None:
        return next((a for a in self.areas if a.id == area_id), None)

    def area_named(self, area_id: str) -> FocusArea:
        """The area of an id the map itself handed out (a classification's, say)."""
        area = self.area(area_id)
        if area is None:
            raise KeyError(area_id)
        return area

    def classify(self, path: str) -> Classification:
        """Areas of one repository path (posix, relative to the repository root)."""
        known = self._memo.get(path)
        if known is not None:
            return known
        decided = self._matcher.decisions(path)
        if decided.get(IGNORE):
            result = Classification(path, (), True)
        else:
            result = Classification(path, tuple(a for a in self._area_ids if decided.get(a)), False)
        # Per-PR pages, focus pages and the path finder ask about the same
        # paths again and again; answers never change for one loaded map.
        self._memo[path] = result
        return result

    def classify_change(self, path: str, previous: str | None = None) -> Classification:
        """Areas of a changed file; a rename counts under both its old and new path.

        Moving a file out of a critical area still deserves that area's review.
        """
        new = self.classify(path)
        if not previous or previous == path:
            return new
        old = self.classify(previous)
        areas = new.areas + tuple(a for a in old.areas if a not in new.areas)
        return Classification(path, areas, new.ignored and old.ignored)

    def classify_all(self, paths: Iterable[str]) -> list[Classification]:
        return [self.classify(p) for p in paths]

    def patterns_matching_nothing(self, paths: Iterable[str]) -> list[tuple[str, str]]:
        """(area id or "ignore", pattern) for every positive pattern no path matches."""
        listing = list(paths)
        dead: list[tuple[str, str]] = []
        owners = [(a.id, a.paths) for a in self.areas] + [("ignore", self.ignore)]
        # Check patterns describe kinds of change (a new model folder, any
        # Python file), so they are checked by the map's own tests, not here.
        for owner, patterns in owners:
            for pattern in patterns:
                if pattern.startswith("!"):
                    continue
                matcher = PathSet([pattern])
                if not any(matcher.matches(p) for p in listing):
                    dead.append((owner, pattern))
        return dead


def _check_patterns(doc: YamlDocument, model: FocusMapModel) -> None:
    groups: list[tuple[tuple[str | int, ...], list[str]]] = [(("ignore",), model.ignore)] + [
        (("areas", i, "paths"), area.paths) for i, area in enumerate(model.areas)
    ]
    for i, check in enumerate(model.checks):
        groups += [(("checks", i, "when"), check.when), (("checks", i, "expect"), check.expect)]
    for i, rule in enumerate(model.rules):
        groups += [(("rules", i, "paths"), rule.paths), (("rules", i, "exclude"), rule.exclude)]
    triggers = [
        (("areas", a, "items", i, "trigger"), item.trigger)
        for a, area in enumerate(model.areas)
        for i, item in enumerate(area.items)
    ] + [
        (("key_questions", g, "questions", i, "trigger"), question.trigger)
        for g, group in enumerate(model.key_questions)
        for i, question in enumerate(group.questions)
        if not isinstance(question, str)
    ]
    for at, trigger in triggers:
        if trigger is None:
            continue
        for k, alternative in enumerate(trigger.alternatives()):
            where: tuple[str | int, ...] = (*at, "any_of", k) if trigger.any_of else at
            groups.append(((*where, "paths"), alternative.paths))
    for loc, patterns in groups:
        for j, pattern in enumerate(patterns):
            try:
                spec = pathspec.GitIgnoreSpec.from_lines([pattern])
                compiled = list(spec.patterns)
            except GitIgnorePatternError:
                compiled = []
            # pathspec turns some malformed lines into no-op patterns instead of
            # raising; a map line that can never match anything is a mistake too.
            if pattern.startswith("#") or not compiled or any(p.include is None for p in compiled):
                raise doc.error((*loc, j), f"invalid path pattern {pattern!r}")
            try:
                compile_matcher([("pattern", [pattern])])
            except ValueError:
                raise doc.error(
                    (*loc, j), f"path pattern {pattern!r} matches every path; name a folder or type"
                ) from None


def _check_unique_ids(doc: YamlDocument, model: FocusMapModel) -> None:
    listed = [
        ("areas", [a.id for a in model.areas]),
        ("checks", [c.id for c in model.checks]),
        ("rules", [r.id for r in model.rules]),
    ]
    for key, ids in listed:
        seen: set[str] = set()
        for i, entry_id in enumerate(ids):
            if entry_id in seen:
                raise doc.error((key, i, "id"), f"duplicate {key[:-1]} id {entry_id!r}")
            seen.add(entry_id)
    # Two groups of one topic would hand out the same tick ids, and a question
    # asked twice is a box ticked twice.
    topics: set[str] = set()
    texts: set[str] = set()
    for g, group in enumerate(model.key_questions):
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", group.topic.lower()):
            raise doc.error(
                ("key_questions", g, "topic"),
                f"topic {group.topic!r} names tick ids: letters, digits and hyphens only",
            )
        if group.topic.lower() in topics:
            raise doc.error(("key_questions", g, "topic"), f"duplicate topic {group.topic!r}")
        topics.add(group.topic.lower())
        for i, (_, question) in enumerate(group.entries()):
            if question.text in texts:
                raise doc.error(
                    ("key_questions", g, "questions", i), f"duplicate question {question.text!r}"
                )
            texts.add(question.text)


def load_focus_map(
    path: str | Path, display_path: str | None = None, all_rules: bool = False
) -> tuple[FocusMap, YamlDocument]:
    """Parse and validate the map's own shape; cross-references are checked by the catalog.

    ``all_rules`` runs the content rules that are off by default as well.
    """
    doc = load_yaml(path, display_path)
    model: FocusMapModel = parse_as(doc, FocusMapModel)
    _check_unique_ids(doc, model)
    _check_patterns(doc, model)
    focus_map = FocusMap(
        list(model.areas),
        list(model.ignore),
        list(model.checks),
        list(model.key_questions),
        list(model.rules),
        all_rules=all_rules,
    )
    return focus_map, doc


def json_schema() -> dict:
    """JSON Schema of the focus map, published for editor autocompletion."""
    schema = FocusMapModel.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "vLLM-Omni review kit focus map"
    return schema
