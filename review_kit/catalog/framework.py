"""The review framework: categories, subsections and their checklist items.

The checklists live in ``docs/data/framework.yml`` so that the framework pages,
the "cited by" lists in the guide and the per-PR pages all read one source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator

from ..repo.skill import SKILL_FILES
from .yaml_lines import YamlDocument, load_yaml, parse_as

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
SectionId = Annotated[str, StringConstraints(pattern=r"^\d+(?:\.\d+)?$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleSource(Strict):
    """The file (and heading anchor) of vllm-omni's review skill whose written rule an item asks."""

    file: str
    anchor: Slug

    @field_validator("file")
    @classmethod
    def _known_file(cls, value: str) -> str:
        if value not in SKILL_FILES:
            raise ValueError(f"not a review-skill file the kit reads: {', '.join(SKILL_FILES)}")
        return value


class ChecklistItem(Strict):
    """One thing a reviewer checks, with the guide section that explains why.

    ``source``: the item puts one of vllm-omni's own written review rules that
    no check can judge; pages link that file at the commit the rules were read.
    """

    id: Slug
    text: Text
    guide: SectionId
    source: RuleSource | None = None


class Subsection(Strict):
    id: Slug
    title: Text
    summary: Text
    items: list[ChecklistItem]


class Category(Strict):
    id: Slug
    title: Text
    summary: Text
    subsections: list[Subsection]

    @property
    def src_uri(self) -> str:
        return f"framework/{self.id}.md"


class Framework(Strict):
    categories: list[Category]
    final_checklist: list[ChecklistItem]

    def subsection(self, subsection_id: str) -> tuple[Category, Subsection] | None:
        for category in self.categories:
            for subsection in category.subsections:
                if subsection.id == subsection_id:
                    return category, subsection
        return None

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)


FINAL_CHECKLIST_URI = "framework/final-checklist.md"


def load_framework(
    path: str | Path, display_path: str | None = None
) -> tuple[Framework, YamlDocument]:
    """Parse and validate the framework file (shape only; cross-references are checked by the catalog)."""
    doc = load_yaml(path, display_path)
    return parse_as(doc, Framework), doc
