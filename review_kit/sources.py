"""Where a pull request's data comes from: GitHub, a git range, a JSON file, or the snapshot.

One entry point per source, each returning a ``PullRequest``. The build hook
and the review tool both go through here, so they can never disagree on what
a PR contains.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from .errors import ReviewKitError
from .github import GitHubClient, NetworkError, fetch_with_fallback
from .pull_request import ChangedFile, PullRequest, changed_file_from_api, pull_request_from_api

SNAPSHOT_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_REPO = "vllm-project/vllm-omni"
REPO_NAME = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def check_repo_name(repo: str) -> str:
    if not REPO_NAME.match(repo):
        raise ReviewKitError(f"repository {repo!r} is not of the form OWNER/NAME")
    return repo


def snapshot_numbers() -> list[int]:
    return sorted(int(p.stem.split("-")[1]) for p in SNAPSHOT_DIR.glob("pr-*.json"))


def from_snapshot(number: int, repo: str = DEFAULT_REPO) -> PullRequest:
    """The copy of a PR bundled with the kit, for builds with no network and no token."""
    path = SNAPSHOT_DIR / f"pr-{number}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    pr = pull_request_from_api(
        data["pull"], data["files"], repo, f"snapshot {path.name}", "snapshot"
    )
    pr.fetched_at = data.get("captured")
    return pr


def from_github(client: GitHubClient, repo: str, number: int) -> PullRequest:
    """Live from GitHub, else the HTTP cache, else (for bundled PRs) the snapshot."""
    try:
        return fetch_with_fallback(client, repo, number)
    except NetworkError as exc:
        if repo != DEFAULT_REPO or number not in snapshot_numbers():
            raise
        pr = from_snapshot(number, repo)
        pr.notices.append(
            f"GitHub could not be reached and nothing was cached ({exc}). "
            f"Showing the snapshot bundled with the kit, captured {pr.fetched_at}."
        )
        return pr


def from_file(path: str | Path, repo: str, number: int | None) -> PullRequest:
    """A JSON file in the API's shape: a files list, a list of paths, or {"pull", "files"}."""
    shown = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReviewKitError(f"{shown}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ReviewKitError(f"{shown}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ReviewKitError(f"{shown}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if isinstance(data, dict) and "files" in data:
        pull = data.get("pull") or {"number": number or 0}
        if number is not None:
            pull = {**pull, "number": number}
        pr = pull_request_from_api(pull, _list(data["files"], shown), repo, shown, "file")
    else:
        files = [changed_file_from_api(entry, shown) for entry in _list(data, shown)]
        pr = PullRequest(
            number=number or 0, repo=repo, files=files, changed_files=len(files), source="file"
        )
    return pr


def _list(value, shown: str) -> list:
    if not isinstance(value, list):
        raise ReviewKitError(f"{shown}: expected a JSON list of files")
    return value


RANGE = re.compile(r"^(?!-)[^\s.][^\s]*?\.\.\.[^\s.][^\s]*$")


def _git(repo_dir: Path, *args: str) -> bytes:
    try:
        return subprocess.run(
            ["git", "-C", str(repo_dir), *args], check=True, capture_output=True
        ).stdout
    except FileNotFoundError:
        raise ReviewKitError("git is not installed") from None
    except subprocess.CalledProcessError as exc:
        lines = exc.stderr.decode(errors="replace").strip().splitlines()
        raise ReviewKitError(
            f"git {args[0]} in {repo_dir}: {lines[-1] if lines else 'failed'}"
        ) from None


def from_git(
    revision_range: str, repo_dir: str | Path, repo: str, number: int | None
) -> PullRequest:
    """Changed files of ``BASE...HEAD`` in a local checkout: statuses, renames, line counts."""
    if not RANGE.match(revision_range):
        raise ReviewKitError(f"--git {revision_range!r}: expected a three-dot range BASE...HEAD")
    root = Path(repo_dir)
    base, head = revision_range.split("...", 1)
    status_out = _git(root, "diff", "--name-status", "-M", "-z", revision_range)
    numstat_out = _git(root, "diff", "--numstat", "-M", "-z", revision_range)
    counts = _parse_numstat(numstat_out)
    files = []
    for status, path, previous in _parse_name_status(status_out):
        added, deleted = counts.get(path, (0, 0))
        files.append(ChangedFile(path, status, added, deleted, previous))
    head_sha = _git(root, "rev-parse", head).decode().strip()
    base_sha = _git(root, "merge-base", base, head).decode().strip()
    subject = _git(root, "log", "-1", "--format=%s", head).decode("utf-8", "replace").strip()
    author = _git(root, "log", "-1", "--format=%an", head).decode("utf-8", "replace").strip()
    return PullRequest(
        number=number or 0,
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


_STATUS = {
    "A": "added",
    "D": "removed",
    "M": "modified",
    "R": "renamed",
    "C": "copied",
    "T": "changed",
}


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
