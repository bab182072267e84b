"""Analysis of a PR's file list: areas, items with their triggering files, checks, effort."""

from __future__ import annotations

import json
import statistics
import subprocess

import pytest

from review_kit.analysis import analyse, load_catalog
from review_kit.errors import ReviewKitError
from review_kit.output.html import render_pr_html
from review_kit.output.json_report import review_to_json
from review_kit.pr.model import ChangedFile, PullRequest, pull_request_from_api
from review_kit.pr.sources.git_range import from_git
from review_kit.pr.sources.json_file import from_file
from review_kit.pr.sources.snapshot import from_snapshot
from review_kit.site.links import SiteLinks
from review_kit.testing.github_stub import corpus_pr

REPO = "vllm-project/vllm-omni"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def pr_of(*files: ChangedFile, **fields) -> PullRequest:
    return PullRequest(
        number=fields.pop("number", 1),
        repo=REPO,
        files=list(files),
        changed_files=len(files),
        **fields,
    )


def check(review, check_id):
    return next(c for c in review.checks if c.id == check_id)


def test_pr19_snapshot_review(catalog):
    """PR 19 touches scheduling and the engine; items name the files that triggered them."""
    review = analyse(from_snapshot(19), catalog)
    assert [a.area.id for a in review.areas] == ["scheduling", "engine"]
    budget = next(i for i in review.items if i.item.id == "sched-budget")
    assert budget.files == [
        "vllm_omni/core/sched/diffusion_scheduler.py",
        "vllm_omni/core/sched/scheduler.py",
    ]
    assert budget.trigger == {"paths": ["/vllm_omni/core/sched/*scheduler*.py"], "lines": 389}
    assert check(review, "tests-with-source").status == "attention"
    # The one finding is of a rule that is off by default: it did not run, so it has no check.
    assert review.findings == []
    assert "broad-except-continues" not in {c.id for c in review.checks}
    every = analyse(from_snapshot(19), load_catalog(all_rules=True))
    assert [(f.rule, f.file, f.line) for f in every.findings] == [
        ("broad-except-continues", "vllm_omni/core/sched/scheduler.py", 44)
    ]
    assert review.effort.score == 4
    assert review.effort.reasons[0].startswith("493 of 493 changed lines count")
    assert "pytest tests -v -k sched" in review.commands


def test_source_with_tests_passes(catalog):
    review = analyse(
        pr_of(
            ChangedFile("vllm_omni/engine/arg_utils.py"), ChangedFile("tests/engine/test_args.py")
        ),
        catalog,
    )
    result = check(review, "tests-with-source")
    assert result.status == "pass" and "tests/engine/test_args.py" in result.reason


def test_new_model_without_registry_needs_attention(catalog):
    files = [ChangedFile("vllm_omni/diffusion/models/flux/pipeline_flux.py", "added")]
    review = analyse(pr_of(*files), catalog)
    assert check(review, "model-registry-updated").status == "attention"
    registered = analyse(pr_of(*files, ChangedFile("vllm_omni/diffusion/registry.py")), catalog)
    assert check(registered, "model-registry-updated").status == "pass"
    assert check(registered, "supported-models-listed").status == "attention"


def test_modified_model_file_does_not_trigger_registry_check(catalog):
    review = analyse(
        pr_of(ChangedFile("vllm_omni/diffusion/models/sd3/sd3_transformer.py")), catalog
    )
    assert check(review, "model-registry-updated").reason.startswith("Does not apply")


def test_dependency_change_is_flagged(catalog):
    review = analyse(pr_of(ChangedFile("pyproject.toml")), catalog)
    result = check(review, "dependency-change")
    assert result.status == "attention" and result.files == ["pyproject.toml"]


def test_user_facing_change_without_docs(catalog):
    review = analyse(pr_of(ChangedFile("vllm_omni/entrypoints/openai/serving_speech.py")), catalog)
    assert check(review, "docs-with-user-facing-change").status == "attention"


def test_rename_counts_for_both_areas_and_unmatched_listed(catalog):
    review = analyse(
        pr_of(
            ChangedFile(
                "vllm_omni/core/args.py", "renamed", previous_filename="vllm_omni/engine/args.py"
            ),
            ChangedFile("weird/place.cfg"),
            ChangedFile("docs/diagram.png", "added"),
        ),
        catalog,
    )
    areas = {a.area.id for a in review.areas}
    assert {"scheduling", "engine"} <= areas
    assert review.unmatched == ["weird/place.cfg"]
    assert review.ignored == ["docs/diagram.png"]
    assert check(review, "removed-public-files").status == "attention"


