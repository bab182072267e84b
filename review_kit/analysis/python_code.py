"""Added Python code read whole: the hunks of a diff parsed with the standard ``ast`` module.

Why ``ast`` and not ast-grep or LibCST: it ships with Python (no native
wheel, no version skew with the interpreter that runs the kit), it parses a
hunk in microseconds, and its nodes carry start and end lines, which is all a
rule needs to tie a multi-line call to the added lines it spans. Comments and
strings are not nodes, so they cannot match; ``tokenize`` then blanks them out
of the text that line rules and ``unless`` read.

A hunk is a fragment, so it is parsed as one: dedented, with ``if True:``
headers standing in for the blocks it starts inside, and split at its
outermost statements when the whole does not parse. Added lines that no
fragment parse can read are reported as unread, never guessed at.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property

from ..catalog.rules import Prefilter
from .diff import DiffLine, FileDiff

_BINDINGS = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.keyword, ast.Dict)
_TRIES = (ast.Try, ast.TryStar)

# How many leading lines of a fragment may be dropped to get past a statement
# that began above the hunk (the tail of a call, the end of a docstring).
_MAX_TRIMS = 6


@dataclass(frozen=True)
class Placement:
    """Where a node sits: its innermost function, and the condition it is tested in."""

    function: str | None = None
    # "if" (``if``/``elif``/``while``/``assert`` tests), "ternary" (``a if t else b``), or None.
    condition: str | None = None


_NOWHERE = Placement()


def _placement_of(parent: ast.AST, child: ast.AST, place: Placement) -> Placement:
    """The placement of ``child`` given its parent's: entering a test marks the condition."""
    if isinstance(parent, ast.If | ast.While | ast.Assert) and child is parent.test:
        return Placement(place.function, "if")
    if isinstance(parent, ast.IfExp) and child is parent.test:
        return Placement(place.function, "ternary")
    if isinstance(child, ast.stmt | ast.Lambda) and place.condition:
        return Placement(place.function, None)
    return place


@dataclass
class ParsedFragment:
    """One parsed run of lines; what rules ask of it is computed once, on first use."""

    tree: ast.Module
    # Parsed line k (1-based) is new-file line numbers[k - 1]; header lines map to 0.
    numbers: list[int]
    text_lines: list[str]
    added: frozenset[int] = frozenset()  # parsed line numbers that the PR added
    # The firing rules' words (see ``RuleSet.firing``); None reads every node.
    worth_reading: Prefilter | None = None
    # ``unless`` expression -> whether the raw text holds a match (see rules).
    raw_matches: dict[str, bool] = field(default_factory=dict)

    @cached_property
    def _added_sorted(self) -> list[int]:
        return sorted(self.added)

    @cached_property
    def _worded_sorted(self) -> list[int] | None:
        """Parsed lines holding a word some firing rule looks for (None: no filter)."""
        if self.worth_reading is None:
            return None
        search = self.worth_reading.search
        return [k for k, text in enumerate(self.text_lines, 1) if search(text)]

    def _worth_entering(self, node: ast.AST) -> bool:
        first = getattr(node, "lineno", None)
        if first is None:
            return True  # no position (an operator, a context): look inside
        end = getattr(node, "end_lineno", None) or first
        if not _spans(self._added_sorted, first, end):
            return False
        worded = self._worded_sorted
        return worded is None or _spans(worded, first, end)

    @cached_property
    def nodes(self) -> dict[str, list]:
        """One walk: calls, handlers and name bindings that span an added line.

        Also, by node id, each handler's ``try`` (``guarded``) and the loop a
        ``try`` is written directly in (``loop_of``), for rules that judge a
        handler by what it guards and where it sits.

        Subtrees that span no added line are not entered, nor, when the
        firing rules' words are known, subtrees without a line holding one of
        them: a call, handler or binding a rule matches spans the line of the
        name it is matched by. A small change in a large hunk costs little.
        """
        calls, handlers, bindings = [], [], []
        guarded: dict[int, ast.AST] = {}
        loop_of: dict[int, ast.AST] = {}
        # Where each call and handler sits: its innermost function (when the
        # fragment shows the ``def``) and the kind of condition it is tested in.
        where: dict[int, Placement] = {}
        stack: list[tuple[ast.AST, Placement]] = [(self.tree, _NOWHERE)]
        while stack:
            node, place = stack.pop()
            if isinstance(node, ast.Call):
                calls.append(node)
                where[id(node)] = place
            elif isinstance(node, ast.ExceptHandler):
                handlers.append(node)
                where[id(node)] = place
            elif isinstance(node, _BINDINGS):
                bindings.append(node)
            elif isinstance(node, _TRIES):
                for handler in node.handlers:
                    guarded[id(handler)] = node
            elif isinstance(node, ast.For | ast.While):
                for statement in node.body:
                    if isinstance(statement, _TRIES):
                        loop_of[id(statement)] = node
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                place = Placement(node.name, place.condition)
            for child in ast.iter_child_nodes(node):
                if self._worth_entering(child):
                    stack.append((child, _placement_of(node, child, place)))
        calls.sort(key=lambda n: (n.lineno, n.col_offset))
        return {
            "calls": calls,
            "handlers": handlers,
            "bindings": bindings,
            "guarded": guarded,
            "loop_of": loop_of,
            "where": where,
        }

    @cached_property
    def assignments(self) -> list[ast.Assign]:
        """Every plain assignment in the fragment, whatever lines it is on."""
        return [n for n in ast.walk(self.tree) if isinstance(n, ast.Assign)]

    @cached_property
    def calls_by_name(self) -> dict[str, list[ast.Call]]:
        """The calls by the last name of what is called (``item`` for ``x.item()``)."""
        named: dict[str, list[ast.Call]] = {}
        for call in self.nodes["calls"]:
            func = call.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else None
            )
            if name is not None:
                named.setdefault(name, []).append(call)
        return named

    @cached_property
    def code(self) -> list[str]:
        return _blank_comments_and_strings(self)

    @cached_property
    def statements(self) -> dict[int, tuple[int, int]]:
        return _statement_spans(self)


