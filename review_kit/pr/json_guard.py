"""JSON read with its nesting bounded before the parser recurses into it.

GitHub's answers, ``--files-from`` files and cached bodies all go through
``parse_json``. It lives apart from the HTTP client so that reading a file
list or the bundled snapshot imports no HTTP library (the review tool's
start-up).
"""

from __future__ import annotations

import json
import re
from typing import Any

# GitHub's answers nest a few levels deep; json's C parser recurses per level.
MAX_JSON_DEPTH = 32
# A string left open runs to the end and nothing is given back: with a required
# closing quote, 200 KB of escaped quotes was rescanned from each one (over 60 s).
_JSON_TOKENS = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"?|[\[\]{}]', re.DOTALL)


def parse_json(content: bytes) -> Any:
    """JSON no deeper than ``MAX_JSON_DEPTH``; ``ValueError`` for anything else."""
    depth = 0
    # Strings are skipped whole by the regex, so only real brackets count; the
    # scan runs in C and stops a 200,000-deep answer before json recurses into it.
    for token in _JSON_TOKENS.finditer(content):
        if token[0] in (b"[", b"{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise ValueError(f"nested deeper than {MAX_JSON_DEPTH}")
        elif token[0] in (b"]", b"}"):
            depth -= 1
    try:
        return json.loads(content)
    except RecursionError:
        raise ValueError("nested too deeply") from None
