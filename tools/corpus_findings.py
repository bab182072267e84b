"""Every finding the kit makes on the shared corpus PRs, one JSON object a line.

For labelling ("would a senior reviewer post this comment on this line?")
and for measuring a rule's precision: PR, file, lines, rule, severity, the
added line and the finding's own reason. Every rule runs, those off by
default included, since their labels keep them measured. ``--unlabelled``
prints only the findings ``tests/fixtures/finding-labels.jsonl`` has no
label for. Reads the corpus file only; no network.
Usage: ``python tools/corpus_findings.py [--unlabelled] [CORPUS.jsonl] > findings.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from review_kit.analysis.precision import (  # noqa: E402
    CORPUS,
    LABELS,
    corpus_findings,
    corpus_prs,
    load_labels,
    match_labels,
)
from review_kit.catalog.loading import load_catalog  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument(
        "--unlabelled", action="store_true", help=f"only findings without a label in {LABELS.name}"
    )
    args = parser.parse_args()
    found = corpus_findings(load_catalog(all_rules=True), corpus_prs(args.corpus))
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
