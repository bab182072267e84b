"""Path patterns and logins read from the repository's documents, checked before use.

Contract paths are gitignore-style globs written by the repository, read at
a base commit the PR's author may have shaped; each is checked here so a bad
one rejects its document with one line instead of failing the matcher later.
A glob with many wildcards in one name backtracks polynomially on a long file
name (``*a*a*a*a*a*a*a*b`` against 300 characters took over a minute), so a
name may hold at most two.
"""

from __future__ import annotations

import re

import pathspec

MAX_PATTERN = 512
MAX_WILDCARDS_PER_NAME = 2
_STARS = re.compile(r"\*+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A GitHub login (``@alice``) or team (``@org/team``), the ``@`` optional.
_LOGIN = re.compile(r"@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9_.-]{0,99})?")


def pattern_problem(pattern: str) -> str | None:
    """Why a repository-relative glob cannot be used, or None."""
    if len(pattern) > MAX_PATTERN:
        return f"path pattern of {len(pattern)} characters, over {MAX_PATTERN}"
    if _CONTROL.search(pattern):
        return f"path pattern {pattern!r} holds a control character"
    for name in pattern.split("/"):
        if name == "**":
            continue
        runs = _STARS.findall(name)
        if len(runs) > MAX_WILDCARDS_PER_NAME or any(len(run) > 2 for run in runs):
            return f"path pattern {pattern!r}: more than {MAX_WILDCARDS_PER_NAME} wildcards in one name"
    anchored = pattern if pattern.startswith("/") else "/" + pattern
    try:
        compiled = pathspec.GitIgnoreSpec.from_lines([anchored]).patterns
        regexes = [p.regex for p in compiled if p.regex is not None]
    except (ValueError, re.error):
        return f"{pattern!r} is not a valid path pattern"
    if not regexes:
        return f"{pattern!r} is not a valid path pattern"
    if any(regex.match("") or regex.pattern in ("", ".", "^") for regex in regexes):
        return f"path pattern {pattern!r} matches every path"
    return None


def login_problem(handle: str) -> str | None:
    """Why a handle is not a GitHub login or team, or None."""
    if _LOGIN.fullmatch(handle.strip()):
        return None
    return f"{handle[:60]!r} is not a GitHub login"
