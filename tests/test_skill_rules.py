"""vllm-omni's own review rules: the skill loader (three sources, hostile files) and its checks."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from textwrap import dedent

import pytest
from conftest import REPO

from review_kit.analysis import analyse
from review_kit.analysis.repository_policy import TITLE_PREFIXES, title_prefixes
from review_kit.analysis.skill_rules import (
    SKILL_CHECKS,
    diffusion_feature_table,
    precommit_ratchets,
    recipe_index_entry,
    title_exact_prefix,
    typed_api_boundaries,
)
from review_kit.catalog.loading import load_catalog
from review_kit.errors import ReviewKitError
from review_kit.output.html import render_pr_html
from review_kit.output.markdown import render_pr_markdown
from review_kit.pr.model import ChangedFile, PullRequest, pull_request_from_api
from review_kit.pr.sources.github_api import GitHubClient, GitHubSettings
from review_kit.pr.sources.snapshot import from_snapshot as pr_snapshot
from review_kit.repo.skill import (
    GENERAL_CHECKS,
    MAX_FILE_BYTES,
    PRE_COMMIT_CONFIG,
    PRECHECK,
    SKILL_FILES,
    SKILL_RULES,
    parse_pre_commit,
    parse_skill_document,
    read_skill,
    skill_from_snapshot,
    skill_rule,
)
from review_kit.repo.sources import GitHubRepositoryData, from_checkout, from_snapshot
from review_kit.repo.sources.snapshot import SKILL_SNAPSHOT
from review_kit.site.links import SiteLinks
from review_kit.testing.github_stub import GitHubStub, bundled_repository_files, corpus_pr

OMNI = "vllm-project/vllm-omni"
BASE = "b" * 40

# Test copies of the two files the checks read, in the kit's own words, holding
# the marker words of every rule (see SKILL_RULES).
GENERAL = dedent(
    """\
    # Review checks (test copy)

    ## Module, API, and class design

    2. Public functions take *typed parameters*; no opaque `**kwargs`.
    5. User-facing changes update `docs/`, and the design page that owns the
       contract with them.
    6. A performance PR shows base-versus-head numbers.
    8. A **bug-fix** PR adds a regression
       test.
    10. A new model updates `docs/models/supported_models.md` and `recipes/`.
    11. Its recipe gets an index entry in `recipes/README.md`.
    """
)
PRECHECK_TEXT = dedent(
    """\
    ---
    name: precheck
    ---
    # Precheck

    ### Step 2: Validate PR Title

    Flag a prefix in the wrong case, or WIP/Draft left in the title.

    ### Step 4: Run Checklist

    Blocking: growing `allowed_files` or raising `MAX_MODEL_TYPE_BRANCHES`.
    """
)
PRE_COMMIT_TEXT = dedent(
    """\
    repos:
      - repo: https://github.com/astral-sh/ruff-pre-commit
        hooks:
          - id: ruff-check
          - id: ruff-format
      - repo: local
        hooks:
          - id: check-forbidden-imports
    """
)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def reader(files: dict[str, str | bytes]):
    def read(path: str) -> bytes | None:
        text = files.get(path)
        return text.encode() if isinstance(text, str) else text

    return read


def skill_files(**changes: str | bytes) -> dict[str, str | bytes]:
    files = {GENERAL_CHECKS: GENERAL, PRECHECK: PRECHECK_TEXT, PRE_COMMIT_CONFIG: PRE_COMMIT_TEXT}
    return {**files, **{path: text for path, text in changes.items()}}


# ---- the loader --------------------------------------------------------------


def test_anchors_and_rules_are_read_from_the_text():
    """Headings become GitHub anchors (fenced ones do not); markers match across marks and lines."""
    text = GENERAL + "\n```md\n## Not a heading\n```\n"
    document = parse_skill_document(text, GENERAL_CHECKS, "c" * 40)
    assert document.anchors == {"review-checks-test-copy", "module-api-and-class-design"}
    assert document.rules == {r.key for r in SKILL_RULES if r.path == GENERAL_CHECKS}
    assert document.url(OMNI, "module-api-and-class-design") == (
        f"https://github.com/{OMNI}/blob/{'c' * 40}/{GENERAL_CHECKS}#module-api-and-class-design"
    )


def test_a_rule_lapses_when_one_marker_is_gone():
    """The look-alike: the bug-fix paragraph without the words 'regression test' holds no rule."""
    text = GENERAL.replace("regression\n   test", "unit check")
    document = parse_skill_document(text, GENERAL_CHECKS)
    assert "bugfix-regression-test" not in document.rules
    assert "perf-base-head-ab" in document.rules
    # Markers of one file's rules do not count in another file.
    assert parse_skill_document(GENERAL, PRECHECK).rules == frozenset()


def test_a_huge_skill_file_is_left_out_with_one_line():
    huge = b"# x\n" + b"a" * (MAX_FILE_BYTES + 10)
    skill = read_skill(reader(skill_files(**{GENERAL_CHECKS: huge})))
    assert skill.document(GENERAL_CHECKS) is None
    assert skill.notices == (
        f"Review rule file left out: {GENERAL_CHECKS}: larger than the {MAX_FILE_BYTES} "
        "bytes the kit reads",
    )
    assert not skill.in_force(skill_rule("bugfix-regression-test"))


def test_a_file_that_is_not_text_is_one_line():
    with pytest.raises(ReviewKitError, match=r"general-checks\.md: not UTF-8 text$"):
        parse_skill_document(b"\xff\xfe# x", GENERAL_CHECKS)


def test_markup_in_a_heading_never_reaches_a_link():
    """Base-commit text is untrusted: anchors are slugs, and links use only the kit's anchors."""
    text = '# <img src=x onerror=alert(1)> [x](javascript:alert(1)) {{ "jinja" }}\n' + GENERAL
    document = parse_skill_document(text, GENERAL_CHECKS, "d" * 40)
    assert all(set(a) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_") for a in document.anchors)
    assert "img-srcx-onerroralert1-x--jinja-" in document.anchors
    # Links name only the kit's own anchors, and only where the file has that heading.
    assert document.url(OMNI, "module-api-and-class-design").endswith(
        f"/blob/{'d' * 40}/{GENERAL_CHECKS}#module-api-and-class-design"
    )
    assert document.url(OMNI, "no-such-heading").endswith(f"/{GENERAL_CHECKS}")
    # A commit that is not a SHA never reaches a URL either.
    odd = replace(document, commit="main/../../evil")
    assert "/blob/main/" in odd.url(OMNI)


def test_pre_commit_hooks_skip_entries_of_the_wrong_shape():
    text = dedent(
        """\
        repos:
          - repo: a
            hooks:
              - id: ruff-check
              - id: [not, text]
              - id: "<script>alert(1)</script>"
              - just a string
          - 42
          - repo: b
            hooks: not-a-list
        """
    )
    assert parse_pre_commit(text, "e" * 40).ids == ("ruff-check",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("repos: [", r"\.pre-commit-config\.yaml:\d+: not valid YAML$"),
        ("- a\n- b\n", r"\.pre-commit-config\.yaml: no 'repos' list$"),
        ("repos: {a: 1}\n", r"\.pre-commit-config\.yaml: no 'repos' list$"),
        ("repos: " + "[" * 100_000, r"\.pre-commit-config\.yaml: nested deeper than 40 levels$"),
    ],
)
def test_a_broken_pre_commit_config_is_one_line(text, message):
    with pytest.raises(ReviewKitError, match=message):
        parse_pre_commit(text)


