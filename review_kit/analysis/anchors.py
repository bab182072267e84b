"""Where on a pull request's diff a review comment may sit, checked before anything is posted.

GitHub accepts an inline comment only on a line the diff shows on the new
side (an added or a context line of one hunk); a single anchor elsewhere makes
it reject the whole review with 422. So each finding is given an anchor only
when its line is such a line, and a range only within one hunk; the others
are said in the review's body instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..pr.model import PullRequest
from .diff import parse_patch
from .model import Finding


@dataclass(frozen=True)
class Anchor:
    """A place GitHub accepts for an inline comment: a path and a RIGHT-side line or range."""

    path: str
    line: int
    start_line: int | None = None  # set only for a range of two or more lines


@dataclass(frozen=True)
class DiffLines:
    """The new-side lines one file's diff shows, hunk by hunk (first, last, lines)."""

    hunks: tuple[frozenset[int], ...]

    def hunk_with(self, line: int) -> frozenset[int] | None:
        return next((h for h in self.hunks if line in h), None)

    def accepts(self, line: int, start_line: int | None = None) -> bool:
        """Whether GitHub takes a RIGHT-side comment on ``line`` (from ``start_line``)."""
        hunk = self.hunk_with(line)
        if hunk is None:
            return False
        if start_line is None:
            return True
        return start_line < line and all(n in hunk for n in range(start_line, line + 1))


NO_LINES = DiffLines(())


def diff_lines(pr: PullRequest) -> dict[str, DiffLines]:
    """Per file of the PR, the lines a comment may sit on; a file without a readable patch has none.

    A removed file shows no new side, so it accepts nothing on the RIGHT.
    """
    out: dict[str, DiffLines] = {}
    for f in pr.files:
        if f.status == "removed" or not f.patch:
            out[f.filename] = NO_LINES
            continue
        diff = parse_patch(f.patch)
        out[f.filename] = DiffLines(
            tuple(frozenset(line.number for line in h.lines) for h in diff.hunks if h.lines)
        )
    return out


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
