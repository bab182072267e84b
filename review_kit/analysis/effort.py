"""How hard a PR is to review, on a 1-5 scale, with the reasons that produced the score.

The rules are data (``EFFORT_RULES``) so the documentation that explains the
score is generated from the very values the code applies.
"""

from __future__ import annotations

from ..pr.model import PullRequest
from .model import AreaReview, CheckResult, Effort

# Lines changed at which a review gets one step harder; set from the corpus,
# where the median PR changes a few hundred lines.
EFFORT_LINE_STEPS = (50, 200, 800, 2000)
CRITICAL_BONUS = 1
MANY_AREAS = 4
MANY_ATTENTION_CHECKS = 2
SCALE = (1, 5)


def effort_rules() -> list[str]:
    """The scoring rules in words, for the documentation."""
    steps = ", ".join(f"{n}" for n in EFFORT_LINE_STEPS)
    return [
        f"Base score 1, plus 1 for each of these line counts the change reaches: {steps}.",
        f"+{CRITICAL_BONUS} when it touches a critical focus area.",
        f"+1 when it spans {MANY_AREAS} or more focus areas.",
        f"+1 when {MANY_ATTENTION_CHECKS} or more automated checks need attention.",
        "+1 when GitHub listed only part of the files.",
        f"The total is capped to {SCALE[0]}-{SCALE[1]}.",
    ]


def estimate_effort(pr: PullRequest, areas: list[AreaReview], checks: list[CheckResult]) -> Effort:
    """A 1-5 score with the reasons that produced it."""
    lines = pr.additions + pr.deletions or sum(f.additions + f.deletions for f in pr.files)
    score = 1 + sum(lines >= step for step in EFFORT_LINE_STEPS)
    reasons = [f"{lines} lines changed in {len(pr.files)} file(s): base score {score}"]
    critical = [a.area.title for a in areas if a.area.risk == "critical"]
    if critical:
        score += CRITICAL_BONUS
        reasons.append(f"touches critical area(s): {', '.join(critical)} (+{CRITICAL_BONUS})")
    if len(areas) >= MANY_AREAS:
        score += 1
        reasons.append(f"spans {len(areas)} focus areas (+1)")
    attention = [c.title for c in checks if c.status == "attention"]
    if len(attention) >= MANY_ATTENTION_CHECKS:
        score += 1
        reasons.append(f"{len(attention)} automated checks need attention (+1)")
    if pr.truncated:
        score += 1
        reasons.append(f"GitHub listed only {len(pr.files)} of {pr.changed_files} files (+1)")
    capped = max(SCALE[0], min(score, SCALE[1]))
    if capped != score:
        reasons.append(f"capped at {capped}")
    return Effort(capped, reasons)
