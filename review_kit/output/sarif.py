"""Findings as SARIF 2.1.0, for GitHub code scanning (``upload-sarif``), beside CodeQL.

One result per finding (a rule's hits in one file, as every output folds
them), located at its first line; ``partialFingerprints`` digest the rule,
the file and the hunks that hold it, so a finding keeps its identity when a
push above it moves its lines. GitHub takes at most 25,000 results per run:
the gravest are kept and a notification says how many were left out.
Messages hold PR text, so they are neutralised as every posted output is.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..analysis import Review
from ..analysis.model import Finding
from ..catalog.loading import Catalog
from .escape import md_escape, plain_neutral
from .links import site_page_url

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RESULTS = 25_000
LEVELS = {"P0": "error", "P1": "warning", "P2": "note"}
FINGERPRINT = "reviewKitHunk/v1"
TOOL = "vllm-omni-review-kit"


def fingerprint(finding: Finding) -> str:
    """Rule, file and hunk digests: stable while the hunks that hold the finding are."""
    hunks = ",".join(sorted(finding.hunks)) or f"line:{finding.line}"
    key = "\0".join((finding.rule, finding.file, hunks))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _rule(rule, catalog: Catalog, site_url: str) -> dict[str, Any]:
    section = catalog.sections.get(rule.guide)
    entry: dict[str, Any] = {
        "id": rule.id,
        "name": rule.id.replace("-", " ").title().replace(" ", ""),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.message},
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "note")},
        "properties": {"severity": rule.severity, "tags": ["vllm-omni-review-kit"]},
    }
    if section is not None:
        url = site_page_url(site_url, section.src_uri, section.anchor)
        entry["help"] = {"text": f"Expert guide §{section.id} {section.title}: {rule.message}"}
        if url:
            entry["helpUri"] = url
    return entry


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    lines = ", ".join(map(str, finding.lines))
    where = f" (lines {lines})" if len(finding.lines) > 1 else ""
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": LEVELS.get(finding.severity, "note"),
        "message": {
            "text": f"[{finding.severity}] {finding.title}: {plain_neutral(finding.why)}{where}",
            "markdown": f"**[{finding.severity}] {finding.title}**: {md_escape(finding.why)}{where}",
        },
        "locations": [
            {
                "physicalLocation": {
                    # A URI reference relative to the checkout (upload-sarif's root).
                    "artifactLocation": {"uri": quote(finding.file, safe="/")},
                    "region": {"startLine": max(1, finding.line)},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT: fingerprint(finding)},
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    return result


def sarif_log(review: Review, catalog: Catalog, site_url: str = "") -> dict[str, Any]:
    rules = [_rule(r, catalog, site_url) for r in catalog.focus_map.rules]
    index = {r["id"]: i for i, r in enumerate(rules)}
    findings = review.findings  # gravest first: a cut keeps the P0s
    results = [_result(f, index) for f in findings[:MAX_RESULTS]]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if len(findings) > MAX_RESULTS:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "warning",
                "message": {
                    "text": f"{len(findings) - MAX_RESULTS} of {len(findings)} findings left out: "
                    f"GitHub takes at most {MAX_RESULTS} results per run."
                },
            }
        ]
    driver: dict[str, Any] = {
        "name": TOOL,
        "version": __version__,
        "informationUri": site_url or "https://github.com/vllm-project/vllm-omni",
        "rules": rules,
    }
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "results": results,
        # One category per tool, so its alerts never replace CodeQL's.
        "automationDetails": {"id": f"{TOOL}/"},
    }
    if review.pr.head_sha:
        run["versionControlProvenance"] = [
            {
                "repositoryUri": f"https://github.com/{review.pr.repo}",
                "revisionId": review.pr.head_sha,
            }
        ]
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(review: Review, catalog: Catalog, site_url: str = "") -> str:
    return json.dumps(sarif_log(review, catalog, site_url), indent=2, ensure_ascii=False) + "\n"
