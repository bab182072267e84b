"""Where repository data comes from: one module per source, listed in ``REPOSITORY_SOURCES``.

The bundled snapshot works offline; a checkout (``--repo-dir``) and GitHub at
the PR's base commit give the data the PR was written against. The GitHub
source falls back to the snapshot, with a notice, when it cannot answer.
"""

from __future__ import annotations

from .checkout import from_checkout
from .github import GitHubRepositoryData
from .snapshot import from_snapshot

# origin -> how to read it; the front ends pick one per PR.
REPOSITORY_SOURCES = {
    "snapshot": from_snapshot,
    "checkout": from_checkout,
    "github": GitHubRepositoryData,
}

__all__ = ["REPOSITORY_SOURCES", "GitHubRepositoryData", "from_checkout", "from_snapshot"]
