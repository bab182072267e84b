"""Print one pull request's review as a PDF to tick and annotate with a pen.

The site page's escaped HTML in a print document; WeasyPrint may fetch nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from urllib.parse import urljoin

from markupsafe import Markup

from .. import __version__
from ..analysis import Review
from ..analysis.priorities import files_by_priority
from ..catalog.loading import Catalog
from .html import html_environment, render_pr_html
from .links import Links

# Site-relative folder of every PDF: the handbook and one file per PR.
PDF_DIR = "pdf"


def build_date(source_date_epoch: str | None = None) -> str:
    """Today as YYYY-MM-DD, or the date of SOURCE_DATE_EPOCH for a reproducible build."""
    epoch = (source_date_epoch or "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date().isoformat()
    return date.today().isoformat()


def pr_pdf_name(number: int) -> str:
    return f"pr-{number}.pdf"


# Paper is for a review one reads through: past these, the PDF summarises and
# the page (which lists everything) takes over. They keep a 3000-file PR with
# 3000-character names to seconds and a few pages, not minutes and gigabytes.
PRINT_MAX_FILES = 100
PRINT_MAX_NAME = 160
PRINT_MAX_ITEM_FILES = 5


def shorten(name: str, limit: int = PRINT_MAX_NAME) -> str:
    """A long name cut in the middle, keeping its folder start and its file name."""
    if len(name) <= limit:
        return name
    keep = (limit - 1) // 2
    return f"{name[:keep]}…{name[-(limit - 1 - keep) :]}"


def for_print(review: Review, focus_map) -> Review:
    """The review as the PDF shows it: the riskiest files first, long lists folded."""
    files = review.files
    notices = list(review.notices)
    if len(files) > PRINT_MAX_FILES:
        files = files_by_priority(files, focus_map)[:PRINT_MAX_FILES]
        notices.append(
            f"This PDF lists {PRINT_MAX_FILES} of the {len(review.files)} changed files, "
            "riskiest and largest first; the review page lists them all."
        )

    def short_file(f):
        return replace(
            f,
            file=replace(
                f.file,
                filename=shorten(f.file.filename),
                previous_filename=f.file.previous_filename and shorten(f.file.previous_filename),
                patch=None,
            ),
        )

    def short_item(i):
        names = [shorten(n) for n in i.files[:PRINT_MAX_ITEM_FILES]]
        if len(i.files) > PRINT_MAX_ITEM_FILES:
            names.append(f"and {len(i.files) - PRINT_MAX_ITEM_FILES} more")
        return replace(i, files=names)

    unread = dict(list(review.unread.items())[:PRINT_MAX_ITEM_FILES])
    if len(review.unread) > len(unread):
        unread[f"and {len(review.unread) - len(unread)} more"] = "see the review page"
    return replace(
        review,
        files=[short_file(f) for f in files],
        items=[short_item(i) for i in review.items],
        findings=[replace(f, file=shorten(f.file)) for f in review.findings[:PRINT_MAX_FILES]],
        unread={shorten(name): why for name, why in unread.items()},
        notices=notices,
    )


def render_pr_print_html(
    review: Review, catalog: Catalog, links: Links, printed_on: str, version: str = __version__
) -> str:
    """The standalone print document: a title block, the PR page body, a notes page."""
    body = Markup(
        render_pr_html(for_print(review, catalog.focus_map), catalog, links, interactive=False)
    )
    return (
        html_environment()
        .get_template("pr_print.html.j2")
        .render(pr=review.pr, body=body, printed_on=printed_on, version=version)
    )


def _refuse_fetch(url: str, *args, **kwargs):
    # The document is self-contained (styles inline, no images); anything it
    # would load is a mistake, and loading it could reach the network.
    raise ValueError(f"the PR print document must not load {url}")


def render_pr_pdf(
    review: Review, catalog: Catalog, links: Links, printed_on: str, site_url: str = ""
) -> bytes:
    """The PDF's bytes; links to the kit point at ``site_url`` when given."""
    # Imported here: WeasyPrint takes a second to import, and only PDF builds need it.
    from weasyprint import HTML

    html = render_pr_print_html(review, catalog, links, printed_on)
    # Relative links to guide pages resolve against the page's URL on the site;
    # with no site URL they stay relative, as text a reader can still follow.
    base_url = urljoin(site_url, links.page_url) if site_url else None
    return HTML(string=html, base_url=base_url, url_fetcher=_refuse_fetch).write_pdf()
