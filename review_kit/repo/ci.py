"""vllm-omni's CI dependency map: which source paths trigger which CI jobs.

``.buildkite/common/ci_source_file_dependencies.yml`` keeps lists of paths in
YAML anchors (``x-...``) that job keys alias, nested; a trailing ``/`` is a
folder prefix, anything else one file. ``source_filter_fallback`` is not a job:
when no job matches a change but it does, every job runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from .. import bounded_yaml
from ..errors import ReviewKitError

CI_DEPENDENCIES_PATH = ".buildkite/common/ci_source_file_dependencies.yml"
_GLOB_CHARACTER = re.compile(r"[*?\[\]\\]")
REGISTRY_KEY = "source_file_dependencies"
FALLBACK_KEY = "source_filter_fallback"


@dataclass(frozen=True)
class CiDependencies:
    """Job key -> the path prefixes and files that trigger it, as the file lists them."""

    jobs: dict[str, tuple[str, ...]]
    fallback: tuple[str, ...] = ()
    path: str = CI_DEPENDENCIES_PATH
    commit: str = ""

    @staticmethod
    def as_patterns(entries: Iterable[str]) -> tuple[str, ...]:
        """Gitignore-style patterns: ``dir/`` is everything below it, a file is itself.

        Entries are paths, not globs (CI compares them as prefixes), so glob
        characters are escaped: ``*a*a*a*a*b`` names a file, and matching it
        costs no backtracking.
        """
        return tuple(
            "/" + _literal(e.strip("/")) + "/**"
            if e.endswith("/")
            else "/" + _literal(e.lstrip("/"))
            for e in entries
        )


def _literal(path: str) -> str:
    return _GLOB_CHARACTER.sub(r"\\\g<0>", path)


def _flatten(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        path = value.strip()
        if path and not path.strip("/"):
            raise ReviewKitError(f"{where}: entry {path!r} names no path")
        return [path] if path else []
    if isinstance(value, list):
        return [path for item in value for path in _flatten(item, where)]
    raise ReviewKitError(f"{where}: expected paths, got {type(value).__name__}")


def parse_ci_dependencies(text: str, origin: str, commit: str = "") -> CiDependencies:
    """Parse the file; anchors and aliases are resolved by YAML, nested lists flattened here."""
    try:
        data = bounded_yaml.load(text)
    except yaml.YAMLError as exc:
        line, cause = bounded_yaml.problem(exc)
        where = f":{line}" if line is not None else ""
        raise ReviewKitError(f"{origin}{where}: not valid YAML: {cause}") from None
    registry = data.get(REGISTRY_KEY) if isinstance(data, dict) else None
    if not isinstance(registry, dict):
        raise ReviewKitError(f"{origin}: no '{REGISTRY_KEY}' mapping of job keys to paths")
    jobs: dict[str, tuple[str, ...]] = {}
    fallback: tuple[str, ...] = ()
    for key, value in registry.items():
        paths = tuple(dict.fromkeys(_flatten(value, f"{origin}: {REGISTRY_KEY}.{key}")))
        if key == FALLBACK_KEY:
            fallback = paths
        else:
            jobs[str(key)] = paths
    return CiDependencies(jobs, fallback, commit=commit)
