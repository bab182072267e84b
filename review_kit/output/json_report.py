"""A ``Review`` as the review tool's JSON: one object with stable keys (docs/review-tool.md)."""

from __future__ import annotations

import json

from ..analysis import Review


def review_to_json(review: Review) -> dict:
    pr = review.pr
    return {
        "pr": {
            "number": pr.number,
            "repo": pr.repo,
            "title": pr.title,
            "author": pr.author,
            "state": pr.state,
            "merged": pr.merged,
            "html_url": pr.html_url,
            "base": {"ref": pr.base_ref, "sha": pr.base_sha},
            "head": {"ref": pr.head_ref, "sha": pr.head_sha},
            "additions": pr.additions,
            "deletions": pr.deletions,
            "changed_files": pr.changed_files,
            "truncated": pr.truncated,
            "source": pr.source,
            "fetched_at": pr.fetched_at,
        },
        "files": [
            {
                "filename": f.file.filename,
                "status": f.file.status,
                "additions": f.file.additions,
                "deletions": f.file.deletions,
                **(
                    {"previous_filename": f.file.previous_filename}
                    if f.file.previous_filename
                    else {}
                ),
                "areas": list(f.areas),
                "ignored": f.ignored,
            }
            for f in review.files
        ],
        "unmatched": review.unmatched,
        "areas": [
            {"id": r.area.id, "title": r.area.title, "risk": r.area.risk, "files": r.files}
            for r in review.areas
        ],
        "items": [
            {
                "id": i.item.id,
                "text": i.item.text,
                "area": i.area_id,
                "guide": i.item.guide,
                "files": i.files,
            }
            for i in review.items
        ],
        "checks": [
            {
                "id": c.id,
                "title": c.title,
                "status": c.status,
                "reason": c.reason,
                "files": c.files,
            }
            for c in review.checks
        ],
        "effort": {"score": review.effort.score, "reasons": review.effort.reasons},
        "commands": review.commands,
        "reading": review.reading,
        "notices": review.notices,
    }


def render_pr_json(review: Review) -> str:
    return json.dumps(review_to_json(review), indent=2, ensure_ascii=False) + "\n"
