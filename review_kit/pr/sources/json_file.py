"""A change described by a JSON file: GitHub's files list, plain paths, or {"pull", "files"}.

For reviews of changes the kit cannot fetch itself: a list exported from
another tool, or the API's own answer saved with ``gh api``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

from ...errors import ReviewKitError
from ..json_guard import parse_json
from ..model import PullRequest, changed_file_from_api, pull_request_from_api
from ..provenance import Provenance
from ..texts import texts_from_git, texts_from_patches, wanted
from .base import SourceContext

FILE_LIST = Provenance("file", lambda fetched_at: "from a file list", numberless=True)


def from_file(path: str | Path, repo: str, number: int | None) -> PullRequest:
    """Read and validate one file; errors name the file (and line, for bad JSON)."""
    shown = str(path)
    try:
        raw = Path(path).read_bytes()
        raw.decode("utf-8")
        # GitHub's answers and this file go through one guard: nesting past
        # what json recurses into, or a number past int()'s digit limit, is a
        # line, not a RecursionError or ValueError traceback.
        data = parse_json(raw)
    except OSError as exc:
        raise ReviewKitError(f"{shown}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ReviewKitError(f"{shown}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ReviewKitError(f"{shown}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except ValueError as exc:
        raise ReviewKitError(f"{shown}: not valid JSON ({exc})") from None
    if isinstance(data, dict) and "files" in data:
        pull = data.get("pull") or {"number": number}
        if number is not None:
            pull = {**pull, "number": number}
        return pull_request_from_api(pull, _list(data["files"], shown), repo, shown, FILE_LIST)
    files = [changed_file_from_api(entry, shown) for entry in _list(data, shown)]
    return PullRequest(
        number=number, repo=repo, files=files, changed_files=len(files), source=FILE_LIST
    )


def _list(value, shown: str) -> list:
    if not isinstance(value, list):
        raise ReviewKitError(f"{shown}: expected a JSON list of files")
    return value


class JsonFileSource:
    name: ClassVar[str] = "file"
    option: ClassVar[str | None] = "--files-from"
    metavar: ClassVar[str] = "FILE"
    help: ClassVar[str] = "JSON file: API-shaped files list (with patches) or plain paths"
    runs_in_checkout: ClassVar[bool] = False
    client: None = None

    def __init__(self, context: SourceContext, argument: str) -> None:
        self.repo, self.path, self.repo_dir = context.repo, argument, context.repo_dir

    def load(self, number: int | None) -> PullRequest:
        return with_checkout_texts(from_file(self.path, self.repo, number), self.repo_dir)

    def close(self) -> None:
        pass  # holds nothing open


def with_checkout_texts(pr: PullRequest, repo_dir: Path) -> PullRequest:
    """Full texts for the linters: added files from their patch, others by blob SHA from a checkout."""
    files = wanted(pr.files)
    pr.texts.update(texts_from_patches(files))
    rest = [f for f in files if f.filename not in pr.texts]
    by_sha = {f.filename: f.sha for f in rest if f.sha}
    texts, missing = texts_from_git(repo_dir, by_sha) if by_sha else ({}, {})
    pr.texts.update(texts)
    pr.texts_missing.update(missing)
    for f in rest:
        if not f.sha:
            pr.texts_missing[f.filename] = "the file list gives no blob SHA to read it by"
    return pr
