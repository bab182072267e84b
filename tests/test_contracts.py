"""vllm-omni's module contracts, CI map and PR policy: parsing, analysis and the three sources."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from textwrap import dedent

import pytest
import yaml
from conftest import REPO
from test_review_tool import run

from review_kit.analysis import analyse
from review_kit.analysis.repository_policy import template_sections, title_prefixes
from review_kit.catalog.loading import load_catalog
from review_kit.errors import ReviewKitError
from review_kit.pr.model import ChangedFile, PullRequest
from review_kit.pr.sources.github_api import GitHubClient, GitHubSettings
from review_kit.repo.ci import parse_ci_dependencies
from review_kit.repo.contracts import contract_from_document
from review_kit.repo.sources import GitHubRepositoryData, from_checkout, from_snapshot
from review_kit.repo.sources.snapshot import CONTRACTS_SNAPSHOT
from review_kit.site.plan import fetch_reviews
from review_kit.testing.github_stub import GitHubStub, bundled_repository_files

OMNI = "vllm-project/vllm-omni"
BASE = "b" * 40
ORCHESTRATION = "docs/design/module/engine_orchestration.md"
CI_FILE = ".buildkite/common/ci_source_file_dependencies.yml"
ORCHESTRATOR_FILES = [
    {
        "filename": "vllm_omni/engine/orchestrator.py",
        "status": "modified",
        "additions": 40,
        "deletions": 5,
    },
    {
        "filename": "tests/engine/test_orchestrator.py",
        "status": "modified",
        "additions": 20,
        "deletions": 0,
    },
]
FILLED_BODY = dedent(
    """\
    <!-- markdownlint-disable -->
    ## Purpose
    Route aborts through the orchestrator.
    ## Test Plan
    pytest tests/engine/test_orchestrator.py
    ## Test Result
    12 passed
    """
)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def snapshot_documents() -> dict[str, str]:
    """The bundled front matter written back as Markdown documents, with prose of our own."""
    data = json.loads(CONTRACTS_SNAPSHOT.read_text())
    return {
        d["path"]: "---\n" + yaml.safe_dump(d["front_matter"], sort_keys=False) + "---\n\n# Prose\n"
        for d in data["documents"]
    }


def orchestrator_pr(author: str = "tzhouam", body: str | None = FILLED_BODY) -> PullRequest:
    files = [ChangedFile(**f) for f in ORCHESTRATOR_FILES]
    return PullRequest(
        number=77,
        repo=OMNI,
        title="[Core] Route aborts",
        author=author,
        files=files,
        base_sha=BASE,
        body=body,
    )


def assert_done_when(data: dict, author: str = "tzhouam") -> None:
    """The issue's acceptance: contract, owners suggested (not the author), validation, CI jobs."""
    contract = next(c for c in data["contracts"] if c["path"] == ORCHESTRATION)
    assert contract["title"] == "Engine Orchestration"
    assert contract["primary_files"] == ["vllm_omni/engine/orchestrator.py"]
    assert contract["validation_paths_changed"] == ["tests/engine/test_orchestrator.py"]
    assert contract["invariant_namespace"] == "ORCH-INV"
    logins = [r["login"] for r in data["suggested_reviewers"]]
    assert "fake0fan" in logins and "NickCao" in logins
    assert author not in logins
    assert logins.index("fake0fan") < logins.index("lishunyang12")  # more of the change first
    jobs = [j["name"] for j in data["ci_jobs"]["jobs"]]
    assert {"custom_pipeline", "omni_minicpmo_4_5_duplex_function"} <= set(jobs)
    assert data["ci_jobs"]["uncovered"] == ["tests/engine/test_orchestrator.py"]


# -- pure functions ----------------------------------------------------------


