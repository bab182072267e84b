"""Every way a review leaves the kit: HTML pages, Markdown, JSON, PDF.

``FORMATS`` is the registry the review tool offers as ``--format``; a new
format is one module with a render function and one line here. Escaping lives
in ``escape`` and nowhere else; links in ``links``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..analysis import Review
from ..analysis.since import Since
from ..catalog.loading import Catalog
from .json_report import render_pr_json
from .links import Links
from .markdown import render_pr_markdown
from .summary import render_pr_summary
from .text import render_pr_text


@dataclass(frozen=True)
class RenderOptions:
    """What a renderer may need besides the review."""

    links: Links | None = None
    site_url: str = ""
    printed_on: str = ""
    color: bool = False
    # A re-review: what changed since a reviewed head (--since).
    since: Since | None = None


@dataclass(frozen=True)
class OutputFormat:
    name: str
    suffix: str
    binary: bool
    render: Callable[[Review, Catalog, RenderOptions], str | bytes]
    help: str


def _pdf(review: Review, catalog: Catalog, options: RenderOptions) -> bytes:
    from .pdf import render_pr_pdf  # WeasyPrint is slow to import; only PDFs need it

    return render_pr_pdf(review, catalog, options.links, options.printed_on, options.site_url)


def _github_review(review: Review, catalog: Catalog, options: RenderOptions) -> str:
    from .github_review import render_github_review

    return render_github_review(review, catalog, options.site_url, options.since)


def _sarif(review: Review, catalog: Catalog, options: RenderOptions) -> str:
    from .sarif import render_sarif

    return render_sarif(review, catalog, options.site_url)


FORMATS: dict[str, OutputFormat] = {
    f.name: f
    for f in (
        OutputFormat(
            "md",
            ".md",
            False,
            lambda r, c, o: render_pr_markdown(r, c, o.links),
            "GitHub Markdown (the default when piped or exporting)",
        ),
        OutputFormat(
            "text",
            ".txt",
            False,
            lambda r, c, o: render_pr_text(r, c, o.color),
            "plain aligned text (the default on a terminal)",
        ),
        OutputFormat("json", ".json", False, lambda r, c, o: render_pr_json(r), "one JSON object"),
        OutputFormat(
            "summary",
            ".md",
            False,
            lambda r, c, o: render_pr_summary(r, c, o.links),
            "the start of the review as a short GitHub job summary",
        ),
        OutputFormat("pdf", ".pdf", True, _pdf, "a printable checklist (needs Pango)"),
        OutputFormat(
            "github-review",
            ".json",
            False,
            _github_review,
            "the JSON body of one GitHub review with inline comments"
            " (`gh api --input`, or `--post`)",
        ),
        OutputFormat("sarif", ".sarif", False, _sarif, "SARIF 2.1.0 for GitHub code scanning"),
    )
}
