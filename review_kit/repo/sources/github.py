"""Contracts and the CI map from GitHub at a PR's base commit, through the kit's HTTP cache.

One recursive git-trees request lists the documents; one contents request per
contract (bounded by ``MAX_DOCUMENTS``) and one for the CI file read them.
Every request goes through ``GitHubClient``, so a warm build sends only
conditional requests. Documents are remembered by blob SHA, so PRs on other
base commits reuse unchanged ones. Whatever fails falls back to the snapshot,
with a notice.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import replace
from typing import TypeVar
from urllib.parse import quote

from ...errors import ReviewKitError
from ...pr.sources.github_api import GitHubClient
from ..ci import CI_DEPENDENCIES_PATH, CiDependencies, parse_ci_dependencies
from ..contracts import ModuleContract, contract_from_document, is_contract_path
from ..model import RepositoryData
from ..skill import (
    PRE_COMMIT_CONFIG,
    SKILL_FILES,
    PreCommitHooks,
    ReviewSkill,
    SkillDocument,
    parse_pre_commit,
    parse_skill_document,
)
from .snapshot import from_snapshot

# vllm-omni has about 25 contract documents; a tree listing far more is not
# the repository we know, and reading it all would spend the rate limit.
MAX_DOCUMENTS = 60
MAX_CONCURRENT = 8
# One deadline for reading every tree and document a call asks for: sixty
# answers trickled in one after another at the 20 s request timeout took
# 160 s. Past it, the bundled snapshot stands in, with a notice.
FETCH_DEADLINE = 30.0
# What a tree entry must look like to be asked for: a git object name, and a
# plain relative path (no "..", "." or empty part that would walk the
# token-bearing request to another API path, no control character).
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_PATH_PART = re.compile(r"[^\x00-\x1f\x7f\\]+")


def _plain_path(path: str) -> bool:
    parts = path.split("/")
    return all(p not in ("", ".", "..") and _PATH_PART.fullmatch(p) for p in parts)


class GitHubRepositoryData:
    """Reads repository data at a commit; one instance per build shares its memos."""

    def __init__(self, client: GitHubClient, deadline: float = FETCH_DEADLINE) -> None:
        self.client = client
        self.deadline = deadline
        self._lock = threading.Lock()
        self._at: dict[tuple[str, str], RepositoryData] = {}
        # blob SHA -> parsed document (None: no front matter), or the error line.
        self._blobs: dict[str, ModuleContract | None | str] = {}
        self._ci_blobs: dict[str, CiDependencies | str] = {}
        # Review-skill files and the pre-commit config, by (blob SHA, path); the
        # commit is filled in per base.
        self._skill_blobs: dict[tuple[str, str], SkillDocument | PreCommitHooks | str] = {}
        # (repo, commit) -> its tree: whoever asks first reads it, the rest wait.
        self._trees: dict[tuple[str, str], Future[dict[str, str] | ReviewKitError]] = {}

    def prefetch_tree(self, repo: str, commit: str, until: float | None = None) -> None:
        """Read the tree at ``commit`` now (once, whoever asks first), for ``at_many`` later.

        A tree's URL depends on the commit alone, so reading it as soon as a
        PR names its base changes no URL, only when it is asked.
        """
        future, mine = self._tree_future(repo, commit)
        if mine:
            self._fill_tree(future, repo, commit, until)

    def _tree_future(self, repo: str, commit: str) -> tuple[Future, bool]:
        """The tree's future, and whether the caller is the one to read it."""
        with self._lock:
            if (repo, commit) in self._trees:
                return self._trees[(repo, commit)], False
            self._trees[(repo, commit)] = future = Future()
            return future, True

    def _fill_tree(self, future: Future, repo: str, commit: str, until: float | None) -> None:
        try:
            future.set_result(self._tree(repo, commit, until))
        except BaseException as exc:  # waiters must not wait forever
            future.set_exception(exc)
            raise

    def at(self, repo: str, commit: str) -> RepositoryData:
        """Data at ``commit``, else the snapshot with a notice saying why."""
        return self.at_many(repo, [commit])[commit]

    def at_many(self, repo: str, commits: list[str]) -> dict[str, RepositoryData]:
        """Data at each commit, read concurrently; the snapshot, with a notice, where that fails.

        Three rounds: every tree at once; then every document blob once, each
        from the first commit in sorted order that lists it, all at once; then
        the data per commit from those. The URLs asked depend only on the set
        of commits, never on which request answered first, so a warm build
        sends the same conditional requests and gets all 304s.
        """
        wanted = sorted(set(commits))
        with self._lock:
            todo = [c for c in wanted if (repo, c) not in self._at]
        until = time.monotonic() + self.deadline
        # Not a ``with`` block: leaving one waits for every thread, deadline or not.
        pool = ThreadPoolExecutor(max_workers=MAX_CONCURRENT)
        try:
            return self._read(repo, wanted, todo, until, pool)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _late(self) -> ReviewKitError:
        return ReviewKitError(f"not read within the fetch's {self.deadline:g} s deadline")

    def _read(
        self, repo: str, wanted: list[str], todo: list[str], until: float, pool: ThreadPoolExecutor
    ) -> dict[str, RepositoryData]:
        pending: dict[str, Future] = {}
        for commit in todo:
            # A tree another thread is already reading is waited for, within the deadline.
            pending[commit], mine = self._tree_future(repo, commit)
            if mine:
                pool.submit(self._fill_tree, pending[commit], repo, commit, until)
        wait(pending.values(), timeout=max(0.0, until - time.monotonic()))
        trees: dict[str, dict[str, str] | ReviewKitError] = {
            c: f.result() if f.done() else self._late() for c, f in pending.items()
        }
        # blob SHA -> (commit, path) it is read at: the first commit that lists it.
        reads: dict[str, tuple[str, str]] = {}
        # (blob SHA, path) -> commit, for the review rules: what the kit reads of
        # a skill file depends on its path, so equal blobs at two paths are two reads.
        rule_reads: dict[tuple[str, str], str] = {}
        for commit in todo:
            tree = trees[commit]
            if isinstance(tree, ReviewKitError):
                continue
            for path in _documents(tree)[0] + [CI_DEPENDENCIES_PATH] * (
                CI_DEPENDENCIES_PATH in tree
            ):
                sha = tree[path]
                with self._lock:
                    known = sha in self._blobs or sha in self._ci_blobs
                if sha and not known:
                    reads.setdefault(sha, (commit, path))
            for path in SKILL_PATHS:
                sha = tree.get(path)
                with self._lock:
                    known = (sha, path) in self._skill_blobs
                if sha and not known:
                    rule_reads.setdefault((sha, path), commit)
        asked = {sha: pool.submit(self._text, repo, *at, until) for sha, at in reads.items()}
        asked_rules = {
            key: pool.submit(self._text, repo, commit, key[1], until)
            for key, commit in rule_reads.items()
        }
        wait([*asked.values(), *asked_rules.values()], timeout=max(0.0, until - time.monotonic()))
        late = {sha for sha, future in asked.items() if not future.done()}
        late |= {key[0] for key, future in asked_rules.items() if not future.done()}
        with self._lock:
            for sha, future in asked.items():
                if sha in late:
                    continue  # not remembered: a later call may read it in time
                path = reads[sha][1]
                if path == CI_DEPENDENCIES_PATH:
                    self._ci_blobs[sha] = _parsed_ci(future.result())
                else:
                    self._blobs[sha] = _parsed_contract(future.result(), path)
            for key, future in asked_rules.items():
                if future.done():
                    self._skill_blobs[key] = _parsed_skill(future.result(), key[1])
        for commit in todo:
            tree = trees[commit]
            if not isinstance(tree, ReviewKitError) and late & set(tree.values()):
                tree = self._late()
            if isinstance(tree, ReviewKitError):
                data = from_snapshot()
                data.notices.append(
                    f"Module contracts and CI jobs could not be read at the base commit ({tree}); "
                    "showing the kit's bundled snapshot of them instead."
                )
            else:
                data = self._assemble(repo, commit, tree)
            with self._lock:
                self._at[(repo, commit)] = data
        with self._lock:
            return {c: self._at[(repo, c)].own_copy() for c in wanted}

    def _url(self, repo: str, tail: str) -> str:
        return f"{self.client.settings.api_url}/repos/{repo}/{tail}"

    def _tree(
        self, repo: str, commit: str, until: float | None = None
    ) -> dict[str, str] | ReviewKitError:
        """path -> blob SHA at ``commit`` (with ``TRUNCATED`` set if GitHub cut the list)."""
        what = f"tree of {repo} at {commit[:10]}"
        try:
            tree = self.client.get_json(
                self._url(repo, f"git/trees/{quote(commit)}?recursive=1"), what, until
            )
        except ReviewKitError as exc:
            return exc
        entries = tree.get("tree") if isinstance(tree, dict) else None
        if not isinstance(entries, list):
            return ReviewKitError(f"{what}: GitHub sent no tree")
        blobs: dict[str, str] = {}
        odd = 0
        for e in entries:
            if not isinstance(e, dict) or e.get("type") != "blob":
                continue
            path, sha = e.get("path"), e.get("sha")
            if (
                isinstance(path, str)
                and _plain_path(path)
                and isinstance(sha, str)
                and _SHA.fullmatch(sha)
            ):
                blobs[path] = sha
            else:
                odd += 1
        if tree.get("truncated"):
            blobs[TRUNCATED] = ""
        if odd:
            blobs[ODD_ENTRIES] = str(odd)
        return blobs

    def _text(
        self, repo: str, commit: str, path: str, until: float | None = None
    ) -> str | ReviewKitError:
        try:
            return self._contents(repo, path, commit, until)
        except ReviewKitError as exc:
            return exc

    def _assemble(self, repo: str, commit: str, tree: dict[str, str]) -> RepositoryData:
        notices = []
        if TRUNCATED in tree:
            notices.append(
                f"GitHub listed only part of the tree at {commit[:10]}; contracts may be missing."
            )
        if ODD_ENTRIES in tree:
            notices.append(
                f"{tree[ODD_ENTRIES]} tree entries at {commit[:10]} had a path or SHA that is "
                "not a plain repository path or object name; they were not read."
            )
        documents, listed = _documents(tree)
        if listed > MAX_DOCUMENTS:
            notices.append(
                f"The base commit has {listed} contract documents; "
                f"only the first {MAX_DOCUMENTS} were read."
            )
        contracts = []
        with self._lock:
            parsed = [self._blobs.get(tree[p], f"{p}: not read") for p in documents]
        for result in parsed:
            if isinstance(result, str):
                notices.append(f"Contract left out: {result}")
            elif result is not None:
                contracts.append(result.model_copy(update={"commit": commit}))
        ci = self._ci(commit, tree.get(CI_DEPENDENCIES_PATH), notices)
        skill = self._skill(commit, tree)
        notices += skill.notices
        return RepositoryData(tuple(contracts), ci, "github", repo, commit, notices, skill)

    def _skill(self, commit: str, tree: dict[str, str]) -> ReviewSkill:
        """The review rules at ``commit``; a file absent there is simply not in force."""
        documents, hooks, notices = [], None, []
        for path in SKILL_PATHS:
            if path not in tree:
                continue
            with self._lock:
                known = self._skill_blobs.get((tree[path], path), f"{path}: not read")
            if isinstance(known, str):
                notices.append(
                    f"Review rule file left out: {known}"
                    if path != PRE_COMMIT_CONFIG
                    else f"Pre-commit hooks not shown: {known}"
                )
            elif isinstance(known, PreCommitHooks):
                hooks = replace(known, commit=commit)
            else:
                documents.append(replace(known, commit=commit))
        return ReviewSkill(tuple(documents), hooks, tuple(notices))

    def _ci(self, commit: str, sha: str | None, notices: list[str]) -> CiDependencies | None:
        if sha is None:
            notices.append(f"CI jobs not shown: no {CI_DEPENDENCIES_PATH} at the base commit.")
            return None
        with self._lock:
            known = self._ci_blobs.get(sha, f"{CI_DEPENDENCIES_PATH}: not read")
        if isinstance(known, str):
            notices.append(f"CI jobs not shown: {known}")
            return None
        return CiDependencies(known.jobs, known.fallback, known.path, commit)

    def _contents(self, repo: str, path: str, commit: str, until: float | None = None) -> str:
        what = f"{path} at {commit[:10]}"
        url = self._url(repo, f"contents/{quote(path)}?ref={quote(commit)}")
        body = self.client.get_json(url, what, until)
        content = body.get("content") if isinstance(body, dict) else None
        if (
            not isinstance(body, dict)
            or body.get("encoding") != "base64"
            or not isinstance(content, str)
        ):
            raise ReviewKitError(f"{path}: GitHub sent no base64 content")
        try:
            # GitHub wraps the base64 at 60 columns; anything else outside the
            # alphabet is garbage, not to be skipped silently.
            raw = base64.b64decode("".join(content.split("\n")), validate=True)
        except (ValueError, binascii.Error):
            raise ReviewKitError(f"{path}: content is not base64") from None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ReviewKitError(f"{path}: content is not base64-encoded UTF-8") from None


