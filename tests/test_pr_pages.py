"""Real site builds with per-PR pages fetched from a stand-in GitHub on 127.0.0.1."""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import build_site
from hostile import AUTHOR, HOSTILE_NAMES, PWNED, TITLE, hostile_pr
from markupsafe import escape

from review_kit.output.escape import visible
from review_kit.testing.github_stub import GitHubStub, corpus_pr

pytestmark = pytest.mark.build
REPO_NAME = "vllm-project/vllm-omni"
TOKEN = "ghp_siteTokenMustNotLeak42"


def build(
    site: Path, cache: Path, api_url: str, prs: str, **extra_env
) -> subprocess.CompletedProcess:
    return build_site(site, prs=prs, api_url=api_url, cache=cache, GITHUB_TOKEN=TOKEN, **extra_env)


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory, corpus):
    """PRs 19 and 23 plus the largest corpus PR, built twice against one cache."""
    tmp = tmp_path_factory.mktemp("corpus-site")
    largest = max(corpus, key=lambda r: len(r["files"]))
    with GitHubStub() as stub:
        for record in corpus:
            stub.add_pr(REPO_NAME, *corpus_pr(record))
            stub.add_repository(REPO_NAME, record["base"]["sha"])
        prs = f"19,23,{largest['number']}"
        cold = build(tmp / "site", tmp / "cache", stub.url, prs)
        cold_requests = list(stub.requests)
        warm = build(tmp / "site2", tmp / "cache", stub.url, prs)
        warm_requests = stub.requests[len(cold_requests) :]
    return {
        "tmp": tmp,
        "cold": cold,
        "warm": warm,
        "cold_requests": cold_requests,
        "warm_requests": warm_requests,
        "largest": largest,
    }


def test_corpus_prs_build_pages(corpus_site):
    assert corpus_site["cold"].returncode == 0, corpus_site["cold"].stderr[-2000:]
    site = corpus_site["tmp"] / "site"
    page = (site / "prs/19/index.html").read_text()
    assert "[Core]Add scheduling components for vLLM-omni" in page
    assert "vllm_omni/core/sched/output.py" in page
    assert 'href="../../focus-areas/scheduling/"' in page
    largest = corpus_site["largest"]
    big = (site / f"prs/{largest['number']}/index.html").read_text()
    assert f"in {largest['changed_files']} files" in big
    index = (site / "prs/index.html").read_text()
    for number in (19, 23, largest["number"]):
        assert f'href="{number}/"' in index


def test_warm_build_makes_only_conditional_requests(corpus_site):
    """A second build asks again for every PR, with ETags, all answered 304; what a commit SHA
    pins (trees, contents at a ref) comes from the cache without asking."""
    assert corpus_site["warm"].returncode == 0
    warm = corpus_site["warm_requests"]
    pinned = re.compile(r"/git/trees/[0-9a-f]{40}$|/contents/")
    cold_asked_again = [r for r in corpus_site["cold_requests"] if not pinned.search(r.path)]
    assert sorted(r.path for r in warm) == sorted(r.path for r in cold_asked_again)
    assert len(warm) > 0 and all(r.status == 304 for r in warm)
    assert len(cold_asked_again) < len(corpus_site["cold_requests"])


def test_token_never_reaches_site_or_log(corpus_site):
    for name in ("site", "site2"):
        for path in (corpus_site["tmp"] / name).rglob("*"):
            if path.is_file():
                assert TOKEN.encode() not in path.read_bytes(), path
    for result in (corpus_site["cold"], corpus_site["warm"]):
        assert TOKEN not in result.stdout + result.stderr


def test_unknown_pr_fails_build_with_one_line(tmp_path):
    with GitHubStub() as stub:
        result = build(tmp_path / "site", tmp_path / "cache", stub.url, "4242")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert errors == [
        "ERROR   -  PR #4242 of vllm-project/vllm-omni: not found on "
        f"{stub.url.split('//')[1]} (404: Not Found)"
    ]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site/index.html").exists()


def test_bad_pr_list_is_one_line(tmp_path):
    result = build(tmp_path / "site", tmp_path / "cache", "http://127.0.0.1:9", "19,abc")
    assert result.returncode != 0
    assert "ERROR   -  REVIEW_PRS: 'abc' is not a pull request number" in result.stderr


