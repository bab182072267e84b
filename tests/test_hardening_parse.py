"""Issue 25, second round: hostile PR text and base-commit documents cost linear time,
bounded memory and one line of refusal, never a hang or a traceback.

Quadratic scans are tested at sizes where the old code took many seconds (the
figure is in each docstring) and a linear one takes milliseconds, against a
bound a thousand times looser than that, so a loaded machine cannot fail them.
"""

from __future__ import annotations

import time

import pytest

from review_kit.analysis import MAX_FINDINGS, analyse, repository_policy
from review_kit.analysis.diff import DiffLine, parse_patch
from review_kit.analysis.python_code import _repairs
from review_kit.pr.model import ChangedFile, PullRequest
from review_kit.pr.sources.github_api import parse_json

# A linear scan of these inputs takes a few milliseconds.
GENEROUS = 1.0


def seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def perf_pr(body: str) -> PullRequest:
    return PullRequest(number=9, repo="o/r", title="[Perf] faster decode", body=body)


# -- class 1: quadratic scans of PR text ------------------------------------------


def test_perf_claim_scan_of_a_digit_run_is_linear():
    """A [Perf] body of 16k digits took 46 s (8k: 21 s) in the measurement regex."""
    pr = perf_pr("1" * 16_000)
    took = seconds(lambda: repository_policy.perf_ab_evidence(pr, None))
    assert took < GENEROUS


def test_perf_claim_still_reads_real_measurements():
    """The linear scan finds what the old one found: a number with a unit, base and head."""
    body = "Baseline (main): 12.5 ms\nThis PR: 9.1 ms, 1,024 tok/s"
    (result,) = repository_policy.perf_ab_evidence(perf_pr(body), None)
    assert result.status == "pass"
    for bare in ("Baseline 12.5 and after 9.1", "before 1" + "2" * 50 + " after"):
        (result,) = repository_policy.perf_ab_evidence(perf_pr(bare), None)
        assert result.status == "attention"


def test_description_headings_scan_is_linear():
    """`#` x 65k took 35 s; a heading then a long run of spaces took 10 s at 2000."""
    for body in ("#" * 65_000 + "x", "# a" + " " * 65_000 + "b", "\n" * 65_000 + "x"):
        took = seconds(lambda body=body: repository_policy.template_sections(body))
        assert took < GENEROUS


def test_template_sections_read_as_before():
    body = (
        "## Purpose\nFix the thing.\n\n### Test Plan ###\n  pytest -k x\n"
        "## Test Result\npassed\n---\n- [ ] checklist\n#not a heading\n"
    )
    sections = repository_policy.template_sections(body)
    assert sections["purpose"] == "Fix the thing."
    assert sections["test plan"] == "pytest -k x"
    assert sections["test result"] == "passed"
    assert "not a heading" not in sections


def test_hunk_repair_string_scan_is_linear():
    """A 100 KB line of escaped quotes took 40 s in the string-skipping pattern."""
    line = DiffLine(1, "x = '" + "\\'" * 50_000, True)
    assert seconds(lambda: _repairs([line])) < GENEROUS


def test_hunk_repair_still_skips_strings_and_comments():
    lines = [DiffLine(1, 'call(\')\', "(\\"", # (', True)]
    assert _repairs(lines)[0] == ("", ")")  # one paren open; the others are in strings


def test_hunk_of_is_a_search_not_a_scan():
    """6500 hunks (the most a read patch can hold) with a finding in each took 4 s; 20k, 35 s."""
    patch = "".join(f"@@ -{2 * i + 1},1 +{2 * i + 1},1 @@\n-a\n+b\n" for i in range(6_500))
    diff = parse_patch(patch)
    took = seconds(lambda: [diff.hunk_of(2 * i + 1) for i in range(6_500)])
    assert took < GENEROUS
    assert diff.hunk_of(2 * 7 + 1) is diff.hunks[7]
    assert diff.hunk_of(2) is None


