"""What a review of one pull request holds: the ``Review`` and its parts.

Plain frozen data, produced by ``analysis.analyse`` and read by every output
(page, report, JSON, PDF); none of them recomputes anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..catalog.focus_map import FocusArea
from ..catalog.framework import ChecklistItem
from ..pr.model import ChangedFile, PullRequest
from .contracts import RepositoryReview

CheckStatus = Literal["pass", "attention", "not-applicable"]


@dataclass(frozen=True)
class FileReview:
    file: ChangedFile
    areas: tuple[str, ...]
    ignored: bool


@dataclass(frozen=True)
class AreaReview:
    area: FocusArea
    files: list[str]


@dataclass(frozen=True)
class ItemReview:
    """A checklist item on a PR page, with the files that put it there."""

    item: ChecklistItem
    area_id: str
    files: list[str]


@dataclass(frozen=True)
class CheckResult:
    """One automated check's verdict on a PR, with the reason and the files behind it."""

    id: str
    title: str
    guide: str
    status: CheckStatus
    reason: str
    files: list[str]
    # A link to the repository rule the check applies (a file at a commit), if any.
    rule: str = ""


@dataclass(frozen=True)
class Effort:
    score: int
    reasons: list[str]


@dataclass
class Review:
    pr: PullRequest
    files: list[FileReview]
    areas: list[AreaReview]
    items: list[ItemReview]
    checks: list[CheckResult]
    effort: Effort
    commands: list[str]
    reading: list[str]  # guide section ids, in first-seen order
    notices: list[str] = field(default_factory=list)
    # Contracts, suggested reviewers and CI jobs, when repository data was given.
    repository: RepositoryReview | None = None

    @property
    def unmatched(self) -> list[str]:
        return [f.file.filename for f in self.files if not f.areas and not f.ignored]

    @property
    def ignored(self) -> list[str]:
        return [f.file.filename for f in self.files if f.ignored]

    @property
    def risk(self) -> str:
        return self.areas[0].area.risk if self.areas else "normal"

    def items_of(self, area_id: str) -> list[ItemReview]:
        return [i for i in self.items if i.area_id == area_id]
