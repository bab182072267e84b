"""MkDocs hook: mends the markup that axe-core finds inaccessible in what extensions and
the theme write, so every page has no serious or critical violation.

on_page_content puts each task-list item's text inside its checkbox's label (the
checkbox had no name); on_post_page and on_post_template name Material's search
dialog and undo the double escape in the footer's previous/next link labels.
tests/test_accessibility.py checks the result in a browser.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

# pymdownx.tasklist (custom_checkbox) writes an empty label around the box, with the
# item's text after it; the text runs to the item's end, a nested list or the end
# of its paragraph (loose lists), none of which inline markup can contain.
TASK_ITEM = re.compile(
    r'(<label class="task-list-control"><input[^>]*>\s*<span class="task-list-indicator"></span>)'
    r"</label>\s*(.*?)(?=<ul|<ol|</li>|</p>)",
    re.DOTALL,
)
# Material 9.8's partials/search.html: a dialog with no name.
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
SEARCH_LABEL = "Search"
# Material escapes page titles that MkDocs already escaped, so "A & B" is read out as
# "A &amp; B" and no longer matches the link's visible text.
FOOTER_LINK = re.compile(r'(<a [^>]*class="md-footer__link[^"]*" aria-label=")([^"]*)(")')
DOUBLE_ESCAPE = re.compile(r"&amp;(#?\w+;)")


def label_task_items(html: str) -> str:
    """Move each task item's text into the label around its checkbox, which names it."""

    def move(match: re.Match) -> str:
        text = match[2].rstrip()
        return f"{match[1]} {text}</label>{match[2][len(text) :]}"

    return TASK_ITEM.sub(move, html)


def name_theme_controls(html: str) -> str:
    """Name the search dialog and undo the footer labels' second escape."""
    html = html.replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + f' aria-label="{SEARCH_LABEL}">', 1)
    return FOOTER_LINK.sub(lambda m: m[1] + DOUBLE_ESCAPE.sub(r"&\1", m[2]) + m[3], html)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return label_task_items(html)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return name_theme_controls(output)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    # 404.html is rendered from a template, not a page, and has the search dialog too.
    return name_theme_controls(output_content)
