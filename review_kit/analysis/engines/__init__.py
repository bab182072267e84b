"""The rule engines, one module each; ``ENGINES`` lists them by the name a rule gives.

A new kind of content rule is a module here with one ``EngineSpec`` and one
line below. The catalog checks every rule of the focus map against these
names when it loads (``analysis.load_catalog``), so a rule naming an engine
that does not exist fails with its file and line, and the findings memo's
key covers every module of this package.
"""

from __future__ import annotations

from .base import EngineSpec, FileContext
from .line_regex import LINE_REGEX
from .python_structure import PYTHON_STRUCTURE
from .ruff import RUFF
from .stage_memory_budget import STAGE_MEMORY_BUDGET

ENGINES: dict[str, EngineSpec] = {
    spec.name: spec
    for spec in (
        LINE_REGEX,
        PYTHON_STRUCTURE,
        STAGE_MEMORY_BUDGET,
        RUFF,
    )
}

__all__ = ["ENGINES", "EngineSpec", "FileContext"]
