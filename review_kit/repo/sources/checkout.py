"""Contracts, the CI map and review rules from a vllm-omni checkout (``--repo-dir``), at the PR's base.

The checkout is often the PR's own (``gh pr checkout``): its work tree, and
its HEAD, are what the PR's author wrote. So nothing is read from the work
tree: every document comes out of git's object store at the base commit,
a symlink is refused (never followed, in or out of the repository) and a
document's size is checked before it is read. A document whose front matter
is malformed is left out with a one-line notice naming it; the rest still count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import ReviewKitError
from ...git import GitError, run_git
from ..ci import CI_DEPENDENCIES_PATH, parse_ci_dependencies
from ..contracts import CONTRACTS_DIR, contract_from_document, is_contract_path
from ..model import RepositoryData
from ..skill import MAX_FILE_BYTES, read_skill

# A contract is a page of Markdown and the CI map a few hundred lines; far
# larger is not the file the kit knows, and would only cost memory.
MAX_DOCUMENT_BYTES = 1 << 20
# As many documents as the GitHub source reads (vllm-omni has about 25).
MAX_DOCUMENTS = 60
# A listing of the contracts folder is a few kilobytes; a folder of millions
# of files is refused rather than held in memory.
MAX_LISTING_BYTES = 8 << 20
# git's modes for a file's content; 120000 is a symlink, 160000 a submodule.
_FILE_MODES = {"100644", "100755"}
_SYMLINK_MODE = "120000"
# ls-tree -l: mode, type, object, size (padded), a tab, the path.
_ENTRY = re.compile(r"([0-7]{6}) ([a-z]+) ([0-9a-f]{40,64}) +(-|[0-9]+)\t(.*)", re.DOTALL)


@dataclass(frozen=True)
class TreeEntry:
    """One path in a commit's tree, as ``git ls-tree -l`` lists it."""

    path: str
    mode: str
    kind: str  # "blob", "tree" or "commit"
    oid: str
    size: int | None


def resolve_commit(repo_dir: str | Path, revision: str) -> str:
    """The full SHA of ``revision`` in the checkout; ReviewKitError when it has no such commit."""
    try:
        out = run_git(
            repo_dir, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}"
        )
    except GitError as exc:
        raise ReviewKitError(
            f"--repo-dir {repo_dir}: commit {revision[:40]} is not in the checkout ({exc.reason})"
        ) from None
    return out.decode("ascii", "replace").strip()


def list_at_commit(repo_dir: str | Path, commit: str, folder: str) -> list[TreeEntry]:
    """Every entry under ``folder`` (a repository path) at ``commit``, from git, not the disk."""
    # Literal: a path is never read as pathspec magic (":(glob)...").
    options = ("-r", "-z", "-l", "--full-tree", "--end-of-options")
    out = run_git(
        repo_dir,
        *("--literal-pathspecs", "ls-tree", *options, commit, "--", folder),
        max_bytes=MAX_LISTING_BYTES,
    )
    entries = []
    for record in out.decode("utf-8", "surrogateescape").split("\0"):
        match = _ENTRY.fullmatch(record)
        if match:
            mode, kind, oid, size, path = match.groups()
            entries.append(TreeEntry(path, mode, kind, oid, None if size == "-" else int(size)))
    return entries


def read_entry(repo_dir: str | Path, entry: TreeEntry, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """The UTF-8 text of a file entry; ReviewKitError naming it for a symlink, a submodule,
    a file over ``max_bytes`` (checked before reading) or text that is not UTF-8."""
    if entry.mode == _SYMLINK_MODE:
        raise ReviewKitError(f"{entry.path}: is a symlink at the base commit; not followed")
    if entry.kind != "blob" or entry.mode not in _FILE_MODES or entry.size is None:
        raise ReviewKitError(f"{entry.path}: not a file at the base commit")
    if entry.size > max_bytes:
        raise ReviewKitError(f"{entry.path}: {entry.size} bytes, over the {max_bytes}-byte limit")
    data = run_git(repo_dir, "cat-file", "blob", entry.oid, max_bytes=max_bytes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ReviewKitError(f"{entry.path}: not UTF-8 text") from None


def read_at_commit(
    repo_dir: str | Path, commit: str, path: str, max_bytes: int = MAX_DOCUMENT_BYTES
) -> str | None:
    """The text of the file at ``path`` in ``commit``, or None when the commit has no such path.

    The one safe way to read a repository file at a commit: from git's
    objects (the work tree is never opened), symlinks refused, size bounded.
    """
    found = [e for e in list_at_commit(repo_dir, commit, path) if e.path == path]
    return read_entry(repo_dir, found[0], max_bytes) if found else None


def from_checkout(
    repo_dir: str | Path, repo: str = "vllm-project/vllm-omni", commit: str = ""
) -> RepositoryData:
    """The contracts and CI map at ``commit`` (the PR's base) in the checkout at ``repo_dir``."""
    if not commit:
        raise ReviewKitError(
            f"--repo-dir {repo_dir}: the PR names no base commit, and the checkout's own "
            "files may be the PR's"
        )
    commit = resolve_commit(repo_dir, commit)
    listed = [
        e for e in list_at_commit(repo_dir, commit, CONTRACTS_DIR) if is_contract_path(e.path)
    ]
    if not listed:
        raise ReviewKitError(
            f"--repo-dir {repo_dir}: no {CONTRACTS_DIR}/ at {commit[:10]} (not vllm-omni?)"
        )
    notices = []
    if len(listed) > MAX_DOCUMENTS:
        notices.append(
            f"The base commit has {len(listed)} contract documents; "
            f"only the first {MAX_DOCUMENTS} were read."
        )
    contracts = []
    for entry in listed[:MAX_DOCUMENTS]:
        try:
            contract = contract_from_document(read_entry(repo_dir, entry), entry.path, commit)
        except ReviewKitError as exc:
            notices.append(f"Contract left out: {exc}")
            continue
        if contract is not None:
            contracts.append(contract)
    ci = None
    try:
        text = read_at_commit(repo_dir, commit, CI_DEPENDENCIES_PATH)
        if text is None:
            notices.append(f"CI jobs not shown: no {CI_DEPENDENCIES_PATH} at the base commit.")
        else:
            ci = parse_ci_dependencies(text, CI_DEPENDENCIES_PATH, commit)
    except ReviewKitError as exc:
        notices.append(f"CI jobs not shown: {exc}")
    # The review rules come out of git's objects at the same commit, size-bounded.
    skill = read_skill(lambda path: _read_rule_file(repo_dir, commit, path), commit)
    notices += skill.notices
    return RepositoryData(tuple(contracts), ci, "checkout", repo, commit, notices, skill)


def _read_rule_file(repo_dir: str | Path, commit: str, path: str) -> str | None:
    """A review-rule file's text at ``commit``, None when absent (symlinks and size refused)."""
    return read_at_commit(repo_dir, commit, path, MAX_FILE_BYTES)
