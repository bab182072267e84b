"""Reviews that leave the kit for GitHub: github-review JSON, --post, SARIF, --since.

Three layers: pure functions (anchors, neutralised text, SARIF shape),
snapshots of each export for PR 19, and real runs of the tool against the
stand-in GitHub for a small, a typical and a large corpus PR (114, 19, 215),
whose rendered exports are saved under test-artifacts/review-out/.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from dataclasses import replace

import jsonschema
import pytest
from conftest import REPO
from posted_markdown import misfires, render

from review_kit.analysis import analyse, load_catalog
from review_kit.analysis.anchors import Anchor, anchor_at, anchor_of, diff_lines
from review_kit.analysis.model import Finding
from review_kit.analysis.since import delta_of, split_since
from review_kit.output.escape import md_code, md_escape, plain_neutral, visible
from review_kit.output.github_review import browser_export, github_review, marker
from review_kit.output.links import site_page_url
from review_kit.output.markdown import render_review_export
from review_kit.output.sarif import MAX_RESULTS, fingerprint, sarif_log
from review_kit.pr.model import ChangedFile, PullRequest, pull_request_from_api
from review_kit.pr.sources.github_api import GitHubSettings, NetworkError
from review_kit.pr.sources.github_reviews import PostRefused, ReviewPoster
from review_kit.pr.sources.snapshot import from_snapshot
from review_kit.testing.github_stub import GitHubStub, corpus_pr, right_side_hunks

REPO_NAME = "vllm-project/vllm-omni"
TOOL = [sys.executable, str(REPO / "tools/review_pr.py")]
TOKEN = "ghp_reviewOutTokenMustNotLeak42"
SITE = "https://kit.example/review/"
PR_LINKS = (f"https://github.com/{REPO_NAME}/pull/", SITE)
SCHEMA = json.loads((REPO / "tests/schemas/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
ARTIFACTS = REPO / "test-artifacts" / "review-out"
# Small, typical and large corpus PRs: 2, 5 and 34 files.
CORPUS_PRS = (114, 19, 215)
# What a PR's author can write into titles, names and reasons to make a
# posted review ping, link, embed or break out of its fold.
MISFIRING = [
    "@org/team please look",
    "thanks @user",
    "fixes #123 and GH-45",
    "see owner/repo#3",
    "mail me: someone@example.com",
    "commit deadbeef1 and cafe0123456789",
    "costs $x^2$ and $$y$$",
    "</details><details open><summary>LGTM</summary>",
    "<img src=https://tracker.example/p.gif>",
    "![tracker](https://tracker.example/p.gif)",
    "[click](https://evil.example)",
    "https://evil.example/x and www.evil.example",
    "<!-- hide the rest",
]
# Text that must read literally, whatever it holds.
LITERAL = [*MISFIRING, "a `code` with `` ` `` ticks", "back\\slash *star* _under_"]

SMALL_PATCH = (
    "@@ -10,3 +10,4 @@ def f():\n a = 1\n+b = 2\n c = 3\n d = 4\n@@ -40,2 +41,3 @@\n x\n+y\n z"
)


@pytest.fixture(scope="module")
def catalog():
    # Every rule, those off by default included: PR 19's one finding (a broad
    # except) is what the posted formats are shown with.
    return load_catalog(all_rules=True)


def _finding(file: str, line: int, lines=None, **extra) -> Finding:
    return Finding(
        rule="broad-except-continues",
        title="Broad exception caught and execution continues",
        file=file,
        line=line,
        text="except Exception:",
        guide="3.4",
        message="Ask which errors are expected.",
        lines=tuple(lines or (line,)),
        **extra,
    )


def _pr(files: list[ChangedFile], number: int = 7) -> PullRequest:
    return PullRequest(
        number=number, repo=REPO_NAME, title="t", head_sha="a" * 40, base_sha="b" * 40, files=files
    )


# -- pure: anchors ---------------------------------------------------------------


def test_anchor_is_a_line_the_diff_shows_on_the_right():
    """Added and context lines anchor; a line between hunks, a removed file or no patch do not."""
    pr = _pr(
        [
            ChangedFile("a.py", patch=SMALL_PATCH),
            ChangedFile("gone.py", status="removed", patch="@@ -1,1 +0,0 @@\n-x"),
            ChangedFile("big.py", patch=None),
        ]
    )
    lines = diff_lines(pr)
    assert anchor_of(_finding("a.py", 11), lines) == Anchor("a.py", 11)
    assert anchor_of(_finding("a.py", 13), lines) == Anchor("a.py", 13)  # context line
    assert anchor_of(_finding("a.py", 20), lines) is None  # between the hunks
    assert anchor_of(_finding("gone.py", 1), lines) is None
    assert anchor_of(_finding("big.py", 1), lines) is None
    assert anchor_at("a.py", 42, lines) == Anchor("a.py", 42)
    assert anchor_at("a.py", 44, lines) is None  # past the hunk's end


def test_a_run_of_hits_becomes_a_range_only_within_one_hunk():
    lines = diff_lines(_pr([ChangedFile("a.py", patch=SMALL_PATCH)]))
    assert anchor_of(_finding("a.py", 11, (11, 12, 13)), lines) == Anchor("a.py", 13, 11)
    # 13 and 41 are in different hunks: the comment stays on the first line.
    assert anchor_of(_finding("a.py", 13, (13, 41)), lines) == Anchor("a.py", 13)


def test_the_stub_reads_hunks_as_the_kit_does():
    """Two readers written apart agree on which lines a comment may sit on."""
    (kit,) = diff_lines(_pr([ChangedFile("a.py", patch=SMALL_PATCH)])).values()
    assert [set(h) for h in kit.hunks] == right_side_hunks(SMALL_PATCH)


# -- pure: text that cannot misfire ------------------------------------------------


@pytest.mark.parametrize("text", MISFIRING)
def test_raw_text_would_misfire(text):
    """The check can fail: every hostile string, posted as it is, does something on GitHub."""
    assert misfires(text, ())


@pytest.mark.parametrize("text", LITERAL)
def test_md_escape_neither_pings_nor_links_and_reads_literally(text):
    markdown = md_escape(text)
    assert misfires(markdown, ()) == []
    shown = html.unescape(re.sub(r"<[^>]+>", "", render(markdown))).strip()
    assert shown == visible(text).strip()
    # Code stays code: no backslash escape inside a code span.
    for span in re.findall(r"<code>(.*?)</code>", render(markdown)):
        assert "\\" not in span


def test_code_span_fence_is_longer_than_any_run_inside():
    assert md_code("a``b") == "```a``b```"
    assert md_code("`x`") == "`` `x` ``"
    assert render(md_code("a``b")).strip() == "<p><code>a``b</code></p>"


def test_plain_text_keeps_references_in_quotes():
    assert plain_neutral("ping @org/team about #12") == "ping `@org/team` about `#12`"


def test_absolute_guide_links_match_mkdocs_directory_urls(catalog):
    from review_kit.site.links import page_url

    for section in catalog.sections.values():
        assert site_page_url(SITE, section.src_uri, section.anchor) == (
            f"{SITE}{page_url(section.src_uri)}#{section.anchor}"
        )
    assert site_page_url("", "expert/tensors.md") == ""


# -- github-review: shape ------------------------------------------------------------


def _hostile_review(catalog):
    """A PR whose title, file names and hit lines try every misfire, with an out-of-diff finding."""
    name = "vllm_omni/engine/@org/team #12 GH-3 $x$ </details>.py"
    patch = "@@ -0,0 +1,4 @@\n+try:\n+    run()\n+except Exception:\n+    pass"
    pr = _pr([ChangedFile(name, status="added", additions=4, patch=patch)], number=666)
    pr.title = " ".join(MISFIRING)
    pr.head_ref = "@user/branch"
    review = analyse(pr, catalog)
    assert review.findings, "the broad-except rule must fire on the hostile file"
    hit = review.findings[0]
    outside = replace(hit, line=40, lines=(40,), reason="far away @user #9")
    review.findings = [hit, outside]
    return review


def test_out_of_diff_finding_goes_into_the_body_never_into_comments(catalog):
    review = _hostile_review(catalog)
    payload = github_review(review, catalog, SITE)
    assert [(c["path"], c["line"]) for c in payload["comments"]] == [
        (review.findings[0].file, review.findings[0].line)
    ]
    assert "`@user`" in payload["body"] and ":40" in payload["body"]
    assert payload["commit_id"] == "a" * 40 and payload["event"] == "COMMENT"
    assert payload["body"].rstrip().endswith(marker("a" * 40))


def test_nothing_the_pr_wrote_misfires_in_any_posted_output(catalog):
    review = _hostile_review(catalog)
    payload = github_review(review, catalog, SITE)
    texts = {
        "body": payload["body"],
        **{f"comment {i}": c["body"] for i, c in enumerate(payload["comments"])},
    }
    export = render_review_export(review, catalog, SITE)
    texts["export"] = re.sub("\x00[^\x00]*\x00", "", export)
    from review_kit.output.summary import render_pr_summary

    texts["summary"] = render_pr_summary(review, catalog)
    for where, text in texts.items():
        assert misfires(text, PR_LINKS) == [], where
    sarif = sarif_log(review, catalog, SITE)
    for result in sarif["runs"][0]["results"]:
        assert misfires(result["message"]["markdown"], PR_LINKS) == []
        assert "@user" not in result["message"]["text"].replace("`@user`", "")


def test_comment_reads_as_vllm_omni_asks(catalog):
    review = analyse(from_snapshot(19), catalog)
    (comment,) = github_review(review, catalog, SITE)["comments"]
    first = comment["body"].splitlines()[0]
    assert first == (
        "**[P2] Broad exception caught and execution continues** — "
        "`vllm_omni/core/sched/scheduler.py:44`"
    )
    assert (
        f"Guide: [§3.4 Hand-off between stages]({SITE}expert/multimodal/#sec-3-4)"
        in comment["body"]
    )
    assert "\\`" not in comment["body"]  # backticks in the rule's words stay code
    assert comment["side"] == "RIGHT" and "start_line" not in comment


def test_body_puts_the_note_first_and_repeats_nothing(catalog):
    from review_kit.repo.sources import repository_data_for

    pr = from_snapshot(19)
    review = analyse(pr, catalog, repository_data_for(pr, None, None))
    export = render_review_export(review, catalog, SITE)
    assert export.startswith("\x00note\x00")
    assert "(§)" not in export and "0 of" not in export
    order = [export.index(h) for h in ("### Findings", "### Problems", "**Hygiene:**", "<details>")]
    assert order == sorted(order)
    # A content rule's check repeats its findings: each finding is listed once.
    assert export.count("Broad exception caught") == 1
    reviewers = re.search(r"\*\*Suggested reviewers\*\*.*", export).group()
    assert len(re.findall(r"`[^`]+`", reviewers)) <= 3


def test_browser_export_carries_both_renderings_and_the_lines_notes_may_use(catalog):
    review = analyse(from_snapshot(19), catalog)
    data = browser_export(review, catalog, SITE)
    assert data["template"].startswith("\x00note\x00")
    assert data["github"]["body"].startswith("\x00note\x00")
    assert data["lines"]["vllm_omni/core/sched/scheduler.py"] == [[1, 48]]
    assert data["findings"][0]["inline"] is True


# -- SARIF ---------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema(catalog):
    review = _hostile_review(catalog)
    log = sarif_log(review, catalog, SITE)
    jsonschema.Draft7Validator(SCHEMA).validate(log)
    result = log["runs"][0]["results"][0]
    assert result["level"] == "note" and result["ruleId"] == review.findings[0].rule
    assert log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_fingerprint_survives_a_move_and_changes_with_the_hunk():
    f = _finding("a.py", 12, hunks=("h1",))
    assert fingerprint(f) == fingerprint(replace(f, line=30, lines=(30,)))
    assert fingerprint(f) != fingerprint(replace(f, hunks=("h2",)))
    assert fingerprint(f) != fingerprint(replace(f, rule="swallowed-exception"))


def test_sarif_keeps_githubs_limit_of_results_per_run(catalog):
    review = analyse(from_snapshot(19), catalog)
    (one,) = review.findings
    review.findings = [replace(one, file=f"f{i}.py") for i in range(MAX_RESULTS + 3)]
    log = sarif_log(review, catalog)
    assert len(log["runs"][0]["results"]) == MAX_RESULTS
    note = log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    assert note.startswith("3 of 25003 findings left out")


# -- snapshots -------------------------------------------------------------------------


def test_pr19_export_snapshots(catalog, snapshot):
    pr = from_snapshot(19)
    pr.fetched_at = None
    review = analyse(pr, catalog)
    snapshot(
        "pr19_github_review.json",
        json.dumps(github_review(review, catalog, SITE), indent=2, ensure_ascii=False),
    )
    snapshot(
        "pr19_review_export.md", render_review_export(review, catalog, SITE).replace("\x00", "⟨T⟩")
    )
    snapshot(
        "pr19.sarif", json.dumps(sarif_log(review, catalog, SITE), indent=2, ensure_ascii=False)
    )
    from review_kit.output.summary import render_pr_summary

    snapshot("pr19_summary.md", render_pr_summary(review, catalog))


# -- real runs against the stand-in GitHub ---------------------------------------------

FILL = """
import { fillReview } from "./docs/assets/checklists/review-export.js";
let text = "";
process.stdin.on("data", (chunk) => (text += chunk));
process.stdin.on("end", () => {
  const untouched = { stateOf: () => "open", problemNote: () => "", reopenedEntry: () => null, note: () => "" };
  process.stdout.write(fillReview(text, untouched));
});
"""


def filled_by_the_browser(template: str) -> str:
    """The export as the page's own script fills it for a review nobody has touched yet."""
    done = subprocess.run(
        ["node", "--input-type=module", "-e", FILL],
        input=template,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    return done.stdout


def run_tool(*args: str, api_url: str, cache) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "GITHUB_API_URL": api_url,
        "GITHUB_TOKEN": TOKEN,
        "REVIEW_CACHE_DIR": str(cache),
        # Every rule, as the ``catalog`` fixture the outputs are checked against.
        "REVIEW_ALL_RULES": "1",
    }
    return subprocess.run([*TOOL, *args], capture_output=True, text=True, env=env, cwd=REPO)


