"""The copy of the site that opens from disk (`make offline`): built, zipped, browsed from file://.

Chromium opens the files with no server: navigation must work, search and the
checklists too (their modules bundled into one classic script by esbuild).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest
from browser_helpers import launch, new_context, require_browser
from conftest import REPO, build_site, offline_guard

pytestmark = pytest.mark.build

ESBUILD = REPO / "tools" / "esbuild"
ARCH = "framework/architecture.html"
FIRST_ITEM = "arch-engine-request-states"


def install_esbuild() -> None:
    """The offline build bundles with esbuild; install it from the lock file on first use."""
    if (ESBUILD / "node_modules" / ".bin" / "esbuild").exists():
        return
    if not shutil.which("npm"):
        pytest.fail("npm is needed to install esbuild (apt-get install nodejs npm)")
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--silent"],
        cwd=ESBUILD,
        check=True,
        capture_output=True,
        timeout=300,
    )


@dataclass
class Offline:
    site: Path
    archive: Path
    network_log: Path


@pytest.fixture(scope="module")
def offline(tmp_path_factory) -> Offline:
    """What `make offline` makes, in a temporary folder: the site and its zip."""
    install_esbuild()
    work = tmp_path_factory.mktemp("offline")
    site = work / "site-offline"
    archive = work / "site-offline.zip"
    network_log = work / "network.log"
    result = build_site(
        site,
        prs="19",
        api_url="http://127.0.0.1:9",
        cache=work / "http-cache",
        config=REPO / "mkdocs-offline.yml",
        cwd=work,
        REVIEW_PDF=None,
        **offline_guard(network_log),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    pack = [sys.executable, "-m", "zipfile", "-c", str(archive), f"{site}/"]
    result = subprocess.run(pack, cwd=work, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return Offline(site, archive, network_log)


def test_links_name_files_and_instant_navigation_is_off(offline):
    html = (offline.site / "index.html").read_text(encoding="utf-8")
    assert 'href="quick-start.html"' in html
    config = json.loads(re.search(r'id="__config"[^>]*>(.*?)</script>', html, re.S)[1])
    assert not [f for f in config["features"] if f.startswith("navigation.instant")]
    # The shim must run before Material's bundle creates the search worker.
    assert html.index("assets/offline-search.js") < html.index("assets/javascripts/bundle.")


def test_checklists_load_as_one_classic_script(offline):
    html = (offline.site / ARCH).read_text(encoding="utf-8")
    # Chromium refuses ES modules from file://, so no page may ask for one.
    assert 'type="module"' not in html
    assert "assets/checklists/main.js" not in html
    assert '<script src="../assets/checklists/offline.js"></script>' in html
    bundle = (offline.site / "assets" / "checklists" / "offline.js").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(import|export)\b", bundle, re.M)


def test_search_index_is_a_script(offline):
    script = (offline.site / "search" / "search_index.js").read_text(encoding="utf-8")
    data = (offline.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert script == f"var __index = {data};\n"


def test_zip_holds_the_site_in_one_folder(offline):
    with zipfile.ZipFile(offline.archive) as archive:
        names = set(archive.namelist())
    assert "site-offline/index.html" in names
    assert "site-offline/search/search_index.js" in names
    assert "site-offline/assets/offline-search.js" in names


def test_build_made_no_network_attempt(offline):
    assert offline.network_log.read_text(encoding="utf-8") == ""


def test_browsing_and_search_work_from_file_urls(offline):
    require_browser()
    from playwright.sync_api import expect, sync_playwright

    start = (offline.site / "index.html").as_uri()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = new_context(browser).new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(start)

            page.locator("nav.md-tabs a", has_text="Quick start").click()
            page.wait_for_url("**/quick-start.html")
            expect(page.locator("article h1")).to_contain_text("Quick start")

            page.locator("input.md-search__input").click()
            page.keyboard.type("KV cache")
            first = page.locator(".md-search-result__item a").first
            expect(first).to_be_visible()
            target = first.get_attribute("href")
            assert urlsplit(target).scheme == "file"
            assert Path(url2pathname(urlsplit(target).path)).is_file(), target
            first.click()
            page.wait_for_url(re.compile(r"^file://.*\.html"))
            expect(page.locator("article h1")).to_be_visible()
            assert errors == []
        finally:
            browser.close()


def open_with_ticks(page, url: str) -> None:
    page.goto(url)
    # The toolbar exists once the script has set up the page's checklists.
    page.wait_for_selector(".rk-toolbar")


def box(page, item_id: str):
    return page.locator(f'li.rk-item[data-item-id="{item_id}"] input.rk-check')


def test_ticks_persist_from_file_urls(offline):
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = new_context(browser).new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            open_with_ticks(page, (offline.site / ARCH).as_uri())
            box(page, FIRST_ITEM).check()
            page.reload()
            page.wait_for_selector(".rk-toolbar")
            assert box(page, FIRST_ITEM).is_checked()
            # Keyed by the page's path below the site root, not by where it lies on disk.
            key = f"rk:v1:/{ARCH}:{FIRST_ITEM}"
            assert page.evaluate("(k) => localStorage.getItem(k)", key) == "1"

            # A PR page's review fills its template from disk too.
            open_with_ticks(page, (offline.site / "prs" / "19" / "index.html").as_uri())
            box(page, "sched-budget").check()
            with page.expect_download() as info:
                page.locator("button.rk-download").click()
            review = Path(info.value.path()).read_text(encoding="utf-8")
            assert "- ✓ done: The token and request budgets per step are respected" in review
            assert "\u0000" not in review
            assert errors == []
        finally:
            browser.close()


def test_offline_hook_is_inert_for_the_normal_site():
    """Without extra.review_kit.offline the hook changes nothing."""
    spec = importlib.util.spec_from_file_location("offline_site", REPO / "hooks/offline_site.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    config = {
        "extra": {"review_kit": {}},
        "use_directory_urls": True,
        "theme": {"features": ["navigation.instant", "search.suggest"]},
    }
    assert hook.on_config(config) is config
    assert config["theme"]["features"] == ["navigation.instant", "search.suggest"]
    assert "polyfills" not in config["extra"]
