"""Analyse one pull request against the catalog: areas, items, checks, effort.

Pure functions of plain data: a ``PullRequest`` in, a ``Review`` out. Every
front end (site pages, the review tool, the PDF) renders the same ``Review``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..catalog import loading
from ..catalog.loading import Catalog
from ..pr.model import GITHUB_FILES_CAP, PullRequest
from ..repo.model import RepositoryData
from .check_spec import Evidence
from .checks import run_checks
from .classify import classify_files
from .commands import pr_commands
from .contracts import review_repository
from .effort import estimate_effort
from .engines import ENGINES
from .findings import collapse, ranked
from .model import (
    AreaReview,
    CheckResult,
    Effort,
    FileReview,
    Finding,
    ItemReview,
    QuestionReview,
    Review,
    Scan,
)
from .rules import scan
from .triggers import review_items, review_questions

# Findings listed on one page or report; GitHub caps a review body at 65,536
# characters, and a finding's line takes about a hundred.
MAX_FINDINGS = 300


def load_catalog(
    docs_dir: str | Path = loading.DEFAULT_DOCS_DIR,
    framework_path: str | Path = loading.DEFAULT_FRAMEWORK,
    focus_map_path: str | Path = loading.DEFAULT_FOCUS_MAP,
    root: str | Path = loading.REPO_ROOT,
    all_rules: bool = False,
) -> Catalog:
    """The catalog, its rules checked against the engines that will apply them.

    ``all_rules`` runs the content rules that are off by default as well.
    """
    return loading.load_catalog(
        docs_dir, framework_path, focus_map_path, root, engines=ENGINES, all_rules=all_rules
    )


def analyse(
    pr: PullRequest,
    catalog: Catalog,
    repository: RepositoryData | None = None,
    today: dt.date | None = None,
    found: Scan | None = None,
) -> Review:
    """Everything a reviewer needs to know about one PR, from its file list.

    ``repository`` (the target repository's contracts and CI map) adds contracts,
    suggested reviewers, CI jobs and the checks built on them; ``today`` dates
    the contracts' review ages (default: today). ``found`` is the PR's content
    scan when the caller ran it already (it needs no repository data, so a
    build runs it while that data downloads).
    """
    file_reviews, areas = classify_files(pr, catalog.focus_map)
    if found is None:
        found = scan(pr, catalog)
    # The checks count every finding; the page, reports and items list the first
    # MAX_FINDINGS, so 100k hostile lines cannot make a 77 MB page.
    # The most severe first, as every output orders them.
    listed = (
        ranked(found.findings)[:MAX_FINDINGS]
        if len(found.findings) > MAX_FINDINGS
        else found.findings
    )
    items = review_items(areas, pr, listed)
    repo_review = review_repository(pr, repository, today) if repository is not None else None
    checks = run_checks(Evidence(pr, catalog, found, repo_review))
    commands: list[str] = []
    reading: list[str] = []
    for r in areas:
        commands += [c for c in r.area.commands if c not in commands]
        reading += [s for s in r.area.guide_sections if s not in reading]
    notices = list(pr.notices) + (repo_review.notices if repo_review else [])
    if len(found.findings) > len(listed):
        notices.append(
            f"The content rules made {len(found.findings):,} findings; the {len(listed)} most "
            "severe are listed, and each rule's check counts all of its own."
        )
    if pr.changed_files > len(pr.files):
        notices.append(
            f"GitHub lists at most {GITHUB_FILES_CAP} files; this PR changed {pr.changed_files} "
            f"and {len(pr.files)} were listed, so areas and checks may be incomplete."
        )
    return Review(
        pr=pr,
        files=file_reviews,
        areas=areas,
        items=items,
        checks=checks,
        effort=estimate_effort(pr, file_reviews, areas, found.findings),
        commands=pr_commands(
            pr.files,
            catalog.known_tests,
            commands,
            [job.name for job in repo_review.ci.jobs] if repo_review and repo_review.ci else [],
        ),
        reading=reading,
        notices=notices,
        repository=repo_review,
        findings=collapse(listed),
        unread=found.not_read(),
        questions=review_questions(catalog.focus_map, pr, areas, listed),
    )


__all__ = [
    "AreaReview",
    "CheckResult",
    "Effort",
    "MAX_FINDINGS",
    "FileReview",
    "Finding",
    "ItemReview",
    "QuestionReview",
    "Review",
    "Scan",
    "analyse",
    "load_catalog",
    "scan",
]