def test_an_alias_bomb_costs_no_more_than_its_two_levels():
    """YAML aliases share objects; only repos[*].hooks[*].id is walked, each list bounded."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}] " for i in range(8)]
    text = "\n".join(lines) + "\nrepos:\n  - hooks: *i\n"
    assert parse_pre_commit(text).ids == ()


def test_read_skill_keeps_what_it_can():
    skill = read_skill(reader(skill_files(**{PRE_COMMIT_CONFIG: "repos: ["})), "f" * 40)
    assert [d.path for d in skill.documents] == [GENERAL_CHECKS, PRECHECK]
    assert skill.hooks is None
    assert len(skill.notices) == 1 and skill.notices[0].startswith("Pre-commit hooks not shown:")


def test_the_bundled_snapshot_records_every_rule_and_hook():
    skill = from_snapshot().skill
    assert skill is not None and skill.notices == ()
    assert [d.path for d in skill.documents] == list(SKILL_FILES)
    assert all(skill.in_force(rule) for rule in SKILL_RULES)
    assert all(len(d.commit) == 40 for d in skill.documents)
    assert {"ruff-check", "ruff-format", "typos"} <= set(skill.hooks.ids)
    # Data only: no prose of the files is bundled.
    data = json.loads(SKILL_SNAPSHOT.read_text(encoding="utf-8"))
    assert set(data["documents"][0]) == {"path", "commit", "anchors", "rules", "checked"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], r"^x\.json: documents: missing or not a list$"),
        ({"documents": [{"path": "/etc/passwd"}]}, r"documents\[0\]: not a skill file"),
        (
            {"documents": [{"path": GENERAL_CHECKS, "commit": 7}]},
            r"documents\[0\]\.commit: should be text$",
        ),
        (
            {"documents": [{"path": GENERAL_CHECKS, "commit": "", "rules": "all", "checked": []}]},
            r"documents\[0\]\.rules: should be a list of text$",
        ),
    ],
)
def test_a_malformed_snapshot_is_one_line(data, message):
    with pytest.raises(ReviewKitError, match=message):
        skill_from_snapshot(data, "x.json")


def test_a_snapshot_older_than_a_rule_says_so():
    data = {
        "documents": [{"path": PRECHECK, "commit": "", "anchors": [], "rules": [], "checked": []}]
    }
    skill = skill_from_snapshot(data, "x.json")
    assert skill.in_force(skill_rule("precommit-ratchets"))
    assert skill.notices == (
        f"x.json predates the rules title-exact-prefix, precommit-ratchets of {PRECHECK}.",
    )


def git_checkout(root, files: dict[str, str | bytes]) -> str:
    """A git repository at ``root`` holding one contract and ``files``, committed; its HEAD."""
    contract = {"docs/design/module/x.md": "---\ntitle: X\n---\n"}
    for path, text in {**contract, **files}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(text if isinstance(text, bytes) else text.encode())
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    return head.stdout.strip()


def test_checkout_reads_the_skill_at_the_base_commit(tmp_path):
    """From git's objects at the base: a file too large is refused, a later work tree ignored."""
    huge = b"\x00" * (MAX_FILE_BYTES + 1)
    base = git_checkout(tmp_path, skill_files(**{GENERAL_CHECKS: huge}))
    (tmp_path / PRECHECK).write_text("# The PR's own rules, not the base's\n")
    data = from_checkout(tmp_path, OMNI, base)
    assert data.skill.document(PRECHECK).rules == {r.key for r in SKILL_RULES if r.path == PRECHECK}
    assert data.skill.document(PRECHECK).commit == base
    assert data.skill.hooks.ids == ("ruff-check", "ruff-format", "check-forbidden-imports")
    assert any(f"general-checks.md: {MAX_FILE_BYTES + 1} bytes, over" in n for n in data.notices)


