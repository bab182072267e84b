"""The focus map: loading, every promised validation error, and matching semantics."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO

from review_kit.analysis import load_catalog
from review_kit.catalog.coverage import check, check_listing
from review_kit.catalog.coverage import main as check_map_main
from review_kit.catalog.focus_map import load_focus_map
from review_kit.catalog.listing import DECEMBER_2025_TREE, TREE_2026, load_tree
from review_kit.errors import DataError

CATALOG = FIXTURES / "catalog"


@pytest.fixture
def fixture_catalog(tmp_path: Path) -> Path:
    """A writable copy of the small fixture catalog."""
    shutil.copytree(CATALOG, tmp_path / "catalog")
    return tmp_path / "catalog"


def load(root: Path):
    return load_catalog(root / "docs", root / "framework.yml", root / "focus-map.yml", root)


def break_map(root: Path, old: str, new: str) -> None:
    path = root / "focus-map.yml"
    text = path.read_text()
    assert old in text, f"fixture lacks {old!r}"
    path.write_text(text.replace(old, new, 1))


def test_fixture_catalog_loads(fixture_catalog):
    """The fixture loads cleanly, so every failure below is caused by its one edit."""
    catalog = load(fixture_catalog)
    assert [a.id for a in catalog.focus_map.areas] == ["engine", "docs"]
    assert sorted(catalog.sections) == ["1", "1.1", "1.2"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            "    risk: critical\n",
            "    risk: critical\n    owner: someone\n",
            "focus-map.yml:7: areas[0].owner: unknown key",
            id="unknown-key",
        ),
        pytest.param(
            "  - id: docs\n",
            "  - id: engine\n",
            "focus-map.yml:21: areas[1].id: duplicate area id 'engine'",
            id="duplicate-area-id",
        ),
        pytest.param(
            "      - id: engine-one\n",
            "      - id: arch-one\n",
            "focus-map.yml:14: areas[0].items[0].id: duplicate item id 'arch-one' "
            "(first at framework.yml:10)",
            id="duplicate-item-id",
        ),
        pytest.param(
            'guide_sections: ["1.2"]',
            'guide_sections: ["7.4"]',
            "focus-map.yml:11: areas[0].guide_sections[0]: no expert-guide section '7.4'",
            id="unknown-section",
        ),
        pytest.param(
            '        guide: "1.2"\n',
            '        guide: "2.9"\n',
            "focus-map.yml:16: areas[0].items[0].guide: no expert-guide section '2.9'",
            id="unknown-item-section",
        ),
        pytest.param(
            "[engine-design]",
            "[engine-desgin]",
            "focus-map.yml:12: areas[0].framework_subsections[0]: "
            "no framework subsection 'engine-desgin'",
            id="unknown-subsection",
        ),
        pytest.param(
            '      - "!/vllm_omni/engine/README.md"\n',
            '      - "!"\n',
            "focus-map.yml:10: areas[0].paths[1]: invalid path pattern '!'",
            id="invalid-pattern",
        ),
        pytest.param(
            '      - "*.md"\n',
            '      - "docs\\\\"\n',
            "focus-map.yml:26: areas[1].paths[0]: invalid path pattern 'docs\\\\'",
            id="invalid-pattern-escape",
        ),
        pytest.param(
            '      - "*.md"\n',
            '      - "*"\n',
            "focus-map.yml:26: areas[1].paths[0]: path pattern '*' matches every path",
            id="match-everything",
        ),
        pytest.param(
            "    title: Docs\n",
            "    title: Docs\n    title: Again\n",
            "focus-map.yml:23: areas[1].title: duplicate key",
            id="duplicate-key",
        ),
        pytest.param(
            "    why: Users read them.\n",
            "    why: [Users read them.\n",
            "focus-map.yml:24: YAML syntax error: expected ',' or ']', but got ':'",
            id="yaml-syntax",
        ),
        pytest.param(
            "    risk: normal\n",
            "    risk: low\n",
            "focus-map.yml:23: areas[1].risk: Input should be 'critical', 'high' or 'normal'",
            id="bad-risk",
        ),
        pytest.param(
            '    paths:\n      - "*.md"\n',
            "",
            "focus-map.yml:21: areas[1].paths: required key is missing",
            id="missing-paths",
        ),
        pytest.param(
            '        text: "Defaults stay compatible."\n',
            '        text: "Defaults stay compatible."\n'
            '        trigger: {paths: ["*.py"], any_of: [{paths: ["*.pyi"]}]}\n',
            "focus-map.yml:16: areas[0].items[0].trigger: Value error, 'any_of' stands alone",
            id="any-of-mixed",
        ),
        pytest.param(
            '        text: "Defaults stay compatible."\n',
            '        text: "Defaults stay compatible."\n'
            "        trigger: {any_of: [{paths: [x]}, {rules: [no-such-rule]}]}\n",
            "focus-map.yml:16: areas[0].items[0].trigger.any_of[1].rules[0]: "
            "no content rule 'no-such-rule'",
            id="any-of-unknown-rule",
        ),
        pytest.param(
            '        text: "Defaults stay compatible."\n',
            '        text: "Defaults stay compatible."\n'
            '        trigger: {any_of: [{paths: ["x"]}, {paths: ["!"]}]}\n',
            "focus-map.yml:16: areas[0].items[0].trigger.any_of[1].paths[0]: "
            "invalid path pattern '!'",
            id="any-of-invalid-pattern",
        ),
    ],
)
def test_broken_map_names_file_line_and_key(fixture_catalog, old, new, message):
    """Each way of breaking the map fails with one line naming file, line and key."""
    break_map(fixture_catalog, old, new)
    with pytest.raises(DataError) as caught:
        load(fixture_catalog)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(message), text


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        pytest.param(
            '  - topic: Safety\n    questions: ["Is it safe?"]\n'
            '  - topic: safety\n    questions: ["Is it bounded?"]\n',
            "focus-map.yml:30: key_questions[1].topic: duplicate topic 'safety'",
            id="duplicate-topic",
        ),
        pytest.param(
            '  - topic: Safety\n    questions: ["Is it safe?"]\n'
            '  - topic: Quality\n    questions:\n      - text: "Is it safe?"\n'
            "        trigger: {areas: [engine]}\n",
            "focus-map.yml:32: key_questions[1].questions[0]: duplicate question 'Is it safe?'",
            id="duplicate-question",
        ),
        pytest.param(
            '  - topic: Code quality\n    questions: ["Is it clear?"]\n',
            "focus-map.yml:28: key_questions[0].topic: topic 'Code quality' names tick ids",
            id="topic-not-an-id",
        ),
    ],
)
def test_key_questions_have_one_id_each(fixture_catalog, questions, message):
    """A topic or question given twice would share tick ids or ask one thing twice."""
    path = fixture_catalog / "focus-map.yml"
    path.write_text(path.read_text() + "key_questions:\n" + questions)
    with pytest.raises(DataError) as caught:
        load(fixture_catalog)
    assert str(caught.value).startswith(message), str(caught.value)


def test_wrong_guide_anchor_is_reported(fixture_catalog):
    """A guide heading whose anchor disagrees with its number is caught at its line."""
    page = fixture_catalog / "docs/expert/guide.md"
    page.write_text(page.read_text().replace("{ #sec-1-2 }", "{ #sec-1-3 }"))
    with pytest.raises(DataError, match=r"guide\.md:11: 1\.2: heading anchor #sec-1-3 should be"):
        load(fixture_catalog)


@pytest.fixture(scope="module")
def fixture_map():
    return load_focus_map(CATALOG / "focus-map.yml")[0]


def test_negation_is_ordered_within_an_area(fixture_map):
    """`!` takes back an earlier match of the same area; the file still matches other areas."""
    assert fixture_map.classify("vllm_omni/engine/arg_utils.py").areas == ("engine",)
    readme = fixture_map.classify("vllm_omni/engine/README.md")
    assert readme.areas == ("docs",)


def test_file_may_belong_to_several_areas(fixture_map):
    """A Markdown file under the engine (not the negated README) is engine and docs."""
    assert fixture_map.classify("vllm_omni/engine/NOTES.md").areas == ("engine", "docs")


def test_anchored_pattern_does_not_match_deeper(fixture_map):
    """`/vllm_omni/engine/**` is anchored at the root: a nested copy is not the engine."""
    assert fixture_map.classify("third_party/vllm_omni/engine/x.py").unmatched


def test_rename_counts_under_old_and_new_path(fixture_map):
    """Moving a file out of the engine still asks for the engine's review."""
    moved = fixture_map.classify_change(
        "vllm_omni/core/arg_utils.py", "vllm_omni/engine/arg_utils.py"
    )
    assert moved.areas == ("engine",)
    assert not moved.unmatched