@pytest.fixture
def stub(corpus):
    with GitHubStub() as server:
        for record in corpus:
            if record["number"] in CORPUS_PRS:
                server.add_pr(REPO_NAME, *corpus_pr(record))
        yield server


@pytest.mark.parametrize("number", CORPUS_PRS)
def test_corpus_pr_posts_with_every_anchor_accepted(stub, tmp_path, number, catalog, corpus):
    result = run_tool(
        "--pr-number", str(number), "--post", "--site-url", SITE, api_url=stub.url, cache=tmp_path
    )
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)  # what it posts is printed first
    ((posted, status),) = stub.posted
    assert status == 200 and posted == printed
    # Every finding here is on an added line, so each is a comment (none in the body).
    record = next(r for r in corpus if r["number"] == number)
    pr = pull_request_from_api(*corpus_pr(record), REPO_NAME, "test", number=number)
    findings = analyse(pr, catalog).findings
    assert [(c["path"], c["line"]) for c in posted["comments"]] == [
        (f.file, f.line) for f in findings
    ]
    assert f"posted a review of PR #{number}" in result.stderr
    assert TOKEN not in result.stdout + result.stderr
    for text in [posted["body"], *(c["body"] for c in posted["comments"])]:
        assert misfires(text, PR_LINKS) == []
    sarif = run_tool(
        "--pr-number",
        str(number),
        "--format",
        "sarif",
        "--site-url",
        SITE,
        api_url=stub.url,
        cache=tmp_path,
    )
    assert sarif.returncode == 0, sarif.stderr
    jsonschema.Draft7Validator(SCHEMA).validate(json.loads(sarif.stdout))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"pr{number}-github-review.json").write_text(result.stdout, encoding="utf-8")
    (ARTIFACTS / f"pr{number}-github-review-body.md").write_text(posted["body"], encoding="utf-8")
    (ARTIFACTS / f"pr{number}.sarif").write_text(sarif.stdout, encoding="utf-8")
    review_md = run_tool(
        "--pr-number", str(number), "--format", "summary", api_url=stub.url, cache=tmp_path
    )
    assert misfires(review_md.stdout, PR_LINKS) == []
    (ARTIFACTS / f"pr{number}-summary.md").write_text(review_md.stdout, encoding="utf-8")
    # The Markdown report may be pasted into a review too.
    report = run_tool(
        "--pr-number", str(number), "--format", "md", api_url=stub.url, cache=tmp_path
    )
    assert report.returncode == 0, report.stderr
    assert misfires(report.stdout, (f"https://github.com/{REPO_NAME}/",)) == []
    (ARTIFACTS / f"pr{number}-report.md").write_text(report.stdout, encoding="utf-8")
    # The page's Markdown export of the same PR, as an untouched review fills it
    # (no note, nothing ticked): what "Download" gives before any work.
    from review_kit.repo.sources import repository_data_for

    export = render_review_export(
        analyse(pr, catalog, repository_data_for(pr, None, None)), catalog, SITE
    )
    untouched = filled_by_the_browser(export)
    assert misfires(untouched, PR_LINKS) == []
    assert (
        "(§)" not in untouched
        and " of " not in untouched.split("<summary>")[1].split("</summary>")[0]
    )
    (ARTIFACTS / f"pr{number}-review-export.md").write_text(untouched, encoding="utf-8")


