"""The start of a review as a GitHub job summary: what a reviewer sees on the PR's Checks tab.

Short on purpose: title, effort and why, what needs attention, the files to
read first with links into the diff, suggested reviewers and CI jobs. It is
GitHub Markdown, so every PR- or repository-controlled value goes through
``md_escape``, as in the report.
"""

from __future__ import annotations

from ..analysis import Review
from ..analysis.priorities import read_first
from ..catalog.loading import Catalog
from .links import Links
from .markdown import render_markdown


def render_pr_summary(review: Review, catalog: Catalog, links: Links | None = None) -> str:
    return render_markdown(
        "pr_summary.md.j2",
        review,
        catalog,
        links,
        read_first=read_first(review.files, catalog.focus_map),
        # A content rule's verdict repeats its findings, listed just above.
        attention=[
            c
            for c in review.checks
            if c.status == "attention" and catalog.focus_map.rule(c.id) is None
        ],
    )
