"""Findings remembered between builds, so an unchanged file's patch is not read again.

What the content rules find in one file depends only on its name, its status,
its patch, the rules and the code that applies them; the key is a digest of
exactly those, so a changed rule, a kit upgrade or an edited patch never
meets an old answer. The memo is plain data: ``to_json`` and ``from_json``
turn it into text and back, validated with pydantic (never pickle: the file
sits in a cache directory anyone may write to), and the front end decides
where the text lives.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from ..catalog.rules import Severity
from ..pr.model import ChangedFile
from .model import FileScan, Finding


class SignedRules(Protocol):
    """Rules with a digest of themselves as written (``matching.RuleSet``)."""

    @property
    def signature(self) -> str: ...


_ROOT = Path(__file__).resolve().parent.parent
# The source files whose code decides what a scan finds: the scanner, what it
# reads patches with, the rules' shape, and every module of the engines
# package, found on disk so a new engine module is covered without a word here.
_CODE = (
    "analysis/rules.py",
    "analysis/python_code.py",
    "analysis/diff.py",
    "analysis/prefilter.py",
    "analysis/matching.py",
    "catalog/rules.py",
)

# Enough for every file of a few hundred PRs; the oldest entries go first.
MAX_ENTRIES = 20_000


@cache
def code_digest() -> str:
    engines = sorted((_ROOT / "analysis" / "engines").rglob("*.py"))
    digest = hashlib.sha256()
    for path in [*(_ROOT / name for name in _CODE), *engines]:
        digest.update(path.relative_to(_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class _StoredFinding(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    rule: str
    title: str
    file: str
    line: int
    text: str
    guide: str
    message: str
    detail: str = ""
    hunk: str = ""
    severity: Severity = "P2"
    reason: str = ""


# What an engine reports per hit; ``lines`` and ``hunks`` are made by
# ``findings.collapse`` after the memo, so they are not stored.
_STORED = tuple(_StoredFinding.model_fields)


class _StoredScan(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    findings: list[_StoredFinding]
    unread: str | None = None


_ENTRIES = TypeAdapter(dict[str, _StoredScan])


class FindingsMemo:
    """File key -> what the rules found there; ``changed`` says whether it needs writing."""

    def __init__(self, entries: dict[str, FileScan] | None = None) -> None:
        self._entries: dict[str, FileScan] = dict(entries or {})
        self.changed = False

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def key(file: ChangedFile, rules: SignedRules) -> str:
        """The file's entry for these rules (a ``matching.RuleSet``)."""
        digest = hashlib.sha256()
        for part in (code_digest(), rules.signature, file.filename, file.status, file.patch or ""):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.hexdigest()

    def get(self, key: str) -> FileScan | None:
        found = self._entries.pop(key, None)
        if found is not None:
            self._entries[key] = found  # used again: the last to be evicted
        return found

    def put(self, key: str, scan: FileScan) -> None:
        self._entries.pop(key, None)
        self._entries[key] = scan
        while len(self._entries) > MAX_ENTRIES:
            del self._entries[next(iter(self._entries))]
        self.changed = True

    def to_json(self) -> str:
        return json.dumps(
            {
                key: {
                    "findings": [
                        {k: v for k, v in asdict(f).items() if k in _STORED} for f in scan.findings
                    ],
                    "unread": scan.unread,
                }
                for key, scan in self._entries.items()
            },
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
        return cls(
            {
                key: FileScan([Finding(**f.model_dump()) for f in scan.findings], scan.unread)
                for key, scan in stored.items()
            }
        )