@dataclass
class PythonView:
    """What rules read of one Python file's diff."""

    fragments: list[ParsedFragment] = field(default_factory=list)
    added: dict[int, str] = field(default_factory=dict)
    # New-file line -> (fragment, parsed line) where it was read (its first piece,
    # if a CR splits it for Python).
    where: dict[int, tuple[ParsedFragment, int]] = field(default_factory=dict)
    unread: set[int] = field(default_factory=set)

    def code(self, line: int) -> str | None:
        """The line's code with comments and strings blanked, or None if it was not parsed."""
        if line not in self.where:
            return None
        fragment, parsed = self.where[line]
        return "\r".join(fragment.code[parsed - 1 : _last_piece(fragment, parsed)])

    def statement_code(self, line: int) -> str:
        """The code of the whole statement the line belongs to."""
        if line not in self.where:
            return ""
        fragment, parsed = self.where[line]
        end = _last_piece(fragment, parsed)
        first = fragment.statements.get(parsed, (parsed, parsed))[0]
        last = fragment.statements.get(end, (end, end))[1]
        return "\n".join(fragment.code[first - 1 : last])


def _last_piece(fragment: ParsedFragment, parsed: int) -> int:
    """The last parsed line of the diff line at ``parsed`` (more than one if it holds a CR)."""
    number, last = fragment.numbers[parsed - 1], parsed
    while last < len(fragment.numbers) and fragment.numbers[last] == number:
        last += 1
    return last


def _spans(sorted_lines: list[int], first: int, end: int) -> bool:
    """Whether any of the sorted line numbers lies in [first, end]."""
    at = bisect_left(sorted_lines, first)
    return at < len(sorted_lines) and sorted_lines[at] <= end


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \t"))


