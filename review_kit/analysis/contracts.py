"""The repository's own review data applied to one PR: contracts touched, reviewers, CI jobs.

Contract paths (glob ``**`` syntax) and CI path lists go through the catalog's
one matcher (``catalog.paths``), anchored at the repository root. Suggested
reviewers are ranked by the share of changed lines their touched contracts
cover; the PR's author is never suggested.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

from ..catalog.paths import compile_matcher, last_match_decisions
from ..pr.model import ChangedFile, PullRequest
from ..repo.ci import CiDependencies
from ..repo.contracts import ModuleContract, login
from ..repo.model import RepositoryData
from ..repo.skill import ReviewSkill

# A contract whose last review is older than this needs its owners' attention.
STALE_AFTER_DAYS = 90


@dataclass(frozen=True)
class ContractTouch:
    """One contract whose primary or related code the PR changes."""

    contract: ModuleContract
    url: str  # the document at the commit the data was read at
    primary_files: list[str]
    related_files: list[str]
    validation_files: list[str]  # changed files under its validation paths
    validation_changed: list[str]  # which validation paths those files fall under
    document_changed: bool
    age_days: int | None  # days since last_reviewed; None when it has none

    @property
    def files(self) -> list[str]:
        return list(dict.fromkeys(self.primary_files + self.related_files))

    @property
    def stale(self) -> bool:
        return self.age_days is None or self.age_days > STALE_AFTER_DAYS

    @property
    def owners(self) -> list[str]:
        return [login(h) for h in self.contract.owners]

    @property
    def required_reviewers(self) -> list[str]:
        return [login(h) for h in self.contract.required_reviewers]


@dataclass(frozen=True)
class SuggestedReviewer:
    login: str
    share: float  # of the PR's changed lines that this person's touched contracts cover
    files: list[str]
    contracts: list[str]  # titles
    roles: list[str]  # "owner", "required reviewer"


@dataclass(frozen=True)
class CiJob:
    name: str
    files: list[str]


@dataclass(frozen=True)
class CiReview:
    jobs: list[CiJob]
    uncovered: list[str]  # changed files no job's path list names
    # When no job matches but a fallback path does, the upload keeps every job.
    fallback_files: list[str] = field(default_factory=list)

    @property
    def every_job(self) -> bool:
        return not self.jobs and bool(self.fallback_files)


@dataclass
class RepositoryReview:
    source: str
    origin: str
    commit: str
    contracts: list[ContractTouch]
    suggested_reviewers: list[SuggestedReviewer]
    ci: CiReview | None
    notices: list[str] = field(default_factory=list)
    # vllm-omni's pre-commit hook ids, and their config at the commit read: what
    # its CI already enforces, listed once so no check repeats it.
    pre_commit: tuple[str, ...] = ()
    pre_commit_url: str = ""
    # The review skill as read with the contracts, for links to its rules.
    skill: ReviewSkill | None = None
    repo: str = ""


def anchored(patterns: tuple[str, ...]) -> list[str]:
    """Contract paths are repository-relative globs; gitignore needs them anchored."""
    return [p if p.startswith("/") else "/" + p for p in patterns]


@cache
def _matcher(groups: tuple[tuple[str, tuple[str, ...]], ...]):
    return compile_matcher([(owner, anchored(patterns)) for owner, patterns in groups if patterns])


def _owners_of(groups: tuple[tuple[str, tuple[str, ...]], ...], f: ChangedFile) -> set[str]:
    """Owners (group names) whose patterns claim the file or its pre-rename path."""
    matcher, owners = _matcher(groups)
    hits = {o for o, inc in last_match_decisions(matcher, owners, f.filename).items() if inc}
    if f.previous_filename:
        previous = last_match_decisions(matcher, owners, f.previous_filename)
        hits |= {o for o, inc in previous.items() if inc}
    return hits


def _contract_groups(contracts: tuple[ModuleContract, ...]):
    groups = []
    for i, c in enumerate(contracts):
        groups += [
            (f"{i}:primary", c.primary_code_paths),
            (f"{i}:except", tuple(e.path for e in c.primary_path_exceptions)),
            (f"{i}:related", c.related_code_paths),
        ]
        for v, pattern in enumerate(c.validation_paths):
            groups.append((f"{i}:validation:{v}", (pattern,)))
        for p, part in enumerate(c.primary_code_path_owners):
            groups.append((f"{i}:owners:{p}", part.paths))
    return tuple(groups)


def _weight(f: ChangedFile) -> int:
    return f.additions + f.deletions


def touched_contracts(
    pr: PullRequest, data: RepositoryData, today: dt.date
) -> tuple[list[ContractTouch], dict[str, dict]]:
    """Contracts whose primary or related paths match a changed file, in document order.

    Also returns, per person, the files and roles their touched contracts give them.
    """
    groups = _contract_groups(data.contracts)
    hits = {f.filename: _owners_of(groups, f) for f in pr.files}
    changed = {f.filename for f in pr.files if f.status != "removed"}
    touches: list[ContractTouch] = []
    people: dict[str, dict] = {}
    for i, c in enumerate(data.contracts):
        primary = [n for n, h in hits.items() if f"{i}:primary" in h and f"{i}:except" not in h]
        related = [n for n, h in hits.items() if f"{i}:related" in h and n not in primary]
        if not primary and not related:
            continue
        validation_files, validation_changed = [], []
        for v, pattern in enumerate(c.validation_paths):
            files = [n for n, h in hits.items() if f"{i}:validation:{v}" in h and n in changed]
            if files:
                validation_changed.append(pattern)
                validation_files += [n for n in files if n not in validation_files]
        age = (today - c.last_reviewed).days if c.last_reviewed else None
        touch = ContractTouch(
            contract=c,
            url=c.document_url(data.repo, data.commit or None),
            primary_files=primary,
            related_files=related,
            validation_files=validation_files,
            validation_changed=validation_changed,
            document_changed=c.path in {f.filename for f in pr.files},
            age_days=age,
        )
        touches.append(touch)
        covered = touch.files + validation_files
        roles = [(h, "owner") for h in touch.owners] + [
            (h, "required reviewer") for h in touch.required_reviewers
        ]
        for p, part in enumerate(c.primary_code_path_owners):
            mine = [n for n, h in hits.items() if f"{i}:owners:{p}" in h]
            roles += [(login(h), "owner", mine) for h in part.owners] if mine else []
        for entry in roles:
            handle, role = entry[0], entry[1]
            files = entry[2] if len(entry) > 2 else covered
            person = people.setdefault(
                handle.lower(), {"login": handle, "files": [], "contracts": [], "roles": []}
            )
            person["files"] += [n for n in files if n not in person["files"]]
            if c.title not in person["contracts"]:
                person["contracts"].append(c.title)
            if role not in person["roles"]:
                person["roles"].append(role)
    return touches, people


def rank_reviewers(pr: PullRequest, people: dict[str, dict]) -> list[SuggestedReviewer]:
    """Most of the change first; owners before required reviewers on a tie; never the author."""
    weights = {f.filename: _weight(f) for f in pr.files}
    total = sum(weights.values())
    author = login(pr.author).lower() if pr.author else ""
    ranked = []
    for key, person in people.items():
        if not key or key == author:
            continue
        files = person["files"]
        if total:
            share = sum(weights.get(n, 0) for n in files) / total
        else:
            share = len(files) / max(len(pr.files), 1)
        ranked.append(
            SuggestedReviewer(
                person["login"], round(share, 4), files, person["contracts"], person["roles"]
            )
        )
    ranked.sort(key=lambda r: (-r.share, "owner" not in r.roles, r.login.lower()))
    return ranked


@cache
def _ci_matcher(jobs: tuple[tuple[str, tuple[str, ...]], ...]):
    return compile_matcher(
        [(job, list(CiDependencies.as_patterns(paths))) for job, paths in jobs if paths]
    )


def ci_jobs(pr: PullRequest, ci: CiDependencies) -> CiReview:
    """The jobs the changed paths trigger (file order), and the files no job names."""
    matcher, owners = _ci_matcher(tuple(ci.jobs.items()))
    fallback, fallback_owners = _ci_matcher((("fallback", ci.fallback),))
    triggered: dict[str, list[str]] = {}
    uncovered: list[str] = []
    fallback_files: list[str] = []
    for f in pr.files:
        names = [f.filename] + ([f.previous_filename] if f.previous_filename else [])
        jobs = {
            j for n in names for j, inc in last_match_decisions(matcher, owners, n).items() if inc
        }
        for job in jobs:
            triggered.setdefault(job, []).append(f.filename)
        if not jobs:
            uncovered.append(f.filename)
            if any(last_match_decisions(fallback, fallback_owners, n) for n in names):
                fallback_files.append(f.filename)
    ordered = [CiJob(job, triggered[job]) for job in ci.jobs if job in triggered]
    return CiReview(ordered, uncovered, fallback_files if not ordered else [])


def review_repository(
    pr: PullRequest, data: RepositoryData, today: dt.date | None = None
) -> RepositoryReview:
    """Contracts, reviewers and CI jobs for one PR from one reading of the repository."""
    today = today or dt.date.today()
    touches, people = touched_contracts(pr, data, today)
    hooks = data.skill.hooks if data.skill is not None else None
    return RepositoryReview(
        source=data.described,
        origin=data.origin,
        commit=data.commit,
        contracts=touches,
        suggested_reviewers=rank_reviewers(pr, people),
        ci=ci_jobs(pr, data.ci) if data.ci is not None else None,
        notices=list(data.notices),
        pre_commit=hooks.ids if hooks is not None else (),
        pre_commit_url=hooks.url(data.repo) if hooks is not None else "",
        skill=data.skill,
        repo=data.repo,
    )
