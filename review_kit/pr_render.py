"""Render a ``Review`` as escaped HTML (site pages) or escaped Markdown (reports).

Pull-request data is untrusted: file names, titles, branch names and logins
may hold Jinja, Markdown, HTML or control characters. The site never lets it
into page Markdown: the hook inserts this module's HTML after Markdown
conversion, from templates with autoescaping on. Reports escape every
character Markdown or HTML could act on.
"""

from __future__ import annotations

import posixpath
import re
from functools import cache

import jinja2
import markdown
from markupsafe import Markup

from .analysis import Review
from .catalog import Catalog, item_anchor
from .github import age_of
from .pull_request import PullRequest
from .templating import make_environment

# Characters that change how text reads without being visible: bidi controls
# ("Trojan Source"), zero-width marks, and C0/C1 controls such as newline.
_INVISIBLE = re.compile(
    "[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: object) -> str:
    """Make every control or bidi character visible as an escape, so names read literally."""
    return _INVISIBLE.sub(lambda m: _NAMED.get(m.group(), f"<U+{ord(m.group()):04X}>"), str(text))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#+\-.!|~<>&:{}])")


def md_escape(text: object) -> str:
    """Markdown text that renders exactly as ``text``: no markup, no HTML, no links."""
    # Braces become entities: attr_list-style renderers read "{: ...}", and a
    # report pasted into a Jinja page must not run "{{ ... }}".
    # A colon becomes an entity too, so no "https://" in a name is autolinked.
    entities = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "{": "&#123;", "}": "&#125;", ":": "&#58;"}
    return _MD_SPECIAL.sub(lambda m: entities.get(m.group(), "\\" + m.group()), visible(text))


def pull_request_url(pr: PullRequest) -> str:
    """The PR's web address: its ``html_url`` only if it has exactly the expected shape.

    The payload's URL could hold ``javascript:``, quotes or Markdown; a
    GitHub Enterprise host is kept, anything else falls back to github.com.
    """
    shape = rf"https://[A-Za-z0-9.-]+(?::\d+)?/{re.escape(pr.repo)}/pull/{pr.number}"
    if pr.html_url and re.fullmatch(shape, pr.html_url):
        return pr.html_url
    return f"https://github.com/{pr.repo}/pull/{pr.number}"


@cache
def _html_env() -> jinja2.Environment:
    return make_environment(
        autoescape=True,
        filters={"visible": visible, "short_sha": short_sha},
        globals_={"item_anchor": item_anchor},
    )


@cache
def _md_env() -> jinja2.Environment:
    # Every PR value in the report template goes through `md`.
    return make_environment(
        autoescape=False,
        filters={"md": md_escape, "short_sha": lambda sha: md_escape(short_sha(sha))},
        globals_={},
    )


@cache
def _trusted_markdown(text: str) -> Markup:
    """The kit's own item text (Markdown with code spans) as inline HTML."""
    html = markdown.markdown(text)
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    return Markup(html)


class SiteLinks:
    """URLs from one built page to others, for HTML that MkDocs will not rewrite."""

    def __init__(self, page_src_uri: str, use_directory_urls: bool = True) -> None:
        self.page_url = self.url_of(page_src_uri, use_directory_urls)
        self.directory_urls = use_directory_urls

    @staticmethod
    def url_of(src_uri: str, directory_urls: bool) -> str:
        stem = src_uri[: -len(".md")]
        if not directory_urls:
            return stem + ".html"
        if stem == "index" or stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/"

    def to(self, src_uri: str, anchor: str = "") -> str:
        target = self.url_of(src_uri, self.directory_urls)
        if self.page_url.endswith("/") or not self.page_url:
            page_dir = self.page_url.rstrip("/") or "."
        else:
            page_dir = posixpath.dirname(self.page_url) or "."
        if target.endswith("/") or not target:
            rel = posixpath.relpath(target.rstrip("/") or ".", page_dir) + "/"
        else:
            rel = posixpath.relpath(target, page_dir)
        return f"{rel}#{anchor}" if anchor else rel


def _pr_context(review: Review, catalog: Catalog) -> dict:
    pr = review.pr
    return {
        "review": review,
        "pr": pr,
        "catalog": catalog,
        "github_url": pull_request_url(pr),
        "age": age_of(pr.fetched_at) if pr.fetched_at else None,
        "item_html": _trusted_markdown,
        "pr_files": {f.filename: f.sha for f in pr.files},
        "pr_items": {i.item.id: i.files for i in review.items},
    }


def render_pr_html(review: Review, catalog: Catalog, links: SiteLinks) -> str:
    """The body of a per-PR page, every PR-controlled string escaped."""
    return (
        _html_env()
        .get_template("pr_page.html.j2")
        .render(links=links, **_pr_context(review, catalog))
    )


def render_pr_index_html(reviews: list[Review], links: SiteLinks) -> str:
    return _html_env().get_template("pr_index.html.j2").render(reviews=reviews, links=links)


def render_pr_markdown(review: Review, catalog: Catalog, guide_base_url: str = "") -> str:
    """The review tool's Markdown report; guide links use ``guide_base_url`` when given."""
    if guide_base_url and not guide_base_url.endswith("/"):
        guide_base_url += "/"
    return (
        _md_env()
        .get_template("pr_report.md.j2")
        .render(guide_base_url=guide_base_url, **_pr_context(review, catalog))
    )


def short_sha(sha: str) -> str:
    return sha[:7] if re.fullmatch(r"[0-9a-f]{7,64}", sha or "") else visible(sha)[:12]
