"""Links from the kit's pages (review_kit/site/links.py) and to GitHub (review_kit/output/links.py)."""

from __future__ import annotations

import pytest

from review_kit.output.links import page_uri, pull_request_url
from review_kit.pr.model import PullRequest
from review_kit.site.links import SiteLinks


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
    assert pull_request_url(PullRequest(number=1, repo="x/y", html_url=html_url)) == expected


@pytest.mark.parametrize(
    ("directory_urls", "expected"),
    [(True, "../../expert/engine/#sec-2-1"), (False, "../../expert/engine.html#sec-2-1")],
)
def test_links_from_pr_page(directory_urls, expected):
    assert (
        SiteLinks("prs/19/index.md", directory_urls).to("expert/engine.md", "sec-2-1") == expected
    )


def test_absolute_links_for_reports():
    links = SiteLinks(page_uri(19), base_url="https://kit.example/review")
    assert (
        links.to("expert/engine.md", "sec-2-1")
        == "https://kit.example/review/expert/engine/#sec-2-1"
    )


def test_pull_request_url_without_a_number_is_never_trusted():
    pr = PullRequest(number=None, repo="x/y", html_url="https://github.com/x/y/pull/None")
    assert pull_request_url(pr) == "https://github.com/x/y/pull/None"
