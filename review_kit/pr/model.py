"""A pull request and its changed files, as plain data from any source.

Every source (GitHub's API, a local git range, a JSON file, the bundled
snapshot) produces a ``PullRequest``; analysis and rendering see nothing else.
Everything in here is controlled by the PR's author and must be treated as
untrusted text by whoever displays it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

from ..errors import ReviewKitError

# What GitHub's files endpoint returns at most, whatever the PR's size.
GITHUB_FILES_CAP = 3000
# GitHub's file statuses; every module that names one takes it from here.
FileStatus = Literal["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"]
STATUSES: tuple[str, ...] = get_args(FileStatus)


@dataclass(frozen=True)
class ChangedFile:
    filename: str
    status: FileStatus = "modified"
    additions: int = 0
    deletions: int = 0
    previous_filename: str | None = None
    # Blob SHA of the file at the PR's head, when the source knows it: lets a
    # later build tell which files changed between two reviewed heads.
    sha: str | None = None
    # The unified-diff hunks GitHub lists for the file ("@@ ..." onwards); None
    # when the source has none (binary files, diffs GitHub declines to show).
    patch: str | None = None


@dataclass
class PullRequest:
    # None for a change that is not (yet) a pull request: a local git range or a file list.
    number: int | None
    repo: str
    title: str = ""
    author: str = ""
    state: str = "open"
    merged: bool = False
    html_url: str = ""
    base_ref: str = ""
    base_sha: str = ""
    head_ref: str = ""
    head_sha: str = ""
    additions: int = 0
    deletions: int = 0
    changed_files: int = 0
    files: list[ChangedFile] = field(default_factory=list)
    source: str = "api"  # api | cache | snapshot | git | file
    fetched_at: str | None = None  # ISO time the data was fetched from GitHub
    notices: list[str] = field(default_factory=list)
    # The PR's description as the author wrote it (Markdown, untrusted). None when
    # the source has none (a git range, a file list, the corpus); "" when empty.
    body: str | None = None

    @property
    def truncated(self) -> bool:
        """GitHub lists at most 3000 files; fewer than the PR changed means a partial list."""
        return self.changed_files > len(self.files)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["truncated"] = self.truncated
        return data


REPO_NAME = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def check_repo_name(repo: str) -> str:
    if not REPO_NAME.match(repo):
        raise ReviewKitError(f"repository {repo!r} is not of the form OWNER/NAME")
    return repo


def _text(value: Any, what: str, origin: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ReviewKitError(f"{origin}: {what} should be text, got {type(value).__name__}")
    return value


def _count(value: Any, what: str, origin: str) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ReviewKitError(f"{origin}: {what} should be a non-negative whole number")
    return value


def changed_file_from_api(entry: Any, origin: str) -> ChangedFile:
    """One entry of ``GET /pulls/{n}/files`` (or a bare path string)."""
    if isinstance(entry, str):
        return ChangedFile(filename=entry)
    if (
        not isinstance(entry, dict)
        or not isinstance(entry.get("filename"), str)
        or not entry["filename"]
    ):
        raise ReviewKitError(f"{origin}: a file entry has no 'filename'")
    status = _text(entry.get("status") or "modified", "status", origin)
    if status not in STATUSES:
        raise ReviewKitError(f"{origin}: unknown file status {status!r}")
    previous = entry.get("previous_filename")
    return ChangedFile(
        filename=entry["filename"],
        status=status,
        additions=_count(entry.get("additions"), "additions", origin),
        deletions=_count(entry.get("deletions"), "deletions", origin),
        previous_filename=_text(previous, "previous_filename", origin) or None,
        sha=_text(entry.get("sha"), "sha", origin) or None,
        patch=_text(entry.get("patch"), "patch", origin) or None,
    )


def pull_request_from_api(
    pr: Any, files: list[Any], repo: str, origin: str, source: str = "api"
) -> PullRequest:
    """Build a ``PullRequest`` from the API's pull and files payloads.

    Only a local file may describe a change that has no number yet.
    """
    number = pr.get("number") if isinstance(pr, dict) else None
    if not isinstance(pr, dict) or not (
        isinstance(number, int) or (number is None and source == "file")
    ):
        raise ReviewKitError(f"{origin}: not a pull request object (no 'number')")

    def ref(key: str, part: str) -> str:
        value = pr.get(key) or {}
        return _text(value.get(part) if isinstance(value, dict) else None, f"{key}.{part}", origin)

    user = pr.get("user") or {}
    parsed = [changed_file_from_api(entry, origin) for entry in files]
    return PullRequest(
        number=number,
        repo=repo,
        title=_text(pr.get("title"), "title", origin),
        author=_text(user.get("login") if isinstance(user, dict) else None, "user.login", origin),
        state=_text(pr.get("state") or "open", "state", origin),
        merged=bool(pr.get("merged")),
        html_url=_text(pr.get("html_url"), "html_url", origin),
        base_ref=ref("base", "ref"),
        base_sha=ref("base", "sha"),
        head_ref=ref("head", "ref"),
        head_sha=ref("head", "sha"),
        additions=_count(pr.get("additions"), "additions", origin),
        deletions=_count(pr.get("deletions"), "deletions", origin),
        changed_files=_count(pr.get("changed_files"), "changed_files", origin) or len(parsed),
        files=parsed,
        source=source,
        body=_body(pr, source, origin),
    )


def _body(pr: dict, source: str, origin: str) -> str | None:
    """GitHub sends ``null`` for an empty description; other sources may not know it at all."""
    if source in ("api", "cache"):
        return _text(pr.get("body"), "body", origin)
    return _text(pr["body"], "body", origin) if pr.get("body") is not None else None
