"""The interactive checklists in a real browser: persistence, progress, reset, per-PR
carry-over across head commits, review export and both colour schemes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser_helpers import (
    ARTIFACTS,
    COLOURS_JS,
    build_site,
    build_site_with,
    contrast,
    launch,
    new_context,
    pr_payload,
    require_browser,
    serve,
)

pytestmark = pytest.mark.browser

ARCH = "framework/architecture/"
FIRST_ITEM = "arch-engine-request-states"
PR = 19
# The index is built with several corpus PRs: 210 touches 13 areas in 186 files.
INDEX_PRS = [19, 210, 23, 55, 6]
PR_KEY = "rk:v1:pr:vllm-project/vllm-omni#19"
ENGINE_FILE = "vllm_omni/engine/__init__.py"
ENGINE_ITEMS = [
    "engine-arg-defaults",
    "engine-hot-path",
    "engine-kv-accounting",
    "engine-output-per-modality",
]
SCHED_ITEMS = ["sched-budget", "sched-free-on-finish", "sched-output-fields"]
# Items fire by their triggers: the two scheduler-budget items are triggered by
# the scheduler files, the output-fields item by output.py alone.
CHANGED_FILE = "vllm_omni/core/sched/scheduler.py"
REOPENED_ITEMS = ["sched-budget", "sched-free-on-finish"]
KEPT_ITEMS = ["sched-output-fields"]
# A file name built to break out of HTML or a Markdown code span if either were
# written unescaped; its handler would set a flag the test looks for. It also
# matches the scheduler items' trigger, so it joins their files.
HOSTILE = "vllm_omni/core/sched/`x`<img src=x onerror=window.__rkPwned=1>scheduler.py"


@pytest.fixture(scope="module")
def playwright_browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site with PR 19's page and a few others, built once for the module:
    (directory, served URL)."""
    tmp = tmp_path_factory.mktemp("browser-site")
    payloads = [pr_payload(n) for n in INDEX_PRS]
    with serve(tmp / "site") as url:
        build_site_with(tmp / "site", tmp / "cache", payloads, url)
        yield tmp / "site", url


@pytest.fixture(scope="module")
def site_url(site):
    return site[1]


@pytest.fixture
def page(playwright_browser):
    # A fresh context per test: its own, empty localStorage.
    context = new_context(playwright_browser, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def nav_link(page, path: str):
    # Instant navigation rewrites the sidebar's links to absolute URLs.
    return page.locator(f'nav.md-nav--primary a.md-nav__link[href$="/{path}"]').first


def mark_stale(page) -> None:
    # The URL changes before Material swaps the content in, so the old article
    # is marked to tell it apart from the new one.
    page.evaluate("document.querySelector('article').dataset.stale = '1'")


def follow(page, path: str) -> None:
    """Click a sidebar link and wait until the new page's checklists are set up."""
    mark_stale(page)
    nav_link(page, path).click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))
    page.wait_for_selector("article:not([data-stale]) .rk-toolbar")


def open_page(page, url: str) -> None:
    page.goto(url)
    # The toolbar exists once the script has initialised the page.
    page.wait_for_selector(".rk-toolbar")


def name_key(name: str) -> str:
    """The browser script's key for a file name: 32-bit FNV-1a over UTF-16 code units."""
    h = 0x811C9DC5
    for unit in name.encode("utf-16-le").hex(" ", 2).split():
        h ^= int(unit[2:4] + unit[0:2], 16)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return f"{h:08x}"


def box(page, item_id: str):
    return page.locator(f'li.rk-item[data-item-id="{item_id}"] input.rk-check')


def section_progress(page, item_id: str) -> str:
    return (
        page.locator(f'li.rk-item[data-item-id="{item_id}"]')
        .locator("xpath=ancestor::ul[contains(@class, 'rk-checklist')]/preceding-sibling::p[1]")
        .inner_text()
    )


def stored(page, key: str):
    return page.evaluate("(k) => localStorage.getItem(k)", key)