def test_post_refuses_a_second_review_of_the_same_head(stub, tmp_path):
    # 150 reviews by others first: the kit's marker is on the second page.
    stub.reviews[(REPO_NAME, 19)] = [{"id": i, "body": f"review {i}"} for i in range(150)]
    first = run_tool("--pr-number", "19", "--post", api_url=stub.url, cache=tmp_path)
    assert first.returncode == 0, first.stderr
    again = run_tool("--pr-number", "19", "--post", api_url=stub.url, cache=tmp_path)
    assert again.returncode == 5
    assert again.stderr.strip().splitlines()[-1] == (
        "review_pr.py: error: PR #19 of vllm-project/vllm-omni: the kit's review of head "
        "eb006f6 is already posted; nothing posted"
    )
    assert len(stub.posted) == 1
    assert any("page=2" in r.path or "reviews" in r.path for r in stub.requests)


def test_post_refuses_when_the_head_moved_since_the_analysis(stub, tmp_path):
    moved = "f" * 40
    stub.move_head_on_read[(REPO_NAME, 19)] = (2, moved)  # the second read of the PR sees a push
    result = run_tool("--pr-number", "19", "--post", api_url=stub.url, cache=tmp_path)
    assert result.returncode == 5
    assert (
        "its head moved from eb006f6 to fffffff since the analysis; nothing posted" in result.stderr
    )
    assert stub.posted == [] and TOKEN not in result.stderr