def test_json_depth_guard_on_an_unterminated_string_is_linear():
    """200 KB of escaped quotes after an opening one took over 60 s (40k: 8.7 s)."""
    content = b'"' + b'\\"' * 100_000
    start = time.perf_counter()
    with pytest.raises(ValueError):
        parse_json(content)
    assert time.perf_counter() - start < GENEROUS


def test_binary_files_line_is_not_handed_to_unidiff():
    """A 100 KB "Binary files ... and ..." line after a hunk took over 60 s in unidiff's regex."""
    patch = "@@ -1,1 +1,1 @@\n-a\n+b\nBinary files " + "a and " * 17_000 + "\n"
    start = time.perf_counter()
    diff = parse_patch(patch)
    assert time.perf_counter() - start < GENEROUS
    assert diff.unreadable


# -- class 5: line boundaries and size caps ------------------------------------------

PAYLOAD = "vllm_omni/distributed/payload.py"


@pytest.fixture(scope="module")
def catalog():
    from review_kit.catalog.loading import load_catalog

    return load_catalog()


def added_patch(lines: list[str]) -> str:
    return "\n".join([f"@@ -0,0 +1,{len(lines)} @@"] + ["+" + line for line in lines])


def pr_of(*files: ChangedFile) -> PullRequest:
    return PullRequest(number=7, repo="o/r", files=list(files), changed_files=len(files))


def unsafe_check(catalog, pr: PullRequest):
    review = analyse(pr, catalog)
    (check,) = [c for c in review.checks if c.id == "unsafe-deserialisation"]
    return review, check


def test_lone_cr_in_an_added_line_does_not_shift_later_lines(catalog):
    """A CR inside line 1 made Python see one line more, so line 3's pickle.loads was missed."""
    lines = ["x = 1\ry = 2", "z = 3", "data = cloudpickle.loads(blob)"]
    pr = pr_of(ChangedFile(PAYLOAD, "added", 3, 0, patch=added_patch(lines)))
    review, check = unsafe_check(catalog, pr)
    assert [(f.rule, f.line) for f in review.findings] == [("unsafe-deserialisation", 3)]
    assert check.status == "attention"


def test_code_after_a_lone_cr_is_read_on_its_own_line(catalog):
    """Python runs what follows a CR as a statement: it is found, on the git line it sits in."""
    lines = ["x = 1\rdata = cloudpickle.loads(blob)", "z = 3"]
    pr = pr_of(ChangedFile(PAYLOAD, "added", 2, 0, patch=added_patch(lines)))
    review, _ = unsafe_check(catalog, pr)
    assert [(f.rule, f.line) for f in review.findings] == [("unsafe-deserialisation", 1)]


@pytest.mark.parametrize("separator", ["\u2028", "\x85", "\x0c", "\r", "\x1c"])
def test_line_separators_inside_a_line_are_text(catalog, separator):
    """U+2028 or NEL before "@@" made the file unreadable; git ends lines at \\n only."""
    lines = [f"note = 'a{separator}@@ -1 +1 @@'", "data = cloudpickle.loads(blob)"]
    diff = parse_patch(added_patch(lines))
    assert not diff.unreadable and sorted(diff.added) == [1, 2]
    pr = pr_of(ChangedFile(PAYLOAD, "added", 2, 0, patch=added_patch(lines)))
    review, check = unsafe_check(catalog, pr)
    assert [f.line for f in review.findings] == [2]


def test_an_unread_file_keeps_its_rules_from_saying_pass(catalog):
    """A rule that could not read a file it applies to says so, never "nothing found"."""
    broken = "@@ -0,0 +1,1 @@\n+x = 1\n+data = cloudpickle.loads(blob)"  # header under-counts
    pr = pr_of(ChangedFile(PAYLOAD, "added", 2, 0, patch=broken))
    review, check = unsafe_check(catalog, pr)
    assert "than its header counts" in review.unread[PAYLOAD]
    assert check.status == "attention"
    assert PAYLOAD in check.reason and "not read" in check.reason