def test_tick_survives_reload_and_instant_navigation(page, site_url):
    open_page(page, site_url + ARCH)
    total = page.locator("input.rk-check").count()
    sections = page.locator("ul.rk-checklist")
    first_size = sections.first.locator("input.rk-check").count()
    assert page.locator(".rk-page-progress").inner_text() == f"0 of {total} ticked on this page"
    assert page.locator(".rk-page-progress").get_attribute("aria-live") == "polite"

    box(page, FIRST_ITEM).check()
    assert section_progress(page, FIRST_ITEM) == f"1 of {first_size} ticked"
    assert page.locator(".rk-page-progress").inner_text() == f"1 of {total} ticked on this page"
    # Keyed by page path and item id, never by position or host.
    assert stored(page, f"rk:v1:/{ARCH}:{FIRST_ITEM}") == "1"

    page.reload()
    page.wait_for_selector(".rk-toolbar")
    assert box(page, FIRST_ITEM).is_checked()
    assert page.locator(".rk-page-progress").inner_text() == f"1 of {total} ticked on this page"

    # A flag on window survives only if Material swaps the page instead of loading it.
    page.evaluate("window.__rkSamePage = true")
    follow(page, "framework/performance/")
    assert page.evaluate("window.__rkSamePage") is True, "navigation was not instant"
    assert page.locator("input.rk-check:checked").count() == 0

    follow(page, "framework/architecture/")
    assert page.evaluate("window.__rkSamePage") is True, "navigation was not instant"
    assert box(page, FIRST_ITEM).is_checked()
    # Only the toolbar for this page, not one per visit.
    assert page.locator(".rk-toolbar").count() == 1

    mark_stale(page)
    page.go_back()
    page.wait_for_selector("article:not([data-stale]) .rk-toolbar")
    assert page.locator("h1").first.get_attribute("id") == "performance-efficiency"
    mark_stale(page)
    page.go_forward()
    page.wait_for_selector("article:not([data-stale]) .rk-toolbar")
    assert page.url.endswith("/framework/architecture/")
    assert box(page, FIRST_ITEM).is_checked()


