"""Where a pull request comes from. One module per source; this registry lists them.

A new source (GitLab, say) is a module with a class that follows
``base.PullRequestSource`` and one line in ``SOURCES``; the review tool builds
its command-line options from this list.
"""

from __future__ import annotations

from .base import PullRequestSource, SourceContext
from .git_range import GitRangeSource
from .github import GitHubSource
from .json_file import JsonFileSource
from .snapshot import SnapshotSource

SOURCES: tuple[type[PullRequestSource], ...] = (
    GitHubSource,
    GitRangeSource,
    JsonFileSource,
    SnapshotSource,
)
# The source no option selects: the review tool's default and the site's.
DEFAULT_SOURCE = next(source for source in SOURCES if source.option is None)

__all__ = ["DEFAULT_SOURCE", "SOURCES", "PullRequestSource", "SourceContext"]
