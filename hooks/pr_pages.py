"""MkDocs hook: a checklist page for each pull request in REVIEW_PRS (default: mkdocs.yml).

on_config adds the pages to the navigation; on_files fetches each PR (GitHub,
else cache, else the bundled snapshot) and adds a page whose Markdown holds
only a placeholder; on_page_content replaces the placeholder with escaped HTML
after Markdown conversion, so no PR-controlled text is ever read as Markdown,
Jinja or a markdown-exec fence. Run on its own to print the plan.
"""

from __future__ import annotations

import logging
from pathlib import Path

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from review_kit.errors import ReviewKitError
from review_kit.output.escape import plain_label, visible
from review_kit.output.html import page_headings, render_pr_html, render_pr_index_html
from review_kit.output.links import INDEX_URI, page_uri, public_site_url
from review_kit.output.pdf import PDF_DIR, build_date, pr_pdf_name, render_pr_pdf
from review_kit.site.build import site_build
from review_kit.site.plan import ServeMemo, fetch_reviews

log = logging.getLogger("mkdocs.hooks.pr_pages")

NAV_SECTION = "Pull requests"
# Material repeats the whole navigation in every page, so listing every PR
# page there makes a build quadratic in the number of PRs. Past this many,
# only the index is in the navigation and it links to each page.
MAX_PRS_IN_NAV = 50
NAV_TITLE_LENGTH = 40
# A marker no Markdown extension touches; replaced after conversion.
SLOT = '<div class="rk-pr-slot"></div>'


class ServeSession:
    """What outlives one build under `mkdocs serve`: PRs already fetched by this process.

    MkDocs keeps a hook module loaded for the whole process, so this one object
    is the hook's state across rebuilds (per-build state lives on the config).
    """

    def __init__(self) -> None:
        self.active = False
        self.memo: ServeMemo = {}


SERVE = ServeSession()


def on_startup(command: str, dirty: bool) -> None:
    SERVE.active = command == "serve"


# The page that explains PR pages lives in the same navigation section as
# the pages themselves, not in a tab of its own.
GUIDE_URI = "pr-pages.md"
GUIDE_TITLE = "How PR pages work"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    numbers = site_build(config).settings.prs
    pages = [{f"#{n}": page_uri(n)} for n in numbers]
    if len(pages) > MAX_PRS_IN_NAV:
        pages = []
    nav = [
        entry
        for entry in config["nav"]
        if not (isinstance(entry, dict) and GUIDE_URI in entry.values())
    ]
    nav.append({NAV_SECTION: [INDEX_URI, {GUIDE_TITLE: GUIDE_URI}, *pages]})
    config["nav"] = nav
    return config


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    # "#19" alone says nothing in the sidebar. The title is PR text, and MkDocs'
    # theme templates neither escape it nor keep it escaped (striptags
    # unescapes), so only a plain label of inert characters goes there.
    build = site_build(config)
    for page in nav.pages:
        review = build.reviews.get(page.file.src_uri)
        if review is not None:
            page.title = f"#{review.pr.number} {plain_label(review.pr.title, NAV_TITLE_LENGTH)}"
    return nav


def on_files(files: Files, config: MkDocsConfig) -> Files:
    build = site_build(config)
    settings = build.settings
    try:
        reviews = fetch_reviews(
            settings.repo,
            settings.prs,
            settings.github,
            build.catalog,
            memo=SERVE.memo if SERVE.active else None,
        )
    except ReviewKitError as exc:
        raise PluginError(str(exc)) from None
    build.reviews = {page_uri(r.pr.number): r for r in reviews}
    build.index = reviews
    # The index has no headings to list, and its table needs the width the
    # empty table of contents would take.
    index = f"---\nhide:\n  - toc\n---\n\n# Pull requests\n\n{SLOT}\n"
    files.append(File.generated(config, INDEX_URI, content=index))
    for review in reviews:
        number = review.pr.number
        files.append(
            File.generated(
                config,
                page_uri(number),
                content=f"# Pull request #{number}\n\n{SLOT}\n",
                # Out of the navigation when there are many: no omitted-page warning.
                inclusion=InclusionLevel.NOT_IN_NAV,
            )
        )
    return files


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    build = site_build(config)
    uri = page.file.src_uri
    if uri != INDEX_URI and uri not in build.reviews:
        return html
    if html.count(SLOT) != 1:
        raise PluginError(f"{uri}: the PR page placeholder is missing or repeated")
    links = build.links(uri)
    if uri == INDEX_URI:
        return html.replace(SLOT, render_pr_index_html(build.index, links))
    review = build.reviews[uri]
    # Guide links in the review a reviewer posts go to the published site only.
    site_url = public_site_url(config["site_url"] or "")
    body = render_pr_html(review, build.catalog, links, site_url=site_url)
    # The page's Markdown holds no PR text, so its heading says only the
    # number; the escaped title goes in here, after Markdown is done.
    heading = f'<h1 id="pull-request-{review.pr.number}">Pull request #{review.pr.number}'
    if heading in html:
        html = html.replace(heading, f"{heading}: {escape(visible(review.pr.title))}", 1)
    page.toc = get_toc(page_headings(body))
    return html.replace(SLOT, body)


def on_post_build(config: MkDocsConfig) -> None:
    # `make pdf` (REVIEW_PDF=1) also prints each PR's checklist, to tick by hand.
    build = site_build(config)
    if not build.settings.pdf:
        return
    out_dir = Path(config["site_dir"]) / PDF_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    printed_on = build_date(build.settings.source_date_epoch)
    for review in build.index:
        path = out_dir / pr_pdf_name(review.pr.number)
        links = build.links(page_uri(review.pr.number))
        path.write_bytes(
            render_pr_pdf(review, build.catalog, links, printed_on, config["site_url"] or "")
        )
        log.info("PR #%d: printed %s", review.pr.number, path)


if __name__ == "__main__":
    from review_kit.settings import Settings

    plan = Settings.defaults()
    print(f"{plan.repo}: {', '.join(page_uri(n) for n in plan.prs)}")
