"""mkdocs-macros entry point: the macros that pages call to show generated content.

Each macro is a thin call into ``review_kit.output.catalog_pages``; the
catalog (guide sections, framework, focus map) is the build's own, loaded once
and shared with the hooks (``review_kit.site.build``).
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError

from review_kit import cli
from review_kit.analysis.effort import effort_rules as effort_rule_lines
from review_kit.catalog.listing import load_tree
from review_kit.errors import ReviewKitError
from review_kit.output import FORMATS, docs_tables
from review_kit.output import catalog_pages as render
from review_kit.site.build import site_build


def define_env(env) -> None:
    """Register the kit's macros with mkdocs-macros."""
    build = site_build(env.conf)
    catalog = build.catalog

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
    def key_questions() -> str:
        """Render every key question of the focus map, with when a PR page asks each."""
        return render.render_key_questions(catalog, here())

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
        try:
            paths = load_tree(build.settings.tree)
        except ReviewKitError as exc:
            raise PluginError(str(exc)) from None
        return render.render_path_finder(catalog, paths, here())

    @env.macro
    def automated_checks_table() -> str:
        """The automated checks a PR page runs, from the focus map the analysis reads."""
        return docs_tables.render_checks_table(catalog, here())

    @env.macro
    def repository_checks_table() -> str:
        """vllm-omni's policy and contract checks, with the rule each applies."""
        return docs_tables.render_repository_checks()

    @env.macro
    def skill_rules_list() -> str:
        """Checks that follow vllm-omni's review skill, and the hooks its CI already runs."""
        return docs_tables.render_skill_rules()

    @env.macro
    def content_rules_table() -> str:
        """The content rules a PR page runs on added lines, from the focus map."""
        return docs_tables.render_rules_table(catalog, here())

    @env.macro
    def effort_rules() -> str:
        """The effort score's rules, from the constants the analysis applies."""
        return docs_tables.render_bullets(effort_rule_lines())

    @env.macro
    def exit_codes_table() -> str:
        """The review tool's exit codes, from the tool itself."""
        return docs_tables.render_exit_codes(cli.EXIT_CODES)

    @env.macro
    def review_tool_sample(number: int = 19, lines: int = 40) -> str:
        """What the review tool prints on a terminal for a bundled PR, rendered by the tool's code."""
        return docs_tables.render_text_sample(catalog, number, lines)

    @env.macro
    def data_notice(which: str) -> str:
        """A data notice ("cache" or "snapshot") worded exactly as the code words it."""
        return docs_tables.render_notice(which)

    @env.macro
    def output_formats_table() -> str:
        """The review tool's --format values, from its registry of outputs."""
        return docs_tables.render_formats(FORMATS.values())