def _significant(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and not stripped.startswith("#")


# String literals and comments, to step over when counting brackets. A string
# left open runs to the end of the line, and nothing is given back: with a
# required closing quote, a line of escaped quotes was rescanned from each
# quote (a 100 KB line took 40 s).
_NOT_CODE = re.compile(r"""'[^'\\]*+(?:\\.[^'\\]*+)*+'?|"[^"\\]*+(?:\\.[^"\\]*+)*+"?|#.*""")
_OPENER = {")": "_(", "]": "[", "}": "{"}
_CLOSER = {"(": ")", "[": "]", "{": "}"}


def _repairs(lines: list[DiffLine]) -> list[tuple[str, str]]:
    """Text to put before and after a run of lines so a hunk cut mid-statement can parse.

    A hunk's context starts and ends where the diff's three lines fall:
    inside a call or a literal, after a block header with its body below,
    inside a docstring. Each repair reopens or closes what the cut left
    open (``_(`` for a paren, so keyword arguments still parse; ``pass``
    under a header). They are guesses, tried in order; the parse decides,
    and the added lines keep their own line numbers either way.
    """
    depth: list[str] = []
    missing: list[str] = []
    last = ""
    for line in lines:
        code = _NOT_CODE.sub("", line.text)
        if code.strip():
            last = code
        for char in code:
            if char in "([{":
                depth.append(char)
            elif char in ")]}":
                if depth:
                    depth.pop()
                else:
                    missing.append(_OPENER[char])
    before = "".join(reversed(missing))
    after = "".join(_CLOSER[c] for c in reversed(depth))
    if not depth and last.rstrip().endswith(":"):
        # A header whose body is below the hunk: give it one.
        after = " " * (_indent(last) + 4) + "pass"
    repairs = [(before, after)] if before or after else []
    if sum(line.text.count('"""') + line.text.count("'''") for line in lines) % 2:
        # Starts or ends inside a docstring.
        repairs += [('"""', after), (before, '"""')]
    first = next((_NOT_CODE.sub("", ln.text).strip() for ln in lines if _significant(ln.text)), "")
    if first.endswith(",") and not before:
        # Items of a call or literal whose brackets lie outside the hunk.
        repairs += [("_(", ")"), ("{", "}"), ("[", "]")]
    return repairs


def _try_parse(lines: list[DiffLine], before: str = "", after: str = "") -> ParsedFragment | None:
    """Parse a run of new-file lines as a fragment of a module, or None.

    ``before`` and ``after`` are lines put around them (see ``_repairs``).
    """
    indents = [_indent(line.text) for line in lines if _significant(line.text)]
    if not indents:
        return None
    base, first = min(indents), indents[0]
    # Blocks the fragment starts inside: one "if True:" per indentation level
    # between the outermost line and the first, so later dedents land on them.
    levels = sorted({i for i in indents if base <= i < first})
    header = [" " * (level - base) + "if True:" for level in levels]
    if before:
        header.append(" " * (first - base) + before)
    # Python ends a line at a lone CR too, git does not: each piece is a
    # parsed line of its own that maps back to the one diff line, so the
    # lines after it keep their numbers and what follows the CR is read.
    pieces = [(line.number, piece) for line in lines for piece in line.text.split("\r")]
    body = [piece[min(base, _indent(piece)) :] if piece.strip() else "" for _, piece in pieces]
    body_numbers = [number for number, _ in pieces]
    footer = [after[base:] if after.startswith(" " * base) else after] if after else []
    source = "\n".join(header + body + footer) + "\n"
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # RecursionError, MemoryError: deeply nested code (``a+a+...``, ``not not ...``)
        # is past what the parser holds; it is reported unread like any other.
        return None
    numbers = [0] * len(header) + body_numbers + [0] * len(footer)
    return ParsedFragment(tree, numbers, header + body + footer)


def _fragments(lines: list[DiffLine]) -> list[tuple[list[DiffLine], ParsedFragment | None]]:
    """The lines split into parsable fragments; runs that will not parse come back with None."""
    whole = _try_parse(lines)
    for before, after in _repairs(lines) if whole is None else ():
        whole = _try_parse(lines, before, after)
        if whole is not None:
            break
    if whole is not None:
        return [(lines, whole)]
    indents = [_indent(line.text) for line in lines if _significant(line.text)]
    if not indents:
        return []
    base = min(indents)
    # Split where an outermost statement starts; closing brackets and
    # decorators' targets stay with what precedes them.
    chunks: list[list[DiffLine]] = [[]]
    in_string = False
    for line in lines:
        starts = (
            not in_string
            and _significant(line.text)
            and _indent(line.text) == base
            and not line.text.lstrip().startswith(
                (")", "]", "}", "else", "elif", "except", "finally")
            )
            and not (chunks[-1] and chunks[-1][-1].text.lstrip().startswith("@"))
        )
        if starts and chunks[-1]:
            chunks.append([])
        chunks[-1].append(line)
        # Never split inside a triple-quoted string (a docstring's later lines
        # sit at the statement's indentation).
        if (line.text.count('"""') + line.text.count("'''")) % 2:
            in_string = not in_string
    results = []
    for chunk in chunks:
        parsed = None
        for trim in range(min(_MAX_TRIMS, len(chunk))):
            for end in (len(chunk), *range(len(chunk) - 1, max(trim, len(chunk) - 4), -1)):
                parsed = _try_parse(chunk[trim:end])
                if parsed is not None:
                    if trim:
                        results.append((chunk[:trim], None))
                    results.append((chunk[trim:end], parsed))
                    if end < len(chunk):
                        results.append((chunk[end:], None))
                    break
            if parsed is not None:
                break
        if parsed is None:
            results.append((chunk, None))
    return results


def _blank_comments_and_strings(fragment: ParsedFragment) -> list[str]:
    """The fragment's lines with every comment and string literal replaced by spaces."""
    rows = [list(text) for text in fragment.text_lines]
    source = "\n".join(fragment.text_lines) + "\n"
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return fragment.text_lines
    for token in tokens:
        if token.type not in (tokenize.COMMENT, tokenize.STRING):
            continue
        (row, col), (end_row, end_col) = token.start, token.end
        for r in range(row, end_row + 1):
            if r - 1 >= len(rows):
                break
            start = col if r == row else 0
            stop = end_col if r == end_row else len(rows[r - 1])
            for c in range(start, min(stop, len(rows[r - 1]))):
                rows[r - 1][c] = " "
    return ["".join(row) for row in rows]


def _statement_spans(fragment: ParsedFragment) -> dict[int, tuple[int, int]]:
    """Parsed line -> the (first, last) parsed lines of its innermost statement."""
    spans: dict[int, tuple[int, int]] = {}
    # ast.walk goes outer to inner, so inner statements overwrite their parents.
    for node in ast.walk(fragment.tree):
        if not isinstance(node, ast.stmt):
            continue
        end = node.end_lineno or node.lineno
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.AST):
            end = max(node.lineno, body[0].lineno - 1)  # a compound statement's header
        for n in range(node.lineno, end + 1):
            spans[n] = (node.lineno, end)
    return spans


def read_python(diff: FileDiff, worth_reading: Prefilter | None = None) -> PythonView:
    """Parse the hunks of a Python file's diff, and note the added lines no parse could read.

    With ``worth_reading``, a hunk whose new-side text it does not match is
    skipped: no rule could fire there, so its lines are neither read nor
    reported unread. Unread lines are those a rule might have fired on.
    """
    view = PythonView(added=dict(diff.added))
    for hunk in diff.hunks:
        if worth_reading is not None and not worth_reading.search(hunk.text):
            continue
        for lines, fragment in _fragments(list(hunk.lines)):
            if fragment is None:
                view.unread.update(line.number for line in lines if line.added)
                continue
            fragment.added = frozenset(
                k for k, number in enumerate(fragment.numbers, 1) if number in diff.added
            )
            fragment.worth_reading = worth_reading
            view.fragments.append(fragment)
            for k, number in enumerate(fragment.numbers, 1):
                if number and view.where.get(number, (None,))[0] is not fragment:
                    view.where[number] = (fragment, k)  # a line's first parsed piece
    # Added lines that are blank or comments hold nothing to read.
    view.unread = {n for n in view.unread if _significant(diff.added.get(n, ""))}
    return view
