"""Shared fixtures: the repository's paths, the PR corpus, snapshots and a real site build."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Material 9.8 prints an end-of-life banner on import; it is noise in test logs.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# Tests never touch the internet: anything that forgets to point at a stand-in
# server hits the discard port on loopback and is refused at once.
os.environ["GITHUB_API_URL"] = "http://127.0.0.1:9"
os.environ["GITHUB_TOKEN"] = ""
os.environ["GH_TOKEN"] = ""
os.environ["REVIEW_HTTP_RETRIES"] = "0"
os.environ.pop("REVIEW_PRS", None)
# The findings memo's seal key lives in the user's state folder: never the real one.
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="rk-test-state-")
os.environ.pop("REVIEW_REPO", None)

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def pytest_addoption(parser):
    parser.addoption(
        "--update-snapshots", action="store_true", help="rewrite snapshot files from current output"
    )


class SkipGuard:
    """Tests never skip silently: a skipped layer (browser, PDF, workflows) is listed in a
    loud summary, and under CI=true it fails the run, since CI must test every layer."""

    def __init__(self) -> None:
        self.skipped: list[tuple[str, str]] = []

    def _record(self, report) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report)
            self.skipped.append((report.nodeid, reason.removeprefix("Skipped: ")))

    def pytest_runtest_logreport(self, report) -> None:
        self._record(report)

    def pytest_collectreport(self, report) -> None:
        self._record(report)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session) -> None:
        if self.skipped and os.environ.get("CI") and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.skipped:
            return
        verdict = "a failure under CI=true" if os.environ.get("CI") else "not tested"
        terminalreporter.section(f"{len(self.skipped)} SKIPPED: {verdict}", sep="!", red=True)
        for nodeid, reason in self.skipped:
            terminalreporter.write_line(f"SKIPPED {nodeid}: {reason}", red=True, bold=True)


def pytest_configure(config):
    config.pluginmanager.register(SkipGuard(), "skip-guard")


@pytest.fixture
def snapshot(request):
    """Compare text with tests/snapshots/<name>; --update-snapshots rewrites it."""

    def check(name: str, text: str) -> None:
        path = SNAPSHOTS / name
        if request.config.getoption("--update-snapshots"):
            path.write_text(text, encoding="utf-8")
        elif not path.exists():
            # Never write one silently: a snapshot nobody looked at proves nothing.
            pytest.fail(f"missing snapshot {name}; run pytest --update-snapshots and review it")
        assert text == path.read_text(encoding="utf-8"), f"snapshot {name} differs"

    return check


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    """The 235 real vllm-omni pull requests, shaped like GitHub's API."""
    lines = (FIXTURES / "corpus" / "vllm-omni-prs.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def copy_project(dest: Path) -> Path:
    """A copy of what a site build reads, for tests that break or extend it."""
    for name in ("docs", "macros", "hooks"):
        shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The whole site, built once per session with strict validation, as `make site` does."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = tmp_path_factory.mktemp("site")
    os.environ["REVIEW_CACHE_DIR"] = str(tmp_path_factory.mktemp("http-cache"))
    config = load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
    build(config)
    return site_dir


def build_site(
    site: Path,
    *,
    prs: str,
    api_url: str,
    cache: Path,
    config: Path | None = None,
    cwd: Path | None = None,
    **env: str,
):
    """`mkdocs build --strict` in a child process, as `make site` runs it, with PR settings.

    An env value of None removes that variable from the child's environment.
    """
    import subprocess
    import sys

    full_env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "REVIEW_PRS": prs,
        "GITHUB_API_URL": api_url,
        "REVIEW_CACHE_DIR": str(cache),
        **env,
    }
    full_env = {key: value for key, value in full_env.items() if value is not None}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean"]
    command += ["-f", str(config or REPO / "mkdocs.yml"), "-d", str(site)]
    return subprocess.run(
        command, capture_output=True, text=True, env=full_env, cwd=cwd, timeout=600
    )


def offline_guard(log: Path) -> dict[str, str]:
    """Environment that makes any non-loopback connection of a child build fail and be logged."""
    return {"PYTHONPATH": str(FIXTURES / "no_network"), "NO_NETWORK_LOG": str(log)}
