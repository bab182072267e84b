"""Every automated check, in one registry: ``CHECKS`` for those written in Python.

The focus map adds two families of data-driven checks, one spec each: its
path checks (``checks:``) and one verdict per content rule (``rules:``).
``check_specs`` lists them all in the order every output shows them; the
runner, the documentation's table of checks and the review tool read that
list. A new check is a ``CheckSpec`` in a module of its own and one line in
``CHECKS``.
"""

from __future__ import annotations

from functools import partial
from weakref import WeakKeyDictionary

from ..catalog.focus_map import AutomatedCheck, FocusMap
from ..catalog.loading import Catalog
from ..catalog.paths import files_matching
from ..catalog.rules import ContentRule
from .check_spec import CheckSpec, Evidence, Verdict, sample
from .contract_checks import CONTRACT_CHECKS
from .model import CheckResult
from .repository_policy import POLICY_CHECKS
from .skill_rules import SKILL_CHECK_SPECS

NOT_APPLICABLE = "Does not apply: no file of this kind changed."
NOT_READ = "Does not apply: no file this rule reads changed."

# The checks written in Python, in the order every output shows them.
CHECKS: tuple[CheckSpec, ...] = (*POLICY_CHECKS, *CONTRACT_CHECKS, *SKILL_CHECK_SPECS)


def _path_check(check: AutomatedCheck, evidence: Evidence) -> Verdict:
    """Pass or needs attention, with the reason and the files behind it."""
    files = evidence.pr.files
    triggered = files_matching(files, check.when, check.when_status)
    if not triggered:
        return Verdict("not-applicable", NOT_APPLICABLE)
    attention = f"{check.attention} ({len(triggered)} file(s): {sample(triggered)})"
    if not check.expect:
        return Verdict("attention", attention, files=triggered)
    # A deleted test does not cover a change: only files that still exist count.
    present = [f for f in files if f.status != "removed"]
    companions = files_matching(present, check.expect)
    if companions:
        return Verdict(
            "pass",
            f"{len(triggered)} file(s) of this kind changed, with {sample(companions)}.",
            files=triggered,
        )
    return Verdict("attention", attention, files=triggered)


def _rule_verdict(rule: ContentRule, evidence: Evidence) -> Verdict:
    """The rule's findings, or pass over the files it read (from the scan already made)."""
    scan = evidence.scan
    hits = [f for f in scan.findings if f.rule == rule.id]
    applied = scan.read_by.get(rule.id, [])
    # A file the rule applies to but could not read is never "nothing found".
    skipped = scan.unread_by.get(rule.id, [])
    read = [name for name in applied if name not in skipped]
    if hits:
        where = sample([f"{h.file}:{h.line}" for h in hits])
        reason = f"{len(hits)} finding(s): {where}. {rule.message}"
        if skipped:
            reason += f" Not read, so look by hand: {sample(skipped)}."
        return Verdict("attention", reason, files=sorted({h.file for h in hits}))
    if skipped:
        shown = sample([f"{name} ({scan.unread[name]})" for name in skipped])
        return Verdict(
            "attention",
            f"{len(skipped)} file(s) it applies to were not read: {shown}. "
            f"Read them by hand; {len(read)} other file(s) read, nothing found.",
            files=skipped,
        )
    if read:
        return Verdict("pass", f"Read {len(read)} file(s); nothing found.", files=read)
    return Verdict("not-applicable", NOT_READ)


def path_check_spec(check: AutomatedCheck) -> CheckSpec:
    return CheckSpec(
        id=check.id,
        title=check.title,
        guide=check.guide,
        applies_to=f"A changed file matches {', '.join(check.when)}.",
        run=partial(_path_check, check),
    )


def rule_check_spec(rule: ContentRule) -> CheckSpec:
    return CheckSpec(
        id=rule.id,
        title=rule.title,
        guide=rule.guide,
        applies_to=f"The lines a PR adds to {', '.join(rule.paths)}.",
        run=partial(_rule_verdict, rule),
    )


# The focus map's own checks, made once per loaded map and dropped with it.
_MAP_SPECS: WeakKeyDictionary[FocusMap, tuple[CheckSpec, ...]] = WeakKeyDictionary()


def check_specs(catalog: Catalog) -> list[CheckSpec]:
    """The map's path checks, the content rules' verdicts, then every check in ``CHECKS``."""
    focus_map = catalog.focus_map
    made = _MAP_SPECS.get(focus_map)
    if made is None:
        made = _MAP_SPECS[focus_map] = (
            *(path_check_spec(c) for c in focus_map.checks),
            # A rule that is off by default did not run: no verdict, since
            # "not applicable" would claim it looked.
            *(rule_check_spec(r) for r in focus_map.running_rules),
        )
    return [*made, *CHECKS]


def run_checks(evidence: Evidence) -> list[CheckResult]:
    """Every check's verdict; those that need repository data (or the skill) only when read."""
    return [
        spec.judge(evidence) for spec in check_specs(evidence.catalog) if spec.can_judge(evidence)
    ]
