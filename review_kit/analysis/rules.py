"""Content rules applied to a PR's added lines: line patterns, Python structure, YAML configs.

``scan`` is the one entry point: for each changed file it picks the rules
whose paths claim it, reads its patch once (``diff.parse_patch``), and asks
each engine. An engine is one function in ``ENGINES``; a new kind of rule is
a function there and a key in ``catalog.rules.ContentRule``. Only added lines
fire; context lines are read to see a statement whole.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import TYPE_CHECKING

import yaml

from .. import bounded_yaml
from ..catalog.loading import Catalog
from ..catalog.rules import ContentRule, Prefilter, PythonMatch, RuleSet, compiled
from ..pr.model import ChangedFile, PullRequest
from .diff import FileDiff, parse_patch
from .findings import quoted
from .handlers import cleanup_only as _cleanup_only
from .handlers import dotted, telemetry_only
from .linters import lint
from .model import FileScan, Finding
from .python_code import ParsedFragment, PythonView, read_python

if TYPE_CHECKING:
    from .memo import FindingsMemo


@dataclass
class Scan:
    findings: list[Finding]
    unread: dict[str, str]  # file -> why its changes were not read
    # rule id -> files the rule applies to (those in ``unread_by`` it could not read)
    read_by: dict[str, list[str]]
    # file -> why ruff did not read it (no full text) although a ruff rule applies
    unlinted: dict[str, str] = field(default_factory=dict)
    # rule id -> files it applies to, could have fired on, and could not read
    unread_by: dict[str, list[str]] = field(default_factory=dict)

    def not_read(self) -> dict[str, str]:
        """Every file some rule could not read, and why: hunks unparsed, no linter pass."""
        merged = dict(self.unread)
        for path, why in self.unlinted.items():
            note = f"no linter pass (ruff): {why}"
            merged[path] = f"{merged[path]}; {note}" if path in merged else note
        return merged


# -- Python: structural matches ------------------------------------------------


def _same_literal(node: ast.AST, value: object) -> bool:
    return (
        isinstance(node, ast.Constant) and type(node.value) is type(value) and node.value == value
    )


def call_matches(match: PythonMatch, call: ast.Call) -> bool:
    if match.calls:
        name = dotted(call.func)
        if name is None or not any(fnmatchcase(name, pattern) for pattern in match.calls):
            return False
    elif match.methods and not (
        isinstance(call.func, ast.Attribute) and call.func.attr in match.methods
    ):
        return False
    if match.max_args is not None and len(call.args) + len(call.keywords) > match.max_args:
        return False
    given = {kw.arg: kw.value for kw in call.keywords}
    for key, value in match.keywords.items():
        if key not in given or not _same_literal(given[key], value):
            return False
    if match.without_keywords and (
        None in given or any(key in given for key in match.without_keywords)
    ):
        return False
    for argument in match.arguments:
        if argument.index >= len(call.args):
            return False
        node = call.args[argument.index]
        if argument.name is not None and not (
            isinstance(node, ast.Name) and node.id == argument.name
        ):
            return False
        if argument.literal is not None and isinstance(node, ast.Constant) != argument.literal:
            return False
        if argument.value is not None and not _same_literal(node, argument.value):
            return False
    return True


def _main_guard_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in tree.body:
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Compare)
            and dotted(node.test.left) == "__name__"
        ):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _target_names(target: ast.AST) -> Iterator[str]:
    """The names an assignment binds: ``x``, ``self.x``, the container of ``d[k]``.

    A subscript's index is not a name being bound: in ``ts[req_id] = time.time()``
    the value is a timestamp, not an id.
    """
    if isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Attribute):
        yield target.attr
    elif isinstance(target, ast.Subscript):
        yield from _target_names(target.value)


def _bound_values(bindings: list[ast.AST]) -> Iterator[tuple[str, ast.AST]]:
    """(name, value) for assignments, keyword arguments and string-keyed dict entries."""
    for node in bindings:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for name in _target_names(target):
                    yield name, node.value
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
            name = dotted(node.target)
            if name:
                yield name.rsplit(".", 1)[-1], node.value
        elif isinstance(node, ast.keyword) and node.arg:
            yield node.arg, node.value
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    yield key.value, value


def _swallowed(handler: ast.ExceptHandler, fragment: ParsedFragment) -> bool:
    """A handler that only passes, or a bare ``except:`` that does not re-raise.

    Not when its ``try`` only removes files or closes handles: ignoring that
    a temporary file is already gone is the point of such a block, not a
    failure hidden from the pipeline.
    """
    guarded = fragment.nodes["guarded"].get(id(handler))
    if isinstance(guarded, ast.Try | ast.TryStar) and _cleanup_only(guarded.body):
        return False
    quiet = all(
        isinstance(s, ast.Pass)
        or (isinstance(s, ast.Expr) and _same_literal(s.value, ...))
        or isinstance(s, ast.Continue)
        for s in handler.body
    )
    if quiet:
        return True
    reraises = any(isinstance(n, ast.Raise) for s in handler.body for n in ast.walk(s))
    return handler.type is None and not reraises


_BROAD = {"Exception", "BaseException"}


def _retry_loop(handler: ast.ExceptHandler, fragment: ParsedFragment) -> bool:
    """The handler's ``try`` sits directly in ``for ... in range(...)``: one failed attempt of n."""
    guarded = fragment.nodes["guarded"].get(id(handler))
    loop = fragment.nodes["loop_of"].get(id(guarded)) if guarded is not None else None
    return (
        isinstance(loop, ast.For)
        and isinstance(loop.iter, ast.Call)
        and dotted(loop.iter.func) == "range"
    )


