"""The README's "where a change goes", proven: each kind of extension is one object and
one registry line, and then shows in the review tool's options, the docs and the report.

Every test registers a minimal new source, check, engine or format in a
temporary registry (monkeypatch undoes it) and changes no other file.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from conftest import REPO

from review_kit import cli
from review_kit.analysis import analyse, checks, load_catalog
from review_kit.analysis.check_spec import CheckSpec, Evidence, Verdict
from review_kit.analysis.engines import ENGINES, EngineSpec, FileContext
from review_kit.catalog.rules import ContentRule
from review_kit.output import FORMATS, OutputFormat, RenderOptions
from review_kit.output.docs_tables import (
    render_formats,
    render_repository_checks,
    render_rules_table,
)
from review_kit.pr.model import ChangedFile, PullRequest
from review_kit.pr.provenance import Provenance
from review_kit.pr.sources.base import SourceContext

ENV = {"GITHUB_API_URL": "http://127.0.0.1:9"}


def tool(capsys, tmp_path: Path, *argv: str) -> str:
    """The review tool run in-process; the report it exported, or its --help text."""
    out = tmp_path / "report"
    export = () if "--help" in argv else ("--export", str(out))
    status = cli.run([*argv, *export], {**ENV, "REVIEW_CACHE_DIR": str(tmp_path / "cache")})
    printed = capsys.readouterr()
    assert status == 0, printed.err
    return printed.out if "--help" in argv else out.read_text()


# -- a new PR source ------------------------------------------------------------------


@dataclass(frozen=True)
class GitLabWeb:
    def pr_url(self, repo: str, number: int | None, html_url: str) -> str:
        return f"https://gitlab.example/{repo}/-/merge_requests/{number}"

    def file_url(self, pr_url: str, path: str, line: int | None = None) -> str:
        return f"{pr_url}/diffs?file={path}" + (f"#L{line}" if line else "")


FROM_GITLAB = Provenance("gitlab", lambda fetched_at: "from GitLab", web=GitLabWeb())


class GitLabSource:
    name: ClassVar[str] = "gitlab"
    option: ClassVar[str | None] = "--gitlab"
    metavar: ClassVar[str] = "PROJECT"
    help: ClassVar[str] = "a merge request on a GitLab server"
    runs_in_checkout: ClassVar[bool] = False
    client = None

    def __init__(self, context: SourceContext, argument: str | None = None) -> None:
        self.repo = context.repo

    def load(self, number: int | None) -> PullRequest:
        files = [ChangedFile("vllm_omni/entrypoints/omni.py", additions=3)]
        return PullRequest(
            number,
            self.repo,
            title="[Core] A merge request",
            files=files,
            changed_files=1,
            source=FROM_GITLAB,
        )

    def close(self) -> None:
        pass


def test_a_new_source_is_an_option_and_speaks_for_its_prs(monkeypatch, capsys, tmp_path):
    """One class in the registry: the tool offers ``--gitlab``, and the report names the
    source and links the PR where it lives, not on GitHub."""
    monkeypatch.setattr(cli, "SOURCES", (*cli.SOURCES, GitLabSource))
    assert "--gitlab PROJECT" in tool(capsys, tmp_path, "--help")
    report = tool(capsys, tmp_path, "--gitlab", "omni", "--pr-number", "7", "--format", "md")
    assert "| Data | gitlab |" in report
    assert "https://gitlab.example/vllm-project/vllm-omni/-/merge_requests/7" in report
    assert "github.com/vllm-project/vllm-omni/pull" not in report


# -- a new check ----------------------------------------------------------------------


def _every_pr(evidence: Evidence) -> Verdict:
    return Verdict("attention", f"{len(evidence.pr.files)} file(s) looked at by the demo.")


DEMO_CHECK = CheckSpec(
    id="demo-every-pr",
    title="Demo check on every PR",
    applies_to="Every pull request, to show that a check is one spec and one line.",
    run=_every_pr,
)


def test_a_new_check_is_documented_and_reported(monkeypatch, capsys, tmp_path):
    """One ``CheckSpec`` in ``CHECKS``: the docs table lists it, every report shows its verdict."""
    monkeypatch.setattr(checks, "CHECKS", (*checks.CHECKS, DEMO_CHECK))
    assert DEMO_CHECK.applies_to in render_repository_checks()
    report = tool(capsys, tmp_path, "--snapshot", "--pr-number", "19", "--format", "md")
    assert "Demo check on every PR" in report and "looked at by the demo" in report


# -- a new rule engine ----------------------------------------------------------------


def _first_added_line(rule: ContentRule, ctx: FileContext) -> list:
    return [ctx.finding(rule, min(ctx.diff.added), "the demo reads every YAML file")]


DEMO_ENGINE = EngineSpec(
    name="demo-first-line",
    title="the first added line of every file (a demo)",
    run=_first_added_line,
)


def test_a_new_engine_validates_documents_and_finds(monkeypatch, tmp_path):
    """One ``EngineSpec`` in ``ENGINES``: a rule may name it, the rules table says what it
    reads, and its findings reach the report."""
    monkeypatch.setitem(ENGINES, DEMO_ENGINE.name, DEMO_ENGINE)
    root = tmp_path / "catalog"
    shutil.copytree(REPO / "tests/fixtures/catalog", root)
    focus_map = root / "focus-map.yml"
    focus_map.write_text(
        focus_map.read_text()
        + "rules:\n  - id: demo-rule\n    title: Demo rule\n    message: Look at it.\n"
        '    guide: "1.2"\n    severity: P2\n    paths: ["*.yaml"]\n'
        f"    yaml: {DEMO_ENGINE.name}\n"
    )
    catalog = load_catalog(root / "docs", root / "framework.yml", focus_map, root)
    assert DEMO_ENGINE.title in render_rules_table(catalog, "index.md")
    pr = PullRequest(
        1, "x/y", files=[ChangedFile("stage.yaml", "added", 1, 0, patch="@@ -0,0 +1 @@\n+a: 1")]
    )
    review = analyse(pr, catalog)
    assert [(f.rule, f.line) for f in review.findings] == [("demo-rule", 1)]
    report = FORMATS["md"].render(review, catalog, RenderOptions())
    assert "Demo rule" in report


# -- a new output format --------------------------------------------------------------


def _csv(review, catalog, options) -> str:
    return "file,areas\n" + "".join(
        f"{f.file.filename},{' '.join(f.areas)}\n" for f in review.files
    )


def test_a_new_format_is_an_option_in_the_docs_and_written(monkeypatch, capsys, tmp_path):
    """One ``OutputFormat`` in ``FORMATS``: ``--format csv`` exists, the docs list it, it writes."""
    csv = OutputFormat("csv", ".csv", False, _csv, "comma-separated files and their areas")
    monkeypatch.setitem(FORMATS, "csv", csv)
    assert "csv" in tool(capsys, tmp_path, "--help")
    assert "| `csv` | comma-separated files and their areas |" in render_formats(FORMATS.values())
    report = tool(capsys, tmp_path, "--snapshot", "--pr-number", "19", "--format", "csv")
    assert report.startswith("file,areas\n") and len(report.splitlines()) > 1
