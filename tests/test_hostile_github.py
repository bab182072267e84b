"""Hostile servers, broken caches and odd input (issue 16): one class of attack per section.

Every test runs against the stand-in GitHub on 127.0.0.1 or the review tool,
and asserts what a user would see: one line, no traceback, no secret, no hang.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_github import REPO, TOKEN, client_for, make_pr, warm_cache

from review_kit.errors import ReviewKitError
from review_kit.pr.sources.github import fetch_with_fallback
from review_kit.pr.sources.github_api import NetworkError
from review_kit.settings import github_settings
from review_kit.testing.github_stub import Fault, GitHubStub

KIT = Path(__file__).resolve().parent.parent
TOOL = [sys.executable, str(KIT / "tools/review_pr.py")]


@pytest.fixture
def stub():
    with GitHubStub() as server:
        server.add_pr(REPO, *make_pr(7, 250))
        yield server


def cli(*args: str, api_url: str, cache: Path, **env: str) -> subprocess.CompletedProcess:
    full_env = {
        **os.environ,
        "GITHUB_API_URL": api_url,
        "GITHUB_TOKEN": TOKEN,
        "REVIEW_CACHE_DIR": str(cache),
        **env,
    }
    return subprocess.run(
        [*TOOL, *args], capture_output=True, text=True, env=full_env, cwd=KIT, timeout=60
    )


def one_line_error(result: subprocess.CompletedProcess, status: int) -> str:
    """The run failed with ``status`` and exactly one line on stderr, no traceback."""
    assert result.returncode == status, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("review_pr.py: error: "), result.stderr
    return lines[0]


def within(seconds: float, action):
    """Run ``action`` and fail (not hang) if it takes longer than ``seconds``."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = action()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds}s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def all_bytes_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


# -- 1. credentials in GITHUB_API_URL ---------------------------------------------


def test_credentials_in_api_url_are_refused_naming_the_host_only(stub, tmp_path):
    """User info in GITHUB_API_URL is one line naming the host; the password goes nowhere."""
    url = stub.url_with_credentials("alice", "s3cr3tPassw0rd")
    with pytest.raises(ReviewKitError) as caught:
        github_settings(tmp_path, {"GITHUB_API_URL": url})
    message = str(caught.value)
    assert "s3cr3tPassw0rd" not in message and "alice" not in message
    assert "127.0.0.1" in message and "\n" not in message
    result = cli("--pr-number", "7", api_url=url, cache=tmp_path / "cache")
    line = one_line_error(result, 2)
    assert "s3cr3tPassw0rd" not in result.stdout + result.stderr and "alice" not in line
    assert b"s3cr3tPassw0rd" not in all_bytes_under(tmp_path)
    assert stub.requests == []


# -- 2. pagination that never ends ------------------------------------------------


def incomplete_notice(pr) -> str:
    return next(n for n in pr.notices if "incomplete" in n)


@pytest.mark.parametrize("mode", ["cycle", "self-empty", "endless"])
def test_live_pagination_stops_on_repeats_empty_pages_and_maxima(stub, tmp_path, mode):
    """A cycle, an empty self-link or an endless chain ends early and is marked incomplete."""
    stub.pagination = mode
    pr = within(20, lambda: client_for(stub, tmp_path).fetch(REPO, 7))
    pages = [r for r in stub.requests if "/files" in r.path]
    assert len(pages) <= 30
    if mode == "self-empty":
        assert len(pages) == 1
    names = [f.filename for f in pr.files]
    assert len(names) == len(set(names)), "a file listed twice"
    assert pr.truncated and "incomplete" in incomplete_notice(pr)


def test_cached_link_cycle_is_replayed_once(stub, tmp_path):
    """A Link cycle stored in the cache ends at the repeat while GitHub is down."""
    stub.pagination = "cycle"
    warm_cache(stub, tmp_path)
    stub.pagination = "github"
    stub.fail_next(*[Fault(502) for _ in range(4)])
    pr = within(10, lambda: fetch_with_fallback(client_for(stub, tmp_path), REPO, 7))
    assert pr.source.label == "cache" and len(pr.files) == 250
    assert "incomplete" in incomplete_notice(pr)


