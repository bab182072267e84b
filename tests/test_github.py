"""The GitHub source against a real HTTP server on 127.0.0.1 that behaves as GitHub documents."""

from __future__ import annotations

import json
import logging
import os
import socket
import stat
import time

import pytest

from review_kit.pr.sources.github import fetch_with_fallback, from_github
from review_kit.pr.sources.github_api import (
    GitHubClient,
    GitHubSettings,
    NetworkError,
    PullRequestNotFound,
)
from review_kit.settings import github_settings, resolve_token
from review_kit.testing.github_stub import Fault, GitHubStub, corpus_pr

REPO = "vllm-project/vllm-omni"
TOKEN = "ghp_testtokenDoNotLeak0123456789"


def make_pr(number: int, n_files: int, changed_files: int | None = None) -> tuple[dict, list[dict]]:
    pull = {
        "number": number,
        "title": f"PR {number}",
        "user": {"login": "octo"},
        "state": "open",
        "head": {"sha": "a" * 40, "ref": "feature"},
        "base": {"sha": "b" * 40, "ref": "main"},
        "html_url": f"https://github.com/{REPO}/pull/{number}",
        "additions": n_files,
        "deletions": 0,
        "changed_files": changed_files or n_files,
    }
    files = [
        {
            "filename": f"vllm_omni/engine/f{i}.py",
            "status": "modified",
            "additions": 1,
            "deletions": 0,
            "changes": 1,
            "sha": f"{i:040x}",
        }
        for i in range(n_files)
    ]
    return pull, files


@pytest.fixture
def stub():
    with GitHubStub() as server:
        server.add_pr(REPO, *make_pr(7, 250))
        yield server


def client_for(stub: GitHubStub, tmp_path, **overrides) -> GitHubClient:
    settings = GitHubSettings(
        api_url=stub.url,
        token=overrides.pop("token", TOKEN),
        cache_dir=tmp_path / "cache",
        timeout=overrides.pop("timeout", 5.0),
        backoff=0.01,
        max_wait=overrides.pop("max_wait", 3.0),
        **overrides,
    )
    return GitHubClient(settings)


def test_pagination_follows_link_headers(stub, tmp_path):
    """250 files arrive in three pages of at most 100, following rel="next"."""
    pr = client_for(stub, tmp_path).fetch(REPO, 7)
    assert len(pr.files) == 250 and not pr.truncated
    pages = [r.path for r in stub.requests if r.path.endswith("/files")]
    assert len(pages) == 3
    assert pr.files[0].sha == f"{0:040x}"


def test_headers_github_expects(stub, tmp_path):
    client_for(stub, tmp_path).fetch(REPO, 7)
    headers = stub.requests[0].headers
    assert headers["Accept"] == "application/vnd.github+json"
    assert headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert headers["User-Agent"].startswith("vllm-omni-review-kit/")
    assert headers["Authorization"] == f"Bearer {TOKEN}"


def test_unauthenticated_sends_no_authorization(stub, tmp_path):
    client_for(stub, tmp_path, token=None).fetch(REPO, 7)
    assert "Authorization" not in stub.requests[0].headers


def test_3000_file_cap_marks_the_list_truncated(tmp_path):
    """GitHub lists at most 3000 files; a 3500-file PR is marked truncated."""
    with GitHubStub() as stub:
        stub.add_pr(REPO, *make_pr(9, 3500, changed_files=3500))
        pr = client_for(stub, tmp_path).fetch(REPO, 9)
    assert len(pr.files) == 3000 and pr.changed_files == 3500 and pr.truncated
    assert len([r for r in stub.requests if "/files" in r.path]) == 30


