"""Running git on a local checkout, with failures as one line a user can act on.

Shared by the git-range source, the checkout listing of ``make check-map`` and
the repository data read from ``--repo-dir`` (at a commit, from git's objects).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from .errors import ReviewKitError


class GitError(ReviewKitError):
    """git is missing, or answered with an error; ``reason`` is its last line of stderr."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def run_git(repo_dir: str | Path, *args: str, max_bytes: int | None = None) -> bytes:
    """git's standard output for ``args`` run in ``repo_dir``; file names are never quoted.

    With ``max_bytes``, output past it stops git and raises GitError: a
    listing of a folder someone else filled costs at most that much memory.
    """
    command = next((a for a in args if not a.startswith("-")), "")
    argv = ["git", "-C", str(repo_dir), "-c", "core.quotePath=false", *args]
    try:
        if max_bytes is None:
            result = subprocess.run(argv, capture_output=True)
            out, err, status = result.stdout, result.stderr, result.returncode
        else:
            out, err, status = _bounded(argv, max_bytes)
    except FileNotFoundError:
        raise GitError("git is not installed", "git is not installed") from None
    if status is None:
        reason = f"output over {max_bytes} bytes"
        raise GitError(f"git {command} in {repo_dir}: {reason}", reason)
    if status != 0:
        lines = err.decode(errors="replace").strip().splitlines()
        reason = lines[-1] if lines else "failed"
        raise GitError(f"git {command} in {repo_dir}: {reason}", reason)
    return out


def _bounded(argv: list[str], max_bytes: int) -> tuple[bytes, bytes, int | None]:
    """stdout (at most ``max_bytes``), stderr and the exit status; status None when cut off."""
    # stderr goes to a file, so a chatty git cannot block while stdout is read.
    with (
        tempfile.TemporaryFile() as err,
        subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err) as process,
    ):
        assert process.stdout is not None
        out = process.stdout.read(max_bytes + 1)
        if len(out) > max_bytes:
            process.kill()
            process.wait()
            return out[:0], b"", None
        status = process.wait()
        err.seek(0)
        return out, err.read(64 << 10), status
