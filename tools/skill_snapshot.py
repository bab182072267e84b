#!/usr/bin/env python3
"""Rewrite ``review_kit/data/review-skill.json`` from a vllm-omni checkout.

Usage: ``python3 tools/skill_snapshot.py ../vllm-omni [OUT]`` (OUT defaults
to the bundled file). Records, for each
review-skill file, the checkout's commit, its heading anchors and the kit's
rules written in it, and the pre-commit hook ids: data only, no prose. Run it
after adding a rule to ``SKILL_RULES``, and read the diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from review_kit.errors import ReviewKitError  # noqa: E402
from review_kit.repo.skill import snapshot_record  # noqa: E402
from review_kit.repo.sources.checkout import from_checkout  # noqa: E402
from review_kit.repo.sources.snapshot import SKILL_SNAPSHOT  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print("usage: skill_snapshot.py VLLM_OMNI_CHECKOUT [OUT]", file=sys.stderr)
        return 2
    out = Path(argv[1]) if len(argv) == 2 else SKILL_SNAPSHOT
    try:
        # The checkout's HEAD: the tool is run on a clone of vllm-omni's main.
        data = from_checkout(argv[0], commit="HEAD")
    except ReviewKitError as exc:
        print(f"skill_snapshot.py: error: {exc}", file=sys.stderr)
        return 2
    if data.skill is None or not data.commit:
        print("skill_snapshot.py: error: not a git checkout with the review skill", file=sys.stderr)
        return 2
    for notice in data.skill.notices:
        print(f"skill_snapshot.py: {notice}", file=sys.stderr)
    about = (
        "What the kit reads of vllm-omni's review skill (.claude/skills/review-pr/ and "
        "precheck-pr/SKILL.md) and of its .pre-commit-config.yaml, from a checkout at "
        f"{data.commit}: per file its commit, heading anchors and which of the kit's rules "
        "(review_kit/repo/skill.py, SKILL_RULES) it holds; for the pre-commit config, its hook "
        "ids. Data only: none of the files' prose is here."
    )
    record = snapshot_record(data.skill, data.repo, about)
    out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
