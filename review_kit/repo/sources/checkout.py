"""Contracts and the CI map from a vllm-omni checkout (``--repo-dir``), as its files are now.

A document whose front matter is malformed is left out with a one-line notice
naming it; the rest still count.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import ReviewKitError
from ...git import run_git
from ..ci import CI_DEPENDENCIES_PATH, parse_ci_dependencies
from ..contracts import CONTRACTS_DIR, contract_from_document, is_contract_path
from ..model import RepositoryData
from ..skill import MAX_FILE_BYTES, read_skill


def _head(repo_dir: Path) -> str:
    """The checkout's commit, or "" for a folder that is not a git checkout."""
    try:
        return run_git(repo_dir, "rev-parse", "HEAD").decode().strip()
    except ReviewKitError:
        return ""


def from_checkout(repo_dir: str | Path, repo: str = "vllm-project/vllm-omni") -> RepositoryData:
    root = Path(repo_dir)
    folder = root / CONTRACTS_DIR
    if not folder.is_dir():
        raise ReviewKitError(
            f"--repo-dir {repo_dir}: no {CONTRACTS_DIR}/ (not a vllm-omni checkout?)"
        )
    commit = _head(root)
    contracts, notices = [], []
    for path in sorted(folder.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        if not is_contract_path(rel):
            continue
        try:
            contract = contract_from_document(path.read_text(encoding="utf-8"), rel, commit)
        except (ReviewKitError, UnicodeDecodeError, OSError) as exc:
            notices.append(f"Contract left out: {exc}")
            continue
        if contract is not None:
            contracts.append(contract)
    ci = None
    ci_file = root / CI_DEPENDENCIES_PATH
    if ci_file.is_file():
        try:
            ci = parse_ci_dependencies(
                ci_file.read_text(encoding="utf-8"), CI_DEPENDENCIES_PATH, commit
            )
        except ReviewKitError as exc:
            notices.append(f"CI jobs not shown: {exc}")
    else:
        notices.append(f"CI jobs not shown: the checkout has no {CI_DEPENDENCIES_PATH}.")
    skill = read_skill(lambda path: _read_bytes(root, path), commit)
    notices += skill.notices
    return RepositoryData(tuple(contracts), ci, "checkout", repo, commit, notices, skill)


def _read_bytes(root: Path, path: str) -> bytes | None:
    """A file's bytes, None when absent; never more than the skill reader's bound plus one."""
    target = root / path
    if not target.is_file():
        return None
    with target.open("rb") as handle:
        # One byte over the bound is enough for the reader to refuse it by size.
        return handle.read(MAX_FILE_BYTES + 1)
