"""The commands to run for a PR: each area's, without the ones another already runs.

Areas list narrow commands (``pytest tests/entrypoints -v``); a PR touching
many areas would list the same suite several times, beside a ``pytest tests -v``
that runs them all. A pytest command is dropped when another one selects a
superset: no ``-k``/``-m`` filter of its own, the same other options, and paths
that contain the narrower command's paths. A command that needs a GPU is only
covered by one that says so too, so that note is never lost.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

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
