"""A ``Review`` as the review tool's JSON: one object with stable keys (docs/review-tool.md)."""

from __future__ import annotations

import json

from ..analysis import Review
from .links import diff_url, rule_source_url


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
                # vllm-omni's written rule the item puts, at the commit the rules were read.
                **(
                    {"rule": rule_source_url(i.item.source, review.repository)}
                    if i.item.source is not None
                    else {}
                ),
            }
            for i in review.items
        ],
        "findings": [
            {
                "rule": f.rule,
                "title": f.title,
                "severity": f.severity,
                "file": f.file,
                "line": f.line,
                "lines": list(f.lines),
                "reason": f.why,
                "text": f.text,
                "guide": f.guide,
                "url": diff_url(pr, f.file, f.line),
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
                "rule": c.rule or None,
            }
            for c in review.checks
        ],
        **repository_json(review),
        "effort": {"score": review.effort.score, "reasons": review.effort.reasons},
        "commands": review.commands,
        "reading": review.reading,
        "notices": review.notices,
    }


def repository_json(review: Review) -> dict:
    """``contracts``, ``suggested_reviewers`` and ``ci_jobs`` (docs/review-tool.md)."""
    repo = review.repository
    if repo is None:
        return {"contracts": [], "suggested_reviewers": [], "ci_jobs": None}
    return {
        "contracts": [
            {
                "path": t.contract.path,
                "title": t.contract.title,
                "url": t.url,
                "status": t.contract.status,
                "owners": t.owners,
                "required_reviewers": t.required_reviewers,
                "validation_paths": list(t.contract.validation_paths),
                "validation_paths_changed": t.validation_changed,
                "validation_files": t.validation_files,
                "invariant_namespace": t.contract.invariant_namespace,
                "last_reviewed": t.contract.last_reviewed.isoformat()
                if t.contract.last_reviewed
                else None,
                "last_reviewed_age_days": t.age_days,
                "document_changed": t.document_changed,
                "primary_files": t.primary_files,
                "related_files": t.related_files,
                "read_at": t.contract.commit or None,
            }
            for t in repo.contracts
        ],
        "suggested_reviewers": [
            {
                "login": r.login,
                "share": r.share,
                "roles": r.roles,
                "contracts": r.contracts,
                "files": r.files,
            }
            for r in repo.suggested_reviewers
        ],
        "ci_jobs": None
        if repo.ci is None
        else {
            "jobs": [{"name": j.name, "files": j.files} for j in repo.ci.jobs],
            "uncovered": repo.ci.uncovered,
            "every_job_by_fallback": repo.ci.every_job,
        },
        "repository_data": {
            "origin": repo.origin,
            "commit": repo.commit or None,
            "source": repo.source,
            # What vllm-omni's pre-commit already enforces, so no check repeats it.
            "pre_commit_hooks": list(repo.pre_commit),
            "pre_commit_config": repo.pre_commit_url or None,
        },
    }


def render_pr_json(review: Review) -> str:
    return json.dumps(review_to_json(review), indent=2, ensure_ascii=False) + "\n"
