"""One file's patch read as hunks: which new-file lines were added, and what surrounds them.

GitHub's ``patch`` (and the git source's) is unified-diff hunks from the first
``@@``; unidiff parses them, so line numbers follow the hunk headers exactly
and "\\ No newline at end of file" markers are handled. Only added lines are
ever judged; context lines are kept to read added code in its statement.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from unidiff import PatchSet
from unidiff.errors import UnidiffParseError

# unidiff reads whole diffs; one file's hunks need a file header in front.
_HEADER = "--- a/file\n+++ b/file\n"


@dataclass(frozen=True)
class DiffLine:
    number: int  # line number in the new file
    text: str  # without the +/space marker and the newline
    added: bool


@dataclass(frozen=True)
class Hunk:
    """One hunk, as the lines of the new file it shows (context and added)."""

    lines: tuple[DiffLine, ...]
    # sha256 of the hunk's body without its "@@ -a,b +c,d @@" header, so a
    # hunk that only moved (a change above it) keeps its digest.
    digest: str
    # The hunk's removed lines as one text, whitespace aside (``unchanged``).
    removed: str = ""

    @property
    def text(self) -> str:
        """The new file's lines the hunk shows, as one text."""
        return "\n".join(line.text for line in self.lines)

    @property
    def first(self) -> int:
        return self.lines[0].number if self.lines else 0

    @property
    def last(self) -> int:
        return self.lines[-1].number if self.lines else 0


@dataclass(frozen=True)
class FileDiff:
    hunks: tuple[Hunk, ...]
    added: dict[int, str]
    # The patch shows every line of the new file (a file added in full).
    complete: bool
    # The patch could not be parsed; nothing in it was read.
    unreadable: bool = False

    def hunk_of(self, line: int) -> Hunk | None:
        return next((h for h in self.hunks if h.first <= line <= h.last), None)

    def only_moved(self, lines: list[int]) -> bool:
        """The added lines' text, whitespace aside, was removed in the same hunk.

        A formatting pass or a block moved within a hunk re-adds code the
        base already had: what the lines say was there before, so a finding
        on them is not about this change.
        """
        added = [n for n in lines if n in self.added]
        hunk = self.hunk_of(added[0]) if added else None
        if hunk is None or not hunk.removed:
            return False
        text = unwrapped("".join(self.added[n] for n in added))
        return bool(text) and text in hunk.removed

    def text_from_start(self) -> tuple[str, int] | None:
        """The new file's text from line 1 as far as the hunks show it without a gap.

        Returns the text and its last line number, or None when line 1 is not shown.
        """
        lines: list[str] = []
        expected = 1
        for hunk in self.hunks:
            if hunk.first != expected:
                break
            lines += [line.text for line in hunk.lines]
            expected = hunk.last + 1
        return ("\n".join(lines) + "\n", expected - 1) if lines else None


EMPTY = FileDiff((), {}, False)


_WHITESPACE = re.compile(r"\s+")
# A formatter adds or drops the trailing comma when it wraps or joins a call.
_TRAILING_COMMA = re.compile(r",(?=[)\]}])")


def unwrapped(text: str) -> str:
    """Code with its layout taken out: no whitespace, no comma before a closing bracket."""
    return _TRAILING_COMMA.sub("", _WHITESPACE.sub("", text))


@lru_cache(maxsize=8192)
def hunk_digests(patch: str | None) -> tuple[str, ...]:
    """sha256 of each hunk's body (its lines after the ``@@`` header), in order.

    The header is left out so a hunk that only moved keeps its digest. Body
    lines start with ``+``, ``-``, a space or ``\\``, so every line starting
    with ``@@`` opens a hunk: splitting there needs no diff parser, which is
    why ticks on files no rule reads cost no parse.
    """
    if not patch:
        return ()
    text = patch if patch.endswith("\n") else patch + "\n"
    bodies: list[list[str]] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("@@"):
            bodies.append([])
        elif bodies:
            bodies[-1].append(line)
    return tuple(
        hashlib.sha256("".join(body).encode("utf-8", "surrogateescape")).hexdigest()
        for body in bodies
    )


@lru_cache(maxsize=8192)
def parse_patch(patch: str | None) -> FileDiff:
    """Hunks and added lines of one file's patch (cached: pages and checks ask twice)."""
    if not patch:
        return EMPTY
    try:
        patched = PatchSet(_HEADER + patch + ("" if patch.endswith("\n") else "\n"))[0]
    except (UnidiffParseError, IndexError):
        return FileDiff((), {}, False, unreadable=True)
    digests = hunk_digests(patch)
    if len(digests) != len(patched):
        return FileDiff((), {}, False, unreadable=True)
    hunks = []
    added: dict[int, str] = {}
    for hunk, digest in zip(patched, digests, strict=True):
        shown = []
        removed = []
        for line in hunk:
            if line.is_removed:
                removed.append(line.value)
                continue
            if line.target_line_no is None:
                continue
            text = line.value.rstrip("\r\n")
            shown.append(DiffLine(line.target_line_no, text, line.is_added))
            if line.is_added:
                added[line.target_line_no] = text
        hunks.append(Hunk(tuple(shown), digest, unwrapped("".join(removed))))
    complete = len(hunks) == 1 and patched[0].source_length == 0 and patched[0].target_start <= 1
    return FileDiff(tuple(hunks), added, complete)
