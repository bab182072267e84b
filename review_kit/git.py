"""Running git on a local checkout, with failures as one line a user can act on.

Shared by the git-range source, the checkout listing of ``make check-map`` and
the repository data read from ``--repo-dir`` (at a commit, from git's objects).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .errors import ReviewKitError


class GitError(ReviewKitError):
    """git is missing, or answered with an error; ``reason`` is its last line of stderr."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def run_git(repo_dir: str | Path, *args: str) -> bytes:
    """git's standard output for ``args`` run in ``repo_dir``; file names are never quoted."""
    try:
        return subprocess.run(
            ["git", "-C", str(repo_dir), "-c", "core.quotePath=false", *args],
            check=True,
            capture_output=True,
        ).stdout
    except FileNotFoundError:
        raise GitError("git is not installed", "git is not installed") from None
    except subprocess.CalledProcessError as exc:
        lines = exc.stderr.decode(errors="replace").strip().splitlines()
        reason = lines[-1] if lines else "failed"
        command = next((a for a in args if not a.startswith("-")), "")
        raise GitError(f"git {command} in {repo_dir}: {reason}", reason) from None