def test_github_reads_the_skill_at_the_base_commit(tmp_path):
    """Each base has its own rules: one drops the bug-fix rule, and its PRs are not held to it."""
    older = "c" * 40
    with GitHubStub() as stub:
        stub.add_tree(OMNI, BASE, {**bundled_repository_files(), **skill_files()})
        without = GENERAL.replace("regression\n   test", "unit check")
        stub.add_tree(
            OMNI, older, {**bundled_repository_files(), **skill_files(**{GENERAL_CHECKS: without})}
        )
        reader_ = GitHubRepositoryData(
            GitHubClient(GitHubSettings(api_url=stub.url, cache_dir=tmp_path))
        )
        data = reader_.at_many(OMNI, [BASE, older])
    at_base, at_older = data[BASE], data[older]
    rule = skill_rule("bugfix-regression-test")
    assert at_base.skill.in_force(rule) and not at_older.skill.in_force(rule)
    assert at_base.skill.rule_url(OMNI, rule).startswith(
        f"https://github.com/{OMNI}/blob/{BASE}/{GENERAL_CHECKS}#"
    )
    assert at_base.skill.hooks.commit == BASE

    catalog = load_catalog()
    pr = PullRequest(
        number=1,
        repo=OMNI,
        title="[Bugfix] crash",
        files=[ChangedFile("vllm_omni/a.py", additions=3)],
        body="x",
    )
    by_id = {c.id: c for c in analyse(pr, catalog, at_base).checks}
    assert by_id["policy-bugfix-regression-test"].status == "attention"
    assert f"/blob/{BASE}/" in by_id["policy-bugfix-regression-test"].rule
    lapsed = {c.id: c for c in analyse(pr, catalog, at_older).checks}
    assert lapsed["policy-bugfix-regression-test"].status == "not-applicable"
    assert "no longer holds this rule" in lapsed["policy-bugfix-regression-test"].reason


