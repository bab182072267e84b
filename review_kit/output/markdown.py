"""A ``Review`` as GitHub Markdown: the review tool's report and the browser's review export.

Both come from templates that share one checklist partial
(``_review_checklist.md.j2``); every PR-controlled value goes through
``md_escape``. The export is rendered at build time with a token where each
item's state, count or note belongs, and the browser only fills the tokens
in (``FILL_TOKENS``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import jinja2

from ..ages import age_of
from ..analysis import Review
from ..catalog.loading import Catalog
from .escape import md_code, md_escape, md_keep_code, short_sha
from .links import Links, diff_url, pull_request_url, site_page_url
from .templating import make_environment

# Markers the browser replaces in the rendered export. NUL cannot come from
# PR text: ``md_escape`` shows every control character as a visible escape.
TOKEN = "\u0000"
# Each is filled by docs/assets/checklists/review-export.js and nothing else.
FILL_TOKENS = {
    "state": "the item's mark, plain text: `✓ done`, `✗ problem`, `– n/a` or `· open`",
    "reopened": "why an open item was reopened at a new head, or nothing",
    "if": "starts a block kept only when `if:problems` (some item is a problem) or"
    " `if:problem:ID` (item ID is) holds; blocks do not nest",
    "end": "ends the block the last `if` started",
    "problemnote": "the reviewer's note on a problem item as a one-line quote, or nothing",
    "note": "the reviewer's note, first in the review, or nothing",
    "progress": "how far the checklist got (`: 3 done, 1 problem, 2 n/a`), or nothing when untouched",
    "linenotes": "the reviewer's notes tied to a finding or a `file:line` that are not posted"
    " as comments on their lines, as a list, or nothing",
}


def token(name: str, item_id: str = "") -> str:
    return f"{TOKEN}{name}{':' + item_id if item_id else ''}{TOKEN}"


@cache
def markdown_environment() -> jinja2.Environment:
    # Every PR value in these templates goes through `md`.
    return make_environment(
        autoescape=False,
        filters={
            "md": md_escape,
            "code": md_code,
            "md_code": md_keep_code,
            "short_sha": lambda sha: md_escape(short_sha(sha)),
        },
        globals_={"token": token},
    )


def _guide_link(catalog: Catalog, links: Links | None):
    def link(section_id: str) -> str:
        if links is None:
            return ""
        section = catalog.section(section_id)
        return links.to(section.src_uri, section.anchor)

    return link


def guide_reference(catalog: Catalog, site_url: str) -> Callable[[str], str]:
    """``[§1.2 Title](URL)`` for a guide section, plain ``§1.2 Title`` without a site,
    and nothing for a check with no section (never an empty "(§)")."""

    def reference(section_id: str) -> str:
        section = catalog.sections.get(section_id) if section_id else None
        if section is None:
            return ""
        url = site_page_url(site_url, section.src_uri, section.anchor)
        label = f"§{section.id} {section.title}"
        return f"[{label}]({url})" if url else label

    return reference


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
        "guide_ref": guide_reference(catalog, extra.pop("site_url", "")),
    }
    text = markdown_environment().get_template(template).render(**context, **extra)
    # Blocks left empty (no findings, no reviewers) leave runs of blank lines.
    return re.sub(r"\n{3,}", "\n\n", text)


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


def render_review_export(review: Review, catalog: Catalog, site_url: str = "") -> str:
    """The review a reviewer posts as Markdown, with tokens the browser fills with ticks
    and notes; guide sections link to ``site_url`` when given."""
    from .review_body import body_context

    return render_markdown(
        "review_export.md.j2",
        review,
        catalog,
        None,
        **body_context(review, catalog, site_url, tokens=True),
    )