def _broad_and_continues(handler: ast.ExceptHandler, fragment: ParsedFragment) -> bool:
    """``except Exception:`` (or broader) whose body neither raises nor returns.

    Handlers that merely pass are the ``swallowed`` rule's, not this one's;
    a ``try`` of imports only probes for an optional dependency, and one
    that only closes or shuts down is best-effort teardown.
    A bounded retry loop (``for attempt in range(n)``) catches broadly on
    purpose; a loop over requests or a ``while True`` does not get that pass.
    """
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    broad = handler.type is None or any(dotted(k) in _BROAD for k in kinds if k is not None)
    if not broad or _swallowed(handler, fragment) or _retry_loop(handler, fragment):
        return False
    guarded = fragment.nodes["guarded"].get(id(handler))
    if isinstance(guarded, ast.Try | ast.TryStar) and (
        all(isinstance(s, ast.Import | ast.ImportFrom) for s in guarded.body)
        or _cleanup_only(guarded.body)
        or telemetry_only(guarded.body)
    ):
        # Probing for an optional dependency (its absence is the expected
        # case), tearing down what may already be gone, or recording a
        # metric: none of them fails a request by failing.
        return False
    return not any(isinstance(n, ast.Raise | ast.Return) for s in handler.body for n in ast.walk(s))


def _placed(match: PythonMatch, node: ast.AST, fragment: ParsedFragment) -> bool:
    """The node sits where the match wants it: in a condition, outside once-only functions."""
    if match.in_condition is None and match.outside_functions is None:
        return True
    place = fragment.nodes["where"].get(id(node))
    if place is None:
        return False
    if match.in_condition == "ternary" and place.condition != "ternary":
        return False
    if match.in_condition == "any" and place.condition is None:
        return False
    return not (
        match.outside_functions
        and place.function
        and compiled(match.outside_functions).fullmatch(place.function)
    )


def receiver(call: ast.Call) -> ast.expr | None:
    """What a method is called on (``x`` in ``x.item()``), else None."""
    return call.func.value if isinstance(call.func, ast.Attribute) else None