# ---- the checks ----------------------------------------------------------------


def patch(*lines: str) -> str:
    return "@@ -1,3 +1,3 @@\n" + "\n".join(lines) + "\n"


FORBIDDEN = "tools/pre_commit/check_forbidden_imports.py"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            [
                ChangedFile(
                    FORBIDDEN, patch=patch('         "x.py",', '+        "vllm_omni/new.py",')
                )
            ],
            "lists 1 more allowed path",
        ),
        (
            [
                ChangedFile(
                    "tools/pre_commit/check_tts_adapter.py",
                    patch=patch("-MAX_MODEL_TYPE_BRANCHES = 29", "+MAX_MODEL_TYPE_BRANCHES = 30"),
                )
            ],
            "raises MAX_MODEL_TYPE_BRANCHES from 29 to 30",
        ),
        (
            [
                ChangedFile(
                    "tools/pre_commit/examples_policy_baseline.txt",
                    patch=patch(" examples/a.py", "+examples/new_model.py", "+# comment"),
                )
            ],
            "gains 1 baseline entry",
        ),
        (
            [
                ChangedFile(
                    "tools/pre_commit/import_dependencies_baseline.json",
                    patch=patch(
                        "+  {", '+    "file": "vllm_omni/x.py",', '+    "name": "foo"', "+  },"
                    ),
                )
            ],
            "gains 2 baseline entries",
        ),
    ],
)
def test_a_loosened_ratchet_needs_attention(files, expected):
    verdict = precommit_ratchets(PullRequest(number=1, repo=OMNI, files=files))
    assert verdict.status == "attention" and expected in verdict.reason


@pytest.mark.parametrize(
    ("files", "status"),
    [
        # A budget lowered, as the ratchet asks after a migration.
        (
            [
                ChangedFile(
                    "tools/pre_commit/check_tts_adapter.py",
                    patch=patch("-MAX_MODEL_TYPE_BRANCHES = 29", "+MAX_MODEL_TYPE_BRANCHES = 28"),
                )
            ],
            "pass",
        ),
        # One allowlist entry swapped for another: the list does not grow.
        ([ChangedFile(FORBIDDEN, patch=patch('-        "old.py",', '+        "new.py",'))], "pass"),
        # The same shape of line outside the checkers, or in their own tests.
        (
            [ChangedFile("vllm_omni/x.py", patch=patch('+    "vllm_omni/new.py",'))],
            "not-applicable",
        ),
        (
            [
                ChangedFile(
                    "tools/pre_commit/tests/test_check_examples_policy.py",
                    patch=patch('+    "examples/new.py",'),
                )
            ],
            "not-applicable",
        ),
        # A baseline that shrinks.
        (
            [
                ChangedFile(
                    "tools/pre_commit/examples_policy_baseline.txt", patch=patch("-examples/old.py")
                )
            ],
            "pass",
        ),
    ],
)
def test_ratchet_look_alikes_do_not_fire(files, status):
    verdict = precommit_ratchets(PullRequest(number=1, repo=OMNI, files=files))
    assert verdict.status == status, verdict.reason


