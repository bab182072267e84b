"""What a linter already finds, found by the linter: ruff, once per PR, on full new texts.

Rules that declare ``ruff: [codes]`` in the focus map hand their hazard to
ruff (``print`` is T201, ``try``-``except``-``pass`` S110, ...). ruff reads
whole files, not hunks, so it runs on the full new text of each changed
Python file the source could supply (``PullRequest.texts``), all files in one
process; only its hits on the PR's added lines become findings, under the
rule that declared the code. Files a ruff rule applies to but whose text is
missing are named, so a page can say which files had no linter pass.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog.rules import ContentRule, RuleSet
from ..errors import ReviewKitError
from ..pr.model import ChangedFile, PullRequest
from ..pr.texts import whole_file
from .diff import parse_patch
from .findings import quoted
from .handlers import handler_guards_cleanup, tries_by_handler_line
from .model import FileScan, Finding

if TYPE_CHECKING:
    from .memo import FindingsMemo

# ruff is pinned with the kit (pyproject.toml); one process reads every file.
# A PR's texts are bounded by the source (``pr.texts``); this bounds the wait.
RUFF_TIMEOUT = 60.0


# A word the flagged line holds, per ruff code: ruff reports these at the
# call or handler they are about, so an added line without one of the words
# cannot carry a hit, and a file whose added lines hold none needs no linting
# (nor a full text). A code missing here is always linted.
HIT_WORDS: dict[str, tuple[str, ...]] = {
    "T201": ("print",),
    "S110": ("except",),
    "S112": ("except",),
    "E722": ("except",),
    "S113": ("get", "post", "put", "patch", "delete", "head", "options", "request"),
    "S301": ("load", "loads", "Unpickler", "open", "decode", "read_pickle"),
    "S310": ("urlopen", "Request", "urlretrieve", "URLopener", "FancyURLopener"),
}


def may_hit(patch: str, codes: set[str]) -> bool:
    """Whether an added line of the patch holds a word one of the codes' hits would be on.

    Python folds fullwidth names to ASCII (NFKC), so a patch with non-ASCII
    text is always linted, as ``RuleSet.firing`` always parses one.
    """
    if not codes:
        return False
    if not patch.isascii():
        return True
    words: set[str] = set()
    for code in codes:
        if code not in HIT_WORDS:
            return True
        words.update(HIT_WORDS[code])
    return _words_test(tuple(sorted(words))).search(patch) is not None


@cache
def _words_test(words: tuple[str, ...]) -> re.Pattern:
    # An added line ("+", never a "+++" header: patches start at "@@") holding a word.
    return re.compile(r"^\+.*?\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.MULTILINE)


@dataclass(frozen=True)
class LinterHit:
    """One diagnostic of a linter, on one line of one file's new text."""

    file: str
    line: int
    code: str
    message: str


@dataclass
class LinterScan:
    findings: list[Finding] = field(default_factory=list)
    # file -> why it had no linter pass although a linter rule applies to it
    unlinted: dict[str, str] = field(default_factory=dict)


@cache
def ruff_executable() -> str:
    """The pinned ruff beside this interpreter (the wheel's binary), else the one on PATH."""
    candidate = Path(sysconfig.get_path("scripts")) / ("ruff.exe" if os.name == "nt" else "ruff")
    if candidate.is_file():
        return str(candidate)
    beside = Path(sys.executable).parent / "ruff"
    return str(beside) if beside.is_file() else "ruff"


def _scratch() -> str | None:
    """Where to write the texts: memory (``/dev/shm``) where there is one, else the default."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


_LONE_CR = re.compile(r"\r(?!\n)")


def _git_lines(text: str) -> list[int] | None:
    """Python's line k -> git's (None when they agree): a lone CR ends a line for
    Python and ruff, not for git, so without this every later hit lands a line
    too low and is dropped as not added."""
    if not _LONE_CR.search(text):
        return None
    rows: list[int] = []
    for number, line in enumerate(text.split("\n"), 1):
        rows += [number] * (1 + len(_LONE_CR.findall(line)))
    return rows


def run_ruff(texts: dict[str, str], codes: Iterable[str]) -> list[LinterHit]:
    """ruff's diagnostics of the given codes on the given texts, one process for all.

    The texts are written to a temporary directory under numbered names
    (never a PR's path: no name a PR chooses reaches the file system), and ruff runs ``--isolated`` (no configuration of ours or theirs
    applies, so the result depends only on the codes asked for).
    """
    selected = sorted(set(codes))
    if not texts or not selected:
        return []
    with tempfile.TemporaryDirectory(prefix="review-kit-ruff-", dir=_scratch()) as tmp:
        root = Path(tmp)
        written: dict[str, str] = {}
        # One flat directory of numbered files: ruff's codes here do not depend
        # on the path, and thousands of folders cost more to make and remove
        # than ruff takes to read them (make bench).
        for number, (path, text) in enumerate(texts.items()):
            suffix = ".pyi" if path.endswith(".pyi") else ".py"
            target = root / f"{number}{suffix}"
            target.write_text(text, encoding="utf-8", errors="surrogateescape")
            written[str(target)] = path
        if not written:
            return []
        command = [
            ruff_executable(),
            "check",
            "--isolated",
            "--no-cache",
            "--exit-zero",
            "--output-format",
            "json",
            "--select",
            ",".join(selected),
            "--",
            *sorted(written),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=RUFF_TIMEOUT, check=False, cwd=tmp
            )
        except FileNotFoundError:
            raise ReviewKitError("ruff: not installed (run make venv)") from None
        except subprocess.TimeoutExpired:
            raise ReviewKitError(f"ruff: no answer within {RUFF_TIMEOUT:g} s") from None
        if done.returncode != 0:
            cause = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ReviewKitError(f"ruff: exit {done.returncode} ({cause[-1] if cause else ''})")
        try:
            diagnostics = json.loads(done.stdout or b"[]")
        except ValueError:
            raise ReviewKitError("ruff: its JSON output could not be read") from None
    hits = []
    for d in diagnostics:
        path = written.get(d.get("filename", ""))
        code = d.get("code")
        if path is None or code not in selected:
            continue  # syntax errors ("invalid-syntax") are not findings
        row = int(d["location"]["row"])
        rows = _git_lines(texts[path])
        line = rows[row - 1] if rows and 0 < row <= len(rows) else row
        hits.append(LinterHit(path, line, code, str(d.get("message", ""))))
    return hits


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return ""


def guarded_by(text: str, line: int) -> str:
    """The first statement of the ``try`` whose handler starts on ``line`` (empty if none).

    Says what a swallowed error came from: ``os.close(fd)`` is cleanup, a
    stage's start-up is not.
    """
    guarded = tries_by_handler_line(text).get(line)
    if guarded is None or not guarded.body:
        return ""
    return quoted(ast.get_source_segment(text, guarded.body[0]) or "")


def reason_of(rule: ContentRule, hit: LinterHit, code: str, text: str) -> str:
    """The rule's reason about this line, or ruff's message; ruff's code closes it either way."""
    message = hit.message.rstrip(".")
    if not rule.reason:
        return f"`{code}`: {message} (ruff {hit.code})"
    fields = _Fields(code=code, message=message)
    if "{guarded}" in rule.reason:
        fields["guarded"] = guarded_by(text, hit.line) or "its block"
    return f"{rule.reason.format_map(fields)} (ruff {hit.code})"


