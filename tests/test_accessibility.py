"""Accessibility measured with axe-core in Chromium: every kind of page, in both palettes,
must have no serious or critical violation (colour contrast included).

axe-core comes from the npm registry, pinned in tools/axe/package-lock.json and loaded
from disk into each page; a summary of every run is written to test-artifacts/.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from textwrap import dedent

import pytest
from browser_helpers import (
    ARTIFACTS,
    build_site,
    launch,
    new_context,
    pr_payload,
    require_browser,
    serve,
)
from conftest import REPO

AXE_DIR = REPO / "tools" / "axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
PR = 19
# One page of each kind a reviewer opens.
PAGES = {
    "home": "",
    "guide": "expert/tensors/",
    "framework": "framework/architecture/",
    "quick-start": "quick-start/",
    "pr": f"prs/{PR}/",
    "pr-index": "prs/",
}
# Playwright's emulated prefers-color-scheme, and the Material scheme it selects.
PALETTES = {"light": "default", "dark": "slate"}
# WCAG 2.0 and 2.1 A/AA, plus axe's best practices (the search dialog's name is one).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SUMMARY = ARTIFACTS / "axe-summary.json"
# Screenshots to look at after a colour change: desktop and phone.
SHOTS = {"home": "", "pr-19": f"prs/{PR}/"}
VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}


def load_hook():
    spec = importlib.util.spec_from_file_location("accessibility", REPO / "hooks/accessibility.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hook = load_hook()


def test_task_item_text_moves_into_the_checkbox_label():
    """The label around a task box holds the item's text, inline markup and all."""
    html = dedent("""\
        <ul class="task-list">
        <li class="task-list-item"><label class="task-list-control"><input type="checkbox" disabled/><span class="task-list-indicator"></span></label> Is <code>x</code> in <a href="a/">§1.2</a>?</li>
        <li class="task-list-item"><label class="task-list-control"><input type="checkbox" disabled checked/><span class="task-list-indicator"></span></label> Parent
        <ul><li>child</li></ul>
        </li>
        </ul>""")
    out = hook.label_task_items(html)
    assert (
        '<span class="task-list-indicator"></span> Is <code>x</code> in <a href="a/">§1.2</a>?'
        "</label></li>" in out
    )
    assert (
        '<span class="task-list-indicator"></span> Parent</label>\n<ul><li>child</li></ul>' in out
    )
    assert hook.label_task_items(out) == out


def test_task_item_in_a_loose_list_stops_at_its_paragraph():
    html = (
        '<li class="task-list-item"><p><label class="task-list-control"><input type="checkbox"'
        ' disabled/><span class="task-list-indicator"></span></label> Loose</p>\n<p>More</p></li>'
    )
    assert "</span> Loose</label></p>\n<p>More</p>" in hook.label_task_items(html)


def test_search_dialog_gets_a_name_and_footer_labels_one_escape():
    html = dedent("""\
        <div class="md-search" data-md-component="search" role="dialog">
        <a href="../performance/" class="md-footer__link md-footer__link--next" aria-label="Next: Performance &amp;amp; Efficiency">
        <p>Literal &amp;amp; stays</p>""")
    out = hook.name_theme_controls(html)
    assert 'role="dialog" aria-label="Search">' in out
    assert 'aria-label="Next: Performance &amp; Efficiency"' in out
    assert "<p>Literal &amp;amp; stays</p>" in out


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe.min.js, installed from the lock file on first use (as `make test` does)."""
    if not AXE_JS.exists():
        if not (shutil.which("node") and shutil.which("npm")):
            pytest.fail("node and npm are needed to install axe-core (apt-get install nodejs npm)")
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=AXE_DIR,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return str(AXE_JS)


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
    tmp = tmp_path_factory.mktemp("a11y-site")
    pull, files = pr_payload(PR)
    with serve(tmp / "site") as url:
        build_site(tmp / "site", tmp / "cache", pull, files, url)
        yield url


@pytest.fixture(scope="module")
def summary():
    """Counts per page and palette, written once every run of the module has added its own."""
    counts: dict[str, dict[str, dict]] = {}
    yield counts
    ARTIFACTS.mkdir(exist_ok=True)
    SUMMARY.write_text(json.dumps(counts, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def run_axe(page, axe_js: str) -> list[dict]:
    page.add_script_tag(path=axe_js)
    return page.evaluate(
        """async (tags) => {
          const result = await axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
          });
          return result.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            targets: v.nodes.map((n) => n.target.join(" ")),
          }));
        }""",
        TAGS,
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        shown = ", ".join(v["targets"][:4])
        more = f" (+{len(v['targets']) - 4} more)" if len(v["targets"]) > 4 else ""
        lines.append(f"  {v['id']} [{v['impact']}] x{len(v['targets'])}: {shown}{more}")
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations(browser, site_url, axe_source, summary, name, palette):
    context = new_context(browser, color_scheme=palette)
    page = context.new_page()
    try:
        page.goto(site_url + PAGES[name])
        page.wait_for_load_state("networkidle")
        scheme = page.locator("body").get_attribute("data-md-color-scheme")
        assert scheme == PALETTES[palette], f"{name}: expected the {PALETTES[palette]} scheme"
        violations = run_axe(page, axe_source)
    finally:
        context.close()

    by_impact: dict[str, int] = {}
    for v in violations:
        by_impact[v["impact"]] = by_impact.get(v["impact"], 0) + len(v["targets"])
    summary.setdefault(name, {})[palette] = {
        "nodes_by_impact": by_impact,
        "rules": {v["id"]: len(v["targets"]) for v in violations},
    }

    # Every impact fails, moderate and minor too: the one moderate rule left
    # (Material's unnamed code-copy <nav>s) is fixed by landmarks.js.
    assert not violations, f"{PAGES[name] or 'home'} ({palette}): axe violations\n" + describe(
        violations
    )


@pytest.mark.browser
@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_screenshots_for_a_look(browser, site_url, palette, viewport):
    """Home and PR 19 in both palettes at desktop and phone size, saved to look at."""
    width, height = VIEWPORTS[viewport]
    context = new_context(
        browser, color_scheme=palette, viewport={"width": width, "height": height}
    )
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        for name, path in SHOTS.items():
            page.goto(site_url + path)
            page.wait_for_load_state("networkidle")
            shot = ARTIFACTS / f"a11y-{name}-{palette}-{width}x{height}.png"
            page.screenshot(path=str(shot), full_page=True, animations="disabled")
            assert shot.stat().st_size > 10_000
    finally:
        context.close()
