"""Automated checks: each kind is a function from a PR to verdicts; ``CHECK_KINDS`` lists them.

A new kind of check (one that reads patch text, say) is one function here or
in a module of its own, plus one line in ``CHECK_KINDS``. Verdicts carry their
reason and files, so every output can show why without recomputing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..catalog.focus_map import AutomatedCheck
from ..catalog.loading import Catalog
from ..catalog.paths import path_set
from ..pr.model import ChangedFile, PullRequest
from .model import CheckResult
from .repository_policy import POLICY_CHECK_KINDS
from .rules import Scan

CheckKind = Callable[[PullRequest, Catalog], Iterable[CheckResult]]

NOT_APPLICABLE = "Does not apply: no file of this kind changed."
NOT_READ = "Does not apply: no file this rule reads changed."


def matching_files(
    files: list[ChangedFile], patterns: list[str], statuses: Iterable[str] = ()
) -> list[str]:
    """Names of the files (or their pre-rename paths) that match ``patterns``."""
    matcher = path_set(tuple(patterns))
    wanted = set(statuses)
    hits = []
    for f in files:
        if wanted and f.status not in wanted:
            continue
        if matcher.matches(f.filename) or (
            f.previous_filename and matcher.matches(f.previous_filename)
        ):
            hits.append(f.filename)
    return hits


def sample(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def evaluate_check(check: AutomatedCheck, files: list[ChangedFile]) -> CheckResult:
    """Pass or needs attention, with the reason and the files behind it."""

    def result(status: str, reason: str, hits: list[str]) -> CheckResult:
        return CheckResult(check.id, check.title, check.guide, status, reason, hits)

    triggered = matching_files(files, check.when, check.when_status)
    if not triggered:
        return result("not-applicable", NOT_APPLICABLE, [])
    attention = f"{check.attention} ({len(triggered)} file(s): {sample(triggered)})"
    if not check.expect:
        return result("attention", attention, triggered)
    # A deleted test does not cover a change: only files that still exist count.
    present = [f for f in files if f.status != "removed"]
    companions = matching_files(present, check.expect)
    if companions:
        return result(
            "pass",
            f"{len(triggered)} file(s) of this kind changed, with {sample(companions)}.",
            triggered,
        )
    return result("attention", attention, triggered)


def focus_map_checks(pr: PullRequest, catalog: Catalog) -> list[CheckResult]:
    """The map's path checks: a kind of file changed, with or without its companion."""
    return [evaluate_check(check, pr.files) for check in catalog.focus_map.checks]


def rule_checks(found: Scan, catalog: Catalog) -> list[CheckResult]:
    """One verdict per content rule that ran: its findings, or pass over the files it read.

    A rule that is off by default did not run, so it has no verdict: "not
    applicable" would claim it looked.
    """
    results = []
    for rule in catalog.focus_map.rule_set.rules:
        hits = [f for f in found.findings if f.rule == rule.id]
        applied = found.read_by.get(rule.id, [])
        # A file the rule applies to but could not read is never "nothing found".
        skipped = found.unread_by.get(rule.id, [])
        read = [name for name in applied if name not in skipped]
        if hits:
            where = sample([f"{h.file}:{h.line}" for h in hits])
            status, reason = "attention", f"{len(hits)} finding(s): {where}. {rule.message}"
            files = sorted({h.file for h in hits})
            if skipped:
                reason += f" Not read, so look by hand: {sample(skipped)}."
        elif skipped:
            shown = sample([f"{name} ({found.unread[name]})" for name in skipped])
            status, files = "attention", skipped
            reason = (
                f"{len(skipped)} file(s) it applies to were not read: {shown}. "
                f"Read them by hand; {len(read)} other file(s) read, nothing found."
            )
        elif read:
            status, reason, files = "pass", f"Read {len(read)} file(s); nothing found.", read
        else:
            status, reason, files = "not-applicable", NOT_READ, []
        results.append(CheckResult(rule.id, rule.title, rule.guide, status, reason, files))
    return results


# Kinds that read the PR itself. The content rules' verdicts come from the scan
# the analysis has already made (``rule_checks``), so no patch is read twice.
CHECK_KINDS: tuple[CheckKind, ...] = POLICY_CHECK_KINDS


def run_checks(pr: PullRequest, catalog: Catalog, found: Scan) -> list[CheckResult]:
    """The map's path checks, the content rules' verdicts, then every kind in ``CHECK_KINDS``."""
    return [
        *focus_map_checks(pr, catalog),
        *rule_checks(found, catalog),
        *(result for kind in CHECK_KINDS for result in kind(pr, catalog)),
    ]