def test_undercounting_hunk_header_is_unread_not_silently_short():
    """unidiff stopped at the header's count and dropped the lines after it."""
    diff = parse_patch("@@ -1,1 +1,1 @@\n-a\n+b\n+pickle.loads(x)\n")
    assert diff.unreadable and diff.why == "hunk 1 has more lines (3) than its header counts"
    shorter = parse_patch("@@ -1,2 +1,2 @@\n-a\n+b\n@@ -9 +9 @@\n x\n")
    assert shorter.why == "hunk 1 has fewer lines (2) than its header counts"
    stray = parse_patch("@@ -1 +1 @@\n-a\n+b\nBinary files a and b differ\n")
    assert stray.why == "hunk 1 holds a line that is not a diff line"
    fine = parse_patch("@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n\\ No newline at end of file\n")
    assert not fine.unreadable and fine.added == {3: "c"}


def test_git_range_reads_form_feed_cr_and_nel_lines(tmp_path):
    """In --git mode a form feed, CR or NEL in any diff line made the whole run exit 2."""
    import subprocess

    from review_kit.pr.sources.git_range import from_git

    repo = tmp_path / "repo"
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    (repo / "a.py").write_text("a = 1\n")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    subprocess.run([*git, "checkout", "-qb", "head"], check=True)
    (repo / "a.py").write_bytes("a = 1\nb = '\x0c\r\x85'\nc = 3\n".encode())
    subprocess.run([*git, "commit", "-qam", "head"], check=True)
    pr = from_git("main...head", repo, "o/r", None)
    (changed,) = pr.files
    assert sorted(parse_patch(changed.patch).added) == [2, 3]


def test_a_huge_patch_is_unread_with_its_size(catalog):
    """100k added lines gave a 77 MB page and a 41 MB memo; now one visible line says why."""
    lines = ["data = cloudpickle.loads(blob)"] * 100_000
    pr = pr_of(ChangedFile(PAYLOAD, "added", len(lines), 0, patch=added_patch(lines)))
    review, check = unsafe_check(catalog, pr)
    assert "100,001 lines" in review.unread[PAYLOAD]
    assert check.status == "attention" and not review.findings


def test_findings_are_capped_with_a_notice(catalog):
    """Many files each with findings list a bounded number, and the page says how many more."""
    files = [
        ChangedFile(
            f"vllm_omni/distributed/p{i}.py",
            "added",
            400,
            0,
            patch=added_patch(["data = cloudpickle.loads(blob)"] * 400),
        )
        for i in range(20)
    ]
    review = analyse(pr_of(*files), catalog)
    assert len(review.findings) <= MAX_FINDINGS
    assert any(f"{20 * 400:,} findings" in notice for notice in review.notices)
    (check,) = [c for c in review.checks if c.id == "unsafe-deserialisation"]
    assert check.reason.startswith(f"{20 * 400} finding(s)")


# -- class 2: alias bombs, deep YAML, deeply nested Python ---------------------------

ALIAS_BOMB = (
    "source_file_dependencies:\n  a0: &a0 [x/, y/, z/, w/, v/, u/, t/, s/, r/]\n"
    + "".join(
        f"  a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, "
        f"*a{i - 1}, *a{i - 1}, *a{i - 1}]\n"
        for i in range(1, 9)
    )
)


def one_line(message: str) -> None:
    assert "\n" not in message and "Traceback" not in message, message


def test_ci_map_alias_bomb_is_refused_at_once():
    """A CI map of nine nested aliases (9^9 paths) expanded to 915 MB in 39 s."""
    from review_kit.errors import ReviewKitError
    from review_kit.repo.ci import parse_ci_dependencies

    assert len(ALIAS_BOMB) < 600
    start = time.perf_counter()
    with pytest.raises(ReviewKitError, match="aliases expand to more than") as refused:
        parse_ci_dependencies(ALIAS_BOMB, "ci.yml")
    assert time.perf_counter() - start < GENEROUS
    one_line(str(refused.value))
    assert str(refused.value).startswith("ci.yml:")


