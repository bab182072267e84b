"""A ``Review`` as escaped HTML: the body of a site's PR page, and the PR index.

The site never lets PR data into page Markdown: the hook inserts this HTML
after Markdown conversion, from templates that autoescape every value. The
page also carries, as JSON, what the browser needs to keep ticks and to fill
the review export that ``markdown.render_review_export`` wrote.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from typing import TypedDict

import jinja2
from markupsafe import Markup, escape

from ..ages import age_of
from ..analysis import Review
from ..analysis.model import Finding
from ..analysis.priorities import files_by_priority, read_first, start_here
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
        filters={
            "visible": visible,
            "short_sha": short_sha,
            "path": path_html,
            "tail_path": tail_path_html,
        },
        globals_={
            "item_anchor": item_anchor,
            "page_uri": page_uri,
            "finding_anchor": finding_anchor,
        },
    )


def finding_anchor(finding: Finding) -> str:
    """The id of a finding's row: its rule and a digest of its file, never the PR's own text."""
    digest = hashlib.sha256(finding.file.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return f"finding-{finding.rule}-{digest}"


# A name longer than this (no slash in it) may also break every so many
# characters: a table column is at least as wide as its longest unbreakable word.
PATH_CHUNK = 40


def path_html(path: str) -> Markup:
    """A path, escaped, that may break after each slash rather than inside a name."""

    def part_html(part: str) -> Markup:
        chunks = [part[i : i + PATH_CHUNK] for i in range(0, len(part), PATH_CHUNK)] or [""]
        return Markup("<wbr>").join(escape(visible(chunk)) for chunk in chunks)

    return Markup("/<wbr>").join(part_html(part) for part in path.split("/"))


# Folders kept before a file's name where a line has no room for its whole path.
TAIL_PARTS = 2


def tail_path_html(path: str) -> Markup:
    """The end of a path (``…/qwen_image/pipeline.py``), escaped, for a one-line entry.

    The link around it opens the whole file, and the tables below name it in full.
    """
    parts = path.split("/")
    if len(parts) <= TAIL_PARTS + 1:
        return path_html(path)
    return Markup("…/") + path_html("/".join(parts[-TAIL_PARTS:]))


@cache
def _trusted_markdown(text: str) -> Markup:
    """The kit's own item text (Markdown with code spans) as inline HTML."""
    import markdown  # only pages need it: a JSON or text report starts without it

    html = markdown.markdown(text)
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    return Markup(html)


# Rows of the files table shown before the rest fold away: a 186-file PR
# was 8,000 px of table before anything else.
FILES_SHOWN = 15
# Suggested reviewers shown before the rest fold away: a 34-file PR named 19,
# and a reviewer asks two or three of them.
REVIEWERS_SHOWN = 3
# A contract's validation paths listed in its row; more fold into a summary.
VALIDATION_SHOWN = 2


def data_phrase(pr) -> str:
    """Where the data came from and how old it is, in words, once."""
    return pr.source.describe(pr.fetched_at)


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
        "start": start_here(review),
        "files_ordered": files_by_priority(review.files, catalog.focus_map),
        "files_shown": FILES_SHOWN,
        "reviewers_shown": REVIEWERS_SHOWN,
        "validation_shown": VALIDATION_SHOWN,
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


class TocToken(TypedDict):
    """One heading as Python-Markdown's toc extension (and MkDocs' ``get_toc``) reads it."""

    level: int
    id: str
    name: str
    html: str
    children: list[TocToken]


def page_headings(body: str) -> list[TocToken]:
    """Table-of-contents tokens (as Python-Markdown's toc extension makes them) for a PR page."""
    tokens: list[TocToken] = []
    for level, anchor, inner in _HEADING.findall(body):
        # Badges (risk) are decoration, not part of the section's name.
        inner = re.sub(r'<span class="rk-risk[^"]*">.*?</span>', "", inner)
        name = re.sub(r"<[^>]+>", "", inner).strip()
        entry = TocToken(level=int(level), id=anchor, name=name, html=name, children=[])
        if entry["level"] == 3 and tokens:
            tokens[-1]["children"].append(entry)
        elif entry["level"] == 2:
            tokens.append(entry)
    return tokens