def test_unknown_front_matter_fields_are_kept():
    """A field the kit does not know (architecture_state) does not reject the document."""
    text = "---\ntitle: X\narchitecture_state: current\nowners: ['@a']\n---\nprose\n"
    contract = contract_from_document(text, "docs/design/module/x.md", "c" * 40)
    assert contract.title == "X" and contract.owners == ("@a",)


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("title: X\nowners: '@a'", "docs/design/module/x.md: front matter owners: "),
        ("owners: ['@a']", "docs/design/module/x.md: front matter title: missing"),
        ("title: X\nlast_reviewed: someday", "docs/design/module/x.md: front matter last_reviewed"),
        ("title: [unclosed", "docs/design/module/x.md: front matter is not valid YAML"),
    ],
)
def test_malformed_front_matter_is_one_line_naming_the_document(front, message):
    with pytest.raises(ReviewKitError) as error:
        contract_from_document(f"---\n{front}\n---\n", "docs/design/module/x.md")
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


def test_ci_map_resolves_anchors_and_flattens():
    text = dedent(
        """\
        x-a: &a
          - pkg/engine/
          - pkg/one.py
        source_file_dependencies:
          source_filter_fallback:
            - tests/helpers/
          job_a:
            - *a
            - tests/test_a.py
        """
    )
    ci = parse_ci_dependencies(text, "ci.yml")
    assert ci.jobs == {"job_a": ("pkg/engine/", "pkg/one.py", "tests/test_a.py")}
    assert ci.fallback == ("tests/helpers/",)
    assert ci.as_patterns(ci.jobs["job_a"])[:2] == ("/pkg/engine/**", "/pkg/one.py")


def test_fallback_path_keeps_every_job(catalog):
    pr = PullRequest(number=1, repo=OMNI, files=[ChangedFile("tests/helpers/env.py")])
    ci = analyse(pr, catalog, from_snapshot()).repository.ci
    assert ci.jobs == [] and ci.every_job


def test_title_prefixes_and_template_sections():
    assert title_prefixes("[Hardware][Ascend] x") == ["Hardware", "Ascend"]
    assert title_prefixes("Fix [Core] later") == []
    sections = template_sections(FILLED_BODY + "---\n<details>checklist</details>\n")
    assert sections["purpose"].startswith("Route") and sections["test result"] == "12 passed"


@pytest.mark.parametrize(
    ("title", "body", "files", "check", "status"),
    [
        ("[Core] x", FILLED_BODY, [], "policy-title-prefix", "pass"),
        ("[Feature] x", FILLED_BODY, [], "policy-title-prefix", "attention"),
        (
            "[Core] x",
            "## Purpose\nx\n## Test Plan\n\n## Test Result\n",
            [],
            "policy-template-sections",
            "attention",
        ),
        ("[Core] x", None, [], "policy-template-sections", "not-applicable"),
        (
            "[Bugfix] crash",
            FILLED_BODY,
            ["vllm_omni/a.py"],
            "policy-bugfix-regression-test",
            "attention",
        ),
        (
            "[Bugfix] crash",
            FILLED_BODY,
            ["vllm_omni/a.py", "tests/test_a.py"],
            "policy-bugfix-regression-test",
            "pass",
        ),
        (
            "[Core] x",
            FILLED_BODY,
            ["vllm_omni/a.py"],
            "policy-bugfix-regression-test",
            "not-applicable",
        ),
        ("[Perf] faster decode", FILLED_BODY, [], "policy-perf-ab-evidence", "attention"),
        (
            "[Perf] faster decode",
            "base: 120 ms, head: 80 ms",
            [],
            "policy-perf-ab-evidence",
            "pass",
        ),
        (
            "[Model] Add Foo",
            FILLED_BODY,
            ["vllm_omni/diffusion/models/foo/__init__.py"],
            "policy-new-model-docs",
            "attention",
        ),
        (
            "[Model] Add Foo",
            FILLED_BODY,
            [
                "vllm_omni/diffusion/models/foo/__init__.py",
                "docs/models/supported_models.md",
                "recipes/foo/Foo.md",
            ],
            "policy-new-model-docs",
            "pass",
        ),
    ],
)
def test_policy_checks(catalog, title, body, files, check, status):
    added = [ChangedFile(f, status="added", additions=10) for f in files]
    pr = PullRequest(number=1, repo=OMNI, title=title, files=added, body=body)
    result = next(c for c in analyse(pr, catalog).checks if c.id == check)
    assert result.status == status, result.reason
    assert result.rule.startswith("https://github.com/vllm-project/vllm-omni/blob/")