def python_hits(match: PythonMatch, fragment: ParsedFragment) -> Iterator[ast.AST]:
    """Nodes of one parsed fragment that the match selects, among those on added lines."""
    nodes = fragment.nodes
    if match.handler:
        test = _swallowed if match.handler == "swallowed" else _broad_and_continues
        yield from (
            h for h in nodes["handlers"] if test(h, fragment) and _placed(match, h, fragment)
        )
        return
    names = match.methods or [p.rsplit(".", 1)[-1] for p in match.calls]
    if any("*" in n for n in names):
        candidates = nodes["calls"]
    else:  # only calls whose last name is one the match asks for
        by_name = fragment.calls_by_name
        candidates = sorted(
            (c for n in dict.fromkeys(names) for c in by_name.get(n, ())),
            key=lambda c: (c.lineno, c.col_offset),
        )
    if match.assigned_to:
        wanted = compiled(match.assigned_to)
        inside = {
            id(n)
            for name, value in _bound_values(nodes["bindings"])
            if wanted.search(name)
            for n in ast.walk(value)
        }
        candidates = [c for c in candidates if id(c) in inside]
    skip = _main_guard_lines(fragment.tree) if match.outside_main and candidates else set()
    for node in candidates:
        if node.lineno in skip or not call_matches(match, node):
            continue
        if not _placed(match, node, fragment):
            continue
        if match.unless_receiver:
            on = receiver(node)
            if on is not None and compiled(match.unless_receiver).search(ast.unparse(on)):
                continue
        if match.unless_built_by and _built_on_host(match, node, fragment):
            continue
        yield node


def _built_on_host(match: PythonMatch, call: ast.Call, fragment: ParsedFragment) -> bool:
    """The method's receiver was assigned, in this fragment, from a call that builds on the host.

    ``q = torch.from_numpy(n)`` then ``q.tolist()`` reads host memory: no
    device is waited for. A ``device=`` keyword on the building call moves
    it, so that one does not count.
    """
    on = receiver(call)
    if on is None:
        return False
    name = ast.unparse(on)
    # Every assignment of the fragment, not only those on lines holding a
    # rule's word: the building line rarely holds one (asked only on a hit).
    for binding in fragment.assignments:
        if not isinstance(binding.value, ast.Call):
            continue
        if binding.lineno > call.lineno or not any(ast.unparse(t) == name for t in binding.targets):
            continue
        built = dotted(binding.value.func) or ""
        if any(fnmatchcase(built, p) for p in match.unless_built_by) and not any(
            kw.arg == "device" for kw in binding.value.keywords
        ):
            return True
    return False


def python_reason(match: PythonMatch, node: ast.AST, fragment: ParsedFragment) -> str:
    """The match's reason template filled in from the hit's own code."""
    if not match.reason:
        return ""
    if isinstance(node, ast.ExceptHandler):
        caught = ast.unparse(node.type) if node.type is not None else "everything"
        guarded = fragment.nodes["guarded"].get(id(node))
        first = guarded.body[0] if isinstance(guarded, ast.Try | ast.TryStar) else None
        fields = {
            "code": quoted(f"except {caught}" if node.type is not None else "except"),
            "caught": quoted(caught),
            "guarded": quoted(ast.unparse(first)) if first is not None else "its block",
        }
    elif isinstance(node, ast.Call):
        on = receiver(node)
        fields = {
            "code": quoted(ast.unparse(node)),
            "callee": quoted(dotted(node.func) or ast.unparse(node.func)),
            "receiver": quoted(ast.unparse(on)) if on is not None else "",
        }
    else:
        fields = {"code": quoted(ast.unparse(node))}
    return match.reason.format_map(_Fields(fields))


class _Fields(dict):
    """Template fields; one the hit does not have reads as empty, never as an error."""

    def __missing__(self, key: str) -> str:
        return ""


def _added_span(node: ast.AST, numbers: list[int], added: dict[int, str]) -> list[int]:
    """The added new-file lines a node spans (a handler: its header and its body)."""
    end = node.end_lineno or node.lineno
    numbers_in = [numbers[k - 1] for k in range(node.lineno, end + 1) if 0 < k <= len(numbers)]
    return [n for n in numbers_in if n in added]


def fragment_may_match(fragment: ParsedFragment, pattern: re.Pattern) -> bool:
    """Whether the fragment's raw text could hold a match (cached per fragment and pattern)."""
    known = fragment.raw_matches.get(pattern.pattern)
    if known is None:
        known = fragment.raw_matches[pattern.pattern] = bool(
            pattern.search("\n".join(fragment.text_lines))
        )
    return known


