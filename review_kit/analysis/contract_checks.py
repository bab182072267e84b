"""Checks built on the repository's module contracts; ``CONTRACT_CHECK_KINDS`` lists them.

They need the contracts a PR touches, which depend on the repository data read
for that PR (at its base commit), not on the catalog: so they take the
``RepositoryReview`` rather than the catalog, and are not ``CHECK_KINDS``.
Each returns one verdict, with the third state when no contract is touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..pr.model import PullRequest
from .checks import sample
from .contracts import STALE_AFTER_DAYS, RepositoryReview
from .model import CheckResult

ContractCheckKind = Callable[[PullRequest, RepositoryReview], Iterable[CheckResult]]

# vllm-omni's review rule that the design page owning a changed contract is updated with it.
DESIGN_PAGE_RULE = (
    "https://github.com/vllm-project/vllm-omni/blob/6c0bf5f8d220b7dca185247d64abf8e72e4411a5/"
    ".claude/skills/review-pr/references/process/general-checks.md#module-api-and-class-design"
)
NO_CONTRACT = "Does not apply: the PR touches no module contract's code."


def _result(check_id: str, title: str, guide: str, status: str, reason: str, files, rule=""):
    return CheckResult(check_id, title, guide, status, reason, list(files), rule)


def validation_tests_changed(pr: PullRequest, repo: RepositoryReview) -> list[CheckResult]:
    """Every contract whose primary code changed has a changed file under its validation paths.

    Related code alone does not count: many contracts list whole packages as
    related, and asking each of them for a test would bury the one that matters.
    """
    check = ("contract-validation-tests", "Contract validation paths gained a test", "5.1")
    primary = [t for t in repo.contracts if t.primary_files]
    if not primary:
        return [
            _result(
                *check, "not-applicable", "Does not apply: no contract's primary code changed.", []
            )
        ]
    if not any(t.contract.validation_paths for t in primary):
        names = ", ".join(t.contract.title for t in primary)
        return [
            _result(
                *check,
                "not-applicable",
                f"Does not apply: {names} name no validation paths to look for a test in.",
                [],
            )
        ]
    missing = [t for t in primary if t.contract.validation_paths and not t.validation_files]
    if not missing:
        covered = [f for t in primary for f in t.validation_files]
        return [_result(*check, "pass", f"Validation files changed: {sample(covered)}.", covered)]
    names = ", ".join(t.contract.title for t in missing)
    files = [f for t in missing for f in t.primary_files]
    return [
        _result(
            *check,
            "attention",
            f"No file under the validation paths of {names} changed; ask which test covers "
            f"the change to {sample(files)}.",
            files,
            missing[0].url,
        )
    ]


def document_updated(pr: PullRequest, repo: RepositoryReview) -> list[CheckResult]:
    """Primary code of a contract changed while its document did not."""
    check = ("contract-document-updated", "Contract document updated with its primary code", "")
    primary = [t for t in repo.contracts if t.primary_files]
    if not primary:
        return [
            _result(
                *check, "not-applicable", "Does not apply: no contract's primary code changed.", []
            )
        ]
    stale = [t for t in primary if not t.document_changed]
    if not stale:
        docs = [t.contract.path for t in primary]
        return [_result(*check, "pass", f"Updated: {sample(docs)}.", docs, DESIGN_PAGE_RULE)]
    names = ", ".join(f"{t.contract.title} ({t.contract.path})" for t in stale)
    files = [f for t in stale for f in t.primary_files]
    return [
        _result(
            *check,
            "attention",
            f"Primary code of {names} changed but the document did not: "
            "check its invariants and safe-change guide still hold.",
            files,
            DESIGN_PAGE_RULE,
        )
    ]


def review_age(pr: PullRequest, repo: RepositoryReview) -> list[CheckResult]:
    """A touched contract was last reviewed more than 90 days ago (STALE_AFTER_DAYS)."""
    check = (
        "contract-review-age",
        f"Touched contracts reviewed within {STALE_AFTER_DAYS} days",
        "",
    )
    if not repo.contracts:
        return [_result(*check, "not-applicable", NO_CONTRACT, [])]
    old = [t for t in repo.contracts if t.stale]
    if not old:
        return [_result(*check, "pass", "Every touched contract was reviewed recently.", [])]
    names = ", ".join(
        f"{t.contract.title} ({t.age_days} days)"
        if t.age_days is not None
        else f"{t.contract.title} (never)"
        for t in old
    )
    files = [f for t in old for f in t.files]
    return [
        _result(
            *check,
            "attention",
            f"Not reviewed for more than {STALE_AFTER_DAYS} days: {names}. "
            "Its owners should confirm it still describes the code.",
            files,
            old[0].url,
        )
    ]


document_updated.rule = DESIGN_PAGE_RULE  # read by the documentation's table of checks

CONTRACT_CHECK_KINDS: tuple[ContractCheckKind, ...] = (
    validation_tests_changed,
    document_updated,
    review_age,
)


def run_contract_checks(pr: PullRequest, repo: RepositoryReview | None) -> list[CheckResult]:
    if repo is None:
        return []
    return [result for kind in CONTRACT_CHECK_KINDS for result in kind(pr, repo)]