def added_python(*lines: str, context: tuple[str, ...] = ()) -> str:
    body = [" " + c for c in context] + ["+" + line for line in lines]
    return f"@@ -1,{len(context)} +1,{len(body)} @@\n" + "\n".join(body) + "\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (("def generate(prompt, **kwargs):", "    return prompt"), "generate(**kwargs)"),
        (
            ("from typing import Any", "def encode(obj: Any) -> bytes:", "    return b''"),
            "encode(obj: Any)",
        ),
        (
            (
                "class Engine:",
                "    async def submit(self, request: typing.Any):",
                "        pass",
            ),
            "submit(request: Any)",
        ),
    ],
)
def test_opaque_parameters_at_a_public_boundary_need_attention(source, expected):
    files = [ChangedFile("vllm_omni/engine/x.py", patch=added_python(*source))]
    verdict = typed_api_boundaries(PullRequest(number=1, repo=OMNI, files=files))
    assert verdict.status == "attention" and expected in verdict.reason
    assert verdict.files == ("vllm_omni/engine/x.py",)


@pytest.mark.parametrize(
    ("path", "source", "context", "status"),
    [
        # Private helpers are not a boundary.
        ("vllm_omni/x.py", ("def _helper(**kwargs):", "    pass"), (), "not-applicable"),
        # The signature is context: the PR changed only the body.
        (
            "vllm_omni/x.py",
            ("    return 1",),
            ("def generate(**kwargs):",),
            "not-applicable",
        ),
        # Signatures an upstream base class fixes.
        ("vllm_omni/x.py", ("def forward(self, x, **kwargs):", "    pass"), (), "not-applicable"),
        (
            "vllm_omni/x.py",
            (
                "class Runner(Base):",
                "    def __init__(self, config: Config, **kwargs):",
                "        super().__init__(config, **kwargs)",
            ),
            (),
            "pass",
        ),
        # Any inside a container, or only in a comment or string, is not a bare Any.
        (
            "vllm_omni/x.py",
            ("def load(cfg: dict[str, Any]) -> None:  # Any", "    '''Any'''"),
            (),
            "pass",
        ),
        # Tests and code outside vllm_omni/ are not owned API.
        ("tests/test_x.py", ("def test_x(**kwargs):", "    pass"), (), "not-applicable"),
        ("vllm_omni/tests/t.py", ("def check(**kwargs):", "    pass"), (), "not-applicable"),
    ],
)
def test_typed_boundary_look_alikes_do_not_fire(path, source, context, status):
    files = [ChangedFile(path, patch=added_python(*source, context=context))]
    verdict = typed_api_boundaries(PullRequest(number=1, repo=OMNI, files=files))
    assert verdict.status == status, verdict.reason


def test_every_skill_check_names_a_rule_the_kit_knows():
    keys = {r.key for r in SKILL_RULES}
    assert all(c.rule in keys and c.title and c.reads for c in SKILL_CHECKS)
    assert len({c.id for c in SKILL_CHECKS}) == len(SKILL_CHECKS)


def test_a_check_whose_rule_is_absent_at_base_does_not_apply(catalog):
    files = [ChangedFile("vllm_omni/x.py", patch=added_python("def f(**kw):", "    pass"))]
    pr = PullRequest(number=1, repo=OMNI, files=files)
    data = from_snapshot()
    skill = read_skill(reader(skill_files(**{GENERAL_CHECKS: "# Nothing here\n"})), "a" * 40)
    check = next(
        c
        for c in analyse(pr, catalog, replace(data, skill=skill)).checks
        if c.id == "skill-typed-api-boundaries"
    )
    assert check.status == "not-applicable"
    assert check.reason == (
        f"Does not apply: vllm-omni's {GENERAL_CHECKS} at aaaaaaaaaa no longer holds this rule."
    )
    assert check.rule == f"https://github.com/{OMNI}/blob/{'a' * 40}/{GENERAL_CHECKS}"


# ---- on the page ---------------------------------------------------------------


