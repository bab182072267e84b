"""A ``Review`` as escaped HTML: the body of a site's PR page, and the PR index.

The site never lets PR data into page Markdown: the hook inserts this HTML
after Markdown conversion, from templates that autoescape every value. The
page also carries, as JSON, what the browser needs to keep ticks and to fill
the review export that ``markdown.render_review_export`` wrote.
"""

from __future__ import annotations

import re
from functools import cache

import jinja2
import markdown
from markupsafe import Markup, escape

from ..ages import age_of
from ..analysis import Review
from ..analysis.priorities import files_by_priority, read_first
from ..catalog.focus_map import RISK_ORDER
from ..catalog.loading import Catalog, item_anchor
from .escape import short_sha, visible
from .github_review import browser_export
from .links import Links, diff_url, page_uri, pull_request_url, rule_source_url
from .templating import make_environment


@cache
def html_environment() -> jinja2.Environment:
    return make_environment(
        autoescape=True,
        filters={"visible": visible, "short_sha": short_sha, "path": path_html},
        globals_={"item_anchor": item_anchor, "page_uri": page_uri},
    )


def path_html(path: str) -> Markup:
    """A path, escaped, that may break after each slash rather than inside a name."""
    return Markup("/<wbr>").join(escape(visible(part)) for part in path.split("/"))


@cache
def _trusted_markdown(text: str) -> Markup:
    """The kit's own item text (Markdown with code spans) as inline HTML."""
    html = markdown.markdown(text)
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    return Markup(html)


# Rows of the files table shown before the rest fold away: a 186-file PR
# was 8,000 px of table before anything else.
FILES_SHOWN = 15


def data_phrase(pr) -> str:
    """Where the data came from and how old it is, in words, once."""
    age = age_of(pr.fetched_at) if pr.fetched_at else None
    if pr.source == "api":
        return f"fetched from GitHub {age} ago" if age else "fetched from GitHub"
    if pr.source == "cache":
        return f"from the cache, {age} old" if age else "from the cache"
    if pr.source == "snapshot":
        when = (pr.fetched_at or "")[:10]
        return (
            f"from the snapshot bundled with the kit ({when})"
            if when
            else "from the bundled snapshot"
        )
    return {"git": "from a local git range", "file": "from a file list"}.get(pr.source, pr.source)


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
        "data_phrase": data_phrase(pr),
        "read_first": read_first(review.files, catalog.focus_map),
        "files_ordered": files_by_priority(review.files, catalog.focus_map),
        "files_shown": FILES_SHOWN,
        "diff_url": lambda path, line=None: diff_url(pr, path, line),
        # An item's written rule in vllm-omni's review skill, at the commit it was read.
        "rule_url": lambda source: rule_source_url(source, review.repository),
        "pr_items": {i.item.id: i.files for i in review.items if not i.folded},
        # Per ticked box, a digest of the hunks that made it fire, and the
        # same per file, so the browser reopens a box only when those hunks
        # changed and can say in which file (docs/pr-pages.md, "Ticks").
        "pr_hunks": {i.item.id: i.hunk_digest for i in review.items if not i.folded},
        "pr_hunk_files": {i.item.id: i.hunks for i in review.items if not i.folded},
    }


def render_pr_html(
    review: Review, catalog: Catalog, links: Links, interactive: bool = True, site_url: str = ""
) -> str:
    """The body of a per-PR page, every PR-controlled string escaped.

    ``interactive=False`` leaves out the data only the browser script reads
    (tick state, the review export): paper has no use for it, and on a PR of
    3000 long names it is most of the document's weight.
    """
    return (
        html_environment()
        .get_template("pr_page.html.j2")
        .render(
            links=links,
            interactive=interactive,
            # Guide links in a posted review are absolute: they leave the site.
            review_export=browser_export(review, catalog, site_url) if interactive else {},
            **review_context(review, catalog),
        )
    )


def risk_rank(risk: str) -> int:
    """A risk as a number that sorts riskier higher: normal 0, high 1, critical 2."""
    return max(RISK_ORDER.values()) - RISK_ORDER[risk]


def render_pr_index_html(reviews: list[Review], links: Links) -> str:
    return (
        html_environment()
        .get_template("pr_index.html.j2")
        .render(reviews=reviews, links=links, risk_rank=risk_rank)
    )


# The section headings of a PR page body: <h2>/<h3> with an id, whose text is
# the kit's own (area titles, "Checklist"); PR text never stands in a heading.
_HEADING = re.compile(r'<h([23]) id="([a-z0-9-]+)"[^>]*>(.*?)</h\1>', re.S)


def page_headings(body: str) -> list[dict]:
    """Table-of-contents tokens (as Python-Markdown's toc extension makes them) for a PR page."""
    tokens: list[dict] = []
    for level, anchor, inner in _HEADING.findall(body):
        # Badges (risk) are decoration, not part of the section's name.
        inner = re.sub(r'<span class="rk-risk[^"]*">.*?</span>', "", inner)
        name = re.sub(r"<[^>]+>", "", inner).strip()
        entry = {"level": int(level), "id": anchor, "name": name, "html": name, "children": []}
        if entry["level"] == 3 and tokens:
            tokens[-1]["children"].append(entry)
        elif entry["level"] == 2:
            tokens.append(entry)
    return tokens
