"""Findings remembered between builds, so an unchanged file's patch is not read again.

What the content rules find in one file depends only on its name, its status,
its patch, the rules and the code that applies them; the key is a digest of
exactly those, so a changed rule, a kit upgrade or an edited patch never
meets an old answer. The memo is plain data: ``to_json`` and ``from_json``
turn it into text and back, validated with pydantic (never pickle: the file
sits in a cache directory anyone may write to), and the front end decides
where the text lives and seals it (``site/plan.py``), since anyone can compute
a key. An entry stores only what the scan measured: titles, guide sections,
messages and severities come from the rules when it is used.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from ..catalog.rules import RuleSet
from ..pr.model import ChangedFile
from .model import FileScan, Finding

# The source files whose code decides what a scan finds.
_CODE = (
    "analysis/rules.py",
    "analysis/python_code.py",
    "analysis/diff.py",
    "analysis/handlers.py",
    "analysis/linters.py",
    "catalog/rules.py",
)

# Enough for every file of a few hundred PRs; the oldest entries go first.
MAX_ENTRIES = 20_000


@cache
def ruff_version() -> str:
    """The installed ruff's version (its rules change with it); read once per process."""
    try:
        return metadata.version("ruff")
    except metadata.PackageNotFoundError:
        return "unknown"


@cache
def code_digest() -> str:
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in _CODE:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


# A stored entry holds only what the scan measured; the rule's title, guide
# section and message come from the catalog when the entry is used, so the
# memo can never put a title or a section id of its own on a page.
class _StoredFinding(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    rule: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
    line: Annotated[int, Field(ge=1)]
    text: str
    detail: str = ""
    hunk: Annotated[str, StringConstraints(pattern=r"^(?:[0-9a-f]{64})?$")] = ""
    # What the engine said about this one hit; PR-derived, escaped by every output.
    reason: str = ""


class _StoredScan(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    findings: list[_StoredFinding]
    unread: str | None = None


_Key = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
_ENTRIES = TypeAdapter(dict[_Key, _StoredScan])


def _stored(scan: FileScan) -> _StoredScan:
    return _StoredScan.model_construct(
        findings=[
            _StoredFinding.model_construct(
                rule=f.rule, line=f.line, text=f.text, detail=f.detail, hunk=f.hunk, reason=f.reason
            )
            for f in scan.findings
        ],
        unread=scan.unread,
    )


class FindingsMemo:
    """File key -> what the rules found there; ``changed`` says whether it needs writing."""

    def __init__(self, entries: dict[str, _StoredScan] | None = None) -> None:
        self._entries: dict[str, _StoredScan] = dict(entries or {})
        self.changed = False

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def key(file: ChangedFile, rules: RuleSet) -> str:
        digest = hashlib.sha256()
        for part in (code_digest(), rules.signature, file.filename, file.status, file.patch or ""):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.hexdigest()

    @staticmethod
    def lint_key(file: ChangedFile, text: str, rules: RuleSet) -> str:
        """What ruff found in one file: its full text, its patch, the rules and ruff's version.

        ruff reads each file on its own (``--isolated``), so a file's answer
        does not depend on the other files linted with it.
        """
        digest = hashlib.sha256()
        parts = ("ruff", code_digest(), ruff_version(), rules.signature, file.filename)
        for part in (*parts, file.patch or "", text):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.hexdigest()

    def get(self, key: str, file: ChangedFile, rules: RuleSet) -> FileScan | None:
        """What the rules found in ``file``, or None when unknown or not theirs to have found.

        An entry naming a rule that does not apply to this file is dropped
        (the file is read again), never shown.
        """
        found = self._entries.pop(key, None)
        if found is None:
            return None
        by_id = {rule.id: rule for rule in rules.rules}
        if any(f.rule not in by_id for f in found.findings):
            self.changed = True  # written back without it
            return None
        self._entries[key] = found  # used again: the last to be evicted
        return FileScan(
            [
                Finding(
                    rule=f.rule,
                    title=by_id[f.rule].title,
                    file=file.filename,
                    line=f.line,
                    text=f.text,
                    guide=by_id[f.rule].guide,
                    message=by_id[f.rule].message,
                    detail=f.detail,
                    hunk=f.hunk,
                    severity=by_id[f.rule].severity,
                    reason=f.reason,
                )
                for f in found.findings
            ],
            found.unread,
        )

    def put(self, key: str, scan: FileScan) -> None:
        self._entries.pop(key, None)
        self._entries[key] = _stored(scan)
        while len(self._entries) > MAX_ENTRIES:
            del self._entries[next(iter(self._entries))]
        self.changed = True

    def to_json(self) -> str:
        return json.dumps(
            {key: scan.model_dump() for key, scan in self._entries.items()},
            # ASCII escapes carry lone surrogates (hostile patches have them) intact.
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> FindingsMemo:
        """The memo in ``text``; raises ValueError when it is not one."""
        try:
            stored = _ENTRIES.validate_python(json.loads(text))
        except ValidationError as exc:
            raise ValueError(f"not a findings memo ({exc.error_count()} problem(s))") from None
        except RecursionError:
            raise ValueError("not a findings memo (nested too deeply)") from None
        return cls(stored)
