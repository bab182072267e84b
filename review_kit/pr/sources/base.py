"""What every pull-request source is: a named loader of ``PullRequest`` records.

A source is selected by a command-line option (``--git``, ``--files-from``) or
is the default (GitHub). It stamps each PR with its ``Provenance`` (wording,
web addresses), and says where repository data for its PRs is read: through
its GitHub client at the PR's base, or in the checkout it runs in. Adding one
is a module with a class like these and one line in ``sources/__init__.py``'s
registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from ..model import PullRequest
from .github_settings import GitHubSettings

if TYPE_CHECKING:  # the client imports requests; only a GitHub source makes one
    from .github_api import GitHubClient


@dataclass(frozen=True)
class SourceContext:
    """What a source may need beyond its own argument."""

    repo: str
    github: GitHubSettings
    repo_dir: Path = Path(".")
    # Fetch the changed files' full texts for the linters where they cost
    # requests (GitHub's blobs): the review tool does; a site build of many
    # PRs does not, so a warm build stays all conditional requests.
    full_texts: bool = True


class PullRequestSource(Protocol):
    """Loads one pull request (or one local change) as a ``PullRequest``."""

    # Registry key, and the value of ``PullRequest.source`` it produces.
    name: ClassVar[str]
    # Command-line option that selects it (None: the default source), its
    # placeholder and its help text, read by the CLI to build its parser.
    option: ClassVar[str | None]
    metavar: ClassVar[str]
    help: ClassVar[str]
    # The source reads a local checkout, so repository data comes from there too.
    runs_in_checkout: ClassVar[bool]

    def __init__(self, context: SourceContext, argument: str | None = None) -> None: ...

    @property
    def client(self) -> GitHubClient | None:
        """The GitHub client its PRs came through, which can read a PR's base commit
        (None: the source does not talk to GitHub)."""

    def load(self, number: int | None) -> PullRequest: ...

    def close(self) -> None:
        """Release what the source holds open (its HTTP session)."""
