"""PRs bundled with the kit (``review_kit/data/pr-N.json``), for builds with no network.

The snapshot keeps each file's patch and blob SHA as GitHub gave them, so an
offline page reads the same diff a live one would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

from ...errors import ReviewKitError
from ..model import PullRequest, pull_request_from_api
from ..texts import texts_from_patches, wanted
from .base import SourceContext

SNAPSHOT_DIR = Path(__file__).resolve().parents[2] / "data"
DEFAULT_REPO = "vllm-project/vllm-omni"


def snapshot_numbers() -> list[int]:
    return sorted(int(p.stem.split("-")[1]) for p in SNAPSHOT_DIR.glob("pr-*.json"))


def from_snapshot(number: int, repo: str = DEFAULT_REPO) -> PullRequest:
    """The copy of a PR bundled with the kit."""
    path = SNAPSHOT_DIR / f"pr-{number}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    pr = pull_request_from_api(
        data["pull"], data["files"], repo, f"snapshot {path.name}", "snapshot"
    )
    pr.fetched_at = data.get("captured")
    # Files the PR adds are whole in their patch; others only if bundled ("texts").
    pr.texts.update(texts_from_patches(pr.files))
    bundled = data.get("texts") or {}
    for f in wanted(pr.files):
        if f.filename in pr.texts:
            continue
        if isinstance(bundled.get(f.filename), str):
            pr.texts[f.filename] = bundled[f.filename]
        else:
            pr.texts_missing[f.filename] = "the snapshot bundles no full text of it"
    return pr


class SnapshotSource:
    """``--snapshot``: the bundled copy only, never the network."""

    name: ClassVar[str] = "snapshot"
    option: ClassVar[str | None] = "--snapshot"
    metavar: ClassVar[str] = ""
    help: ClassVar[str] = "use the PR bundled with the kit (offline; PR 19)"

    def __init__(self, context: SourceContext, argument: str | None = None) -> None:
        self.repo = context.repo

    def load(self, number: int | None) -> PullRequest:
        if number is None or self.repo != DEFAULT_REPO or number not in snapshot_numbers():
            bundled = ", ".join(str(n) for n in snapshot_numbers())
            raise ReviewKitError(
                f"PR #{number} of {self.repo}: no bundled snapshot (bundled: {bundled})"
            )
        return from_snapshot(number, self.repo)