RECURSIVE = "source_file_dependencies:\n  job: &a [x/, *a]\n"
DEEP = "source_file_dependencies:\n  job: " + "[" * 5000 + "x/" + "]" * 5000 + "\n"
DEEP_BLOCK = "source_file_dependencies:\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(1, 400))


@pytest.mark.parametrize("text", [RECURSIVE, DEEP, DEEP_BLOCK], ids=["recursive", "flow", "block"])
def test_ci_map_recursion_and_depth_are_one_line(text):
    """Recursive aliases and deep nesting raised RecursionError tracebacks."""
    from review_kit.errors import ReviewKitError
    from review_kit.repo.ci import parse_ci_dependencies

    with pytest.raises(ReviewKitError) as refused:
        parse_ci_dependencies(text, "ci.yml")
    one_line(str(refused.value))
    assert "ci.yml" in str(refused.value)


@pytest.mark.parametrize("text", [RECURSIVE, DEEP], ids=["recursive", "deep"])
def test_contract_front_matter_recursion_and_depth_are_one_line(text):
    from review_kit.errors import ReviewKitError
    from review_kit.repo.contracts import contract_from_document

    document = "---\ntitle: t\nowners: " + text.split("job: ", 1)[1] + "---\n# body\n"
    with pytest.raises(ReviewKitError) as refused:
        contract_from_document(document, "docs/design/module/x.md")
    one_line(str(refused.value))
    assert str(refused.value).startswith("docs/design/module/x.md: front matter")


def stage_config_bomb(stages: int, platforms: int) -> str:
    rows = "".join(
        f'    - {{stage_id: {i}, gpu_memory_utilization: 0.01, devices: "0"}}\n'
        for i in range(stages)
    )
    overlays = "".join(f"  p{i}: {{stages: *s}}\n" for i in range(platforms))
    return f"base:\n  stages: &s\n{rows}stages: *s\nplatforms:\n{overlays}"


def test_stage_config_aliases_are_refused_and_reported(catalog):
    """Stages aliased into every platform (44 KB) took 12 s; 149 KB over 120 s."""
    text = stage_config_bomb(300, 800)
    assert len(text) < 60_000
    lines = text.splitlines()
    path = "vllm_omni/model_executor/stage_configs/bomb.yaml"
    pr = pr_of(ChangedFile(path, "added", len(lines), 0, patch=added_patch(lines)))
    start = time.perf_counter()
    review = analyse(pr, catalog)
    assert time.perf_counter() - start < GENEROUS * 3
    assert "aliases expand to more than" in review.unread[path]
    (check,) = [c for c in review.checks if c.id == "stage-memory-budget"]
    assert check.status == "attention"


def test_a_few_aliases_in_a_stage_config_still_read(catalog):
    """Aliases within the bounds are read as before: the overlay's sum is still found."""
    text = stage_config_bomb(2, 2).replace("0.01", "0.6")
    lines = text.splitlines()
    path = "vllm_omni/model_executor/stage_configs/ok.yaml"
    pr = pr_of(ChangedFile(path, "added", len(lines), 0, patch=added_patch(lines)))
    review = analyse(pr, catalog)
    (finding,) = review.findings  # one per rule and file, holding each platform's line
    assert finding.rule == "stage-memory-budget" and finding.detail.count("= 1.20") == 3


@pytest.mark.parametrize(
    "code",
    [
        "x = " + "a + " * 100_000 + "a",
        "x = " + "not " * 100_000 + "a",
        "x = " + "a." * 100_000 + "a",
    ],
    ids=["sum", "not", "attribute"],
)
def test_deeply_nested_python_in_a_hunk_is_unread_not_a_crash(catalog, code):
    """`a+a+...` and `not not ...` raised RecursionError or MemoryError and failed the run."""
    lines = [code, "data = cloudpickle.loads(blob)"]
    pr = pr_of(ChangedFile(PAYLOAD, "added", 2, 0, patch=added_patch(lines)))
    review, check = unsafe_check(catalog, pr)
    assert check.status == "attention"
    assert [f.line for f in review.findings] == [2] or "1" in review.unread.get(PAYLOAD, "")