def _span_line(node: ast.AST, numbers: list[int], added: dict[int, str]) -> int | None:
    """The new-file line to report for a node: its first line if added, else its first added line."""
    if isinstance(node, ast.ExceptHandler):
        # A handler is the PR's when it wrote the ``except`` line: editing the
        # log call in a handler that was already there adds no hazard.
        parsed = [node.lineno]
    else:
        parsed = list(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    for k in parsed:
        number = numbers[k - 1] if 0 < k <= len(numbers) else 0
        if number in added:
            return number
    return None


# -- engines --------------------------------------------------------------------


@dataclass
class FileContext:
    file: ChangedFile
    diff: FileDiff
    # Hunks whose new-side text this misses hold nothing the firing rules
    # could match, so they are not parsed (None: parse every hunk).
    worth_reading: Prefilter | None = None
    _python: PythonView | None = None
    # Why an engine refused to read the file (a YAML bound), for ``FileScan.unread``.
    refused: str | None = None

    @property
    def is_python(self) -> bool:
        return self.file.filename.endswith((".py", ".pyi"))

    @property
    def python(self) -> PythonView:
        if self._python is None:
            self._python = read_python(self.diff, self.worth_reading)
        return self._python


def _finding(
    rule: ContentRule, ctx: FileContext, line: int, detail: str = "", reason: str = ""
) -> Finding:
    hunk = ctx.diff.hunk_of(line)
    return Finding(
        rule=rule.id,
        title=rule.title,
        file=ctx.file.filename,
        line=line,
        text=ctx.diff.added.get(line, ""),
        guide=rule.guide,
        message=rule.message,
        detail=detail,
        hunk=hunk.digest if hunk else "",
        severity=rule.severity,
        reason=reason,
    )


def line_rule(rule: ContentRule, ctx: FileContext) -> list[Finding]:
    """``added``: a regular expression on each added line (its code only, in Python)."""
    pattern = compiled(rule.added or "")
    unless = compiled(rule.unless) if rule.unless else None
    found = []
    for number, text in ctx.diff.added.items():
        # Blanking comments and strings only takes text away, so a line the
        # expression misses raw cannot match once blanked: test raw first and
        # tokenise only the lines that might hold a hit.
        if not pattern.search(text):
            continue
        if ctx.is_python:
            code = ctx.python.code(number)
            if code is None:
                continue  # not parsed: never guess about comments or strings
            statement = ctx.python.statement_code(number)
        else:
            code = statement = text
        hit = pattern.search(code)
        if hit is None or (unless and unless.search(statement)):
            continue
        if ctx.diff.only_moved([number]):
            continue
        reason = ""
        if rule.reason:
            reason = rule.reason.format_map(_Fields(code=quoted(hit.group(0))))
        found.append(_finding(rule, ctx, number, reason=reason))
    return found


def python_rule(rule: ContentRule, ctx: FileContext) -> list[Finding]:
    """``python``: structural matches on the parsed hunks; a hit must span an added line."""
    if not ctx.is_python:
        return []
    view = ctx.python
    unless = compiled(rule.unless) if rule.unless else None
    reasons: dict[int, str] = {}
    for fragment in view.fragments:
        for match in rule.python:
            for node in python_hits(match, fragment):
                line = _span_line(node, fragment.numbers, view.added)
                if line is None or line in reasons:
                    continue
                first = fragment.numbers[node.lineno - 1] or line
                # Blanking strings and comments only takes text away: a
                # fragment whose raw text misses ``unless`` needs no blanking.
                if (
                    unless
                    and fragment_may_match(fragment, unless)
                    and unless.search(view.statement_code(first))
                ):
                    continue
                if ctx.diff.only_moved(_added_span(node, fragment.numbers, view.added)):
                    continue
                reasons[line] = python_reason(match, node, fragment)
    return [_finding(rule, ctx, line, reason=reasons[line]) for line in sorted(reasons)]


def _scalar_line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node | None) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _compose_prefix(text: str) -> yaml.Node | None:
    """The YAML node tree of a file, or of its longest readable prefix."""
    lines = text.splitlines()
    for cut in range(6):
        try:
            return bounded_yaml.compose("\n".join(lines) + "\n")
        except bounded_yaml.Refused:
            raise  # past a bound: a shorter prefix is no answer
        except yaml.YAMLError:
            # Drop back to the previous top-level line or list item: the tail
            # of a partly shown file is where it breaks.
            starts = [i for i, line in enumerate(lines) if line[:1].isalpha() or "- " in line[:8]]
            if not starts or cut == 5:
                return None
            lines = lines[: starts[-1]] if starts[-1] > 0 else []
            if not lines:
                return None
    return None


