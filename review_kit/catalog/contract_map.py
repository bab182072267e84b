"""Which focus areas each of vllm-omni's module contracts overlaps, computed, never hand-kept.

A contract path (``vllm_omni/engine/**``) overlaps an area when a file of the
bundled tree listing matches both. A path that matches no listed file is
probed with a stand-in file below its fixed prefix, so a contract for code the
listing missed still lands somewhere. ``make check-map`` reports contract
paths that no area claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..repo.contracts import ModuleContract
from .focus_map import FocusMap
from .paths import compile_matcher, last_match_decisions

_WILDCARD = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class ContractOverlap:
    contract: ModuleContract
    areas: tuple[str, ...]  # area ids the contract's primary or related paths reach
    unclaimed: tuple[str, ...]  # contract paths whose files no area claims


def _probe(pattern: str) -> str:
    """A stand-in path below the pattern's fixed prefix, for code the listing missed."""
    fixed = _WILDCARD.split(pattern, maxsplit=1)[0]
    return fixed if not _WILDCARD.search(pattern) else fixed.rstrip("/") + "/__probe__.py"


def contract_overlaps(
    focus_map: FocusMap, contracts: tuple[ModuleContract, ...], paths: list[str]
) -> list[ContractOverlap]:
    """For each contract, the areas its paths reach and the paths no area claims."""
    patterns = sorted({p for c in contracts for p in c.primary_code_paths + c.related_code_paths})
    # One regex for every contract path: one match per listed file, not one per pair.
    matcher, owners = compile_matcher([(p, ["/" + p.lstrip("/")]) for p in patterns])
    hits: dict[str, list[str]] = {p: [] for p in patterns}
    for path in paths:
        for pattern in last_match_decisions(matcher, owners, path):
            hits[pattern].append(path)
    areas_of: dict[str, tuple[str, ...]] = {}
    for pattern, files in hits.items():
        landed: list[str] = []
        for c in focus_map.classify_all(files or [_probe(pattern)]):
            landed += [a for a in c.areas if a not in landed]
        areas_of[pattern] = tuple(landed)
    found = []
    for contract in contracts:
        own = contract.primary_code_paths + contract.related_code_paths
        areas = tuple(dict.fromkeys(a for p in own for a in areas_of[p]))
        unclaimed = tuple(p for p in own if not areas_of[p])
        found.append(ContractOverlap(contract, areas, unclaimed))
    return found


def contracts_of_area(overlaps: list[ContractOverlap], area_id: str) -> list[ModuleContract]:
    return [o.contract for o in overlaps if area_id in o.areas]
