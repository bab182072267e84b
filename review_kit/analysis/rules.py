"""Content rules applied to a PR's added lines: each changed file read once, by every engine.

``scan`` is the one entry point: for each changed file it picks the rules
whose paths claim it (``matching.rules_of``), parses its patch once
(``diff.parse_patch``) when some rule may fire, and hands the parsed form to
the engine each rule names (``engines.ENGINES``). Only added lines fire;
context lines are read to see a statement whole.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from ..catalog.loading import Catalog
from ..catalog.rules import ContentRule
from ..pr.model import ChangedFile, PullRequest
from .diff import parse_patch
from .engines import ENGINES, FileContext
from .engines.base import FileRefused
from .matching import RuleSet, rules_of
from .memo import FindingsMemo
from .model import FileScan, Finding, Scan


@lru_cache(maxsize=8192)
def scan_file(file: ChangedFile, rule_set: RuleSet) -> FileScan:
    """Findings of the given rules in one file (cached: a build asks again for a PR it shows twice)."""
    if file.status == "removed" or not rule_set:
        return FileScan()
    if not file.patch:
        return FileScan(unread="GitHub gave no patch (binary, or too large to show)")
    rules, worth_reading = rule_set.firing(file.patch)
    if not rules:
        return FileScan()
    diff = parse_patch(file.patch)
    if diff.unreadable:
        return FileScan(unread=diff.why or "its patch could not be parsed")
    ctx = FileContext(file, diff, worth_reading)
    findings: list[Finding] = []
    for rule in rules:
        try:
            findings += _per_file(rule)(rule, ctx)
        except FileRefused as exc:
            return FileScan(findings, str(exc))
    unread = ctx.python_unread
    if unread:
        shown = ", ".join(map(str, unread[:5])) + (" ..." if len(unread) > 5 else "")
        return FileScan(
            findings, f"added line(s) {shown} could not be parsed as Python and were not read"
        )
    return FileScan(findings)


def _per_file(rule: ContentRule) -> Callable[[ContentRule, FileContext], list[Finding]]:
    run = ENGINES[rule.engine].run
    # ``RuleSet.firing`` hands out only rules of engines that read diffs.
    assert run is not None, f"{rule.engine} reads whole PRs, not hunks"
    return run


def scan(pr: PullRequest, catalog: Catalog, memo: FindingsMemo | None = None) -> Scan:
    """Every rule of the focus map over every changed file of the PR.

    ``memo`` answers for files read by an earlier build and learns the rest.
    """
    rule_set = rules_of(catalog.focus_map)
    findings: list[Finding] = []
    unread: dict[str, str] = {}
    read_by: dict[str, list[str]] = {}
    unread_by: dict[str, list[str]] = {}
    for f in pr.files:
        mine = rule_set.for_path(f.filename)
        if not mine or f.status == "removed":
            continue
        if memo is None:
            result = scan_file(f, mine)
        else:
            key = memo.key(f, mine)
            known = memo.get(key, f, mine)
            if known is None:
                known = scan_file(f, mine)
                memo.put(key, known)
            result = known
        findings += result.findings
        # Every file a rule applies to; the checks set apart those left unread.
        for rule in mine.rules:
            read_by.setdefault(rule.id, []).append(f.filename)
        if result.unread:
            unread[f.filename] = result.unread
            # A rule whose words the raw patch lacks could not fire there: for
            # it the file was read. Without a patch, every rule missed it.
            could_fire = mine.firing(f.patch)[0] if f.patch else mine.rules
            for rule in could_fire:
                unread_by.setdefault(rule.id, []).append(f.filename)
    unlinted: dict[str, str] = {}
    for engine in ENGINES.values():
        if engine.run_pr is None:
            continue
        whole = engine.run_pr(pr, rule_set, memo)
        findings += whole.findings
        unlinted.update(whole.unlinted)
        # Its rules read only the files the engine had whole.
        for rule in rule_set.rules:
            if rule.engine == engine.name and rule.id in read_by:
                read_by[rule.id] = [p for p in read_by[rule.id] if p not in whole.unlinted]
    return Scan(findings, unread, read_by, unlinted, unread_by)
