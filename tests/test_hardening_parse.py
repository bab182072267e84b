"""Issue 25, second round: hostile PR text and base-commit documents cost linear time,
bounded memory and one line of refusal, never a hang or a traceback.

Quadratic scans are tested at sizes where the old code took many seconds (the
figure is in each docstring) and a linear one takes milliseconds, against a
bound a thousand times looser than that, so a loaded machine cannot fail them.
"""

from __future__ import annotations

import time

import pytest

from review_kit.analysis import repository_policy
from review_kit.analysis.diff import DiffLine, parse_patch
from review_kit.analysis.python_code import _repairs
from review_kit.pr.model import PullRequest
from review_kit.pr.sources.github_api import parse_json

# A linear scan of these inputs takes a few milliseconds.
GENEROUS = 1.0


def seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def perf_pr(body: str) -> PullRequest:
    return PullRequest(number=9, repo="o/r", title="[Perf] faster decode", body=body)


# -- class 1: quadratic scans of PR text ------------------------------------------


def test_perf_claim_scan_of_a_digit_run_is_linear():
    """A [Perf] body of 16k digits took 46 s (8k: 21 s) in the measurement regex."""
    pr = perf_pr("1" * 16_000)
    took = seconds(lambda: repository_policy.perf_ab_evidence(pr, None))
    assert took < GENEROUS


def test_perf_claim_still_reads_real_measurements():
    """The linear scan finds what the old one found: a number with a unit, base and head."""
    body = "Baseline (main): 12.5 ms\nThis PR: 9.1 ms, 1,024 tok/s"
    (result,) = repository_policy.perf_ab_evidence(perf_pr(body), None)
    assert result.status == "pass"
    for bare in ("Baseline 12.5 and after 9.1", "before 1" + "2" * 50 + " after"):
        (result,) = repository_policy.perf_ab_evidence(perf_pr(bare), None)
        assert result.status == "attention"


def test_description_headings_scan_is_linear():
    """`#` x 65k took 35 s; a heading then a long run of spaces took 10 s at 2000."""
    for body in ("#" * 65_000 + "x", "# a" + " " * 65_000 + "b", "\n" * 65_000 + "x"):
        took = seconds(lambda body=body: repository_policy.template_sections(body))
        assert took < GENEROUS


def test_template_sections_read_as_before():
    body = (
        "## Purpose\nFix the thing.\n\n### Test Plan ###\n  pytest -k x\n"
        "## Test Result\npassed\n---\n- [ ] checklist\n#not a heading\n"
    )
    sections = repository_policy.template_sections(body)
    assert sections["purpose"] == "Fix the thing."
    assert sections["test plan"] == "pytest -k x"
    assert sections["test result"] == "passed"
    assert "not a heading" not in sections


def test_hunk_repair_string_scan_is_linear():
    """A 100 KB line of escaped quotes took 40 s in the string-skipping pattern."""
    line = DiffLine(1, "x = '" + "\\'" * 50_000, True)
    assert seconds(lambda: _repairs([line])) < GENEROUS


def test_hunk_repair_still_skips_strings_and_comments():
    lines = [DiffLine(1, 'call(\')\', "(\\"", # (', True)]
    assert _repairs(lines)[0] == ("", ")")  # one paren open; the others are in strings


def test_hunk_of_is_a_search_not_a_scan():
    """6500 hunks (the most a read patch can hold) with a finding in each took 4 s; 20k, 35 s."""
    patch = "".join(f"@@ -{2 * i + 1},1 +{2 * i + 1},1 @@\n-a\n+b\n" for i in range(6_500))
    diff = parse_patch(patch)
    took = seconds(lambda: [diff.hunk_of(2 * i + 1) for i in range(6_500)])
    assert took < GENEROUS
    assert diff.hunk_of(2 * 7 + 1) is diff.hunks[7]
    assert diff.hunk_of(2) is None


def test_json_depth_guard_on_an_unterminated_string_is_linear():
    """200 KB of escaped quotes after an opening one took over 60 s (40k: 8.7 s)."""
    content = b'"' + b'\\"' * 100_000
    start = time.perf_counter()
    with pytest.raises(ValueError):
        parse_json(content)
    assert time.perf_counter() - start < GENEROUS


def test_binary_files_line_is_not_handed_to_unidiff():
    """A 100 KB "Binary files ... and ..." line after a hunk took over 60 s in unidiff's regex."""
    patch = "@@ -1,1 +1,1 @@\n-a\n+b\nBinary files " + "a and " * 17_000 + "\n"
    start = time.perf_counter()
    diff = parse_patch(patch)
    assert time.perf_counter() - start < GENEROUS
    assert diff.unreadable
