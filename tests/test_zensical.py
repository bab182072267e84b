"""The second build path: Zensical builds the same pages as MkDocs, with the same anchors and text.

Compares `make site-zensical`'s output with the MkDocs build. The only pages
allowed to differ are the per-PR pages, which come from a hook Zensical cannot
run (README, "Toolchain").
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, copy_project

pytestmark = [pytest.mark.build, pytest.mark.zensical]

ZENSICAL_PYTHON = REPO / ".venv-zensical" / "bin" / "python"
# Made by hooks/pr_pages.py, which Zensical does not run.
HOOK_ONLY = ("prs/",)

ANCHOR = re.compile(r'\bid="([^"]*)"')
ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">(.*?)</article>', re.S)


def pages(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*.html")}


def article(page: Path) -> str:
    match = ARTICLE.search(page.read_text(encoding="utf-8"))
    assert match, f"{page}: no article"
    return match.group(1)


def anchors(page: Path) -> list[str]:
    """Every id in the page's content, in order: headings, guide sections, checklist items.

    Ids the theme itself uses (`__skip`, `__toc`, ...) start with two underscores and are left out.
    """
    return [i for i in ANCHOR.findall(article(page)) if not i.startswith("__")]


def article_text(page: Path) -> str:
    """What a reader sees of the page's content: the article's text, whitespace normalised."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article(page))).split())


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory) -> Path:
    """The site as `make site-zensical` builds it, from a copy of the project."""
    if not ZENSICAL_PYTHON.exists():
        pytest.skip(f"{ZENSICAL_PYTHON} is missing: run make site-zensical once")
    project = copy_project(tmp_path_factory.mktemp("zensical-project"))
    out = tmp_path_factory.mktemp("zensical") / "site"
    result = subprocess.run(
        [str(ZENSICAL_PYTHON), str(REPO / "tools" / "zensical_site.py")]
        + ["--project", str(project), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_same_pages_but_the_hook_only_ones(built_site, zensical_site):
    """Zensical builds every page MkDocs does except the per-PR pages, and nothing else."""
    mkdocs_pages = pages(built_site)
    assert {page for page in mkdocs_pages if page.startswith(HOOK_ONLY)}, "no PR pages to exclude"
    expected = {page for page in mkdocs_pages if not page.startswith(HOOK_ONLY)}
    assert pages(zensical_site) == expected


def test_every_guide_section_anchor_is_present(built_site, zensical_site):
    """Each page's anchors, the guide's `sec-*` ones included, are the same and in the same order."""
    guide = sorted(built_site.glob("expert/*/index.html"))
    assert len(guide) >= 6
    assert all(any(i.startswith("sec-") for i in anchors(page)) for page in guide)
    for page in sorted(pages(zensical_site)):
        assert anchors(zensical_site / page) == anchors(built_site / page), page


def test_same_content_on_every_page(built_site, zensical_site):
    """Guides with their executed examples, framework checklists and focus-area pages read the same."""
    for page in sorted(pages(zensical_site)):
        assert article_text(zensical_site / page) == article_text(built_site / page), page


def test_focus_area_pages_are_in_the_navigation(zensical_site):
    """The hook's pages, written ahead of the build, are linked from Zensical's navigation too."""
    index = (zensical_site / "index.html").read_text(encoding="utf-8")
    areas = sorted(p.parent.name for p in (zensical_site / "focus-areas").glob("*/index.html"))
    assert len(areas) > 10
    linked = set(re.findall(r'href="(?:\./)?focus-areas/([^/"]+)/"', index))
    assert set(areas) <= linked
