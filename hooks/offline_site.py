"""MkDocs hook: makes the `make offline` copy (extra.review_kit.offline) work from file://.

on_config drops instant navigation and loads the search shim before Material's
bundle; on_post_build writes the search index as a script, which Material reads from disk.
"""

from __future__ import annotations

import logging
from pathlib import Path

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


def offline_requested(config: MkDocsConfig) -> bool:
    return bool(config["extra"].get("review_kit", {}).get("offline"))


def generate_index_script(index_json: str) -> str:
    """The search index as a classic script: a page from file:// can load scripts, not JSON."""
    return f"var __index = {index_json};\n"


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


if __name__ == "__main__":
    print(generate_index_script('{"config": {}, "docs": []}'), end="")
