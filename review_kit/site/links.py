"""Links between the kit's pages, computed by MkDocs' own URL helpers.

Used for HTML the kit writes after Markdown conversion (PR pages, the PR
index, PR PDFs), which MkDocs does not rewrite, and for absolute links in the
review tool's reports.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin

from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url


@lru_cache(maxsize=4096)
def page_url(src_uri: str, use_directory_urls: bool = True) -> str:
    """The site URL MkDocs gives the page built from ``src_uri``.

    Cached: a PR page links the same few guide pages dozens of times, and a
    ``File`` is costly to make for an answer that depends on the two
    arguments alone.
    """
    return File(src_uri, "", "", use_directory_urls).url


class SiteLinks:
    """URLs from one page to others; absolute when a ``base_url`` is given."""

    def __init__(self, page_src_uri: str, use_directory_urls: bool = True, base_url: str = ""):
        self.page_url = page_url(page_src_uri, use_directory_urls)
        self.directory_urls = use_directory_urls
        self.base_url = base_url if not base_url or base_url.endswith("/") else base_url + "/"

    def to(self, src_uri: str, anchor: str = "") -> str:
        target = page_url(src_uri, self.directory_urls)
        if self.base_url:
            url = urljoin(self.base_url, target)
        else:
            url = get_relative_url(target or ".", self.page_url or ".")
            if target.endswith("/") and not url.endswith("/"):
                url += "/"
        return f"{url}#{anchor}" if anchor else url