def test_stub_answers_422_for_an_anchor_outside_the_diff(stub, catalog, corpus):
    """The stand-in refuses what GitHub refuses, so an accepted post proves the kit's check."""
    record = next(r for r in corpus if r["number"] == 19)
    pr = pull_request_from_api(*corpus_pr(record), REPO_NAME, "test", number=19)
    review = analyse(pr, catalog)
    (hit,) = review.findings
    review.findings = [hit, replace(hit, line=400, lines=(400,))]
    payload = github_review(review, catalog, SITE)
    assert len(payload["comments"]) == 1 and ":400" in payload["body"]
    poster = ReviewPoster(GitHubSettings(api_url=stub.url, token=TOKEN))
    forced = {
        **payload,
        "comments": [*payload["comments"], {**payload["comments"][0], "line": 400}],
    }
    with pytest.raises(NetworkError, match="422.*must be part of the diff"):
        poster.post(REPO_NAME, 19, forced, pr.head_sha, marker(pr.head_sha))
    created = poster.post(REPO_NAME, 19, payload, pr.head_sha, marker(pr.head_sha))
    assert created["state"] == "COMMENTED" and [s for _, s in stub.posted] == [422, 200]
    with pytest.raises(PostRefused):
        poster.post(REPO_NAME, 19, payload, pr.head_sha, marker(pr.head_sha))
    poster.close()


