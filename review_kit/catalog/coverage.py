"""``make check-map``: does the focus map cover a listing of vllm-omni's files?

Fails, naming them, on paths no area claims (and ``ignore`` does not list) and
on positive patterns that match nothing, which usually mean a moved directory.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import ReviewKitError
from .focus_map import load_focus_map
from .listing import DEFAULT_TREE, list_checkout, load_tree
from .loading import DEFAULT_FOCUS_MAP, shown_path


def check(paths: list[str], focus_map_path=DEFAULT_FOCUS_MAP) -> list[str]:
    """Problems found, one line each; empty when the map covers the listing."""
    focus_map, _ = load_focus_map(focus_map_path, shown_path(focus_map_path))
    problems = [f"unmatched path: {c.path}" for c in focus_map.classify_all(paths) if c.unmatched]
    problems += [
        f"pattern matches nothing: {owner}: {pattern}"
        for owner, pattern in focus_map.patterns_matching_nothing(paths)
    ]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make check-map", description=__doc__)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--repo-dir", help="a vllm-omni checkout to list with git ls-files")
    source.add_argument("--listing", help="a file with one repository path per line")
    parser.add_argument("--focus-map", default=str(DEFAULT_FOCUS_MAP))
    args = parser.parse_args(argv)
    try:
        if args.repo_dir:
            paths, origin = list_checkout(args.repo_dir), args.repo_dir
        else:
            listing = args.listing or DEFAULT_TREE
            paths, origin = load_tree(listing), shown_path(listing)
        problems = check(paths, args.focus_map)
    except ReviewKitError as exc:
        print(f"check-map: {exc}", file=sys.stderr)
        return 2
    for line in problems:
        print(f"check-map: {line}", file=sys.stderr)
    if problems:
        print(
            f"check-map: {len(problems)} problem(s) in {len(paths)} paths of {origin}",
            file=sys.stderr,
        )
        return 1
    print(
        f"check-map: all {len(paths)} paths of {origin} are mapped or ignored; every pattern matches"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