def test_second_fetch_is_all_conditional(stub, tmp_path):
    """A warm fetch sends ETag requests only: every answer is a 304, none is charged."""
    client_for(stub, tmp_path).fetch(REPO, 7)
    cold = len(stub.requests)
    client = client_for(stub, tmp_path)
    pr = client.fetch(REPO, 7)
    warm = stub.requests[cold:]
    assert len(pr.files) == 250
    assert len(warm) == cold == 4
    assert all(r.status == 304 for r in warm)
    assert all("If-None-Match" in r.headers for r in warm)
    assert client.log.not_modified == 4


def test_enterprise_api_base(tmp_path):
    """GITHUB_API_URL of the form https://HOST/api/v3 works."""
    with GitHubStub(prefix="/api/v3") as stub:
        stub.add_pr(REPO, *make_pr(3, 2))
        assert stub.url.endswith("/api/v3")
        pr = client_for(stub, tmp_path).fetch(REPO, 3)
    assert len(pr.files) == 2
    assert stub.requests[0].path == f"/repos/{REPO}/pulls/3"


def test_404_is_not_found(stub, tmp_path):
    with pytest.raises(PullRequestNotFound, match=r"^PR #404 of vllm-project/vllm-omni: not found"):
        fetch_with_fallback(client_for(stub, tmp_path), REPO, 404)


def rate_limit_exhausted(reset_in: float) -> Fault:
    """GitHub's 403 when the primary rate limit is used up until `reset_in` seconds from now."""
    reset = str(int(time.time() + reset_in))
    return Fault(403, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})


def warm_cache(stub, tmp_path):
    client_for(stub, tmp_path).fetch(REPO, 7)


@pytest.mark.parametrize(
    ("fault", "cause"),
    [
        pytest.param(
            Fault(401, body=b'{"message": "Bad credentials"}'),
            "rejected the token (401: Bad credentials)",
            id="401",
        ),
        pytest.param(
            rate_limit_exhausted(reset_in=3600),
            "rate limit exhausted (403",
            id="403-rate-limit",
        ),
        pytest.param(
            Fault(429, headers={"Retry-After": "3600"}),
            "rate limit exhausted (429",
            id="429-long-wait",
        ),
        pytest.param(Fault(200, body=b"{not json"), "malformed JSON", id="malformed-json"),
    ],
)
def test_fault_falls_back_to_cache_with_notice(stub, tmp_path, fault, cause):
    """With a cached copy, each fault yields the cached PR and a notice naming the cause and age."""
    warm_cache(stub, tmp_path)
    stub.fail_next(fault)
    started = time.monotonic()
    pr = fetch_with_fallback(client_for(stub, tmp_path), REPO, 7)
    assert time.monotonic() - started < 3, "a long Retry-After must not be waited out"
    assert pr.source == "cache" and len(pr.files) == 250
    assert cause in pr.notices[0]
    assert "Showing the cached copy downloaded at" in pr.notices[0]
    assert " old)." in pr.notices[0]


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        pytest.param(Fault(401), "rejected the token", id="401"),
        pytest.param(
            rate_limit_exhausted(reset_in=3600),
            "rate limit exhausted",
            id="403-rate-limit",
        ),
        pytest.param(Fault(200, body=b"<html>"), "malformed JSON", id="malformed-json"),
    ],
)
def test_fault_without_cache_is_one_line_error(stub, tmp_path, fault, error):
    stub.fail_next(fault)
    with pytest.raises(NetworkError) as caught:
        fetch_with_fallback(client_for(stub, tmp_path), REPO, 7)
    text = str(caught.value)
    assert error in text and "no cached copy to fall back on" in text and "\n" not in text


def test_retry_after_within_bound_is_waited_out(stub, tmp_path):
    """429 with a short Retry-After: wait, retry, succeed with live data."""
    stub.fail_next(Fault(429, headers={"Retry-After": "1"}))
    client = client_for(stub, tmp_path)
    pr = fetch_with_fallback(client, REPO, 7)
    assert pr.source == "api" and client.log.waits == [1.0]


