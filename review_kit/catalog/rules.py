"""Content rules and item triggers as the focus map declares them (``rules:``, ``trigger:``).

A content rule names the paths it reads, what it looks for in a PR's *added*
lines (a regular expression, a structural match on Python, or a check of a
parsed YAML stage config) and the guide section that explains the hazard.
The engines that apply them live in ``analysis.rules``; this module is only
the validated shape, so a typo in a rule fails the build with file and line.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache, cached_property
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from ..pr.model import FileStatus
from .framework import SectionId, Slug, Strict, Text
from .paths import PathSet, path_set


def _valid_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {value!r} ({exc})") from None
    return value


Regex = Annotated[str, AfterValidator(_valid_regex)]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
DottedName = Annotated[str, Field(pattern=r"^[A-Za-z_*][A-Za-z0-9_.*]*$")]
# A ruff rule code: ``T201``, ``S110``, ``E722``.
RuffCode = Annotated[str, Field(pattern=r"^[A-Z]{1,4}[0-9]{1,4}$")]

# How much a finding matters, as vllm-omni's review skill grades them
# (``review-routing.md``, "Calibrate findings"): P0 blocks the merge (security
# exposure, data corruption, silent wrong output at large), P1 should be fixed
# before merging (a reachable failure, wrong output, a compatibility break),
# P2 is worth a look (a real defect that does not block).
Severity = Literal["P0", "P1", "P2"]
SEVERITIES: tuple[Severity, ...] = ("P0", "P1", "P2")


def _switch(value: object) -> object:
    # PyYAML reads ``off`` and ``on`` as booleans (YAML 1.1); editors reading
    # the schema (YAML 1.2) see the strings. Both mean the same here.
    if isinstance(value, bool):
        return "on" if value else "off"
    return value


# Whether a rule runs unless the reviewer asks for every rule (``--all-rules``).
Switch = Annotated[Literal["on", "off"], BeforeValidator(_switch)]

# YAML checks a rule may name; each is a function in ``analysis.rules``.
YamlCheck = Literal["stage-memory-budget"]


@cache
def compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


class ArgumentMatch(Strict):
    """A condition on one positional argument of a matched call."""

    index: int = Field(ge=0)
    # The argument is exactly this bare name (``torch`` in ``getattr(torch, x)``).
    name: Identifier | None = None
    # True: the argument is a literal constant; False: it is anything else.
    literal: bool | None = None
    # The argument is exactly this literal (``"cpu"`` in ``x.to("cpu")``).
    value: bool | int | float | str | None = None


class PythonMatch(Strict):
    """One structural match on Python code, read with the standard ``ast`` module.

    Exactly one of ``calls``, ``methods`` or ``handler`` says what to look at;
    the other keys narrow it down.
    """

    # Dotted names of called functions; ``*`` is a wildcard (``requests.*``).
    calls: list[DottedName] = Field(default_factory=list)
    # Methods called on any receiver (``x.item()``).
    methods: list[Identifier] = Field(default_factory=list)
    # ``swallowed``: an ``except`` whose body only passes, or a bare ``except:``
    # that does not re-raise. ``broad``: ``except Exception`` (or
    # ``BaseException``, or bare) whose body neither raises nor returns.
    handler: Literal["swallowed", "broad"] | None = None
    # Only calls with at most this many arguments (``.cpu()`` but not ``.cpu(x)``).
    max_args: int | None = Field(default=None, ge=0)
    # Keywords that must be passed with exactly this literal value.
    keywords: dict[Identifier, bool | int | float | str | None] = Field(default_factory=dict)
    # Fire only when none of these keywords is passed (nor ``**kwargs``).
    without_keywords: list[Identifier] = Field(default_factory=list)
    arguments: list[ArgumentMatch] = Field(default_factory=list)
    # Fire only when the call's value is assigned to (or passed as) a name
    # matching this expression: ``request_id = f"{time.time()}"``.
    assigned_to: Regex | None = None
    # Calls under ``if __name__ == "__main__":`` do not count.
    outside_main: bool = False
    # Only calls inside the test of a condition: ``any`` is an ``if``,
    # ``elif``, ``while``, ``assert`` or conditional expression; ``ternary``
    # only ``a if test else b`` (a value chosen, not a block guarded).
    in_condition: Literal["any", "ternary"] | None = None
    # No hit inside a function whose name matches (``__init__``, ``sleep``:
    # run once, not per step). Known only when the ``def`` is in the hunk.
    outside_functions: Regex | None = None
    # No hit when the method's receiver, as written, matches: ``grid_thw``
    # and ``*_cpu`` tensors already live on the host.
    unless_receiver: Regex | None = None
    # No hit when the method's receiver was assigned, in the same hunk, from a
    # call to one of these (without ``device=``): ``torch.from_numpy`` builds
    # on the host, so reading it back waits for no device.
    unless_built_by: list[DottedName] = Field(default_factory=list)
    # What to say about one hit, from its own code: ``{code}`` is the matched
    # call (shortened), ``{callee}`` its name, ``{receiver}`` the object a
    # method is called on, ``{caught}`` a handler's exception types.
    reason: Text | None = None

    def tokens(self) -> tuple[str, ...] | None:
        """Words one of which a file's patch must hold for this match to fire (None: no filter)."""
        if self.handler:
            return ("except",)
        # A literal the call must be given is rarer than a short method name
        # (``cpu`` in ``x.to("cpu")`` against ``to``), and it stands between quotes.
        literals = [a.value for a in self.arguments if isinstance(a.value, str)]
        literals += [v for v in self.keywords.values() if isinstance(v, str)]
        if literals and all(w.isidentifier() for w in literals):
            return tuple(literals)
        if self.methods:
            return tuple(self.methods)
        words = [p.rsplit(".", 1)[-1] for p in self.calls]
        if any("*" in w for w in words):
            return tuple(self.keywords) or None
        return tuple(words)

    @model_validator(mode="after")
    def _one_subject(self) -> PythonMatch:
        subjects = [bool(self.calls), bool(self.methods), self.handler is not None]
        if sum(subjects) != 1:
            raise ValueError("name exactly one of 'calls', 'methods' or 'handler'")
        return self


