"""The interactive checklists in a real browser: persistence, progress, reset, per-PR
carry-over across head commits, review export and both colour schemes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_helpers import (
    ARTIFACTS,
    COLOURS_JS,
    build_site,
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
    """The site with PR 19's page, built once for the module: (directory, served URL)."""
    tmp = tmp_path_factory.mktemp("browser-site")
    pull, files = pr_payload(PR)
    with serve(tmp / "site") as url:
        build_site(tmp / "site", tmp / "cache", pull, files, url)
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


def test_ticks_reach_other_tabs(page, site_url):
    open_page(page, site_url + ARCH)
    other = page.context.new_page()
    open_page(other, site_url + ARCH)
    box(page, FIRST_ITEM).check()
    # The storage event updates the other tab without a reload.
    other.wait_for_selector(f'li.rk-item[data-item-id="{FIRST_ITEM}"] input:checked')
    assert other.locator(".rk-page-progress").inner_text().startswith("1 of ")


def test_file_url_keys_by_page_path(page, site):
    directory, _ = site
    # Opened from disk (no server, no instant navigation), the key is the same page path.
    url = (directory / ARCH / "index.html").as_uri()
    open_page(page, url)
    box(page, FIRST_ITEM).check()
    page.reload()
    page.wait_for_selector(".rk-toolbar")
    assert box(page, FIRST_ITEM).is_checked()
    assert stored(page, f"rk:v1:/{ARCH}:{FIRST_ITEM}") == "1"


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


def test_copy_and_download_review(page, site_url):
    open_page(page, site_url + f"prs/{PR}/")
    box(page, "sched-budget").check()
    box(page, "question-functionality-1").check()
    note = "Looks good overall; please add a test for `abort`."
    page.locator("textarea.rk-note").fill(note)
    # The note is saved with the PR and comes back after a reload.
    page.reload()
    page.wait_for_selector(".rk-toolbar")
    assert page.locator("textarea.rk-note").input_value() == note

    page.locator("button.rk-copy").click()
    page.wait_for_selector(".rk-status >> text=Copied")
    copied = page.evaluate("navigator.clipboard.readText()")

    assert f"](https://github.com/vllm-project/vllm-omni/pull/{PR})" in copied
    assert "vllm-project/vllm-omni\\#19" in copied
    assert "- [x] The token and request budgets per step are respected" in copied
    assert "- [ ] Every path that finishes, aborts or preempts a request" in copied
    assert "- [x] What problem does the PR solve" in copied
    assert "**Scheduling**" in copied
    assert "### Key questions" in copied and "**Functionality**" in copied
    # Item text is the kit's own Markdown, copied as written.
    assert "- [ ] New fields on the scheduler output are filled" in copied
    assert copied.rstrip().endswith(note)
    total = page.locator("input.rk-check").count()
    assert f"2 of {total} items ticked" in copied

    with page.expect_download() as info:
        page.locator("button.rk-download").click()
    download = info.value
    assert download.suggested_filename == f"review-pr-{PR}.md"
    assert Path(download.path()).read_text(encoding="utf-8") == copied


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
            assert note.inner_text() == expected
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
        assert "- [ ] The token and request budgets per step" in copied

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
        assert record["files"][CHANGED_FILE] == "0" * 40
        context.close()
        assert not errors, f"JavaScript errors: {errors}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pr_page_reads_in_both_schemes(playwright_browser, site_url, scheme):
    context = new_context(playwright_browser, color_scheme=scheme)
    page = context.new_page()
    open_page(page, site_url + f"prs/{PR}/")
    body_scheme = page.locator("body").get_attribute("data-md-color-scheme")
    assert body_scheme == ("slate" if scheme == "dark" else "default")
    box(page, "sched-budget").check()
    page.locator("textarea.rk-note").fill("Screenshot note.")

    # Text the script adds must stay readable on the scheme's own backgrounds.
    for selector in (".rk-page-progress", ".rk-btn", ".rk-progress-text", ".rk-note"):
        colours = page.locator(selector).first.evaluate(COLOURS_JS)
        ratio = contrast(tuple(colours["fg"]), tuple(colours["bg"]))
        assert ratio >= 4.5, f"{selector} contrast {ratio:.2f} in {scheme}"

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"pr-{PR}-{scheme}.png"
    page.screenshot(path=str(shot), full_page=True, animations="disabled")
    context.close()
    assert shot.stat().st_size > 20_000
