#!/usr/bin/env python3
"""Analyse one vllm-omni pull request and print or export a review report.

A thin front end over ``review_kit.cli``; see docs/review-tool.md for options
and exit codes. Run with any python3: it re-runs itself in the kit's .venv
when the dependencies are not importable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

try:
    from review_kit.cli import run
except ImportError:
    venv = ROOT / ".venv"
    venv_python = venv / "bin" / "python"
    # The venv's python is a symlink to the system one; sys.prefix tells them apart.
    if venv_python.exists() and Path(sys.prefix).resolve() != venv.resolve():
        os.execv(str(venv_python), [str(venv_python), __file__, *sys.argv[1:]])
    print("review_pr.py: error: dependencies missing; run `make venv` first", file=sys.stderr)
    sys.exit(2)

if __name__ == "__main__":
    sys.exit(run())