# -- class 3: odd values in base-commit documents ------------------------------------


def contract_text(extra: str) -> str:
    return (
        f"---\ntitle: T\nowners: ['@alice']\nprimary_code_paths: [vllm_omni/x/**]\n{extra}\n---\n"
    )


@pytest.mark.parametrize(
    "extra, cause",
    [
        ("last_reviewed: 2026-02-30", "2026-02-30"),
        ("kind: !!int abc", "abc"),
        ("kind: !!timestamp x", "'x'"),
        ("kind: " + "9" * 5000, "99999"),
        ("related_code_paths: ['**']", "every path"),
        ("related_code_paths: ['/']", "not a valid path pattern"),
        ("related_code_paths: ['***']", "wildcard"),
        ("related_code_paths: ['[']", "not a valid path pattern"),
        ("related_code_paths: ['[z-a]']", "not a valid path pattern"),
        ("validation_paths: ['*a*a*a*a*a*a*a*b']", "wildcard"),
        ("primary_path_exceptions: [{path: '[z-a]', owner: x.md}]", "not a valid path pattern"),
        (
            "primary_code_path_owners: [{paths: ['['], owners: ['@bob']}]",
            "not a valid path pattern",
        ),
        ("required_reviewers: ['a b @c']", "not a GitHub login"),
        ("primary_code_path_owners: [{paths: [a/**], owners: ['@b c']}]", "not a GitHub login"),
    ],
)
def test_odd_contract_values_are_one_line(extra, cause):
    """Each of these was a traceback (or, for the login, a suggested reviewer "a b @c")."""
    from review_kit.errors import ReviewKitError
    from review_kit.repo.contracts import contract_from_document

    with pytest.raises(ReviewKitError) as refused:
        contract_from_document(contract_text(extra), "docs/design/module/x.md")
    one_line(str(refused.value))
    assert str(refused.value).startswith("docs/design/module/x.md: front matter")
    assert cause in str(refused.value)


def test_ci_entries_are_paths_not_globs():
    """`*a*a*a*a*a*a*a*b` against a 300-character name took over 60 s as a glob."""
    from review_kit.analysis.contracts import review_repository
    from review_kit.repo.ci import parse_ci_dependencies
    from review_kit.repo.model import RepositoryData

    text = "source_file_dependencies:\n  job: ['*a*a*a*a*a*a*a*a*b', 'docs/[x]/']\n"
    ci = parse_ci_dependencies(text, "ci.yml")
    name = "a" * 300
    files = [ChangedFile(name, "added", 1, 0), ChangedFile("docs/[x]/y.md", "added", 1, 0)]
    data = RepositoryData((), ci, "github", "o/r", "c" * 40)
    start = time.perf_counter()
    review = review_repository(pr_of(*files), data, None)
    assert time.perf_counter() - start < GENEROUS
    assert [(job.name, job.files) for job in review.ci.jobs] == [("job", ["docs/[x]/y.md"])]


@pytest.mark.parametrize("entry", ["/", "", "  "])
def test_ci_entry_naming_no_path_is_refused(entry):
    from review_kit.errors import ReviewKitError
    from review_kit.repo.ci import parse_ci_dependencies

    text = f"source_file_dependencies:\n  job: ['{entry}', a/]\n"
    if not entry.strip():
        assert parse_ci_dependencies(text, "ci.yml").jobs == {"job": ("a/",)}
        return
    with pytest.raises(ReviewKitError, match="ci.yml: source_file_dependencies.job: "):
        parse_ci_dependencies(text, "ci.yml")


def test_contract_without_validation_paths_is_not_a_pass():
    """It said pass with "Validation files changed: ."."""
    from review_kit.analysis.contract_checks import validation_tests_changed
    from review_kit.analysis.contracts import review_repository
    from review_kit.repo.contracts import contract_from_document
    from review_kit.repo.model import RepositoryData

    contract = contract_from_document(contract_text(""), "docs/design/module/x.md")
    data = RepositoryData((contract,), None, "github", "o/r", "c" * 40)
    pr = pr_of(ChangedFile("vllm_omni/x/a.py", "modified", 3, 1))
    (result,) = validation_tests_changed(pr, review_repository(pr, data, None))
    assert result.status == "not-applicable"
    assert "no validation paths" in result.reason


