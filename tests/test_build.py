"""Real builds of the whole site: strict validation, cross-links both ways, executed examples."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import REPO, build_site, copy_project

from review_kit.catalog.focus_map import question_id
from review_kit.catalog.guide import anchor_for
from review_kit.catalog.loading import load_catalog

pytestmark = pytest.mark.build

REPO_NAME = "vllm-project/vllm-omni"
PR_QUESTION = re.compile(
    r'<li class="rk-item" id="(question-[a-z0-9-]+)"[^>]*><label class="rk-label"><input[^>]*> (.*?)</label>'
)
EXEC_BLOCK = re.compile(r'^```python exec="on"([^\n]*)\n(.*?)^```', re.S | re.M)
SESSION = re.compile(r'session="([^"]+)"')
HREF = re.compile(r'href="([^"]+)"')


def page_html(site: Path, src_uri: str) -> str:
    """HTML of the page built from a docs-relative .md path (directory URLs)."""
    stem = src_uri[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        out = site / stem[: -len("index")] / "index.html"
    else:
        out = site / stem / "index.html"
    return out.read_text(encoding="utf-8")


def page_url(src_uri: str) -> str:
    stem = src_uri[: -len(".md")]
    stem = stem[: -len("index")] if stem == "index" or stem.endswith("/index") else stem + "/"
    return "http://site/" + stem


def element_by_id(text: str, element_id: str, tag: str) -> str:
    """The source of the element with the given id, up to its closing tag."""
    start = text.index(f'id="{element_id}"')
    start = text.rindex(f"<{tag}", 0, start)
    return text[start : text.index(f"</{tag}>", start)]


def resolved_links(fragment: str, base_url: str) -> set[str]:
    return {urljoin(base_url, html.unescape(h)) for h in HREF.findall(fragment)}


def test_every_nav_page_is_built(built_site):
    catalog = load_catalog()
    expected = [
        "index.md",
        "quick-start.md",
        "review-tool.md",
        "expert/index.md",
        "framework/index.md",
        "framework/final-checklist.md",
        "focus-areas/index.md",
        "focus-areas/path-finder.md",
    ]
    expected += [c.src_uri for c in catalog.framework.categories]
    expected += [a.src_uri for a in catalog.focus_map.areas]
    expected += sorted({s.src_uri for s in catalog.sections.values()})
    for src_uri in expected:
        assert "<article" in page_html(built_site, src_uri), src_uri


def test_each_checklist_item_links_to_its_section_and_back(built_site):
    """Framework, final-checklist and focus-area items link to their section; the section links back."""
    catalog = load_catalog()
    checked = 0
    for section_id, section in catalog.sections.items():
        section_url = page_url(section.src_uri) + "#" + section.anchor
        guide_page = page_html(built_site, section.src_uri)
        for citation in catalog.citations(section_id):
            item_page = page_html(built_site, citation.src_uri)
            item = element_by_id(item_page, citation.anchor, "li")
            assert section_url in resolved_links(item, page_url(citation.src_uri)), citation.item.id
            back = page_url(citation.src_uri) + "#" + citation.anchor
            assert back in resolved_links(guide_page, page_url(section.src_uri)), citation.item.id
            checked += 1
    assert checked >= 150


def test_every_subsection_lists_the_items_citing_it(built_site):
    """Each numbered subsection calls cited_by once, and its page shows the generated list."""
    catalog = load_catalog()
    for section_id, section in catalog.sections.items():
        if "." not in section_id:
            continue
        source = (REPO / "docs" / section.src_uri).read_text(encoding="utf-8")
        assert source.count(f'cited_by("{section_id}")') == 1, section_id
        assert catalog.citations(section_id), f"no checklist item cites {section_id}"
    for uri in {s.src_uri for s in catalog.sections.values()}:
        assert "Checklist items that cite this section" in page_html(built_site, uri)


def example_blocks() -> list[tuple[str, str, bool]]:
    """Each executed block with the code it needs to run on its own, and whether it prints prose.

    A block in a markdown-exec ``session`` sees what earlier blocks of the same
    session on the page defined, so it is run after them: that is how a guide
    prints a number into its prose from the example that computes it.
    """
    blocks = []
    for page in sorted((REPO / "docs").rglob("*.md")):
        sessions: dict[str, str] = {}
        for options, code in EXEC_BLOCK.findall(page.read_text(encoding="utf-8")):
            session = SESSION.search(options)
            if session:
                code = sessions.get(session[1], "") + code
                sessions[session[1]] = code
            prose = "result=" not in options  # printed as Markdown into the page
            blocks.append((page.relative_to(REPO / "docs").as_posix(), code, prose))
    return blocks


def test_at_least_six_executed_examples():
    assert len(example_blocks()) >= 6


def test_prose_numbers_come_from_the_examples():
    """At least one guide paragraph is printed by its example's session, not typed by hand."""
    prose = [
        options
        for page in (REPO / "docs" / "expert").glob("*.md")
        for options, _ in EXEC_BLOCK.findall(page.read_text(encoding="utf-8"))
        if SESSION.search(options) and "result=" not in options
    ]
    assert len(prose) >= 3


