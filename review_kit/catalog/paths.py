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

from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

from ..pr.model import ChangedFile


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
    shown: list[str] = []
    for owner, patterns in groups:
        for line in patterns:
            # The regex as text: pathspec would compile each one, and only the
            # folded expression below is ever matched.
            source, include = GitIgnoreSpecPattern.pattern_to_regex(line)
            if source is None:
                continue  # a blank line or a comment: it matches nothing
            if not source.startswith("^"):
                raise ValueError(f"unexpected pathspec regex for {owner}: {source}")
            # Named groups repeat across patterns; none of them is read here.
            bodies.append(re.sub(r"\(\?P<\w+>", "(?:", source[1:]))
            owners.append((owner, bool(include)))
            shown.append(f"pattern of {owner} matches the empty path: {line}")
    matcher = re.compile("".join(f"(?=({body}))?" for body in bodies))
    empty = matcher.match("")
    for matched, problem in zip(empty.groups() if empty else (), shown, strict=False):
        if matched is not None:
            raise ValueError(problem)
    return matcher, tuple(owners)


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


# Characters that make a path component a glob rather than a literal name.
_GLOB = re.compile(r"[*?\[\]!\\]")
_PREFIX_DEPTH = 2


def literal_prefix(pattern: str) -> tuple[str, ...]:
    """The leading folders a pattern names literally, if it is anchored (``/a/b/*.py`` -> a, b).

    An unanchored pattern can match at any depth, so it has no prefix.
    """
    body = pattern[1:] if pattern.startswith("!") else pattern
    if not body.startswith("/"):
        return ()
    parts = body.strip("/").split("/")[:-1]  # the last part names the file or ends in **
    prefix = []
    for part in parts[:_PREFIX_DEPTH]:
        if not part or _GLOB.search(part):
            break
        prefix.append(part)
    return tuple(prefix)


class PrefixMatcher:
    """``compile_matcher`` split by a path's first two folders, with the same answers.

    A path can only match patterns whose literal prefix it starts with, so
    each distinct start gets one combined regex of just those patterns, in
    the map's order (last match still wins). With the 2026 map's hundred-odd
    patterns this keeps classification at a few microseconds a path.
    """

    def __init__(self, groups: list[tuple[str, list[str]]]) -> None:
        self._entries = [
            (literal_prefix(pattern), owner, pattern)
            for owner, patterns in groups
            for pattern in patterns
        ]
        # Every start of a prefix some pattern names: ("vllm_omni",), ("vllm_omni", "engine"), ...
        self._starts = {
            prefix[:depth] for prefix, _, _ in self._entries for depth in range(1, len(prefix) + 1)
        }
        self._compiled: dict[tuple[str, ...], tuple[re.Pattern, tuple]] = {}

    def _for(self, key: tuple[str, ...]):
        compiled = self._compiled.get(key)
        if compiled is None:
            chosen: list[tuple[str, list[str]]] = []
            for prefix, owner, pattern in self._entries:
                if key[: len(prefix)] == prefix:
                    chosen.append((owner, [pattern]))
            compiled = compile_matcher(chosen) if chosen else (re.compile("(?!)"), ())
            self._compiled[key] = compiled
        return compiled

    def decisions(self, path: str) -> dict[str, bool]:
        folders = tuple(path.split("/", _PREFIX_DEPTH)[:-1])
        # The longest start some pattern names; deeper folders add nothing.
        while folders and folders not in self._starts:
            folders = folders[:-1]
        matcher, owners = self._for(folders)
        return last_match_decisions(matcher, owners, path)


def files_matching(
    files: Iterable[ChangedFile], patterns: Iterable[str], statuses: Iterable[str] = ()
) -> list[str]:
    """Names of the changed files that match ``patterns`` under their name or, for a
    rename or copy, their previous one (and, with ``statuses``, have one of them).

    Every check and trigger that selects a PR's files asks this, so a rename
    counts the same way everywhere.
    """
    matcher = path_set(tuple(patterns))
    wanted = set(statuses)
    return [
        f.filename
        for f in files
        if (not wanted or f.status in wanted)
        and (
            matcher.matches(f.filename)
            or (f.previous_filename is not None and matcher.matches(f.previous_filename))
        )
    ]