# -- 3. answers of the wrong shape or size ------------------------------------------

DEEP = b"[" * 200_000 + b"]" * 200_000


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(Fault(200, body=DEEP), id="deep-pull"),
        pytest.param(Fault(200, body=DEEP, path_contains="/files"), id="deep-files"),
        pytest.param(Fault(200, body=b"[]"), id="pull-is-a-list"),
        pytest.param(Fault(200, body=b'{"message": "x"}', path_contains="/files"), id="page-dict"),
        pytest.param(Fault(200, body=b'[{"name": 1}]', path_contains="/files"), id="bad-row"),
    ],
)
def test_bad_answer_never_replaces_the_good_cached_copy(stub, tmp_path, fault):
    """A 200 of the wrong shape or depth falls back to, and keeps, the good cached copy."""
    warm_cache(stub, tmp_path)
    stub.fail_next(fault)
    first = fetch_with_fallback(client_for(stub, tmp_path), REPO, 7)
    assert first.source.label == "cache" and "GitHub sent" in first.notices[0]
    stub.fail_next(*[Fault(502) for _ in range(4)])
    again = fetch_with_fallback(client_for(stub, tmp_path), REPO, 7)
    assert again.source.label == "cache" and len(again.files) == 250
    assert again.files[0].filename == "vllm_omni/engine/f0.py"


def test_deep_json_without_cache_is_one_line(stub, tmp_path):
    stub.fail_next(Fault(200, body=DEEP))
    with pytest.raises(NetworkError, match="malformed JSON"):
        fetch_with_fallback(client_for(stub, tmp_path), REPO, 7)


def test_gzip_bomb_is_cut_at_the_body_cap(stub, tmp_path):
    """A small gzip body that inflates past the cap is refused before it is held in memory."""
    bomb = b'{"number": 7, "pad": "' + b"0" * (48 << 20) + b'"}'
    stub.fail_next(Fault(200, body=bomb, gzip=True))
    client = client_for(stub, tmp_path, max_body=4 << 20)
    started = time.monotonic()
    with pytest.raises(NetworkError, match="larger than 4 MiB"):
        fetch_with_fallback(client, REPO, 7)
    assert time.monotonic() - started < 5


def test_trickling_body_meets_a_total_deadline(stub, tmp_path):
    """One byte every 50 ms never trips a per-read timeout; the total deadline stops it."""
    body = json.dumps(make_pr(7, 1)[0]).encode()
    stub.fail_next(Fault(200, body=body, trickle=0.05))
    started = time.monotonic()
    with pytest.raises(NetworkError, match="did not answer within 1s"):
        fetch_with_fallback(client_for(stub, tmp_path, timeout=1.0, retries=0), REPO, 7)
    assert time.monotonic() - started < 3


# -- 4. headers and settings that crash ------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "-1"},
        {"Retry-After": "NaN"},
        {"Retry-After": "1e999"},
        {"Retry-After": "\u0663"},
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "99999999999999999999"},
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "-5"},
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "\u0661\u0662\u0663"},
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "\u00b2"},
    ],
)
@pytest.mark.parametrize("status", [403, 429])
def test_odd_rate_limit_headers_are_clamped_or_ignored(stub, tmp_path, headers, status):
    """Negative, NaN, huge or non-ASCII waits never crash or stall the client."""
    warm_cache(stub, tmp_path)
    stub.fail_next(Fault(status, headers=headers))
    pr = within(5, lambda: fetch_with_fallback(client_for(stub, tmp_path), REPO, 7))
    assert pr.source.label in ("api", "cache") and len(pr.files) == 250


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REVIEW_HTTP_TIMEOUT": "0"}, "REVIEW_HTTP_TIMEOUT: '0' must be"),
        ({"REVIEW_HTTP_TIMEOUT": "nan"}, "REVIEW_HTTP_TIMEOUT: 'nan' "),
        ({"REVIEW_HTTP_TIMEOUT": "inf"}, "REVIEW_HTTP_TIMEOUT: 'inf' "),
        ({"REVIEW_HTTP_TIMEOUT": "\u0665"}, "is not a number"),
        ({"REVIEW_HTTP_RETRIES": "\u00b2"}, "is not a whole number"),
        ({"REVIEW_HTTP_RETRIES": "9" * 5000}, "REVIEW_HTTP_RETRIES: "),
        ({"REVIEW_MAX_WAIT": "1e308"}, "REVIEW_MAX_WAIT: "),
        ({"GITHUB_API_URL": "http://[::1"}, "GITHUB_API_URL: "),
        ({"GITHUB_API_URL": "http://127.0.0.1:99999"}, "GITHUB_API_URL: "),
        ({"GITHUB_API_URL": "http://exa mple.com"}, "GITHUB_API_URL: "),
        ({"GITHUB_API_URL": "http:///path"}, "GITHUB_API_URL: "),
    ],
)
def test_out_of_range_settings_are_one_line(tmp_path, env, message):
    with pytest.raises(ReviewKitError) as caught:
        github_settings(tmp_path, {"GITHUB_TOKEN": "x", **env})
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert len(str(caught.value)) < 300