def test_ignored_and_unmatched_are_distinct(fixture_map):
    ignored = fixture_map.classify("vllm_omni/engine/diagram.png")
    assert ignored.ignored and ignored.areas == () and not ignored.unmatched
    stray = fixture_map.classify("setup.cfg")
    assert stray.unmatched and not stray.ignored


def test_real_map_loads_with_real_guides():
    """The shipped map, framework and guide agree on every id."""
    catalog = load_catalog()
    ids = {a.id for a in catalog.focus_map.areas}
    required = {
        "engine",
        "model-executor",
        "workers",
        "scheduling",
        "diffusion",
        "multimodal",
        "entrypoints",
        "distributed",
        "configuration",
        "tests",
        "docs-examples",
        "ci-build",
        "benchmarks",
    }
    assert required <= ids


def test_corpus_coverage_is_at_least_98_percent(corpus):
    """Across the 235 real PRs, at least 98% of changed files fall in an area."""
    focus_map = load_catalog().focus_map
    files = [f for pr in corpus for f in pr["files"]]
    in_area = [
        f
        for f in files
        if focus_map.classify_change(f["filename"], f.get("previous_filename")).areas
    ]
    assert len(files) == 2048
    assert len(in_area) / len(files) >= 0.98, len(in_area) / len(files)


