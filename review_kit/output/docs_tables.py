"""Tables in the kit's own documentation, generated from the data the code runs on.

The checks a PR page runs, the effort rules, the review tool's exit codes
and output formats: documented from the same objects, so they cannot drift.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..analysis import analyse, checks, engines
from ..analysis.check_spec import CheckSpec
from ..analysis.precision import (
    DEFAULT_ON_PRECISION,
    LABELS,
    MISSES,
    load_labels,
    load_misses,
    overall_precision,
    rule_precision,
)
from ..catalog.loading import Catalog
from ..pr.sources.snapshot import from_snapshot
from ..repo.model import RepositoryData
from ..repo.skill import skill_rule
from ..repo.sources.snapshot import from_snapshot as repository_snapshot
from .catalog_pages import common_context, render_template
from .text import render_pr_text


def render_checks_table(catalog: Catalog, from_uri: str) -> str:
    return render_template(
        "docs_checks.md.j2", checks=catalog.focus_map.checks, **common_context(catalog, from_uri)
    )


def render_rules_table(catalog: Catalog, from_uri: str) -> str:
    """The content rules, each with what its engine reads, whether it runs by default,
    and its figures on the labelled corpus."""
    labels = load_labels(LABELS)
    rules = catalog.focus_map.rules
    return render_template(
        "docs_rules.md.j2",
        rules=rules,
        engines=engines.ENGINES,
        figures=rule_precision(labels, load_misses(MISSES)),
        on_by_default=overall_precision(labels, [r.id for r in rules if r.on_by_default]),
        every_rule=overall_precision(labels, [r.id for r in rules]),
        threshold=DEFAULT_ON_PRECISION,
        **common_context(catalog, from_uri),
    )


def render_bullets(lines: Iterable[str]) -> str:
    return "".join(f"- {line}\n" for line in lines)


def render_exit_codes(codes) -> str:
    return render_template("docs_exit_codes.md.j2", codes=codes)


def render_formats(formats) -> str:
    return render_template("docs_formats.md.j2", formats=list(formats))


def render_text_sample(catalog: Catalog, number: int, lines: int) -> str:
    """The first ``lines`` lines of the terminal report of a bundled PR, in a text fence."""
    pr = from_snapshot(number)
    pr.fetched_at = None  # the page must not change with the day it is built
    text = render_pr_text(analyse(pr, catalog), catalog).splitlines()
    shown = "\n".join(text[:lines]) + ("\n..." if len(text) > lines else "")
    # A fence longer than any backtick run inside cannot be closed by the text.
    fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", shown)), default=0))
    return f"{fence}text\n{shown}\n{fence}\n"


def render_repository_checks() -> str:
    """Every check written in Python (``analysis.checks.CHECKS``), with the rule it applies:
    a rule of vllm-omni's review skill as the bundled snapshot read it."""
    data = repository_snapshot()
    rows = [(spec.applies_to, _cited(spec, data)) for spec in checks.CHECKS]
    return render_template("docs_repository_checks.md.j2", rows=rows)


def _cited(spec: CheckSpec, data: RepositoryData) -> tuple[str, str, str] | None:
    """(path, commit, URL) of the rule a check applies as the docs show it, or None."""
    if spec.needs_skill and data.skill is not None:
        rule = skill_rule(spec.skill_rule)
        document = data.skill.document(rule.path)
        commit = document.commit if document is not None else data.commit
        return rule.path, commit, data.skill.rule_url(data.repo, rule)
    if spec.rule is not None:
        return spec.rule.path, spec.rule.commit, spec.rule.url
    return None


def render_skill_rules() -> str:
    """Which checks follow vllm-omni's review skill at the base commit, and what its CI already runs."""
    data = repository_snapshot()
    lines = []
    citing = [spec for spec in checks.CHECKS if spec.skill_rule and not spec.needs_skill]
    for spec in citing:
        rule = skill_rule(spec.skill_rule)
        document = data.skill.document(rule.path) if data.skill else None
        commit = (document.commit if document is not None else data.commit)[:7]
        url = data.skill.rule_url(data.repo, rule) if data.skill else ""
        lapse = "; without it at the base, the check does not apply" if spec.binding else ""
        lines.append(f"- `{spec.id}`: [`{rule.path}`@`{commit}`]({url}){lapse}")
    hooks = data.skill.hooks if data.skill else None
    if hooks is not None:
        names = ", ".join(f"`{h}`" for h in hooks.ids)
        lines.append(
            f"\nCI checks this: vllm-omni's [pre-commit hooks]({hooks.url(data.repo)}) ({names}) "
            "run on every PR, so no check of the kit repeats them; a PR page lists them once, "
            "as its base commit has them.\n"
        )
    return "\n".join(lines) + "\n"


def render_notice(which: str) -> str:
    """One of the data notices, as the code words it, with its placeholders in capitals."""
    from ..pr.sources.github import CACHE_NOTICE, SNAPSHOT_NOTICE

    template = {"cache": CACHE_NOTICE, "snapshot": SNAPSHOT_NOTICE}[which]
    shown = template.format(reason="REASON", time="TIME", age="AGE")
    return f"```text\n{shown}\n```\n"
