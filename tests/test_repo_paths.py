"""Every vllm-omni path the guides name exists in the bundled 2026 listing.

The guides (Quick start, expert guide, review framework) cite repository paths
and dotted module names; a moved or deleted file turns a citation into a dead
end. This checks each one against ``docs/data/vllm-omni-2026-tree.txt`` and
says which page named a path the listing does not hold.
"""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
LISTING = DOCS / "data" / "vllm-omni-2026-tree.txt"
CHECKED_AGAINST = "data/checked-against.md"

# Pages whose vllm-omni claims are pinned; the review-tool and PR-page docs
# talk about this kit's own files and are not guides.
GUIDE_PAGES = sorted(
    [DOCS / "quick-start.md", DOCS / "index.md"]
    + list((DOCS / "expert").glob("*.md"))
    + list((DOCS / "framework").glob("*.md"))
    + [DOCS / "data" / "framework.yml"]
)

# Top-level folders of vllm-omni that a path in the guides starts with.
_ROOTS = r"(?:vllm_omni|tests|examples|benchmarks|docs/design|docs/contributing|docs/getting_started|requirements)"
# Sub-packages the framework text names without the ``vllm_omni/`` prefix.
_SUBPACKAGES = r"(?:model_executor|diffusion|worker|engine|entrypoints|core|distributed|platforms)"
_PATH = re.compile(rf"(?<![\w./-])(?P<path>(?:{_ROOTS}|{_SUBPACKAGES})/[\w./*<>{{}}-]*)(?![\w(])")
_MODULE = re.compile(r"(?<![\w.])(?P<module>vllm_omni(?:\.[a-z][\w]*)+)")

# Folders the listing holds only partly (at most 100 files of a flat folder were
# indexed; see partial-folders.txt next to the listing). Each path below was
# looked up with the search tool's find_files on vllm-project/vllm-omni and
# exists at the commit named.
PARTIAL_FOLDER_PATHS = {
    "tests/e2e/offline_inference/test_qwen2_5_omni.py": "d0c0c8af6c270b89a8541e44a4870e47213fb8d6",
    "tests/e2e/offline_inference/test_teacache.py": "ca07eae7d3c7752e6c6f5124bfb3c14ecde2b5f0",
    "tests/e2e/offline_inference/test_t2i_model.py": "ca07eae7d3c7752e6c6f5124bfb3c14ecde2b5f0",
    "tests/e2e/offline_inference/test_sequence_parallel.py": "30b8c5700d50bd942b7d1de42b67164f0144fba6",
    "vllm_omni/diffusion/registry.py": "44cd27684b5a6ebcdc83b9d58c871f535195e0b1",
    "vllm_omni/model_executor/models/registry.py": "fa1cedc4fd5b13f74ded94a43a5ebe5e612b9755",
    "vllm_omni/diffusion/forward_context.py": "53597a9c8a6b23be42ecbc23792dadccbab5b99f",
    "tests/diffusion/test_step_request_lifecycle.py": "2f39312a9b8298873f72ab513fdf003c811342f8",
    "vllm_omni/entrypoints/utils.py": "2c963ce96c51e2254ea43d4a03cceea89d577343",
    # Not in a partial folder, but missing from the listing, which is a union
    # over history "give or take a few"; imported by engine/stage_runtime.py.
    "vllm_omni/entrypoints/stage_utils.py": "0d2484f46958a496686c30eab31da3fa67f676f6",
}


def load_listing(path: Path = LISTING) -> frozenset[str]:
    """The listing's paths, one per line."""
    return frozenset(
        line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    )


def named_paths(text: str) -> set[str]:
    """Repository paths and dotted ``vllm_omni`` modules a page names, as paths."""
    found: set[str] = set()
    for match in _PATH.finditer(text):
        path = re.sub(r":\d+$", "", match["path"]).rstrip(".,;:)")
        if re.match(_SUBPACKAGES + "/", path):
            path = "vllm_omni/" + path
        found.add(path)
    for match in _MODULE.finditer(text):
        found.add(match["module"].replace(".", "/"))
    return found


def exists(path: str, listing: frozenset[str]) -> bool:
    """A file, a folder (trailing slash or not), a module, or a glob's fixed prefix."""
    if path in listing or path in PARTIAL_FOLDER_PATHS:
        return True
    stem = re.split(r"[*<{]", path, maxsplit=1)[0]
    if stem != path:  # a glob or placeholder: its fixed prefix must be a folder or file prefix
        return any(p.startswith(stem) for p in listing)
    folder = path.rstrip("/") + "/"
    if any(p.startswith(folder) for p in listing):
        return True
    return path + ".py" in listing  # a dotted module name


def test_named_paths_reads_code_spans_globs_and_modules():
    """Paths come back normalised: line suffixes dropped, short forms prefixed, modules as paths."""
    text = dedent(
        """
        See `vllm_omni/entrypoints/omni.py:212`, `diffusion/registry.py` and
        `tests/e2e/*/stage_configs/*_ci.yaml`; the class lives in
        vllm_omni.engine.orchestrator.
        """
    )
    assert named_paths(text) == {
        "vllm_omni/entrypoints/omni.py",
        "vllm_omni/diffusion/registry.py",
        "tests/e2e/*/stage_configs/*_ci.yaml",
        "vllm_omni/engine/orchestrator",
    }


def test_exists_accepts_folders_globs_and_modules_only_when_listed():
    """A listed file, folder, glob prefix or module passes; anything else fails."""
    listing = frozenset({"vllm_omni/engine/orchestrator.py", "tests/e2e/x/stage_configs/a_ci.yaml"})
    assert exists("vllm_omni/engine/orchestrator.py", listing)
    assert exists("vllm_omni/engine/", listing)
    assert exists("vllm_omni/engine/orchestrator", listing)
    assert exists("tests/e2e/*/stage_configs/*_ci.yaml", listing)
    assert not exists("vllm_omni/engine/omni_llm.py", listing)
    assert not exists("tests/model_runner/", listing)


@pytest.mark.parametrize("page", GUIDE_PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_every_named_repository_path_is_in_the_listing(page: Path):
    """Each vllm-omni path a guide page names exists in the 2026 listing (or the allow-list)."""
    listing = load_listing()
    missing = sorted(
        p for p in named_paths(page.read_text(encoding="utf-8")) if not exists(p, listing)
    )
    assert not missing, f"{page.relative_to(REPO)} names paths vllm-omni does not have: {missing}"


def test_allow_listed_paths_are_really_absent_from_the_listing():
    """The allow-list holds only what the listing lacks, so it cannot hide a stale entry for long."""
    listing = load_listing()
    assert not [p for p in PARTIAL_FOLDER_PATHS if p in listing]


@pytest.mark.parametrize(
    "page",
    [
        p
        for p in GUIDE_PAGES
        if p.suffix == ".md"
        and p.parent.name in {"expert", "framework"}
        or p.name == "quick-start.md"
    ],
    ids=lambda p: p.relative_to(DOCS).as_posix(),
)
def test_every_guide_page_states_what_it_was_checked_against(page: Path):
    """Each guide page includes the one 'checked against' note that names the vllm-omni commits."""
    assert f'{{% include "{CHECKED_AGAINST}" %}}' in page.read_text(encoding="utf-8")


def test_bundled_listing_is_the_shared_2026_listing():
    """The listing is a sorted list of repository paths that includes the module contracts."""
    lines = LISTING.read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)
    assert "docs/design/module/stage_runtime.md" in lines