def test_real_tree_is_fully_mapped():
    """Every path of both bundled listings is mapped or ignored; each pattern matches in one."""
    now, before = load_tree(TREE_2026), load_tree(DECEMBER_2025_TREE)
    assert check(now, history=[before]) == []
    assert check(before, history=[now]) == []


def test_2026_tree_is_at_least_98_percent_claimed():
    """The map was refitted to the 2026 tree: areas, not the ignore list, claim 98% of it."""
    result = check_listing(load_tree(TREE_2026), history=[load_tree(DECEMBER_2025_TREE)])
    assert result.paths == 7977
    assert result.claimed / result.paths >= 0.98, result.claimed / result.paths


def test_pattern_alive_only_in_another_listing_is_a_note(tmp_path, capsys):
    """A pattern for a path that left the tree fails alone, passes with the listing it matches."""
    listing = tmp_path / "tree.txt"
    listing.write_text("\n".join(p for p in load_tree() if not p.startswith("benchmarks/")))
    assert check_map_main(["--listing", str(listing)]) == 0  # the bundled listings have it
    out = capsys.readouterr().out
    assert "note: matches only in another listing: benchmarks: /benchmarks/**" in out


def test_check_map_names_unmapped_paths_and_dead_patterns(tmp_path, capsys):
    """An unmapped path and a pattern that matches nothing both fail check-map by name."""
    listing = tmp_path / "tree.txt"
    paths = [p for p in load_tree() if not p.startswith("benchmarks/")] + ["setup.cfg"]
    listing.write_text("\n".join(paths))
    assert check_map_main(["--listing", str(listing), "--no-history"]) == 1
    err = capsys.readouterr().err
    assert "check-map: unmatched path: setup.cfg" in err
    assert "check-map: pattern matches nothing: benchmarks: /benchmarks/**" in err


