"""Issue 25, classes 6 and 7: a planted cache directory and the PR's own checkout are untrusted.

Class 7: whoever can write ``REVIEW_CACHE_DIR`` plants symlinks, FIFOs, huge
files and forged memo entries. Class 6: ``--repo-dir`` is often the PR's own
checkout, so contracts and the CI map come from git at the base commit.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import REPO
from test_review_tool import run

import review_kit.analysis.rules as rules_module
from review_kit.analysis.memo import FindingsMemo
from review_kit.analysis.rules import scan
from review_kit.catalog.loading import load_catalog
from review_kit.pr.model import ChangedFile, PullRequest
from review_kit.pr.sources import http_cache
from review_kit.pr.sources.github_api import GitHubSettings
from review_kit.site.plan import (
    FINDINGS_MEMO,
    MAX_MEMO_BYTES,
    MEMO_KEY,
    MEMO_LABEL,
    fetch_reviews,
    memo_key,
    read_findings_memo,
    write_findings_memo,
)
from review_kit.testing.github_stub import GitHubStub
from review_kit.untrusted_files import (
    UntrustedFileError,
    local_key,
    read_untrusted,
    seal,
    write_atomically,
)

OMNI = "vllm-project/vllm-omni"
WORKER = "vllm_omni/worker/runner.py"
PATCH = "@@ -1,0 +1,3 @@\n+import pickle\n+state = pickle.loads(blob)\n+n = t.item()\n"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def worker_file() -> ChangedFile:
    return ChangedFile(WORKER, "modified", 3, 0, patch=PATCH)


def pr_with(*files: ChangedFile) -> PullRequest:
    return PullRequest(number=7, repo=OMNI, files=list(files), changed_files=len(files))


def rules_for(catalog):
    return catalog.focus_map.rule_set.for_path(WORKER)


def settings(tmp_path: Path, url: str = "http://127.0.0.1:9") -> GitHubSettings:
    return GitHubSettings(api_url=url, cache_dir=tmp_path / "cache", state_dir=tmp_path / "state")


def messages(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records]


def within(seconds: float, action):
    """``action()``'s result, or a failure (not a hang) after ``seconds``."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = action()
        except BaseException as exc:  # noqa: BLE001 - raised again in the test's thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


# -- reading a file someone may have planted --------------------------------------------


def test_a_symlinked_memo_is_refused_not_followed(tmp_path, caplog):
    """The memo as a symlink (to /dev/zero, or to a file of the attacker's) is never opened."""
    (tmp_path / "cache").mkdir()
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("{}")
    memo = tmp_path / "cache" / FINDINGS_MEMO
    memo.symlink_to(elsewhere)
    with caplog.at_level(logging.INFO, logger="review_kit"):
        found = read_findings_memo(memo, b"k" * 64)
    assert len(found) == 0
    [line] = messages(caplog)
    assert str(memo) in line and "symlink" in line


def test_a_fifo_memo_does_not_hang_the_build(tmp_path, caplog):
    memo = tmp_path / FINDINGS_MEMO
    os.mkfifo(memo)
    try:
        with caplog.at_level(logging.INFO, logger="review_kit"):
            found = within(5, lambda: read_findings_memo(memo, b"k" * 64))
    finally:
        # Release a reader left blocked on the FIFO (the old code's open never returned).
        with contextlib.suppress(OSError):  # no reader waiting: nothing to release
            os.close(os.open(memo, os.O_WRONLY | os.O_NONBLOCK))
    assert len(found) == 0
    [line] = messages(caplog)
    assert str(memo) in line and "FIFO" in line


def test_a_huge_sparse_memo_is_refused_before_reading(tmp_path, caplog):
    memo = tmp_path / FINDINGS_MEMO
    with memo.open("wb") as out:
        out.truncate(2 << 30)  # 2 GiB of nothing, on no disk
    with caplog.at_level(logging.INFO, logger="review_kit"):
        found = within(5, lambda: read_findings_memo(memo, b"k" * 64))
    assert len(found) == 0
    [line] = messages(caplog)
    assert str(memo) in line and f"{MAX_MEMO_BYTES}-byte limit" in line


