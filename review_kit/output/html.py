"""A ``Review`` as escaped HTML: the body of a site's PR page, and the PR index.

The site never lets PR data into page Markdown: the hook inserts this HTML
after Markdown conversion, from templates that autoescape every value. The
page also carries, as JSON, what the browser needs to keep ticks and to fill
the review export that ``markdown.render_review_export`` wrote.
"""

from __future__ import annotations

from functools import cache

import jinja2
import markdown
from markupsafe import Markup

from ..ages import age_of
from ..analysis import Review
from ..catalog.loading import Catalog, item_anchor
from .escape import short_sha, visible
from .links import Links, diff_line_url, page_uri, pull_request_url
from .markdown import render_review_export
from .templating import make_environment


@cache
def html_environment() -> jinja2.Environment:
    return make_environment(
        autoescape=True,
        filters={"visible": visible, "short_sha": short_sha},
        globals_={"item_anchor": item_anchor, "page_uri": page_uri},
    )


@cache
def _trusted_markdown(text: str) -> Markup:
    """The kit's own item text (Markdown with code spans) as inline HTML."""
    html = markdown.markdown(text)
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    return Markup(html)


def review_context(review: Review, catalog: Catalog) -> dict:
    """What every rendering of one review reads: the same data for page, report and PDF."""
    pr = review.pr
    return {
        "review": review,
        "pr": pr,
        "catalog": catalog,
        "github_url": pull_request_url(pr),
        "age": age_of(pr.fetched_at) if pr.fetched_at else None,
        "item_html": _trusted_markdown,
        "pr_files": {f.filename: f.sha for f in pr.files},
        "pr_items": {i.item.id: i.files for i in review.items if not i.folded},
        # Per ticked box, a digest of the hunks that made it fire, and the
        # same per file, so the browser reopens a box only when those hunks
        # changed and can say in which file (docs/pr-pages.md, "Ticks").
        "pr_hunks": {i.item.id: i.hunk_digest for i in review.items if not i.folded},
        "pr_hunk_files": {i.item.id: i.hunks for i in review.items if not i.folded},
        "diff_url": lambda f: diff_line_url(pr, f.file, f.line),
    }


def render_pr_html(review: Review, catalog: Catalog, links: Links) -> str:
    """The body of a per-PR page, every PR-controlled string escaped."""
    return (
        html_environment()
        .get_template("pr_page.html.j2")
        .render(
            links=links,
            review_export=render_review_export(review, catalog, links),
            **review_context(review, catalog),
        )
    )


def render_pr_index_html(reviews: list[Review], links: Links) -> str:
    return html_environment().get_template("pr_index.html.j2").render(reviews=reviews, links=links)