def test_effort_scales_and_caps(catalog):
    small = analyse(pr_of(ChangedFile("README.md", additions=3)), catalog)
    assert small.effort.score == 1
    files = [
        ChangedFile(f"vllm_omni/{d}/x.py", additions=900)
        for d in ("engine", "worker", "core", "diffusion")
    ]
    big = analyse(pr_of(*files), catalog)
    assert big.effort.score == 5
    many = files + [ChangedFile(f"vllm_omni/{d}/y.py", additions=900) for d in ("entrypoints",)]
    assert analyse(pr_of(*many), catalog).effort.reasons[-1] == "capped at 5"


def test_tiny_change_in_a_critical_area_is_small(catalog):
    """Eleven lines in the scheduler are read with care, but they are still eleven lines."""
    review = analyse(pr_of(ChangedFile("vllm_omni/core/sched/scheduler.py", additions=11)), catalog)
    assert review.effort.score == 2


def test_tests_and_docs_do_not_count_towards_effort(catalog):
    files = [
        ChangedFile("tests/test_big.py", additions=3000),
        ChangedFile("docs/x.md", additions=900),
    ]
    review = analyse(pr_of(*files), catalog)
    assert review.effort.score == 1
    assert review.effort.reasons[0].startswith("0 of 3900 changed lines count")


def test_truncated_list_adds_notice_and_effort(catalog):
    pr = pr_of(ChangedFile("README.md"))
    pr.changed_files = 3500
    review = analyse(pr, catalog)
    assert any("at most 3000 files" in n for n in review.notices)
    assert any("listed only 1 of 3500" in r for r in review.effort.reasons)


def test_json_has_the_documented_keys(catalog):
    data = review_to_json(analyse(from_snapshot(19), catalog))
    assert {"pr", "files", "unmatched", "areas", "items", "checks", "effort"} <= set(data)
    assert data["files"][0].keys() >= {"filename", "status", "areas"}
    assert all(isinstance(f["areas"], list) for f in data["files"])
    assert data["effort"]["score"] == 4


