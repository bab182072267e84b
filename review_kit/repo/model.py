"""What the kit knows of the repository a PR targets: contracts, CI map, review rules, and from where."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from .ci import CiDependencies
from .contracts import ModuleContract
from .skill import ReviewSkill

RepositoryOrigin = Literal["snapshot", "checkout", "github"]


@dataclass
class RepositoryData:
    contracts: tuple[ModuleContract, ...]
    ci: CiDependencies | None
    origin: RepositoryOrigin
    repo: str
    # The commit read (a checkout's HEAD, the PR's base); "" for the snapshot,
    # whose documents each name the commit they were read at.
    commit: str = ""
    notices: list[str] = field(default_factory=list)
    # The review skill's rules and the pre-commit hooks, read from the same place.
    skill: ReviewSkill | None = None

    def own_copy(self) -> RepositoryData:
        """The same data with a notices list of its own (each PR's page adds to its own)."""
        return replace(self, notices=list(self.notices))

    @property
    def described(self) -> str:
        """Where the data comes from, in a few words for the page and the report."""
        short = self.commit[:10]
        if self.origin == "github":
            return f"{self.repo} at the PR's base commit {short}, from GitHub"
        if self.origin == "checkout":
            return f"a local checkout at {short}" if short else "a local checkout"
        return "the snapshot bundled with the kit (read November 2026), not the PR's base commit"
