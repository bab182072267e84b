"""The review tool starts fast: it loads MkDocs, WeasyPrint and the HTTP stack only when asked."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO

# Runs the tool in a fresh interpreter, then lists the top-level packages it loaded.
LOADED = """
import contextlib, io, json, sys
from review_kit import cli
with contextlib.redirect_stdout(io.TextIOWrapper(io.BytesIO())):
    status = cli.run(sys.argv[1:])
print(json.dumps({"status": status, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""

HEAVY = {"mkdocs", "weasyprint", "requests", "requests_cache", "markdown", "numpy"}


def loaded_by(*argv: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", LOADED, *argv],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 0, result.stderr[-2000:]
    return set(answer["modules"])


@pytest.mark.parametrize("output", ["json", "md", "text"])
def test_a_snapshot_review_loads_nothing_heavy(output):
    """A report from the bundled snapshot needs no site, PDF, Markdown or network library."""
    loaded = loaded_by("--snapshot", "--pr-number", "19", "--format", output)
    assert "review_kit" in loaded  # the probe saw the tool's own imports
    assert not loaded & HEAVY, sorted(loaded & HEAVY)


def test_site_links_bring_mkdocs_only_when_asked():
    """``--site-url`` links guide sections with MkDocs' own URL helpers: only then is it loaded."""
    loaded = loaded_by(
        "--snapshot", "--pr-number", "19", "--format", "md", "--site-url", "https://kit.example/"
    )
    assert "mkdocs" in loaded and "weasyprint" not in loaded
