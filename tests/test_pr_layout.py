"""The PR page in a reviewer's first minute, in Chromium: it fits a phone, nothing moves
after the first paint, every link of "Look at first" lands, and the first screens are
written to test-artifacts/ to look at.

Built once from corpus PRs 114 (2 files), 310 (5), 215 (34) and 19, and the hostile
PR of tests/hostile.py (3500 files, names built to break layouts and escaping).
"""

from __future__ import annotations

import json
import re

import pytest
from browser_helpers import (
    ARTIFACTS,
    build_site_with,
    launch,
    new_context,
    pr_payload,
    require_browser,
    serve,
)
from hostile import hostile_pr

pytestmark = pytest.mark.browser

CORPUS_PRS = [114, 310, 215, 19]
HOSTILE = 666
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
SCHEMES = ["light", "dark"]
# Web Vitals calls a cumulative layout shift up to 0.1 good; the page keeps to half.
MAX_CLS = 0.05
MIN_TEXT_PX = 12

# Every layout shift from the first paint on, as Chrome reports it (input-driven
# shifts excluded, as the metric does).
CLS_OBSERVER = """
window.__rkShift = 0;
window.__rkShifted = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__rkShift += entry.value;
    // What moved, to name in a failure.
    for (const source of entry.sources || []) {
      const node = source.node;
      window.__rkShifted.push(
        `${entry.value.toFixed(3)} at ${Math.round(entry.startTime)} ms: ` +
          (node && node.nodeType === 1 ? `${node.tagName}.${node.className}` : String(node)) +
          ` y ${source.previousRect.y} -> ${source.currentRect.y}`
      );
    }
  }
}).observe({ type: "layout-shift", buffered: true });
"""

# Elements with text of their own, on screen, in a font smaller than the floor.
SMALL_TEXT_JS = """(floor) => {
  const small = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < floor) small.push(`${el.tagName.toLowerCase()}.${el.className} ${size}px`);
  }
  return [...new Set(small)];
}"""

LOOK_FIRST_JS = """() => [...document.querySelectorAll(".rk-first-list > li")].map((li) => ({
  kind: li.className,
  severity: li.dataset.severity || "",
  text: li.innerText.replace(/\\s+/g, " ").trim(),
  top: Math.round(li.getBoundingClientRect().top),
}))"""


@pytest.fixture(scope="module")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch(p)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    """The four corpus pages and the hostile one, with contracts, reviewers and CI jobs."""
    tmp = tmp_path_factory.mktemp("pr-layout")
    payloads = [pr_payload(n) for n in CORPUS_PRS] + [hostile_pr(HOSTILE)]
    with serve(tmp / "site", cacheable=True) as url:
        build_site_with(tmp / "site", tmp / "cache", payloads, url, repositories=True)
        yield url