def test_large_change_wants_an_rfc(catalog):
    files = [
        ChangedFile("vllm_omni/engine/big.py", additions=600),
        ChangedFile("tests/t.py", additions=900),
    ]
    pr = PullRequest(number=1, repo=OMNI, title="[Core] x", files=files, body=FILLED_BODY)
    check = next(c for c in analyse(pr, catalog).checks if c.id == "policy-large-change-rfc")
    assert check.status == "attention" and "600 production lines" in check.reason
    pr.body = FILLED_BODY + "\nRFC: https://github.com/vllm-project/vllm-omni/issues/123\n"
    check = next(c for c in analyse(pr, catalog).checks if c.id == "policy-large-change-rfc")
    assert check.status == "pass"


def test_contract_checks_and_author_never_suggested(catalog):
    review = analyse(
        orchestrator_pr(author="@FAKE0FAN"), catalog, from_snapshot(), dt.date(2026, 8, 10)
    )
    logins = [r.login.lower() for r in review.repository.suggested_reviewers]
    assert "fake0fan" not in logins and "tzhouam" in logins
    status = {c.id: c.status for c in review.checks}
    assert status["contract-validation-tests"] == "pass"
    assert status["contract-document-updated"] == "attention"
    # Engine orchestration was reviewed 2026-08-07; Observability (related) 2026-07-16.
    assert status["contract-review-age"] == "pass"
    late = analyse(orchestrator_pr(), catalog, from_snapshot(), dt.date(2026, 12, 1))
    assert {c.id: c.status for c in late.checks}["contract-review-age"] == "attention"


def test_no_contract_touched_is_not_applicable(catalog):
    pr = PullRequest(number=1, repo=OMNI, files=[ChangedFile("README.md")])
    status = {c.id: c.status for c in analyse(pr, catalog, from_snapshot()).checks}
    assert status["contract-validation-tests"] == status["contract-review-age"] == "not-applicable"


# -- the three sources, end to end -----------------------------------------------


