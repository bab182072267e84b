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
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from ...errors import ReviewKitError
from ...pr.sources.github_api import GitHubClient
from ..ci import CI_DEPENDENCIES_PATH, CiDependencies, parse_ci_dependencies
from ..contracts import ModuleContract, contract_from_document, is_contract_path
from ..model import RepositoryData
from .snapshot import from_snapshot

# vllm-omni has about 25 contract documents; a tree listing far more is not
# the repository we know, and reading it all would spend the rate limit.
MAX_DOCUMENTS = 60
MAX_CONCURRENT = 8


class GitHubRepositoryData:
    """Reads repository data at a commit; one instance per build shares its memos."""

    def __init__(self, client: GitHubClient) -> None:
        self.client = client
        self._lock = threading.Lock()
        self._at: dict[tuple[str, str], RepositoryData] = {}
        # blob SHA -> parsed document (None: no front matter), or the error line.
        self._blobs: dict[str, ModuleContract | None | str] = {}
        self._ci_blobs: dict[str, CiDependencies | str] = {}

    def at(self, repo: str, commit: str) -> RepositoryData:
        """Data at ``commit``, else the snapshot with a notice saying why."""
        key = (repo, commit)
        with self._lock:
            known = self._at.get(key)
        if known is not None:
            return _copy(known)
        try:
            data = self._read(repo, commit)
        except ReviewKitError as exc:
            data = from_snapshot()
            data.notices.append(
                f"Module contracts and CI jobs could not be read at the base commit ({exc}); "
                "showing the kit's bundled snapshot of them instead."
            )
        with self._lock:
            self._at[key] = data
        return _copy(data)

    def _url(self, repo: str, tail: str) -> str:
        return f"{self.client.settings.api_url}/repos/{repo}/{tail}"

    def _read(self, repo: str, commit: str) -> RepositoryData:
        what = f"tree of {repo} at {commit[:10]}"
        tree = self.client.get_json(self._url(repo, f"git/trees/{quote(commit)}?recursive=1"), what)
        entries = tree.get("tree") if isinstance(tree, dict) else None
        if not isinstance(entries, list):
            raise ReviewKitError(f"{what}: GitHub sent no tree")
        blobs = {
            e["path"]: e.get("sha") or ""
            for e in entries
            if isinstance(e, dict) and e.get("type") == "blob" and isinstance(e.get("path"), str)
        }
        notices = []
        if tree.get("truncated"):
            notices.append(
                f"GitHub listed only part of the tree at {commit[:10]}; contracts may be missing."
            )
        documents = sorted(p for p in blobs if is_contract_path(p))
        if len(documents) > MAX_DOCUMENTS:
            notices.append(
                f"The base commit has {len(documents)} contract documents; "
                f"only the first {MAX_DOCUMENTS} were read."
            )
            documents = documents[:MAX_DOCUMENTS]

        def read(path: str) -> ModuleContract | None | str:
            sha = blobs[path]
            with self._lock:
                if sha and sha in self._blobs:
                    return self._blobs[sha]
            try:
                text = self._contents(repo, path, commit)
                parsed: ModuleContract | None | str = contract_from_document(text, path)
            except ReviewKitError as exc:
                parsed = str(exc)
            with self._lock:
                if sha:
                    self._blobs[sha] = parsed
            return parsed

        with ThreadPoolExecutor(max_workers=MAX_CONCURRENT) as pool:
            parsed = list(pool.map(read, documents))
        contracts = []
        for result in parsed:
            if isinstance(result, str):
                notices.append(f"Contract left out: {result}")
            elif result is not None:
                contracts.append(result.model_copy(update={"commit": commit}))
        ci = self._ci(repo, commit, blobs.get(CI_DEPENDENCIES_PATH), notices)
        return RepositoryData(tuple(contracts), ci, "github", repo, commit, notices)

    def _ci(self, repo: str, commit: str, sha: str | None, notices: list[str]):
        if sha is None:
            notices.append(f"CI jobs not shown: no {CI_DEPENDENCIES_PATH} at the base commit.")
            return None
        with self._lock:
            known = self._ci_blobs.get(sha)
        if known is None:
            try:
                text = self._contents(repo, CI_DEPENDENCIES_PATH, commit)
                known = parse_ci_dependencies(text, CI_DEPENDENCIES_PATH)
            except ReviewKitError as exc:
                known = str(exc)
            with self._lock:
                self._ci_blobs[sha] = known
        if isinstance(known, str):
            notices.append(f"CI jobs not shown: {known}")
            return None
        return CiDependencies(known.jobs, known.fallback, known.path, commit)

    def _contents(self, repo: str, path: str, commit: str) -> str:
        what = f"{path} at {commit[:10]}"
        url = self._url(repo, f"contents/{quote(path)}?ref={quote(commit)}")
        body = self.client.get_json(url, what)
        if not isinstance(body, dict) or body.get("encoding") != "base64":
            raise ReviewKitError(f"{path}: GitHub sent no base64 content")
        try:
            return base64.b64decode(body.get("content") or "").decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            raise ReviewKitError(f"{path}: content is not base64-encoded UTF-8") from None


def _copy(data: RepositoryData) -> RepositoryData:
    # Each PR gets its own notices list; the contracts themselves are frozen.
    return RepositoryData(
        data.contracts, data.ci, data.origin, data.repo, data.commit, list(data.notices)
    )
