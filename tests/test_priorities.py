"""Which files to read first (review_kit/analysis/priorities.py)."""

from __future__ import annotations

from dataclasses import replace

from review_kit.analysis import analyse, load_catalog
from review_kit.analysis.findings import ranked
from review_kit.analysis.model import CheckResult, Finding
from review_kit.analysis.priorities import files_by_priority, read_first, start_here
from review_kit.pr.model import ChangedFile, PullRequest


def test_risk_outweighs_size_and_tests_come_after_code():
    catalog = load_catalog()
    files = [
        ChangedFile("README.md", "modified", 300, 10),
        ChangedFile("tests/core/test_scheduler.py", "modified", 40, 0),
        ChangedFile("vllm_omni/core/sched/scheduler.py", "modified", 3, 1),
        ChangedFile("docs/.nav.yml", "modified", 1, 0),
    ]
    pr = PullRequest(number=1, repo="x/y", files=files, changed_files=len(files))
    review = analyse(pr, catalog)
    first = [f.file.filename for f in read_first(review.files, catalog.focus_map)]
    assert first[0] == "vllm_omni/core/sched/scheduler.py"
    assert len(first) == 3
    ranked = [f.file.filename for f in files_by_priority(review.files, catalog.focus_map)]
    assert ranked.index("vllm_omni/core/sched/scheduler.py") < ranked.index(
        "tests/core/test_scheduler.py"
    )


def _finding(rule: str, severity: str, file: str = "vllm_omni/x.py"):
    return Finding(rule, rule, file, 1, "x", "1.1", "message", severity=severity)


def _check(check_id: str, status: str = "attention", hygiene: str = ""):
    return CheckResult(check_id, check_id, "", status, "reason.", [], hygiene=hygiene)


def test_start_here_puts_p0_first_and_paperwork_on_one_line():
    """P0/P1 findings lead; P2 findings and checks take turns; five at most; notes apart."""
    catalog = load_catalog()
    pr = PullRequest(number=1, repo="x/y", files=[], changed_files=0)
    review = analyse(pr, catalog)
    findings = [
        _finding("broad-except-continues", "P2", "a.py"),
        _finding("swallowed-exception", "P2", "b.py"),
        _finding("broad-except-continues", "P2", "c.py"),
        _finding("unsafe-deserialisation", "P0", "z.py"),
    ]
    checks = [
        _check("unsafe-deserialisation"),  # repeats its findings: never a lead of its own
        _check("ci-change"),
        _check("npu-runner-parity"),
        _check("tests-with-source", "pass"),
        _check("policy-title-prefix", hygiene="title"),
        _check("policy-template-sections", hygiene="description"),
    ]
    start = start_here(replace(review, findings=ranked(findings), checks=checks))
    leads = [
        (lead.finding.rule, lead.finding.file) if lead.finding else lead.check.id
        for lead in start.leads
    ]
    assert leads == [
        ("unsafe-deserialisation", "z.py"),
        ("broad-except-continues", "a.py"),
        "ci-change",
        ("swallowed-exception", "b.py"),
        "npu-runner-parity",
    ]
    assert (start.more_findings, start.more_checks) == (1, 0)
    assert start.hygiene_line == "title, description: 2 notes"
