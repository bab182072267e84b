"""A ``Review`` as plain, aligned text for a terminal: what the review tool prints by default there.

Every PR-controlled value goes through ``visible``, which turns control
characters (the ESC that starts ANSI and OSC sequences among them) into
visible escapes, so nothing a PR holds can move the cursor, recolour the
screen or set the window title. Colour comes only from the kit's own styles.
"""

from __future__ import annotations

from functools import cache

import jinja2

from ..ages import age_of
from ..analysis import Review
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


def render_pr_text(review: Review, catalog: Catalog, color: bool = False) -> str:
    pr = review.pr
    files = review.files
    return (
        text_environment()
        .get_template("pr_report.txt.j2")
        .render(
            review=review,
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