def test_rate_limit_reset_within_bound_is_waited_out(stub, tmp_path):
    stub.fail_next(rate_limit_exhausted(reset_in=1))
    client = client_for(stub, tmp_path)
    assert fetch_with_fallback(client, REPO, 7).source == "api"
    assert len(client.log.waits) == 1 and client.log.waits[0] <= 3


def test_intermittent_502_is_retried(stub, tmp_path):
    stub.fail_next(Fault(502), Fault(502))
    pr = fetch_with_fallback(client_for(stub, tmp_path), REPO, 7)
    assert pr.source == "api"
    assert [r.status for r in stub.requests[:3]] == [502, 502, 200]


def test_persistent_502_gives_up_after_retries(stub, tmp_path):
    stub.fail_next(*[Fault(502) for _ in range(4)])
    with pytest.raises(NetworkError, match="GitHub answered 502"):
        fetch_with_fallback(client_for(stub, tmp_path), REPO, 7)
    assert len(stub.requests) == 4  # one try and three retries


def test_slow_response_times_out(stub, tmp_path):
    stub.fail_next(*[Fault(200, delay=1.5) for _ in range(4)])
    with pytest.raises(NetworkError, match="did not answer within 0.5s"):
        fetch_with_fallback(client_for(stub, tmp_path, timeout=0.5, retries=0), REPO, 7)


def test_dropped_connection_is_retried(stub, tmp_path):
    stub.fail_next(Fault(drop=True))
    assert fetch_with_fallback(client_for(stub, tmp_path), REPO, 7).source == "api"


