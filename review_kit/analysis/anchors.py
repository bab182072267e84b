"""Where on a pull request's diff a review comment may sit, checked before anything is posted.

GitHub accepts an inline comment only on a line the diff shows on the new
side (an added or a context line of one hunk); a single anchor elsewhere makes
it reject the whole review with 422. So each finding is given an anchor only
when its line is such a line, and a range only within one hunk; the others
are said in the review's body instead.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..pr.model import PullRequest
from .model import Finding


@dataclass(frozen=True)
class Anchor:
    """A place GitHub accepts for an inline comment: a path and a RIGHT-side line or range."""

    path: str
    line: int
    start_line: int | None = None  # set only for a range of two or more lines


@dataclass(frozen=True)
class DiffLines:
    """The new-side lines one file's diff shows: one contiguous range per hunk."""

    hunks: tuple[range, ...]  # in the order of the patch, which is by line

    def hunk_with(self, line: int) -> range | None:
        # A binary search: a patch of 20,000 hunks asked about every finding
        # must not cost hunks x findings.
        at = bisect_right(self.hunks, line, key=lambda h: h.start) - 1
        return self.hunks[at] if at >= 0 and line in self.hunks[at] else None

    def accepts(self, line: int, start_line: int | None = None) -> bool:
        """Whether GitHub takes a RIGHT-side comment on ``line`` (from ``start_line``)."""
        hunk = self.hunk_with(line)
        if hunk is None:
            return False
        if start_line is None:
            return True
        return start_line < line and start_line in hunk


NO_LINES = DiffLines(())


# A hunk's new side is one run of lines: ``+start,count`` in its header (count
# 1 when left out, 0 for a hunk that only deletes).
_NEW_SIDE = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


def file_lines(patch: str | None) -> DiffLines:
    """The new-side lines each hunk of one file's patch shows, from the hunk headers.

    Headers suffice (GitHub writes them from the same diff as the body), so a
    3000-file PR costs one regular-expression pass per patch, not a parse.
    """
    if not patch:
        return NO_LINES
    hunks = []
    for header in _NEW_SIDE.finditer(patch):
        start, count = int(header[1]), int(header[2]) if header[2] is not None else 1
        if count > 0:
            hunks.append(range(start, start + count))
    return DiffLines(tuple(hunks))


def diff_lines(pr: PullRequest) -> dict[str, DiffLines]:
    """Per file of the PR, the lines a comment may sit on; a file without a patch has none.

    A removed file shows no new side, so it accepts nothing on the RIGHT.
    """
    return {
        f.filename: NO_LINES if f.status == "removed" else file_lines(f.patch) for f in pr.files
    }


def anchor_of(finding: Finding, lines: dict[str, DiffLines]) -> Anchor | None:
    """The anchor for a finding: its first line, widened to the run of hit lines that follow
    it in the same hunk; None when the first line is not one GitHub accepts."""
    shown = lines.get(finding.file, NO_LINES)
    hunk = shown.hunk_with(finding.line)
    if hunk is None:
        return None
    last = finding.line
    hits = set(finding.lines)
    while last + 1 in hits and last + 1 in hunk:
        last += 1
    if last == finding.line:
        return Anchor(finding.file, finding.line)
    return Anchor(finding.file, last, finding.line)


def anchor_at(path: str, line: int, lines: dict[str, DiffLines]) -> Anchor | None:
    """An anchor a reviewer named by ``path:line``, if GitHub would take it."""
    return Anchor(path, line) if lines.get(path, NO_LINES).accepts(line) else None
