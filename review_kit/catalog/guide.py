"""The expert guide's numbered sections, read from the guide pages themselves.

Section ids ("1.2") are the stable names every checklist item cites; reading
them from the headings means a renamed or removed section cannot go unnoticed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError

GUIDE_DIR = "expert"

# "## 1.2 Numerical stability { #sec-1-2 }"
_HEADING = re.compile(
    r"^(?P<hashes>#{1,2})\s+(?P<number>\d+(?:\.\d+)?)\s+(?P<title>.+?)\s*"
    r"\{\s*#(?P<anchor>sec-[0-9-]+)\s*\}\s*$"
)


@dataclass(frozen=True)
class GuideSection:
    """One numbered section of the expert guide."""

    id: str  # "1.2"
    title: str  # "Numerical stability"
    src_uri: str  # "expert/tensors.md", relative to docs_dir
    anchor: str  # "sec-1-2"

    @property
    def label(self) -> str:
        return f"{self.id} {self.title}"


def anchor_for(section_id: str) -> str:
    """The anchor a section id must carry: ``1.2`` -> ``sec-1-2``."""
    return "sec-" + section_id.replace(".", "-")


def load_guide_sections(docs_dir: str | Path) -> dict[str, GuideSection]:
    """Every numbered heading under ``docs/expert``, keyed by section id."""
    sections: dict[str, GuideSection] = {}
    docs = Path(docs_dir)
    for page in sorted((docs / GUIDE_DIR).glob("*.md")):
        src_uri = page.relative_to(docs).as_posix()
        in_fence = False
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
            if in_fence:
                continue
            match = _HEADING.match(line)
            if not match:
                continue
            section_id, anchor = match["number"], match["anchor"]
            shown = f"docs/{src_uri}"
            if anchor != anchor_for(section_id):
                raise DataError(
                    shown,
                    number,
                    section_id,
                    f"heading anchor #{anchor} should be #{anchor_for(section_id)}",
                )
            if section_id in sections:
                raise DataError(shown, number, section_id, "section id used twice in the guide")
            sections[section_id] = GuideSection(section_id, match["title"], src_uri, anchor)
    return sections
