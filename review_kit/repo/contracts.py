"""vllm-omni's module contracts: the YAML front matter of ``docs/design/module/**/*.md``.

Only the front matter is read, never the documents' prose. Fields the kit does
not know are kept and ignored (the repository adds them as it goes); a field
it knows with the wrong shape rejects the document with one line naming it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .. import bounded_yaml
from ..errors import ReviewKitError
from .patterns import login_problem, pattern_problem

CONTRACTS_DIR = "docs/design/module"
# Archived contracts describe code that is gone; they own nothing any more.
ARCHIVE_DIR = f"{CONTRACTS_DIR}/archive/"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def is_contract_path(path: str) -> bool:
    """Whether a repository path is a module contract document the kit reads."""
    return (
        path.startswith(CONTRACTS_DIR + "/")
        and path.endswith(".md")
        and not path.startswith(ARCHIVE_DIR)
    )


def login(handle: str) -> str:
    """A GitHub handle as the kit shows it: no '@' (compare with ``.lower()``)."""
    return handle.strip().lstrip("@")


def _checked(values: tuple[str, ...], problem) -> tuple[str, ...]:
    for value in values:
        if (why := problem(value)) is not None:
            raise ValueError(why)
    return values


class PathOwners(BaseModel):
    """``primary_code_path_owners``: owners of a part of the contract's primary code."""

    model_config = ConfigDict(extra="allow", frozen=True)
    paths: tuple[str, ...]
    owners: tuple[str, ...]

    @field_validator("paths")
    @classmethod
    def _patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _checked(value, pattern_problem)

    @field_validator("owners")
    @classmethod
    def _logins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _checked(value, login_problem)


class PathException(BaseModel):
    """``primary_path_exceptions``: a primary path another document owns."""

    model_config = ConfigDict(extra="allow", frozen=True)
    path: str
    owner: str = ""  # the document that owns it, not a login

    @field_validator("path")
    @classmethod
    def _pattern(cls, value: str) -> str:
        return _checked((value,), pattern_problem)[0]


class ModuleContract(BaseModel):
    """One contract's front matter, plus where it was read (``path``, ``commit``)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    path: str
    commit: str = ""
    title: str
    kind: str = "module"
    status: str = "draft"
    owners: tuple[str, ...] = ()
    required_reviewers: tuple[str, ...] = ()
    document_stewards: tuple[str, ...] = ()
    primary_code_paths: tuple[str, ...] = ()
    related_code_paths: tuple[str, ...] = ()
    validation_paths: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    invariant_namespace: str | None = None
    last_reviewed: dt.date | None = None
    last_verified_commit: str | None = None
    primary_code_path_owners: tuple[PathOwners, ...] = ()
    primary_path_exceptions: tuple[PathException, ...] = Field(default=())

    @field_validator(
        "owners",
        "required_reviewers",
        "document_stewards",
        "primary_code_paths",
        "related_code_paths",
        "validation_paths",
        "depends_on",
        mode="before",
    )
    @classmethod
    def _list_of_text(cls, value: Any) -> Any:
        # A bare string where a list belongs would otherwise be split into characters.
        if isinstance(value, str):
            raise ValueError("should be a list, not a single string")
        if value is None:
            return ()
        if isinstance(value, list) and not all(isinstance(v, str) and v.strip() for v in value):
            raise ValueError("should be a list of non-empty text")
        return value

    @field_validator("primary_code_paths", "related_code_paths", "validation_paths")
    @classmethod
    def _patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _checked(value, pattern_problem)

    @field_validator("owners", "required_reviewers", "document_stewards")
    @classmethod
    def _logins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # "a b @c" would otherwise become a suggested reviewer.
        return _checked(value, login_problem)

    @property
    def name(self) -> str:
        """The document's path below docs/design/module/, as contracts cite each other."""
        return self.path.removeprefix(CONTRACTS_DIR + "/")

    def document_url(self, repo: str, commit: str | None = None) -> str:
        """The document on GitHub at ``commit`` (default: the commit it was read at)."""
        ref = commit or self.commit
        ref = ref if re.fullmatch(r"[0-9a-f]{7,64}", ref or "") else "main"
        return f"https://github.com/{repo}/blob/{ref}/{quote(self.path)}"


def contract_from_front_matter(data: Any, path: str, commit: str = "") -> ModuleContract:
    """Validate parsed front matter; a wrong field is one line naming the document and key."""
    if not isinstance(data, dict):
        raise ReviewKitError(f"{path}: front matter is not a mapping")
    try:
        return ModuleContract.model_validate({**data, "path": path, "commit": commit})
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"]) or "front matter"
        cause = "missing" if error["type"] == "missing" else error["msg"]
        raise ReviewKitError(f"{path}: front matter {key}: {cause}") from None


def front_matter(text: str, path: str) -> dict | None:
    """The YAML between the opening ``---`` lines of a Markdown document; None if it has none."""
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if match is None:
        return None
    try:
        data = bounded_yaml.load(match[1])
    except yaml.YAMLError as exc:
        line, cause = bounded_yaml.problem(exc)
        where = f" (line {line + 1})" if line is not None else ""
        raise ReviewKitError(f"{path}: front matter is not valid YAML{where}: {cause}") from None
    return data if data is not None else {}


def contract_from_document(text: str, path: str, commit: str = "") -> ModuleContract | None:
    """The contract a Markdown document declares, or None for a document without front matter."""
    data = front_matter(text, path)
    if data is None:
        return None
    return contract_from_front_matter(data, path, commit)
