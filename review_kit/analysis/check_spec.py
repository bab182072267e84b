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
from ..repo.skill import skill_rule
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
    what the check looks at and when it passes. ``skill_rule`` names the rule
    of vllm-omni's review skill it applies (a key of ``repo.skill.SKILL_RULES``):
    when the skill was read with the repository data, every verdict links
    that rule at the commit read, and a ``binding`` rule no longer written
    there makes the check not applicable, since a PR is held to the rules of
    its base.
    """

    id: str
    title: str
    applies_to: str
    run: Callable[[Evidence], Verdict]
    guide: str = ""  # expert-guide section that explains it, if any
    rule: RepositoryRule | None = None  # the repository rule it applies, if any
    needs_repository: bool = False
    skill_rule: str = ""
    binding: bool = True
    # Judged only when the review skill was read (its own rules' checks).
    needs_skill: bool = False
    # The paperwork the check reads ("title", "description"): the page and the
    # review gather those verdicts on one line after the code's.
    hygiene: str = ""

    def can_judge(self, evidence: Evidence) -> bool:
        """Whether the data this check needs was read for this PR."""
        repository = evidence.repository
        if self.needs_skill:
            return repository is not None and repository.skill is not None
        return repository is not None or not self.needs_repository

    def judge(self, evidence: Evidence) -> CheckResult:
        verdict = self._skill_verdict(evidence) or self.run(evidence)
        rule = verdict.rule if verdict.rule is not None else (self.rule.url if self.rule else "")
        return CheckResult(
            id=self.id,
            title=self.title,
            guide=self.guide,
            status=verdict.status,
            reason=verdict.reason,
            files=list(verdict.files),
            rule=rule,
            hygiene=self.hygiene,
        )

    def _skill_verdict(self, evidence: Evidence) -> Verdict | None:
        """Not applicable when the skill read no longer holds a binding rule; else None."""
        repository = evidence.repository
        if not self.skill_rule or repository is None or repository.skill is None:
            return None
        skill, rule = repository.skill, skill_rule(self.skill_rule)
        url = skill.rule_url(repository.repo, rule)
        if self.binding and not skill.in_force(rule):
            document = skill.document(rule.path)
            commit = document.commit if document is not None else repository.commit
            where = f"at {commit[:10]}" if commit else "in the kit's snapshot"
            if document is None:
                reason = f"Does not apply: vllm-omni has no {rule.path} {where}, so no such rule."
            else:
                reason = (
                    f"Does not apply: vllm-omni's {rule.path} {where} no longer holds this rule."
                )
            return Verdict("not-applicable", reason, rule=url)
        verdict = self.run(evidence)
        return Verdict(verdict.status, verdict.reason, verdict.files, rule=url)


def sample(names: Iterable[str], limit: int = 3) -> str:
    """A few names for a reason line: ``a, b, c and 4 more``."""
    listed = list(names)
    shown = ", ".join(listed[:limit])
    return shown + (f" and {len(listed) - limit} more" if len(listed) > limit else "")
