"""Rendering of the kit's own data: links, checklists and generated pages, as snapshots."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from review_kit.analysis import load_catalog
from review_kit.catalog.focus_map import KeyQuestions
from review_kit.catalog.rules import Trigger
from review_kit.output.catalog_pages import (
    asked_when,
    folder_rows,
    relative_link,
    render_cited_by,
    render_focus_area,
    render_focus_index,
    render_framework_category,
    render_path_finder,
    render_template,
)

CATALOG = FIXTURES / "catalog"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(
        CATALOG / "docs", CATALOG / "framework.yml", CATALOG / "focus-map.yml", CATALOG
    )


@pytest.mark.parametrize(
    ("source", "target", "anchor", "expected"),
    [
        ("framework/architecture.md", "expert/engine.md", "sec-2-1", "../expert/engine.md#sec-2-1"),
        ("expert/engine.md", "expert/tensors.md", "sec-1-2", "tensors.md#sec-1-2"),
        ("index.md", "focus-areas/engine.md", "", "focus-areas/engine.md"),
        ("expert/engine.md", "expert/engine.md", "sec-2-2", "#sec-2-2"),
    ],
)
def test_relative_link(source, target, anchor, expected):
    """Links are relative .md paths, so MkDocs validates and rewrites them."""
    assert relative_link(source, target, anchor) == expected


def test_link_text_escapes_brackets_outside_code():
    """Item text such as "(0, 1]" must not close a link early; code spans stay literal."""
    from review_kit.output.catalog_pages import md_link_text

    assert md_link_text("range (0, 1] and `x[0]`") == "range (0, 1\\] and `x[0]`"


def test_framework_category_snapshot(catalog, snapshot):
    snapshot(
        "framework_category.md",
        render_framework_category(catalog, "architecture", "framework/architecture.md"),
    )


def test_checklist_item_has_stable_id_and_guide_link(catalog):
    """Each item carries its id (not its position) and links to its explaining section."""
    text = render_framework_category(catalog, "architecture", "framework/architecture.md")
    assert 'id="item-arch-one"' in text
    assert 'data-item-id="arch-one"' in text
    assert "[§1.1 Shapes](../expert/guide.md#sec-1-1)" in text


def test_cited_by_lists_framework_final_and_area_items(catalog, snapshot):
    """Section 1.2 is cited by the final checklist and by the engine area's item."""
    text = render_cited_by(catalog, "1.2", "expert/guide.md")
    snapshot("cited_by.md", text)
    assert "[Tests pass.](../framework/final-checklist.md#item-final-one)" in text
    assert (
        "Focus area: Engine: [Defaults stay compatible.](../focus-areas/engine.md#item-engine-one)"
        in text
    )


def test_cited_by_unknown_section_is_an_error(catalog):
    with pytest.raises(KeyError, match="9.9"):
        render_cited_by(catalog, "9.9", "expert/guide.md")


def test_focus_area_snapshot(catalog, snapshot):
    snapshot("focus_area.md", render_focus_area(catalog, "engine", "focus-areas/engine.md"))


def test_focus_index_snapshot(catalog, snapshot):
    snapshot("focus_index.md", render_focus_index(catalog, "focus-areas/index.md"))


def test_folder_rows_count_areas_ignored_and_unmatched(catalog):
    paths = [
        "vllm_omni/engine/a.py",
        "vllm_omni/engine/README.md",
        "vllm_omni/engine/x.png",
        "vllm_omni/other.py",
    ]
    rows = {r.folder: r for r in folder_rows(catalog, paths)}
    top = rows["vllm_omni/"]
    assert top.files == 4 and top.ignored == 1 and top.unmatched == 1
    assert dict(top.areas) == {"engine": 1, "docs": 1}
    assert rows["vllm_omni/engine/"].files == 3


def test_path_finder_snapshot(catalog, snapshot):
    paths = ["vllm_omni/engine/a.py", "docs/index.md", "README.md", "x/y/z/w.py"]
    snapshot("path_finder.md", render_path_finder(catalog, paths, "focus-areas/path-finder.md"))


@pytest.mark.parametrize(
    ("trigger", "expected"),
    [
        pytest.param(None, "", id="always"),
        pytest.param(Trigger(), "", id="empty-trigger-is-always"),
        pytest.param(
            Trigger(areas=["engine", "docs"], min_lines=50),
            "touches [engine](focus-areas/engine.md) or [docs](focus-areas/docs.md)"
            " and changes 50+ lines in them",
            id="areas-and-lines",
        ),
        pytest.param(
            Trigger(paths=["/vllm_omni/**"], min_lines=300),
            "changes 300+ lines in vllm\\_omni/",
            id="folder-and-lines",
        ),
        pytest.param(
            Trigger(paths=["/tests/**", "/benchmarks/**"]),
            "changes files in tests/ or benchmarks/",
            id="folders",
        ),
        pytest.param(
            Trigger(paths=["*.py", "!/tests/**"], status=["added", "renamed"]),
            "adds or renames files matching \\*\\.py except /tests/\\*\\*",
            id="status-glob-and-negation",
        ),
    ],
)
def test_asked_when_words_the_trigger(catalog, trigger, expected):
    """The Quick start's note says when a PR page asks a question, in the trigger's own terms."""
    assert asked_when(catalog, trigger, "quick-start.md") == expected


def test_asked_when_names_content_rules():
    real = load_catalog()
    trigger = Trigger(paths=["/vllm_omni/**"], rules=["unsafe-deserialisation"])
    assert asked_when(real, trigger, "quick-start.md") == (
        'changes files in vllm\\_omni/ where the content rule "Unsafe deserialisation" finds something'
    )


def test_key_questions_show_the_maps_text_literally():
    """Question text reaches the page as text: no Markdown, HTML, link or macro runs from it."""
    group = KeyQuestions(
        topic="Safety", questions=["Is <b>x</b> *bold* [a](b) {{ macro() }} safe?"]
    )
    text = render_template("docs_key_questions.md.j2", groups=[group], asked_when=lambda _: "")
    assert "<b>" not in text and "*bold*" not in text and "{{" not in text and "](" not in text
    assert text.startswith("**Safety**\n\n- [ ] Is &lt;b&gt;x&lt;/b&gt; \\*bold\\*")
