"""Where a pull request's data came from, and what that means to every layer that shows it.

A source stamps each ``PullRequest`` with a ``Provenance``: the word reports
print after "data:", the phrase a page says it in, whether GitHub answered
now (so the PR's base commit can be read there, and the answer kept for a
serve), and the web addresses of the PR and its files. No other layer asks
which source a PR came from; it asks the provenance.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..ages import age_of


class PullRequestWeb(Protocol):
    """Where a PR and its files are seen on the web, as its host builds the addresses."""

    def pr_url(self, repo: str, number: int | None, html_url: str) -> str: ...

    def file_url(self, pr_url: str, path: str, line: int | None = None) -> str: ...


@dataclass(frozen=True)
class GitHubWeb:
    """A PR's pages on GitHub (or a GitHub Enterprise host its own URL names)."""

    def pr_url(self, repo: str, number: int | None, html_url: str) -> str:
        """The PR's web address: ``html_url`` only if it has exactly the expected shape.

        The payload's URL could hold ``javascript:``, quotes or Markdown; a
        GitHub Enterprise host is kept, anything else falls back to github.com.
        """
        shape = rf"https://[A-Za-z0-9.-]+(?::\d+)?/{re.escape(repo)}/pull/{number}"
        if number is not None and html_url and re.fullmatch(shape, html_url):
            return html_url
        return f"https://github.com/{repo}/pull/{number}"

    def file_url(self, pr_url: str, path: str, line: int | None = None) -> str:
        """A file (and a line of its new version) in the PR's "Files changed" view.

        GitHub anchors each file by the SHA-256 of its path, and a new-side
        line by ``R<line>`` after it.
        """
        digest = hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()
        return f"{pr_url}/files#diff-{digest}" + (f"R{line}" if line else "")


GITHUB_WEB = GitHubWeb()


@dataclass(frozen=True)
class Provenance:
    """Where one PR's data came from, as a reader is told and as the build treats it."""

    label: str  # the word reports print: "api", "cache", "snapshot", "git", "file"
    # The phrase a page shows, given when the data was fetched (None: unknown).
    describe: Callable[[str | None], str]
    # GitHub answered just now: the PR's base commit can be read there, and a
    # serve may keep the answer for the rest of the process.
    live: bool = False
    # An older copy standing in for GitHub: marked as such in the PR index.
    stale: bool = False
    # The host served it, now or from its HTTP cache: it can also compare two heads.
    served_by_host: bool = False
    # The source always has the description ("" when empty) rather than maybe not.
    carries_body: bool = False
    # Whether a change without a PR number (a file list) may come from here.
    numberless: bool = False
    web: PullRequestWeb = GITHUB_WEB

    def __str__(self) -> str:
        return self.label


def _fetched(fetched_at: str | None) -> str:
    age = age_of(fetched_at) if fetched_at else None
    return f"fetched from GitHub {age} ago" if age else "fetched from GitHub"


def _cached(fetched_at: str | None) -> str:
    age = age_of(fetched_at) if fetched_at else None
    return f"from the cache, {age} old" if age else "from the cache"


def _bundled(fetched_at: str | None) -> str:
    when = (fetched_at or "")[:10]
    return (
        f"from the snapshot bundled with the kit ({when})" if when else "from the bundled snapshot"
    )


LIVE = Provenance("api", _fetched, live=True, served_by_host=True, carries_body=True)
CACHED = Provenance("cache", _cached, stale=True, served_by_host=True, carries_body=True)
SNAPSHOT = Provenance("snapshot", _bundled, stale=True)
