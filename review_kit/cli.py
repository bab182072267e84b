"""``tools/review_pr.py``: analyse one pull request and export a report.

Same core as the site's PR pages. Sources and formats come from their
registries (``pr.sources.SOURCES``, ``output.FORMATS``), so a new one shows up
here as an option without a change to this file. Errors are one line on
stderr; tokens are never printed.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .analysis import Review, analyse, load_catalog
from .analysis.since import Delta, Since, check_sha, delta_of, split_since
from .catalog.loading import Catalog
from .errors import ReviewKitError
from .output import FORMATS, RenderOptions
from .output.escape import terminal
from .output.links import page_uri
from .output.pdf import build_date
from .pr.model import PullRequest, check_repo_name
from .pr.sources import DEFAULT_SOURCE, SOURCES, PullRequestSource, SourceContext
from .pr.sources.github_settings import NetworkError, PostRefused, PullRequestNotFound
from .repo.sources import GitHubRepositoryData, repository_data_for
from .settings import Settings
from .untrusted_files import write_atomically


@dataclass(frozen=True)
class ExitCode:
    status: int
    meaning: str


EXIT_OK = ExitCode(
    0,
    "Success, including runs that fell back on cached or snapshot data (see the notices), and `--help`.",
)
EXIT_USAGE = ExitCode(
    2,
    "Bad usage or bad input: an unknown, missing, conflicting or malformed option or setting, "
    "an invalid `--repo` or `--pr-number`, a `--files-from` file that cannot be read or has the "
    "wrong content, a bad `--git` range, a git command that fails in `--repo-dir`, an `--export` "
    "file that cannot be written, or missing dependencies.",
)
EXIT_NOT_FOUND = ExitCode(
    3,
    "GitHub answered `404` for the PR or its files: no such PR in that repository, or no access to it.",
)
EXIT_NETWORK = ExitCode(
    4,
    "GitHub failed (network, timeout, token, rate limit, server or malformed answer) and neither "
    "a cached copy nor the snapshot could stand in.",
)
EXIT_REFUSED = ExitCode(
    5,
    "`--post` refused and posted nothing: the PR's head moved since the analysis, or the kit's "
    "review of this head is already on the PR.",
)
EXIT_CODES = (EXIT_OK, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_NETWORK, EXIT_REFUSED)
PROG = "review_pr.py"


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as documented
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Analyse a vllm-omni pull request against the review kit's focus map.",
    )
    parser.add_argument("--pr-number", type=int, help="pull request number")
    parser.add_argument(
        "--repo", default=None, help="OWNER/NAME (default: REVIEW_REPO or mkdocs.yml)"
    )
    parser.add_argument(
        "--export", metavar="FILE", help="write the report to FILE instead of stdout"
    )
    parser.add_argument(
        "--format",
        choices=tuple(FORMATS),
        default=None,
        help="; ".join(f"{f.name}: {f.help}" for f in FORMATS.values()),
    )
    sources = parser.add_mutually_exclusive_group()
    for source in SOURCES:
        if source.option is None:
            continue
        dest = source.option.lstrip("-").replace("-", "_")
        if source.metavar:
            sources.add_argument(source.option, dest=dest, metavar=source.metavar, help=source.help)
        else:
            sources.add_argument(source.option, dest=dest, action="store_true", help=source.help)
    parser.add_argument(
        "--repo-dir",
        metavar="DIR",
        default=None,
        help="vllm-omni checkout: where --git runs (default: .) and where module contracts "
        "and CI jobs are read (default: GitHub at the PR's base commit, else the bundled snapshot)",
    )
    parser.add_argument(
        "--site-url",
        default="",
        help="base URL of the kit's site, to link guide sections (default: SITE_URL)",
    )
    parser.add_argument(
        "--since",
        metavar="SHA",
        default=None,
        help="re-review: mark what changed since the reviewed head SHA as new, fold the rest",
    )
    parser.add_argument(
        "--post",
        action="store_true",
        help="post the github-review to the PR with the token, once per head (the only write)",
    )
    parser.add_argument(
        "--width",
        type=int,
        metavar="COLUMNS",
        default=None,
        help="wrap the text report to COLUMNS (default: the terminal's width)",
    )
    parser.add_argument(
        "--all-rules",
        action="store_true",
        help="also run the content rules that are off by default, whose findings were mostly "
        "not worth a comment on real PRs (default: REVIEW_ALL_RULES or mkdocs.yml)",
    )
    return parser


def default_format(export: str | None, stream) -> str:
    """Plain text for a person at a terminal; GitHub Markdown for files and pipes."""
    return "text" if not export and stream.isatty() else "md"


def use_color(stream, environ) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return stream.isatty() and not environ.get("NO_COLOR")


def _chosen_source(args: argparse.Namespace):
    """The source class the options select, and its argument (None for a flag)."""
    for source in SOURCES:
        if source.option is None:
            continue
        value = getattr(args, source.option.lstrip("-").replace("-", "_"))
        if value:
            return source, (value if isinstance(value, str) else None)
    return DEFAULT_SOURCE, None


def _configure_logging() -> None:
    # Rate-limit waits and cache fallbacks are worth a line on stderr.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_TerminalFormatter(f"{PROG}: %(levelname)s: %(message)s"))
    core = logging.getLogger("review_kit")
    core.handlers[:] = [handler]
    core.setLevel(logging.WARNING)
    core.propagate = False
    # A run without the HTTP cache is logged at the notice level (INFO unless
    # REVIEW_NOTICE_LEVEL says warning); the tool shows every notice.
    logging.getLogger("review_kit.cache").setLevel(logging.INFO)


def _fail(code: ExitCode, message: object) -> int:
    # Messages quote servers, files and git: no escape sequence reaches the terminal.
    print(f"{PROG}: error: {terminal(message)}", file=sys.stderr)
    return code.status


class _TerminalFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return terminal(super().format(record))


def run(argv: list[str] | None = None, environ: dict | None = None) -> int:
    env = os.environ if environ is None else environ
    _configure_logging()
    try:
        args = build_parser().parse_args(argv)
        source_class, argument = _chosen_source(args)
        if source_class.option is None and args.pr_number is None:
            raise UsageError("--pr-number is required unless --git or --files-from is given")
        if args.pr_number is not None and args.pr_number <= 0:
            raise UsageError(f"--pr-number {args.pr_number}: not a pull request number")
        if args.post:
            if args.format not in (None, "github-review"):
                raise UsageError(
                    f"--post posts the github-review format, not --format {args.format}"
                )
            if args.pr_number is None or source_class.option is not None:
                raise UsageError("--post needs --pr-number and GitHub as the source")
            args.format = "github-review"
        if args.since is not None:
            check_sha(args.since)
        args.format = args.format or default_format(args.export, sys.stdout)
        if FORMATS[args.format].binary and not args.export:
            raise UsageError(f"--format {args.format} writes a binary file: give --export FILE")
        settings = Settings.defaults(env)
        repo = check_repo_name(args.repo or settings.repo)
    except (UsageError, ReviewKitError) as exc:
        return _fail(EXIT_USAGE, exc)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)

    try:
        catalog = load_catalog(
            settings.docs_dir,
            settings.framework,
            settings.focus_map,
            settings.root,
            all_rules=args.all_rules or settings.all_rules,
        )
        context = SourceContext(repo, settings.github, Path(args.repo_dir or "."))
        source = source_class(context, argument)
        try:
            pr = source.load(args.pr_number)
            checkout = args.repo_dir or ("." if source.runs_in_checkout else None)
            at_base = GitHubRepositoryData(source.client) if source.client else None
            repository = repository_data_for(pr, checkout, at_base)
            delta = _delta(args.since, pr, source, checkout) if args.since else None
        finally:
            source.close()
        if args.format == "github-review" and not pr.head_sha:
            # GitHub takes a review only at a commit of the PR (commit_id).
            raise UsageError("--format github-review needs a head commit: use a PR or --git")
        review = analyse(pr, catalog, repository)
        since = split_since(pr, review.findings, review.items, delta) if delta is not None else None
        output = FORMATS[args.format]
        options = _render_options(
            args, review, settings, use_color(sys.stdout, env) and not args.export, env, since
        )
        report = output.render(review, catalog, options)
        if args.export:
            _write_atomically(Path(args.export), report)
            print(f"{PROG}: wrote {args.export}", file=sys.stderr)
        else:
            # A lone surrogate in PR text cannot be encoded; show it, never crash on it.
            sys.stdout.flush()
            data = report.encode("utf-8", "backslashreplace") if isinstance(report, str) else report
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        if args.post:
            _post(review, catalog, options, settings)
    except PostRefused as exc:
        return _fail(EXIT_REFUSED, exc)
    except PullRequestNotFound as exc:
        return _fail(EXIT_NOT_FOUND, exc)
    except NetworkError as exc:
        return _fail(EXIT_NETWORK, exc)
    except (UsageError, ReviewKitError) as exc:
        return _fail(EXIT_USAGE, exc)
    for notice in review.notices:
        print(f"{PROG}: notice: {terminal(notice)}", file=sys.stderr)
    return EXIT_OK.status


# Formats that build their own absolute links from the site URL, without
# MkDocs' URL helpers (whose import would slow every run of the tool).
_OWN_LINKS = {"github-review", "sarif", "json"}


def _render_options(
    args, review, settings: Settings, color: bool, env, since: Since | None = None
) -> RenderOptions:
    site_url = args.site_url or env.get("SITE_URL", "")
    links = None
    if args.format not in _OWN_LINKS and (args.site_url or args.format == "pdf"):
        from .site.links import SiteLinks  # MkDocs' URL helpers, for links that match the site

        links = SiteLinks(page_uri(review.pr.number or 0), base_url=args.site_url)
    return RenderOptions(
        links=links,
        site_url=site_url,
        printed_on=build_date(settings.source_date_epoch),
        color=color,
        since=since,
        # COLUMNS, else the terminal's size, else 80 (shutil's own fallback).
        width=args.width or shutil.get_terminal_size().columns,
    )


def _delta(old: str, pr: PullRequest, source: PullRequestSource, checkout: str | None) -> Delta:
    """What changed since ``old``: GitHub's compare, or ``git diff`` in the checkout."""
    from .pr.sources.compare import compare_in_checkout, compare_on_github

    if not pr.head_sha:
        raise UsageError("--since: the source names no head commit to compare with")
    if source.client is not None and pr.source.served_by_host:
        files = compare_on_github(source.client, pr.repo, old, pr.head_sha)
    elif checkout is not None:
        files = compare_in_checkout(checkout, old, pr.head_sha)
    else:
        raise UsageError("--since needs GitHub or a git checkout to compare the two heads")
    return delta_of(old, pr.head_sha, files)


