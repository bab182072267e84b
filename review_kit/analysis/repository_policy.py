"""vllm-omni's own pull-request policy, as checks on the PR's title, description and files.

Each check cites the rule it applies: the repository file at the commit it was
read. The description is text the PR's author controls: it is only searched
here, never rendered. A source with no description (a git range, a file list)
gets "not applicable", never a guess.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..catalog.loading import Catalog
from ..catalog.paths import path_set
from ..pr.model import ChangedFile, PullRequest
from .model import CheckResult

_BLOB = "https://github.com/vllm-project/vllm-omni/blob"
CONTRIBUTING = f"{_BLOB}/16eb34fed05d6b5751a7acb7fabe6da6e380978e/docs/contributing/README.md"
TITLE_RULE = f"{CONTRIBUTING}#pr-title-and-classification"
LARGE_CHANGE_RULE = f"{CONTRIBUTING}#notes-for-large-changes"
TEMPLATE_RULE = f"{_BLOB}/a85564e8ae6bf52d12a0768789ea29920ab4f070/.github/PULL_REQUEST_TEMPLATE.md"
REVIEW_RULES = (
    f"{_BLOB}/6c0bf5f8d220b7dca185247d64abf8e72e4411a5/"
    ".claude/skills/review-pr/references/process/general-checks.md#module-api-and-class-design"
)

# docs/contributing/README.md, "PR Title and Classification"; `[Hardware][Vendor]`
# names a vendor, so any bracket after [Hardware] is accepted.
TITLE_PREFIXES = (
    "Bugfix",
    "CI/Build",
    "Doc",
    "Model",
    "Frontend",
    "Kernel",
    "Core",
    "Hardware",
    "Misc",
)
TEMPLATE_SECTIONS = ("Purpose", "Test Plan", "Test Result")
# "major architectural changes (>500 LOC excluding kernel/data/config/test)".
LARGE_CHANGE_LINES = 500
PRODUCTION_CODE = [
    "/vllm_omni/**/*.py",
    "!/vllm_omni/**/kernels/**",
    "!/vllm_omni/**/stage_configs/**",
]
# Test modules, not fixtures or assets: only a test can fail on the base and pass on the head.
TESTS = ["/tests/**/test_*.py", "/tests/**/*_test.py"]
NEW_MODEL_MARKERS = [
    "/vllm_omni/model_executor/models/*/__init__.py",
    "/vllm_omni/diffusion/models/*/__init__.py",
]
SUPPORTED_MODELS = ["/docs/models/supported_models.md"]
RECIPES = ["/recipes/**"]
# GitHub caps a description at 65536 characters; never search more than that.
MAX_BODY = 65536

_PREFIX = re.compile(r"\s*\[([^\]\n]{1,40})\]")
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# A heading is found line by line (``_headings``): as one regular expression with
# ``.*?`` between whitespace runs, a body of 65k "#" took 35 s.
_RULE_LINES = ("---", "***", "___")
_LINE_END = re.compile(r"\r\n?|\n")  # Markdown's line endings
_ISSUE_LINK = re.compile(
    r"(https?://github\.com/[\w.-]+/[\w.-]+/(issues|discussions)/\d+|(?<![\w/])#\d+\b|\bRFC\b)",
    re.IGNORECASE,
)
_BUGFIX_TITLE = re.compile(r"\[bug ?fix\]|^\s*(\[[^\]]*\]\s*)*(fix|fixes|fixed)\b", re.IGNORECASE)
_PERF_TITLE = re.compile(
    r"\[perf\]|\b(perf|performance|speed ?up|optimi[sz]e[sd]?|faster|latency|throughput)\b",
    re.IGNORECASE,
)
# A number is tried only from the start of its run of digits, dots and commas,
# and never given back: tried from every digit, 16k digits took 46 s.
_MEASUREMENT = re.compile(
    r"(?<![\d.,])[.,]*+\d[\d.,]*+\s*+"
    r"(ms|s|sec|seconds|tok/s|tokens/s|it/s|req/s|qps|fps|%|x|gb|gib|mb|mib)\b",
    re.IGNORECASE,
)
_BASE_WORDS = re.compile(r"\b(base|baseline|before|main)\b", re.IGNORECASE)
_HEAD_WORDS = re.compile(r"\b(head|after|this pr|with (this|the) (pr|change))\b", re.IGNORECASE)


def matching_files(
    files: list[ChangedFile], patterns: list[str], statuses: tuple[str, ...] = ()
) -> list[str]:
    # checks.py imports this module for its registry, so its helpers are not imported back.
    matcher = path_set(tuple(patterns))
    return [
        f.filename
        for f in files
        if (not statuses or f.status in statuses) and matcher.matches(f.filename)
    ]


def sample(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _result(check_id, title, guide, status, reason, files=(), rule=""):
    return CheckResult(check_id, title, guide, status, reason, list(files), rule)


def _body(pr: PullRequest) -> str | None:
    return None if pr.body is None else _HTML_COMMENT.sub("", pr.body[:MAX_BODY])


def title_prefixes(title: str) -> list[str]:
    """The bracketed prefixes a title opens with, in order."""
    found, position = [], 0
    while match := _PREFIX.match(title, position):
        found.append(match[1].strip())
        position = match.end()
    return found


def _heading_text(line: str) -> str | None:
    """The text of an ATX heading line, else None.

    As GitHub renders them: up to three spaces, one to six ``#``, then a space
    or the end of the line (``#hashtag`` is text).
    """
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3 or not stripped.startswith("#"):
        return None
    rest = stripped.lstrip("#")
    if len(stripped) - len(rest) > 6 or rest[:1] not in ("", " ", "\t"):
        return None
    return rest.strip().rstrip("#").strip()


def template_sections(body: str) -> dict[str, str]:
    """Each heading of the description -> the text under it (HTML comments removed).

    One pass over the lines: each line is looked at once, whatever it holds.
    """
    sections: dict[str, str] = {}
    title: str | None = None
    under: list[str] = []
    ruled = False

    def close() -> None:
        if title is not None:
            sections.setdefault(title, "\n".join(under).strip())

    for line in _LINE_END.split(body):
        heading = _heading_text(line)
        if heading is not None:
            close()
            title, under, ruled = heading.lower(), [], False
        elif title is not None and not ruled:
            # The template's own checklist sits after a rule; it is not the section's content.
            if line.strip() in _RULE_LINES:
                ruled = True
            else:
                under.append(line)
    close()
    return sections


def _cites(rule: str):
    """Every verdict of the check, not-applicable ones too, links the rule it applies."""

    def wrap(kind):
        def check(pr: PullRequest, catalog: Catalog) -> list[CheckResult]:
            return [r if r.rule else replace(r, rule=rule) for r in kind(pr, catalog)]

        check.__name__ = kind.__name__
        check.__doc__ = kind.__doc__
        check.rule = rule  # read by the documentation's table of checks
        return check

    return wrap


@_cites(TITLE_RULE)
def title_prefix(pr: PullRequest, catalog: Catalog) -> list[CheckResult]:
    """The title opens with a prefix from the contributing guide's list ([Bugfix], [CI/Build], [Doc], [Model], [Frontend], [Kernel], [Core], [Hardware][Vendor], [Misc])."""
    check = ("policy-title-prefix", "Title starts with a documented type prefix", "")
    if not pr.title.strip():
        return [_result(*check, "not-applicable", "Does not apply: the source gives no title.")]
    prefixes = [p for p in title_prefixes(pr.title) if p.lower() != "wip"]
    known = {p.lower() for p in TITLE_PREFIXES}
    if prefixes and prefixes[0].lower() in known:
        return [_result(*check, "pass", f"Prefix [{prefixes[0]}].", rule=TITLE_RULE)]
    shown = f"[{prefixes[0]}] is not one of" if prefixes else "No prefix from"
    listed = ", ".join(f"[{p}]" for p in TITLE_PREFIXES)
    return [
        _result(*check, "attention", f"{shown} the documented list: {listed}.", rule=TITLE_RULE)
    ]


@_cites(TEMPLATE_RULE)
def template_filled(pr: PullRequest, catalog: Catalog) -> list[CheckResult]:
    """The description's Purpose, Test Plan and Test Result sections of the PR template have content."""
    check = ("policy-template-sections", "Description fills Purpose, Test Plan and Test Result", "")
    body = _body(pr)
    if body is None:
        return [
            _result(*check, "not-applicable", "Does not apply: the source gives no description.")
        ]
    sections = template_sections(body)
    empty = [s for s in TEMPLATE_SECTIONS if not sections.get(s.lower())]
    if not empty:
        return [
            _result(*check, "pass", "All three template sections have content.", rule=TEMPLATE_RULE)
        ]
    return [
        _result(*check, "attention", f"Missing or empty: {', '.join(empty)}.", rule=TEMPLATE_RULE)
    ]


@_cites(LARGE_CHANGE_RULE)
def large_change_linked(pr: PullRequest, catalog: Catalog) -> list[CheckResult]:
    """Over 500 changed lines of production Python (kernels, stage configs and tests excluded), the description links an issue or RFC."""
    check = (
        "policy-large-change-rfc",
        f"Over {LARGE_CHANGE_LINES} production lines: RFC or issue linked",
        "",
    )
    code = set(matching_files(pr.files, PRODUCTION_CODE))
    lines = sum(f.additions + f.deletions for f in pr.files if f.filename in code)
    if lines <= LARGE_CHANGE_LINES:
        return [
            _result(
                *check,
                "not-applicable",
                f"Does not apply: {lines} production lines changed (kernels, data, configs and "
                f"tests excluded), at most {LARGE_CHANGE_LINES}.",
                rule=LARGE_CHANGE_RULE,
            )
        ]
    body = _body(pr)
    if body is None:
        return [
            _result(
                *check,
                "not-applicable",
                f"{lines} production lines changed, but the source gives no description to "
                "look for the RFC in.",
                sorted(code),
                LARGE_CHANGE_RULE,
            )
        ]
    if _ISSUE_LINK.search(body):
        return [
            _result(
                *check,
                "pass",
                f"{lines} production lines; the description links an issue or RFC.",
                sorted(code),
                LARGE_CHANGE_RULE,
            )
        ]
    return [
        _result(
            *check,
            "attention",
            f"{lines} production lines changed and the description links no issue or RFC; "
            "the contributing guide expects one (else the `rfc-required` label).",
            sorted(code),
            LARGE_CHANGE_RULE,
        )
    ]


@_cites(REVIEW_RULES)
def bugfix_regression_test(pr: PullRequest, catalog: Catalog) -> list[CheckResult]:
    """A title marked as a bug fix comes with an added or changed test module (test_*.py) under tests/."""
    check = ("policy-bugfix-regression-test", "Bug fix comes with a regression test", "5.1")
    if not _BUGFIX_TITLE.search(pr.title):
        return [
            _result(*check, "not-applicable", "Does not apply: the title does not mark a bug fix.")
        ]
    # A deleted test covers nothing, and a test only moved cannot newly fail on the base.
    written = [
        f
        for f in pr.files
        if f.status != "removed" and not (f.status == "renamed" and not f.additions)
    ]
    tests = matching_files(written, TESTS)
    if tests:
        return [_result(*check, "pass", f"Tests changed: {sample(tests)}.", tests, REVIEW_RULES)]
    return [
        _result(
            *check,
            "attention",
            "A bug fix with no added or changed test module: ask for a regression test that "
            "fails on the base and passes on the head.",
            rule=REVIEW_RULES,
        )
    ]


@_cites(REVIEW_RULES)
def perf_ab_evidence(pr: PullRequest, catalog: Catalog) -> list[CheckResult]:
    """A title claiming a performance change comes with measured before/after (base/head) numbers in the description."""
    check = ("policy-perf-ab-evidence", "Performance change shows base-versus-head numbers", "4.1")
    if not _PERF_TITLE.search(pr.title):
        return [
            _result(
                *check, "not-applicable", "Does not apply: the title claims no performance change."
            )
        ]
    body = _body(pr)
    if body is None:
        return [
            _result(
                *check,
                "not-applicable",
                "A performance change, but the source gives no description to look for numbers in.",
                rule=REVIEW_RULES,
            )
        ]
    if _MEASUREMENT.search(body) and _BASE_WORDS.search(body) and _HEAD_WORDS.search(body):
        return [
            _result(
                *check,
                "pass",
                "The description compares measured numbers before and after; check they are comparable.",
                rule=REVIEW_RULES,
            )
        ]
    return [
        _result(
            *check,
            "attention",
            "A performance change without base-versus-head measurements in the description: "
            "ask for a reproducible A/B with the exact commands.",
            rule=REVIEW_RULES,
        )
    ]


@_cites(REVIEW_RULES)
def new_model_docs(pr: PullRequest, catalog: Catalog) -> list[CheckResult]:
    """A new model package changes docs/models/supported_models.md and a recipe under recipes/."""
    check = ("policy-new-model-docs", "New model updates supported models and its recipe", "")
    new = matching_files(pr.files, NEW_MODEL_MARKERS, statuses=("added",))
    if not new:
        return [
            _result(*check, "not-applicable", "Does not apply: no new model package was added.")
        ]
    present = [f for f in pr.files if f.status != "removed"]
    missing = [
        name
        for name, patterns in (
            ("docs/models/supported_models.md", SUPPORTED_MODELS),
            ("a recipe under recipes/", RECIPES),
        )
        if not matching_files(present, patterns)
    ]
    if not missing:
        return [
            _result(
                *check, "pass", "Supported models and a recipe were updated.", new, REVIEW_RULES
            )
        ]
    return [
        _result(
            *check,
            "attention",
            f"New model package {sample(new)} without a change to {' or '.join(missing)}.",
            new,
            REVIEW_RULES,
        )
    ]


POLICY_CHECK_KINDS = (
    title_prefix,
    template_filled,
    large_change_linked,
    bugfix_regression_test,
    perf_ab_evidence,
    new_model_docs,
)
