"""Checks built on the repository's module contracts, registered in ``CONTRACT_CHECKS``.

They need the contracts a PR touches, which depend on the repository data read
for that PR (at its base commit), not on the catalog: their specs say
``needs_repository``, and without repository data they are not run. Each
returns one verdict, with the third state when no contract is touched.
"""

from __future__ import annotations

from .check_spec import CheckSpec, Evidence, RepositoryRule, Verdict, sample
from .contracts import STALE_AFTER_DAYS, RepositoryReview

# vllm-omni's review rule that the design page owning a changed contract is updated with it.
DESIGN_PAGE_RULE = RepositoryRule(
    ".claude/skills/review-pr/references/process/general-checks.md",
    "6c0bf5f8d220b7dca185247d64abf8e72e4411a5",
    "module-api-and-class-design",
)
NO_CONTRACT = "Does not apply: the PR touches no module contract's code."
NO_PRIMARY = "Does not apply: no contract's primary code changed."


def _contracts(evidence: Evidence) -> RepositoryReview:
    # The runner never calls a check that needs repository data without it.
    assert evidence.repository is not None
    return evidence.repository


def _validation_tests_changed(evidence: Evidence) -> Verdict:
    # Related code alone does not count: many contracts list whole packages as
    # related, and asking each of them for a test would bury the one that matters.
    primary = [t for t in _contracts(evidence).contracts if t.primary_files]
    if not primary:
        return Verdict("not-applicable", NO_PRIMARY)
    if not any(t.contract.validation_paths for t in primary):
        names = ", ".join(t.contract.title for t in primary)
        return Verdict(
            "not-applicable",
            f"Does not apply: {names} name no validation paths to look for a test in.",
        )
    missing = [t for t in primary if t.contract.validation_paths and not t.validation_files]
    if not missing:
        covered = [f for t in primary for f in t.validation_files]
        return Verdict("pass", f"Validation files changed: {sample(covered)}.", files=covered)
    names = ", ".join(t.contract.title for t in missing)
    files = [f for t in missing for f in t.primary_files]
    return Verdict(
        "attention",
        f"No file under the validation paths of {names} changed; ask which test covers "
        f"the change to {sample(files)}.",
        files=files,
        rule=missing[0].url,
    )


def _document_updated(evidence: Evidence) -> Verdict:
    primary = [t for t in _contracts(evidence).contracts if t.primary_files]
    if not primary:
        return Verdict("not-applicable", NO_PRIMARY)
    stale = [t for t in primary if not t.document_changed]
    if not stale:
        docs = [t.contract.path for t in primary]
        return Verdict("pass", f"Updated: {sample(docs)}.", files=docs)
    names = ", ".join(f"{t.contract.title} ({t.contract.path})" for t in stale)
    return Verdict(
        "attention",
        f"Primary code of {names} changed but the document did not: "
        "check its invariants and safe-change guide still hold.",
        files=[f for t in stale for f in t.primary_files],
    )


def _review_age(evidence: Evidence) -> Verdict:
    touched = _contracts(evidence).contracts
    if not touched:
        return Verdict("not-applicable", NO_CONTRACT)
    old = [t for t in touched if t.stale]
    if not old:
        return Verdict("pass", "Every touched contract was reviewed recently.")
    names = ", ".join(
        f"{t.contract.title} ({t.age_days} days)"
        if t.age_days is not None
        else f"{t.contract.title} (never)"
        for t in old
    )
    return Verdict(
        "attention",
        f"Not reviewed for more than {STALE_AFTER_DAYS} days: {names}. "
        "Its owners should confirm it still describes the code.",
        files=[f for t in old for f in t.files],
        rule=old[0].url,
    )


CONTRACT_CHECKS = (
    CheckSpec(
        id="contract-validation-tests",
        title="Contract validation paths gained a test",
        applies_to="Every contract whose primary code changed has a changed file under its "
        "validation paths.",
        guide="5.1",
        needs_repository=True,
        run=_validation_tests_changed,
    ),
    CheckSpec(
        id="contract-document-updated",
        title="Contract document updated with its primary code",
        applies_to="Primary code of a contract changed while its document did not.",
        rule=DESIGN_PAGE_RULE,
        # The check stands on the contract, not the rule: only its link follows the base.
        skill_rule="design-page-updated",
        binding=False,
        needs_repository=True,
        run=_document_updated,
    ),
    CheckSpec(
        id="contract-review-age",
        title=f"Touched contracts reviewed within {STALE_AFTER_DAYS} days",
        applies_to=f"A touched contract was last reviewed more than {STALE_AFTER_DAYS} days "
        "ago (STALE_AFTER_DAYS).",
        needs_repository=True,
        run=_review_age,
    ),
)
