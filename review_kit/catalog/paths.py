"""Gitignore-style path patterns, compiled once and asked many times.

One matcher serves every place the kit matches paths: focus areas and the
ignore list (``FocusMap``), and the automated checks' ``when`` / ``expect``
lists (``PathSet``). pathspec does the hard part (``**``, anchoring, escapes,
``!`` negation); we fold its regexes into one pattern per list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from itertools import compress

import pathspec


def compile_matcher(
    groups: list[tuple[str, list[str]]],
) -> tuple[re.Pattern, tuple[tuple[str, bool], ...]]:
    """One regex that reports, in a single match, every pattern a path matches.

    Asking each area's ``GitIgnoreSpec`` in turn costs about 11 us a path;
    folding all patterns into optional lookaheads, one capture group each,
    costs about 3 us. Which pattern wins is then decided by
    ``last_match_decisions`` with gitignore's rule: the last match.
    """
    bodies: list[str] = []
    owners: list[tuple[str, bool]] = []
    for owner, patterns in groups:
        for pattern in pathspec.GitIgnoreSpec.from_lines(patterns).patterns:
            source = pattern.regex.pattern
            if not source.startswith("^"):
                raise ValueError(f"unexpected pathspec regex for {owner}: {source}")
            # Named groups repeat across patterns; none of them is read here.
            body = re.sub(r"\(\?P<\w+>", "(?:", source[1:])
            if re.match(body, ""):
                raise ValueError(f"pattern of {owner} matches the empty path: {pattern.pattern}")
            bodies.append(body)
            owners.append((owner, bool(pattern.include)))
    return re.compile("".join(f"(?=({body}))?" for body in bodies)), tuple(owners)


def last_match_decisions(
    matcher: re.Pattern, owners: tuple[tuple[str, bool], ...], path: str
) -> dict[str, bool]:
    """For each owner with a matching pattern, whether its last matching pattern includes."""
    match = matcher.match(path)
    if match is None:
        return {}
    # compress() filters in C; a group is falsy only when its pattern did not
    # match, since compile_matcher rejects patterns that can match "".
    # Later pairs overwrite earlier ones: the last match wins.
    return dict(compress(owners, match.groups()))


class PathSet:
    """One list of patterns (a check's ``when``, say), with gitignore's last-match rule."""

    _OWNER = "set"

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        self._matcher, self._owners = compile_matcher([(self._OWNER, list(self.patterns))])

    def matches(self, path: str) -> bool:
        return bool(last_match_decisions(self._matcher, self._owners, path).get(self._OWNER))


@cache
def path_set(patterns: tuple[str, ...]) -> PathSet:
    """A compiled ``PathSet``, shared by every caller with the same patterns."""
    return PathSet(patterns)
