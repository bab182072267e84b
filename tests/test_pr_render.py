"""Escaping of PR data, links from PR pages, and snapshots of the rendered PR 19 page and report."""

from __future__ import annotations

import html

import markdown
import pytest
from hostile import AUTHOR, HOSTILE_NAMES, TITLE

from review_kit.analysis import analyse
from review_kit.catalog.loading import load_catalog
from review_kit.output.escape import md_escape, visible
from review_kit.output.html import render_pr_html
from review_kit.output.links import pull_request_url
from review_kit.output.markdown import render_pr_markdown
from review_kit.pr.sources.snapshot import from_snapshot
from review_kit.site.links import SiteLinks


@pytest.mark.parametrize(
    "text", [*HOSTILE_NAMES, TITLE, AUTHOR, "a_b*c*`d`", "1. not a list", "# not a heading"]
)
def test_md_escape_renders_exactly_the_text(text):
    """Python-Markdown turns the escaped text back into the literal text, and no element."""
    rendered = markdown.markdown(md_escape(text), extensions=["attr_list", "tables"])
    assert rendered.startswith("<p>") and rendered.endswith("</p>")
    inner = rendered[3:-4]
    assert "<" not in inner.replace("&lt;", "")
    assert html.unescape(inner) == visible(text)


def test_visible_shows_controls_and_bidi():
    assert visible("a\nb\u202ec\x1b") == "a\\nb<U+202E>c<U+001B>"


@pytest.mark.parametrize(
    ("html_url", "expected"),
    [
        ("https://github.com/x/y/pull/1", "https://github.com/x/y/pull/1"),
        ("https://ghe.example.com/x/y/pull/1", "https://ghe.example.com/x/y/pull/1"),
        ("javascript:alert(1)", "https://github.com/x/y/pull/1"),
        (
            "https://github.com/x/y/pull/1><img src=x onerror=alert(1)>",
            "https://github.com/x/y/pull/1",
        ),
        ("https://evil.example/x/y/pull/2", "https://github.com/x/y/pull/1"),
        ("", "https://github.com/x/y/pull/1"),
    ],
)
def test_pull_request_url_only_trusts_the_expected_shape(html_url, expected):
    from review_kit.pr.model import PullRequest

    assert pull_request_url(PullRequest(number=1, repo="x/y", html_url=html_url)) == expected


@pytest.mark.parametrize(
    ("directory_urls", "expected"),
    [(True, "../../expert/engine/#sec-2-1"), (False, "../../expert/engine.html#sec-2-1")],
)
def test_links_from_pr_page(directory_urls, expected):
    assert (
        SiteLinks("prs/19/index.md", directory_urls).to("expert/engine.md", "sec-2-1") == expected
    )


def test_pr19_page_snapshot(snapshot):
    catalog = load_catalog()
    pr = from_snapshot(19)
    pr.fetched_at = None  # the age changes every day; keep the snapshot stable
    html_text = render_pr_html(analyse(pr, catalog), catalog, SiteLinks("prs/19/index.md"))
    snapshot("pr19_page.html", html_text)


def test_pr19_report_snapshot(snapshot):
    catalog = load_catalog()
    pr = from_snapshot(19)
    pr.fetched_at = None
    snapshot("pr19_report.md", render_pr_markdown(analyse(pr, catalog), catalog))