def test_connection_refused(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = GitHubSettings(
        api_url=f"http://127.0.0.1:{port}", cache_dir=tmp_path, retries=1, backoff=0.01
    )
    with pytest.raises(NetworkError, match="cannot reach 127.0.0.1:.*connection refused"):
        fetch_with_fallback(GitHubClient(settings), REPO, 7)


def test_default_pr_falls_back_to_bundled_snapshot(tmp_path):
    """PR 19 with no network and no cache: the snapshot, with a notice."""
    with GitHubStub() as stub:
        stub.fail_next(Fault(503), Fault(503), Fault(503), Fault(503))
        pr = from_github(client_for(stub, tmp_path), REPO, 19)
    assert pr.source == "snapshot" and len(pr.files) == 5
    assert "snapshot bundled with the kit" in pr.notices[0]


def test_token_never_reaches_errors_logs_or_cache(stub, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    warm_cache(stub, tmp_path)
    stub.fail_next(Fault(401))
    pr = fetch_with_fallback(client_for(stub, tmp_path), REPO, 7)
    stub.fail_next(Fault(401))
    with pytest.raises(NetworkError) as caught:
        fetch_with_fallback(client_for(stub, tmp_path / "empty"), REPO, 7)
    assert TOKEN not in str(caught.value)
    assert TOKEN not in " ".join(pr.notices)
    assert TOKEN not in caplog.text
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


def test_token_resolution_order(tmp_path, monkeypatch):
    """GITHUB_TOKEN, then GH_TOKEN, then `gh auth token`, then none."""
    gh = tmp_path / "gh"
    gh.write_text("#!/bin/sh\n[ \"$1 $2\" = 'auth token' ] && echo from-gh\n")
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    assert resolve_token({"GITHUB_TOKEN": "one", "GH_TOKEN": "two"}) == "one"
    assert resolve_token({"GH_TOKEN": "two"}) == "two"
    assert resolve_token({}) == "from-gh"
    monkeypatch.setenv("PATH", "/nonexistent")
    assert resolve_token({}) is None


def test_corpus_pr_shape_round_trips(corpus, tmp_path):
    """Any corpus PR served by the stand-in comes back with every file."""
    record = next(r for r in corpus if len(r["files"]) > 100)
    with GitHubStub() as stub:
        stub.add_pr(REPO, *corpus_pr(record))
        pr = client_for(stub, tmp_path).fetch(REPO, record["number"])
    assert [f.filename for f in pr.files] == [f["filename"] for f in record["files"]]
    assert json.dumps(pr.to_json())


def test_serve_rebuilds_do_not_refetch(tmp_path):
    """Under `mkdocs serve` a PR is fetched once per process, not on every rebuild."""
    from review_kit.catalog.loading import load_catalog
    from review_kit.site.plan import fetch_reviews

    catalog = load_catalog()
    memo: dict = {}
    with GitHubStub() as stub:
        stub.add_pr(REPO, *make_pr(7, 3))
        github = GitHubSettings(api_url=stub.url, cache_dir=tmp_path)
        first = fetch_reviews(REPO, [7], github, catalog, memo=memo)
        sent = len(stub.requests)
        again = fetch_reviews(REPO, [7], github, catalog, memo=memo)
        # The pull, its files, and the git tree at its base (404 here: snapshot contracts).
        assert len(stub.requests) == sent == 3
        fetch_reviews(REPO, [7], github, catalog)
        assert len(stub.requests) == 6
    assert first[0].pr.number == again[0].pr.number == 7


def test_pr_numbers_parse_and_reject():
    from review_kit.errors import ReviewKitError
    from review_kit.settings import parse_pr_numbers

    assert parse_pr_numbers("19, 23,19,", "REVIEW_PRS") == [19, 23]
    assert parse_pr_numbers([19, 23], "mkdocs.yml") == [19, 23]
    for bad in ("19,abc", "0", "-3"):
        with pytest.raises(ReviewKitError, match="is not a pull request number"):
            parse_pr_numbers(bad, "REVIEW_PRS")


def test_broken_body_does_not_replace_the_good_copy(stub, tmp_path):
    """A 200 with malformed JSON is not cached, so a later fault still finds good data."""
    warm_cache(stub, tmp_path)
    stub.fail_next(Fault(200, body=b"{oops"))
    assert fetch_with_fallback(client_for(stub, tmp_path), REPO, 7).source == "cache"
    stub.fail_next(Fault(502), Fault(502), Fault(502), Fault(502))
    again = fetch_with_fallback(client_for(stub, tmp_path), REPO, 7)
    assert again.source == "cache" and len(again.files) == 250


def test_next_link_to_another_host_is_refused(stub, tmp_path):
    """The token travels with every request; a Link header must not send it elsewhere."""
    stub.fail_next(
        Fault(
            200,
            body=b"[]",
            headers={"Link": '<http://198.51.100.7/steal?page=2>; rel="next"'},
            path_contains="/files",
        )
    )
    with pytest.raises(NetworkError, match="next-page link points to another host"):
        client_for(stub, tmp_path).fetch(REPO, 7)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REVIEW_HTTP_TIMEOUT": "soon"}, "REVIEW_HTTP_TIMEOUT: 'soon' is not a number"),
        ({"REVIEW_HTTP_RETRIES": "2.5"}, "REVIEW_HTTP_RETRIES: '2.5' is not a whole number"),
        ({"REVIEW_MAX_WAIT": "-1"}, "REVIEW_MAX_WAIT: '-1' must not be negative"),
        ({"GITHUB_API_URL": "ftp://x"}, "GITHUB_API_URL: 'ftp://x' is not an http(s) URL"),
    ],
)
def test_bad_settings_are_one_line_errors(tmp_path, env, message):
    from review_kit.errors import ReviewKitError

    with pytest.raises(ReviewKitError) as caught:
        github_settings(tmp_path, {"GITHUB_TOKEN": "x", **env})
    assert str(caught.value) == message


def test_unwritable_cache_dir_is_one_line_and_no_cache(tmp_path, caplog):
    """A cache folder that cannot be made costs the cache, not the run (issue 25, class 7)."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    with caplog.at_level(logging.INFO, logger="review_kit"):
        client = GitHubClient(GitHubSettings(cache_dir=blocker / "cache"))
    client.close()
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "file/cache: cannot create" in lines[0], lines
    assert "without a cache" in lines[0]
