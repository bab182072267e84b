"""What changed in a pull request since a head that was already reviewed.

A re-review reads the delta only: GitHub's compare of the old head with the
new one (or ``git diff OLD HEAD``) lists the lines each file gained since.
A finding is new when the hunk holding it (at the new head) gained a line;
an item is new when what fired it did. Everything else was reviewed at the
old head and is shown folded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ReviewKitError
from ..pr.model import ChangedFile, PullRequest
from .diff import parse_patch
from .model import Finding, ItemReview

_SHA = re.compile(r"[0-9a-f]{7,40}")


def check_sha(text: str) -> str:
    """A commit SHA as ``--since`` takes it: 7 to 40 lower-case hex digits."""
    if not _SHA.fullmatch(text or ""):
        raise ReviewKitError(f"--since {text[:60]!r}: not a commit SHA (7 to 40 hex digits)")
    return text


@dataclass(frozen=True)
class Delta:
    """The lines each file gained between ``old_sha`` and ``head_sha`` (new-file numbers)."""

    old_sha: str
    head_sha: str
    gained: dict[str, frozenset[int]]
    # Files the compare lists at all (a removal or a rename gains no line).
    files: frozenset[str]

    def hunk_changed(self, pr_patch: str | None, path: str, line: int) -> bool:
        """Whether the PR's hunk holding ``line`` of ``path`` gained a line since ``old_sha``."""
        gained = self.gained.get(path)
        if not gained:
            return False
        hunk = parse_patch(pr_patch).hunk_of(line)
        if hunk is None:
            return line in gained
        return any(shown.number in gained for shown in hunk.lines)


def delta_of(old_sha: str, head_sha: str, files: list[ChangedFile]) -> Delta:
    """The delta from the compare's files (each with the patch from the old head to the new)."""
    gained = {f.filename: frozenset(parse_patch(f.patch).added) for f in files if f.patch}
    return Delta(old_sha, head_sha, gained, frozenset(f.filename for f in files))


@dataclass(frozen=True)
class Since:
    """A review's findings and items split by whether they changed since ``delta.old_sha``."""

    delta: Delta
    new_findings: frozenset[int]  # indexes into review.findings
    new_items: frozenset[str]

    @property
    def old_sha(self) -> str:
        return self.delta.old_sha


def split_since(
    pr: PullRequest, findings: list[Finding], items: list[ItemReview], delta: Delta
) -> Since:
    patches = {f.filename: f.patch for f in pr.files}
    new = frozenset(
        i
        for i, f in enumerate(findings)
        if any(delta.hunk_changed(patches.get(f.file), f.file, line) for line in f.lines)
    )
    new_hits = [findings[i] for i in new]
    new_items = set()
    for item in items:
        rules = (item.trigger or {}).get("rules")
        if rules:
            fired = any(f.rule in rules and f.file in item.files for f in new_hits)
        else:
            fired = any(name in delta.files for name in item.files)
        if fired:
            new_items.add(item.item.id)
    return Since(delta, new, frozenset(new_items))
