"""Checks that apply vllm-omni's own written review rules, read at the PR's base commit.

``SKILL_CHECKS`` lists the checks of this module as data (id, title, guide
section, the skill rule applied, what the check reads, the function that
judges); ``SKILL_CITATIONS`` names checks elsewhere that apply a skill rule.
Every verdict links the rule's file at the commit it was read (the PR's base
commit, a checkout, or the bundled snapshot's), and a rule no longer written
there makes its check not applicable: the PR is held to the rules of its base.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..catalog.paths import path_set
from ..catalog.rules import Prefilter
from ..pr.model import ChangedFile, PullRequest
from ..repo.model import RepositoryData
from ..repo.skill import SkillRule, skill_rule
from .diff import parse_patch
from .model import CheckResult, CheckStatus
from .python_code import read_python
from .repository_policy import TITLE_PREFIXES, title_prefixes


@dataclass(frozen=True)
class Verdict:
    status: CheckStatus
    reason: str
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class SkillCheck:
    """One check of a skill rule: what it is called, what it reads, and the function that judges."""

    id: str
    title: str
    guide: str  # expert-guide section, "" when none explains it
    rule: str  # key of the rule in ``repo.skill.SKILL_RULES``
    reads: str  # what of the PR it reads, for the documentation's table of checks
    run: Callable[[PullRequest], Verdict]


@dataclass(frozen=True)
class SkillCitation:
    """A check defined elsewhere that applies a skill rule.

    ``binding``: the check exists only because of the rule, so a base commit
    without the rule makes it not applicable; otherwise only its link follows
    the base commit.
    """

    check: str
    rule: str
    binding: bool = True


# ---- pre-commit ratchets ----------------------------------------------------

PRE_COMMIT_CHECKERS = ["/tools/pre_commit/**/*.py", "!/tools/pre_commit/tests/**"]
PRE_COMMIT_BASELINES = ["/tools/pre_commit/**/*baseline*"]
_BUDGET = re.compile(r"^\s*(MAX_[A-Z0-9_]+)\s*(?::\s*int\s*)?=\s*(\d+)\s*(?:#.*)?$")
# A line that is one quoted path and a comma: an entry of an allowlist set or list.
_LISTED_PATH = re.compile(r"""^\s*(["'])[^"'\s]*[/.][^"'\s]*\1\s*,?\s*(?:#.*)?$""")
MAX_PATCH_LINES = 20000
# Allowlist entries and budgets are short lines; longer ones are never matched,
# so a pathological line costs no regex backtracking.
MAX_ENTRY_CHARS = 300


def _changed_lines(patch: str | None) -> tuple[list[str], list[str]]:
    """The patch's added and removed lines, without their markers (bounded)."""
    added, removed = [], []
    # Only "\n" ends a patch line, as for git: a CR or U+2028 inside an added
    # line must not make a line of its own that looks like a budget.
    for line in (patch or "").split("\n")[:MAX_PATCH_LINES]:
        line = line.removesuffix("\r")
        if line.startswith("+") and not line.startswith("+++"):
            added.append(line[1:])
        elif line.startswith("-") and not line.startswith("---"):
            removed.append(line[1:])
    return added, removed


def _budgets(lines: list[str]) -> dict[str, int]:
    return {
        m[1]: int(m[2])
        for line in lines
        if len(line) <= MAX_ENTRY_CHARS and (m := _BUDGET.match(line))
    }


def _listed_paths(lines: list[str]) -> int:
    return sum(len(line) <= MAX_ENTRY_CHARS and bool(_LISTED_PATH.match(line)) for line in lines)


def _baseline_entries(name: str, lines: list[str]) -> int:
    """Lines that are entries: not blank, not comments, and in JSON, holding a string."""
    entries = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if name.endswith(".json"):
        entries = [line for line in entries if '"' in line]
    return len(entries)


def ratchet_growth(f: ChangedFile) -> list[str]:
    """How one changed file loosens a pre-commit ratchet, in short phrases (none: it does not)."""
    added, removed = _changed_lines(f.patch)
    if path_set(tuple(PRE_COMMIT_BASELINES)).matches(f.filename):
        grown = _baseline_entries(f.filename, added) - _baseline_entries(f.filename, removed)
        if grown <= 0:
            return []
        return [f"{f.filename} gains {grown} baseline entr{'y' if grown == 1 else 'ies'}"]
    if not path_set(tuple(PRE_COMMIT_CHECKERS)).matches(f.filename):
        return []
    found = []
    before, after = _budgets(removed), _budgets(added)
    for name, value in after.items():
        if name in before and value > before[name]:
            found.append(f"{f.filename} raises {name} from {before[name]} to {value}")
    listed = _listed_paths(added) - _listed_paths(removed)
    if listed > 0:
        found.append(f"{f.filename} lists {listed} more allowed path(s)")
    return found


def precommit_ratchets(pr: PullRequest) -> Verdict:
    """A PR raises a checker's budget, grows an allowlist, or adds to a debt baseline."""
    touched = [
        f
        for f in pr.files
        if path_set(tuple(PRE_COMMIT_CHECKERS + PRE_COMMIT_BASELINES)).matches(f.filename)
        and f.status != "removed"
    ]
    if not touched:
        return Verdict(
            "not-applicable", "Does not apply: no pre-commit checker or baseline changed."
        )
    unread = [f.filename for f in touched if f.patch is None]
    growth = [phrase for f in touched for phrase in ratchet_growth(f)]
    files = tuple(f.filename for f in touched)
    if growth:
        return Verdict(
            "attention",
            "; ".join(growth) + ". vllm-omni's precheck treats a loosened ratchet as blocking "
            "until a maintainer accepts the reason, which the description should give.",
            files,
        )
    if unread:
        return Verdict(
            "attention",
            f"No patch to read for {', '.join(unread)}: check by hand that no allowlist, "
            "budget or baseline grew.",
            files,
        )
    return Verdict("pass", "Pre-commit checkers or baselines changed; none was loosened.", files)


# ---- typed parameters at owned API boundaries -------------------------------

OWNED_CODE = ["/vllm_omni/**/*.py", "!/vllm_omni/**/tests/**"]
# Only hunks that define something are parsed: the rest cannot add a signature.
_DEFINES = Prefilter(("def",))
# Overrides whose signature an upstream base class fixes, not this repository.
UPSTREAM_SIGNATURES = frozenset({"forward", "__call__", "__new__", "__init_subclass__"})


def _is_any(annotation: ast.expr | None) -> bool:
    if isinstance(annotation, ast.Name):
        return annotation.id == "Any"
    return isinstance(annotation, ast.Attribute) and annotation.attr == "Any"


def _decorated_override(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    names = [
        d.id if isinstance(d, ast.Name) else getattr(d, "attr", "") for d in node.decorator_list
    ]
    return "override" in names


def _forwards_to_super(node: ast.FunctionDef | ast.AsyncFunctionDef, kwargs: str) -> bool:
    """Whether the function passes its ``**kwargs`` on to ``super()``: the parent's signature rules."""
    for call in ast.walk(node):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
            continue
        parent = call.func.value
        if not (
            isinstance(parent, ast.Call)
            and isinstance(parent.func, ast.Name)
            and parent.func.id == "super"
        ):
            continue
        if any(
            k.arg is None and isinstance(k.value, ast.Name) and k.value.id == kwargs
            for k in call.keywords
        ):
            return True
    return False


def _definitions(body: list[ast.stmt]):
    """Functions defined at module or class level (and in ``if`` blocks), not nested in functions."""
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node
        elif isinstance(node, ast.ClassDef):
            yield from _definitions(node.body)
        elif isinstance(node, ast.If):
            yield from _definitions(node.body + node.orelse)


def opaque_parameters(f: ChangedFile) -> tuple[int, list[str]]:
    """How many public functions one file's patch adds, and those taking ``**kwargs`` or ``Any``."""
    view = read_python(parse_patch(f.patch), _DEFINES)
    seen, opaque = 0, []
    for fragment in view.fragments:
        for node in _definitions(fragment.tree.body):
            line = fragment.numbers[node.lineno - 1] if node.lineno <= len(fragment.numbers) else 0
            if not line or line not in view.added:
                continue  # the signature is context, not part of this change
            if node.name.startswith("_") and node.name != "__init__":
                continue
            if node.name in UPSTREAM_SIGNATURES or _decorated_override(node):
                continue
            seen += 1
            args = node.args
            kwargs = args.kwarg.arg if args.kwarg is not None else ""
            problems = ["**" + kwargs] if kwargs and not _forwards_to_super(node, kwargs) else []
            every = args.posonlyargs + args.args + args.kwonlyargs
            problems += [f"{a.arg}: Any" for a in every if _is_any(a.annotation)]
            if problems:
                opaque.append(f"{f.filename}:{line} {node.name}({', '.join(problems)})")
    return seen, opaque


def typed_api_boundaries(pr: PullRequest) -> Verdict:
    """Public functions the PR adds take explicit, typed parameters rather than ``**kwargs``/``Any``."""
    owned = path_set(tuple(OWNED_CODE))
    files = [f for f in pr.files if f.status != "removed" and f.patch and owned.matches(f.filename)]
    seen, opaque, where = 0, [], []
    for f in files:
        count, found = opaque_parameters(f)
        seen += count
        opaque += found
        if found:
            where.append(f.filename)
    if not seen:
        return Verdict(
            "not-applicable", "Does not apply: the PR adds no public function under vllm_omni/."
        )
    if not opaque:
        return Verdict("pass", f"{seen} added public function(s) take explicit parameters.")
    shown = ", ".join(opaque[:3]) + (f" and {len(opaque) - 3} more" if len(opaque) > 3 else "")
    return Verdict(
        "attention",
        f"{shown}. The rule allows **kwargs and Any only where an upstream or compatibility "
        "interface requires them, with the accepted keys and types documented and validated.",
        tuple(where),
    )


# ---- new models: the indexes the skill asks for -----------------------------

NEW_DIFFUSION_MODEL = ["/vllm_omni/diffusion/models/*/__init__.py"]
NEW_MODEL = [*NEW_DIFFUSION_MODEL, "/vllm_omni/model_executor/models/*/__init__.py"]


def _new_packages(pr: PullRequest, patterns: list[str]) -> list[str]:
    matcher = path_set(tuple(patterns))
    return [f.filename for f in pr.files if f.status == "added" and matcher.matches(f.filename)]


def _changed(pr: PullRequest, path: str) -> bool:
    return any(f.filename == path and f.status != "removed" for f in pr.files)


def diffusion_feature_table(pr: PullRequest) -> Verdict:
    """A new diffusion model package comes with its row in the diffusion feature table."""
    new = _new_packages(pr, NEW_DIFFUSION_MODEL)
    if not new:
        return Verdict("not-applicable", "Does not apply: no new diffusion model package.")
    table = "docs/user_guide/diffusion_features.md"
    if _changed(pr, table):
        return Verdict("pass", f"{table} changed with the new model.", tuple(new))
    return Verdict(
        "attention",
        f"New diffusion model {', '.join(new[:3])} without a change to {table}: its row "
        "should state the features the PR validates, and only those.",
        tuple(new),
    )


def recipe_index_entry(pr: PullRequest) -> Verdict:
    """A new model package comes with its entry in the recipes index, recipes/README.md."""
    new = _new_packages(pr, NEW_MODEL)
    if not new:
        return Verdict("not-applicable", "Does not apply: no new model package was added.")
    if _changed(pr, "recipes/README.md"):
        return Verdict("pass", "recipes/README.md changed with the new model.", tuple(new))
    return Verdict(
        "attention",
        f"New model {', '.join(new[:3])} without a change to recipes/README.md: the recipe "
        "for its family should be listed there.",
        tuple(new),
    )


# ---- the title as precheck reads it ------------------------------------------

_DRAFT = re.compile(r"\b(wip|draft)\b", re.IGNORECASE)


def title_exact_prefix(pr: PullRequest) -> Verdict:
    """The type prefix is spelled as documented (``[Bugfix]``, not ``[bugfix]``) and no WIP/Draft marker."""
    if not pr.title.strip():
        return Verdict("not-applicable", "Does not apply: the source gives no title.")
    problems = []
    known = {p.lower(): p for p in TITLE_PREFIXES}
    prefixes = title_prefixes(pr.title)
    first = next((p for p in prefixes if p.lower() in known), None)
    if first is not None and first != known[first.lower()]:
        problems.append(f"[{first}] should be written [{known[first.lower()]}]")
    draft = _DRAFT.search(pr.title[:500])
    if draft:
        problems.append(f"the title still says {draft[0]}")
    if problems:
        text = "; ".join(problems)
        return Verdict("attention", text[0].upper() + text[1:] + ".")
    return Verdict("pass", "No miscased prefix and no WIP or Draft marker.")


SKILL_CHECKS: tuple[SkillCheck, ...] = (
    SkillCheck(
        id="skill-precommit-ratchets",
        title="Pre-commit allowlists, budgets and baselines do not grow",
        guide="",
        rule="precommit-ratchets",
        reads="patches of tools/pre_commit/ checkers and baselines",
        run=precommit_ratchets,
    ),
    SkillCheck(
        id="skill-title-exact-prefix",
        title="Title prefix spelled as documented, no WIP or Draft",
        guide="",
        rule="title-exact-prefix",
        reads="PR title",
        run=title_exact_prefix,
    ),
    SkillCheck(
        id="skill-diffusion-feature-table",
        title="New diffusion model has its row in the diffusion feature table",
        guide="2.3",
        rule="diffusion-feature-table",
        reads="added diffusion model packages and docs/user_guide/diffusion_features.md",
        run=diffusion_feature_table,
    ),
    SkillCheck(
        id="skill-recipe-index-entry",
        title="New model is listed in the recipes index",
        guide="",
        rule="recipe-index-entry",
        reads="added model packages and recipes/README.md",
        run=recipe_index_entry,
    ),
    SkillCheck(
        id="skill-typed-api-boundaries",
        title="New public functions name and type their parameters",
        guide="",
        rule="typed-api-boundaries",
        reads="signatures of public functions the PR adds under vllm_omni/",
        run=typed_api_boundaries,
    ),
)

SKILL_CITATIONS: tuple[SkillCitation, ...] = (
    SkillCitation("policy-bugfix-regression-test", "bugfix-regression-test"),
    SkillCitation("policy-perf-ab-evidence", "perf-base-head-ab"),
    SkillCitation("policy-new-model-docs", "new-model-docs-recipe"),
    SkillCitation("contract-document-updated", "design-page-updated", binding=False),
)


def _not_in_force(rule: SkillRule, data: RepositoryData) -> str:
    """Why a rule does not bind this PR: its file, or the rule in it, is absent where it was read."""
    document = data.skill.document(rule.path) if data.skill else None
    commit = document.commit if document is not None else data.commit
    where = f"at {commit[:10]}" if commit else "in the kit's snapshot"
    if document is None:
        return f"Does not apply: vllm-omni has no {rule.path} {where}, so no such rule."
    return f"Does not apply: vllm-omni's {rule.path} {where} no longer holds this rule."


def run_skill_checks(pr: PullRequest, data: RepositoryData) -> list[CheckResult]:
    """Every check of ``SKILL_CHECKS``, citing its rule in the skill as ``data`` read it."""
    if data.skill is None:
        return []
    results = []
    for check in SKILL_CHECKS:
        rule = skill_rule(check.rule)
        url = data.skill.rule_url(data.repo, rule)
        if data.skill.in_force(rule):
            verdict = check.run(pr)
        else:
            verdict = Verdict("not-applicable", _not_in_force(rule, data))
        results.append(
            CheckResult(
                check.id,
                check.title,
                check.guide,
                verdict.status,
                verdict.reason,
                list(verdict.files),
                url,
            )
        )
    return results


def cite_skill_rules(results: list[CheckResult], data: RepositoryData) -> list[CheckResult]:
    """Checks of ``SKILL_CITATIONS`` link their rule at the commit read, and lapse without it."""
    if data.skill is None:
        return results
    citations = {c.check: c for c in SKILL_CITATIONS}
    cited = []
    for result in results:
        citation = citations.get(result.id)
        if citation is None:
            cited.append(result)
            continue
        rule = skill_rule(citation.rule)
        url = data.skill.rule_url(data.repo, rule)
        if citation.binding and not data.skill.in_force(rule):
            cited.append(
                replace(result, status="not-applicable", reason=_not_in_force(rule, data), rule=url)
            )
        else:
            cited.append(replace(result, rule=url))
    return cited