@dataclass
class _StageShare:
    """One stage's memory share and placement, with the YAML lines they were read from."""

    label: str
    value: float
    devices: list[str]
    lines: list[int]  # the share's line first, then the devices' line if any


def _stage_fields(stage: yaml.Node | None) -> dict[str, yaml.Node]:
    """A stage's settings in either layout, flattened.

    ``stage_args`` files put the share under ``engine_args`` and devices
    under ``runtime``; deploy files (``vllm_omni/deploy``) put both on the
    stage itself. vllm-omni reads ``runtime.devices`` before ``devices`` and
    lets ``engine_args`` win over the flat keys (``_parse_stage_deploy`` in
    ``vllm_omni/config/stage_config.py`` at 001275f), and so does this.
    """
    fields = _mapping(stage)
    flat = dict(fields)
    flat.update(_mapping(fields.get("engine_args")))
    runtime_devices = _mapping(fields.get("runtime")).get("devices")
    if runtime_devices is not None:
        flat["devices"] = runtime_devices
    return flat


def _stage_key(fields: dict[str, yaml.Node], index: int) -> str:
    stage_id = fields.get("stage_id")
    return str(stage_id.value) if isinstance(stage_id, yaml.ScalarNode) else f"#{index}"


def _shares(stages: list[dict[str, yaml.Node]]) -> list[_StageShare]:
    found = []
    for index, fields in enumerate(stages):
        share = fields.get("gpu_memory_utilization")
        if not isinstance(share, yaml.ScalarNode):
            continue
        try:
            value = float(share.value)
        except ValueError:
            continue
        devices = fields.get("devices")
        names = (
            [d.strip() for d in str(devices.value).split(",") if d.strip()]
            if isinstance(devices, yaml.ScalarNode)
            else []
        )
        lines = [_scalar_line(share)] + ([_scalar_line(devices)] if devices is not None else [])
        found.append(_StageShare(_stage_key(fields, index), value, names or ["(default)"], lines))
    return found


def _placements(top: dict[str, yaml.Node]) -> list[tuple[str, list[dict[str, yaml.Node]]]]:
    """("", base stages), then (platform, stages with that platform's overlay merged in).

    A platform's ``stages`` overlay its base stages by ``stage_id``, field by
    field (``_merge_stage_lists`` in vLLM-Omni's ``stage_config.py``).
    """
    listed = top.get("stage_args") or top.get("stages")
    if not isinstance(listed, yaml.SequenceNode):
        return []
    base = [_stage_fields(stage) for stage in listed.value]
    placements = [("", base)]
    for platform, block in _mapping(top.get("platforms")).items():
        overlay = _mapping(block).get("stages")
        if not isinstance(overlay, yaml.SequenceNode):
            continue
        merged = {_stage_key(fields, i): dict(fields) for i, fields in enumerate(base)}
        for i, stage in enumerate(overlay.value):
            fields = _stage_fields(stage)
            merged.setdefault(_stage_key(fields, len(base) + i), {}).update(fields)
        placements.append((platform, list(merged.values())))
    return placements


def stage_memory_budget(rule: ContentRule, ctx: FileContext) -> list[Finding]:
    """Stages on one device whose ``gpu_memory_utilization`` adds up to more than 1.0.

    Reads the parsed file: all of it when the diff shows it all, else the
    part from line 1 up to the first gap (more stages can only add to a sum,
    so a sum over 1.0 in that part is already real). Each platform section
    of a deploy file is checked as its stages end up after the overlay.
    """
    if ctx.diff.complete:
        text = "\n".join(line.text for line in ctx.diff.hunks[0].lines) + "\n"
    else:
        prefix = ctx.diff.text_from_start()
        if prefix is None:
            return []
        text = prefix[0]
    try:
        root = _compose_prefix(text)
    except bounded_yaml.Refused as exc:
        line, cause = bounded_yaml.problem(exc)
        ctx.refused = f"its YAML was not read: {cause}" + (f" (line {line})" if line else "")
        return []
    found = []
    for platform, stages in _placements(_mapping(root)):
        per_device: dict[str, list[_StageShare]] = {}
        for share in _shares(stages):
            for device in share.devices:
                per_device.setdefault(device, []).append(share)
        for device, shares in per_device.items():
            total = sum(s.value for s in shares)
            if total <= 1.0 + 1e-9:
                continue
            # Shares' own lines first: they are the lines to point at when they changed.
            candidates = [s.lines[0] for s in shares] + [n for s in shares for n in s.lines[1:]]
            added = [n for n in candidates if n in ctx.diff.added]
            if not added:
                continue  # the budget was already over before this change
            parts = " + ".join(f"{s.value:g} (stage {s.label})" for s in shares)
            where = f"platform {platform}, device {device}" if platform else f"device {device}"
            found.append(_finding(rule, ctx, added[0], f"{where}: {parts} = {total:.2f}"))
    return found


