"""Fetch and analyse every PR a build asks for, concurrently and politely.

Kept apart from the hook so that tests and benchmarks can run it without
MkDocs: the hook only turns these reviews into pages.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ..analysis import Review, analyse
from ..catalog.loading import Catalog
from ..pr.model import PullRequest
from ..pr.sources.github import from_github
from ..pr.sources.github_api import GitHubClient, GitHubSettings

# GitHub's secondary limits allow at most 100 concurrent requests; staying far
# below keeps a build of hundreds of PRs polite while hiding most latency.
MAX_CONCURRENT_FETCHES = 8

# Under `mkdocs serve` every edit rebuilds the site; a PR fetched once per
# process is enough. The caller owns this memo: (api url, repo, number) -> PR.
ServeMemo = dict[tuple[str, str, int], PullRequest]


def fetch_reviews(
    repo: str,
    numbers: list[int] | tuple[int, ...],
    github: GitHubSettings,
    catalog: Catalog,
    memo: ServeMemo | None = None,
) -> list[Review]:
    """Fetch every PR (concurrently) and analyse it; a PR that cannot be had fails the build."""
    client = GitHubClient(github)

    def one(number: int) -> PullRequest:
        key = (github.api_url, repo, number)
        if memo is not None and key in memo:
            return memo[key]
        pr = from_github(client, repo, number)  # errors already name the PR
        if memo is not None:
            memo[key] = pr
        return pr

    try:
        with ThreadPoolExecutor(max_workers=MAX_CONCURRENT_FETCHES) as pool:
            prs = list(pool.map(one, numbers))
    finally:
        client.close()
    return [analyse(pr, catalog) for pr in prs]