def test_offline_default_build_uses_snapshot(tmp_path):
    """No GitHub, no cache: PR 19 comes from the bundled snapshot, with a visible notice."""
    result = build(tmp_path / "site", tmp_path / "cache", "http://127.0.0.1:9", "19")
    assert result.returncode == 0, result.stderr[-2000:]
    page = (tmp_path / "site/prs/19/index.html").read_text()
    assert "Data notice" in page and "snapshot bundled with the kit" in page


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    before = set(Path("/tmp").iterdir())
    with GitHubStub() as stub:
        stub.add_pr(REPO_NAME, *hostile_pr())
        result = build(tmp / "site", tmp / "cache", stub.url, "666")
    after = set(Path("/tmp").iterdir())
    return {"tmp": tmp, "result": result, "new_in_tmp": after - before}


def test_hostile_pr_builds(hostile_site):
    assert hostile_site["result"].returncode == 0, hostile_site["result"].stderr[-3000:]


def page_text(hostile_site) -> str:
    return (hostile_site["tmp"] / "site/prs/666/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_hostile_names_show_literally_escaped(hostile_site, name):
    """Each name appears exactly as written: controls made visible, HTML escaped."""
    assert str(escape(visible(name))) in page_text(hostile_site)


def test_hostile_title_and_author_are_literal(hostile_site):
    text = page_text(hostile_site)
    assert str(escape(visible(TITLE))) in text
    assert str(escape(visible(AUTHOR))) in text
    assert "&lt;i&gt;old&lt;/i&gt;{{ 2*2 }}.py" in text


def test_nothing_executes_or_renders(hostile_site):
    site = hostile_site["tmp"] / "site"
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".js"):
            data = path.read_text(encoding="utf-8", errors="replace")
            assert PWNED not in data, path
            assert "<script>alert" not in data, path
            assert "<img src=x" not in data, path
            assert 'href="javascript:' not in data, path
            assert "\u202e" not in data, path
    text = page_text(hostile_site)
    assert "site_name: vLLM-Omni" not in text  # neither Jinja include nor snippet ran
    assert "vLLM-Omni Review Kit.md" not in text  # {{ config.site_name }} stayed text


def test_hostile_pr_is_truncated_and_says_so(hostile_site):
    text = page_text(hostile_site)
    assert "in 3500 files (GitHub listed 3000)" in text
    assert "GitHub lists at most 3000 files" in text


def test_nothing_is_written_outside_site(hostile_site):
    tmp = hostile_site["tmp"]
    assert sorted(p.name for p in tmp.iterdir()) == ["cache", "site"]
    assert not any(p.name == "escaped.py" for p in hostile_site["new_in_tmp"])
    assert not list((tmp / "site").rglob("escaped.py"))
    assert sorted(p.name for p in (tmp / "site/prs").iterdir()) == ["666", "index.html"]


class _PrRootAttributes(HTMLParser):
    """The attributes of a page's div.rk-pr, and every inline <script> in the page."""

    def __init__(self) -> None:
        super().__init__()
        self.root: dict[str, str | None] = {}
        self.inline_scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "div" and "rk-pr" in (found.get("class") or "").split():
            self.root = found
        if tag == "script" and "src" not in found:
            self.inline_scripts.append(found)


def test_pr_data_cannot_leave_its_attribute(hostile_site):
    """The PR JSON and the review template sit in single-quoted attributes; names
    with quotes, tags and Jinja stay inside them and parse back exactly."""
    parser = _PrRootAttributes()
    parser.feed(page_text(hostile_site))
    data = json.loads(parser.root["data-pr-json"])
    assert set(HOSTILE_NAMES) <= set(data["files"])
    assert "<script>alert(1)</script>.py" in data["files"]
    template = json.loads(parser.root["data-review-export"])["template"]
    assert "\0state:" in template


def test_pr_page_content_has_no_inline_script(hostile_site):
    """Material's instant navigation re-creates each <script> in the content as a
    plain one (no class, no type), so a page reached by a click would lose data
    kept in a script and run it as JavaScript: the content must hold none."""
    text = page_text(hostile_site)
    start = text.index("<article")
    parser = _PrRootAttributes()
    parser.feed(text[start : text.index("</article>", start)])
    assert parser.root, "div.rk-pr not found in the content"
    assert parser.inline_scripts == []
