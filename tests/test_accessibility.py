"""Accessibility measured with axe-core in Chromium: every kind of page, in both palettes,
must have no serious or critical violation (colour contrast included).

axe-core comes from the npm registry, pinned in tools/axe/package-lock.json and loaded
from disk into each page; a summary of every run is written to test-artifacts/.
"""

from __future__ import annotations

import json
import shutil
import subprocess

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

pytestmark = pytest.mark.browser

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
BLOCKING = ("serious", "critical")
SUMMARY = ARTIFACTS / "axe-summary.json"


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


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_or_critical_violations(browser, site_url, axe_source, summary, name, palette):
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

    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, (
        f"{PAGES[name] or 'home'} ({palette}): serious or critical axe violations\n"
        + describe(blocking)
    )