class ContentRule(Strict):
    """A hazard found in the added lines of a diff, explained by a guide section."""

    id: Slug
    title: Text
    # What the reviewer should ask or check when the rule fires.
    message: Text
    guide: SectionId
    severity: Severity
    paths: list[Text] = Field(min_length=1)
    exclude: list[Text] = Field(default_factory=list)
    # A regular expression searched in each added line (in Python files, in its
    # code only: comments and string literals are blanked first).
    added: Regex | None = None
    # Structural matches on Python, any of which fires.
    python: list[PythonMatch] = Field(default_factory=list)
    # A check of the parsed YAML file.
    yaml: YamlCheck | None = None
    # ruff codes that find this hazard: ruff runs once per PR on the changed
    # files' full new text (``analysis.linters``), and its hits on added
    # lines become this rule's findings.
    ruff: list[RuffCode] = Field(default_factory=list)
    # ``cleanup``: no finding on an ``except`` whose ``try`` only removes files
    # or closes handles (best-effort cleanup), for ``ruff`` rules on handlers.
    unless_guarding: Literal["cleanup"] | None = None
    # For ``added`` and ``ruff`` rules: what to say about one hit. ``{code}``
    # is the matched text (ruff: the flagged line), shortened; ``{message}``
    # ruff's own message, ``{guarded}`` what the ``try`` of a flagged handler
    # runs first. Without it a ruff hit reads as ruff's message.
    reason: Text | None = None
    # No finding when the whole statement around the hit matches this
    # expression (its code only): the safe variant on the same line.
    unless: Regex | None = None
    # ``off``: the rule runs only when every rule is asked for (``--all-rules``,
    # ``extra.review_kit.all_rules``): on the labelled corpus fewer than 0.6 of
    # its findings were worth a comment (``tests/test_precision.py`` holds it to that).
    default: Switch = "on"

    @property
    def on_by_default(self) -> bool:
        return self.default == "on"

    @model_validator(mode="after")
    def _one_engine(self) -> ContentRule:
        engines = [
            self.added is not None,
            bool(self.python),
            self.yaml is not None,
            bool(self.ruff),
        ]
        if sum(engines) != 1:
            raise ValueError("name exactly one of 'added', 'python', 'yaml' or 'ruff'")
        if self.unless is not None and (self.yaml is not None or self.ruff):
            raise ValueError("'unless' applies to 'added' and 'python' rules only")
        return self


class Trigger(Strict):
    """When a checklist item or key question applies. Every condition given must hold.

    ``paths``, ``status`` and ``min_lines`` select the PR's files (within the
    item's area); ``rules`` needs a finding of one of those rules in them;
    ``areas`` (for key questions) needs the PR to touch one of those areas. A
    trigger with no condition applies whenever its area is touched.
    """

    paths: list[Text] = Field(default_factory=list)
    status: list[FileStatus] = Field(default_factory=list)
    # Lines changed (added + removed) in the selected files, together.
    min_lines: int | None = Field(default=None, ge=1)
    rules: list[Slug] = Field(default_factory=list)
    areas: list[Slug] = Field(default_factory=list)


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
        self._prefilters = [_prefilter(r) for r in self.rules]
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
        if not patch.isascii():
            return [r for r in self.rules if not r.ruff], None
        # ruff rules read the PR's full texts at once (``analysis.linters``), not hunks.
        chosen = [
            (rule, test)
            for rule, test in zip(self.rules, self._prefilters, strict=True)
            if not rule.ruff and (test is None or test.search(patch))
        ]
        rules = [rule for rule, _ in chosen]
        tests = [test for _, test in chosen]
        if not tests or any(test is None for test in tests):
            return rules, None
        words = tuple(sorted({w for t in tests if t is not None for w in t.words}))
        patterns = tuple(sorted({t.pattern for t in tests if t is not None and t.pattern}))
        return rules, _prefilter_of(words, patterns)

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


# An anchor or a look-behind reads what surrounds a match, which differs
# between one added line and a raw patch or hunk: such expressions never
# filter, they are always read.
_CONTEXT_SENSITIVE = re.compile(r"\^|\$|\\[AZz]|\(\?<[=!]")


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
def _prefilter_of(words: tuple[str, ...], patterns: tuple[str, ...]) -> Prefilter:
    return Prefilter(words, patterns)


def _prefilter(rule: ContentRule) -> Prefilter | None:
    """What a patch must hold for the rule to have a chance; None: always read."""
    if rule.added is not None:
        if _CONTEXT_SENSITIVE.search(rule.added):
            return None
        return _prefilter_of((), (rule.added,))
    if rule.yaml is not None or rule.ruff:
        return None
    words: list[str] = []
    for match in rule.python:
        tokens = match.tokens()
        if tokens is None:
            return None
        words += tokens
    # Whole words: in ASCII source (see ``firing``) a name the parser would
    # read stands between non-word characters, so ``items`` need not be read
    # for ``.item()``.
    return _prefilter_of(tuple(sorted(set(words))), ())


EMPTY_RULES = RuleSet(())
