"""A local change, ``BASE...HEAD`` in a git checkout, read the way GitHub lists a PR.

Statuses and names come from ``--name-status -z`` (exact for any file name),
line counts from ``--numstat -z``, and each file's hunks from one ``git diff``
parsed with unidiff, cut to start at the first ``@@`` as GitHub's ``patch`` does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from unidiff import PatchSet
from unidiff.errors import UnidiffParseError

from ...errors import ReviewKitError
from ...git import run_git as _git
from ..model import ChangedFile, PullRequest
from ..texts import texts_from_git, wanted
from .base import SourceContext

RANGE = re.compile(r"(?!-)[^\s.][^\s]*?\.\.\.(?!-)[^\s.][^\s]*")
# Ends git's options in every call, so no revision is ever read as one (git 2.24+).
END_OF_OPTIONS = "--end-of-options"

# Two paths of PATH_MAX (4096) and the words around them.
_LONGEST_BINARY_LINE = 2 * 4096 + 64

# git's one-letter statuses -> GitHub's words.
_STATUS = {
    "A": "added",
    "D": "removed",
    "M": "modified",
    "R": "renamed",
    "C": "copied",
    "T": "changed",
}


def from_git(
    revision_range: str, repo_dir: str | Path, repo: str, number: int | None
) -> PullRequest:
    """Changed files of ``BASE...HEAD``: statuses, renames, line counts and hunks."""
    if not RANGE.fullmatch(revision_range):
        raise ReviewKitError(f"--git {revision_range!r}: expected a three-dot range BASE...HEAD")
    root = Path(repo_dir)
    base, head = revision_range.split("...", 1)
    end = END_OF_OPTIONS
    status_out = _git(root, "diff", "--name-status", "-M", "-z", end, revision_range, "--")
    numstat_out = _git(root, "diff", "--numstat", "-M", "-z", end, revision_range, "--")
    patches = parse_patches(
        _git(root, "diff", "-M", "--no-color", "--no-ext-diff", end, revision_range, "--")
    )
    counts = _parse_numstat(numstat_out)
    files = []
    for status, path, previous in _parse_name_status(status_out):
        added, deleted = counts.get(path, (0, 0))
        files.append(ChangedFile(path, status, added, deleted, previous, patch=patches.get(path)))
    head_sha = _git(root, "rev-parse", "--verify", end, f"{head}^{{commit}}").decode().strip()
    base_sha = _git(root, "merge-base", end, base, head).decode().strip()
    # surrogateescape: a non-UTF-8 subject or name is escaped visibly, not guessed at.
    subject = (
        _git(root, "log", "-1", "--format=%s", end, head, "--")
        .decode("utf-8", "surrogateescape")
        .strip()
    )
    author = (
        _git(root, "log", "-1", "--format=%an", end, head, "--")
        .decode("utf-8", "surrogateescape")
        .strip()
    )
    # The checkout holds every changed file whole: linters read them at HEAD.
    texts, missing = texts_from_git(
        root, {f.filename: f"{head_sha}:{f.filename}" for f in wanted(files)}
    )
    return PullRequest(
        texts=texts,
        texts_missing=missing,
        number=number,
        repo=repo,
        title=subject,
        author=author,
        base_ref=base,
        base_sha=base_sha,
        head_ref=head,
        head_sha=head_sha,
        additions=sum(f.additions for f in files),
        deletions=sum(f.deletions for f in files),
        changed_files=len(files),
        files=files,
        source="git",
    )


def parse_patches(diff: bytes) -> dict[str, str]:
    """Target path -> its hunks as GitHub's ``patch`` gives them (from the first ``@@``)."""
    # Only "\n" ends a line, as for git: str.splitlines would also split at a
    # CR, form feed or NEL inside a changed line and fail the whole range.
    text = diff.decode("utf-8", "surrogateescape")
    lines = [line + "\n" for line in text.split("\n")]
    if lines[-1] == "\n":
        lines.pop()
    for number, line in enumerate(lines, 1):
        # unidiff's "Binary files A and B differ" pattern is quadratic in the
        # line; git writes one with two paths, each at most PATH_MAX long.
        if line.startswith("Binary files ") and len(line) > _LONGEST_BINARY_LINE:
            raise ReviewKitError(
                f"git diff: line {number} is a {len(line):,}-character 'Binary files' line"
            )
    try:
        patch_set = PatchSet(lines)
    except UnidiffParseError as exc:
        raise ReviewKitError(f"git diff: cannot parse its output ({exc})") from None
    patches: dict[str, str] = {}
    for patched in patch_set:
        if patched.is_binary_file or not len(patched):
            continue
        path = patched.path if not patched.is_removed_file else patched.source_file[2:]
        patches[path] = "".join(str(hunk) for hunk in patched).rstrip("\n")
    return patches


def _parse_name_status(out: bytes):
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    i = 0
    while i < len(fields) and fields[i]:
        code = fields[i]
        if code[0] in "RC":
            yield _STATUS[code[0]], fields[i + 2], fields[i + 1]
            i += 3
        else:
            yield _STATUS.get(code[0], "modified"), fields[i + 1], None
            i += 2


def _parse_numstat(out: bytes) -> dict[str, tuple[int, int]]:
    # With -z, a rename is "added\tdeleted\t" then old NUL new NUL.
    counts: dict[str, tuple[int, int]] = {}
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    i = 0
    while i < len(fields) and fields[i]:
        added, deleted, path = fields[i].split("\t", 2)
        numbers = (int(added) if added != "-" else 0, int(deleted) if deleted != "-" else 0)
        if path == "":
            counts[fields[i + 2]] = numbers
            i += 3
        else:
            counts[path] = numbers
            i += 1
    return counts


class GitRangeSource:
    name: ClassVar[str] = "git"
    option: ClassVar[str | None] = "--git"
    metavar: ClassVar[str] = "BASE...HEAD"
    help: ClassVar[str] = "analyse a local git range (with --repo-dir) instead of GitHub"

    def __init__(self, context: SourceContext, argument: str) -> None:
        self.repo, self.repo_dir, self.range = context.repo, context.repo_dir, argument

    def load(self, number: int | None) -> PullRequest:
        return from_git(self.range, self.repo_dir, self.repo, number)
