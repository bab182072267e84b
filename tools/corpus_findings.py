"""Every finding the kit makes on the shared corpus PRs, one JSON object a line.

For labelling ("would a senior reviewer post this comment on this line?")
and for measuring a rule's precision: PR, file, lines, rule, severity, the
added line and the finding's own reason. Reads the corpus file only; no
network. Usage: ``python tools/corpus_findings.py [CORPUS.jsonl] > findings.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from review_kit.analysis.findings import collapse  # noqa: E402
from review_kit.analysis.rules import scan  # noqa: E402
from review_kit.catalog.loading import load_catalog  # noqa: E402
from review_kit.pr.model import pull_request_from_api  # noqa: E402
from review_kit.pr.texts import texts_from_patches  # noqa: E402

CORPUS = Path("/work/shared/corpus/vllm-omni-prs.jsonl")
REPO = "vllm-project/vllm-omni"


def corpus_findings(corpus: Path):
    """(PR number, folded finding) for every PR of the corpus, in the corpus's order."""
    catalog = load_catalog()
    for number, line in enumerate(corpus.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        pr = pull_request_from_api(
            record, record.get("files", []), REPO, f"{corpus}:{number}", "file"
        )
        # The corpus has blob SHAs but no contents: files the PR adds are whole
        # in their patch; the others get no linter pass (and are reported so).
        pr.texts.update(texts_from_patches(pr.files))
        for finding in collapse(scan(pr, catalog).findings):
            yield pr.number, finding


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    args = parser.parse_args()
    for number, f in corpus_findings(args.corpus):
        row = {
            "pr": number,
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
