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

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from review_kit import pr_pages
from review_kit.catalog import load_catalog
from review_kit.errors import ReviewKitError
from review_kit.pr_pages import INDEX_URI, PrBuildSettings, fetch_reviews, page_uri
from review_kit.pr_pdf import PDF_DIR, pdf_requested, pr_pdf_name, write_pr_pdf
from review_kit.pr_render import SiteLinks, render_pr_html, render_pr_index_html

log = logging.getLogger("mkdocs.hooks.pr_pages")

NAV_SECTION = "Pull requests"
# Material repeats the whole navigation in every page, so listing every PR
# page there makes a build quadratic in the number of PRs. Past this many,
# only the index is in the navigation and it links to each page.
MAX_PRS_IN_NAV = 50
# A marker no Markdown extension touches; replaced after conversion.
SLOT = '<div class="rk-pr-slot"></div>'

_state: dict = {}


def on_startup(command: str, dirty: bool) -> None:
    # MkDocs re-imports hook files on every serve rebuild, so the flag lives in
    # the core module, which stays imported for the whole process.
    pr_pages.SERVING["active"] = command == "serve"


def _settings(config: MkDocsConfig) -> PrBuildSettings:
    extra = config["extra"]["review_kit"]
    root = Path(config["config_file_path"]).parent
    try:
        return PrBuildSettings.resolve(extra["repo"], extra.get("prs"), root / ".cache")
    except ReviewKitError as exc:
        raise PluginError(str(exc)) from None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    settings = _settings(config)
    pages = [{f"#{n}": page_uri(n)} for n in settings.numbers]
    if len(pages) > MAX_PRS_IN_NAV:
        pages = []
    config["nav"].append({NAV_SECTION: [INDEX_URI, *pages]})
    _state["settings"] = settings
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    settings: PrBuildSettings = _state["settings"]
    root = Path(config["config_file_path"]).parent
    extra = config["extra"]["review_kit"]
    try:
        catalog = load_catalog(
            config["docs_dir"], root / extra["framework"], root / extra["focus_map"], root
        )
        reviews = fetch_reviews(settings, catalog, remember=pr_pages.SERVING["active"])
    except ReviewKitError as exc:
        raise PluginError(str(exc)) from None
    for review in reviews:
        # Info, not warning: a strict build must still succeed from the cache
        # or snapshot; the page itself carries the notice for the reader.
        for notice in review.notices:
            log.info("PR #%d: %s", review.pr.number, notice)
    _state["catalog"] = catalog
    _state["reviews"] = {page_uri(r.pr.number): r for r in reviews}
    _state["index"] = reviews
    files.append(File.generated(config, INDEX_URI, content=f"# Pull requests\n\n{SLOT}\n"))
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
    uri = page.file.src_uri
    if uri != INDEX_URI and uri not in _state.get("reviews", {}):
        return html
    if html.count(SLOT) != 1:
        raise PluginError(f"{uri}: the PR page placeholder is missing or repeated")
    links = SiteLinks(uri, config["use_directory_urls"])
    if uri == INDEX_URI:
        body = render_pr_index_html(_state["index"], links)
    else:
        body = render_pr_html(_state["reviews"][uri], _state["catalog"], links)
    return html.replace(SLOT, body)


def on_post_build(config: MkDocsConfig) -> None:
    # `make pdf` (REVIEW_PDF=1) also prints each PR's checklist, to tick by hand.
    if not pdf_requested():
        return
    out_dir = Path(config["site_dir"]) / PDF_DIR
    for review in _state.get("index", []):
        path = write_pr_pdf(
            review,
            _state["catalog"],
            out_dir / pr_pdf_name(review.pr.number),
            site_url=config["site_url"] or "",
            use_directory_urls=config["use_directory_urls"],
        )
        log.info("PR #%d: printed %s", review.pr.number, path)


if __name__ == "__main__":
    from review_kit.catalog import REPO_ROOT

    plan = PrBuildSettings.resolve("vllm-project/vllm-omni", [19], REPO_ROOT / ".cache")
    print(f"{plan.repo}: {', '.join(page_uri(n) for n in plan.numbers)}")
