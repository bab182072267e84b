"""Every finding the kit makes on the shared corpus PRs, one JSON object a line.

For labelling ("would a senior reviewer post this comment on this line?")
and for measuring a rule's precision: PR, file, lines, rule, severity, the
added line and the finding's own reason. Reads the corpus file only; no
network. Usage: ``python tools/corpus_findings.py [--hunks-as-text] [CORPUS.jsonl]``.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from review_kit.analysis.diff import parse_patch  # noqa: E402
from review_kit.analysis.findings import collapse  # noqa: E402
from review_kit.analysis.rules import scan  # noqa: E402
from review_kit.catalog.loading import load_catalog  # noqa: E402
from review_kit.pr.model import pull_request_from_api  # noqa: E402
from review_kit.pr.texts import texts_from_patches  # noqa: E402

CORPUS = Path("/work/shared/corpus/vllm-omni-prs.jsonl")
REPO = "vllm-project/vllm-omni"


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


def corpus_findings(corpus: Path, hunks: bool = False):
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
        # in their patch; for the others, with --hunks-as-text, a stand-in
        # made of the hunks alone (see hunks_as_text), else no linter pass.
        pr.texts.update(texts_from_patches(pr.files))
        if hunks:
            for f in pr.files:
                if f.filename.endswith(".py") and f.patch and f.filename not in pr.texts:
                    text = hunks_as_text(f.patch)
                    if text is not None:
                        pr.texts[f.filename] = text
        for finding in collapse(scan(pr, catalog).findings):
            yield pr.number, finding


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument(
        "--hunks-as-text",
        action="store_true",
        help="lint modified files on a stand-in made of their hunks (the corpus has no contents)",
    )
    args = parser.parse_args()
    for number, f in corpus_findings(args.corpus, args.hunks_as_text):
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
