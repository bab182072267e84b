"""mkdocs-macros entry point: the macros that pages call to show generated content.

Each macro is a thin call into ``review_kit.render``; the catalog (guide
sections, framework, focus map) is loaded and cross-checked once per build.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

from review_kit import render
from review_kit.catalog import load_catalog
from review_kit.errors import ReviewKitError
from review_kit.tree import load_tree


def define_env(env) -> None:
    """Register the kit's macros with mkdocs-macros."""
    settings = env.conf["extra"]["review_kit"]
    # The project root is the folder that holds this package. Not read from
    # env.conf["config_file_path"]: Zensical's macros support does not set it.
    root = Path(__file__).resolve().parent.parent
    docs_dir = root / env.conf["docs_dir"]  # absolute under MkDocs, relative under Zensical
    try:
        catalog = load_catalog(
            docs_dir, root / settings["framework"], root / settings["focus_map"], root
        )
    except ReviewKitError as exc:
        raise PluginError(str(exc)) from None

    def here() -> str:
        # Zensical's page object has no File, only the same docs-relative path.
        page = env.page
        return page.file.src_uri if hasattr(page, "file") else page.path

    @env.macro
    def cited_by(section_id: str) -> str:
        """List the checklist items that cite an expert-guide section."""
        return render.render_cited_by(catalog, section_id, here())

    @env.macro
    def framework_category(category_id: str) -> str:
        """Render one framework category's subsections and checklists."""
        return render.render_framework_category(catalog, category_id, here())

    @env.macro
    def final_checklist() -> str:
        """Render the final checklist."""
        return render.render_final_checklist(catalog, here())

    @env.macro
    def focus_areas_index() -> str:
        """Render the table of focus areas."""
        return render.render_focus_index(catalog, here())

    @env.macro
    def focus_area_page(area_id: str) -> str:
        """Render the page of one focus area."""
        return render.render_focus_area(catalog, area_id, here())

    @env.macro
    def path_finder() -> str:
        """Render, for each notable folder of vllm-omni, the areas its files belong to."""
        paths = load_tree(root / settings["tree"])
        return render.render_path_finder(catalog, paths, here())