def test_api_url_surrounding_whitespace_is_trimmed(tmp_path):
    settings = github_settings(tmp_path, {"GITHUB_API_URL": " http://127.0.0.1:8080/api/v3/\n"})
    assert settings.api_url == "http://127.0.0.1:8080/api/v3"


@pytest.mark.parametrize("value", ["\u00b2", "9" * 5000, "\u0661\u0669", "19,\u00b2"])
def test_review_prs_out_of_range_is_one_line(tmp_path, value):
    result = cli(
        "--files-from", "/dev/null", api_url="http://127.0.0.1:9", cache=tmp_path, REVIEW_PRS=value
    )
    line = one_line_error(result, 2)
    assert "REVIEW_PRS" in line and len(line) < 200


# -- 5. tokens ------------------------------------------------------------------


@pytest.mark.parametrize(
    "token", ["ghp_first\nsecondHALFsecret", "ghp_\u00fcmlaut\u20acHALFsecret", "ghp_ HALFsecret"]
)
def test_token_with_impossible_characters_is_one_line_and_not_shown(stub, tmp_path, token):
    result = cli("--pr-number", "7", api_url=stub.url, cache=tmp_path, GITHUB_TOKEN=token)
    line = one_line_error(result, 2)
    assert "GITHUB_TOKEN" in line and "HALFsecret" not in result.stderr + result.stdout
    assert stub.requests == []


def test_token_echoed_in_a_404_message_is_redacted(stub, tmp_path):
    stub.echo_credentials = True
    result = cli("--pr-number", "404", api_url=stub.url, cache=tmp_path)
    line = one_line_error(result, 3)
    assert TOKEN not in result.stderr and "***" in line


# -- 6. broken or unusable caches ---------------------------------------------------


def break_random(db: Path) -> None:
    db.write_bytes(os.urandom(8192))


def break_truncated(db: Path) -> None:
    db.write_bytes(db.read_bytes()[:3000])


def break_directory(db: Path) -> None:
    db.unlink()
    db.mkdir()
    (db / "blocker").write_text("")


@pytest.mark.parametrize("breakage", [break_random, break_truncated, break_directory])
def test_broken_cache_is_moved_aside_with_one_line(stub, tmp_path, breakage):
    """A cache SQLite cannot use is set aside with one warning; the run goes on without it."""
    cache = tmp_path / "cache"
    assert cli("--pr-number", "7", api_url=stub.url, cache=cache).returncode == 0
    for leftover in cache.glob("github-http.sqlite-*"):
        leftover.unlink()
    breakage(cache / "github-http.sqlite")
    result = cli("--pr-number", "7", "--format", "json", api_url=stub.url, cache=cache)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pr"]["source"] == "api"
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and "cache" in warnings[0], result.stderr
    assert "Traceback" not in result.stderr
    assert list(cache.glob("github-http.sqlite.broken-*"))
    again = cli("--pr-number", "7", api_url=stub.url, cache=cache)
    assert again.returncode == 0 and "WARNING" not in again.stderr


# -- 7. text that cannot be encoded ----------------------------------------------


