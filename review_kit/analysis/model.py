"""What a review of one pull request holds: the ``Review`` and its parts.

Plain frozen data, produced by ``analysis.analyse`` and read by every output
(page, report, JSON, PDF); none of them recomputes anything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

from ..catalog.focus_map import FocusArea
from ..catalog.framework import ChecklistItem
from ..catalog.rules import Severity
from ..pr.model import ChangedFile, PullRequest
from .contracts import RepositoryReview

# "not-applicable": nothing of the kind the check reads changed.
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
class Finding:
    """A content rule's hit in one file, with the guide section that explains it.

    An engine reports one line per finding; ``analysis.findings.collapse``
    then folds a rule's hits in one file into one finding whose ``lines``
    (and ``hunks``) list them all, ``line`` being the first. That folded
    form is what a review holds and every output shows.
    """

    rule: str
    title: str
    file: str
    line: int  # in the new file
    text: str  # the line as added; PR text, escaped by every output
    guide: str
    message: str
    detail: str = ""  # what the rule measured, when a line alone does not say it
    hunk: str = ""  # digest of the hunk holding the line (``diff.Hunk.digest``)
    severity: Severity = "P2"
    # One line about this hit, not the rule in general ("`pickle.loads` on
    # bytes from the connector"); empty when the engine has nothing to add.
    reason: str = ""
    lines: tuple[int, ...] = ()  # every line of the rule's hits in this file
    hunks: tuple[str, ...] = ()  # their hunks' digests, without repeats

    def __post_init__(self) -> None:
        if not self.lines:
            object.__setattr__(self, "lines", (self.line,))
        if not self.hunks and self.hunk:
            object.__setattr__(self, "hunks", (self.hunk,))

    @property
    def why(self) -> str:
        """What to say about this finding on its line: its own reason, else the rule's."""
        return self.reason or self.detail or self.message


@dataclass(frozen=True)
class FileScan:
    """What the content rules found in one file (its patch, or ruff's pass), and why it was
    not read, if so."""

    findings: list[Finding] = field(default_factory=list)
    unread: str | None = None


@dataclass(frozen=True)
class Scan:
    """What the content rules found in a whole PR."""

    findings: list[Finding]
    unread: dict[str, str]  # file -> why its changes were not read
    # rule id -> files the rule applies to (those in ``unread_by`` it could not read)
    read_by: dict[str, list[str]]
    # file -> why an engine that reads whole files (ruff) did not read it
    unlinted: dict[str, str] = field(default_factory=dict)
    # rule id -> files it applies to, could have fired on, and could not read
    unread_by: dict[str, list[str]] = field(default_factory=dict)

    def not_read(self) -> dict[str, str]:
        """Every file some rule could not read, and why: hunks unparsed, no linter pass."""
        merged = dict(self.unread)
        for path, why in self.unlinted.items():
            note = f"no linter pass (ruff): {why}"
            merged[path] = f"{merged[path]}; {note}" if path in merged else note
        return merged


@dataclass(frozen=True)
class ItemReview:
    """A checklist item on a PR page, with the files that put it there.

    ``trigger`` says what matched (patterns, statuses, lines, rules), or is
    None for a folded item, which has no trigger of its own and is shown only
    under "also consider". ``hunks`` digests the hunks that triggered it, per
    file, so a ticked item reopens only when those change.
    """

    item: ChecklistItem
    area_id: str
    files: list[str]
    trigger: dict | None = None
    folded: bool = False
    hunks: dict[str, str] = field(default_factory=dict)

    @property
    def hunk_digest(self) -> str:
        return digest_of(self.hunks)


def digest_of(per_file: dict[str, str]) -> str:
    """One digest for several files' digests, independent of their order."""
    joined = "\n".join(f"{name}\0{value}" for name, value in sorted(per_file.items()))
    return hashlib.sha256(joined.encode("utf-8", "surrogateescape")).hexdigest()[:16]


@dataclass(frozen=True)
class QuestionReview:
    """A key question the PR's changes make relevant."""

    id: str
    topic: str
    text: str
    trigger: dict | None = None


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
    # The part of the PR's paperwork it checks ("title", "description"), or ""
    # for a check on the code: paperwork is a note, read after the code.
    hygiene: str = ""


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
    findings: list[Finding] = field(default_factory=list)
    # Files whose changes were not read by the content rules, with the reason.
    unread: dict[str, str] = field(default_factory=dict)
    questions: list[QuestionReview] = field(default_factory=list)

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
        """The area's items shown as boxes."""
        return [i for i in self.items if i.area_id == area_id and not i.folded]

    def folded_of(self, area_id: str) -> list[ItemReview]:
        """The area's items shown only under "also consider"."""
        return [i for i in self.items if i.area_id == area_id and i.folded]

    def item_groups(self, area_id: str) -> list[tuple[list[str], list[ItemReview]]]:
        """The area's boxes grouped by the files that triggered them, so each list shows once."""
        groups: dict[tuple[str, ...], list[ItemReview]] = {}
        for item in self.items_of(area_id):
            groups.setdefault(tuple(item.files), []).append(item)
        return [(list(files), items) for files, items in groups.items()]

    @property
    def boxes(self) -> int:
        """Tickable boxes on the page: triggered items and relevant key questions."""
        return sum(not i.folded for i in self.items) + len(self.questions)

    def questions_by_topic(self) -> list[tuple[str, list[QuestionReview]]]:
        topics: dict[str, list[QuestionReview]] = {}
        for q in self.questions:
            topics.setdefault(q.topic, []).append(q)
        return list(topics.items())