def open_pr(browser, site_url, number, scheme="light", viewport=PHONE):
    """A fresh page on PR ``number``, as a phone (touch, meta viewport) when narrow."""
    phone = viewport["width"] < 600
    context = new_context(
        browser, viewport=viewport, color_scheme=scheme, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(CLS_OBSERVER)
    # The hostile page lists 3500 files: on a busy machine it loads in seconds.
    page.goto(site_url + f"prs/{number}/", wait_until="load", timeout=60_000)
    page.wait_for_selector(".rk-toolbar .rk-page-progress")
    # Material's own scripts and the fonts settle after load.
    page.wait_for_timeout(500)
    return context, page, errors


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("number", [*CORPUS_PRS, HOSTILE])
def test_a_pr_page_fits_a_phone(browser, site_url, number, scheme):
    """No sideways scroll at 390 px (the device width, not innerWidth, which a phone widens
    to fit overflowing content), no text under 12 px, and nothing moves after first paint."""
    context, page, errors = open_pr(browser, site_url, number, scheme)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"PR {number} is {width} px wide on a 390 px phone"
    assert page.evaluate(SMALL_TEXT_JS, MIN_TEXT_PX) == []
    shift = page.evaluate("window.__rkShift")
    moved = page.evaluate("window.__rkShifted")
    assert shift <= MAX_CLS, f"PR {number}: cumulative layout shift {shift:.3f}: {moved}"
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("number", [*CORPUS_PRS, HOSTILE])
def test_a_pr_page_fits_a_desktop_column(browser, site_url, number):
    """At 1440 px no table or path runs out of the content column under the contents."""
    context, page, errors = open_pr(browser, site_url, number, viewport=DESKTOP)
    overflow = page.evaluate(
        """() => {
          const column = document.querySelector("article").getBoundingClientRect();
          return [...document.querySelectorAll("article table, article li, article p")]
            .filter((el) => el.getBoundingClientRect().right > column.right + 1)
            .map((el) => el.tagName + " " + el.innerText.slice(0, 60));
        }"""
    )
    assert overflow == []
    shift = page.evaluate("window.__rkShift")
    assert shift <= MAX_CLS, f"PR {number}: {shift:.3f}: {page.evaluate('window.__rkShifted')}"
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_first_screens(browser, site_url, scheme, viewport):
    """Each page's first screen shows something to look at; the screenshots go to
    test-artifacts/ with what "Look at first" lists, to read beside them."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = f"{viewport['width']}x{viewport['height']}"
    listed = {}
    for number in CORPUS_PRS:
        context, page, _ = open_pr(browser, site_url, number, scheme, viewport)
        leads = page.evaluate(LOOK_FIRST_JS)
        assert leads, f"PR {number}: nothing to look at first"
        assert leads[0]["top"] < viewport["height"], f"PR {number}: Look at first is below the fold"
        page.screenshot(
            path=str(ARTIFACTS / f"first-screen-pr-{number}-{scheme}-{size}.png"),
            animations="disabled",
        )
        listed[number] = [lead["text"] for lead in leads]
        context.close()
    (ARTIFACTS / f"first-screens-{scheme}-{size}.json").write_text(
        json.dumps(listed, indent=1, ensure_ascii=False), encoding="utf-8"
    )


def test_look_at_first_is_ranked_by_severity(browser, site_url):
    """PR 215: the P0 deserialisation findings come first, one line per rule and file listing
    its lines (pickle and torch.load on connector payloads); at most five entries; the title
    and description notes share one line at the end."""
    context, page, _ = open_pr(browser, site_url, 215, viewport=DESKTOP)
    leads = page.evaluate(LOOK_FIRST_JS)
    p0 = [lead for lead in leads if lead["severity"] == "P0"]
    assert p0 and leads[: len(p0)] == p0, "the P0 findings lead"
    assert all("serialization.py:" in lead["text"] for lead in p0)
    assert any("deserialisation" in lead["text"].lower() for lead in p0)
    lines = {
        int(n)
        for lead in p0
        for n in re.search(r"serialization\.py:([\d,]+)", lead["text"])[1].split(",")
    }
    assert lines == {69, 74, 75, 79}
    kinds = [lead["kind"] for lead in leads]
    assert sum(kind in ("rk-first-finding", "rk-first-check") for kind in kinds) <= 5
    severities = [lead["severity"] for lead in leads if lead["severity"]]
    assert severities == sorted(severities), "findings out of severity order"
    hygiene = [lead["text"] for lead in leads if "rk-first-hygiene" in lead["kind"]]
    assert len(hygiene) == 1 and hygiene[0].startswith("Paperwork: title, description")
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_look_first_link_lands_on_its_own_row(browser, site_url, viewport):
    """A check link opens the checks table at that check's row, below the sticky toolbar."""
    context, page, _ = open_pr(browser, site_url, 215, viewport=viewport)
    links = page.locator(".rk-first-check a, .rk-first-hygiene a")
    # Instant navigation makes the links absolute; the anchor is what matters.
    targets = [links.nth(i).get_attribute("href").partition("#")[2] for i in range(links.count())]
    assert len(targets) >= 2 and all(t.startswith("check-") for t in targets)
    for target in targets:
        page.evaluate("scrollTo(0, 0)")
        page.locator(f'.rk-first-list a[href$="#{target}"]').first.click()
        page.wait_for_timeout(300)
        at = page.evaluate(
            """(id) => {
              const row = document.getElementById(id);
              return {
                tag: row.tagName,
                top: row.getBoundingClientRect().top,
                toolbar: document.querySelector(".rk-toolbar").getBoundingClientRect().bottom,
                height: innerHeight,
              };
            }""",
            target,
        )
        assert at["tag"] == "TR"
        assert at["toolbar"] - 1 <= at["top"] < at["height"], (target, at)
    context.close()


def test_what_a_reviewer_does_not_need_yet_is_folded(browser, site_url):
    """PR 215: three suggested reviewers shown of 19, passed and not-applicable checks on one
    closed line, long path lists of the contracts folded."""
    context, page, _ = open_pr(browser, site_url, 215, viewport=DESKTOP)
    assert page.locator(".rk-reviewers tbody tr:visible").count() == 3
    more = page.locator(".rk-more-reviewers > summary").inner_text()
    assert more.endswith("more reviewers") and int(more.split()[0]) >= 10
    folded = page.locator(".rk-checks-folded")
    assert folded.get_attribute("open") is None
    summary = folded.locator("summary").inner_text()
    assert "passed" in summary and "not applicable" in summary
    assert page.locator(".rk-check-pass").first.is_hidden()
    assert page.locator(".rk-check-attention").first.is_visible()
    # The contracts table is Material's own table, not a bare one.
    styled = page.evaluate(
        "getComputedStyle(document.querySelector('.rk-contracts th')).fontWeight"
    )
    assert int(styled) >= 700
    assert page.locator(".rk-contracts details.rk-files").count() >= 1
    context.close()


def test_the_wire_format_item_is_open_when_pickle_is_replaced(browser, site_url):
    """PR 310 swaps pickle for msgpack in the connector serializer: its items are boxes."""
    context, page, _ = open_pr(browser, site_url, 310, viewport=DESKTOP)
    for item in ("conn-typed-wire", "conn-safe-serialization"):
        assert page.locator(f"#item-{item} input.rk-check").is_visible()
    context.close()


def test_back_to_top_and_code_links_keep_clear(browser, site_url):
    """Material's "Back to top" appears below the sticky toolbar, not over its progress;
    a code path's link underline sits below its underscores."""
    context, page, _ = open_pr(browser, site_url, 215, viewport=DESKTOP)
    page.mouse.wheel(0, 4000)
    page.wait_for_timeout(300)
    page.mouse.wheel(0, -400)
    page.wait_for_selector(".md-top:not([hidden])")
    page.wait_for_timeout(300)
    top = page.locator(".md-top").bounding_box()
    toolbar = page.locator(".rk-toolbar").bounding_box()
    assert top["y"] >= toolbar["y"] + toolbar["height"], (top, toolbar)
    link = page.locator("a.rk-code-link").first
    offset, size, line = link.evaluate(
        """(a) => {
          const style = getComputedStyle(a);
          return [parseFloat(style.textUnderlineOffset), parseFloat(style.fontSize),
                  style.textDecorationLine];
        }"""
    )
    # An underscore sits about 0.15em below the baseline; the line must pass under it.
    assert line == "none" or offset >= 0.25 * size, (offset, size, line)
    context.close()