def test_files_from_accepts_api_shape_and_plain_paths(tmp_path):
    api = tmp_path / "api.json"
    api.write_text(
        json.dumps([{"filename": "a.py", "status": "added", "additions": 2, "deletions": 0}])
    )
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(["a.py", "b.py"]))
    assert from_file(api, REPO, 5).files[0].status == "added"
    assert [f.filename for f in from_file(plain, REPO, None).files] == ["a.py", "b.py"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{oops", r"bad\.json:1: not valid JSON"),
        ('{"files": 3}', "expected a JSON list of files"),
        ('[{"name": "x"}]', "a file entry has no 'filename'"),
        ('[{"filename": "x", "status": "exploded"}]', "unknown file status 'exploded'"),
    ],
)
def test_files_from_rejects_bad_input_with_one_line(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with pytest.raises(ReviewKitError, match=message):
        from_file(bad, REPO, 1)


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_git_range_reads_statuses_renames_and_counts(tmp_path):
    repo = tmp_path / "checkout"
    (repo / "vllm_omni/engine").mkdir(parents=True)
    (repo / "vllm_omni/engine/old.py").write_text("a\nb\nc\nd\ne\n")
    (repo / "README.md").write_text("hi\n")
    git(repo.parent, "init", "-q", "-b", "main", str(repo))
    git(repo, "-c", "user.email=a@b", "-c", "user.name=A", "add", ".")
    git(repo, "-c", "user.email=a@b", "-c", "user.name=A", "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "feature")
    (repo / "vllm_omni/core").mkdir()
    git(repo, "mv", "vllm_omni/engine/old.py", "vllm_omni/core/new.py")
    (repo / "README.md").write_text("hi\nthere\n")
    (repo / "tests").mkdir()
    (repo / "tests/test_x.py").write_text("x = 1\n")
    git(repo, "add", ".")
    git(
        repo, "-c", "user.email=a@b", "-c", "user.name=A", "commit", "-qm", "Move the engine module"
    )
    pr = from_git("main...feature", repo, REPO, None)
    by_name = {f.filename: f for f in pr.files}
    assert by_name["vllm_omni/core/new.py"].status == "renamed"
    assert by_name["vllm_omni/core/new.py"].previous_filename == "vllm_omni/engine/old.py"
    assert (by_name["README.md"].additions, by_name["README.md"].status) == (1, "modified")
    assert by_name["tests/test_x.py"].status == "added"
    assert pr.title == "Move the engine module" and pr.source.label == "git"
    # Hunks as GitHub's `patch` gives them: from the first "@@", no file header.
    assert by_name["README.md"].patch.startswith("@@ ")
    assert "+there" in by_name["README.md"].patch.splitlines()
    assert by_name["tests/test_x.py"].patch == "@@ -0,0 +1,1 @@\n+x = 1"


@pytest.mark.parametrize("bad", ["main..feature", "-rf...x", "main"])
def test_git_range_must_be_three_dot(tmp_path, bad):
    with pytest.raises(ReviewKitError, match="expected a three-dot range"):
        from_git(bad, tmp_path, REPO, None)


def test_deleted_test_does_not_cover_a_change(catalog):
    review = analyse(
        pr_of(
            ChangedFile("vllm_omni/engine/arg_utils.py"),
            ChangedFile("tests/test_args.py", "removed"),
        ),
        catalog,
    )
    assert check(review, "tests-with-source").status == "attention"


def test_local_report_has_no_pull_request_number(catalog):
    from review_kit.output.markdown import render_pr_markdown

    report = render_pr_markdown(
        analyse(pr_of(ChangedFile("README.md"), number=None), catalog), catalog
    )
    assert report.startswith("# Review of local changes")
    assert "gh pr checkout" not in report and "/pull/0" not in report


def test_small_prs_show_few_boxes(catalog, corpus):
    """Triggers keep a small PR's page short: a reviewer ticks what the change makes relevant.

    Over the corpus PRs of 3-5 files, the median page has at most eight boxes
    (triggered items and key questions); adding a key question or widening a
    trigger must keep it so.
    """
    reviews = []
    for record in corpus:
        if 3 <= len(record["files"]) <= 5:
            pull, files = corpus_pr(record)
            reviews.append(analyse(pull_request_from_api(pull, files, REPO, "corpus"), catalog))
    assert len(reviews) >= 50
    boxes = [r.boxes for r in reviews]
    assert statistics.median(boxes) <= 8, sorted(boxes)
    # `boxes` counts what the page shows: one tickable box per item and question.
    busiest = max(reviews, key=lambda r: r.boxes)
    page = render_pr_html(busiest, catalog, SiteLinks(f"prs/{busiest.pr.number}/index.md"))
    assert page.count('class="rk-check"') == busiest.boxes


def test_question_line_counts_stay_within_the_areas_it_names(catalog):
    """Ten lines of entrypoints and a hundred of tests do not make a 50-line entrypoints question."""
    entry = ChangedFile("vllm_omni/entrypoints/openai/serving_chat.py", "modified", 8, 2)
    tests = ChangedFile("tests/entrypoints/test_serving_chat.py", "modified", 100, 0)
    asked = {q.id for q in analyse(pr_of(entry, tests), catalog).questions}
    assert "question-functionality-2" not in asked
    bigger = ChangedFile(entry.filename, "modified", 45, 10)
    asked = {q.id for q in analyse(pr_of(bigger, tests), catalog).questions}
    assert "question-functionality-2" in asked


def test_pickle_replaced_in_the_serializer_opens_the_wire_format_items(catalog, corpus):
    """PR 310 removes pickle from the connector serializer: no finding, and the items matter most.

    The wire-format items fire on the serializer's path, not only on an
    unsafe-deserialisation finding, which a PR removing pickle never produces.
    """
    record = next(r for r in corpus if r["number"] == 310)
    pull, files = corpus_pr(record)
    review = analyse(pull_request_from_api(pull, files, REPO, "corpus"), catalog)
    assert not [f for f in review.findings if f.rule.endswith("deserialisation")]
    fired = {i.item.id: i for i in review.items if not i.folded}
    serializer = "vllm_omni/distributed/omni_connectors/utils/serialization.py"
    for item_id in ("conn-typed-wire", "conn-safe-serialization"):
        assert fired[item_id].files == [serializer]
        assert fired[item_id].trigger == {"paths": ["*serializ*.py"]}


def test_an_any_of_item_still_fires_on_its_finding_alone(catalog):
    """`pickle.loads` in a connector outside the serializer paths still opens the wire-format item."""
    patch = "@@ -0,0 +1,2 @@\n+import pickle\n+obj = pickle.loads(payload)\n"
    name = "vllm_omni/distributed/omni_connectors/zz_connector.py"
    review = analyse(pr_of(ChangedFile(name, "added", 2, 0, patch=patch)), catalog)
    fired = {i.item.id: i for i in review.items if not i.folded}
    assert fired["conn-typed-wire"].trigger == {"rules": ["pickle-deserialisation"]}
    assert fired["conn-typed-wire"].files == [name]
    # A path-only alternative does not fire on a file outside its paths.
    plain = ChangedFile(name, "added", 2, 0, patch="@@ -0,0 +1,1 @@\n+x = 1\n")
    assert "conn-typed-wire" not in {i.item.id for i in analyse(pr_of(plain), catalog).items}
