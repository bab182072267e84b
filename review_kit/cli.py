"""``tools/review_pr.py``: analyse one pull request and export a report.

Same core as the site's PR pages. Exit codes: 0 success, 2 bad usage or bad
input file, 3 PR not found, 4 network or authentication failure with no cache.
Errors are one line on stderr; tokens are never printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .analysis import analyse, review_to_json
from .catalog import REPO_ROOT, load_catalog
from .errors import ReviewKitError
from .github import GitHubClient, GitHubSettings, NetworkError, PullRequestNotFound
from .pr_render import render_pr_markdown
from .sources import DEFAULT_REPO, check_repo_name, from_file, from_git, from_github

EXIT_OK, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_NETWORK = 0, 2, 3, 4


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as documented
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="review_pr.py",
        description="Analyse a vllm-omni pull request against the review kit's focus map.",
    )
    parser.add_argument("--pr-number", type=int, help="pull request number")
    parser.add_argument(
        "--repo", default=None, help=f"OWNER/NAME (default: REVIEW_REPO or {DEFAULT_REPO})"
    )
    parser.add_argument(
        "--export", metavar="FILE", help="write the report to FILE instead of stdout"
    )
    parser.add_argument(
        "--format", choices=("md", "json"), default="md", help="report format (default md)"
    )
    parser.add_argument(
        "--git", metavar="BASE...HEAD", help="analyse a local git range instead of GitHub"
    )
    parser.add_argument(
        "--repo-dir", metavar="DIR", default=".", help="checkout for --git (default: .)"
    )
    parser.add_argument(
        "--files-from", metavar="FILE", help="JSON file: API-shaped files list or plain paths"
    )
    parser.add_argument(
        "--site-url", default="", help="base URL of the kit's site, to link guide sections"
    )
    return parser


def run(argv: list[str] | None = None, environ: dict | None = None) -> int:
    import os

    env = os.environ if environ is None else environ
    try:
        args = build_parser().parse_args(argv)
        if args.git and args.files_from:
            raise UsageError("--git and --files-from are alternatives; give one")
        if args.pr_number is None and not (args.git or args.files_from):
            raise UsageError("--pr-number is required unless --git or --files-from is given")
        if args.pr_number is not None and args.pr_number <= 0:
            raise UsageError(f"--pr-number {args.pr_number}: not a pull request number")
        repo = check_repo_name(args.repo or env.get("REVIEW_REPO") or DEFAULT_REPO)
    except (UsageError, ReviewKitError) as exc:
        print(f"review_pr.py: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return int(exc.code or 0)

    try:
        catalog = load_catalog()
        if args.files_from:
            pr = from_file(args.files_from, repo, args.pr_number)
        elif args.git:
            pr = from_git(args.git, args.repo_dir, repo, args.pr_number)
        else:
            client = GitHubClient(GitHubSettings.from_environment(REPO_ROOT / ".cache", env))
            try:
                pr = from_github(client, repo, args.pr_number)
            finally:
                client.close()
        review = analyse(pr, catalog)
        if args.format == "json":
            report = json.dumps(review_to_json(review), indent=2, ensure_ascii=False) + "\n"
        else:
            report = render_pr_markdown(review, catalog, args.site_url)
        if args.export:
            try:
                Path(args.export).write_text(report, encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"--export {args.export}: cannot write ({exc.strerror})") from None
            print(f"review_pr.py: wrote {args.export}", file=sys.stderr)
        else:
            sys.stdout.write(report)
    except PullRequestNotFound as exc:
        print(f"review_pr.py: error: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    except NetworkError as exc:
        print(f"review_pr.py: error: {exc}", file=sys.stderr)
        return EXIT_NETWORK
    except (UsageError, ReviewKitError) as exc:
        print(f"review_pr.py: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for notice in review.notices:
        print(f"review_pr.py: notice: {notice}", file=sys.stderr)
    return EXIT_OK
