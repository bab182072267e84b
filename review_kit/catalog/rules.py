"""Content rules and item triggers as the focus map declares them (``rules:``, ``trigger:``).

A content rule names the paths it reads, what it looks for in a PR's *added*
lines (a regular expression, a structural match on Python, or a check of a
parsed YAML stage config) and the guide section that explains the hazard.
The engines that apply them live in ``analysis.engines``; this module is only
the validated shape, so a typo in a rule fails the build with file and line.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from ..pr.model import FileStatus
from .framework import SectionId, Slug, Strict, Text


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

# What an ``except`` handler may be matched for (the Python engine's tests).
HandlerKind = Literal["swallowed", "broad"]


def _switch(value: object) -> object:
    # PyYAML reads ``off`` and ``on`` as booleans (YAML 1.1); editors reading
    # the schema (YAML 1.2) see the strings. Both mean the same here.
    if isinstance(value, bool):
        return "on" if value else "off"
    return value


# Whether a rule runs unless the reviewer asks for every rule (``--all-rules``).
Switch = Annotated[Literal["on", "off"], BeforeValidator(_switch)]


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
    handler: HandlerKind | None = None
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
    # A check of the parsed YAML file, by the name of the engine that makes it
    # (``analysis.engines``; the catalog refuses a name no engine has).
    yaml: Slug | None = None
    # ruff codes that find this hazard: ruff runs once per PR on the changed
    # files' full new text (``analysis.engines.ruff``), and its hits on added
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

    @property
    def engine_key(self) -> str:
        """The key of the rule that says what it looks for."""
        if self.added is not None:
            return "added"
        if self.ruff:
            return "ruff"
        return "python" if self.python else "yaml"

    @property
    def engine(self) -> str:
        """The name of the engine that applies the rule: the key holding its pattern, or
        the YAML check it names (the catalog checks it against ``analysis.engines``)."""
        return self.yaml or "" if self.engine_key == "yaml" else self.engine_key


class Trigger(Strict):
    """When a checklist item or key question applies. Every condition given must hold.

    ``paths``, ``status`` and ``min_lines`` select the PR's files (within the
    item's area); ``rules`` needs a finding of one of those rules in them;
    ``areas`` (for key questions) needs the PR to touch one of those areas. A
    trigger with no condition applies whenever its area is touched.

    ``any_of`` lists alternatives instead, any of which fires: an item about a
    hazard fires on the rule's finding *or* on the files of its own domain,
    since a PR that removes the hazard (pickle replaced by msgpack) produces
    no finding and still needs the item most.
    """

    paths: list[Text] = Field(default_factory=list)
    status: list[FileStatus] = Field(default_factory=list)
    # Lines changed (added + removed) in the selected files, together.
    min_lines: int | None = Field(default=None, ge=1)
    rules: list[Slug] = Field(default_factory=list)
    areas: list[Slug] = Field(default_factory=list)
    any_of: list[Trigger] = Field(default_factory=list)

    @model_validator(mode="after")
    def _alternatives_alone(self) -> Trigger:
        # Mixed with conditions of its own, a reader could not tell whether
        # those apply to every alternative or are one more; so never mixed.
        if self.any_of and (
            self.paths or self.status or self.min_lines or self.rules or self.areas
        ):
            raise ValueError("'any_of' stands alone: put every condition in its alternatives")
        if any(alternative.any_of for alternative in self.any_of):
            raise ValueError("'any_of' alternatives do not nest")
        return self

    def alternatives(self) -> list[Trigger]:
        """The triggers any of which fires: the ``any_of`` list, or this trigger alone."""
        return list(self.any_of) or [self]
