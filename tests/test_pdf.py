"""The PDF handbook and the per-PR PDF, built once as `make pdf PRS=19` does, with no network.

Checks read the PDFs as a reader would: cover, contents, outline, links, boxes, margins.
"""

from __future__ import annotations

import html
import importlib.util
import re
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO, build_site, offline_guard
from pypdf import PdfReader
from pypdf.generic import ArrayObject

from review_kit import __version__
from review_kit.analysis import load_catalog
from review_kit.output.pdf import build_date

pytestmark = pytest.mark.build

HANDBOOK = "pdf/vllm-omni-review-kit.pdf"
HANDBOOK_HTML = "pdf/handbook.html"
PR = 19
PR_TITLE = "[Core]Add scheduling components for vLLM-omni"
PR_FILES = [
    "vllm_omni/core/sched/diffusion_scheduler.py",
    "vllm_omni/core/sched/scheduler.py",
    "vllm_omni/engine/__init__.py",
]
BOX = "\u2610"  # ☐
MM = 72 / 25.4


@dataclass
class Built:
    site: Path
    network_log: Path
    build_date: str


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    """`make pdf PRS=19` into a temporary folder, from another working directory, offline."""
    work = tmp_path_factory.mktemp("pdf-build")
    site = work / "site"
    network_log = work / "network.log"
    result = build_site(
        site,
        prs=str(PR),
        # Refused at once on loopback: the PR comes from the bundled snapshot.
        api_url="http://127.0.0.1:9",
        cache=work / "http-cache",
        cwd=work,
        REVIEW_PDF="1",
        REVIEW_PDF_HTML=HANDBOOK_HTML,
        # Any client that honours proxies would also hit a dead end.
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        SOURCE_DATE_EPOCH=None,
        **offline_guard(network_log),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return Built(site, network_log, build_date(None))


@pytest.fixture(scope="module")
def handbook(built) -> PdfReader:
    return PdfReader(built.site / HANDBOOK)


def pdftotext(mode: str, pdf: Path) -> str:
    """poppler's text of a PDF: "-layout" for reading order, "-bbox" for word positions."""
    return subprocess.run(
        ["pdftotext", mode, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def page_texts(built) -> list[str]:
    """Text of each page, as pdftotext reads it."""
    out = pdftotext("-layout", built.site / HANDBOOK)
    return out.split("\f")[:-1]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def outline(reader: PdfReader) -> list[tuple[int, str, str | None, int]]:
    """(depth, title, parent title, page index) for every bookmark, in order."""
    found: list[tuple[int, str, str | None, int]] = []

    def walk(items, depth: int, parent: str | None) -> None:
        last = parent
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1, last)
            else:
                found.append((depth, item.title, parent, reader.get_destination_page_number(item)))
                last = item.title

    walk(reader.outline, 0, None)
    return found


# -- the handbook ------------------------------------------------------------


def test_handbook_is_a_book(handbook):
    """Over fifty pages, with the kit's title in the document properties."""
    assert len(handbook.pages) > 50
    assert handbook.metadata.title == "vLLM-Omni Review Kit"


def test_cover_names_the_version_and_date(page_texts, built):
    cover = squash(page_texts[0])
    assert "vLLM-Omni Review Kit" in cover
    assert f"Version {__version__}" in cover
    assert built.build_date in cover


def test_contents_page_numbers_match_the_pages(handbook, page_texts):
    """Each framework category is listed in the contents with the page it starts on."""
    assert page_texts[1].lstrip().startswith("Contents")
    listed: dict[str, int] = {}
    for text in page_texts[1:8]:
        for line in text.splitlines():
            m = re.match(r"\s*(\S.*?)\s{2,}(\d+)\s*$", line)
            if m:
                listed[m[1]] = int(m[2])
    pages = {title: page for _, title, _, page in outline(handbook)}
    for category in load_catalog().framework.categories:
        entry = next(t for t in listed if t == category.title or t.endswith(" " + category.title))
        assert listed[entry] == pages[entry] + 1, category.title


def test_outline_nests_every_guide_section_and_category(handbook):
    marks = outline(handbook)
    assert max(depth for depth, *_ in marks) >= 2
    titles = [title for _, title, _, _ in marks]
    catalog = load_catalog()
    for section in catalog.sections.values():
        label = f"{section.id} {section.title}"
        mark = next((m for m in marks if m[1].endswith(label)), None)
        assert mark is not None, f"no bookmark for guide section {label}"
        if "." in section.id:
            # A subsection hangs under its page's bookmark.
            page = catalog.sections[section.id.split(".")[0]]
            assert mark[2].endswith(f"{page.id} {page.title}"), label
    for category in catalog.framework.categories:
        assert category.title in titles, category.title  # printed once, without a plugin number
        for subsection in category.subsections:
            assert subsection.title in titles, subsection.title


def test_every_internal_link_lands_on_a_page(handbook):
    named = handbook.named_destinations
    pages = {page.indirect_reference for page in handbook.pages}
    internal = external = 0
    for page in handbook.pages:
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            if link.get("/Subtype") != "/Link":
                continue
            action = link.get("/A")
            if action is not None and action.get("/S") == "/URI":
                assert urlsplit(str(action["/URI"])).scheme in ("http", "https"), action["/URI"]
                external += 1
                continue
            target = link["/Dest"] if action is None else action["/D"]
            if isinstance(target, ArrayObject):  # an explicit [page /XYZ ...] target
                assert target[0] in pages, f"link to no page: {target}"
            else:
                assert str(target) in named, f"link to a missing anchor {target}"
                page_number = handbook.get_destination_page_number(named[str(target)])
                assert 0 <= page_number < len(handbook.pages)
            internal += 1
    assert internal > 500 and external > 0


def test_links_to_guide_sections_land_where_the_section_starts(handbook, page_texts):
    """The anchor of each guide section is on the page that shows its heading."""
    named = handbook.named_destinations
    for section in load_catalog().sections.values():
        page_path = section.src_uri[: -len(".md")] + "/"
        target = named[f"{page_path}:{section.anchor}"]
        text = squash(page_texts[handbook.get_destination_page_number(target)])
        assert f"{section.id} {section.title}" in text, section.id


def test_checklists_print_empty_boxes(page_texts):
    framework = load_catalog().framework
    items = sum(len(s.items) for c in framework.categories for s in c.subsections)
    assert sum(text.count(BOX) for text in page_texts) >= items


def test_executed_examples_print_their_output(page_texts):
    """markdown-exec ran the NumPy example at build time; its printed result is in the book."""
    assert "positions (4,) * scale (4, 1) -> (4, 4)" in squash("\n".join(page_texts))


def test_no_text_runs_off_the_page(built):
    """Every word sits inside the page, clear of the outer 5 mm that printers cut."""
    bbox = pdftotext("-bbox", built.site / HANDBOOK)
    page = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
    word = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">')
    outside = []
    for number, (width, height, words) in enumerate(page.findall(bbox), start=1):
        w, h = float(width), float(height)
        for x0, y0, x1, y1 in (map(float, m) for m in word.findall(words)):
            if x0 < 5 * MM or x1 > w - 5 * MM or y0 < 0 or y1 > h:
                outside.append((number, x0, x1))
    assert not outside, f"{len(outside)} words off the page, first: {outside[:5]}"


# -- headings and text on one left edge ----------------------------------------

# A heading (its anchor, its text) and the paragraph right under it.
Pair = tuple[str, str, str]


@dataclass
class Edge:
    """Where a heading's text and the first line of the paragraph under it start."""

    anchor: str
    page: int  # 1-based, as a reader counts
    heading: str
    heading_x: float
    text_x: float


def _page_lines(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """(left x, top y, text) of every line poppler finds, page by page, top down."""
    layout = pdftotext("-bbox-layout", pdf)
    line = re.compile(r'<line xMin="([\d.-]+)" yMin="([\d.-]+)"[^>]*>(.*?)</line>', re.S)
    word = re.compile(r"<word [^>]*>(.*?)</word>")
    pages = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", layout, re.S):
        found = [
            (float(x), float(y), " ".join(html.unescape(w) for w in word.findall(words)))
            for x, y, words in line.findall(page)
        ]
        pages.append(sorted(found, key=lambda entry: entry[1]))
    return pages


def _bare(text: str) -> str:
    # poppler splits words where the PDF has gaps (inline code, links), not
    # where the HTML has spaces: compare text without any spacing.
    return re.sub(r"\s+", "", text)


def left_edges(pdf: Path, pairs: list[Pair]) -> list[Edge]:
    """The left edge of each heading's text and of its paragraph's first line.

    The heading is found from its anchor (page and top, as the PDF's named
    destination records them) and its text; the paragraph is the first line
    below it on that page that begins the paragraph's text.
    """
    reader = PdfReader(pdf)
    named = reader.named_destinations
    pages = _page_lines(pdf)
    edges = []
    for anchor, heading, paragraph in pairs:
        if anchor not in named:
            continue
        number = reader.get_destination_page_number(named[anchor])
        top = float(reader.pages[number].mediabox.height) - float(named[anchor].top)
        # Below the anchor: the running header may repeat the heading's text.
        lines = [entry for entry in pages[number] if entry[1] >= top - 2]
        head = next((e for e in lines if e[2] and _bare(heading).startswith(_bare(e[2]))), None)
        if head is None:
            continue
        first = next(
            (
                e
                for e in lines
                if e[1] > head[1] and e[2] and _bare(paragraph).startswith(_bare(e[2])[:12])
            ),
            None,
        )
        if first is not None:
            edges.append(Edge(anchor, number + 1, heading, head[0], first[0]))
    return edges


def _plain(fragment: str) -> str:
    # The plugin's section number is hidden in print (see pdf-theme/styles.scss).
    fragment = re.sub(r'<span class="pdf-order">.*?</span>', "", fragment)
    return squash(html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def heading_pairs(document: str) -> list[tuple[str, Pair]]:
    """(level, pair) for each heading of the handbook's HTML followed by a paragraph.

    Paragraphs that open with a styled span (a risk badge) are left out: the
    badge's padding moves their first word off the edge on purpose.
    """
    heading = re.compile(
        r'<(h[1-4]) id="([^"]+)">((?:(?!</?h\d).)*)</\1>\s*<p>(?!<span class=)(.*?)</p>',
        re.S,
    )
    return [(m[1], (m[2], _plain(m[3]), _plain(m[4]))) for m in heading.finditer(document)]


def off_edge(edges: list[Edge]) -> list[str]:
    # 1 pt: well under the 8 pt the plugin's indent made, above rounding.
    return [
        f"p. {e.page} {e.heading!r}: heading at {e.heading_x:.2f} pt, text at {e.text_x:.2f} pt"
        for e in edges
        if abs(e.heading_x - e.text_x) > 1
    ]


def test_headings_start_where_their_text_starts(built):
    """Chapter titles and sub-headings (h1 to h4) share the left edge of their paragraphs."""
    document = (built.site / HANDBOOK_HTML).read_text(encoding="utf-8")
    found = heading_pairs(document)
    levels = {anchor: level for level, (anchor, *_) in found}
    edges = left_edges(built.site / HANDBOOK, [pair for _, pair in found])
    measured = {levels[e.anchor] for e in edges}
    assert len(edges) > 100 and len({e.page for e in edges}) > 50, len(edges)
    assert {"h1", "h2", "h3", "h4"} <= measured
    bad = off_edge(edges)
    assert not bad, f"{len(bad)} of {len(edges)} headings off their text's edge: {bad[:5]}"


def test_pr_pdf_headings_start_where_their_text_starts(built):
    """The per-PR PDF has a stylesheet of its own (pr_print.css): one edge there too."""
    pairs = [
        ("start-here", "Start here", f"vllm-project/vllm-omni#{PR}"),
        ("files", "Files", "Riskiest and largest first"),
    ]
    edges = left_edges(built.site / "pdf" / f"pr-{PR}.pdf", pairs)
    assert len(edges) == len(pairs)
    assert not off_edge(edges)


# -- nothing remote ------------------------------------------------------------


class _RemoteResources(HTMLParser):
    """Collects URLs WeasyPrint would fetch: sources, stylesheets, @import and url()."""

    # Link relations that name a page rather than load a resource.
    PAGE_RELATIONS = {"canonical", "alternate", "prev", "next", "author", "license"}

    def __init__(self) -> None:
        super().__init__()
        self.remote: list[str] = []
        self._in_style = False

    def _check(self, url: str | None) -> None:
        if url and urlsplit(url.strip()).scheme in ("http", "https", "ftp"):
            self.remote.append(url)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            if not set((attrs.get("rel") or "").split()) <= self.PAGE_RELATIONS:
                self._check(attrs.get("href"))
        elif tag in ("img", "script", "iframe", "source", "video", "audio", "embed", "input"):
            self._check(attrs.get("src"))
        elif tag == "object":
            self._check(attrs.get("data"))
        self._in_style = tag == "style"
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", attrs.get("style") or ""):
            self._check(url)

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            for url in re.findall(r"@import\s+(?:url\()?\s*['\"]?([^'\");\s]+)", data):
                self._check(url)
            for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", data):
                self._check(url)


def test_pdf_html_loads_nothing_remote(built):
    """The HTML handed to WeasyPrint names no http(s) stylesheet, image, script or font."""
    parser = _RemoteResources()
    parser.feed((built.site / HANDBOOK_HTML).read_text(encoding="utf-8"))
    assert parser.remote == []


def test_build_made_no_network_attempt(built):
    assert built.network_log.exists(), "the network guard was not loaded"
    assert built.network_log.read_text(encoding="utf-8") == ""


# -- the per-PR PDF ------------------------------------------------------------


def test_pr_pdf_has_the_checklist_to_tick(built):
    path = built.site / "pdf" / f"pr-{PR}.pdf"
    reader = PdfReader(path)
    assert reader.metadata.title == f"vllm-project/vllm-omni#{PR}: {PR_TITLE}"
    text = pdftotext("-layout", path)
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", PR_TITLE) in flat
    for name in PR_FILES:
        assert name in flat, name
    for heading in (
        "Start here",
        "review effort",
        "Automated checks",
        "Checklist",
        "Files",
        "Notes",
    ):
        assert heading in text, heading
    assert text.count(BOX) >= 5


# -- print-only markup ---------------------------------------------------------


def _hook(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tab_panels_get_their_labels_hidden_on_screen():
    """Each panel of a content tab set (nested ones too) starts with its own label."""
    html = (
        '<div class="tabbed-set tabbed-alternate" data-tabs="1:2">'
        '<input checked id="__tabbed_1_1" name="__tabbed_1" type="radio">'
        '<input id="__tabbed_1_2" name="__tabbed_1" type="radio">'
        '<div class="tabbed-labels"><label for="__tabbed_1_1">NumPy</label>'
        '<label for="__tabbed_1_2"><code>torch</code></label></div>'
        '<div class="tabbed-content"><div class="tabbed-block"><p>a</p></div>'
        '<div class="tabbed-block">'
        '<div class="tabbed-set tabbed-alternate" data-tabs="2:1">'
        '<input checked id="__tabbed_2_1" name="__tabbed_2" type="radio">'
        '<div class="tabbed-labels"><label for="__tabbed_2_1">Inner</label></div>'
        '<div class="tabbed-content"><div class="tabbed-block"><p>c</p></div></div></div>'
        "</div></div></div>"
    )
    out = _hook("pdf_export").label_tab_panels(html)
    title = '<p class="rk-tab-title" hidden="">'
    assert re.findall(f"{title}(.*?)</p>", out) == ["NumPy", "<code>torch</code>", "Inner"]
    assert f'<div class="tabbed-block">{title}NumPy</p><p>a</p>' in out
    assert f'<div class="tabbed-block">{title}<code>torch</code></p><div class="tabbed-set' in out
    assert f'<div class="tabbed-block">{title}Inner</p><p>c</p>' in out


def test_pages_without_tabs_are_left_alone():
    html = '<p>No tabs <a href="x">here</a><br></p>'
    assert _hook("pdf_export").label_tab_panels(html) == html


def test_build_date_follows_source_date_epoch():
    assert build_date("1767225600") == "2026-01-01"


def test_guide_sections_are_numbered_once(page_texts):
    """Headings print the guide's own number only, never the plugin's on top ("3.2 1 Tensor ...")."""
    text = "\n".join(page_texts)
    assert "1 Tensor operations and numerical precision" in text
    assert not re.search(r"\d+\.\d+\.? +1 Tensor operations", text)


def test_section_cross_references_print_their_page(page_texts):
    """A "§2.1" link prints the page it points to, since paper cannot be clicked."""
    assert re.search(r"§2\.1 \(p\. \d+\)", "\n".join(page_texts))


def test_print_document_of_a_huge_pr_is_bounded():
    """3000 files with 3000-character names print as a summary, not a 9 MB document."""
    from hostile import hostile_pr

    from review_kit.analysis import analyse
    from review_kit.output.pdf import PRINT_MAX_FILES, PRINT_MAX_NAME, render_pr_print_html
    from review_kit.pr.model import pull_request_from_api
    from review_kit.site.links import SiteLinks

    pull, files = hostile_pr(total_files=3000)
    for i, entry in enumerate(files[20:], 20):
        entry["filename"] = f"vllm_omni/diffusion/{'y' * 3000}{i}.py"
    pr = pull_request_from_api(pull, files, "vllm-project/vllm-omni", "test")
    catalog = load_catalog()
    html_text = render_pr_print_html(
        analyse(pr, catalog), catalog, SiteLinks("prs/666/index.md"), "2026-11-29"
    )
    assert len(html_text) < 1_000_000
    assert f"lists {PRINT_MAX_FILES} of the 3000 changed files" in html_text
    assert "y" * (PRINT_MAX_NAME + 1) not in html_text
    assert "data-pr-json" not in html_text and "data-review-export" not in html_text
