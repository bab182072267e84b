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
from ..repo.model import RepositoryData
from ..repo.sources import GitHubRepositoryData, repository_data_for

# GitHub's secondary limits allow at most 100 concurrent requests; staying far
# below keeps a build of hundreds of PRs polite while hiding most latency.
MAX_CONCURRENT_FETCHES = 8

# Under `mkdocs serve` every edit rebuilds the site; a PR fetched once per
# process is enough. The caller owns this memo: (api url, repo, number) -> PR,
# and (api url, repo, "base:" + sha) -> the repository data at that base.
ServeMemo = dict[tuple[str, str, int | str], PullRequest | RepositoryData]


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

    # One reader per build: PRs on the same base commit share one reading.
    at_base = GitHubRepositoryData(client)

    def repository(pr: PullRequest) -> RepositoryData:
        key = (github.api_url, repo, f"base:{pr.base_sha}")
        if memo is not None and pr.source == "api" and key in memo:
            return memo[key]
        data = repository_data_for(pr, github=at_base)
        if memo is not None and pr.source == "api":
            memo[key] = data
        return data

    try:
        with ThreadPoolExecutor(max_workers=MAX_CONCURRENT_FETCHES) as pool:
            prs = list(pool.map(one, numbers))
            # Read each base commit once, even when several PRs share it, one base
            # after another in a fixed order: documents are fetched (at that base's
            # ref) by the first base that lists their blob, so the same PRs always
            # ask for the same URLs and a warm build is all 304s.
            firsts = {(pr.source, pr.base_sha): pr for pr in reversed(prs)}
            read = {key: repository(firsts[key]) for key in sorted(firsts)}
            data = [_own_copy(read[(pr.source, pr.base_sha)]) for pr in prs]
    finally:
        client.close()
    return [analyse(pr, catalog, d) for pr, d in zip(prs, data, strict=True)]


def _own_copy(data: RepositoryData) -> RepositoryData:
    # Each review gets its own notices list; contracts and the CI map are frozen.
    return RepositoryData(
        data.contracts, data.ci, data.origin, data.repo, data.commit, list(data.notices)
    )
