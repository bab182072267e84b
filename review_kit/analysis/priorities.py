"""Which changed files a reviewer should open first: risk of their areas times their churn.

A one-line fix in the scheduler outranks a 300-line README; among files of
the same risk, the bigger change comes first. Tests and docs are read after
the code they cover, so they rank below it.
"""

from __future__ import annotations

import math

from ..catalog.focus_map import FocusMap
from .model import FileReview

RISK_WEIGHT = {"critical": 3.0, "high": 2.0, "normal": 1.0}
UNMAPPED_WEIGHT = 0.5  # no area claims it: still worth a look, after the mapped code
READ_FIRST = 3
SUPPORTING = ("tests/", "docs/", "examples/", "benchmarks/")
PROSE = (".md", ".rst", ".txt")


def file_priority(review: FileReview, focus_map: FocusMap) -> float:
    if review.ignored:
        return 0.0
    weights = [RISK_WEIGHT[focus_map.area_named(a).risk] for a in review.areas]
    weight = max(weights, default=UNMAPPED_WEIGHT)
    name = review.file.filename
    if name.startswith(SUPPORTING) or name.endswith(PROSE):
        weight /= 2
    churn = review.file.additions + review.file.deletions
    return weight * math.log2(2 + churn)


def files_by_priority(files: list[FileReview], focus_map: FocusMap) -> list[FileReview]:
    """All files, the ones to read first at the front; ties keep the PR's order."""
    return sorted(files, key=lambda f: -file_priority(f, focus_map))


def read_first(files: list[FileReview], focus_map: FocusMap, count: int = READ_FIRST):
    return [f for f in files_by_priority(files, focus_map) if not f.ignored][:count]
