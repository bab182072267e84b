"""tools/review_pr.py end to end: sources, formats, export, exit codes, no token in output."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import REPO
from hostile import PWNED, hostile_pr

from review_kit.testing.github_stub import Fault, GitHubStub, corpus_pr

TOOL = [sys.executable, str(REPO / "tools/review_pr.py")]
TOKEN = "ghp_cliTokenMustNotLeak77"


def run(
    *args: str, api_url: str = "http://127.0.0.1:9", cache=None, **env
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "GITHUB_API_URL": api_url, "GITHUB_TOKEN": TOKEN, **env}
    if cache is not None:
        full_env["REVIEW_CACHE_DIR"] = str(cache)
    return subprocess.run([*TOOL, *args], capture_output=True, text=True, env=full_env, cwd=REPO)


@pytest.fixture(scope="module")
def stub(corpus):
    with GitHubStub() as server:
        for record in corpus:
            server.add_pr("vllm-project/vllm-omni", *corpus_pr(record))
        server.add_pr("vllm-project/vllm-omni", *hostile_pr(666, 40))
        yield server


def test_json_for_a_corpus_pr(stub, tmp_path, corpus):
    record = next(r for r in corpus if r["number"] == 23)
    result = run("--pr-number", "23", "--format", "json", api_url=stub.url, cache=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["pr"]["number"] == 23 and data["pr"]["source"] == "api"
    assert [f["filename"] for f in data["files"]] == [f["filename"] for f in record["files"]]
    sample = next(f for f in data["files"] if f["filename"] == "SAMPLE_TESTS_FOR_PR13.py")
    assert sample["areas"] == [] and "SAMPLE_TESTS_FOR_PR13.py" in data["unmatched"]
    assert {"items", "checks", "effort", "areas"} <= data.keys()
    assert TOKEN not in result.stdout + result.stderr


def test_json_questions_are_the_maps_own(stub, tmp_path):
    """The tool asks key questions from docs/focus-map.yml: the map's ids and words, in its order."""
    from review_kit.catalog.loading import load_catalog

    asked_of_all = [
        (qid, group.topic, question.text)
        for group in load_catalog().focus_map.key_questions
        for qid, question in group.entries()
    ]
    # PR 310 touches connectors, CI and tests: a question of every topic, not all of them.
    result = run("--pr-number", "310", "--format", "json", api_url=stub.url, cache=tmp_path)
    assert result.returncode == 0, result.stderr
    asked = [(q["id"], q["topic"], q["text"]) for q in json.loads(result.stdout)["questions"]]
    assert len({topic for _, topic, _ in asked}) == 5
    assert asked == [q for q in asked_of_all if q in asked]
    assert len(asked) < len(asked_of_all)


def test_markdown_export(stub, tmp_path):
    out = tmp_path / "report.md"
    result = run("--pr-number", "19", "--export", str(out), api_url=stub.url, cache=tmp_path)
    assert result.returncode == 0
    report = out.read_text()
    assert report.startswith(
        "# Review of [vllm-project/vllm-omni\\#19](https://github.com/vllm-project/vllm-omni/pull/19): "
        "\\[Core\\]Add scheduling"
    )
    assert "## Automated checks" in report and "## Key questions" in report
    assert "vllm\\_omni/core/sched/output\\.py" in report


