"""vllm-omni's written review rules: its review skill's files and its pre-commit hooks, as data.

The skill (``.claude/skills/review-pr/`` and ``precheck-pr/``) is Markdown at
the PR's base commit, which the PR's authors can edit: the kit never renders
it. It reads, within a size bound, the headings (for links to the rule at that
commit) and whether each rule the kit applies is still written there
(``SKILL_RULES``: a rule is in force when all its marker words appear in its
file). From ``.pre-commit-config.yaml`` it reads only the hook ids, to say
once what CI already checks instead of repeating it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

import yaml

from .. import bounded_yaml
from ..errors import ReviewKitError

REVIEW_SKILL = ".claude/skills/review-pr"
GENERAL_CHECKS = f"{REVIEW_SKILL}/references/process/general-checks.md"
REVIEW_ROUTING = f"{REVIEW_SKILL}/references/process/review-routing.md"
PERF_VERIFICATION = f"{REVIEW_SKILL}/references/checks/perf-verification.md"
CONFIG_PROVENANCE = f"{REVIEW_SKILL}/references/checks/config-provenance.md"
TEST_QUALITY = f"{REVIEW_SKILL}/references/checks/test-quality-evaluation.md"
MODEL_ADDITION = f"{REVIEW_SKILL}/references/checks/model-addition-checklist.md"
PRECHECK = ".claude/skills/precheck-pr/SKILL.md"
SKILL_FILES = (
    GENERAL_CHECKS,
    REVIEW_ROUTING,
    PERF_VERIFICATION,
    CONFIG_PROVENANCE,
    TEST_QUALITY,
    MODEL_ADDITION,
    PRECHECK,
)
PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"

# The skill's files are a few kilobytes each; anything far larger is not the
# file we know, and reading it whole would cost memory a page should not spend.
MAX_FILE_BYTES = 256 * 1024
MAX_HOOKS = 200
MAX_HOOK_ID = 80


@dataclass(frozen=True)
class SkillRule:
    """One rule of the skill that the kit applies: where it is written, and how to tell it still is.

    ``markers`` are a few words of the rule (lower case); the rule is in force
    at a commit when its file there contains all of them. They are the kit's
    choice of words, not the rule's text, so a reworded rule keeps counting
    while a removed one stops.
    """

    key: str
    path: str
    anchor: str
    markers: tuple[str, ...]


SKILL_RULES = (
    SkillRule(
        "bugfix-regression-test",
        GENERAL_CHECKS,
        "module-api-and-class-design",
        ("bug-fix", "regression test"),
    ),
    SkillRule(
        "perf-base-head-ab",
        GENERAL_CHECKS,
        "module-api-and-class-design",
        ("performance pr", "base-versus-head"),
    ),
    SkillRule(
        "typed-api-boundaries",
        GENERAL_CHECKS,
        "module-api-and-class-design",
        ("typed parameters", "kwargs"),
    ),
    SkillRule(
        "design-page-updated",
        GENERAL_CHECKS,
        "module-api-and-class-design",
        ("docs/", "design page"),
    ),
    SkillRule(
        "new-model-docs-recipe",
        GENERAL_CHECKS,
        "module-api-and-class-design",
        ("supported_models.md", "recipes/"),
    ),
    SkillRule(
        "recipe-index-entry",
        GENERAL_CHECKS,
        "module-api-and-class-design",
        ("recipes/readme.md", "index entry"),
    ),
    SkillRule(
        "diffusion-feature-table",
        MODEL_ADDITION,
        "keep-support-documentation-truthful",
        ("diffusion_features.md",),
    ),
    SkillRule(
        "title-exact-prefix",
        PRECHECK,
        "step-2-validate-pr-title",
        ("wrong case", "wip/draft"),
    ),
    SkillRule(
        "precommit-ratchets",
        PRECHECK,
        "step-4-run-checklist",
        ("allowed_files", "max_model_type_branches"),
    ),
)


def skill_rule(key: str) -> SkillRule:
    """The rule with that key (a key is the kit's own name; an unknown one is a bug here)."""
    return next(r for r in SKILL_RULES if r.key == key)


def blob_url(repo: str, commit: str, path: str, anchor: str = "") -> str:
    """A repository file on GitHub at ``commit`` (``main`` when no commit is known)."""
    ref = commit if re.fullmatch(r"[0-9a-f]{7,64}", commit or "") else "main"
    return f"https://github.com/{repo}/blob/{ref}/{quote(path)}" + (
        f"#{quote(anchor)}" if anchor else ""
    )


@dataclass(frozen=True)
class SkillDocument:
    """What the kit read of one skill file: its heading anchors and the rules written in it."""

    path: str
    commit: str
    anchors: frozenset[str]
    rules: frozenset[str]  # keys of ``SKILL_RULES`` in force in this file

    def url(self, repo: str, anchor: str = "") -> str:
        """The file at the commit it was read at; the anchor only if the file has that heading."""
        return blob_url(repo, self.commit, self.path, anchor if anchor in self.anchors else "")


@dataclass(frozen=True)
class PreCommitHooks:
    """The hook ids of ``.pre-commit-config.yaml``: what vllm-omni's CI runs on every PR."""

    ids: tuple[str, ...]
    commit: str = ""
    path: str = PRE_COMMIT_CONFIG

    def url(self, repo: str) -> str:
        return blob_url(repo, self.commit, self.path)


@dataclass(frozen=True)
class ReviewSkill:
    """The skill's files and the pre-commit hooks, read at one commit (or the snapshot's)."""

    documents: tuple[SkillDocument, ...]
    hooks: PreCommitHooks | None
    notices: tuple[str, ...] = field(default=())

    def document(self, path: str) -> SkillDocument | None:
        return next((d for d in self.documents if d.path == path), None)

    def in_force(self, rule: SkillRule) -> bool:
        document = self.document(rule.path)
        return document is not None and rule.key in document.rules

    def rule_url(self, repo: str, rule: SkillRule) -> str:
        """The rule's file at the commit it was read, at the rule's heading when that exists."""
        return self.file_url(repo, rule.path, rule.anchor)

    def file_url(self, repo: str, path: str, anchor: str = "") -> str:
        """A skill file at the commit it was read (``main`` if it was not), at ``anchor`` if present."""
        document = self.document(path)
        if document is None:
            return blob_url(repo, "", path, anchor)
        return document.url(repo, anchor)


# ---- parsing (base-commit text: bounded, never rendered) -------------------

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
# Markdown's line endings; a heading is read by ``_heading``, not one regular
# expression: ``(.+?)[ \t]*#*[ \t]*$`` took 300 s on one 4 KB line of spaces.
_LINE_END = re.compile(r"\r\n?|\n")
_MAX_HEADINGS = 500
_HOOK_ID = re.compile(rf"[\w.-]{{1,{MAX_HOOK_ID}}}")


def decode(data: bytes, path: str) -> str:
    """UTF-8 text of at most ``MAX_FILE_BYTES``; one line naming the file otherwise."""
    if len(data) > MAX_FILE_BYTES:
        raise ReviewKitError(f"{path}: larger than the {MAX_FILE_BYTES} bytes the kit reads")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ReviewKitError(f"{path}: not UTF-8 text") from None


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*~]|\[([^\]]*)\]\([^)]*\)", lambda m: m[1] or "", heading)
    text = "".join(c for c in text.lower() if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def _normalised(text: str) -> str:
    """Lower case, emphasis and code marks dropped, runs of space folded: what markers match."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return " ".join(re.sub(r"[*`]", "", folded).split())


def _heading(line: str) -> str | None:
    """An ATX heading's text (up to three spaces, one to six ``#``, a space), else None."""
    body = line.lstrip()
    if len(line) - len(body) > 3 or not body.startswith("#"):
        return None
    rest = body.lstrip("#")
    if len(body) - len(rest) > 6 or rest[:1] not in (" ", "\t"):
        return None
    text = rest.strip(" \t")
    # Closing hashes go; a heading that is only hashes keeps its first one.
    return text.rstrip("#").rstrip(" \t") or text[:1] or None


def headings(text: str) -> list[str]:
    """ATX headings outside fenced code blocks, in order (at most ``_MAX_HEADINGS``)."""
    found: list[str] = []
    fence = ""
    for line in _LINE_END.split(text):
        opened = _FENCE.match(line)
        if opened:
            marker = opened[1][0] * 3
            fence = "" if fence and opened[1].startswith(fence) else fence or marker
            continue
        if fence:
            continue
        heading = _heading(line)
        if heading:
            found.append(heading)
            if len(found) >= _MAX_HEADINGS:
                break
    return found


def parse_skill_document(
    data: bytes | str, path: str, commit: str = "", rules: Iterable[SkillRule] = SKILL_RULES
) -> SkillDocument:
    """Read one skill file: its anchors, and which of the kit's rules for that file it holds."""
    text = data if isinstance(data, str) else decode(data, path)
    if len(text) > MAX_FILE_BYTES:
        raise ReviewKitError(f"{path}: more than the {MAX_FILE_BYTES} characters the kit reads")
    anchors = frozenset(s for s in (slug(h) for h in headings(text)) if s)
    body = _normalised(text)
    present = frozenset(
        r.key for r in rules if r.path == path and all(m in body for m in r.markers)
    )
    return SkillDocument(path, commit, anchors, present)


def parse_pre_commit(data: bytes | str, commit: str = "") -> PreCommitHooks:
    """The hook ids of a ``.pre-commit-config.yaml``; entries of the wrong shape are skipped."""
    text = data if isinstance(data, str) else decode(data, PRE_COMMIT_CONFIG)
    if len(text) > MAX_FILE_BYTES:
        raise ReviewKitError(f"{PRE_COMMIT_CONFIG}: more than {MAX_FILE_BYTES} characters")
    try:
        # TextLoader: every scalar stays text, and no tag builds an object.
        config = bounded_yaml.load(text, bounded_yaml.TextLoader)
    except bounded_yaml.Refused as exc:
        # Too deep, too many aliases, too long: the bound is the cause to name.
        raise ReviewKitError(f"{PRE_COMMIT_CONFIG}: {bounded_yaml.problem(exc)[1]}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise ReviewKitError(f"{PRE_COMMIT_CONFIG}{where}: not valid YAML") from None
    except RecursionError:
        # PyYAML composes nested collections recursively; a file of brackets must not crash.
        raise ReviewKitError(f"{PRE_COMMIT_CONFIG}: nested too deeply to read") from None
    repos = config.get("repos") if isinstance(config, dict) else None
    if not isinstance(repos, list):
        raise ReviewKitError(f"{PRE_COMMIT_CONFIG}: no 'repos' list")
    ids: list[str] = []
    # Walk only the two levels the ids live at, so an alias-laden file costs no more.
    for entry in repos[:MAX_HOOKS]:
        hooks = entry.get("hooks") if isinstance(entry, dict) else None
        for hook in hooks[:MAX_HOOKS] if isinstance(hooks, list) else []:
            hook_id = hook.get("id") if isinstance(hook, dict) else None
            if isinstance(hook_id, str) and _HOOK_ID.fullmatch(hook_id):
                ids.append(hook_id)
            if len(ids) >= MAX_HOOKS:
                break
    return PreCommitHooks(tuple(dict.fromkeys(ids)), commit)


# path -> the file's bytes or text (a source that has decoded it already), None when absent.
Reader = Callable[[str], bytes | str | None]


def read_skill(read: Reader, commit: str = "") -> ReviewSkill:
    """The skill and hooks through ``read`` (path -> content, None when the file is absent).

    A file that cannot be read is left out with a one-line notice; its rules
    then count as not in force, and checks built on them say so.
    """
    documents, notices = [], []
    for path in SKILL_FILES:
        try:
            data = read(path)
            if data is not None:
                documents.append(parse_skill_document(data, path, commit))
        except ReviewKitError as exc:
            notices.append(f"Review rule file left out: {exc}")
    hooks = None
    try:
        data = read(PRE_COMMIT_CONFIG)
        hooks = parse_pre_commit(data, commit) if data is not None else None
    except ReviewKitError as exc:
        notices.append(f"Pre-commit hooks not shown: {exc}")
    return ReviewSkill(tuple(documents), hooks, tuple(notices))


def skill_from_snapshot(data: object, origin: str) -> ReviewSkill:
    """The skill as the bundled snapshot records it (see ``review_kit/data/review-skill.json``).

    A document whose ``checked`` list lacks a rule the kit now applies to its
    file was recorded before that rule: the snapshot needs regenerating, and
    the rule counts as in force (the bundled file is the one the kit was
    written against) with a notice saying so.
    """

    def fail(where: str, cause: str) -> ReviewKitError:
        return ReviewKitError(f"{origin}: {where}: {cause}")

    def texts(value: object, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(where, "should be a list of text")
        return tuple(value)

    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise fail("documents", "missing or not a list")
    documents, notices = [], []
    for i, entry in enumerate(data["documents"]):
        where = f"documents[{i}]"
        if not isinstance(entry, dict) or entry.get("path") not in SKILL_FILES:
            raise fail(where, "not a skill file the kit reads")
        path, commit = entry["path"], entry.get("commit")
        if not isinstance(commit, str):
            raise fail(f"{where}.commit", "should be text")
        rules = set(texts(entry.get("rules"), f"{where}.rules"))
        checked = set(texts(entry.get("checked"), f"{where}.checked"))
        unrecorded = [r.key for r in SKILL_RULES if r.path == path and r.key not in checked]
        if unrecorded:
            notices.append(f"{origin} predates the rules {', '.join(unrecorded)} of {path}.")
        documents.append(
            SkillDocument(
                path,
                commit,
                frozenset(texts(entry.get("anchors"), f"{where}.anchors")),
                frozenset(rules | set(unrecorded)),
            )
        )
    hooks = None
    pre_commit = data.get("pre_commit")
    if pre_commit is not None:
        if not isinstance(pre_commit, dict) or not isinstance(pre_commit.get("commit"), str):
            raise fail("pre_commit", "should be a mapping with a commit")
        hooks = PreCommitHooks(
            texts(pre_commit.get("hooks"), "pre_commit.hooks"), pre_commit["commit"]
        )
    return ReviewSkill(tuple(documents), hooks, tuple(notices))


def snapshot_record(skill: ReviewSkill, repo: str, about: str) -> dict:
    """The JSON the bundled snapshot holds for ``skill``: data only, never the files' prose."""
    return {
        "repo": repo,
        "about": about,
        "documents": [
            {
                "path": d.path,
                "commit": d.commit,
                "anchors": sorted(d.anchors),
                "rules": sorted(d.rules),
                "checked": sorted(r.key for r in SKILL_RULES if r.path == d.path),
            }
            for d in skill.documents
        ],
        "pre_commit": None
        if skill.hooks is None
        else {
            "path": skill.hooks.path,
            "commit": skill.hooks.commit,
            "hooks": list(skill.hooks.ids),
        },
    }
