"""Which focus areas a PR's files fall in, riskiest first."""

from __future__ import annotations

from ..catalog.focus_map import RISK_ORDER, FocusMap
from ..pr.model import PullRequest
from .model import AreaReview, FileReview


def classify_files(
    pr: PullRequest, focus_map: FocusMap
) -> tuple[list[FileReview], list[AreaReview]]:
    """Each file's areas, and each touched area with its files (critical, then by size)."""
    file_reviews = []
    by_area: dict[str, list[str]] = {}
    for f in pr.files:
        result = focus_map.classify_change(f.filename, f.previous_filename)
        file_reviews.append(FileReview(f, result.areas, result.ignored))
        for area_id in result.areas:
            by_area.setdefault(area_id, []).append(f.filename)
    areas = sorted(
        (AreaReview(focus_map.area_named(a), names) for a, names in by_area.items()),
        key=lambda r: (RISK_ORDER[r.area.risk], -len(r.files), r.area.title),
    )
    return file_reviews, areas
