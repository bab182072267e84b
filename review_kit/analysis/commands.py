"""The commands to run for a PR: its own tests first, then each area's, without repeats.

A reviewer runs the tests the PR changes and the tests nearest the code it
changes (``tests/<package path>/``, as vllm-omni lays them out), not the
whole suite; then the areas' narrow commands (``pytest tests/entrypoints -v``),
and learns which CI jobs the files trigger. A pytest command is dropped when
another one selects a superset: no ``-k``/``-m`` filter of its own, the same
other options, and paths that contain the narrower command's paths. A command
that needs a GPU is only covered by one that says so too, so that note is
never lost.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from ..pr.model import ChangedFile

SELECTORS = ("-k", "-m")


@dataclass(frozen=True)
class PytestRun:
    paths: tuple[str, ...]
    selectors: tuple[str, ...]
    options: frozenset[str]
    gpu: bool


def parse_pytest(command: str) -> PytestRun | None:
    """The parts of a ``pytest ...`` command that decide what it runs, or None."""
    code, _, comment = command.partition("#")
    try:
        words = shlex.split(code)
    except ValueError:
        return None
    if not words or words[0] != "pytest":
        return None
    paths, selectors, options = [], [], set()
    rest = iter(words[1:])
    for word in rest:
        if word in SELECTORS:
            selectors.append(f"{word} {next(rest, '')}")
        elif word.startswith("-"):
            options.add(word)
        else:
            paths.append(word.rstrip("/"))
    return PytestRun(tuple(paths or ["."]), tuple(selectors), frozenset(options), "GPU" in comment)


def _under(path: str, folder: str) -> bool:
    return folder == "." or path == folder or path.startswith(folder + "/")


def covers(wide: PytestRun, narrow: PytestRun) -> bool:
    return (
        not wide.selectors
        and wide.options == narrow.options
        and (wide.gpu or not narrow.gpu)
        and all(any(_under(p, folder) for folder in wide.paths) for p in narrow.paths)
    )


def without_covered(commands: list[str]) -> list[str]:
    """``commands`` in order, less exact repeats and pytest runs another one contains."""
    runs = [parse_pytest(c) for c in commands]
    kept: list[str] = []
    seen: set[str] = set()
    for i, command in enumerate(commands):
        code = command.partition("#")[0].strip()
        if code in seen:
            continue
        run = runs[i]
        if run is not None and any(
            other is not None and j != i and other != run and covers(other, run)
            for j, other in enumerate(runs)
        ):
            continue
        seen.add(code)
        kept.append(command)
    return kept


# A test module as pytest collects it by default.
TEST_FILE = re.compile(r"(?:^|/)(?:test_[^/]*|[^/]*_test)\.py$")
# A path goes into a command only if the shell and every output (a Markdown
# fence, a terminal) read it as the plain text it is; a PR's file name that is
# not is left out rather than quoted.
PLAIN_PATH = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_./-]*")
SOURCE_ROOT = "vllm_omni"
TESTS_ROOT = "tests"
# Paths in one command before they are grouped by folder.
PATHS_PER_COMMAND = 8


def is_test_file(path: str) -> bool:
    return bool(TEST_FILE.search(path))


def folders_with_tests(test_files: Iterable[str]) -> set[str]:
    """Every folder that holds a test module, at any depth."""
    folders: set[str] = set()
    for path in test_files:
        parts = path.split("/")[:-1]
        folders.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    return folders


def nearest_tests(source: str, test_files: Collection[str], folders: Collection[str]) -> str:
    """The test module or folder that mirrors a source file, or "" if none does.

    ``vllm_omni/a/b/c.py`` is tested by ``tests/a/b/test_c.py`` if it exists,
    else by the deepest of ``tests/a/b/``, ``tests/a/`` that holds tests;
    ``tests/`` itself is the whole suite, never "nearest".
    """
    parts = source.split("/")
    if len(parts) < 2 or parts[0] != SOURCE_ROOT or not source.endswith(".py"):
        return ""
    package, stem = parts[1:-1], parts[-1][:-3]
    module = "/".join([TESTS_ROOT, *package, f"test_{stem}.py"])
    if module in test_files:
        return module
    for depth in range(len(package), 0, -1):
        folder = "/".join([TESTS_ROOT, *package[:depth]])
        if folder in folders:
            return folder
    return ""


def _pytest(paths: list[str], why: str) -> str:
    if len(paths) > PATHS_PER_COMMAND:
        paths = list(dict.fromkeys(p.rsplit("/", 1)[0] if p.endswith(".py") else p for p in paths))
    shown = paths[:PATHS_PER_COMMAND]
    more = f"; {len(paths) - len(shown)} more left out" if len(paths) > len(shown) else ""
    return f"pytest {' '.join(shown)} -v  # {why}{more}"


def pr_commands(
    files: list[ChangedFile],
    known_tests: Collection[str],
    area_commands: list[str],
    ci_jobs: Collection[str] = (),
) -> list[str]:
    """The PR's changed tests, the tests nearest its code, the areas' commands, its CI jobs."""
    present = [
        f.filename for f in files if f.status != "removed" and PLAIN_PATH.fullmatch(f.filename)
    ]
    changed = [name for name in present if is_test_file(name)]
    known = set(known_tests) | set(changed)
    folders = folders_with_tests(known)
    nearest: list[str] = []
    for name in present:
        if is_test_file(name):
            continue
        near = nearest_tests(name, known, folders)
        if near and near not in changed and near not in nearest:
            nearest.append(near)
    # A folder already in the list runs what lies under it.
    nearest = [n for n in nearest if not any(n.startswith(o + "/") for o in nearest)]
    commands = []
    if changed:
        commands.append(_pytest(changed, "the tests this PR changes"))
    if nearest:
        commands.append(_pytest(nearest, "the tests nearest the changed code"))
    commands = without_covered(commands + list(area_commands))
    if ci_jobs:
        commands.append("# CI jobs these files trigger: " + ", ".join(ci_jobs))
    return commands