def test_a_corpus_pr_that_grows_an_allowlist_shows_the_rule_on_its_page(catalog, corpus):
    """PR 310 adds paths to check_pickle_imports.py's allowlist; its page cites precheck."""
    pull, files = corpus_pr(next(r for r in corpus if r["number"] == 310))
    pr = pull_request_from_api(pull, files, OMNI, "corpus")
    review = analyse(pr, catalog, from_snapshot())
    html_text = render_pr_html(review, catalog, SiteLinks("prs/310/index.md"))
    precheck_url = (
        f"https://github.com/{OMNI}/blob/944dc1af4789227ec66db0cbdfbbfeed6eed8956/{PRECHECK}"
        "#step-4-run-checklist"
    )
    row = next(
        line
        for line in html_text.splitlines()
        if line.startswith("<tr") and "Pre-commit allowlists" in line
    )
    assert "⚠ needs attention" in row and f'<a href="{precheck_url}">vllm-omni rule</a>' in row
    assert "check_pickle_imports.py lists 4 more allowed path(s)" in row
    assert html_text.count('class="rk-ci-checks"') == 1
    assert "<code>ruff-check</code>" in html_text
    report = render_pr_markdown(review, catalog)
    assert f"([rule]({precheck_url}))" in report and "CI checks this:" in report


def test_pr19_snapshot_pages_keep_their_checks():
    """Without repository data (the render snapshots), no skill check runs and none is invented."""
    pr = pr_snapshot(19)
    ids = {c.id for c in analyse(pr, load_catalog()).checks}
    assert not ids & {c.id for c in SKILL_CHECKS}


def test_the_snapshot_is_regenerated_from_a_checkout(tmp_path):
    """tools/skill_snapshot.py records a checkout's skill; the loader reads it back the same."""
    checkout = tmp_path / "omni"
    head = git_checkout(checkout, skill_files())
    out = tmp_path / "skill.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "tools/skill_snapshot.py"), str(checkout), str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    recorded = skill_from_snapshot(json.loads(out.read_text()), "skill.json")
    direct = from_checkout(checkout, OMNI, head).skill
    assert recorded.documents == direct.documents and recorded.hooks == direct.hooks
    assert "Module, API" not in out.read_text()  # anchors, never the headings' prose


# ---- rules a machine cannot judge: checklist items with their source ----------


def test_every_item_source_is_a_heading_of_the_bundled_rules(catalog):
    skill = from_snapshot().skill
    sourced = [
        item
        for category in catalog.framework.categories
        for subsection in category.subsections
        for item in subsection.items
        if item.source is not None
    ] + [item for area in catalog.focus_map.areas for item in area.items if item.source is not None]
    assert len(sourced) >= 13
    for item in sourced:
        assert item.source.anchor in skill.document(item.source.file).anchors, item.id


def test_an_item_source_must_be_a_skill_file():
    from pydantic import ValidationError

    from review_kit.catalog.framework import ChecklistItem

    with pytest.raises(ValidationError, match="not a review-skill file"):
        ChecklistItem.model_validate(
            {"id": "x", "text": "y", "guide": "5.1", "source": {"file": "README.md", "anchor": "a"}}
        )


def test_a_pr_page_links_an_item_source_at_the_base_commit(catalog, corpus):
    """The first corpus PR whose page shows a sourced item links that rule at the PR's base."""
    skill = read_skill(
        reader(
            {
                **skill_files(),
                **{
                    p: "# x\n\n## Static proof check\n## Isolation per claim\n"
                    for p in SKILL_FILES[1:6]
                },
            }
        ),
        BASE,
    )
    data = replace(from_snapshot(), skill=skill, commit=BASE, origin="github")
    for record in corpus:
        pull, files = corpus_pr(record)
        review = analyse(pull_request_from_api(pull, files, OMNI, "corpus"), catalog, data)
        shown = [i for i in review.items if i.item.source is not None]
        if shown:
            break
    else:
        pytest.fail("no corpus PR shows a sourced item")
    html_text = render_pr_html(review, catalog, SiteLinks(f"prs/{review.pr.number}/index.md"))
    source = shown[0].item.source
    link = f"https://github.com/{OMNI}/blob/{BASE}/{source.file}"
    assert f'<a class="rk-why" href="{link}' in html_text


