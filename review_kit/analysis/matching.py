"""The focus map's content rules, compiled for matching: which rules read a path, and a patch.

The catalog holds the rules as validated data; this is their runtime form,
built once per focus map (``rules_of``): each rule's path matchers and the
test its engine says a patch must pass (``EngineSpec.prefilter``).
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from weakref import WeakKeyDictionary

from ..catalog.focus_map import FocusMap
from ..catalog.paths import PathSet, path_set
from ..catalog.rules import ContentRule
from .engines import ENGINES
from .prefilter import Prefilter, prefilter_of


class RuleSet:
    """Content rules with their compiled path matchers, asked per path.

    Hashed by identity: the rules' findings per file are cached under it, and
    ``for_path`` hands out one ``RuleSet`` per distinct selection, so equal
    selections hit the same cache entries.
    """

    def __init__(self, rules: list[ContentRule] | tuple[ContentRule, ...]) -> None:
        self.rules = tuple(rules)
        self._matchers = [
            (path_set(tuple(r.paths)), path_set(tuple(r.exclude)) if r.exclude else None)
            for r in self.rules
        ]
        self._prefilters = [ENGINES[r.engine].prefilter(r) for r in self.rules]
        self._subsets: dict[tuple[str, ...], RuleSet] = {}
        self._by_path: dict[str, RuleSet] = {}

    def __bool__(self) -> bool:
        return bool(self.rules)

    @cached_property
    def signature(self) -> str:
        """A digest of the rules as written: equal for equal rules, new when one changes."""
        text = json.dumps([r.model_dump(mode="json") for r in self.rules], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def firing(self, patch: str) -> tuple[list[ContentRule], Prefilter | None]:
        """The rules that may fire on this raw patch, and the test a hunk must pass to be read.

        The raw patch holds every added line (and removed and context ones),
        so a rule whose words or expression it lacks cannot fire: a cheap
        test that spares parsing most files. The same words then pick the
        hunks worth parsing; ``None`` means every hunk must be read.

        Python folds identifiers to NFKC, so ``ｐｒｉｎｔ`` *is* ``print`` to
        the parser but not to a regular expression: a patch with any
        non-ASCII text is read whole, never filtered.
        """
        # Rules of an engine that reads whole PRs (ruff) are not the hunks' to apply.
        per_file = [ENGINES[r.engine].reads == "diff" for r in self.rules]
        if not patch.isascii():
            return [r for r, mine in zip(self.rules, per_file, strict=True) if mine], None
        chosen = [
            (rule, test)
            for rule, test, mine in zip(self.rules, self._prefilters, per_file, strict=True)
            if mine and (test is None or test.search(patch))
        ]
        rules = [rule for rule, _ in chosen]
        tests = [test for _, test in chosen]
        if not tests or any(test is None for test in tests):
            return rules, None
        words = tuple(sorted({w for t in tests if t is not None for w in t.words}))
        patterns = tuple(sorted({t.pattern for t in tests if t is not None and t.pattern}))
        return rules, prefilter_of(words, patterns)

    def for_path(self, path: str) -> RuleSet:
        known = self._by_path.get(path)
        if known is not None:
            return known
        # Rules share their path lists (most exclude the same tests, examples
        # and benchmarks): each distinct list is asked once per path.
        answers: dict[int, bool] = {}

        def matches(patterns: PathSet) -> bool:
            known = answers.get(id(patterns))
            if known is None:
                known = answers[id(patterns)] = patterns.matches(path)
            return known

        chosen = tuple(
            rule
            for rule, (paths, exclude) in zip(self.rules, self._matchers, strict=True)
            if matches(paths) and not (exclude and matches(exclude))
        )
        key = tuple(r.id for r in chosen)
        subset = self._subsets.get(key)
        if subset is None:
            subset = self._subsets[key] = RuleSet(chosen) if chosen else EMPTY_RULES
        self._by_path[path] = subset
        return subset


EMPTY_RULES = RuleSet(())

# One compiled rule set per loaded focus map, dropped with the map.
_COMPILED: WeakKeyDictionary[FocusMap, RuleSet] = WeakKeyDictionary()


def rules_of(focus_map: FocusMap) -> RuleSet:
    """The map's rules compiled, once per map: its per-path subsets are what the
    file cache and the findings memo key on."""
    compiled = _COMPILED.get(focus_map)
    if compiled is None:
        compiled = _COMPILED[focus_map] = RuleSet(focus_map.running_rules)
    return compiled
