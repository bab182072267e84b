"""Every finding the kit makes on the shared corpus PRs, one JSON object a line.

For labelling ("would a senior reviewer post this comment on this line?")
and for measuring a rule's precision: PR, file, lines, rule, severity, the
added line and the finding's own reason. Every rule runs, those off by
default included, since their labels keep them measured. ``--unlabelled``
prints only the findings ``tests/fixtures/finding-labels.jsonl`` has no
label for. Reads the corpus file only; no network.
Usage: ``python tools/corpus_findings.py [--unlabelled] [--hunks-as-text] [CORPUS.jsonl]``.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from review_kit.analysis import load_catalog  # noqa: E402
from review_kit.analysis.diff import parse_patch  # noqa: E402
from review_kit.analysis.precision import (  # noqa: E402
    CORPUS,
    LABELS,
    corpus_findings,
    corpus_prs,
    load_labels,
    match_labels,
)
from review_kit.pr.model import PullRequest  # noqa: E402


def hunks_as_text(patch: str) -> str | None:
    """A stand-in for a file's new text built from its hunks only, line numbers kept.

    Lines the diff does not show are blank, and the blank lines just above a
    hunk that starts indented open the blocks it sits in (``if True:``). A
    hunk that cannot stand so is blanked; if the whole still does not parse,
    None. For measuring on the corpus only: a checkout or GitHub gives the
    real text.
    """
    diff = parse_patch(patch)
    if not diff.hunks:
        return None
    lines = [""] * diff.hunks[-1].last
    for hunk in diff.hunks:
        shown = [line.text for line in hunk.lines]
        first = next((t for t in shown if t.strip() and not t.lstrip().startswith("#")), "")
        indent = len(first) - len(first.lstrip(" "))
        levels = list(range(0, indent, 4))
        start = hunk.first - 1
        free = 0
        while free < len(levels) and start - free - 1 >= 0 and not lines[start - free - 1]:
            free += 1
        if free < len(levels):
            continue  # no room to open its blocks: leave it out
        header = [" " * level + "if True:" for level in levels]
        candidate = header + shown
        try:
            ast.parse("\n".join(candidate) + "\n")
        except (SyntaxError, ValueError):
            continue
        for k, text in enumerate(header):
            lines[start - len(header) + k] = text
        for line in hunk.lines:
            lines[line.number - 1] = line.text
    text = "\n".join(lines) + "\n"
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    return text


def with_hunk_texts(prs: Iterable[PullRequest]) -> Iterator[PullRequest]:
    """The PRs, their modified Python files given a stand-in text made of their hunks."""
    for pr in prs:
        for f in pr.files:
            if f.filename.endswith(".py") and f.patch and f.filename not in pr.texts:
                text = hunks_as_text(f.patch)
                if text is not None:
                    pr.texts[f.filename] = text
        yield pr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument(
        "--hunks-as-text",
        action="store_true",
        help="lint modified files on a stand-in made of their hunks (the corpus has no contents)",
    )
    parser.add_argument(
        "--unlabelled", action="store_true", help=f"only findings without a label in {LABELS.name}"
    )
    args = parser.parse_args()
    prs = corpus_prs(args.corpus)
    if args.hunks_as_text:
        prs = with_hunk_texts(prs)
    found = corpus_findings(load_catalog(all_rules=True), prs)
    if args.unlabelled:
        found = list(match_labels(found, load_labels(LABELS)).unlabelled)
    for item in found:
        f = item.finding
        row = {
            "pr": item.pr,
            "file": f.file,
            "lines": list(f.lines),
            "rule": f.rule,
            "severity": f.severity,
            "text": f.text,
            "reason": f.why,
        }
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