@pytest.mark.parametrize(
    ("files", "status"),
    [
        ([ChangedFile("vllm_omni/a.py"), ChangedFile("tests/engine/test_a.py", "added")], "pass"),
        # Look-alikes: fixtures, assets and conftest cannot fail on the base by themselves,
        # and neither can a test that was only moved or deleted.
        ([ChangedFile("vllm_omni/a.py"), ChangedFile("tests/conftest.py")], "attention"),
        ([ChangedFile("tests/assets/golden.png", "added")], "attention"),
        (
            [ChangedFile("tests/test_b.py", "renamed", previous_filename="tests/test_a.py")],
            "attention",
        ),
        ([ChangedFile("tests/test_a.py", "removed")], "attention"),
    ],
)
def test_a_bug_fix_needs_a_test_module_that_can_fail_on_base(catalog, files, status):
    pr = PullRequest(number=1, repo=OMNI, title="[Bugfix] crash", files=files, body="x")
    check = next(c for c in analyse(pr, catalog).checks if c.id == "policy-bugfix-regression-test")
    assert check.status == status, check.reason


def test_a_pathological_checker_line_is_not_backtracked():
    """A megabyte of quote and path characters with no closing quote is skipped, fast."""
    line = '+"' + "a/" * 500_000
    files = [ChangedFile(FORBIDDEN, patch=patch(line, "+MAX_X = " + "9" * 400))]
    verdict = precommit_ratchets(PullRequest(number=1, repo=OMNI, files=files))
    assert verdict.status == "pass"


@pytest.mark.parametrize(
    ("title", "status", "reason"),
    [
        ("[bugfix] crash on abort", "attention", "[bugfix] should be written [Bugfix]."),
        ("[Misc][WIP] online video", "attention", "The title still says WIP."),
        ("Draft: [Core] scheduler", "attention", "The title still says Draft."),
        # Look-alikes: the documented spelling, a vendor bracket, and words that only contain
        # "draft" or "wip".
        ("[Bugfix] crash on abort", "pass", ""),
        ("[Hardware][Ascend] fix", "pass", ""),
        ("[Core] Drafting model support, wiping caches", "pass", ""),
        ("", "not-applicable", ""),
    ],
)
def test_title_as_precheck_reads_it(title, status, reason):
    verdict = title_exact_prefix(PullRequest(number=1, repo=OMNI, title=title))
    assert verdict.status == status and reason in verdict.reason


@pytest.mark.parametrize(
    ("files", "diffusion", "recipes"),
    [
        (
            [ChangedFile("vllm_omni/diffusion/models/foo/__init__.py", "added")],
            "attention",
            "attention",
        ),
        (
            [
                ChangedFile("vllm_omni/diffusion/models/foo/__init__.py", "added"),
                ChangedFile("docs/user_guide/diffusion_features.md"),
                ChangedFile("recipes/README.md"),
            ],
            "pass",
            "pass",
        ),
        # An AR model needs the recipes index, not the diffusion table.
        (
            [ChangedFile("vllm_omni/model_executor/models/bar/__init__.py", "added")],
            "not-applicable",
            "attention",
        ),
        # Look-alikes: an existing package edited, a nested __init__, a removed index.
        (
            [ChangedFile("vllm_omni/diffusion/models/foo/__init__.py", "modified")],
            "not-applicable",
            "not-applicable",
        ),
        (
            [ChangedFile("vllm_omni/diffusion/models/foo/sub/__init__.py", "added")],
            "not-applicable",
            "not-applicable",
        ),
        (
            [
                ChangedFile("vllm_omni/model_executor/models/bar/__init__.py", "added"),
                ChangedFile("recipes/README.md", "removed"),
            ],
            "not-applicable",
            "attention",
        ),
    ],
)
def test_new_model_indexes(files, diffusion, recipes):
    pr = PullRequest(number=1, repo=OMNI, files=files)
    assert diffusion_feature_table(pr).status == diffusion
    assert recipe_index_entry(pr).status == recipes


def test_a_base_without_the_skill_holds_the_pr_to_none_of_its_rules(catalog):
    files = [ChangedFile("tools/pre_commit/examples_policy_baseline.txt", patch=patch("+x.py"))]
    pr = PullRequest(number=1, repo=OMNI, files=files)
    data = replace(from_snapshot(), skill=read_skill(reader({}), BASE), commit=BASE)
    check = next(c for c in analyse(pr, catalog, data).checks if c.id == "skill-precommit-ratchets")
    assert check.status == "not-applicable"
    assert (
        check.reason
        == f"Does not apply: vllm-omni has no {PRECHECK} at bbbbbbbbbb, so no such rule."
    )


