"""MkDocs hook: makes the `make offline` copy (extra.review_kit.offline) work from file://.

on_config drops instant navigation, loads the search shim before Material's
bundle and swaps the checklist modules for one classic script; on_post_build
writes the search index as a script, which Material reads from disk, and bundles
the checklist modules into that script with esbuild (tools/esbuild).
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.offline_site")

# Runs the search worker inside a frame, since browsers refuse to start a
# worker from a file:// page. Material loads `extra.polyfills` before its bundle.
SEARCH_SHIM = "assets/offline-search.js"
INDEX_JSON = "search/search_index.json"
# Material's bundle loads this file on file:// and reads the global `__index`.
INDEX_SCRIPT = "search/search_index.js"
# Instant navigation fetches each page with XHR, which file:// refuses.
INSTANT_FEATURE = "navigation.instant"
# Chromium refuses ES modules from file:// (a module load is a CORS request and
# a file has no origin), so the offline copy loads the checklist modules bundled
# into one classic script, beside the entry so its own URL still finds the root.
CHECKLIST_MODULE = "assets/checklists/main.js"
CHECKLIST_BUNDLE = "assets/checklists/offline.js"
# esbuild, pinned in tools/esbuild/package-lock.json and installed by `npm ci`.
ESBUILD = Path("tools/esbuild/node_modules/.bin/esbuild")


def offline_requested(config: MkDocsConfig) -> bool:
    return bool(config["extra"].get("review_kit", {}).get("offline"))


def generate_index_script(index_json: str) -> str:
    """The search index as a classic script: a page from file:// can load scripts, not JSON."""
    return f"var __index = {index_json};\n"


def bundle_command(esbuild: Path, entry: Path, outfile: Path) -> list[str]:
    """esbuild's command line that bundles the checklist modules into one classic script."""
    return [
        str(esbuild),
        str(entry),
        "--bundle",
        "--format=iife",
        # A classic script has no import.meta; its own URL is document.currentScript.
        "--define:import.meta.url=document.currentScript.src",
        f"--outfile={outfile}",
        "--log-level=warning",
    ]


def swap_checklist_script(scripts: list) -> list:
    """extra_javascript with the checklist module replaced by its classic bundle."""
    return [
        ExtraScriptValue(CHECKLIST_BUNDLE) if str(s) == CHECKLIST_MODULE else s for s in scripts
    ]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if not offline_requested(config):
        return config
    if config["use_directory_urls"]:
        # "page/" links open a folder listing from disk, not page/index.html.
        raise PluginError("offline build: set use_directory_urls: false (see mkdocs-offline.yml)")
    features = config["theme"]["features"]
    features[:] = [f for f in features if not f.startswith(INSTANT_FEATURE)]
    polyfills = config["extra"].setdefault("polyfills", [])
    if SEARCH_SHIM not in polyfills:
        polyfills.append(SEARCH_SHIM)
    config["extra_javascript"] = swap_checklist_script(config["extra_javascript"])
    return config


# After the search plugin's own on_post_build, which writes the JSON index.
@event_priority(-100)
def on_post_build(config: MkDocsConfig) -> None:
    if not offline_requested(config):
        return
    site = Path(config["site_dir"])
    source = site / INDEX_JSON
    if not source.is_file():
        raise PluginError(f"offline build: {INDEX_JSON} is missing; is the search plugin on?")
    (site / INDEX_SCRIPT).write_text(
        generate_index_script(source.read_text(encoding="utf-8")), encoding="utf-8"
    )
    log.info("offline copy: wrote %s", INDEX_SCRIPT)

    esbuild = Path(config.config_file_path).parent / ESBUILD
    if not esbuild.is_file():
        raise PluginError(
            f"offline build: {ESBUILD} is missing; run `make offline`, or `npm ci` in tools/esbuild"
        )
    entry = Path(config["docs_dir"]) / CHECKLIST_MODULE
    done = subprocess.run(
        bundle_command(esbuild, entry, site / CHECKLIST_BUNDLE),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        problem = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise PluginError(
            f"offline build: esbuild failed: {problem[0] if problem else done.returncode}"
        )
    log.info("offline copy: bundled the checklist modules into %s", CHECKLIST_BUNDLE)


if __name__ == "__main__":
    print(generate_index_script('{"config": {}, "docs": []}'), end="")
