"""``make check-map``: does the focus map cover a listing of vllm-omni's files?

Fails, naming them, on paths no area claims (and ``ignore`` does not list) and
on positive patterns that match nothing, which usually mean a moved directory,
and on module-contract paths (the bundled snapshot's) that no area claims.
A pattern that matches only in another listing (``--history``, by default the
bundled December 2025 and 2026 snapshots) is kept and reported as a note: PRs
made against that tree still need it, and the 2026 listing misses files in its
largest folders (docs/data/vllm-omni-2026-partial-folders.txt).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import ReviewKitError
from ..repo.sources.snapshot import from_snapshot
from .contract_map import contract_overlaps
from .focus_map import load_focus_map
from .listing import BUNDLED_TREES, DEFAULT_TREE, list_checkout, load_tree
from .loading import DEFAULT_FOCUS_MAP, shown_path


@dataclass
class MapCheck:
    """What check-map found for one listing."""

    paths: int = 0
    claimed: int = 0
    ignored: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def share(self, count: int) -> str:
        return f"{count / self.paths:.1%}" if self.paths else "-"


def check_listing(
    paths: list[str],
    focus_map_path=DEFAULT_FOCUS_MAP,
    history: Sequence[Sequence[str]] = (),
) -> MapCheck:
    """Classify every path; a pattern is dead only if neither this listing nor ``history`` matches it."""
    focus_map, _ = load_focus_map(focus_map_path, shown_path(focus_map_path))
    result = MapCheck(paths=len(paths))
    for c in focus_map.classify_all(paths):
        result.claimed += bool(c.areas)
        result.ignored += c.ignored
        if c.unmatched:
            result.problems.append(f"unmatched path: {c.path}")
    for overlap in contract_overlaps(focus_map, from_snapshot().contracts, paths):
        for pattern in overlap.unclaimed:
            result.problems.append(
                f"contract path no area claims: {overlap.contract.path}: {pattern}"
            )
    dead_now = focus_map.patterns_matching_nothing(paths)
    older = [p for listing in history for p in listing]
    dead_before = set(focus_map.patterns_matching_nothing(older)) if dead_now and older else set()
    for owner, pattern in dead_now:
        if older and (owner, pattern) not in dead_before:
            result.notes.append(f"matches only in another listing: {owner}: {pattern}")
        else:
            result.problems.append(f"pattern matches nothing: {owner}: {pattern}")
    return result


def check(paths: list[str], focus_map_path=DEFAULT_FOCUS_MAP, history=()) -> list[str]:
    """Problems found, one line each; empty when the map covers the listing."""
    return check_listing(paths, focus_map_path, history).problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make check-map", description=__doc__)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--repo-dir", help="a vllm-omni checkout to list with git ls-files")
    source.add_argument("--listing", help="a file with one repository path per line")
    parser.add_argument(
        "--history",
        action="append",
        help="another listing whose matches keep a pattern alive (repeatable; "
        "default: the bundled listings)",
    )
    parser.add_argument(
        "--no-history", action="store_true", help="a pattern must match in this listing itself"
    )
    parser.add_argument("--focus-map", default=str(DEFAULT_FOCUS_MAP))
    args = parser.parse_args(argv)
    try:
        if args.repo_dir:
            paths, origin = list_checkout(args.repo_dir), args.repo_dir
        else:
            listing = args.listing or DEFAULT_TREE
            paths, origin = load_tree(listing), shown_path(listing)
        older = [] if args.no_history else (args.history or BUNDLED_TREES)
        result = check_listing(paths, args.focus_map, [load_tree(p) for p in older])
    except ReviewKitError as exc:
        print(f"check-map: {exc}", file=sys.stderr)
        return 2
    for line in result.notes:
        print(f"check-map: note: {line}")
    unmatched = result.paths - result.claimed - result.ignored
    print(
        f"check-map: {result.paths} paths of {origin}: {result.claimed} in an area "
        f"({result.share(result.claimed)}), {result.ignored} ignored "
        f"({result.share(result.ignored)}), {unmatched} unmatched"
    )
    for line in result.problems:
        print(f"check-map: {line}", file=sys.stderr)
    if result.problems:
        print(
            f"check-map: {len(result.problems)} problem(s) in {result.paths} paths of {origin}",
            file=sys.stderr,
        )
        return 1
    elsewhere = f" ({len(result.notes)} only in another listing)" if result.notes else ""
    print(
        f"check-map: all {result.paths} paths of {origin} are mapped or ignored; "
        f"every pattern matches{elsewhere}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
