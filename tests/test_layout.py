"""The core's layout holds: layers import only downwards, and a build reads its data once."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "review_kit"
# Lower layers never import higher ones; the front ends (site, cli) sit on top.
LAYERS = {
    "review_kit": 0,
    "review_kit.errors": 0,
    "review_kit.ages": 0,
    "review_kit.git": 0,
    "review_kit.untrusted_files": 0,
    "review_kit.pr": 1,
    # Repository data reads through the PR layer's GitHub client; catalog sits above it.
    "review_kit.repo": 1.5,
    "review_kit.catalog": 2,
    "review_kit.analysis": 3,
    "review_kit.output": 4,
    "review_kit.settings": 5,
    "review_kit.site": 6,
    "review_kit.cli": 6,
    "review_kit.testing": 7,
}
FRONT_ENDS = 6


def layer_of(module: str) -> int:
    best = max(
        (name for name in LAYERS if module == name or module.startswith(name + ".")), key=len
    )
    return LAYERS[best]


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports, relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_module_imports_a_layer_above_it(path):
    own = layer_of(module_name(path))
    for target in imports_of(path):
        if target.startswith("review_kit"):
            assert layer_of(target) <= own, f"{module_name(path)} imports {target} from above"
        if own < FRONT_ENDS:
            assert not target.startswith("mkdocs"), (
                f"core module {module_name(path)} imports MkDocs"
            )


def test_layer_table_knows_every_package():
    packages = {module_name(p) for p in PACKAGE.rglob("__init__.py")}
    assert all(layer_of(p) is not None for p in packages)
    assert {p for p in packages if p.count(".") == 1} <= set(LAYERS)


# Counts, in a child process, every file the build opens: Python's audit hook
# sees each open() with its path and the code that called it.
COUNT_OPENS = """
import json, sys, traceback
from pathlib import Path
target = Path(sys.argv[1]).resolve()
reads = []
def hook(event, args):
    if event == "open" and args[0] and Path(str(args[0])).resolve() == target:
        callers = [f.filename for f in traceback.extract_stack()]
        reads.append("kit" if any("/review_kit/" in c for c in callers) else "mkdocs")
sys.addaudithook(hook)
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config(sys.argv[2], site_dir=sys.argv[3], strict=True))
print(json.dumps(reads))
"""


@pytest.mark.build
def test_a_build_reads_the_focus_map_once(tmp_path):
    env = {**os.environ, "REVIEW_PRS": "19", "REVIEW_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            COUNT_OPENS,
            str(REPO / "docs/focus-map.yml"),
            str(REPO / "mkdocs.yml"),
            str(tmp_path / "site"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    reads = json.loads(result.stdout.strip().splitlines()[-1])
    # One read by the kit (the catalog, shared by macros and hooks); MkDocs
    # itself opens the file once more to copy it into the site as a download.
    assert reads.count("kit") == 1, reads
    assert reads.count("mkdocs") <= 1, reads