def test_lone_surrogates_are_escaped_not_fatal(stub, tmp_path):
    pull, files = make_pr(8, 2)
    pull["title"] = "broken \ud800 title"
    files[0]["filename"] = "vllm_omni/engine/\udcff.py"
    stub.add_pr(REPO, pull, files)
    result = cli("--pr-number", "8", api_url=stub.url, cache=tmp_path / "c")
    assert result.returncode == 0, result.stderr
    assert "&lt;U\\+D800&gt;" in result.stdout and "&lt;U\\+DCFF&gt;" in result.stdout
    out = tmp_path / "report.html"
    for fmt in ("json", "md"):
        exported = cli(
            "--pr-number",
            "8",
            "--format",
            fmt,
            "--export",
            str(out),
            api_url=stub.url,
            cache=tmp_path / "c",
        )
        assert exported.returncode == 0, exported.stderr
        assert out.stat().st_size > 0
        out.read_text(encoding="utf-8")


def test_non_utf8_git_names_are_escaped(tmp_path):
    repo = git_repo(tmp_path)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "checkout", "-qb", "topic"], check=True)
    (repo / os.fsdecode(b"caf\xe9.py")).write_text("x")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run(
        [
            *git,
            "commit",
            "-qm",
            "topic \udce9".encode("utf-8", "surrogateescape").decode("latin-1"),
        ],
        check=True,
    )
    result = cli(
        "--git",
        "main...topic",
        "--repo-dir",
        str(repo),
        api_url="http://127.0.0.1:9",
        cache=tmp_path / "c",
    )
    assert result.returncode == 0, result.stderr
    assert "caf&lt;U\\+DCE9&gt;" in result.stdout


def test_failed_run_keeps_the_previous_export(stub, tmp_path):
    out = tmp_path / "report.md"
    out.write_text("previous report\n")
    result = cli("--pr-number", "404", "--export", str(out), api_url=stub.url, cache=tmp_path)
    assert result.returncode == 3 and out.read_text() == "previous report\n"


# -- 8. PR data that contradicts itself ----------------------------------------------


def serve(stub, number: int, pull: dict, files: list[dict]) -> None:
    stub.prs[(REPO, number)] = {"pull": pull, "files": files}


@pytest.mark.parametrize(
    ("change", "cause"),
    [
        ({"number": 20}, "PR #20"),
        ({"number": True}, "number"),
        ({"number": 0}, "number"),
        ({"merged": "false"}, "merged"),
        ({"user": "octo"}, "user"),
        ({"additions": -1}, "additions"),
        ({"head": {"sha": 5, "ref": "x"}}, "head.sha"),
    ],
)
def test_self_contradicting_pull_is_rejected(stub, tmp_path, change, cause):
    pull, files = make_pr(7, 3)
    serve(stub, 7, {**pull, **change}, files)
    with pytest.raises(NetworkError) as caught:
        fetch_with_fallback(client_for(stub, tmp_path), REPO, 7)
    assert cause in str(caught.value) and "\n" not in str(caught.value)


def test_inconsistent_file_rows_are_shown_as_notices(stub, tmp_path):
    pull, files = make_pr(7, 4, changed_files=2)
    files[1]["previous_filename"] = "vllm_omni/diffusion/old.py"  # on a "modified" row
    files.append(dict(files[0]))  # listed twice
    serve(stub, 7, pull, files)
    pr = client_for(stub, tmp_path).fetch(REPO, 7)
    assert [f.filename for f in pr.files] == [f"vllm_omni/engine/f{i}.py" for i in range(4)]
    assert pr.files[1].previous_filename is None
    text = " ".join(pr.notices)
    assert "listed 1 file twice" in text
    assert "previous_filename" in text
    assert "changed_files" in text and pr.changed_files == 4


# -- 9. invisible characters -----------------------------------------------------

INVISIBLE = [
    "\u061c",
    "\U000e0041",
    "\U000e0000",
    "\U000e007f",
    "\u00ad",
    "\u3164",
    "\u180e",
    "\u034f",
    "\ufff9",
    "\u2066",
    "\ufe0f",
    "\u115f",
    "\U0001d173",
]


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_are_shown_in_every_output(char):
    from review_kit.output.escape import md_escape, terminal, visible

    escape = f"<U+{ord(char):04X}>"
    for render in (visible, md_escape, terminal):
        shown = render(f"a{char}b")
        assert shown == f"a{render(escape)}b" and char not in shown, render.__name__
    assert escape in visible(char) and escape in terminal(char)


