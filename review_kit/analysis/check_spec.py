"""What an automated check is: a ``CheckSpec`` that the runner, the docs and every output read.

A check declares its id, title, guide section, the repository rule it applies
and when it applies, beside the function that judges one PR. The function
returns a ``Verdict`` (status, reason, files); the runner adds what the spec
already says, so no check repeats its own id and title in every branch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..catalog.loading import Catalog
from ..pr.model import PullRequest
from .contracts import RepositoryReview
from .model import CheckResult, CheckStatus, Scan

VLLM_OMNI = "vllm-project/vllm-omni"


@dataclass(frozen=True)
class RepositoryRule:
    """A rule of the reviewed repository, cited as one file at one commit (and a heading in it)."""

    path: str
    commit: str
    anchor: str = ""
    repo: str = VLLM_OMNI

    @property
    def url(self) -> str:
        heading = f"#{self.anchor}" if self.anchor else ""
        return f"https://github.com/{self.repo}/blob/{self.commit}/{self.path}{heading}"


@dataclass(frozen=True)
class Evidence:
    """Everything a check may read about one PR.

    ``repository`` is None when no repository data was read; checks that need
    it say so (``CheckSpec.needs_repository``) and are then not run at all.
    """

    pr: PullRequest
    catalog: Catalog
    scan: Scan
    repository: RepositoryReview | None = None


@dataclass(frozen=True)
class Verdict:
    """A check's judgement of one PR; ``rule`` overrides the spec's (a contract's own page)."""

    status: CheckStatus
    reason: str
    files: tuple[str, ...] | list[str] = ()
    rule: str | None = None


@dataclass(frozen=True)
class CheckSpec:
    """One automated check, as every reader of it sees it.

    ``applies_to`` is the sentence the documentation's table prints for it:
    what the check looks at and when it passes.
    """

    id: str
    title: str
    applies_to: str
    run: Callable[[Evidence], Verdict]
    guide: str = ""  # expert-guide section that explains it, if any
    rule: RepositoryRule | None = None  # the repository rule it applies, if any
    needs_repository: bool = False

    def judge(self, evidence: Evidence) -> CheckResult:
        verdict = self.run(evidence)
        rule = verdict.rule if verdict.rule is not None else (self.rule.url if self.rule else "")
        return CheckResult(
            id=self.id,
            title=self.title,
            guide=self.guide,
            status=verdict.status,
            reason=verdict.reason,
            files=list(verdict.files),
            rule=rule,
        )


def sample(names: Iterable[str], limit: int = 3) -> str:
    """A few names for a reason line: ``a, b, c and 4 more``."""
    listed = list(names)
    shown = ", ".join(listed[:limit])
    return shown + (f" and {len(listed) - limit} more" if len(listed) > limit else "")
