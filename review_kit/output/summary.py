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
from .links import Links, diff_url, pull_request_url
from .markdown import markdown_environment


def render_pr_summary(review: Review, catalog: Catalog, links: Links | None = None) -> str:
    pr = review.pr
    return (
        markdown_environment()
        .get_template("pr_summary.md.j2")
        .render(
            review=review,
            pr=pr,
            catalog=catalog,
            github_url=pull_request_url(pr),
            read_first=read_first(review.files, catalog.focus_map),
            diff_url=lambda path, line=None: diff_url(pr, path, line),
            attention=[c for c in review.checks if c.status == "attention"],
            guide_link=(lambda s: links.to(catalog.section(s).src_uri, catalog.section(s).anchor))
            if links
            else (lambda s: ""),
        )
    )
