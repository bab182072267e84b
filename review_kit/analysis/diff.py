"""One file's patch read as hunks: which new-file lines were added, and what surrounds them.

GitHub's ``patch`` (and the git source's) is unified-diff hunks from the first
``@@``; unidiff parses them, so line numbers follow the hunk headers exactly
and "\\ No newline at end of file" markers are handled. Only added lines are
ever judged; context lines are kept to read added code in its statement.

Lines end at ``\\n`` only, as they do for git: a CR, form feed, NEL or U+2028
is text inside a line. Each hunk's body is counted against its header before
unidiff sees it, so a header that under-counts (which would silently drop the
lines after it) or a stray line makes the patch unread, with the reason.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache

from unidiff import PatchSet
from unidiff.errors import UnidiffParseError

# unidiff reads whole diffs; one file's hunks need a file header in front.
_HEADER = ["--- a/file\n", "+++ b/file\n"]
# Counts past nine digits are no line count; int() of thousands refuses anyway.
_HUNK_HEADER = re.compile(r"@@ -[0-9]{1,9}(?:,([0-9]{1,9}))? \+[0-9]{1,9}(?:,([0-9]{1,9}))? @@")
# The most of one file's patch the rules read: 20,000 lines or 2 MB. GitHub
# itself gives no patch for much less; a bigger one (a file list or a git
# range) is unread, with the sizes, rather than a page of tens of megabytes.
MAX_PATCH_LINES = 20_000
MAX_PATCH_CHARS = 2_000_000


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
    # Why, in a few words for the page ("hunk 3 has more lines than its header counts").
    why: str = ""

    @cached_property
    def _firsts(self) -> list[int]:
        return [h.first for h in self.hunks]

    def hunk_of(self, line: int) -> Hunk | None:
        """The hunk showing new-file ``line``: a binary search (hunks are in line order)."""
        at = bisect_right(self._firsts, line) - 1
        if at < 0:
            return None
        hunk = self.hunks[at]
        return hunk if hunk.first <= line <= hunk.last else None

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


def patch_lines(patch: str) -> list[str]:
    """The patch's lines with their ``\\n``; only ``\\n`` ends a line, as for git."""
    lines = patch.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line + "\n" for line in lines]


_HEADER_LINE = re.compile(r"^@@[^\n]*\n", re.MULTILINE)
_EMPTY_LINE = re.compile(r"\n(?=\n)")


def hunk_shape_problem(text: str) -> str | None:
    """Why ``text`` (ending in ``\\n``) is not hunks whose bodies match their headers' counts.

    What unidiff would read outside a hunk, it tries its file-header and
    "Binary files" patterns on, some of them quadratic in a long line: such a
    line is refused here. Each body is counted with ``str.count`` (each line
    by its first character), so the check costs a few scans per hunk.
    """
    headers = list(_HEADER_LINE.finditer(text))
    if not headers or headers[0].start() != 0:
        return "patch line 1 is not a hunk header"
    for index, header in enumerate(headers, 1):
        counts = _HUNK_HEADER.match(header[0])
        if counts is None:
            line = text.count("\n", 0, header.start()) + 1
            return f"patch line {line} is not a hunk header"
        old = int(counts[1]) if counts[1] is not None else 1
        new = int(counts[2]) if counts[2] is not None else 1
        end = headers[index].start() if index < len(headers) else len(text)
        body = "\n" + text[header.end() : end]  # each line now follows a "\n"
        lines = body.count("\n") - 1
        added, removed, context = body.count("\n+"), body.count("\n-"), body.count("\n ")
        # A bare newline (or CRLF) is a context line whose space was trimmed.
        empty = len(_EMPTY_LINE.findall(body)) + body.count("\n\r\n")
        markers = body.count("\n\\")  # "\\ No newline at end of file"
        if added + removed + context + empty + markers != lines:
            return f"hunk {index} holds a line that is not a diff line"
        if (removed + context + empty, added + context + empty) != (old, new):
            shown = removed + added + context + empty
            fewer = removed + context + empty < old or added + context + empty < new
            side = "fewer" if fewer else "more"
            return f"hunk {index} has {side} lines ({shown}) than its header counts"
    return None


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
    bodies: list[list[str]] = []
    for line in patch_lines(patch):
        if line.startswith("@@"):
            bodies.append([])
        elif bodies:
            bodies[-1].append(line)
    return tuple(
        hashlib.sha256("".join(body).encode("utf-8", "surrogateescape")).hexdigest()
        for body in bodies
    )


def _unread(why: str) -> FileDiff:
    return FileDiff((), {}, False, unreadable=True, why=why)


@lru_cache(maxsize=8192)
def parse_patch(patch: str | None) -> FileDiff:
    """Hunks and added lines of one file's patch (cached: pages and checks ask twice)."""
    if not patch:
        return EMPTY
    count = patch.count("\n") + (not patch.endswith("\n"))
    if count > MAX_PATCH_LINES:
        return _unread(f"its patch is {count:,} lines, over the {MAX_PATCH_LINES:,} read")
    if len(patch) > MAX_PATCH_CHARS:
        return _unread(f"its patch is {len(patch):,} characters, over the {MAX_PATCH_CHARS:,} read")
    problem = hunk_shape_problem(patch if patch.endswith("\n") else patch + "\n")
    if problem is not None:
        return _unread(problem)
    lines = patch_lines(patch)
    try:
        patched = PatchSet(_HEADER + lines)[0]
    except (UnidiffParseError, IndexError):
        return _unread("its patch could not be parsed")
    digests = hunk_digests(patch)
    if len(digests) != len(patched):
        return _unread("its patch could not be parsed")
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