def _post(review: Review, catalog: Catalog, options: RenderOptions, settings: Settings) -> None:
    """Post the review just printed; refuse on a moved head or a second review of it."""
    from .output.github_review import github_review, marker
    from .pr.sources.github_reviews import ReviewPoster  # the HTTP stack, only to post

    pr = review.pr
    assert pr.number is not None, "--post is refused without --pr-number"
    payload = github_review(review, catalog, options.site_url, options.since)
    poster = ReviewPoster(settings.github)
    try:
        created = poster.post(pr.repo, pr.number, payload, pr.head_sha, marker(pr.head_sha))
    finally:
        poster.close()
    where = created.get("html_url") if isinstance(created.get("html_url"), str) else ""
    print(
        f"{PROG}: posted a review of PR #{pr.number} at {pr.head_sha[:7]} with "
        f"{len(payload['comments'])} inline comment(s){': ' + where if where else ''}",
        file=sys.stderr,
    )


def _write_atomically(path: Path, report: str | bytes) -> None:
    """Write to a fresh temporary file beside ``path``, then rename: a failure never destroys
    ``path``, and a file planted under a fixed temporary name is never written through."""
    data = report.encode("utf-8", "backslashreplace") if isinstance(report, str) else report
    try:
        write_atomically(path, data, mode=0o644)  # a report to share, as a plain write makes it
    except OSError as exc:
        raise UsageError(f"--export {path}: cannot write ({exc.strerror})") from None
