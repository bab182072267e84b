"""A ``Review`` as plain, aligned text for a terminal: what the review tool prints by default there.

Every PR-controlled value goes through ``visible``, which turns control
characters (the ESC that starts ANSI and OSC sequences among them) into
visible escapes, so nothing a PR holds can move the cursor, recolour the
screen or set the window title. Colour comes only from the kit's own styles.
Lines wrap to the terminal's width, continuing under their own text.
"""

from __future__ import annotations

import re
from functools import cache

import jinja2

from ..ages import age_of
from ..analysis import Review
from ..analysis.priorities import start_here
from ..catalog.loading import Catalog
from .escape import short_sha, visible
from .links import pull_request_url
from .templating import make_environment

NAME_COLUMN_MAX = 60
# SGR codes for the kit's own emphasis; never applied to PR text itself.
_STYLES = {"heading": "1", "attention": "33", "critical": "31", "dim": "2", "pass": "32"}


def _styler(color: bool):
    def style(text: str, name: str) -> str:
        return f"\x1b[{_STYLES[name]}m{text}\x1b[0m" if color else text

    return style


@cache
def text_environment() -> jinja2.Environment:
    return make_environment(
        autoescape=False,
        filters={"v": visible, "short_sha": short_sha},
        globals_={},
    )


def _width(values, floor: int = 0) -> int:
    return max([floor, *(len(v) for v in values)])


# The kit's own colour codes, the only escapes in the text: they take no room.
_SGR = re.compile(r"\x1b\[[0-9;]*m")
# A list marker or a label a wrapped line continues under.
_HANG = re.compile(r"(\s*)((?:- |\[ \] |[!✓] |P[0-2]  |check  )?)")
MIN_WIDTH = 40
COMMAND_INDENT = "  "


def command_lines(command: str, width: int | None) -> list[str]:
    """A shell command, its comment on a line above, continued with `` \\`` to fit ``width``.

    A command is copied, not only read: a line broken without a backslash
    would run as two commands. The comment wraps as comment lines.
    """
    code, _, why = command.partition("#")
    lines = [f"# {why.strip()}"] if why.strip() else []
    code = code.strip()
    if not code:
        return lines
    limit = max(width or 0, MIN_WIDTH) - len(COMMAND_INDENT) - 2 if width else None
    current = ""
    for word in code.split():
        if current and limit and len(current) + 1 + len(word) > limit:
            lines.append(current + " \\")
            current = "    " + word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


def _shown_length(text: str) -> int:
    return len(_SGR.sub("", text))


def wrap_line(line: str, width: int) -> list[str]:
    """``line`` in lines of at most ``width`` columns, continued under its text.

    Words are never split: a URL or path longer than the width keeps a line
    of its own. Colour codes count for nothing.
    """
    if _shown_length(line) <= width or line.endswith(" \\"):
        return [line]
    match = _HANG.match(_SGR.sub("", line))
    hang = " " * (len(match.group(1)) + len(match.group(2)) if match else 0)
    if line.lstrip(" ").startswith("# "):
        # A shell comment goes on as one: a line of its words alone would run.
        hang = " " * (len(match.group(1)) if match else 0) + "# "
    if len(hang) > width // 2:
        hang = hang[: width // 2]
    lead = line[: len(line) - len(line.lstrip(" "))]
    lines: list[str] = []
    current, fresh = lead, True
    for word in line.lstrip(" ").split(" "):
        if not word:
            current += " "  # the report's own column gaps stay
            continue
        sep = "" if fresh else " "
        if not fresh and _shown_length(current + sep + word) > width:
            lines.append(current.rstrip(" "))
            current, fresh, sep = hang, True, ""
        current += sep + word
        fresh = False
    lines.append(current.rstrip(" "))
    return lines


def wrap_text(text: str, width: int | None) -> str:
    """Every line of ``text`` wrapped to ``width`` columns (no wrapping if None)."""
    if not width:
        return text
    width = max(width, MIN_WIDTH)
    return "\n".join(part for line in text.split("\n") for part in wrap_line(line, width))


def render_pr_text(
    review: Review, catalog: Catalog, color: bool = False, width: int | None = None
) -> str:
    """The report for a terminal ``width`` columns wide (None: lines as long as they come)."""
    pr = review.pr
    files = review.files
    text = (
        text_environment()
        .get_template("pr_report.txt.j2")
        .render(
            review=review,
            start=start_here(review),
            command_lines=lambda command: command_lines(command, width),
            pr=pr,
            catalog=catalog,
            github_url=pull_request_url(pr),
            age=age_of(pr.fetched_at) if pr.fetched_at else None,
            style=_styler(color),
            status_width=_width((f.file.status for f in files), 6),
            count_width=_width(f"+{f.file.additions} -{f.file.deletions}" for f in files),
            area_width=_width((r.area.title for r in review.areas), 4),
            # Long names would push every area column off screen; past this
            # width a name keeps its own line length and the column breaks.
            name_width=min(_width(visible(f.file.filename) for f in files), NAME_COLUMN_MAX),
        )
    )
    return wrap_text(text, width)