def _finding(
    rule: ContentRule, f: ChangedFile, hit: LinterHit, line_text: str, text: str
) -> Finding:
    diff = parse_patch(f.patch)
    hunk = diff.hunk_of(hit.line)
    code = quoted(line_text)
    return Finding(
        rule=rule.id,
        title=rule.title,
        file=f.filename,
        line=hit.line,
        text=line_text,
        guide=rule.guide,
        message=rule.message,
        hunk=hunk.digest if hunk else "",
        severity=rule.severity,
        reason=reason_of(rule, hit, code, text),
    )


def lint(pr: PullRequest, rule_set: RuleSet, memo: FindingsMemo | None = None) -> LinterScan:
    """ruff's findings on the PR's added lines, for the rules that declare ruff codes.

    ``memo`` answers for files whose full text, patch and rules an earlier
    build saw: a warm build starts no ruff process.
    """
    result = LinterScan()
    wanted: dict[str, list[ContentRule]] = {}
    texts: dict[str, str] = {}
    for f in pr.files:
        if f.status == "removed" or not f.filename.endswith((".py", ".pyi")):
            continue
        rules = [r for r in rule_set.for_path(f.filename).rules if r.ruff]
        if not rules or not f.patch or not may_hit(f.patch, {c for r in rules for c in r.ruff}):
            continue
        # A file the PR adds whole is its own patch, whatever the source.
        text = pr.texts.get(f.filename) or whole_file(f)
        if text is None:
            result.unlinted[f.filename] = pr.texts_missing.get(
                f.filename, "the source gave no full text of the file"
            )
            continue
        wanted[f.filename] = rules
        texts[f.filename] = text
    if not wanted:
        return result
    by_path = {f.filename: f for f in pr.files}
    # Each file's answer is remembered on its own (ruff reads files apart),
    # so a warm build lints only the files it has not seen.
    keys: dict[str, str] = {}
    if memo is not None:
        for path in list(wanted):
            f = by_path[path]
            keys[path] = memo.lint_key(f, texts[path], rule_set.for_path(path))
            known = memo.get(keys[path], f, rule_set.for_path(path))
            if known is not None:
                result.findings += known.findings
                del wanted[path], texts[path]
    if not wanted:
        return result
    codes = {code for rules in wanted.values() for r in rules for code in r.ruff}
    found: dict[str, list[Finding]] = {path: [] for path in wanted}
    seen: set[tuple[str, str, int]] = set()
    try:
        hits = run_ruff(texts, codes)
    except ReviewKitError as exc:
        # The linter failing is no reason to lose the review: the hunk rules
        # have run, and the page names the files ruff did not read, and why.
        result.unlinted.update(dict.fromkeys(wanted, str(exc)))
        return result
    for hit in hits:
        f = by_path[hit.file]
        diff = parse_patch(f.patch)
        if hit.line not in diff.added or diff.only_moved([hit.line]):
            continue
        for rule in wanted[hit.file]:
            if rule.unless_guarding == "cleanup" and handler_guards_cleanup(
                texts[hit.file], hit.line
            ):
                continue
            if hit.code in rule.ruff and (rule.id, hit.file, hit.line) not in seen:
                seen.add((rule.id, hit.file, hit.line))
                found[hit.file].append(
                    _finding(rule, f, hit, diff.added[hit.line], texts[hit.file])
                )
    for path, findings in found.items():
        result.findings += findings
        if memo is not None:
            memo.put(keys[path], FileScan(findings))
    return result