def yaml_rule(rule: ContentRule, ctx: FileContext) -> list[Finding]:
    return YAML_CHECKS[rule.yaml](rule, ctx) if rule.yaml else []


YAML_CHECKS: dict[str, Callable[[ContentRule, FileContext], list[Finding]]] = {
    "stage-memory-budget": stage_memory_budget,
}

Engine = Callable[[ContentRule, FileContext], list[Finding]]


def engine_of(rule: ContentRule) -> Engine:
    if rule.added is not None:
        return line_rule
    if rule.python:
        return python_rule
    return yaml_rule


# -- one file, one PR -----------------------------------------------------------


@lru_cache(maxsize=8192)
def scan_file(file: ChangedFile, rule_set: RuleSet) -> FileScan:
    """Findings of the given rules in one file (cached: checks and the review ask alike)."""
    result = FileScan()
    if file.status == "removed" or not rule_set:
        return result
    if not file.patch:
        result.unread = "GitHub gave no patch (binary, or too large to show)"
        return result
    rules, worth_reading = rule_set.firing(file.patch)
    if not rules:
        return result
    diff = parse_patch(file.patch)
    if diff.unreadable:
        result.unread = diff.why or "its patch could not be parsed"
        return result
    ctx = FileContext(file, diff, worth_reading)
    for rule in rules:
        result.findings += engine_of(rule)(rule, ctx)
    if ctx.refused:
        result.unread = ctx.refused
    elif ctx._python is not None and ctx.python.unread:
        lines = sorted(ctx.python.unread)
        shown = ", ".join(map(str, lines[:5])) + (" ..." if len(lines) > 5 else "")
        result.unread = f"added line(s) {shown} could not be parsed as Python and were not read"
    return result


def scan(pr: PullRequest, catalog: Catalog, memo: FindingsMemo | None = None) -> Scan:
    """Every rule of the focus map over every changed file of the PR.

    ``memo`` answers for files read by an earlier build and learns the rest.
    """
    rule_set = catalog.focus_map.rule_set
    findings: list[Finding] = []
    unread: dict[str, str] = {}
    read_by: dict[str, list[str]] = {}
    unread_by: dict[str, list[str]] = {}
    for f in pr.files:
        mine = rule_set.for_path(f.filename)
        if not mine or f.status == "removed":
            continue
        if memo is None:
            result = scan_file(f, mine)
        else:
            key = memo.key(f, mine)
            result = memo.get(key, f, mine)
            if result is None:
                result = scan_file(f, mine)
                memo.put(key, result)
        findings += result.findings
        # Every file a rule applies to; the checks set apart those left unread.
        for rule in mine.rules:
            read_by.setdefault(rule.id, []).append(f.filename)
        if result.unread:
            unread[f.filename] = result.unread
            # A rule whose words the raw patch lacks could not fire there: for
            # it the file was read. Without a patch, every rule missed it.
            could_fire = mine.firing(f.patch)[0] if f.patch else mine.rules
            for rule in could_fire:
                unread_by.setdefault(rule.id, []).append(f.filename)
    linted = lint(pr, rule_set, memo)
    # A ruff rule read only the files ruff had whole.
    for rule in rule_set.rules:
        if rule.ruff and rule.id in read_by:
            read_by[rule.id] = [p for p in read_by[rule.id] if p not in linted.unlinted]
    findings += linted.findings
    return Scan(findings, unread, read_by, linted.unlinted, unread_by)