def test_since_marks_exactly_the_changed_hunks(stub, tmp_path, corpus, catalog):
    record = next(r for r in corpus if r["number"] == 215)
    old = record["head"]["sha"]
    new = "9" * 40
    stub.move_head(REPO_NAME, 215, new)
    serialization = "vllm_omni/distributed/omni_connectors/utils/serialization.py"
    # Since the old head, one line was added in the hunk of the P0 finding (line 69).
    stub.add_compare(
        REPO_NAME,
        old[:12],
        new,
        [
            {
                "filename": serialization,
                "status": "modified",
                "additions": 1,
                "deletions": 0,
                "patch": "@@ -68,1 +68,2 @@\n x = 1\n+y = loads(data)",
            }
        ],
    )
    result = run_tool(
        "--pr-number",
        "215",
        "--format",
        "github-review",
        "--since",
        old[:12],
        api_url=stub.url,
        cache=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    findings = analyse(
        pull_request_from_api(*corpus_pr(record), REPO_NAME, "test", number=215), catalog
    ).findings
    in_changed_hunk = [f for f in findings if f.file == serialization]
    assert in_changed_hunk and len(in_changed_hunk) < len(findings)
    assert [(c["path"], c["line"]) for c in payload["comments"]] == [
        (f.file, f.line) for f in in_changed_hunk
    ]
    body = payload["body"]
    assert f"/pull/215/files/{old[:12]}..{new}" in body
    folded = body[body.index("reviewed at") : body.index("</details>")]
    earlier = len(findings) - len(in_changed_hunk)
    assert f"{earlier} findings reviewed at" in body and serialization not in folded
    assert all(f.file in folded for f in findings if f.file != serialization)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "pr215-since-github-review-body.md").write_text(body, encoding="utf-8")


