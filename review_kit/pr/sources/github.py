"""GitHub as a source: live, else the HTTP cache, else (for bundled PRs) the snapshot.

Each step down says so once, in a notice the page and the report both show,
with the age of what is shown: a reviewer must know when data is not fresh.
"""

from __future__ import annotations

import logging
from typing import ClassVar

from ...ages import age_of
from ..model import PullRequest
from ..texts import MAX_TEXT_BYTES, MAX_TEXTS, texts_from_patches, wanted
from .base import SourceContext
from .github_api import GitHubClient, NetworkError, PullRequestNotFound, redact
from .snapshot import DEFAULT_REPO, from_snapshot, snapshot_numbers

log = logging.getLogger("review_kit.sources")

# The notices a reader sees when data is not fresh. The documentation prints
# these very templates (output/docs_tables.py), so the two cannot disagree.
CACHE_NOTICE = (
    "GitHub did not serve fresh data ({reason}). "
    "Showing the cached copy downloaded at {time} ({age} old)."
)
SNAPSHOT_NOTICE = (
    "GitHub could not be reached and nothing was cached ({reason}). "
    "Showing the snapshot bundled with the kit, captured {time}."
)
# How a fallback is logged in a build: "info" keeps a strict build green (the
# page carries the notice); "warning" makes `mkdocs build --strict` fail on it.
NOTICE_LEVELS = {"info": logging.INFO, "warning": logging.WARNING}
DEFAULT_NOTICE_LEVEL = "info"


def fetch_with_fallback(client: GitHubClient, repo: str, number: int) -> PullRequest:
    """Live data if GitHub answers; else the cached copy with a visible notice; else an error."""
    try:
        return client.fetch(repo, number)
    except PullRequestNotFound:
        raise
    except NetworkError as exc:
        cached = client.cached(repo, number)
        if cached is None:
            raise NetworkError(
                redact(str(exc), client.settings.token) + "; no cached copy to fall back on"
            ) from None
        client.log.from_cache_fallback += 1
        cached.notices.append(
            CACHE_NOTICE.format(
                reason=redact(str(exc), client.settings.token),
                time=cached.fetched_at,
                age=age_of(cached.fetched_at),
            )
        )
        return cached


def from_github(client: GitHubClient, repo: str, number: int) -> PullRequest:
    """Live from GitHub, else the HTTP cache, else (for bundled PRs) the snapshot."""
    try:
        pr = fetch_with_fallback(client, repo, number)
    except NetworkError as exc:
        if repo != DEFAULT_REPO or number not in snapshot_numbers():
            raise
        pr = from_snapshot(number, repo)
        pr.notices.append(SNAPSHOT_NOTICE.format(reason=exc, time=pr.fetched_at))
    for notice in pr.notices:
        log.log(NOTICE_LEVELS[client.settings.notice_level], "PR #%d: %s", number, notice)
    return pr


def with_texts(pr: PullRequest, client: GitHubClient) -> PullRequest:
    """The PR with its Python files' full new texts: added ones from their patch, the rest by blob."""
    files = wanted(pr.files)
    pr.texts.update(texts_from_patches(files))
    by_sha = {f.filename: f.sha or "" for f in files if f.filename not in pr.texts}
    chosen = dict(list(by_sha.items())[:MAX_TEXTS])
    for path in by_sha:
        if path not in chosen:
            pr.texts_missing[path] = f"more than {MAX_TEXTS} Python files changed"
    texts, missing = client.blob_texts(pr.repo, chosen)
    for path, text in texts.items():
        # Linters read files of a sane size; a generated giant is left unlinted.
        if len(text) > MAX_TEXT_BYTES:
            missing[path] = f"larger than {MAX_TEXT_BYTES // 1_000_000} MB"
        else:
            pr.texts[path] = text
    pr.texts_missing.update(missing)
    return pr


class GitHubSource:
    """The default source: GitHub's REST API through the cache."""

    name: ClassVar[str] = "api"
    option: ClassVar[str | None] = None
    metavar: ClassVar[str] = ""
    help: ClassVar[str] = "GitHub's REST API (default)"

    def __init__(self, context: SourceContext, argument: str | None = None) -> None:
        self.repo = context.repo
        self.client = GitHubClient(context.github)

    def load(self, number: int | None) -> PullRequest:
        if number is None:
            raise ValueError("GitHubSource needs a PR number")
        return with_texts(from_github(self.client, self.repo, number), self.client)

    def close(self) -> None:
        self.client.close()
