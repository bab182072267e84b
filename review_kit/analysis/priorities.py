"""What a reviewer looks at first: the gravest findings and checks, and the files to open.

Files rank by the risk of their areas times their churn: a one-line fix in
the scheduler outranks a 300-line README; among files of the same risk, the
bigger change comes first; tests and docs are read after the code they cover.
Findings and checks rank by severity, the PR's paperwork (title, description)
last, on one line of its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..catalog.focus_map import FocusMap
from .model import CheckResult, FileReview, Finding, Review

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


# Entries of "Look at first": five fit a phone's first screen beside the effort.
LOOK_FIRST = 5
# A check needing attention is a question to the author, as grave as a P2
# finding and less than a P0 or P1 hazard on a line: below those, and taking
# turns with the P2s, so neither kind crowds the other off the first screen.
GRAVER_THAN_CHECKS = ("P0", "P1")


@dataclass(frozen=True)
class Lead:
    """One entry of "Look at first": a finding (one rule in one file) or a check."""

    finding: Finding | None = None
    check: CheckResult | None = None


@dataclass(frozen=True)
class StartHere:
    """The first screen's list: at most ``LOOK_FIRST`` leads, what is left, and the notes."""

    leads: list[Lead]
    more_findings: int
    more_checks: int
    hygiene: list[CheckResult]  # attention on the PR's title, description, links

    @property
    def hygiene_line(self) -> str:
        """``title, description: 2 notes``, or "" when the paperwork is in order."""
        if not self.hygiene:
            return ""
        what = ", ".join(dict.fromkeys(c.hygiene for c in self.hygiene))
        count = len(self.hygiene)
        return f"{what}: {count} note{'' if count == 1 else 's'}"


def start_here(review: Review, count: int = LOOK_FIRST) -> StartHere:
    """P0 and P1 findings, then P2 findings and checks in turn; the PR's paperwork apart.

    ``review.findings`` is already ranked (``analysis.findings``). A content
    rule's own check repeats its findings, so it is left out here.
    """
    found_rules = {f.rule for f in review.findings}
    attention = [c for c in review.checks if c.status == "attention" and c.id not in found_rules]
    checks = [c for c in attention if not c.hygiene]
    grave = [f for f in review.findings if f.severity in GRAVER_THAN_CHECKS]
    minor = [f for f in review.findings if f.severity not in GRAVER_THAN_CHECKS]
    ranked = [Lead(finding=f) for f in grave]
    for i in range(max(len(minor), len(checks))):
        ranked += [Lead(finding=f) for f in minor[i : i + 1]]
        ranked += [Lead(check=c) for c in checks[i : i + 1]]
    shown = ranked[:count]
    return StartHere(
        leads=shown,
        more_findings=len(review.findings) - sum(lead.finding is not None for lead in shown),
        more_checks=len(checks) - sum(lead.check is not None for lead in shown),
        hygiene=[c for c in attention if c.hygiene],
    )