def test_equal_skill_blobs_at_two_paths_are_each_read_as_themselves(tmp_path):
    """A blob shared by two skill files is read once per path; a second base re-reads nothing."""
    same = "# Same\n\n## Static proof check\n"
    files = {**skill_files(), **{path: same for path in SKILL_FILES[1:6]}}
    with GitHubStub() as stub:
        stub.add_tree(OMNI, BASE, {**bundled_repository_files(), **files})
        stub.trees[(OMNI, "c" * 40)] = dict(stub.trees[(OMNI, BASE)])
        reader_ = GitHubRepositoryData(
            GitHubClient(GitHubSettings(api_url=stub.url, cache_dir=tmp_path))
        )
        first = reader_.at(OMNI, BASE)
        before = len(stub.requests)
        second = reader_.at(OMNI, "c" * 40)
        assert len(stub.requests) - before == 1  # the tree only
    assert [d.path for d in first.skill.documents] == list(SKILL_FILES)
    assert all(d.commit == "c" * 40 for d in second.skill.documents)
    assert second.skill.hooks.commit == "c" * 40


def test_the_tool_cites_the_checkout_rules_at_the_base(tmp_path):
    """--repo-dir: a loosened budget needs attention, citing precheck at the PR's base."""
    from test_review_tool import run

    checkout = tmp_path / "omni"
    head = git_checkout(checkout, skill_files())
    budget = patch("-MAX_LEGACY_DETECTORS = 1", "+MAX_LEGACY_DETECTORS = 2")
    files = tmp_path / "files.json"
    changed = {
        "filename": "tools/pre_commit/check_tts_adapter.py",
        "status": "modified",
        "additions": 1,
        "deletions": 1,
        "patch": budget,
    }
    pull = {"number": 9, "user": {"login": "x"}, "base": {"sha": head, "ref": "main"}}
    files.write_text(json.dumps({"pull": pull, "files": [changed]}))
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
    check = next(c for c in data["checks"] if c["id"] == "skill-precommit-ratchets")
    assert check["status"] == "attention"
    assert "raises MAX_LEGACY_DETECTORS from 1 to 2" in check["reason"]
    assert check["rule"] == (
        f"https://github.com/{OMNI}/blob/{head}/{PRECHECK}#step-4-run-checklist"
    )
    assert data["repository_data"]["pre_commit_hooks"] == [
        "ruff-check",
        "ruff-format",
        "check-forbidden-imports",
    ]


def test_on_the_corpus_each_skill_check_fires_where_a_reviewer_would_ask(corpus):
    """Measured on the 235 real PRs: the ratchet fires only on PR 310, which grows an allowlist;
    the title check only on titles with a miscased prefix or a WIP/Draft marker; the typed-boundary
    check on under a fifth of PRs (2025 code predates the rule, so this bounds its noise)."""
    fired: dict[str, list[int]] = {c.id: [] for c in SKILL_CHECKS}
    titles = {}
    for record in corpus:
        pull, files = corpus_pr(record)
        pr = pull_request_from_api(pull, files, OMNI, "corpus")
        titles[record["number"]] = pr.title
        for check in SKILL_CHECKS:
            if check.run(pr).status == "attention":
                fired[check.id].append(record["number"])
    assert fired["skill-precommit-ratchets"] == [310]
    for number in fired["skill-title-exact-prefix"]:
        title = titles[number]
        prefix = title_prefixes(title)[:1]
        assert "WIP" in title.upper() or (prefix and prefix[0] not in TITLE_PREFIXES), title
    assert 0 < len(fired["skill-typed-api-boundaries"]) < len(corpus) / 5
    # Every new-model flag is a PR that added a model package.
    for number in fired["skill-recipe-index-entry"] + fired["skill-diffusion-feature-table"]:
        record = next(r for r in corpus if r["number"] == number)
        assert any(
            f["status"] == "added" and f["filename"].endswith("/__init__.py")
            for f in record["files"]
        )
