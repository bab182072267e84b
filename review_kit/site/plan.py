"""Fetch and analyse every PR a build asks for, concurrently and politely.

Kept apart from the hook so that tests and benchmarks can run it without
MkDocs: the hook only turns these reviews into pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..analysis import Review, Scan, analyse, scan
from ..analysis.memo import FindingsMemo
from ..catalog.loading import Catalog
from ..errors import ReviewKitError
from ..pr.model import PullRequest
from ..pr.sources.github import NOTICE_LEVELS, from_github
from ..pr.sources.github_api import GitHubClient, GitHubSettings
from ..repo.model import RepositoryData
from ..repo.sources import GitHubRepositoryData, repository_data_for
from ..untrusted_files import local_key, read_untrusted, seal, unseal, write_atomically

log = logging.getLogger("review_kit.build")

# GitHub's secondary limits allow at most 100 concurrent requests; twelve stays
# far below that while hiding most latency. Each answer also costs this
# process some CPU (JSON, the cache's SQLite) under the GIL, so fewer workers
# left the network idle: with 8, a cold fetch of 300 PRs took 0.17 of its
# summed request time; with 12, 0.12 (make bench).
MAX_CONCURRENT_FETCHES = 12

# Under `mkdocs serve` every edit rebuilds the site; a PR fetched once per
# process is enough. The caller owns this memo: (api url, repo, number) -> PR,
# and (api url, repo, "base:" + sha) -> the repository data at that base.
ServeMemo = dict[tuple[str, str, int | str], PullRequest | RepositoryData]


def fetch_reviews(
    repo: str,
    numbers: list[int] | tuple[int, ...],
    github: GitHubSettings,
    catalog: Catalog,
    memo: ServeMemo | None = None,
) -> list[Review]:
    """Fetch every PR (concurrently) and analyse it; a PR that cannot be had fails the build."""
    scans: list[Scan] = []
    level = NOTICE_LEVELS[github.notice_level]
    key = memo_key(github)
    findings = read_findings_memo(github.cache_dir / FINDINGS_MEMO, key, level)

    def scan_all(prs: list[PullRequest]) -> None:
        scans.extend(scan(pr, catalog, findings) for pr in prs)

    prs, data = fetch(repo, numbers, github, memo, while_bases_download=scan_all)
    write_findings_memo(github.cache_dir / FINDINGS_MEMO, findings, key, level)
    return [
        analyse(pr, catalog, d, found=found)
        for pr, d, found in zip(prs, data, scans, strict=True)
    ]


def fetch(
    repo: str,
    numbers: list[int] | tuple[int, ...],
    github: GitHubSettings,
    memo: ServeMemo | None = None,
    while_bases_download: Callable[[list[PullRequest]], None] | None = None,
) -> tuple[list[PullRequest], list[RepositoryData]]:
    """Every PR and the repository data at its base, fetched concurrently.

    ``while_bases_download`` gets the PRs once they are in and runs while the
    repository data downloads: work that needs only the PRs (the content
    rules) overlaps the network wait instead of following it.
    """
    client = GitHubClient(github)

    # One reader per build: PRs on the same base commit share one reading.
    at_base = GitHubRepositoryData(client)
    known_bases = _memo_bases(memo, github.api_url, repo)

    def one(number: int) -> PullRequest:
        key = (github.api_url, repo, number)
        if memo is not None and key in memo:
            return memo[key]
        pr = from_github(client, repo, number)  # errors already name the PR
        if memo is not None:
            memo[key] = pr
        if pr.source == "api" and pr.base_sha and pr.base_sha not in known_bases:
            # Its base's tree, while the other PRs are still coming in.
            at_base.prefetch_tree(repo, pr.base_sha)
        return pr

    def repository(pr: PullRequest) -> RepositoryData:
        key = (github.api_url, repo, f"base:{pr.base_sha}")
        if memo is not None and pr.source == "api" and key in memo:
            return memo[key]
        data = repository_data_for(pr, github=at_base)
        if memo is not None and pr.source == "api":
            memo[key] = data
        return data

    try:
        with ThreadPoolExecutor(max_workers=MAX_CONCURRENT_FETCHES) as pool:
            prs = list(pool.map(one, numbers))
        # Every base commit the live PRs stand on, read once and concurrently;
        # the reader picks the URLs from the set of bases alone, so the same
        # PRs always ask for the same URLs and a warm build is all 304s.
        fresh = sorted(
            {pr.base_sha for pr in prs if pr.source == "api" and pr.base_sha}
            - known_bases
        )
        with ThreadPoolExecutor(max_workers=1) as bases:
            pending = bases.submit(at_base.at_many, repo, fresh) if fresh else None
            if while_bases_download is not None:
                while_bases_download(prs)
            if pending is not None:
                pending.result()  # the reader keeps it for repository() below
        firsts = {(pr.source, pr.base_sha): pr for pr in reversed(prs)}
        read = {key: repository(firsts[key]) for key in sorted(firsts)}
        data = [read[(pr.source, pr.base_sha)].own_copy() for pr in prs]
    finally:
        client.close()
    return prs, data


# In the cache directory, beside the HTTP cache: what the content rules found
# in each file, so a warm build reads no patch it has read before.
FINDINGS_MEMO = "findings-memo.json"
# Anyone can compute a memo key, so whoever writes the cache directory could
# plant an entry that hides a finding: the memo is sealed with a key kept
# outside it (in the user's state folder) and used only if the seal holds.
MEMO_KEY = "findings-memo.key"
MEMO_LABEL = "vllm-omni-review-kit-findings-memo-v2"
# 20,000 entries of a few hundred bytes; a file far past that was not ours.
MAX_MEMO_BYTES = 64 << 20


def memo_key(github: GitHubSettings) -> bytes | None:
    """The key that seals the memo, or None (and a log line): then no memo is read or written."""
    level = NOTICE_LEVELS[github.notice_level]
    if github.state_dir is None:
        log.log(level, "No state folder (HOME unset): no findings memo, every patch is read")
        return None
    path = github.state_dir / MEMO_KEY
    try:
        if path.resolve().is_relative_to(github.cache_dir.resolve()):
            log.log(level, "%s: a key inside the cache directory proves nothing; no memo", path)
            return None
        return local_key(path)
    except RuntimeError:  # resolve() on a symlink loop
        log.log(level, "%s: no findings memo (a symlink loop in its path)", path)
        return None
    except (OSError, ReviewKitError) as exc:
        log.log(level, "%s: no findings memo (%s)", path, _cause(exc))
        return None


def read_findings_memo(path: Path, key: bytes | None, level: int = logging.INFO) -> FindingsMemo:
    """The memo at ``path``; an empty one (and a log line) when it is missing, refused or unproven."""
    if key is None:
        return FindingsMemo()
    try:
        text = unseal(read_untrusted(path, MAX_MEMO_BYTES), key, MEMO_LABEL).decode("utf-8")
        return FindingsMemo.from_json(text)
    except FileNotFoundError:
        return FindingsMemo()
    except (ReviewKitError, UnicodeDecodeError, ValueError) as exc:
        log.log(level, "%s: not used, the content rules read every patch again (%s)", path, exc)
        return FindingsMemo()


def write_findings_memo(
    path: Path, memo: FindingsMemo, key: bytes | None, level: int = logging.INFO
) -> None:
    """Write the memo if it learned anything, whole or not at all; a failure only costs speed."""
    if not memo.changed or key is None:
        return
    try:
        write_atomically(path, seal(memo.to_json().encode("utf-8"), key, MEMO_LABEL))
    except OSError as exc:
        log.log(level, "%s: not written, the old one is kept (%s)", path, _cause(exc))


def _cause(exc: Exception) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def _memo_bases(memo: ServeMemo | None, api_url: str, repo: str) -> set[str]:
    """Base commits whose repository data the serve memo already holds."""
    if memo is None:
        return set()
    return {
        str(key[2])[5:]
        for key in memo
        if key[0] == api_url and key[1] == repo and str(key[2]).startswith("base:")
    }
