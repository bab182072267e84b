"""A ``Review`` as GitHub Markdown: the review tool's report and the browser's review export.

Both come from templates that share one checklist partial
(``_review_checklist.md.j2``); every PR-controlled value goes through
``md_escape``. The export is rendered at build time with a token where each
item's state, count or note belongs, and the browser only fills the tokens
in (``FILL_TOKENS``).
"""

from __future__ import annotations

from functools import cache

import jinja2

from ..ages import age_of
from ..analysis import Review
from ..catalog.loading import Catalog
from .escape import md_escape, short_sha
from .links import Links, diff_url, pull_request_url
from .templating import make_environment

# Markers the browser replaces in the rendered export. NUL cannot come from
# PR text: ``md_escape`` shows every control character as a visible escape.
TOKEN = "\u0000"
# Each is filled by docs/assets/checklists/review-export.js and nothing else.
FILL_TOKENS = {
    "state": "the item's mark, plain text: `✓ done`, `✗ problem`, `– n/a` or `· open`",
    "reopened": "why an open item was reopened at a new head, or nothing",
    "count": "how many listed items are `done`, `problem`, `na`, `open`, or in all (`total`)",
    "if": "starts a block kept only when `if:problems` (some item is a problem) or"
    " `if:problem:ID` (item ID is) holds; blocks do not nest",
    "end": "ends the block the last `if` started",
    "problemnote": "the reviewer's note on a problem item as a one-line quote, or nothing",
    "note": "the reviewer's note under a heading, or nothing",
}


def token(name: str, item_id: str = "") -> str:
    return f"{TOKEN}{name}{':' + item_id if item_id else ''}{TOKEN}"


@cache
def markdown_environment() -> jinja2.Environment:
    # Every PR value in these templates goes through `md`.
    return make_environment(
        autoescape=False,
        filters={"md": md_escape, "short_sha": lambda sha: md_escape(short_sha(sha))},
        globals_={"token": token},
    )


def _guide_link(catalog: Catalog, links: Links | None):
    def link(section_id: str) -> str:
        if links is None:
            return ""
        section = catalog.section(section_id)
        return links.to(section.src_uri, section.anchor)

    return link


def render_markdown(
    template: str, review: Review, catalog: Catalog, links: Links | None = None, **extra
) -> str:
    """Render one of the review's Markdown templates with the context they all share."""
    pr = review.pr
    context = {
        "review": review,
        "pr": pr,
        "catalog": catalog,
        "github_url": pull_request_url(pr),
        "age": age_of(pr.fetched_at) if pr.fetched_at else None,
        "guide_link": _guide_link(catalog, links),
        "diff_url": lambda path, line=None: diff_url(pr, path, line),
    }
    return markdown_environment().get_template(template).render(**context, **extra)


def render_pr_markdown(review: Review, catalog: Catalog, links: Links | None = None) -> str:
    """The review tool's Markdown report; guide links are absolute when ``links`` is given."""
    return render_markdown(
        "pr_report.md.j2",
        review,
        catalog,
        links,
        mark=lambda item_id: "[ ]",
        reopened=lambda item_id: "",
    )


def render_review_export(review: Review, catalog: Catalog, links: Links | None = None) -> str:
    """The review a reviewer posts, with tokens the browser fills with ticks and the note."""
    # Links stay relative to nothing: the export is posted on GitHub, not the site.
    return render_markdown(
        "review_export.md.j2",
        review,
        catalog,
        None,
        mark=lambda item_id: token("state", item_id),
        reopened=lambda item_id: token("reopened", item_id),
    )
