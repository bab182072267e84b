"""ast-grep (tree-sitter) against the kit's ``ast`` on repaired hunks, on the corpus PRs.

Both engines read the same thing: the new side of every hunk of every Python
file the corpus PRs change, and report calls on added lines for the same
probes (host syncs, ``torch.load(weights_only=False)``, a literal
``trust_remote_code=True``, ``.cuda()``). Measured: added lines neither could
read (``ast``: no parse even after repairs; ast-grep: inside a tree-sitter
ERROR node), hits each finds, hits only one finds, and time. Run with
``.venv/bin/pip install -e '.[measure]' && .venv/bin/python bench/structural.py``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ast_grep_py import SgRoot  # noqa: E402

from review_kit.analysis.diff import Hunk, parse_patch  # noqa: E402
from review_kit.analysis.python_code import _significant, read_python  # noqa: E402
from review_kit.analysis.rules import _span_line, call_matches  # noqa: E402
from review_kit.catalog.rules import PythonMatch  # noqa: E402

CORPUS = Path("/work/shared/corpus/vllm-omni-prs.jsonl")

# probe -> (the kit's match, ast-grep patterns for the same calls)
PROBES = {
    "host-sync": (
        PythonMatch(methods=["item", "cpu", "tolist", "numpy"], max_args=0),
        ["$X.item()", "$X.cpu()", "$X.tolist()", "$X.numpy()"],
    ),
    "torch-load-unsafe": (
        PythonMatch(calls=["torch.load"], keywords={"weights_only": False}),
        ["torch.load($$$A, weights_only=False)", "torch.load($$$A, weights_only=False, $$$B)"],
    ),
    "trust-remote-code": (
        PythonMatch(calls=["*"], keywords={"trust_remote_code": True}),
        ["$F($$$A, trust_remote_code=True)", "$F($$$A, trust_remote_code=True, $$$B)"],
    ),
    "cuda": (PythonMatch(methods=["cuda"]), ["$X.cuda($$$A)"]),
}


def python_patches(corpus: Path) -> list[tuple[int, str, str]]:
    rows = []
    for line in corpus.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for f in record.get("files", []):
            if f["filename"].endswith(".py") and f.get("patch") and f["status"] != "removed":
                rows.append((record["number"], f["filename"], f["patch"]))
    return rows


def with_ast(patch: str) -> tuple[dict[str, set[int]], set[int]]:
    diff = parse_patch(patch)
    view = read_python(diff)
    hits: dict[str, set[int]] = {name: set() for name in PROBES}
    for fragment in view.fragments:
        for name, (match, _) in PROBES.items():
            for call in fragment.nodes["calls"]:
                if call_matches(match, call):
                    line = _span_line(call, fragment.numbers, view.added)
                    if line is not None:
                        hits[name].add(line)
    return hits, set(view.unread)


def _first_added(hunk: Hunk, first: int, last: int) -> int | None:
    for line in hunk.lines[first : last + 1]:
        if line.added:
            return line.number
    return None


def with_ast_grep(patch: str) -> tuple[dict[str, set[int]], set[int]]:
    diff = parse_patch(patch)
    hits: dict[str, set[int]] = {name: set() for name in PROBES}
    unread: set[int] = set()
    for hunk in diff.hunks:
        root = SgRoot(hunk.text, "python").root()
        for name, (_, patterns) in PROBES.items():
            for pattern in patterns:
                for node in root.find_all(pattern=pattern):
                    span = node.range()
                    line = _first_added(hunk, span.start.line, span.end.line)
                    if line is not None:
                        hits[name].add(line)
        for error in root.find_all(kind="ERROR"):
            span = error.range()
            for line in hunk.lines[span.start.line : span.end.line + 1]:
                if line.added and _significant(line.text):
                    unread.add(line.number)
    return hits, unread


def measure(rows: list[tuple[int, str, str]]) -> dict:
    engines = {"ast": with_ast, "ast-grep": with_ast_grep}
    found: dict[str, dict[tuple[int, str, str], set[int]]] = {}
    figures: dict[str, dict] = {}
    added = sum(
        1
        for _, _, patch in rows
        for text in parse_patch(patch).added.values()
        if _significant(text)
    )
    for engine, run in engines.items():
        parse_patch.cache_clear()
        started = time.process_time()
        hits: dict[tuple[int, str, str], set[int]] = {}
        unread = 0
        for number, path, patch in rows:
            probe_hits, missed = run(patch)
            unread += len(missed)
            for name, lines in probe_hits.items():
                hits[(number, path, name)] = lines
        seconds = time.process_time() - started
        found[engine] = hits
        figures[engine] = {
            "cpu_seconds": round(seconds, 2),
            "unread_lines": unread,
            "hits": sum(len(v) for v in hits.values()),
        }
    for engine, other in (("ast", "ast-grep"), ("ast-grep", "ast")):
        only = [
            (key, sorted(lines - found[other].get(key, set())))
            for key, lines in found[engine].items()
            if lines - found[other].get(key, set())
        ]
        figures[engine]["hits_only_here"] = sum(len(lines) for _, lines in only)
        figures[engine]["examples_only_here"] = [
            f"PR {n} {p}:{lines[0]} ({probe})" for (n, p, probe), lines in only[:8]
        ]
    return {"python_files": len(rows), "significant_added_lines": added, "engines": figures}


def main() -> int:
    rows = python_patches(CORPUS)
    print(json.dumps(measure(rows), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