def test_terminal_strips_server_escape_sequences(stub, tmp_path):
    """ANSI and OSC sequences a server puts in a message never reach the terminal."""
    stub.fail_next(
        Fault(
            404, body=json.dumps({"message": "\x1b]0;owned\x07\x1b[31mred\x1b[0m \u202e"}).encode()
        )
    )
    result = cli("--pr-number", "7", api_url=stub.url, cache=tmp_path)
    line = one_line_error(result, 3)
    assert "\x1b" not in line and "\x07" not in line and "\u202e" not in line
    assert "owned" not in line and "red" in line


def test_invisible_characters_in_the_cli_report(stub, tmp_path):
    pull, files = make_pr(9, 1)
    pull["title"] = "safe\U000e0041\u00adtitle"
    stub.add_pr(REPO, pull, files)
    result = cli("--pr-number", "9", api_url=stub.url, cache=tmp_path)
    assert result.returncode == 0
    assert "safe&lt;U\\+E0041&gt;&lt;U\\+00AD&gt;title" in result.stdout


# -- 10. repository names ---------------------------------------------------------


@pytest.mark.parametrize(
    "repo",
    [
        "../..",
        "vllm-project/..",
        "./.",
        "a/b\n",
        "-a/b",
        "a/.",
        "a/b/c",
        "a/" + "b" * 101,
        "a" * 40 + "/b",
        "a/b c",
        "a/b%2f",
    ],
)
def test_repository_names_follow_githubs_rules(stub, tmp_path, repo):
    result = cli("--pr-number", "7", f"--repo={repo}", api_url=stub.url, cache=tmp_path)
    line = one_line_error(result, 2)
    assert "OWNER/NAME" in line
    assert stub.requests == []


@pytest.mark.parametrize("repo", ["vllm-project/vllm-omni", "a/b.c", "A-1/_x.y-z", "o/.github"])
def test_real_repository_names_are_accepted(repo):
    from review_kit.pr.model import check_repo_name

    assert check_repo_name(repo) == repo


# -- 11. --git ranges that are options --------------------------------------------


def git_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    (repo / "a.txt").write_text("a")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    return repo


@pytest.mark.parametrize(
    "revisions", ["main...--output=x", "--output=x...main", "main...-p", "main...@{-1}--x=y"]
)
def test_git_range_sides_are_never_options(tmp_path, revisions):
    repo = git_repo(tmp_path)
    result = cli(
        "--git",
        revisions,
        "--repo-dir",
        str(repo),
        api_url="http://127.0.0.1:9",
        cache=tmp_path / "c",
    )
    assert result.returncode == 2, result.stderr
    one_line_error(result, 2)
    assert not (repo / "x").exists() and not (tmp_path / "x").exists()


def test_every_git_call_ends_its_options(tmp_path, monkeypatch):
    """Revisions follow --end-of-options in every git command the source runs."""
    from review_kit.pr.sources import git_range

    repo = git_repo(tmp_path)
    calls = []
    real = git_range._git

    def spy(repo_dir, *args):
        calls.append(args)
        return real(repo_dir, *args)

    monkeypatch.setattr(git_range, "_git", spy)
    git_range.from_git("main...main", repo, REPO, None)
    assert calls and all("--end-of-options" in args for args in calls), calls


# -- 13. focus-map YAML aliases ------------------------------------------------------

LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param(LAUGHS, 2, id="billion-laughs"),
        pytest.param("areas: &x\n  - *x\n", 2, id="recursive"),
        pytest.param("version: 1\nbase: &b {risk: high}\nother: *b\n", 3, id="plain-alias"),
    ],
)
def test_yaml_aliases_are_refused_with_file_and_line(tmp_path, text, line):
    from review_kit.catalog.yaml_lines import load_yaml
    from review_kit.errors import DataError

    path = tmp_path / "focus-map.yml"
    path.write_text(text)
    with pytest.raises(DataError) as caught:
        within(3, lambda: load_yaml(path, "docs/focus-map.yml"))
    assert str(caught.value).startswith(f"docs/focus-map.yml:{line}:")
    assert "alias" in str(caught.value)
