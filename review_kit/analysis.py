"""Analyse one pull request against the catalog: areas, items, checks, effort.

Pure functions of plain data: a ``PullRequest`` in, a ``Review`` out. The
site's PR pages and ``tools/review_pr.py`` both render the same ``Review``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import pathspec

from .catalog import Catalog
from .focus_map import RISK_ORDER, AutomatedCheck, FocusArea
from .framework import ChecklistItem
from .pull_request import ChangedFile, PullRequest


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
    check: AutomatedCheck
    status: str  # "pass" | "attention"
    reason: str
    files: list[str]


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


@cache
def _spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(patterns)


def _matching(files: list[ChangedFile], patterns: list[str], statuses: list[str] = ()) -> list[str]:
    spec = _spec(tuple(patterns))
    hits = []
    for f in files:
        if statuses and f.status not in statuses:
            continue
        if spec.match_file(f.filename) or (
            f.previous_filename and spec.match_file(f.previous_filename)
        ):
            hits.append(f.filename)
    return hits


def _sample(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def evaluate_check(check: AutomatedCheck, files: list[ChangedFile]) -> CheckResult:
    """Pass or needs attention, with the reason and the files behind it."""
    triggered = _matching(files, check.when, check.when_status)
    if not triggered:
        return CheckResult(check, "pass", "Does not apply: no file of this kind changed.", [])
    if not check.expect:
        return CheckResult(
            check,
            "attention",
            f"{check.attention} ({len(triggered)} file(s): {_sample(triggered)})",
            triggered,
        )
    # A deleted test does not cover a change: only files that still exist count.
    present = [f for f in files if f.status != "removed"]
    companions = _matching(present, check.expect)
    if companions:
        return CheckResult(
            check,
            "pass",
            f"{len(triggered)} file(s) of this kind changed, with {_sample(companions)}.",
            triggered,
        )
    return CheckResult(
        check,
        "attention",
        f"{check.attention} ({len(triggered)} file(s): {_sample(triggered)})",
        triggered,
    )


# Lines changed at which a review gets one step harder; set from the corpus,
# where the median PR changes a few hundred lines.
EFFORT_LINE_STEPS = (50, 200, 800, 2000)


def estimate_effort(pr: PullRequest, areas: list[AreaReview], checks: list[CheckResult]) -> Effort:
    """A 1-5 score with the reasons that produced it."""
    lines = pr.additions + pr.deletions or sum(f.additions + f.deletions for f in pr.files)
    score = 1 + sum(lines >= step for step in EFFORT_LINE_STEPS)
    reasons = [f"{lines} lines changed in {len(pr.files)} file(s): base score {score}"]
    critical = [a.area.title for a in areas if a.area.risk == "critical"]
    if critical:
        score += 1
        reasons.append(f"touches critical area(s): {', '.join(critical)} (+1)")
    if len(areas) >= 4:
        score += 1
        reasons.append(f"spans {len(areas)} focus areas (+1)")
    attention = [c.check.title for c in checks if c.status == "attention"]
    if len(attention) >= 2:
        score += 1
        reasons.append(f"{len(attention)} automated checks need attention (+1)")
    if pr.truncated:
        score += 1
        reasons.append(f"GitHub listed only {len(pr.files)} of {pr.changed_files} files (+1)")
    capped = max(1, min(score, 5))
    if capped != score:
        reasons.append(f"capped at {capped}")
    return Effort(capped, reasons)


def analyse(pr: PullRequest, catalog: Catalog) -> Review:
    """Everything a reviewer needs to know about one PR, from its file list."""
    focus_map = catalog.focus_map
    file_reviews = []
    by_area: dict[str, list[str]] = {}
    for f in pr.files:
        result = focus_map.classify_change(f.filename, f.previous_filename)
        file_reviews.append(FileReview(f, result.areas, result.ignored))
        for area_id in result.areas:
            by_area.setdefault(area_id, []).append(f.filename)

    areas = sorted(
        (AreaReview(focus_map.area(a), names) for a, names in by_area.items()),
        key=lambda r: (RISK_ORDER[r.area.risk], -len(r.files), r.area.title),
    )
    items = [ItemReview(item, r.area.id, r.files) for r in areas for item in r.area.items]
    checks = [evaluate_check(check, pr.files) for check in focus_map.checks]
    commands: list[str] = []
    reading: list[str] = []
    for r in areas:
        commands += [c for c in r.area.commands if c not in commands]
        reading += [s for s in r.area.guide_sections if s not in reading]
    notices = list(pr.notices)
    if pr.truncated:
        notices.append(
            f"GitHub lists at most 3000 files; this PR changed {pr.changed_files} and "
            f"{len(pr.files)} were listed, so areas and checks may be incomplete."
        )
    return Review(
        pr=pr,
        files=file_reviews,
        areas=areas,
        items=items,
        checks=checks,
        effort=estimate_effort(pr, areas, checks),
        commands=commands,
        reading=reading,
        notices=notices,
    )


def review_to_json(review: Review) -> dict:
    """The review tool's JSON: one object, stable keys (see docs/review-tool.md)."""
    pr = review.pr
    return {
        "pr": {
            "number": pr.number,
            "repo": pr.repo,
            "title": pr.title,
            "author": pr.author,
            "state": pr.state,
            "merged": pr.merged,
            "html_url": pr.html_url,
            "base": {"ref": pr.base_ref, "sha": pr.base_sha},
            "head": {"ref": pr.head_ref, "sha": pr.head_sha},
            "additions": pr.additions,
            "deletions": pr.deletions,
            "changed_files": pr.changed_files,
            "truncated": pr.truncated,
            "source": pr.source,
            "fetched_at": pr.fetched_at,
        },
        "files": [
            {
                "filename": f.file.filename,
                "status": f.file.status,
                "additions": f.file.additions,
                "deletions": f.file.deletions,
                **(
                    {"previous_filename": f.file.previous_filename}
                    if f.file.previous_filename
                    else {}
                ),
                "areas": list(f.areas),
                "ignored": f.ignored,
            }
            for f in review.files
        ],
        "unmatched": review.unmatched,
        "areas": [
            {"id": r.area.id, "title": r.area.title, "risk": r.area.risk, "files": r.files}
            for r in review.areas
        ],
        "items": [
            {
                "id": i.item.id,
                "text": i.item.text,
                "area": i.area_id,
                "guide": i.item.guide,
                "files": i.files,
            }
            for i in review.items
        ],
        "checks": [
            {
                "id": c.check.id,
                "title": c.check.title,
                "status": c.status,
                "reason": c.reason,
                "files": c.files,
            }
            for c in review.checks
        ],
        "effort": {"score": review.effort.score, "reasons": review.effort.reasons},
        "commands": review.commands,
        "reading": review.reading,
        "notices": review.notices,
    }
