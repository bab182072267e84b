"""What changed between two heads of a pull request, for a re-review (``--since``).

GitHub's compare (``GET /repos/{repo}/compare/{old}...{head}``) lists each
file with the patch from the old head to the new; a local checkout gives the
same with ``git diff OLD HEAD``. Either way, files come back as
``ChangedFile`` rows, checked as strictly as a PR's own.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import ReviewKitError
from ...git import run_git
from ..model import ChangedFile, changed_file_from_api
from .git_range import parse_patches
from .github_api import GitHubClient, NetworkError


def compare_on_github(client: GitHubClient, repo: str, old: str, head: str) -> list[ChangedFile]:
    what = f"the compare of {old[:7]}...{head[:7]} in {repo}"
    answer = client.get_json(f"{client.settings.api_url}/repos/{repo}/compare/{old}...{head}", what)
    files = answer.get("files") if isinstance(answer, dict) else None
    if not isinstance(files, list):
        raise NetworkError(f"{what}: GitHub's answer lists no files")
    try:
        return [changed_file_from_api(entry, what) for entry in files]
    except ReviewKitError as exc:
        raise NetworkError(f"GitHub sent {exc}") from None


def compare_in_checkout(repo_dir: str | Path, old: str, head: str) -> list[ChangedFile]:
    diff = run_git(
        repo_dir, "diff", "-M", "--no-color", "--no-ext-diff", "--end-of-options", old, head, "--"
    )
    return [ChangedFile(path, patch=patch) for path, patch in parse_patches(diff).items()]