def test_pr_page_reached_by_clicking_keeps_its_data(page, site_url):
    """Home, the Pull requests tab, the index, #19: all instant navigation. Material
    re-creates every <script> in the content on such a swap, so data kept in one
    was lost (and run as JavaScript)."""
    console: list[str] = []

    def log_error(msg):
        # Requests to other hosts are aborted on purpose (new_context); those are fine.
        if msg.type == "error" and "net::ERR_FAILED" not in msg.text:
            console.append(msg.text)

    page.on("console", log_error)
    page.goto(site_url)
    page.evaluate("window.__rkSamePage = true")
    page.locator("a.md-tabs__link", has_text="Pull requests").click()
    page.wait_for_url(re.compile(r"/prs/$"))
    page.wait_for_selector(".rk-pr-index")
    mark_stale(page)
    page.locator(f'.rk-pr-index a[href$="/prs/{PR}/"]').first.click()
    page.wait_for_url(re.compile(rf"/prs/{PR}/$"))
    page.wait_for_selector("article:not([data-stale]) .rk-review")
    assert page.evaluate("window.__rkSamePage") is True, "navigation was not instant"

    box(page, "sched-budget").check()
    record = page.evaluate(f"JSON.parse(localStorage.getItem('{PR_KEY}'))")
    # Stored by name key (FNV-1a of the name), never by the name itself.
    assert name_key(ENGINE_FILE) in record["files"] and ENGINE_FILE not in json.dumps(record)
    assert record["items"]["sched-budget"], record

    page.locator("button.rk-copy").click()
    page.wait_for_selector(".rk-status >> text=Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert f"](https://github.com/vllm-project/vllm-omni/pull/{PR}/files#diff-" in copied

    # An anchor jump on the swapped page, then away and back by the same route.
    page.locator("a.rk-why").first.click()
    page.go_back()
    page.wait_for_selector("article .rk-review")
    assert box(page, "sched-budget").is_checked()
    assert not console, f"console errors: {console}"


# Words of the index's visible cells split over two lines; a break after a
# hyphen or a slash is a fair one, so those end a word.
SPLIT_WORDS_JS = """
(table) => {
  const split = [];
  const walker = document.createTreeWalker(table.tBodies[0], NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest(".rk-offscreen")) continue;
    for (const m of node.textContent.matchAll(/[^\\s\\/-]+/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (tops.size > 1) split.push(m[0]);
    }
  }
  return split;
}
"""


def index_column(page, column: str) -> list[str]:
    return page.locator(f".rk-pr-index tbody td.rk-col-{column}").all_inner_texts()


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
def test_pr_index_reads_sorts_and_fits(playwright_browser, site_url, width, height):
    context = new_context(playwright_browser, viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(site_url + "prs/")
    page.wait_for_selector(".rk-pr-index button.rk-sort")
    table = page.locator(".rk-pr-index table")
    rows = page.locator(".rk-pr-index tbody tr")
    assert rows.count() == len(INDEX_PRS)

    # No word broken in the middle ("component s"), at either size.
    assert table.evaluate(SPLIT_WORDS_JS) == []
    # PR 210 touches over a dozen areas: its row shows the three riskiest and "+N",
    # with the other N names kept for screen readers.
    row_210 = rows.filter(has=page.locator('a[href$="/prs/210/"]'))
    areas = row_210.locator("td.rk-col-areas")
    more = areas.locator(".rk-more").text_content()
    hidden = int(re.match(r"\+(\d+):", more).group(1))
    assert hidden >= 10 and "Documentation and examples" in more
    shown = areas.evaluate("(td) => td.firstChild.textContent")
    assert shown.count(", ") == 2 and "Documentation" not in shown
    assert row_210.bounding_box()["height"] < 150  # was about 300 px with all names
    # The title links to the PR's page.
    title = row_210.locator("td.rk-col-title a")
    assert title.inner_text() == "docs: add FLUX 2 offline inference docs"
    assert title.get_attribute("href").endswith("210/")

    # Every row's risk and effort are in view: the table does not scroll sideways
    # (Material lets a wide table scroll inside itself) and neither does the page.
    assert table.evaluate("(t) => t.scrollWidth - t.clientWidth") <= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    right = min(
        width, page.locator(".rk-pr-index").bounding_box()["x"] + table.bounding_box()["width"]
    )
    for column in ("risk", "effort", "pr", "title"):
        for cell in page.locator(f".rk-pr-index tbody td.rk-col-{column}").all():
            box_ = cell.bounding_box()
            assert box_ and box_["x"] >= 0 and box_["x"] + box_["width"] <= right + 1, (
                column,
                box_,
            )

    # Sortable by number, title, files, risk and effort, from the keyboard too.
    headers = page.locator(".rk-pr-index thead th:has(button.rk-sort)")
    assert [t.split()[0] for t in headers.all_inner_texts()] == [
        "PR",
        "Title",
        "Files",
        "Risk",
        "Effort",
    ]
    files_button = page.locator(".rk-pr-index th.rk-col-files button")
    files_button.focus()
    page.keyboard.press("Enter")
    files = [int(t.split()[-1]) for t in index_column(page, "files")]
    assert files == sorted(files, reverse=True) and files[0] == 186
    assert page.locator(".rk-pr-index th.rk-col-files").get_attribute("aria-sort") == "descending"
    page.keyboard.press("Enter")
    files = [int(t.split()[-1]) for t in index_column(page, "files")]
    assert files == sorted(files)
    assert page.locator(".rk-pr-index th.rk-col-files").get_attribute("aria-sort") == "ascending"
    page.locator(".rk-pr-index th.rk-col-pr button").click()
    numbers = [int(t.lstrip("#")) for t in index_column(page, "pr")]
    assert numbers == sorted(INDEX_PRS, reverse=True)
    assert page.locator(".rk-pr-index th.rk-col-files").get_attribute("aria-sort") is None
    page.locator(".rk-pr-index th.rk-col-title button").click()
    titles = [t.lower() for t in index_column(page, "title")]
    assert titles == sorted(titles)
    page.locator(".rk-pr-index th.rk-col-risk button").click()
    ranks = {"critical": 2, "high": 1, "normal": 0}
    risks = [ranks[t.strip()] for t in index_column(page, "risk")]
    assert risks == sorted(risks, reverse=True)
    page.locator(".rk-pr-index th.rk-col-effort button").click()
    efforts = [int(t.split("/")[0]) for t in index_column(page, "effort")]
    assert efforts == sorted(efforts, reverse=True)

    # Screenshots to look at, in both palettes, sorted by risk.
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.reload()
        page.wait_for_selector(".rk-pr-index button.rk-sort")
        page.screenshot(
            path=str(ARTIFACTS / f"pr-index-{scheme}-{width}x{height}.png"),
            full_page=True,
            animations="disabled",
        )
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def test_ticks_reach_other_tabs(page, site_url):
    open_page(page, site_url + ARCH)
    other = page.context.new_page()
    open_page(other, site_url + ARCH)
    box(page, FIRST_ITEM).check()
    # The storage event updates the other tab without a reload.
    other.wait_for_selector(f'li.rk-item[data-item-id="{FIRST_ITEM}"] input:checked')
    assert other.locator(".rk-page-progress").inner_text().startswith("1 of ")


def test_keyboard_space_toggles_with_visible_focus(page, site_url):
    open_page(page, site_url + ARCH)
    target = box(page, FIRST_ITEM)
    target.focus()
    page.keyboard.press("Space")
    assert target.is_checked()
    assert section_progress(page, FIRST_ITEM).startswith("1 of ")
    # Keyboard focus rings the whole item, not only the small checkbox.
    item = page.locator(f'li.rk-item[data-item-id="{FIRST_ITEM}"]')
    assert item.evaluate("(el) => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Space")
    assert not target.is_checked()
    assert section_progress(page, FIRST_ITEM).startswith("0 of ")
    # Tab reaches the controls the script adds, which are real buttons.
    reset = page.locator(".rk-toolbar button.rk-reset")
    assert reset.get_attribute("type") == "button"


def test_reset_asks_then_clears(page, site_url):
    open_page(page, site_url + ARCH)
    ids = page.locator("input.rk-check").evaluate_all(
        "(els) => els.slice(0, 3).map((e) => e.dataset.itemId)"
    )
    for item_id in ids:
        box(page, item_id).check()

    messages: list[str] = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.locator("button.rk-reset").click()
    assert messages and "Clear" in messages[0]
    assert page.locator("input.rk-check:checked").count() == 3

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("button.rk-reset").click()
    assert page.locator("input.rk-check:checked").count() == 0
    assert page.locator(".rk-page-progress").inner_text().startswith("0 of ")
    keys = page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('rk:v1:'))")
    assert keys == []
    page.reload()
    page.wait_for_selector(".rk-toolbar")
    assert page.locator("input.rk-check:checked").count() == 0


def outcome(page, item_id: str, state: str):
    return page.locator(f'li.rk-item[data-item-id="{item_id}"] button.rk-outcome-{state}')


def test_copy_and_download_review(page, site_url):
    open_page(page, site_url + f"prs/{PR}/")
    box(page, "sched-budget").check()
    box(page, "question-functionality-1").check()
    # A problem with a note and an item that does not apply, by keyboard only.
    box(page, "sched-free-on-finish").focus()
    page.keyboard.press("Tab")  # past the guide link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Problem"
    page.keyboard.press("Space")
    problem = outcome(page, "sched-free-on-finish", "problem")
    assert problem.get_attribute("aria-pressed") == "true"
    # Marking a problem puts the cursor in its note.
    page.keyboard.type("abort leaks blocks <!-- see free()")
    outcome(page, "question-performance-1", "na").focus()
    page.keyboard.press("Enter")
    note = "Looks good overall; please add a test for `abort`."
    page.locator("textarea.rk-note").fill(note)
    total = page.locator("input.rk-check").count()
    progress = f"2 of {total} ticked on this page, 1 problem, 1 not applicable"
    assert page.locator(".rk-page-progress").inner_text() == progress
    # The note, the problem and the n/a are saved with the PR and come back after a reload.
    page.reload()
    page.wait_for_selector(".rk-toolbar")
    assert page.locator("textarea.rk-note").input_value() == note
    assert problem.get_attribute("aria-pressed") == "true"
    assert (
        page.locator("input.rk-problem-note").input_value() == "abort leaks blocks <!-- see free()"
    )
    assert outcome(page, "question-performance-1", "na").get_attribute("aria-pressed") == "true"
    assert page.locator(".rk-page-progress").inner_text() == progress

    page.locator("button.rk-copy").click()
    page.wait_for_selector(".rk-status >> text=Copied")
    copied = page.evaluate("navigator.clipboard.readText()")

    # Plain text, never task boxes that GitHub would make clickable.
    assert not re.search(r"^- \[[ x]\]", copied, re.MULTILINE)
    # The note first, then findings, problems, hygiene and the folded checklist;
    # no "0 of N" line, no empty "(§)".
    assert copied.startswith(note + "\n\nReviewed with the vLLM-Omni review kit at `eb006f6`")
    assert "(§)" not in copied and f"of {total}" not in copied
    lead, folded = copied.split("\n<details>\n", 1)
    order = [
        lead.index("### Findings"),
        lead.index("### Problems\n\n- **Scheduling:** Every path that finishes"),
        lead.index("**Hygiene:**"),
    ]
    assert order == sorted(order)
    assert f"](https://github.com/vllm-project/vllm-omni/pull/{PR}/files#diff-" in lead
    # A quoted line whose "<" cannot open a comment that hides the rest.
    assert "\n  > abort leaks blocks &lt;\\!\\-\\- see free\\(\\)\n" in lead
    assert folded.startswith("<summary>Checklist: ")
    assert ": 2 done, 1 problem, 1 n/a</summary>" in folded
    assert "- ✓ done: The token and request budgets per step are respected" in folded
    assert "- ✗ problem: Every path that finishes, aborts or preempts a request" in folded
    assert "- · open: New fields on the scheduler output are filled" in folded
    assert "- ✓ done: What problem does the PR solve" in folded
    assert "- – n/a: Does the hot path (scheduler step, model runner, denoising loop" in folded
    assert "**Scheduling**" in folded
    assert "**Key questions**" in folded and "**Functionality**" in folded
    assert folded.rstrip().endswith("</details>")

    with page.expect_download() as info:
        page.locator("button.rk-download").click()
    download = info.value
    assert download.suggested_filename == f"review-pr-{PR}.md"
    assert Path(download.path()).read_text(encoding="utf-8") == copied


def test_github_review_json_with_a_line_note(page, site_url):
    """The export panel offers the GitHub review too: the build's JSON with its body
    filled, and a note tied to a line the diff shows as one more inline comment."""
    open_page(page, site_url + f"prs/{PR}/")
    page.locator("textarea.rk-note").fill("Thanks @alice, nearly there.")
    panel = page.locator(".rk-line-notes")
    panel.locator("select.rk-line-where").select_option(index=0)  # the scheduler finding
    panel.locator("input.rk-line-text").fill("narrow this to `ValueError` #12")
    panel.locator("button.rk-line-add").click()
    assert "comment on that line" in panel.locator(".rk-line-feedback").inner_text()
    panel.locator("select.rk-line-where").select_option("")
    panel.locator("input.rk-line-place").fill("vllm_omni/core/sched/output.py:999")
    panel.locator("input.rk-line-text").fill("not a line of the diff")
    panel.locator("button.rk-line-add").click()
    assert "goes in the review's body" in panel.locator(".rk-line-feedback").inner_text()
    assert panel.locator("li.rk-line-note").count() == 2
    page.locator("select.rk-format").select_option("json")
    hint = page.locator(".rk-post-hint code").inner_text()
    assert hint == (
        f"gh api repos/vllm-project/vllm-omni/pulls/{PR}/reviews --input review-pr-{PR}.json"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".rk-review").screenshot(
        path=str(ARTIFACTS / "review-out-export-panel.png"), animations="disabled"
    )
    with page.expect_download() as info:
        page.locator("button.rk-download").click()
    assert info.value.suggested_filename == f"review-pr-{PR}.json"
    review = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert review["commit_id"].startswith("eb006f6") and review["event"] == "COMMENT"
    assert review["body"].startswith("Thanks @alice, nearly there.\n")  # the reviewer's own words
    assert "\u0000" not in review["body"]
    assert "- `vllm_omni/core/sched/output.py:999`: not a line of the diff" in review["body"]
    assert [(c["path"], c["line"]) for c in review["comments"]] == [
        ("vllm_omni/core/sched/scheduler.py", 44),
        ("vllm_omni/core/sched/scheduler.py", 44),
    ]
    assert review["comments"][1]["body"].endswith("narrow this to \\`ValueError\\` `#12`")
    (ARTIFACTS / "review-out").mkdir(exist_ok=True)
    (ARTIFACTS / "review-out" / "pr19-browser-github-review.json").write_text(
        json.dumps(review, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    page.locator("select.rk-format").select_option("md")
    with page.expect_download() as info:
        page.locator("button.rk-download").click()
    markdown = Path(info.value.path()).read_text(encoding="utf-8")
    assert "### Notes on lines" in markdown and "`#12`" in markdown
    (ARTIFACTS / "review-out" / "pr19-browser-review-export.md").write_text(
        markdown, encoding="utf-8"
    )


def test_planted_storage_neither_breaks_the_page_nor_leaks_into_the_export(page, site_url):
    """Storage is anyone's on this origin: wrong types and markup are dropped, never rendered."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_page(page, site_url + f"prs/{PR}/")
    head = page.locator(".rk-pr").get_attribute("data-head-sha")
    planted = {
        "head_sha": head,
        "ticked": ["sched-budget", None],
        "problems": {"sched-free-on-finish": {"x": 1}},
        "na": [None],
        "reopened": {
            "sched-output-fields": {
                "since": "eb006f6",
                "files": [
                    None,
                    {
                        "file": "a.py",
                        "how": "</details>\n\n@org/team LGTM ![t](https://t.example/p.gif)",
                    },
                ],
            },
            "sched-budget": {"since": "<b>", "files": [None]},
        },
        "note": ["not", "text"],
        "lineNotes": [None, {"at": 3, "text": "x"}],
        "files": [None],
    }
    page.evaluate("([k, v]) => localStorage.setItem(k, JSON.stringify(v))", [PR_KEY, planted])
    page.reload()
    page.wait_for_selector(".rk-review")
    assert box(page, "sched-budget").is_checked()
    assert page.locator(".rk-reopened").count() == 0
    with page.expect_download() as info:
        page.locator("button.rk-download").click()
    markdown = Path(info.value.path()).read_text(encoding="utf-8")
    assert "@org/team" not in markdown and "LGTM" not in markdown and "t.example" not in markdown
    assert markdown.count("<details>") == markdown.count("</details>")
    assert not errors, errors


def test_copy_falls_back_without_clipboard_api(page, site_url):
    # Without the async clipboard API the script uses a textarea and execCommand.
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    open_page(page, site_url + f"prs/{PR}/")
    page.locator("button.rk-copy").click()
    page.wait_for_selector(".rk-status >> text=Copied")
    assert page.locator("textarea[aria-hidden='true']").count() == 0


def test_new_head_reopens_items_whose_files_changed(playwright_browser, tmp_path):
    pull, files = pr_payload(PR)
    site = tmp_path / "site"
    old_head = pull["head"]["sha"]
    with serve(site) as url:
        build_site(site, tmp_path / "cache", pull, files, url)
        context = new_context(playwright_browser, permissions=["clipboard-read", "clipboard-write"])
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        open_page(page, url + f"prs/{PR}/")
        for check in page.locator("input.rk-check").all():
            check.check()
        questions = [
            q.get_attribute("data-item-id")
            for q in page.locator('li.rk-item[data-item-id^="question-"]').all()
        ]
        total = page.locator("input.rk-check").count()
        assert (
            page.locator(".rk-page-progress").inner_text()
            == f"{total} of {total} ticked on this page"
        )

        # The PR moves on: a new head where one file's blob changed and a file was added.
        new_head = "f" * 40
        pull["head"]["sha"] = new_head
        for entry in files:
            if entry["filename"] == CHANGED_FILE:
                entry["sha"] = "0" * 40
                entry["patch"] = entry["patch"].replace("\n+", "\n+ ", 1)
        files.append({**files[-1], "filename": HOSTILE, "sha": "1" * 40, "status": "added"})
        pull["changed_files"] = len(files)
        build_site(site, tmp_path / "cache", pull, files, url)

        page.reload()
        page.wait_for_selector(".rk-toolbar")
        assert page.locator(".rk-pr").get_attribute("data-head-sha") == new_head
        short = old_head[:7]
        expected = f"reopened: {CHANGED_FILE} changed since {short}; {HOSTILE} added since {short}"
        for item_id in REOPENED_ITEMS:
            assert not box(page, item_id).is_checked(), item_id
            note = page.locator(f'li.rk-item[data-item-id="{item_id}"] .rk-reopened')
            assert note.inner_text() == expected + " compare the changes"
            # The same compare view of the two heads as the review tool's --since.
            assert note.locator("a.rk-compare").get_attribute("href") == (
                f"https://github.com/vllm-project/vllm-omni/pull/{PR}/files/{old_head}..{new_head}"
            )
        for item_id in KEPT_ITEMS:
            assert box(page, item_id).is_checked(), item_id
            assert page.locator(f'li.rk-item[data-item-id="{item_id}"] .rk-reopened').count() == 0
        # Questions ticked at the old head stay ticked (the added file may make
        # a new question relevant, which starts unticked).
        for question in questions:
            assert box(page, question).is_checked(), question
        carried = page.locator(".rk-carry").inner_text()
        assert f"from head {short}" in carried and "2 reopened" in carried
        # The hostile name stayed text: no element was made from it, no handler ran.
        assert page.locator("article img[src='x']").count() == 0
        assert page.evaluate("window.__rkPwned") is None

        page.locator("button.rk-copy").click()
        page.wait_for_selector(".rk-status >> text=Copied")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert f"``{HOSTILE}`` added since `{short}`" in copied
        assert "- · open: The token and request budgets per step" in copied

        # The reopened state is stored for the new head and survives a reload.
        page.reload()
        page.wait_for_selector(".rk-toolbar")
        first = REOPENED_ITEMS[0]
        assert page.locator(f'li.rk-item[data-item-id="{first}"] .rk-reopened').count() == 1
        assert page.locator(".rk-carry").count() == 0
        # Ticking it again clears the note: it was looked at for the new head.
        box(page, first).check()
        assert page.locator(f'li.rk-item[data-item-id="{first}"] .rk-reopened').count() == 0
        record = page.evaluate(
            "JSON.parse(localStorage.getItem('rk:v1:pr:vllm-project/vllm-omni#19'))"
        )
        assert record["head_sha"] == new_head
        assert record["files"][name_key(CHANGED_FILE)] == "0" * 40
        context.close()
        assert not errors, f"JavaScript errors: {errors}"


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pr_page_reads_in_both_schemes(playwright_browser, site_url, scheme, width, height):
    context = new_context(
        playwright_browser, color_scheme=scheme, viewport={"width": width, "height": height}
    )
    page = context.new_page()
    open_page(page, site_url + f"prs/{PR}/")
    body_scheme = page.locator("body").get_attribute("data-md-color-scheme")
    assert body_scheme == ("slate" if scheme == "dark" else "default")
    box(page, "sched-budget").check()
    page.locator("textarea.rk-note").fill("Screenshot note.")
    outcome(page, "sched-free-on-finish", "problem").click()
    page.locator("input.rk-problem-note").fill("abort path leaks blocks")
    outcome(page, "question-performance-1", "na").click()

    # Text the script adds must stay readable on the scheme's own backgrounds.
    selectors = (".rk-page-progress", ".rk-btn", ".rk-progress-text", ".rk-note")
    selectors += (".rk-outcome[aria-pressed='true']", ".rk-problem-note")
    for selector in selectors:
        colours = page.locator(selector).first.evaluate(COLOURS_JS)
        ratio = contrast(tuple(colours["fg"]), tuple(colours["bg"]))
        assert ratio >= 4.5, f"{selector} contrast {ratio:.2f} in {scheme}"

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"pr-{PR}-{scheme}-{width}x{height}.png"
    page.screenshot(path=str(shot), full_page=True, animations="disabled")
    context.close()
    assert shot.stat().st_size > 20_000


START_HERE_JS = """() => {
  const top = (e) => e ? Math.round(e.getBoundingClientRect().top + scrollY) : null;
  const start = document.querySelector('.rk-start');
  return {
    end: Math.round(start.getBoundingClientRect().bottom + scrollY),
    firstLook: top(document.querySelector('.rk-first-finding, .rk-first-check')),
    readFirst: top(document.querySelector('.rk-read-first li')),
    toc: document.querySelectorAll('.md-nav--secondary a.md-nav__link').length,
  };
}"""


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
@pytest.mark.parametrize("number", [19, 210])
def test_start_here_is_the_first_screen(playwright_browser, site_url, number, width, height):
    """Title, effort, what to look at and the files to read first, before any scrolling."""
    results = {}
    for scheme in ("light", "dark"):
        context = new_context(
            playwright_browser, color_scheme=scheme, viewport={"width": width, "height": height}
        )
        page = context.new_page()
        open_page(page, site_url + f"prs/{number}/")
        heading = page.locator("article h1").inner_text()
        assert heading.startswith(f"Pull request #{number}: ") and len(heading) > 25
        sizes = page.evaluate(START_HERE_JS)
        # Something to look at is on the first screen, on a phone too.
        assert sizes["firstLook"] is not None and sizes["firstLook"] < height, sizes
        if width >= 1440:
            assert sizes["readFirst"] < height and sizes["end"] < height * 1.2, sizes
        assert sizes["toc"] >= 8, "the table of contents lists the page's sections"
        # The toolbar with Copy stays on screen after scrolling far down.
        page.mouse.wheel(0, 6000)
        page.wait_for_timeout(200)
        copy_top = page.locator("button.rk-copy-top").bounding_box()
        assert copy_top is not None and 0 <= copy_top["y"] < height
        page.evaluate("scrollTo(0, 0)")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(
            path=str(ARTIFACTS / f"start-here-pr-{number}-{scheme}-{width}x{height}.png"),
            animations="disabled",
        )
        results[scheme] = sizes
        context.close()
    (ARTIFACTS / f"start-here-pr-{number}-{width}x{height}.json").write_text(
        json.dumps(results), encoding="utf-8"
    )


ANCHOR_JS = """(id) => ({
  heading: document.getElementById(id).getBoundingClientRect().top,
  toolbar: document.querySelector('.rk-toolbar').getBoundingClientRect().bottom,
})"""


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
def test_anchored_heading_lands_below_the_sticky_toolbar(
    playwright_browser, site_url, width, height
):
    """Opening a PR page at #findings, or clicking the contents, shows the heading, not the toolbar over it."""
    context = new_context(playwright_browser, viewport={"width": width, "height": height})
    page = context.new_page()
    open_page(page, site_url + f"prs/{PR}/#findings")
    page.wait_for_timeout(200)
    at = page.evaluate(ANCHOR_JS, "findings")
    assert at["heading"] >= at["toolbar"], at
    page.goto(site_url + f"prs/{PR}/#checklist")
    page.wait_for_selector(".rk-toolbar")
    page.wait_for_timeout(200)
    at = page.evaluate(ANCHOR_JS, "checklist")
    assert at["heading"] >= at["toolbar"], at
    context.close()


def test_a_malformed_anchor_is_no_script_error(page, site_url):
    """A hand-edited URL with a broken %-escape opens the page; the fixture fails on JS errors."""
    open_page(page, site_url + f"prs/{PR}/#%E0%A4%A")
    assert page.locator(".rk-toolbar").count() == 1
