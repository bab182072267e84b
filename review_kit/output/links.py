"""Where things are: the kit's own pages for a PR, and the PR's pages on GitHub.

Rendering asks a ``Links`` object for URLs between the kit's pages; the
front ends supply one built on MkDocs' own URL helpers (``site.links``), so
no module here re-implements ``use_directory_urls``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Protocol
from urllib.parse import urlsplit

from ..analysis.contracts import RepositoryReview
from ..catalog.framework import RuleSource
from ..pr.model import PullRequest
from ..repo.skill import blob_url
from ..repo.sources.snapshot import from_snapshot as repository_snapshot

PRS_DIR = "prs"
INDEX_URI = f"{PRS_DIR}/index.md"


def page_uri(number: int) -> str:
    """Docs-relative source path of one PR's page."""
    return f"{PRS_DIR}/{number}/index.md"


class Links(Protocol):
    """URLs from the page being rendered to other pages of the kit."""

    page_url: str

    def to(self, src_uri: str, anchor: str = "") -> str: ...


def pull_request_url(pr: PullRequest) -> str:
    """The PR's web address: its ``html_url`` only if it has exactly the expected shape.

    The payload's URL could hold ``javascript:``, quotes or Markdown; a
    GitHub Enterprise host is kept, anything else falls back to github.com.
    """
    shape = rf"https://[A-Za-z0-9.-]+(?::\d+)?/{re.escape(pr.repo)}/pull/{pr.number}"
    if pr.number is not None and pr.html_url and re.fullmatch(shape, pr.html_url):
        return pr.html_url
    return f"https://github.com/{pr.repo}/pull/{pr.number}"


def diff_url(pr: PullRequest, path: str, line: int | None = None) -> str:
    """A file (and a line of its new version) in the PR's "Files changed" view.

    GitHub anchors each file by the SHA-256 of its path, and a new-side line
    by ``R<line>`` after it. Empty for a change that is not a pull request
    (a git range, a file list).
    """
    if pr.number is None:
        return ""
    digest = hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{pull_request_url(pr)}/files#diff-{digest}" + (f"R{line}" if line else "")


def site_page_url(site_url: str, src_uri: str, anchor: str = "") -> str:
    """The absolute URL of a page of the kit's site built with directory URLs, or "".

    For output that leaves the site (a posted review, SARIF), where MkDocs is
    not loaded: ``x/index.md`` is ``x/``, ``x/y.md`` is ``x/y/``, as MkDocs'
    ``use_directory_urls`` has it (``tests/test_github_review.py`` compares
    the two for every guide page).
    """
    if not site_url:
        return ""
    path = src_uri.removesuffix(".md")
    path = "" if path == "index" else path.removesuffix("/index") + "/"
    base = site_url if site_url.endswith("/") else site_url + "/"
    return f"{base}{path}" + (f"#{anchor}" if anchor else "")


def compare_url(pr: PullRequest, old_sha: str) -> str:
    """The PR's "Files changed" view limited to the commits after ``old_sha``, or ""."""
    if pr.number is None or not pr.head_sha:
        return ""
    return f"{pull_request_url(pr)}/files/{old_sha}..{pr.head_sha}"


def public_site_url(site_url: str) -> str:
    """``site_url`` when it is somewhere a reader of a posted review can reach, else "".

    A local build's default (``http://127.0.0.1:8000/``) would send every
    guide link of a posted review to the reader's own machine.
    """
    host = (urlsplit(site_url).hostname or "") if site_url else ""
    if not host or host == "localhost" or host.startswith("127.") or host == "::1":
        return ""
    return site_url


def rule_source_url(source: RuleSource, repository: RepositoryReview | None = None) -> str:
    """An item's review-skill file at the commit the rules were read: the PR's base, else the
    bundled record's."""
    if repository is not None and repository.skill is not None:
        return repository.skill.file_url(repository.repo, source.file, source.anchor)
    data = repository_snapshot()
    if data.skill is None:
        return blob_url(data.repo, "", source.file, source.anchor)
    return data.skill.file_url(data.repo, source.file, source.anchor)
