"""MkDocs hook: readies the PDF handbook that the to-pdf plugin renders when REVIEW_PDF=1.

on_config points the plugin at pdf-theme/ and dates the cover; on_page_content
labels each content-tab panel for print (hidden on screen), since paper shows them all.
"""

from __future__ import annotations

import copy
import logging
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from review_kit import __version__
from review_kit.output.pdf import build_date
from review_kit.site.build import site_build

log = logging.getLogger("mkdocs.hooks.pdf_export")

PLUGIN = "to-pdf"
TAB_TITLE_CLASS = "rk-tab-title"


def label_tab_panels(html: str) -> str:
    """Start every content-tab panel with a hidden copy of its tab's label.

    pymdownx.tabbed (alternate style) keeps the labels in one row apart from the
    panels, pairing them by position; print CSS shows the copy as a heading.
    """
    if "tabbed-set" not in html:
        return html
    # Beautiful Soup comes with mkdocs-to-pdf, the only reason to call this.
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tab_set in soup.select("div.tabbed-set"):
        labels = tab_set.select(":scope > div.tabbed-labels > label")
        panels = tab_set.select(":scope > div.tabbed-content > div.tabbed-block")
        for label, panel in zip(labels, panels, strict=False):
            title = soup.new_tag("p", attrs={"class": TAB_TITLE_CLASS, "hidden": ""})
            title.extend([copy.copy(child) for child in label.contents])
            panel.insert(0, title)
    return str(soup)


def _pdf_enabled(plugin) -> bool:
    # The same test the plugin makes, so the two never disagree.
    env_name = plugin.config.get("enabled_if_env")
    return not env_name or os.environ.get(env_name) == "1"


# Before the plugin's own on_config, which reads the template path.
@event_priority(50)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    plugin = config.plugins.get(PLUGIN)
    build = site_build(config)
    build.handbook_pdf = plugin is not None and _pdf_enabled(plugin)
    if plugin is None or not build.handbook_pdf:
        return config
    # The plugin resolves its template folder against the working directory;
    # resolving it against mkdocs.yml lets tests and CI build from anywhere.
    root = Path(config["config_file_path"]).parent
    plugin.config["custom_template_path"] = str(root / plugin.config["custom_template_path"])
    if plugin.config.get("theme_handler_path"):
        plugin.config["theme_handler_path"] = str(root / plugin.config["theme_handler_path"])
    extra = config["extra"]["review_kit"]
    extra["version"] = __version__
    extra["build_date"] = build_date(build.settings.source_date_epoch)
    log.info("PDF edition %s of %s", __version__, extra["build_date"])
    return config


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return label_tab_panels(html) if site_build(config).handbook_pdf else html


if __name__ == "__main__":
    sample = (
        '<div class="tabbed-set tabbed-alternate" data-tabs="1:2">'
        '<input checked id="__tabbed_1_1" name="__tabbed_1" type="radio">'
        '<input id="__tabbed_1_2" name="__tabbed_1" type="radio">'
        '<div class="tabbed-labels"><label for="__tabbed_1_1">NumPy</label>'
        '<label for="__tabbed_1_2">PyTorch</label></div>'
        '<div class="tabbed-content"><div class="tabbed-block"><p>a</p></div>'
        '<div class="tabbed-block"><p>b</p></div></div></div>'
    )
    print(label_tab_panels(sample))
