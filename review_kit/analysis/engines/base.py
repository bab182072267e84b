"""What a rule engine is: an ``EngineSpec`` the scanner, the rule set and the catalog read.

An engine applies the rules that name it to one changed file's diff. It
declares the name a rule gives it, one line for the documentation, the test
a patch must pass before it is worth parsing, and the function that reads the
file; ``FileContext`` hands it the patch parsed once, and the Python parse
made on first use and shared by every engine that asks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, Protocol

from ...catalog.rules import ContentRule
from ...pr.model import ChangedFile, PullRequest
from ..diff import FileDiff
from ..memo import FindingsMemo, ScannedRules
from ..model import Finding
from ..prefilter import Prefilter
from ..python_code import PythonView, read_python


class FileRefused(Exception):
    """An engine will not read this file (past a parser's bound): the reason, for ``FileScan.unread``."""


@dataclass(frozen=True)
class FileContext:
    """One changed file as the engines read it: its patch parsed, its Python read on demand."""

    file: ChangedFile
    diff: FileDiff
    # Hunks whose new-side text this misses hold nothing the firing rules
    # could match, so they are not parsed (None: parse every hunk).
    worth_reading: Prefilter | None = None

    @property
    def is_python(self) -> bool:
        return self.file.filename.endswith((".py", ".pyi"))

    @cached_property
    def python(self) -> PythonView:
        return read_python(self.diff, self.worth_reading)

    @property
    def python_unread(self) -> list[int]:
        """Added lines no Python parse could read; none when no engine asked for the parse."""
        view = self.__dict__.get("python")
        return sorted(view.unread) if view is not None else []

    def finding(self, rule: ContentRule, line: int, detail: str = "", reason: str = "") -> Finding:
        """A hit of ``rule`` on an added line, with the digest of the hunk that holds it."""
        hunk = self.diff.hunk_of(line)
        return Finding(
            rule=rule.id,
            title=rule.title,
            file=self.file.filename,
            line=line,
            text=self.diff.added.get(line, ""),
            guide=rule.guide,
            message=rule.message,
            detail=detail,
            hunk=hunk.digest if hunk else "",
            severity=rule.severity,
            reason=reason,
        )


class RulesByPath(Protocol):
    """The focus map's rules as the scanner compiled them (``matching.RuleSet``)."""

    def for_path(self, path: str) -> ScannedRules: ...


@dataclass
class PullRequestScan:
    """What an engine that reads whole PRs found, and the files it could not read."""

    findings: list[Finding] = field(default_factory=list)
    # file -> why it had no pass although a rule of the engine applies to it
    unlinted: dict[str, str] = field(default_factory=dict)


class Fields(dict):
    """A reason template's fields; one the hit does not have reads as empty, never as an error."""

    def __missing__(self, key: str) -> str:
        return ""


def _always_read(rule: ContentRule) -> Prefilter | None:
    return None


@dataclass(frozen=True)
class EngineSpec:
    """One rule engine, registered by the name a focus-map rule gives it.

    ``name`` is the key that holds a rule's pattern (``added``, ``python``)
    or, for a check of a parsed YAML file, the value of ``yaml:``.
    ``prefilter`` says what a patch must hold for one rule to fire (None:
    the engine reads every file its rules claim).
    """

    name: str
    title: str
    # "diff": ``run`` reads one changed file's hunks at a time. "pr": the
    # engine reads the PR's changed files whole, once per PR (a linter), with
    # ``run_pr``; the hunks never reach it.
    run: Callable[[ContentRule, FileContext], list[Finding]] | None = None
    prefilter: Callable[[ContentRule], Prefilter | None] = field(default=_always_read)
    reads: Literal["diff", "pr"] = "diff"
    run_pr: Callable[[PullRequest, RulesByPath, FindingsMemo | None], PullRequestScan] | None = None
