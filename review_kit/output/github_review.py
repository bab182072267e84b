"""A review as GitHub's API takes it: ``POST /repos/{owner}/{repo}/pulls/{number}/reviews``.

One combined review (event ``COMMENT``) at the head that was analysed: the
shared body (``_review_body.md.j2``) and one inline comment per finding,
written ``[P1] title — path:line`` as vllm-omni's own review process asks,
with the reason and the guide section. A finding goes inline only when its
anchor is a line the diff shows (``analysis.anchors``): one bad anchor and
GitHub rejects the whole review. The body carries a hidden marker naming
the head, by which ``--post`` knows a review it already posted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..analysis import Review
from ..analysis.anchors import Anchor, DiffLines, anchor_of, diff_lines
from ..analysis.model import Finding
from ..analysis.since import Since
from ..catalog.loading import Catalog
from .escape import md_code, md_keep_code
from .markdown import guide_reference, render_markdown, render_review_export
from .review_body import BODY_LIMIT, body_context

MARKER = "vllm-omni-review-kit"
# vllm-omni's process asks for about one to five comments; every blocker
# still counts, so the cap is generous and the rest are listed in the body.
MAX_COMMENTS = 30
# A comment names at most this many other lines of its finding.
LINES_NAMED = 20


def marker(head_sha: str) -> str:
    """The hidden line in a posted body that names the head it reviewed."""
    return f"<!-- {MARKER} head={head_sha} -->"


def comment_body(finding: Finding, anchor: Anchor, guide_ref: Callable[[str], str]) -> str:
    """One inline comment: ``[P1] title — path:line``, the reason, other lines, the guide."""
    where = md_code(f"{finding.file}:{finding.line}")
    lines = [f"**[{finding.severity}] {finding.title}** — {where}", "", md_keep_code(finding.why)]
    others = [
        n for n in finding.lines if not (anchor.start_line or anchor.line) <= n <= anchor.line
    ]
    if others:
        named = ", ".join(map(str, others[:LINES_NAMED]))
        more = f" and {len(others) - LINES_NAMED} more" if len(others) > LINES_NAMED else ""
        lines += ["", "Also on line" + ("s " if len(others) > 1 else " ") + named + more + "."]
    reference = guide_ref(finding.guide)
    if reference:
        lines += ["", f"Guide: {reference}"]
    return "\n".join(lines)


def placed(review: Review) -> list[tuple[Finding, Anchor | None]]:
    """Each finding with the anchor it is posted at, or None when it goes in the body."""
    lines = diff_lines(review.pr)
    out: list[tuple[Finding, Anchor | None]] = []
    used = 0
    for f in review.findings:
        anchor = anchor_of(f, lines) if used < MAX_COMMENTS else None
        used += anchor is not None
        out.append((f, anchor))
    return out


def github_review(
    review: Review,
    catalog: Catalog,
    site_url: str = "",
    since: Since | None = None,
    tokens: bool = False,
) -> dict[str, Any]:
    """The request body; with ``tokens``, its ``body`` keeps the browser's fill tokens."""
    pairs = placed(review)
    if since is not None:  # a re-review comments on what changed only
        pairs = [(f, a if i in since.new_findings else None) for i, (f, a) in enumerate(pairs)]
    inline = [f for f, a in pairs if a is not None]
    guide_ref = guide_reference(catalog, site_url)
    context = body_context(review, catalog, site_url, tokens=tokens, inline=inline, since=since)
    body = render_markdown("review_export.md.j2", review, catalog, None, **context)
    # GitHub refuses a longer body: the checklist goes first, then findings
    # beyond the first few are only counted (the body says both).
    for shown in (100, 20, 5):
        if len(body) <= BODY_LIMIT:
            break
        body = render_markdown(
            "review_export.md.j2",
            review,
            catalog,
            None,
            **{**context, "omit_checklist": True, "shown_limit": shown},
        )
    comments = []
    for f, anchor in pairs:
        if anchor is None:
            continue
        comment: dict[str, Any] = {"path": anchor.path, "line": anchor.line, "side": "RIGHT"}
        if anchor.start_line is not None:
            comment.update(start_line=anchor.start_line, start_side="RIGHT")
        comment["body"] = comment_body(f, anchor, guide_ref)
        comments.append(comment)
    return {
        "commit_id": review.pr.head_sha,
        "event": "COMMENT",
        "body": body.strip("\n") + "\n\n" + marker(review.pr.head_sha) + "\n",
        "comments": comments,
    }


def render_github_review(
    review: Review, catalog: Catalog, site_url: str = "", since: Since | None = None
) -> str:
    return (
        json.dumps(github_review(review, catalog, site_url, since), indent=2, ensure_ascii=False)
        + "\n"
    )


def _runs(lines: DiffLines) -> list[list[int]]:
    """A file's commentable lines as [first, last] runs, one per hunk."""
    return [[hunk.start, hunk.stop - 1] for hunk in lines.hunks]


def browser_export(review: Review, catalog: Catalog, site_url: str = "") -> dict[str, Any]:
    """What a PR page carries for its "Copy review" and "Download": both renderings with
    the browser's fill tokens, the lines a note may be tied to, and the findings.

    The browser fills tokens and adds the reviewer's line notes as comments
    (on a line in ``lines`` only); it renders nothing of its own.
    """
    per_file = diff_lines(review.pr)
    findings = []
    for f, anchor in placed(review):
        findings.append(
            {
                "label": f"[{f.severity}] {f.title} — {f.file}:{f.line}",
                "path": f.file,
                "line": anchor.line if anchor else f.line,
                "start_line": anchor.start_line if anchor else None,
                "inline": anchor is not None,
            }
        )
    return {
        "template": render_review_export(review, catalog, site_url),
        "github": github_review(review, catalog, site_url, tokens=True),
        "lines": {path: _runs(lines) for path, lines in per_file.items() if lines.hunks},
        "findings": findings,
    }
