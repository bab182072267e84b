"""How hard a PR is to review, on a 1-5 scale, with the reasons that produced the score.

The score follows the lines a reviewer must read with care: tests, docs,
examples and ignored files do not count, and each remaining line is weighted
by the risk of the area it touches, so a tiny change in a critical area stays
small. The rules are data so the documentation is generated from the very
values the code applies.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..pr.model import PullRequest
from .model import AreaReview, Effort, FileReview, Finding

# Areas whose lines are read, but not with the care the score measures.
LIGHT_AREAS = frozenset({"tests", "docs-examples"})
# Weight of one changed line by its file's riskiest area; files no area claims
# count at UNMATCHED_WEIGHT.
RISK_WEIGHTS = {"critical": 1.0, "high": 0.7, "normal": 0.3}
UNMATCHED_WEIGHT = 0.5
# Weighted lines at which the score steps up, from 1. Calibrated on the 235
# corpus PRs so that the scores spread over the scale (about 30% at 1, 13% at
# 5) instead of piling up at 5 as raw line counts with a critical bonus did.
WEIGHTED_LINE_STEPS = (5, 40, 200, 1500)
MANY_AREAS = 5
MANY_RULES = 3
SCALE = (1, 5)


def effort_rules() -> list[str]:
    """The scoring rules in words, for the documentation."""
    steps = ", ".join(f"{n}" for n in WEIGHTED_LINE_STEPS)
    weights = ", ".join(f"{risk} {w:g}" for risk, w in RISK_WEIGHTS.items())
    return [
        "Lines changed in tests, docs, examples and ignored files do not count.",
        f"Every other changed line counts with the weight of its file's riskiest area "
        f"({weights}; a file no area claims {UNMATCHED_WEIGHT:g}).",
        f"Base score 1, plus 1 for each of these weighted line counts the change reaches: {steps}.",
        f"+1 when it spans {MANY_AREAS} or more focus areas (tests and docs aside).",
        f"+1 when content rules of {MANY_RULES} or more kinds found something in the added lines.",
        "+1 when GitHub listed only part of the files.",
        f"The total is capped to {SCALE[0]}-{SCALE[1]}.",
    ]


def weighted_lines(files: list[FileReview], risk_of: Mapping[str, str]) -> tuple[float, int]:
    """(weighted lines, raw lines) of the files that count."""
    weighted, raw = 0.0, 0
    for f in files:
        heavy = [a for a in f.areas if a not in LIGHT_AREAS]
        if f.ignored or (f.areas and not heavy):
            continue
        weight = max((RISK_WEIGHTS[risk_of[a]] for a in heavy), default=UNMATCHED_WEIGHT)
        lines = f.file.additions + f.file.deletions
        weighted += weight * lines
        raw += lines
    return weighted, raw


def estimate_effort(
    pr: PullRequest, files: list[FileReview], areas: list[AreaReview], findings: list[Finding]
) -> Effort:
    """A 1-5 score with the reasons that produced it."""
    risk_of = {r.area.id: r.area.risk for r in areas}
    weighted, raw = weighted_lines(files, risk_of)
    score = 1 + sum(weighted >= step for step in WEIGHTED_LINE_STEPS)
    total = sum(f.file.additions + f.file.deletions for f in files)
    reasons = [
        f"{raw} of {total} changed lines count (tests, docs and ignored files aside); "
        f"weighted by area risk {weighted:.0f}: base score {score}"
    ]
    heavy_areas = [r.area.title for r in areas if r.area.id not in LIGHT_AREAS]
    if len(heavy_areas) >= MANY_AREAS:
        score += 1
        reasons.append(f"spans {len(heavy_areas)} focus areas (+1)")
    kinds = sorted({f.rule for f in findings})
    if len(kinds) >= MANY_RULES:
        score += 1
        reasons.append(f"content rules found {', '.join(kinds)} (+1)")
    if pr.truncated:
        score += 1
        reasons.append(f"GitHub listed only {len(pr.files)} of {pr.changed_files} files (+1)")
    capped = max(SCALE[0], min(score, SCALE[1]))
    if capped != score:
        reasons.append(f"capped at {capped}")
    return Effort(capped, reasons)
