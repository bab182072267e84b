"""A pull request and its changed files, as plain data from any source.

Every source (GitHub's API, a local git range, a JSON file, the bundled
snapshot) produces a ``PullRequest``; analysis and rendering see nothing else.
Everything in here is controlled by the PR's author and must be treated as
untrusted text by whoever displays it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
    # The file list ended early (a repeated or empty page, or the page limit),
    # whatever changed_files says: the list is known to be incomplete.
    files_incomplete: bool = False
    # Full new text of changed Python files, by path, where the source could
    # supply it (a checkout, GitHub's blobs): linters read whole files.
    texts: dict[str, str] = field(default_factory=dict, repr=False)
    # Path -> why its full text is missing, when the source tried and failed.
    texts_missing: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def truncated(self) -> bool:
        """GitHub lists at most 3000 files; fewer than the PR changed means a partial list."""
        return self.files_incomplete or self.changed_files > len(self.files)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        # Whole files are the linters' input, not part of what a PR is.
        del data["texts"], data["texts_missing"]
        data["truncated"] = self.truncated
        return data


# GitHub's rules: an owner is 1-39 letters, digits or hyphens (underscores
# for managed users), not starting with a hyphen; a name is 1-100 letters,
# digits, '.', '-' or '_', and never '.' or '..'. fullmatch, not '$', which
# would let a trailing newline through.
_OWNER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,38}")
_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")


def check_repo_name(repo: str) -> str:
    owner, _, name = repo.partition("/")
    if not (_OWNER.fullmatch(owner) and _NAME.fullmatch(name) and name not in (".", "..")):
        shown = repr(repo[:120])
        raise ReviewKitError(f"repository {shown} is not of the form OWNER/NAME GitHub allows")
    return repo


class _Record(BaseModel):
    """One API record, checked strictly: a string is not a number, "false" is not a boolean."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


Count = Annotated[int, Field(ge=0)]


class _User(_Record):
    login: str = ""


class _Ref(_Record):
    ref: str | None = None
    sha: str | None = None


class PullRecord(_Record):
    """The fields of ``GET /repos/{repo}/pulls/{n}`` the kit reads."""

    number: Annotated[int, Field(gt=0)] | None = None
    title: str | None = None
    user: _User | None = None
    state: str | None = None
    merged: bool | None = None
    html_url: str | None = None
    base: _Ref | None = None
    head: _Ref | None = None
    additions: Count | None = None
    deletions: Count | None = None
    changed_files: Count | None = None
    # GitHub sends null for an empty description.
    body: str | None = None


class FileRecord(_Record):
    """One row of ``GET /repos/{repo}/pulls/{n}/files``."""

    filename: Annotated[str, Field(min_length=1)]
    status: FileStatus | None = None
    additions: Count | None = None
    deletions: Count | None = None
    previous_filename: str | None = None
    sha: str | None = None
    patch: str | None = None


def _problem(exc: ValidationError, what: str) -> str:
    error = exc.errors()[0]
    key = ".".join(str(part) for part in error["loc"])
    if error["type"] == "missing" and key == "filename":
        return f"{what} has no 'filename'"
    if error["type"] == "literal_error" and key == "status":
        return f"unknown file status {error['input']!r}"[:160]
    return f"{what}: {key}: {error['msg']}" if key else f"{what}: {error['msg']}"


_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(value: Any) -> Any:
    """Lone surrogates (from JSON escapes or non-UTF-8 names) as ``<U+D800>``: pydantic
    and every encoder refuse them, and the escape is how they are shown anyway."""
    if isinstance(value, str):
        return _SURROGATE.sub(lambda m: f"<U+{ord(m[0]):04X}>", value)
    if isinstance(value, dict):
        return {key: _encodable(item) for key, item in value.items()}
    return value


def check_pull(pr: Any, origin: str) -> PullRecord:
    if not isinstance(pr, dict):
        raise ReviewKitError(f"{origin}: not a pull request object (no 'number')")
    try:
        return PullRecord.model_validate(_encodable(pr))
    except ValidationError as exc:
        raise ReviewKitError(f"{origin}: {_problem(exc, 'the pull request')}") from None


def check_file(entry: Any, origin: str) -> FileRecord:
    if isinstance(entry, str):
        entry = {"filename": entry}
    if not isinstance(entry, dict):
        raise ReviewKitError(f"{origin}: a file entry has no 'filename'")
    try:
        return FileRecord.model_validate(_encodable(entry))
    except ValidationError as exc:
        raise ReviewKitError(f"{origin}: {_problem(exc, 'a file entry')}") from None


def changed_file_from_api(entry: Any, origin: str) -> ChangedFile:
    """One entry of ``GET /pulls/{n}/files`` (or a bare path string)."""
    record = check_file(entry, origin)
    return ChangedFile(
        filename=record.filename,
        status=record.status or "modified",
        additions=record.additions or 0,
        deletions=record.deletions or 0,
        previous_filename=record.previous_filename or None,
        sha=record.sha or None,
        patch=record.patch or None,
    )


def _consistent_files(parsed: list[ChangedFile], notices: list[str]) -> list[ChangedFile]:
    """Rows as GitHub means them: each file once, a previous name only on a rename or copy."""
    seen: set[str] = set()
    rows: list[ChangedFile] = []
    twice = stray = 0
    for row in parsed:
        if row.filename in seen:
            twice += 1
            continue
        seen.add(row.filename)
        if row.previous_filename and row.status not in ("renamed", "copied"):
            stray += 1
            row = replace(row, previous_filename=None)
        rows.append(row)
    if twice:
        notices.append(
            f"The file list listed {twice} file{'s' if twice > 1 else ''} twice; "
            "each is shown once."
        )
    if stray:
        notices.append(
            f"{stray} file row{'s' if stray > 1 else ''} named a previous_filename without being "
            "a rename or copy; the previous name was ignored."
        )
    return rows


def pull_request_from_api(
    pr: Any,
    files: list[Any],
    repo: str,
    origin: str,
    source: str = "api",
    number: int | None = None,
) -> PullRequest:
    """Build a ``PullRequest`` from the API's pull and files payloads, checked strictly.

    ``number`` is the PR that was asked for: an answer about another is refused.
    Only a local file may describe a change that has no number yet.
    """
    record = check_pull(pr, origin)
    if record.number is None and source != "file":
        raise ReviewKitError(f"{origin}: not a pull request object (no 'number')")
    if number is not None and record.number != number:
        raise ReviewKitError(f"{origin}: the answer is about PR #{record.number}, not #{number}")
    notices: list[str] = []
    parsed = _consistent_files([changed_file_from_api(entry, origin) for entry in files], notices)
    changed = record.changed_files if record.changed_files is not None else len(parsed)
    if changed < len(parsed):
        notices.append(
            f"GitHub gave changed_files as {changed} but listed {len(parsed)} files; "
            "the listed count is shown."
        )
        changed = len(parsed)
    base, head = record.base or _Ref(), record.head or _Ref()
    return PullRequest(
        number=record.number,
        repo=repo,
        title=record.title or "",
        author=record.user.login if record.user else "",
        state=record.state or "open",
        merged=bool(record.merged),
        html_url=record.html_url or "",
        base_ref=base.ref or "",
        base_sha=base.sha or "",
        head_ref=head.ref or "",
        head_sha=head.sha or "",
        additions=record.additions or 0,
        deletions=record.deletions or 0,
        changed_files=changed,
        files=parsed,
        source=source,
        # Only GitHub's own answers are known to carry the body: there null
        # means "empty"; other sources may simply not know it.
        body=(record.body or "") if source in ("api", "cache") else record.body,
        notices=notices,
    )
