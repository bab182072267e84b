"""Build-side plan for per-PR pages: which PRs, their data, their reviews.

Kept apart from the MkDocs hook so that it can be tested and benchmarked
without MkDocs: the hook only turns these results into files and HTML.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .analysis import Review, analyse
from .catalog import Catalog
from .errors import ReviewKitError
from .github import GitHubClient, GitHubSettings
from .pull_request import PullRequest
from .sources import check_repo_name, from_github

PRS_DIR = "prs"
# GitHub's secondary limits allow at most 100 concurrent requests; staying far
# below keeps a build of hundreds of PRs polite while hiding most latency.
MAX_CONCURRENT_FETCHES = 8

# Under `mkdocs serve`, every edit rebuilds the site; a PR fetched once per
# process is enough. Keyed by (api url, repo, number).
_SERVE_MEMO: dict[tuple[str, str, int], PullRequest] = {}
# Set by the hook's on_startup: whether this process is `mkdocs serve`.
SERVING = {"active": False}


def parse_pr_numbers(value: str | Iterable[object], origin: str) -> list[int]:
    """``"19, 23"`` or ``[19, 23]`` -> ``[19, 23]``; anything else is a one-line error."""
    items = value.split(",") if isinstance(value, str) else list(value)
    numbers: list[int] = []
    for item in items:
        text = str(item).strip()
        if not text and isinstance(value, str):
            continue
        if not text.isdigit() or int(text) <= 0:
            raise ReviewKitError(f"{origin}: {text!r} is not a pull request number")
        if int(text) not in numbers:
            numbers.append(int(text))
    return numbers


@dataclass(frozen=True)
class PrBuildSettings:
    repo: str
    numbers: list[int]
    github: GitHubSettings

    @classmethod
    def resolve(cls, config_repo: str, config_prs: object, cache_dir: Path, environ=None):
        env = os.environ if environ is None else environ
        if env.get("REVIEW_PRS") is not None:
            numbers = parse_pr_numbers(env["REVIEW_PRS"], "REVIEW_PRS")
        else:
            numbers = parse_pr_numbers(config_prs or [], "mkdocs.yml extra.review_kit.prs")
        repo = check_repo_name(env.get("REVIEW_REPO") or config_repo)
        return cls(repo, numbers, GitHubSettings.from_environment(cache_dir, env))


def page_uri(number: int) -> str:
    return f"{PRS_DIR}/{number}/index.md"


INDEX_URI = f"{PRS_DIR}/index.md"


def fetch_reviews(
    settings: PrBuildSettings, catalog: Catalog, remember: bool = False
) -> list[Review]:
    """Fetch every PR (concurrently) and analyse it; a PR that cannot be had fails the build."""
    client = GitHubClient(settings.github)

    def one(number: int) -> PullRequest:
        key = (settings.github.api_url, settings.repo, number)
        if remember and key in _SERVE_MEMO:
            return _SERVE_MEMO[key]
        pr = from_github(client, settings.repo, number)  # errors already name the PR
        if remember:
            _SERVE_MEMO[key] = pr
        return pr

    try:
        with ThreadPoolExecutor(max_workers=MAX_CONCURRENT_FETCHES) as pool:
            prs = list(pool.map(one, settings.numbers))
    finally:
        client.close()
    return [analyse(pr, catalog) for pr in prs]
