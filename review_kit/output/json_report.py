"""A ``Review`` as the review tool's JSON: one object with stable keys (docs/review-tool.md)."""

from __future__ import annotations

import json

from ..analysis import Review
from .links import diff_line_url


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
                "trigger": i.trigger,
                "folded": i.folded,
                **({"hunks": i.hunk_digest} if not i.folded else {}),
            }
            for i in review.items
        ],
        "findings": [
            {
                "rule": f.rule,
                "title": f.title,
                "file": f.file,
                "line": f.line,
                "text": f.text,
                "guide": f.guide,
                "url": diff_line_url(pr, f.file, f.line),
                "message": f.message,
                "detail": f.detail,
            }
            for f in review.findings
        ],
        "unread": review.unread,
        "questions": [
            {"id": q.id, "topic": q.topic, "text": q.text, "trigger": q.trigger}
            for q in review.questions
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
