"""Snapshots of the rendered PR 19 page and report."""

from __future__ import annotations

from review_kit.analysis import analyse, load_catalog
from review_kit.output.html import render_pr_html
from review_kit.output.markdown import render_pr_markdown
from review_kit.pr.sources.snapshot import from_snapshot
from review_kit.site.links import SiteLinks


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
