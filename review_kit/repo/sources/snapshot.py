"""The contracts' front matter and the CI map bundled in ``review_kit/data/``, for offline use.

``module-contracts.json`` holds data only (front matter, path, commit read),
never the documents' prose; ``ci_source_file_dependencies.yml`` is a copy of
the repository's file; ``review-skill.json`` records, per review-skill file,
its commit, heading anchors and the kit's rules written in it, and the
pre-commit hook ids (never the files' prose).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from ...errors import ReviewKitError
from ..ci import CiDependencies, parse_ci_dependencies
from ..contracts import ModuleContract, contract_from_front_matter
from ..model import RepositoryData
from ..skill import ReviewSkill, skill_from_snapshot

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
CONTRACTS_SNAPSHOT = DATA_DIR / "module-contracts.json"
SKILL_SNAPSHOT = DATA_DIR / "review-skill.json"


@cache
def _load(path: Path) -> tuple[str, tuple[ModuleContract, ...], CiDependencies]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ci_meta = data["ci_dependencies"]
        ci_text = (path.parent / ci_meta["file"]).read_text(encoding="utf-8")
        documents = data["documents"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReviewKitError(
            f"{path.name}: bundled repository snapshot unreadable ({exc})"
        ) from None
    contracts = tuple(
        contract_from_front_matter(d.get("front_matter"), d["path"], d.get("commit", ""))
        for d in documents
    )
    ci = parse_ci_dependencies(ci_text, ci_meta["file"], ci_meta.get("commit") or "")
    return data["repo"], contracts, ci


@cache
def load_skill_snapshot(path: Path = SKILL_SNAPSHOT) -> ReviewSkill:
    """The bundled review rules; an unreadable file is one line naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReviewKitError(f"{path.name}: bundled review rules unreadable ({exc})") from None
    return skill_from_snapshot(data, path.name)


def from_snapshot(path: Path = CONTRACTS_SNAPSHOT) -> RepositoryData:
    """A fresh ``RepositoryData`` (its notices are the caller's) over the parsed snapshot."""
    repo, contracts, ci = _load(path)
    return RepositoryData(contracts, ci, "snapshot", repo, skill=load_skill_snapshot())
