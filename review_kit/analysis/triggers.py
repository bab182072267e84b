"""Which checklist items and key questions a PR makes relevant, and what made each fire.

An item fires when its ``trigger`` selects files of its area (patterns,
statuses, changed lines, content-rule findings); an item with no trigger of
its own is folded under "also consider". Each fired item keeps a digest of
the hunks that triggered it, so a ticked box reopens only when those change.
"""

from __future__ import annotations

from ..catalog.focus_map import FocusMap
from ..catalog.paths import files_matching, path_set
from ..catalog.rules import Trigger
from ..pr.model import ChangedFile, PullRequest
from .diff import hunk_digests
from .model import AreaReview, Finding, ItemReview, QuestionReview


def _selected(
    trigger: Trigger, files: list[ChangedFile], findings: list[Finding]
) -> tuple[list[ChangedFile], dict, list[Finding]]:
    """The files a trigger selects, what matched, and the findings behind it."""
    if trigger.any_of:
        return _any_selected(trigger.any_of, files, findings)
    why: dict = {}
    chosen = files
    if trigger.paths:
        matched = set(files_matching(chosen, trigger.paths))
        chosen = [f for f in chosen if f.filename in matched]
        # Which patterns matched, for the reader: asked of a few files only,
        # since a 3000-file PR would otherwise pay patterns x files.
        shown = chosen[:20]
        why["paths"] = [
            p
            for p in trigger.paths
            if not p.startswith("!") and any(path_set((p,)).matches(f.filename) for f in shown)
        ]
    if trigger.status:
        chosen = [f for f in chosen if f.status in trigger.status]
        why["status"] = sorted({f.status for f in chosen})
    hits: list[Finding] = []
    if trigger.rules:
        names = {f.filename for f in chosen}
        hits = [h for h in findings if h.rule in trigger.rules and h.file in names]
        with_hits = {h.file for h in hits}
        chosen = [f for f in chosen if f.filename in with_hits]
        why["rules"] = sorted({h.rule for h in hits})
    if trigger.min_lines is not None:
        lines = sum(f.additions + f.deletions for f in chosen)
        if lines < trigger.min_lines:
            return [], {}, []
        why["lines"] = lines
    return chosen, why, hits


def _any_selected(
    alternatives: list[Trigger], files: list[ChangedFile], findings: list[Finding]
) -> tuple[list[ChangedFile], dict, list[Finding]]:
    """The union of what each alternative selects, in the PR's order, and why.

    ``why`` merges the alternatives that fired: the patterns and rules of each,
    and the most changed lines one of them counted.
    """
    names: set[str] = set()
    why: dict = {}
    hits: list[Finding] = []
    for alternative in alternatives:
        chosen, more, found = _selected(alternative, files, findings)
        if not chosen:
            continue
        names.update(f.filename for f in chosen)
        hits += [h for h in found if h not in hits]
        for key, value in more.items():
            if isinstance(value, list):
                why[key] = list(dict.fromkeys([*why.get(key, []), *value]))
            else:
                why[key] = max(value, why.get(key, value))
    return [f for f in files if f.filename in names], why, hits


def file_digest(f: ChangedFile, hits: list[Finding] | None = None) -> str:
    """Digest of a file's hunks (only those holding ``hits``, if given).

    A hunk's digest ignores its header's line numbers, so a change above it
    elsewhere in the file does not alter it. A finding carries the digest of
    its hunk from the one parse of the patch, so none is parsed again here.
    A file without a patch falls back to its blob SHA.
    """
    if hits is None:
        hunks = list(hunk_digests(f.patch))
    else:
        ordered = sorted(hits, key=lambda h: h.line)
        hunks = list(dict.fromkeys(d for h in ordered for d in h.hunks))
    if not hunks:
        return f.sha or f"{f.status}:{f.additions}:{f.deletions}"
    return ":".join(d[:12] for d in hunks)


def review_items(
    areas: list[AreaReview], pr: PullRequest, findings: list[Finding]
) -> list[ItemReview]:
    """Every item of every touched area: fired (with its trigger) or folded."""
    by_name = {f.filename: f for f in pr.files}
    items = []
    for r in areas:
        files = [by_name[name] for name in r.files if name in by_name]
        for item in r.area.items:
            if item.trigger is None:
                items.append(ItemReview(item, r.area.id, r.files, None, True))
                continue
            chosen, why, hits = _selected(item.trigger, files, findings)
            if not chosen:
                continue
            hunks = {}
            for f in chosen:
                # A file that fired on a finding reopens when the finding's hunks
                # change; one that fired on its path (no finding in it), on any hunk.
                mine = [h for h in hits if h.file == f.filename]
                hunks[f.filename] = file_digest(f, mine or None)
            items.append(
                ItemReview(item, r.area.id, [f.filename for f in chosen], why, False, hunks)
            )
    return items


def review_questions(
    focus_map: FocusMap, pr: PullRequest, areas: list[AreaReview], findings: list[Finding]
) -> list[QuestionReview]:
    """The key questions the PR's changes make relevant (all of those without a trigger)."""
    touched = {r.area.id for r in areas}
    reviewed = {name for r in areas for name in r.files}
    files = [f for f in pr.files if f.filename in reviewed]
    in_area = {r.area.id: set(r.files) for r in areas}
    shown = []
    for group in focus_map.key_questions:
        for qid, question in group.entries():
            trigger = question.trigger
            if trigger is None:
                shown.append(QuestionReview(qid, group.topic, question.text))
                continue
            fired = [
                why
                for alternative in trigger.alternatives()
                if (why := _asks(alternative, touched, in_area, files, findings)) is not None
            ]
            if fired:
                merged: dict = {}
                for why in fired:
                    merged.update({k: v for k, v in why.items() if k not in merged})
                shown.append(QuestionReview(qid, group.topic, question.text, merged))
    return shown


def _asks(
    trigger: Trigger,
    touched: set[str],
    in_area: dict[str, set[str]],
    files: list[ChangedFile],
    findings: list[Finding],
) -> dict | None:
    """Why one (plain) trigger asks its question of this PR, or None if it does not."""
    why: dict = {}
    selectable = files
    if trigger.areas:
        hit = sorted(touched & set(trigger.areas))
        if not hit:
            return None
        why["areas"] = hit
        # Paths, lines and rules count within the named areas only:
        # fifty lines of tests do not make an entrypoints question.
        names = set().union(*(in_area[a] for a in hit))
        selectable = [f for f in files if f.filename in names]
    plain = trigger.model_copy(update={"areas": []})
    if plain != Trigger():
        chosen, more, _ = _selected(plain, selectable, findings)
        if not chosen:
            return None
        why.update(more)
    return why