@pytest.mark.parametrize("kind", ["directory", "symlink", "fifo"])
def test_read_untrusted_takes_regular_files_only(tmp_path, kind):
    path = tmp_path / "x"
    if kind == "directory":
        path.mkdir()
    elif kind == "symlink":
        (tmp_path / "target").write_text("secret")
        path.symlink_to(tmp_path / "target")
    else:
        os.mkfifo(path)
    with pytest.raises(UntrustedFileError, match=f"{path}: refused, it is a"):
        within(5, lambda: read_untrusted(path, 100))


def test_read_untrusted_reads_a_plain_file_up_to_its_limit(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(b"12345")
    assert read_untrusted(path, 5) == b"12345"
    with pytest.raises(UntrustedFileError, match="5 bytes is over the 4-byte limit"):
        read_untrusted(path, 4)


# -- writing: a fresh temporary file, renamed; a failure keeps the old file --------------


def test_a_planted_partial_symlink_is_not_written_through(tmp_path, catalog):
    """The old code wrote ``findings-memo.json.partial``: a symlink there overwrote its target."""
    cache = tmp_path / "cache"
    cache.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (cache / (FINDINGS_MEMO + ".partial")).symlink_to(victim)
    memo = FindingsMemo()
    scan(pr_with(worker_file()), catalog, memo)
    key = b"k" * 64
    write_findings_memo(cache / FINDINGS_MEMO, memo, key)
    assert victim.read_text() == "precious"
    assert len(read_findings_memo(cache / FINDINGS_MEMO, key)) == 1
    assert not list(cache.glob("*.tmp"))


def test_a_full_disk_keeps_the_old_memo_and_says_so(tmp_path, catalog, monkeypatch, caplog):
    path = tmp_path / FINDINGS_MEMO
    key = b"k" * 64
    memo = FindingsMemo()
    scan(pr_with(worker_file()), catalog, memo)
    write_findings_memo(path, memo, key)
    before = path.read_bytes()

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    memo.put("0" * 64, rules_module.FileScan())  # something new to write
    with caplog.at_level(logging.INFO, logger="review_kit"):
        write_findings_memo(path, memo, key)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [FINDINGS_MEMO]  # no temporary left
    [line] = messages(caplog)
    assert str(path) in line and "No space left on device" in line and "old one is kept" in line


def test_write_atomically_never_replaces_a_symlink_target(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("precious")
    link = tmp_path / "out"
    link.symlink_to(victim)
    write_atomically(link, b"new")
    assert victim.read_text() == "precious"
    assert not link.is_symlink() and link.read_bytes() == b"new"


# -- a forged memo entry never hides a finding, nor shows a title of its own -------------


def stub_pr() -> tuple[dict, list[dict]]:
    pull = {
        "number": 7,
        "title": "Read state",
        "user": {"login": "a"},
        "body": "",
        "base": {"sha": "b" * 40, "ref": "main"},
        "head": {"sha": "a" * 40, "ref": "x"},
        "additions": 3,
        "deletions": 0,
        "changed_files": 1,
    }
    row = {"filename": WORKER, "status": "modified", "additions": 3, "deletions": 0}
    row |= {"patch": PATCH, "sha": "c" * 40}
    return pull, [row]


def build(stub: GitHubStub, tmp_path: Path, catalog):
    stub.add_pr(OMNI, *stub_pr())
    stub.add_repository(OMNI, "b" * 40)
    return fetch_reviews(OMNI, [7], settings(tmp_path, stub.url), catalog)[0]


def poisoned_memo(catalog) -> FindingsMemo:
    """What an attacker computes: the file's real key, with nothing found."""
    memo = FindingsMemo()
    memo.put(FindingsMemo.key(worker_file(), rules_for(catalog)), rules_module.FileScan())
    return memo


@pytest.mark.parametrize("sealed_with", [None, b"a" * 64], ids=["unsealed", "attacker-key"])
def test_a_precomputed_memo_entry_does_not_hide_a_finding(tmp_path, catalog, sealed_with):
    cache = tmp_path / "cache"
    cache.mkdir()
    text = poisoned_memo(catalog).to_json().encode()
    planted = text if sealed_with is None else seal(text, sealed_with, MEMO_LABEL)
    (cache / FINDINGS_MEMO).write_bytes(planted)
    with GitHubStub() as stub:
        review = build(stub, tmp_path, catalog)
    assert {"unsafe-deserialisation", "host-sync-hot-path"} <= {f.rule for f in review.findings}


def test_the_memo_still_spares_a_warm_build(tmp_path, catalog, monkeypatch):
    """Sealed with the user's own key, the memo is trusted: the second build reads no patch."""
    reads: list[str] = []
    real = rules_module.scan_file

    def counting(file, rule_set):
        reads.append(file.filename)
        return real(file, rule_set)

    monkeypatch.setattr(rules_module, "scan_file", counting)
    real.cache_clear()
    with GitHubStub() as stub:
        cold = build(stub, tmp_path, catalog)
        real.cache_clear()
        warm = build(stub, tmp_path, catalog)
    assert reads == [WORKER] and warm.findings == cold.findings and cold.findings
    assert (tmp_path / "state" / MEMO_KEY).stat().st_mode & 0o077 == 0


def test_a_memo_entry_shows_only_the_catalog_s_titles_and_sections(catalog):
    """Title, guide section and message come from the rule; an unknown rule sends the file
    back to the rules, and a stored title is not a field the memo accepts at all."""
    key = FindingsMemo.key(worker_file(), rules_for(catalog))
    unknown = {key: {"findings": [{"rule": "no-such-rule", "line": 2, "text": "x"}]}}
    memo = FindingsMemo.from_json(json.dumps(unknown))
    assert memo.get(key, worker_file(), rules_for(catalog)) is None
    found = scan(pr_with(worker_file()), catalog, memo).findings
    by_id = {r.id: r for r in catalog.focus_map.rule_set.rules}
    assert found and all(f.title == by_id[f.rule].title for f in found)
    assert all(f.guide == by_id[f.rule].guide for f in found)
    titled = {key: {"findings": [{"rule": "host-sync-hot-path", "line": 3, "text": "x",
                                  "title": "@org/team <img src=x>", "guide": "99.9"}]}}  # fmt: skip
    with pytest.raises(ValueError, match="not a findings memo"):
        FindingsMemo.from_json(json.dumps(titled))


def test_the_seal_key_never_lives_in_the_cache_directory(tmp_path, caplog):
    inside = GitHubSettings(cache_dir=tmp_path, state_dir=tmp_path / "state")
    with caplog.at_level(logging.INFO, logger="review_kit"):
        assert memo_key(inside) is None
    assert "inside the cache directory" in messages(caplog)[0]


def test_a_planted_key_is_refused(tmp_path):
    key = tmp_path / MEMO_KEY
    key.symlink_to(tmp_path / "attacker")
    (tmp_path / "attacker").write_text("a" * 64)
    with pytest.raises(UntrustedFileError, match="symlink"):
        local_key(key)


# -- the HTTP cache's SQLite files -------------------------------------------------------


def valid(url: str, body: bytes) -> bool:
    return True


def make_cache(cache: Path) -> None:
    backend = http_cache.open_backend(cache, valid)
    backend.close()


PROBE = """
import logging, sys
from pathlib import Path
logging.basicConfig(level=logging.WARNING, format="%(message)s")
from review_kit.pr.sources import http_cache
backend = http_cache.open_backend(Path(sys.argv[1]), lambda url, body: True)
print(type(backend).__name__)
"""


@pytest.mark.parametrize("suffix", ["-shm", "-wal", ""])
@pytest.mark.parametrize("plant", ["symlink", "fifo", "hardlink"])
def test_a_planted_sqlite_file_means_no_cache_not_a_hang(tmp_path, suffix, plant):
    cache = tmp_path / "cache"
    make_cache(cache)
    database = cache / "github-http.sqlite"
    before = database.read_bytes()
    target = cache / f"github-http.sqlite{suffix}"
    target.unlink(missing_ok=True)
    victim = tmp_path / "victim"
    victim.write_bytes(b"someone else's file")
    if plant == "symlink":
        target.symlink_to("/dev/zero")
    elif plant == "hardlink":  # SQLite would write through it to the victim
        os.link(victim, target)
    else:
        os.mkfifo(target)
    try:
        result = subprocess.run(
            [sys.executable, "-c", PROBE, str(cache)],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"opening the cache with a planted {plant} at {target.name} hung")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "BaseCache"  # in memory: no cache on disk this run
    [line] = result.stderr.strip().splitlines()
    assert str(target) in line and "refused" in line and "without a cache" in line
    assert os.path.lexists(target)  # left where it is: not ours to delete
    assert victim.read_bytes() == b"someone else's file"
    if suffix:
        assert database.read_bytes() == before


@pytest.mark.parametrize(
    "cause", ["database or disk is full", "attempt to write a readonly database"]
)
def test_a_full_disk_or_read_only_folder_never_moves_the_cache_aside(
    tmp_path, monkeypatch, caplog, cause
):
    cache = tmp_path / "cache"
    make_cache(cache)

    def failing(*args):
        raise sqlite3.OperationalError(cause)

    monkeypatch.setattr(http_cache, "_open", failing)
    with caplog.at_level(logging.WARNING, logger="review_kit"):
        backend = http_cache.open_backend(cache, valid)
    assert type(backend).__name__ == "BaseCache"
    assert (cache / "github-http.sqlite").is_file()
    assert not list(cache.glob("*.broken-*"))
    [line] = messages(caplog)
    assert cause in line and "without a cache" in line


def test_a_corrupt_cache_is_still_moved_aside(tmp_path, caplog):
    cache = tmp_path / "cache"
    make_cache(cache)
    for leftover in cache.glob("github-http.sqlite-*"):
        leftover.unlink()
    (cache / "github-http.sqlite").write_bytes(b"\0" * 4096 + b"not sqlite" * 100)
    with caplog.at_level(logging.WARNING, logger="review_kit"):
        backend = http_cache.open_backend(cache, valid)
    assert type(backend).__name__ != "BaseCache"
    assert list(cache.glob("github-http.sqlite.broken-*"))


def test_the_tool_runs_without_a_cache_it_cannot_create(tmp_path):
    """A cache folder that cannot be made (read-only, or a file in the way): one notice, no exit 2."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    with GitHubStub() as stub:
        stub.add_pr(OMNI, *stub_pr())
        stub.add_repository(OMNI, "b" * 40)
        result = run("--pr-number", "7", "--format", "json", api_url=stub.url, cache=blocker / "c")
    assert result.returncode == 0, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "file/c: cannot create" in line and "without a cache" in line


@pytest.mark.build
def test_a_strict_site_build_survives_a_planted_cache(tmp_path):
    """A FIFO memo, a -shm symlink and a symlinked .partial: the build finishes, says why, and
    writes through nothing (the old build hung on the FIFO)."""
    cache = tmp_path / "cache"
    make_cache(cache)
    os.mkfifo(cache / FINDINGS_MEMO)
    (cache / "github-http.sqlite-shm").unlink(missing_ok=True)
    (cache / "github-http.sqlite-shm").symlink_to("/dev/zero")
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (cache / (FINDINGS_MEMO + ".partial")).symlink_to(victim)
    env = {**os.environ, "REVIEW_PRS": "19", "REVIEW_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=REPO, timeout=300
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the site build hung on the planted cache")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert "github-http.sqlite-shm: refused, it is a symlink" in result.stderr
    assert f"{FINDINGS_MEMO}: refused, it is a FIFO" in result.stderr
    assert victim.read_text() == "precious"
    assert (tmp_path / "site/prs/19/index.html").is_file()


# -- class 6: --repo-dir is read at the PR's base commit, from git ------------------------

CI_FILE = ".buildkite/common/ci_source_file_dependencies.yml"
ENGINE_CONTRACT = "docs/design/module/engine_orchestration.md"
MALLORY = "---\ntitle: Mine now\nowners: ['@mallory']\nprimary_code_paths: ['vllm_omni/']\n---\n"


def git(checkout: Path, *args: str) -> str:
    command = ["git", "-C", str(checkout), "-c", "user.name=t", "-c", "user.email=t@t"]
    return subprocess.run([*command, *args], check=True, capture_output=True, text=True).stdout


def vllm_omni_checkout(tmp_path: Path, base_extra=None) -> Path:
    """A vllm-omni checkout whose ``main`` holds the snapshot's contracts and CI map.

    ``base_extra(checkout)`` adds to the base commit; the branch ``pr`` then
    rewrites a contract and adds one, as a PR's author could.
    """
    from test_contracts import snapshot_documents

    checkout = tmp_path / "vllm-omni"
    for path, text in snapshot_documents().items():
        (checkout / path).parent.mkdir(parents=True, exist_ok=True)
        (checkout / path).write_text(text)
    (checkout / CI_FILE).parent.mkdir(parents=True)
    (checkout / CI_FILE).write_text(
        (REPO / "review_kit/data/ci_source_file_dependencies.yml").read_text()
    )
    (checkout / "vllm_omni/engine").mkdir(parents=True)
    (checkout / "vllm_omni/engine/orchestrator.py").write_text("x = 1\n")
    if base_extra:
        base_extra(checkout)
    git(checkout, "init", "-q", "-b", "main")
    git(checkout, "add", ".")
    git(checkout, "commit", "-qm", "base")
    git(checkout, "checkout", "-qb", "pr")
    (checkout / ENGINE_CONTRACT).write_text(MALLORY)
    (checkout / "docs/design/module/takeover.md").write_text(MALLORY)
    (checkout / "vllm_omni/engine/orchestrator.py").write_text("x = 2\n")
    git(checkout, "add", ".")
    git(checkout, "commit", "-qm", "the PR")
    # Uncommitted, as after an edit in the checked-out PR: never read either.
    (checkout / "docs/design/module/uncommitted.md").write_text(MALLORY)
    return checkout


def review_of(checkout: Path, tmp_path: Path, *args: str) -> tuple[dict, str]:
    result = run(
        "--git", "main...pr", "--repo-dir", str(checkout), "--format", "json", *args,
        cache=tmp_path / "cache",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout), result.stderr


def test_the_pr_s_own_contracts_do_not_choose_its_reviewers(tmp_path):
    checkout = vllm_omni_checkout(tmp_path)
    data, _ = review_of(checkout, tmp_path)
    base = git(checkout, "rev-parse", "main").strip()
    assert data["repository_data"]["origin"] == "checkout"
    assert "mallory" not in json.dumps(data).lower()
    logins = {r["login"] for r in data["suggested_reviewers"]}
    assert logins, "the base commit's owners are suggested"
    assert all(f"/blob/{base}/" in c["url"] for c in data["contracts"])
    assert not any(c["path"].endswith(("takeover.md", "uncommitted.md")) for c in data["contracts"])


def linked_out_of_the_repository(checkout: Path) -> None:
    outside = checkout.parent / "outside.md"
    outside.write_text(MALLORY)
    (checkout / "docs/design/module/linked.md").symlink_to(outside)


def test_a_symlinked_contract_at_the_base_is_not_followed(tmp_path):
    checkout = vllm_omni_checkout(tmp_path, linked_out_of_the_repository)
    data, _ = review_of(checkout, tmp_path)
    assert "mallory" not in json.dumps(data["suggested_reviewers"]).lower()
    assert any("linked.md: is a symlink at the base commit" in n for n in data["notices"])


def huge_contract_and_linked_ci_map(checkout: Path) -> None:
    (checkout / "docs/design/module/huge.md").write_text(MALLORY + "x" * (2 << 20))
    (checkout / CI_FILE).unlink()
    (checkout / CI_FILE).symlink_to("/dev/zero")


def test_sizes_are_checked_before_reading_and_a_linked_ci_map_is_refused(tmp_path):
    checkout = vllm_omni_checkout(tmp_path, huge_contract_and_linked_ci_map)
    data, _ = review_of(checkout, tmp_path)
    notices = data["notices"]
    assert any("huge.md:" in n and "over the 1048576-byte limit" in n for n in notices), notices
    assert any(f"CI jobs not shown: {CI_FILE}: is a symlink" in n for n in notices), notices


def test_a_base_commit_the_checkout_lacks_falls_back_with_a_notice(tmp_path):
    checkout = vllm_omni_checkout(tmp_path)
    files = tmp_path / "files.json"
    pull = {"number": 5, "user": {"login": "a"}, "base": {"sha": "f" * 40, "ref": "main"}}
    files.write_text(
        json.dumps({"pull": pull, "files": [{"filename": WORKER, "status": "modified"}]})
    )
    result = run(
        "--files-from", str(files), "--repo-dir", str(checkout), "--format", "json",
        cache=tmp_path / "cache",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["repository_data"]["origin"] == "snapshot"
    assert any(f"commit {'f' * 40} is not in the checkout" in n for n in data["notices"])


def test_a_pr_with_no_base_commit_never_reads_the_checkout(tmp_path):
    checkout = vllm_omni_checkout(tmp_path)
    files = tmp_path / "files.json"
    files.write_text(json.dumps([{"filename": WORKER, "status": "modified"}]))
    result = run(
        "--files-from", str(files), "--repo-dir", str(checkout), "--format", "json",
        cache=tmp_path / "cache",
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert data["repository_data"]["origin"] == "snapshot"
    assert any("names no base commit" in n for n in data["notices"])


def test_an_export_never_writes_through_a_planted_temporary_name(tmp_path):
    """The review tool's ``--export`` once wrote ``.NAME.partial`` first: a symlink there won."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / ".report.md.partial").symlink_to(victim)
    files = tmp_path / "files.json"
    files.write_text(json.dumps([{"filename": WORKER, "status": "modified", "patch": PATCH}]))
    out = tmp_path / "report.md"
    result = run("--files-from", str(files), "--export", str(out), cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "precious"
    assert "Findings" in out.read_text() and out.stat().st_mode & 0o777 == 0o644


def test_git_output_is_bounded(tmp_path):
    """A base commit's listing is read with a cap: past it git is stopped, one line says why."""
    from review_kit.git import GitError, run_git

    checkout = vllm_omni_checkout(tmp_path)
    listing = run_git(checkout, "ls-tree", "-r", "main", max_bytes=1 << 20)
    assert b"engine_orchestration.md" in listing
    with pytest.raises(GitError, match=r"git ls-tree in .*: output over 100 bytes"):
        run_git(checkout, "ls-tree", "-r", "main", max_bytes=100)
    with pytest.raises(GitError, match="Not a valid object name"):
        run_git(checkout, "ls-tree", "no-such-commit", max_bytes=100)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"XDG_STATE_HOME": "/state", "HOME": "/home/u"}, "/state/vllm-omni-review-kit"),
        (
            {"XDG_STATE_HOME": "relative", "HOME": "/home/u"},
            "/home/u/.local/state/vllm-omni-review-kit",
        ),
        ({}, None),
    ],
)
def test_the_seal_key_s_folder_follows_xdg(tmp_path, env, expected):
    from review_kit.settings import github_settings

    state = github_settings(tmp_path, env).state_dir
    assert (str(state) if state else None) == expected