def test_split_since_is_hunk_exact():
    patch = "@@ -1,2 +1,3 @@\n a\n+b\n c\n@@ -20,2 +21,3 @@\n x\n+y\n z"
    pr = _pr([ChangedFile("a.py", patch=patch)])
    findings = [_finding("a.py", 2), _finding("a.py", 22)]
    delta = delta_of(
        "c" * 7, pr.head_sha, [ChangedFile("a.py", patch="@@ -21,1 +21,2 @@\n x\n+new")]
    )
    assert split_since(pr, findings, [], delta).new_findings == frozenset({1})


def test_a_huge_review_stays_within_githubs_body_limit(catalog):
    """Thousands of findings: the body drops the checklist and counts the rest, visibly."""
    review = analyse(from_snapshot(19), catalog)
    (one,) = review.findings
    many = tuple(range(1, 5000))
    review.findings = [replace(one, file=f"pkg/f{i}.py", lines=many) for i in range(3000)]
    payload = github_review(review, catalog, SITE)
    assert len(payload["body"]) <= 65536
    assert "The checklist is left out: GitHub takes at most 65,536 characters" in payload["body"]
    assert "more findings on the review page" in payload["body"]
    assert payload["comments"] == []  # none of those files is in the diff


def test_since_with_a_local_checkout_reads_git_diff(tmp_path):
    """--git with --since compares the two heads with `git diff OLD HEAD` in --repo-dir,
    and only the finding in the hunk that changed is new."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e.invalid"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@e.invalid")

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(tmp_path), *args], check=True, capture_output=True, text=True, env=env
        )
        return done.stdout.strip()

    code = tmp_path / "vllm_omni" / "engine" / "a.py"
    code.parent.mkdir(parents=True)
    filler = "".join(f"x{i} = {i}\n" for i in range(40))
    plain_a, plain_b = "def a():\n    run()\n", "def b():\n    run()\n"
    code.write_text(plain_a + filler + plain_b)
    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "pr")
    guarded_a = "def a():\n    try:\n        run()\n    except Exception as e:\n        log(e)\n"
    guarded_b = "def b():\n    try:\n        run()\n    except:\n        pass\n"
    code.write_text(guarded_a + filler + guarded_b)
    git("commit", "-qam", "one")
    old = git("rev-parse", "HEAD")
    # The second push touches only the second function's hunk.
    code.write_text(guarded_a + filler + guarded_b.replace("run()", "run(1)"))
    git("commit", "-qam", "two")
    result = run_tool(
        "--git",
        "main...pr",
        "--repo-dir",
        str(tmp_path),
        "--format",
        "github-review",
        "--since",
        old,
        api_url="http://127.0.0.1:9",
        cache=tmp_path / "cache",
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [(c["path"], c["line"]) for c in payload["comments"]] == [("vllm_omni/engine/a.py", 49)]
    assert "1 finding reviewed at" in payload["body"]


def test_a_local_build_posts_no_links_to_the_readers_own_machine():
    from review_kit.output.links import public_site_url

    assert public_site_url("http://127.0.0.1:8000/") == ""
    assert public_site_url("http://localhost:8000/") == ""
    assert public_site_url("") == ""
    assert public_site_url(SITE) == SITE


def test_github_review_needs_a_head_commit(tmp_path):
    listing = tmp_path / "files.json"
    listing.write_text(json.dumps(["vllm_omni/engine/a.py"]))
    result = run_tool(
        "--files-from",
        str(listing),
        "--format",
        "github-review",
        api_url="http://127.0.0.1:9",
        cache=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "review_pr.py: error: --format github-review needs a head commit: use a PR or --git"
    )