class CannedGitHub:
    """A client whose answers are given per URL path; every URL asked is kept."""

    def __init__(self, answers: dict[str, object], slow: float = 0.0) -> None:
        from review_kit.pr.sources.github_api import GitHubSettings

        self.settings = GitHubSettings(api_url="https://api.example")
        self.answers, self.asked, self.slow = answers, [], slow

    def get_json(self, url: str, what: str, until: float | None = None):
        from urllib.parse import urlsplit

        from review_kit.errors import ReviewKitError

        self.asked.append(url)
        if self.slow and "/contents/" in url:
            time.sleep(self.slow)  # a trickled answer, each within its own timeout
        path = urlsplit(url).path.split("/repos/o/r/", 1)[1]
        if path not in self.answers:
            raise ReviewKitError(f"{what}: 404")
        return self.answers[path]


def contents(text: str) -> dict:
    import base64

    return {"encoding": "base64", "content": base64.b64encode(text.encode()).decode()}


def base_data(tree: list, documents: dict[str, object]):
    from review_kit.repo.sources.github import GitHubRepositoryData

    client = CannedGitHub({"git/trees/" + "c" * 40: {"tree": tree}, **documents})
    return GitHubRepositoryData(client).at("o/r", "c" * 40), client


def blob(path: str, sha: object = "a" * 40) -> dict:
    return {"path": path, "type": "blob", "sha": sha}


GOOD = "docs/design/module/good.md"


def test_tree_entries_with_odd_shas_or_paths_are_skipped_with_a_notice():
    """A list as `sha` was a traceback; `../` in a path sent the token to another API path."""
    tree = [
        blob(GOOD),
        blob("docs/design/module/list.md", ["x"]),
        blob("docs/design/module/../../../../user.md", "b" * 40),
        blob("docs/design/module//twice.md", "d" * 40),
    ]
    data, client = base_data(tree, {f"contents/{GOOD}": contents(contract_text(""))})
    assert [c.path for c in data.contracts] == [GOOD]
    assert all("/../" not in url and "//twice" not in url for url in client.asked)
    assert any("3 tree entries" in n for n in data.notices), data.notices


@pytest.mark.parametrize(
    "answer, cause",
    [
        ({"encoding": "base64", "content": 5}, "no base64 content"),
        ({"encoding": "base64", "content": "!!!not base64!!!"}, "not base64"),
        ({"encoding": "base64", "content": "****"}, "not base64"),
        ({"encoding": "base64", "content": "////"}, "not base64-encoded UTF-8"),
    ],
)
def test_odd_contents_answers_leave_the_contract_out_with_a_notice(answer, cause):
    """An int `content` was a traceback; base64 garbage dropped the contract with no notice."""
    data, _ = base_data([blob(GOOD)], {f"contents/{GOOD}": answer})
    assert data.contracts == ()
    (notice,) = [n for n in data.notices if n.startswith("Contract left out")]
    assert GOOD in notice and cause in notice
    one_line(notice)


# -- class 9: one deadline for the documents' fetch ---------------------------------


def test_document_fetch_has_one_deadline_then_the_snapshot_with_a_notice():
    """Sixty trickled contents answers took 60 x the request timeout / 8 workers (160 s)."""
    from review_kit.repo.sources.github import GitHubRepositoryData

    paths = [f"docs/design/module/d{i:02}.md" for i in range(60)]
    tree = [blob(path, f"{i:040x}") for i, path in enumerate(paths)]
    answers = {"git/trees/" + "c" * 40: {"tree": tree}}
    answers |= {f"contents/{path}": contents(contract_text("")) for path in paths}
    client = CannedGitHub(answers, slow=0.4)
    reader = GitHubRepositoryData(client, deadline=0.5)
    start = time.perf_counter()
    data = reader.at("o/r", "c" * 40)
    took = time.perf_counter() - start
    assert took < 1.5, took  # 60 x 0.4 s / 8 workers = 3 s without the deadline
    assert data.origin == "snapshot"
    (notice,) = [n for n in data.notices if "deadline" in n]
    assert "0.5 s deadline" in notice and "snapshot" in notice
    one_line(notice)


