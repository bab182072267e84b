"""What a patch must hold for a content rule to have a chance: the cheap test before parsing.

Each engine says what text its rules need (``EngineSpec.prefilter``); the
rule set joins those tests, so a file whose patch holds none of the words is
never parsed, and within a file only hunks that hold one are.
"""

from __future__ import annotations

import re
from functools import cache


@cache
def compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


# An anchor or a look-behind reads what surrounds a match, which differs
# between one added line and a raw patch or hunk: such expressions never
# filter, they are always read.
CONTEXT_SENSITIVE = re.compile(r"\^|\$|\\[AZz]|\(\?<[=!]")


_WORD_CHAR = re.compile(r"\w", re.ASCII)


class Prefilter:
    """What a text must hold for some rule to have a chance: whole words, or expressions.

    Words are found by a plain alternation of literals, which the regular
    expression engine scans fast, and each hit's edges are then checked in
    Python: a leading ``\\b`` would make the engine try every position.
    Longer words come first, so ``loads`` is not lost to ``load``.
    """

    def __init__(self, words: tuple[str, ...], patterns: tuple[str, ...] = ()) -> None:
        self.words = words
        self.pattern = "|".join(f"(?:{p})" for p in patterns)
        ordered = sorted(words, key=lambda w: (-len(w), w))
        self._words = re.compile("|".join(map(re.escape, ordered))) if words else None
        self._patterns = re.compile(self.pattern) if patterns else None

    def search(self, text: str) -> bool:
        if self._patterns is not None and self._patterns.search(text):
            return True
        if self._words is None:
            return False
        for hit in self._words.finditer(text):
            start, end = hit.span()
            if (start == 0 or not _WORD_CHAR.match(text, start - 1)) and (
                end == len(text) or not _WORD_CHAR.match(text, end)
            ):
                return True
        return False


@cache
def prefilter_of(words: tuple[str, ...], patterns: tuple[str, ...]) -> Prefilter:
    return Prefilter(words, patterns)