def test_check_map_passes_on_snapshot(capsys):
    """By default check-map reads the 2026 listing; LISTING= still reads the Dec 2025 one."""
    assert check_map_main([]) == 0
    assert "all 7977 paths of docs/data/vllm-omni-2026-tree.txt" in capsys.readouterr().out
    assert check_map_main(["--listing", str(DECEMBER_2025_TREE)]) == 0
    assert "all 381 paths of docs/data/vllm-omni-tree.txt" in capsys.readouterr().out


def test_check_map_lists_a_git_checkout(tmp_path, capsys):
    """REPO_DIR is listed with git ls-files."""
    import subprocess

    repo = tmp_path / "checkout"
    (repo / "vllm_omni/engine").mkdir(parents=True)
    (repo / "vllm_omni/engine/arg_utils.py").write_text("")
    (repo / "notes.cfg").write_text("")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    assert check_map_main(["--repo-dir", str(repo)]) == 1
    err = capsys.readouterr().err
    assert "unmatched path: notes.cfg" in err
    assert "unmatched path: vllm_omni/engine/arg_utils.py" not in err


def test_schema_file_is_current():
    """docs/focus-map.schema.json matches the loader's model (run `make schema` if not)."""
    from review_kit.catalog.schema import SCHEMA_PATH, schema_text

    assert SCHEMA_PATH.read_text() == schema_text()


def test_repo_root_fixture_points_at_repo():
    assert (REPO / "mkdocs.yml").exists()


def test_combined_matcher_agrees_with_pathspec(corpus):
    """The one-regex matcher gives exactly what each area's GitIgnoreSpec gives."""
    import pathspec

    focus_map = load_catalog().focus_map
    specs = [(a.id, pathspec.GitIgnoreSpec.from_lines(a.paths)) for a in focus_map.areas]
    ignore = pathspec.GitIgnoreSpec.from_lines(focus_map.ignore)
    paths = set(load_tree()) | {f["filename"] for pr in corpus for f in pr["files"]}
    paths |= {"a/b.png", "docs/x/y.md", "requirements-dev.txt", "vllm_omni/engine/\nx.py"}
    for path in sorted(paths):
        expected_ignored = ignore.match_file(path)
        expected = () if expected_ignored else tuple(a for a, s in specs if s.match_file(path))
        got = focus_map.classify(path)
        assert (got.ignored, got.areas) == (expected_ignored, expected), path


def _with_rule(root: Path, engine_lines: str) -> None:
    path = root / "focus-map.yml"
    rule = (
        "rules:\n"
        "  - id: some-rule\n"
        "    title: Some rule\n"
        "    message: Ask why.\n"
        '    guide: "1.2"\n'
        "    severity: P2\n"
        '    paths: ["*.yaml"]\n' + engine_lines
    )
    path.write_text(path.read_text() + rule)


def test_a_rule_must_name_a_registered_engine(fixture_catalog):
    """A YAML check no engine makes is refused with the rule's line; a registered one loads."""
    from review_kit.analysis.engines import ENGINES

    registered = next(name for name in ENGINES if name not in ("added", "python"))
    _with_rule(fixture_catalog, f"    yaml: {registered}\n")
    assert load(fixture_catalog).focus_map.rules[0].engine == registered

    text = (fixture_catalog / "focus-map.yml").read_text()
    (fixture_catalog / "focus-map.yml").write_text(text.replace(registered, "no-such-check"))
    with pytest.raises(DataError) as caught:
        load(fixture_catalog)
    assert str(caught.value).startswith(
        "focus-map.yml:34: rules[0].yaml: no rule engine 'no-such-check'"
    ), caught.value


def test_an_unknown_handler_is_a_validation_error(fixture_catalog):
    """``handler:`` takes only the kinds the Python engine tests; another is refused."""
    _with_rule(fixture_catalog, "    python:\n      - handler: quiet\n")
    with pytest.raises(DataError) as caught:
        load(fixture_catalog)
    assert "rules[0].python[0].handler" in str(caught.value), caught.value
