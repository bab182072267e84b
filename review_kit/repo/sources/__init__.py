"""Where repository data comes from: one module per source, listed in ``REPOSITORY_SOURCES``.

The bundled snapshot works offline; a checkout (``--repo-dir``) and GitHub at
the PR's base commit give the data the PR was written against. The GitHub
source falls back to the snapshot, with a notice, when it cannot answer.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import ReviewKitError
from ...pr.model import PullRequest
from ..model import RepositoryData
from .checkout import from_checkout
from .github import GitHubRepositoryData
from .snapshot import from_snapshot

# origin -> how to read it; the front ends pick one per PR.
REPOSITORY_SOURCES = {
    "snapshot": from_snapshot,
    "checkout": from_checkout,
    "github": GitHubRepositoryData,
}


def repository_data_for(
    pr: PullRequest,
    repo_dir: str | Path | None = None,
    github: GitHubRepositoryData | None = None,
) -> RepositoryData:
    """A checkout at the PR's base if given; else GitHub at that base for a live PR; else the snapshot.

    Never the checkout's work tree or HEAD: after ``gh pr checkout`` those are
    the PR's own, and its contracts would choose its reviewers.
    """
    live = github is not None and pr.source == "api" and bool(pr.base_sha)
    if repo_dir is not None:
        try:
            return from_checkout(repo_dir, pr.repo, pr.base_sha)
        except ReviewKitError as exc:
            data = github.at(pr.repo, pr.base_sha) if live and github else from_snapshot()
            data.notices.append(f"{exc}; module contracts and CI jobs come from {data.described}.")
            return data
    if live and github is not None:
        return github.at(pr.repo, pr.base_sha)
    data = from_snapshot()
    if github is not None:
        # The PR itself came from the cache or the snapshot: GitHub is not answering.
        data.notices.append(
            "Module contracts and CI jobs come from the kit's snapshot, "
            "not the PR's base commit: GitHub did not serve the PR."
        )
    return data


__all__ = [
    "REPOSITORY_SOURCES",
    "GitHubRepositoryData",
    "from_checkout",
    "from_snapshot",
    "repository_data_for",
]