def test_pdf_export_prints_one_pr_without_the_handbook(stub, tmp_path):
    """`--format pdf` writes the PR's checklist alone: a few pages, not the site's handbook."""
    from pypdf import PdfReader

    out = tmp_path / "pr-19.pdf"
    result = run(
        "--pr-number",
        "19",
        "--format",
        "pdf",
        "--export",
        str(out),
        api_url=stub.url,
        cache=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    reader = PdfReader(out)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert 1 <= len(reader.pages) <= 20  # the handbook is 135 pages
    assert "[Core]Add scheduling components" in text and "of 5 review effort" in text
    assert "vllm_omni/core/sched/output.py" in text


def test_hostile_markdown_report_is_inert(stub, tmp_path):
    """Names in the report are escaped: no HTML tag, link or fence survives."""
    result = run("--pr-number", "666", api_url=stub.url, cache=tmp_path)
    assert result.returncode == 0, result.stderr
    report = result.stdout
    assert "<script>" not in report and "](javascript:" not in report
    assert '```python exec="on"' not in report
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;\\.py" in report
    assert "&#123;&#123; 7\\*7 &#125;&#125;\\.py" in report
    assert PWNED not in report


def test_job_summary_leads_with_what_to_look_at(stub, tmp_path):
    result = run("--pr-number", "19", "--format", "summary", api_url=stub.url, cache=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = result.stdout
    assert summary.startswith("### Review kit: [vllm-project/vllm-omni\\#19]")
    assert "**Effort " in summary and "**Needs attention**" in summary
    assert "- Tests change with the source (§5.1)" in summary
    # Read first: the scheduler before the package's __init__, each linked to its diff.
    first = summary.split("**Read first**")[1].strip().splitlines()[0]
    assert first.startswith("- [vllm\\_omni/core/sched/diffusion\\_scheduler\\.py](")
    assert "/pull/19/files#diff-" in first
    assert len(summary.splitlines()) < 60


def test_hostile_job_summary_is_inert(stub, tmp_path):
    """The summary is GitHub Markdown on the Checks tab: PR text must stay text there too."""
    result = run("--pr-number", "666", "--format", "summary", api_url=stub.url, cache=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = result.stdout
    assert "<script>" not in summary and "](javascript:" not in summary
    assert "{{" not in summary and "{%" not in summary and "```python" not in summary
    assert "\u202e" not in summary and "\x1b" not in summary
    assert PWNED not in summary
    links = [part.split(")")[0] for part in summary.split("](")[1:]]
    assert links and all(link.startswith("https://github.com/vllm-project/") for link in links)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "--pr-number is required"),
        (("--pr-number", "x"), "invalid int value"),
        (("--pr-number", "1", "--format", "docx"), "invalid choice"),
        (("--pr-number", "1", "--format", "pdf"), "give --export FILE"),
        (("--pr-number", "1", "--repo", "not a repo"), "is not of the form OWNER/NAME"),
        (("--git", "a..b"), "expected a three-dot range"),
        (("--files-from", "/nonexistent.json"), "cannot read"),
        (("--git", "a...b", "--files-from", "x"), "not allowed with argument --git"),
    ],
)
def test_bad_usage_exits_2_with_one_line(args, message):
    result = run(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("review_pr.py: error:")


def test_unknown_pr_exits_3(stub, tmp_path):
    result = run("--pr-number", "99999", api_url=stub.url, cache=tmp_path)
    assert result.returncode == 3
    assert result.stderr.strip() == (
        "review_pr.py: error: PR #99999 of vllm-project/vllm-omni: not found on "
        f"{stub.url.split('//')[1]} (404: Not Found)"
    )


def test_network_failure_without_cache_exits_4(tmp_path):
    result = run("--pr-number", "23", cache=tmp_path)
    assert result.returncode == 4
    assert "cannot reach 127.0.0.1:9" in result.stderr and "Traceback" not in result.stderr


def test_auth_failure_falls_back_to_cache_then_exits_4_without(stub, tmp_path):
    assert run("--pr-number", "23", api_url=stub.url, cache=tmp_path).returncode == 0
    stub.fail_next(Fault(401, body=b'{"message": "Bad credentials"}'))
    cached = run("--pr-number", "23", "--format", "json", api_url=stub.url, cache=tmp_path)
    assert cached.returncode == 0
    assert json.loads(cached.stdout)["pr"]["source"] == "cache"
    assert "notice: GitHub did not serve fresh data" in cached.stderr
    stub.fail_next(Fault(401, body=b'{"message": "Bad credentials"}'))
    cold = run("--pr-number", "23", api_url=stub.url, cache=tmp_path / "other")
    assert cold.returncode == 4 and "rejected the token (401: Bad credentials)" in cold.stderr
    assert TOKEN not in cached.stdout + cached.stderr + cold.stderr


def test_files_from_plain_list(tmp_path):
    listing = tmp_path / "files.json"
    listing.write_text(
        json.dumps(["vllm_omni/diffusion/registry.py", "docs/models/supported_models.md"])
    )
    result = run("--files-from", str(listing), "--format", "json")
    data = json.loads(result.stdout)
    assert result.returncode == 0
    assert data["files"][0]["areas"] == ["diffusion"]
    checks = {c["id"]: c["status"] for c in data["checks"]}
    assert checks["supported-models-listed"] == "pass"
    assert checks["docs-with-user-facing-change"] == "pass"
