"""What every posted review says besides its inline comments, in one place.

The browser's Markdown export and the github-review JSON share one body
(``_review_body.md.j2``): the note, findings by severity, problems, one
hygiene line and the folded checklist. This module decides what goes in it:
which checks are hygiene, which repeat a finding, which findings sit on
their lines instead, and which are new since a reviewed head.
"""

from __future__ import annotations

from collections.abc import Collection

from ..analysis import Review
from ..analysis.findings import counts_by_severity
from ..analysis.model import CheckResult, Finding
from ..analysis.since import Since
from ..catalog.loading import Catalog
from .escape import md_code, short_sha
from .links import compare_url
from .markdown import token

# The checks about how the PR is filed rather than what it changes, said in
# one line at the end, in these words.
HYGIENE = {
    "policy-title-prefix": "title prefix",
    "policy-template-sections": "description template",
    "policy-large-change-rfc": "RFC",
    "contract-review-age": "contract freshness",
}
# Past this many characters GitHub refuses a review body (65,536); the
# checklist is the part left out, with a line that says so.
BODY_LIMIT = 60_000


def hygiene_checks(review: Review) -> list[tuple[CheckResult, str]]:
    by_id = {c.id: c for c in review.checks}
    return [(by_id[i], label) for i, label in HYGIENE.items() if i in by_id]


def attention_checks(review: Review, catalog: Catalog) -> list[CheckResult]:
    """Checks that need attention and say something the findings do not.

    A content rule's verdict repeats its findings, and hygiene has its own line.
    """
    rules = {r.id for r in catalog.focus_map.rules}
    return [
        c
        for c in review.checks
        if c.status == "attention" and c.id not in rules and c.id not in HYGIENE
    ]


def severity_line(findings: list[Finding], inline: Collection[Finding]) -> str:
    counts = counts_by_severity(findings)
    parts = [f"{n} {severity}" for severity, n in counts.items() if n]
    if not parts:
        return ""
    line = "By severity: " + ", ".join(parts)
    if inline:
        line += f"; {len(inline)} as comments on their lines"
    return line + "."


def header(review: Review, since: Since | None) -> str:
    pr = review.pr
    head = md_code(short_sha(pr.head_sha)) if pr.head_sha else "the listed files"
    text = f"Reviewed with the vLLM-Omni review kit at {head}; review effort {review.effort.score} of 5."
    if since is not None:
        url = compare_url(pr, since.old_sha)
        old = md_code(short_sha(since.old_sha))
        changes = f"[changes since {old}]({url})" if url else f"changes since {old}"
        text += (
            f" Re-review of the {changes}: {len(since.new_findings)} finding(s) and "
            f"{len(since.new_items)} checklist item(s) in hunks changed since."
        )
    return text


def body_context(
    review: Review,
    catalog: Catalog,
    site_url: str = "",
    *,
    tokens: bool = False,
    inline: Collection[Finding] = (),
    since: Since | None = None,
) -> dict:
    """The variables ``_review_body.md.j2`` reads.

    ``tokens`` keeps the browser's fill tokens (the page's export); without
    them every token is empty text and the checklist has no marks.
    """
    findings = review.findings
    shown, earlier = findings, []
    if since is not None:
        shown = [f for i, f in enumerate(findings) if i in since.new_findings]
        earlier = [f for i, f in enumerate(findings) if i not in since.new_findings]
    context = {
        "site_url": site_url,
        "inline": list(inline),
        "since": since,
        "header": header(review, since),
        "findings_shown": shown,
        "findings_earlier": earlier,
        "severity_counts": severity_line(findings, inline),
        "attention_checks": attention_checks(review, catalog),
        "hygiene": hygiene_checks(review),
        "reviewers": review.repository.suggested_reviewers if review.repository else [],
        "interactive": tokens,
    }
    if tokens:
        context["mark"] = lambda item_id: token("state", item_id)
        context["reopened"] = lambda item_id: token("reopened", item_id)
    else:
        new_items = since.new_items if since is not None else frozenset()
        changed = f" *(changed since {md_code(short_sha(since.old_sha))})*" if since else ""
        context["token"] = lambda name, item_id="": ""
        context["mark"] = lambda item_id: ""
        context["reopened"] = lambda item_id: changed if item_id in new_items else ""
    return context