def test_snapshot_offline_through_the_tool(tmp_path):
    files = tmp_path / "files.json"
    files.write_text(
        json.dumps(
            {
                "pull": {"number": 77, "title": "[Core] x", "user": {"login": "tzhouam"}},
                "files": ORCHESTRATOR_FILES,
            }
        )
    )
    result = run("--files-from", str(files), "--format", "json", cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert_done_when(data)
    assert data["repository_data"]["origin"] == "snapshot"


def test_checkout_through_the_tool(tmp_path):
    checkout = tmp_path / "vllm-omni"
    for path, text in snapshot_documents().items():
        (checkout / path).parent.mkdir(parents=True, exist_ok=True)
        (checkout / path).write_text(text)
    (checkout / CI_FILE).parent.mkdir(parents=True)
    (checkout / CI_FILE).write_text(
        (REPO / "review_kit/data/ci_source_file_dependencies.yml").read_text()
    )
    (checkout / "docs/design/module/broken.md").write_text("---\ntitle: B\nowners: '@x'\n---\n")
    git = ["git", "-C", str(checkout), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "contracts"], check=True)
    head = subprocess.run(
        [*git, "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    files = tmp_path / "files.json"
    # Contracts are read at the PR's base commit (issue 25, class 6), never the work tree.
    pull = {"number": 77, "user": {"login": "tzhouam"}, "base": {"sha": head, "ref": "main"}}
    files.write_text(json.dumps({"pull": pull, "files": ORCHESTRATOR_FILES}))
    result = run(
        "--files-from",
        str(files),
        "--repo-dir",
        str(checkout),
        "--format",
        "json",
        cache=tmp_path / "c",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert_done_when(data)
    assert data["repository_data"]["origin"] == "checkout"
    assert data["contracts"][0]["url"].endswith(f"/blob/{head}/{ORCHESTRATION}")
    assert any("broken.md: front matter owners" in n for n in data["notices"])


def stub_repository(stub: GitHubStub) -> None:
    files = {**bundled_repository_files(), "vllm_omni/engine/orchestrator.py": "# code\n"}
    stub.add_tree(OMNI, BASE, files)


def pull(number: int, body: str | None = FILLED_BODY) -> dict:
    return {
        "number": number,
        "title": "[Core] Route aborts",
        "user": {"login": "tzhouam"},
        "body": body,
        "base": {"sha": BASE, "ref": "main"},
        "head": {"sha": "a" * 40, "ref": "x"},
        "additions": 65,
        "deletions": 5,
        "changed_files": 2,
    }


def test_stand_in_github_through_the_tool(tmp_path):
    with GitHubStub() as stub:
        stub_repository(stub)
        stub.add_pr(OMNI, pull(77, "<script>alert(1)</script>"), ORCHESTRATOR_FILES)
        cold = run("--pr-number", "77", "--format", "json", api_url=stub.url, cache=tmp_path)
        sent = len(stub.requests)
        warm = run("--pr-number", "77", "--format", "json", api_url=stub.url, cache=tmp_path)
        warm_requests = stub.requests[sent:]
    assert cold.returncode == 0, cold.stderr
    data = json.loads(cold.stdout)
    assert_done_when(data)
    assert data["repository_data"] == {
        "origin": "github",
        "commit": BASE,
        "source": data["repository_data"]["source"],
        # The stand-in repository has no .pre-commit-config.yaml at the base.
        "pre_commit_hooks": [],
        "pre_commit_config": None,
    }
    assert data["contracts"][0]["url"].endswith(f"/blob/{BASE}/{ORCHESTRATION}")
    assert {c["id"]: c["status"] for c in data["checks"]}["policy-template-sections"] == "attention"
    assert json.loads(warm.stdout)["contracts"] == data["contracts"]
    assert warm_requests and all(r.status == 304 for r in warm_requests)


def test_base_commit_missing_falls_back_to_snapshot_with_notice(tmp_path):
    with GitHubStub() as stub:
        stub.add_pr(OMNI, pull(77), ORCHESTRATOR_FILES)  # no tree at BASE: 404
        result = run("--pr-number", "77", "--format", "json", api_url=stub.url, cache=tmp_path)
    data = json.loads(result.stdout)
    assert data["repository_data"]["origin"] == "snapshot"
    assert any("bundled snapshot" in n for n in data["notices"])
    assert_done_when(data)


def test_pr_page_shows_contracts_escaped(catalog):
    from review_kit.output.html import render_pr_html
    from review_kit.site.links import SiteLinks

    pr = orchestrator_pr(body="<img src=x onerror=alert(1)>")
    html = render_pr_html(
        analyse(pr, catalog, from_snapshot()), catalog, SiteLinks("prs/77/index.md")
    )
    assert 'id="contracts"' in html and "Engine Orchestration" in html
    assert "<code>@fake0fan</code>" in html and "<strong>changed</strong>" in html
    assert "custom_pipeline" in html and "onerror" not in html


def test_ten_prs_cold_and_warm_request_counts(tmp_path, catalog):
    """Ten PRs on one base: the contracts are read once, and a warm build asks only for the PRs.

    The tree and the contents at the base commit cannot change, so the warm
    build takes them from the cache; the PRs it asks for again, all answered 304.
    """
    with GitHubStub() as stub:
        stub_repository(stub)
        for n in range(1, 11):
            stub.add_pr(OMNI, pull(n), ORCHESTRATOR_FILES)
        github = GitHubSettings(api_url=stub.url, cache_dir=tmp_path)
        fetch_reviews(OMNI, list(range(1, 11)), github, catalog)
        cold = list(stub.requests)
        reviews = fetch_reviews(OMNI, list(range(1, 11)), github, catalog)
        warm = stub.requests[len(cold) :]
    documents = len(snapshot_documents())
    assert len(cold) == 10 * 2 + 1 + documents + 1
    assert len(warm) == 10 * 2 and all(r.status == 304 for r in warm)
    assert all("/pulls/" in r.path for r in warm)
    assert all(r.repository.contracts[0].contract.path == ORCHESTRATION for r in reviews)
    print(
        f"cold: {len(cold)} requests, warm: {len(warm)} ({sum(r.status != 304 for r in warm)} charged)"
    )


def test_repository_reader_shares_documents_across_bases(tmp_path):
    """A second base commit re-reads only documents whose blob changed."""
    with GitHubStub() as stub:
        stub_repository(stub)
        stub.trees[(OMNI, "c" * 40)] = dict(stub.trees[(OMNI, BASE)])
        reader = GitHubRepositoryData(
            GitHubClient(GitHubSettings(api_url=stub.url, cache_dir=tmp_path))
        )
        first = reader.at(OMNI, BASE)
        before = len(stub.requests)
        second = reader.at(OMNI, "c" * 40)
        assert len(stub.requests) - before == 1  # only the tree: every blob is known
    assert [c.path for c in first.contracts] == [c.path for c in second.contracts]
    assert second.contracts[0].commit == "c" * 40


def test_many_bases_are_read_concurrently_with_the_same_urls_every_time(tmp_path):
    """Whichever request answers first, a set of bases asks for the same URLs, each once."""
    commits = [f"{i:x}" * 40 for i in range(1, 7)]
    asked = []
    for run_number, order in enumerate([commits, list(reversed(commits))]):
        with GitHubStub(latency=0.01 * run_number) as stub:
            stub_repository(stub)
            for commit in commits:
                stub.trees[(OMNI, commit)] = dict(stub.trees[(OMNI, BASE)])
            # One document changes at the fourth base: read there, and only there.
            path = sorted(p for p in stub.trees[(OMNI, BASE)] if p.endswith(".md"))[0]
            stub.trees[(OMNI, commits[3])][path] += b"\n<!-- edited -->\n"
            settings = GitHubSettings(api_url=stub.url, cache_dir=tmp_path / str(run_number))
            reader = GitHubRepositoryData(GitHubClient(settings))
            data = reader.at_many(OMNI, order)
            asked.append(sorted(r.path for r in stub.requests))
        assert sorted(data) == sorted(commits)
        assert all(d.origin == "github" for d in data.values())
    assert asked[0] == asked[1]
    # Each tree once, each document once, the edited one again at the base that changed it.
    counts = {url: asked[0].count(url) for url in asked[0]}
    again = [url for url, n in counts.items() if n > 1]
    assert again == [f"/repos/{OMNI}/contents/{path}"] and counts[again[0]] == 2


def test_snapshot_and_checkout_agree(tmp_path):
    for path, text in snapshot_documents().items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "contracts"], check=True)
    checkout = from_checkout(tmp_path, OMNI, "HEAD")
    snapshot = from_snapshot()
    assert [c.title for c in checkout.contracts] == [c.title for c in snapshot.contracts]
    assert checkout.ci is None and checkout.notices


def test_check_map_reports_contract_paths_no_area_claims():
    """With a map that claims only the engine, every other contract path is reported."""
    from review_kit.catalog.coverage import check_listing

    fixture = REPO / "tests/fixtures/catalog/focus-map.yml"
    problems = check_listing(["vllm_omni/engine/orchestrator.py"], fixture).problems
    unclaimed = [p for p in problems if p.startswith("contract path no area claims")]
    assert (
        "contract path no area claims: docs/design/module/quantization.md: vllm_omni/quantization/**"
        in unclaimed
    )


def test_area_pages_name_overlapping_contracts(catalog):
    """The engine area lists Engine Orchestration, computed from the contracts and the tree."""
    from review_kit.output.catalog_pages import render_focus_area

    page = render_focus_area(catalog, "engine", "focus-areas/engine.md")
    assert "## Module contracts { #contracts }" in page
    assert "[Engine Orchestration](https://github.com/vllm-project/vllm-omni/blob/1384283" in page
    assert "Quantization" not in page.split("## Module contracts")[1].split("## Checklist")[0]