T = TypeVar("T")

# The review rules the kit reads beside the contracts, one contents request each.
SKILL_PATHS = (*SKILL_FILES, PRE_COMMIT_CONFIG)

# Keys no path can be: a tree GitHub listed only in part; how many entries were odd.
TRUNCATED = "\0truncated"
ODD_ENTRIES = "\0odd"


def _documents(tree: dict[str, str]) -> tuple[list[str], int]:
    """The contract documents to read (at most ``MAX_DOCUMENTS``), and how many the tree lists."""
    documents = sorted(p for p in tree if is_contract_path(p))
    return documents[:MAX_DOCUMENTS], len(documents)


def _parsed(text: str | ReviewKitError, parse: Callable[[str], T]) -> T | str:
    """What ``parse`` makes of a document, or the line saying why there is nothing."""
    if isinstance(text, ReviewKitError):
        return str(text)
    try:
        return parse(text)
    except ReviewKitError as exc:
        return str(exc)


def _parsed_contract(text: str | ReviewKitError, path: str) -> ModuleContract | None | str:
    return _parsed(text, lambda body: contract_from_document(body, path))


def _parsed_ci(text: str | ReviewKitError) -> CiDependencies | str:
    return _parsed(text, lambda body: parse_ci_dependencies(body, CI_DEPENDENCIES_PATH))


def _parsed_skill(text: str | ReviewKitError, path: str) -> SkillDocument | PreCommitHooks | str:
    if path == PRE_COMMIT_CONFIG:
        return _parsed(text, parse_pre_commit)
    return _parsed(text, lambda body: parse_skill_document(body, path))