def test_client_asks_nothing_once_the_deadline_has_passed(tmp_path):
    from review_kit.pr.sources.github_api import GitHubClient, GitHubSettings, NetworkError

    client = GitHubClient(GitHubSettings(api_url="http://127.0.0.1:9", cache_dir=tmp_path))
    with pytest.raises(NetworkError, match="deadline had passed"):
        client.get_json("http://127.0.0.1:9/repos/o/r/contents/x", "x", time.monotonic() - 1)
    assert client.log.sent == 0


@pytest.mark.parametrize(
    "content, cause",
    [
        ("[" * 200_000 + "]" * 200_000, "nested deeper"),
        ('["' + "a" * 10 + '", ' + "9" * 5000 + "]", "digits"),
    ],
    ids=["deep", "long-int"],
)
def test_files_from_with_deep_json_or_a_huge_number_is_one_line(tmp_path, content, cause):
    """A deep list was a RecursionError, a 5000-digit number a ValueError, from the review tool."""
    from review_kit.errors import ReviewKitError
    from review_kit.pr.sources.json_file import from_file

    path = tmp_path / "files.json"
    path.write_text(content)
    with pytest.raises(ReviewKitError) as refused:
        from_file(path, "o/r", None)
    one_line(str(refused.value))
    assert str(refused.value).startswith(f"{path}: not valid JSON") and cause in str(refused.value)


def test_skill_document_headings_are_linear():
    """One 4 KB line of spaces after a heading took 300 s in the review rules' heading pattern."""
    from review_kit.repo.skill import headings

    text = "# Title\n## Checks ##\n# a" + " " * 250_000 + "b\n"
    start = time.perf_counter()
    found = headings(text)
    assert time.perf_counter() - start < GENEROUS
    assert found[:2] == ["Title", "Checks"] and found[2].startswith("a") and found[2].endswith("b")


def test_skill_budget_lines_end_at_newline_only():
    """A U+2028 inside an added line does not make a line of its own."""
    from review_kit.analysis.skill_rules import _changed_lines

    added, _ = _changed_lines("@@ -1 +1 @@\n-x = 1\n+y = 2\u2028MAX_FILES = 999\n")
    assert added == ["y = 2\u2028MAX_FILES = 999"]


@pytest.mark.parametrize(
    "text",
    [
        "areas: " + "[" * 5000 + "]" * 5000,
        "areas:\n" + "".join(f"{' ' * i}- k:\n" for i in range(0, 200, 2)),
    ],
)
def test_deep_focus_map_is_one_line_naming_the_file(tmp_path, text):
    """The kit's own YAML goes through the same reader: a build fails with one line."""
    from review_kit.catalog.yaml_lines import load_yaml
    from review_kit.errors import DataError

    path = tmp_path / "focus-map.yml"
    path.write_text(text)
    with pytest.raises(DataError) as refused:
        load_yaml(path, "docs/focus-map.yml")
    one_line(str(refused.value))
    assert str(refused.value).startswith("docs/focus-map.yml:")
    assert "nested deeper than 40" in str(refused.value)


def test_lone_cr_keeps_ruff_hits_on_their_git_line(catalog):
    """ruff ends a line at a lone CR as Python does: its rows are mapped back to git's lines."""
    lines = ["import pickle", "x = 1\ry = 2", "z = 3", "data = pickle.loads(blob)"]
    pr = pr_of(ChangedFile(PAYLOAD, "added", 4, 0, patch=added_patch(lines)))
    review = analyse(pr, catalog)
    assert [(f.rule, f.lines) for f in review.findings] == [("pickle-deserialisation", (4,))]