@pytest.mark.parametrize(("src_uri", "code", "prose"), example_blocks())
def test_executed_example_output_is_in_the_html(built_site, src_uri, code, prose):
    """Running the block again gives output that the built page shows, escaped, line by line.

    Prose blocks print Markdown; their inline code and emphasis marks are
    dropped before the comparison, since the page shows them as HTML.
    """
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    assert lines, "an example must print its evidence"
    text = " ".join(re.sub(r"<[^>]+>", "", page_html(built_site, src_uri)).split())
    for line in lines:
        # A session re-runs earlier code blocks, so a prose block's run also
        # prints their plain-text output lines; either form must be on the page.
        forms = {" ".join(line.split())}
        if prose:  # inline code, emphasis and links render as HTML
            plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", re.sub(r"`|\*\*", "", line))
            forms.add(" ".join(plain.split()))
        assert any(html.escape(form, quote=False) in text for form in forms), line


def test_no_asset_is_loaded_from_the_internet(built_site):
    """The site renders offline: no remote fonts, scripts or stylesheets."""
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(
            r'<(script|link)[^>]+(src|href)="https?://(?!127\.0\.0\.1)[^"]*\.(js|css)', text
        ), page
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, page


def test_focus_area_pages_follow_the_map(built_site):
    """Area pages, their nav entries and the path finder come from the map alone."""
    catalog = load_catalog()
    index = page_html(built_site, "focus-areas/index.md")
    finder = page_html(built_site, "focus-areas/path-finder.md")
    for area in catalog.focus_map.areas:
        page = page_html(built_site, area.src_uri)
        assert f"Risk: {area.risk}" in page
        for item in area.items:
            assert f'id="item-{item.id}"' in page
        assert f'href="{area.id}/"' in index
        assert html.escape(area.title) in index
    assert "<code>vllm_omni/diffusion/</code>" in finder


TASK_LABEL = re.compile(r'<span class="task-list-indicator"></span>(.*?)</label>', re.S)
TOPIC = re.compile(r"<p><strong>(.*?)</strong></p>")


def quick_start_questions(site: Path) -> list[tuple[str, str, str]]:
    """(tick id, topic, text) of each question under the Quick start's Key questions, in order."""
    page = page_html(site, "quick-start.md")
    start = page.index('id="key-questions"')
    section = page[start : page.index("<h2", start)]
    shown = []
    # Each topic is a bold paragraph followed by its task list.
    parts = TOPIC.split(section)[1:]
    for topic, body in zip(parts[::2], parts[1::2], strict=True):
        for index, label in enumerate(TASK_LABEL.findall(body), 1):
            text = html.unescape(re.sub(r"<[^>]+>", "", label)).strip()
            shown.append((question_id(topic, index), topic, text))
    return shown


def test_quick_start_shows_every_key_question_of_the_map(built_site):
    """One list: the Quick start renders the map's questions, all of them, in the map's order."""
    focus_map = load_catalog().focus_map
    expected = [
        (qid, group.topic, question.text)
        for group in focus_map.key_questions
        for qid, question in group.entries()
    ]
    assert quick_start_questions(built_site) == expected
    # Each triggered question carries its note; the others are asked of every PR.
    triggered = [q for g in focus_map.key_questions for _, q in g.entries() if q.trigger]
    assert page_html(built_site, "quick-start.md").count("Asked when the PR ") == len(triggered)


def test_pr_pages_word_each_question_as_the_quick_start_does(built_site, corpus):
    """A question's id means the same words on the Quick start and on every PR page that asks it."""
    from review_kit.analysis import analyse
    from review_kit.output.html import render_pr_html
    from review_kit.pr.model import pull_request_from_api
    from review_kit.site.links import SiteLinks
    from review_kit.testing.github_stub import corpus_pr

    quick = {qid: text for qid, _, text in quick_start_questions(built_site)}
    catalog = load_catalog()
    seen = set()
    for record in corpus:
        pull, files = corpus_pr(record)
        review = analyse(pull_request_from_api(pull, files, REPO_NAME, "corpus"), catalog)
        page = render_pr_html(review, catalog, SiteLinks(f"prs/{record['number']}/index.md"))
        for qid, label in PR_QUESTION.findall(page):
            assert html.unescape(label).strip() == quick[qid], (record["number"], qid)
            seen.add(qid)
    # Every question is asked of some real PR: a trigger that never fires is a dead question.
    assert seen == set(quick)


def run_build(project: Path) -> subprocess.CompletedProcess:
    return build_site(
        project / "site",
        prs="19",
        api_url="http://127.0.0.1:9",
        cache=project / "cache",
        config=project / "mkdocs.yml",
        cwd=project,
    )


def test_broken_map_fails_the_build_with_one_line(tmp_path):
    project = copy_project(tmp_path)
    focus_map = project / "docs/focus-map.yml"
    text = focus_map.read_text()
    first = re.search(r'guide_sections: \["2.1", [^\n]*\]', text)
    focus_map.write_text(text.replace(first.group(), 'guide_sections: ["2.1", "8.8"]', 1))
    line = 1 + text[: first.start()].count("\n")
    result = run_build(project)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [row for row in result.stderr.splitlines() if row.startswith("ERROR")]
    assert errors == [
        f"ERROR   -  docs/focus-map.yml:{line}: areas[0].guide_sections[1]: "
        "no expert-guide section '8.8'"
    ]
    assert not (project / "site" / "index.html").exists()


def test_failing_example_fails_the_strict_build(tmp_path):
    """A markdown-exec block that raises makes the strict build fail, showing the error."""
    project = copy_project(tmp_path)
    page = project / "docs/expert/tensors.md"
    page.write_text(
        page.read_text()
        + '\n```python exec="on" result="text"\nraise ValueError("example broke")\n```\n'
    )
    result = run_build(project)
    assert result.returncode != 0
    assert "ValueError: example broke" in result.stderr
    assert "WARNING" in result.stderr


def test_make_help_lists_every_target():
    out = subprocess.run(
        ["make", "-s", "help"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    for target in ("help", "serve", "site", "test", "lint", "check-map", "schema", "clean"):
        assert re.search(rf"make {target}\s+\S", out), target


def test_anchor_for():
    assert anchor_for("1.2") == "sec-1-2"


def test_notice_level_decides_whether_a_strict_build_accepts_stale_data(tmp_path):
    """The page always carries the fallback notice; REVIEW_NOTICE_LEVEL=warning fails --strict."""
    from review_kit.pr.sources.github import SNAPSHOT_NOTICE

    offline = {"REVIEW_PRS": "19", "GITHUB_API_URL": "http://127.0.0.1:9"}
    ok = build_site(tmp_path / "a", prs="19", api_url="http://127.0.0.1:9", cache=tmp_path / "c")
    assert ok.returncode == 0, ok.stderr[-2000:]
    page = (tmp_path / "a/prs/19/index.html").read_text(encoding="utf-8")
    assert SNAPSHOT_NOTICE.split("(")[0] in page
    assert "INFO" in ok.stderr and SNAPSHOT_NOTICE.split("(")[0] in ok.stderr
    strict = build_site(
        tmp_path / "b",
        prs=offline["REVIEW_PRS"],
        api_url=offline["GITHUB_API_URL"],
        cache=tmp_path / "c",
        REVIEW_NOTICE_LEVEL="warning",
    )
    assert strict.returncode != 0
    assert "WARNING" in strict.stderr and "Traceback" not in strict.stderr


def test_documented_notices_are_the_codes_own_words(tmp_path):
    from review_kit.pr.sources.github import CACHE_NOTICE, SNAPSHOT_NOTICE

    site = tmp_path / "site"
    assert (
        build_site(site, prs="19", api_url="http://127.0.0.1:9", cache=tmp_path / "c").returncode
        == 0
    )
    page = html.unescape((site / "review-tool/index.html").read_text(encoding="utf-8"))
    for template in (CACHE_NOTICE, SNAPSHOT_NOTICE):
        assert template.format(reason="REASON", time="TIME", age="AGE") in page
