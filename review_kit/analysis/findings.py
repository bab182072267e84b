"""Findings as a reviewer reads them: one per rule and file, the gravest first.

Engines report every hit on its own line; a reviewer wants one comment per
rule and file that lists the lines, and the P0s before the P2s. Every output
reads the order made here, so none of them sorts on its own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import replace

from ..catalog.rules import SEVERITIES
from ..errors import strip_terminal_sequences
from .model import Finding

RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}

# A reason quotes the PR's code; a short quote is enough to recognise the line.
QUOTE_LIMIT = 60


def quoted(code: str, limit: int = QUOTE_LIMIT) -> str:
    """PR code for a one-line reason: one line, at most ``limit`` characters, nothing hidden.

    Terminal sequences go, and control and format characters (bidi
    overrides, zero-width marks) are shown as ``\\uXXXX``, so a reason
    reads the same in every output before each escapes it its own way.
    """
    text = " ".join(strip_terminal_sequences(code).split())
    text = "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf") else c for c in text
    )
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def collapse(hits: Iterable[Finding]) -> list[Finding]:
    """One finding per (rule, file), holding every line and hunk of its hits."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for hit in hits:
        groups.setdefault((hit.rule, hit.file), []).append(hit)
    folded = []
    for group in groups.values():
        group.sort(key=lambda h: h.line)
        first = group[0]
        lines = tuple(sorted({n for h in group for n in h.lines}))
        hunks = tuple(dict.fromkeys(d for h in group for d in h.hunks))
        details = list(dict.fromkeys(h.detail for h in group if h.detail))
        folded.append(
            replace(first, lines=lines, hunks=hunks, detail="; ".join(details))
            if len(group) > 1
            else first
        )
    return ranked(folded)


def ranked(findings: Iterable[Finding]) -> list[Finding]:
    """By severity, then file, then line: the order every output shows."""
    return sorted(findings, key=lambda f: (RANK.get(f.severity, len(RANK)), f.file, f.line, f.rule))


def counts_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings of each severity, every severity listed (zeros included)."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return counts
