"""MkDocs hook: one generated page per focus area of ``docs/focus-map.yml``.

on_config adds the pages to the "Focus areas" navigation section; on_files
adds their sources, each a single macro call, so the map alone drives them.
Run on its own (``python hooks/focus_area_pages.py``) to list the pages it adds.
"""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from review_kit.catalog.focus_map import FocusArea, load_focus_map
from review_kit.site.build import site_build

log = logging.getLogger("mkdocs.hooks.focus_area_pages")

NAV_SECTION = "Focus areas"


def generate_area_sources(areas: list[FocusArea]) -> dict[str, str]:
    """Docs-relative path -> Markdown source for each area page."""
    return {area.src_uri: f'{{{{ focus_area_page("{area.id}") }}}}\n' for area in areas}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    areas = site_build(config).catalog.focus_map.areas
    for entry in config["nav"] or []:
        if isinstance(entry, dict) and NAV_SECTION in entry:
            entry[NAV_SECTION].extend({area.title: area.src_uri} for area in areas)
            break
    else:
        raise PluginError(f"mkdocs.yml: nav has no {NAV_SECTION!r} section for the area pages")
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    areas = site_build(config).catalog.focus_map.areas
    for src_uri, content in generate_area_sources(areas).items():
        files.append(File.generated(config, src_uri, content=content))
    return files


if __name__ == "__main__":
    from review_kit.catalog.loading import DEFAULT_FOCUS_MAP

    fm, _ = load_focus_map(DEFAULT_FOCUS_MAP)
    for uri in generate_area_sources(fm.areas):
        print(uri)
