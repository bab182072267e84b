"""Which files to read first (review_kit/analysis/priorities.py)."""

from __future__ import annotations

from review_kit.analysis import analyse, load_catalog
from review_kit.analysis.priorities import files_by_priority, read_first
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
