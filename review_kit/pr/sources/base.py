"""What every pull-request source is: a named loader of ``PullRequest`` records.

A source is selected by a command-line option (``--git``, ``--files-from``) or
is the default (GitHub). Adding one is a module with a class like these and
one line in ``sources/__init__.py``'s registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol

from ..model import PullRequest
from .github_api import GitHubSettings


@dataclass(frozen=True)
class SourceContext:
    """What a source may need beyond its own argument."""

    repo: str
    github: GitHubSettings
    repo_dir: Path = Path(".")


class PullRequestSource(Protocol):
    """Loads one pull request (or one local change) as a ``PullRequest``."""

    # Registry key, and the value of ``PullRequest.source`` it produces.
    name: ClassVar[str]
    # Command-line option that selects it (None: the default source), its
    # placeholder and its help text, read by the CLI to build its parser.
    option: ClassVar[str | None]
    metavar: ClassVar[str]
    help: ClassVar[str]

    def load(self, number: int | None) -> PullRequest: ...
