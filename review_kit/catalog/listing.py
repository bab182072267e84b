"""Listings of the vllm-omni repository: the bundled snapshot or a live checkout."""

from __future__ import annotations

from pathlib import Path

from ..errors import ReviewKitError
from ..git import GitError, run_git

DATA_DIR = Path(__file__).resolve().parents[2] / "docs" / "data"
# vllm-omni's tree when the kit was written (the corpus PRs' era) and as of
# November 2026. The 2026 listing is the default; the older one stays because
# PR pages and the corpus still analyse PRs made against it.
DECEMBER_2025_TREE = DATA_DIR / "vllm-omni-tree.txt"
TREE_2026 = DATA_DIR / "vllm-omni-2026-tree.txt"
DEFAULT_TREE = TREE_2026
BUNDLED_TREES = (TREE_2026, DECEMBER_2025_TREE)


def load_tree(path: str | Path = DEFAULT_TREE) -> list[str]:
    """Paths from a listing file, one per line (blank lines and ``#`` comments skipped)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ReviewKitError(f"{path}: cannot read repository listing ({exc.strerror})") from None
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def list_checkout(repo_dir: str | Path) -> list[str]:
    """Tracked files of a git checkout, as ``git ls-files`` reports them."""
    try:
        out = run_git(repo_dir, "ls-files", "-z")
    except GitError as exc:
        if exc.reason == "git is not installed":
            raise ReviewKitError("git is not installed; cannot list REPO_DIR") from None
        raise ReviewKitError(f"{repo_dir}: not a git checkout ({exc.reason})") from None
    return [p for p in out.decode("utf-8", errors="surrogateescape").split("\0") if p]
