"""How often a content rule's findings are worth a comment, measured on labelled real PRs.

Every finding the kit makes on the shared corpus of vllm-omni PRs carries a
label (``tests/fixtures/finding-labels.jsonl``): would a senior reviewer post
this comment on these lines, and why. Lines in the rules' hazard kinds that
deserved a comment and got none are the misses (``finding-misses.jsonl``).
Loading validates each line; the figures are computed here, so the rules
table in the docs and ``tests/test_precision.py`` read the same numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..catalog.framework import Slug
from ..catalog.loading import Catalog
from ..errors import ReviewKitError
from ..pr.model import PullRequest, pull_request_from_api
from ..pr.sources.json_file import FILE_LIST
from ..pr.sources.snapshot import DEFAULT_REPO
from ..pr.texts import texts_from_patches
from .findings import collapse
from .model import Finding
from .rules import scan

if TYPE_CHECKING:
    from .memo import FindingsMemo

KIT_ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS = KIT_ROOT / "tests" / "fixtures" / "corpus" / "vllm-omni-prs.jsonl"
LABELS = KIT_ROOT / "tests" / "fixtures" / "finding-labels.jsonl"
MISSES = KIT_ROOT / "tests" / "fixtures" / "finding-misses.jsonl"

# Below this share of findings worth posting, a rule is off by default.
DEFAULT_ON_PRECISION = 0.6
# The share the findings of the rules on by default must reach together.
OVERALL_PRECISION = 0.8

Verdict = Literal["post", "skip"]


class FindingLabel(BaseModel):
    """One finding as it is posted (one rule, one file, its lines) and the verdict on it."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    pr: int = Field(gt=0)
    file: str = Field(min_length=1)
    rule: Slug
    lines: tuple[int, ...] = Field(min_length=1)
    verdict: Verdict
    # Why, about these lines: one line of a reviewer's own words.
    reason: str = Field(min_length=10, max_length=240, pattern=r"^[^\n]*$")

    @model_validator(mode="after")
    def _lines_in_order(self) -> FindingLabel:
        if any(n <= 0 for n in self.lines) or list(self.lines) != sorted(set(self.lines)):
            raise ValueError("lines must be positive, ascending and distinct")
        return self

    @property
    def key(self) -> tuple[int, str, str, tuple[int, ...]]:
        return (self.pr, self.file, self.rule, self.lines)

    def row(self) -> str:
        """The label as its file holds it: one JSON object, keys in the documented order."""
        return json.dumps(
            {
                "pr": self.pr,
                "file": self.file,
                "rule": self.rule,
                "lines": list(self.lines),
                "verdict": self.verdict,
                "reason": self.reason,
            },
            ensure_ascii=False,
        )


def load_labels(path: Path, shown: str | None = None) -> tuple[FindingLabel, ...]:
    """The labels of a JSON-lines file; a bad line is one error naming the file and line."""
    shown = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReviewKitError(f"{shown}: cannot read ({exc.strerror})") from None
    labels: list[FindingLabel] = []
    seen: dict[tuple[int, str, str], int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            label = FindingLabel.model_validate_json(line)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"]) or "line"
            raise ReviewKitError(f"{shown}:{number}: {where}: {error['msg']}") from None
        key = (label.pr, label.file, label.rule)
        if key in seen:
            raise ReviewKitError(
                f"{shown}:{number}: PR {label.pr} {label.file} {label.rule} "
                f"is labelled already on line {seen[key]}"
            )
        seen[key] = number
        labels.append(label)
    return tuple(labels)


def load_misses(path: Path, shown: str | None = None) -> tuple[FindingLabel, ...]:
    """Lines that deserved a finding and had none: labels whose verdict is ``post``."""
    misses = load_labels(path, shown)
    for miss in misses:
        if miss.verdict != "post":
            raise ReviewKitError(
                f"{shown or path}: PR {miss.pr} {miss.file} {miss.rule}: a miss is a line "
                "worth a comment, so its verdict is 'post'"
            )
    return misses


@dataclass(frozen=True)
class CorpusFinding:
    """A finding of the kit on one corpus PR, as a reviewer would see it posted."""

    pr: int
    finding: Finding

    @property
    def key(self) -> tuple[int, str, str, tuple[int, ...]]:
        return (self.pr, self.finding.file, self.finding.rule, tuple(self.finding.lines))

    def label_line(self) -> str:
        """The label line to add for it, with the verdict and reason left to fill in."""
        f = self.finding
        return json.dumps(
            {
                "pr": self.pr,
                "file": f.file,
                "rule": f.rule,
                "lines": list(f.lines),
                "verdict": "post | skip",
                "reason": "...",
            },
            ensure_ascii=False,
        )


def corpus_prs(path: Path = CORPUS) -> Iterator[PullRequest]:
    """The corpus's PRs, as the review tool reads a ``--files-from`` export.

    The corpus has blob SHAs but no file contents: a file the PR adds is
    whole in its patch, so it gets a linter pass; the others do not.
    """
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        pr = pull_request_from_api(
            record, record.get("files", []), DEFAULT_REPO, f"{path.name}:{number}", FILE_LIST
        )
        pr.texts.update(texts_from_patches(pr.files))
        yield pr


def corpus_findings(
    catalog: Catalog, prs: Iterable[PullRequest], memo: FindingsMemo | None = None
) -> list[CorpusFinding]:
    """Every finding the catalog's running rules make on the PRs, folded as they are posted."""
    return [
        CorpusFinding(pr.number, finding)
        for pr in prs
        if pr.number is not None  # every corpus record is a numbered PR
        for finding in collapse(scan(pr, catalog, memo).findings)
    ]


@dataclass(frozen=True)
class LabelMatch:
    """Findings and labels side by side: what lacks a label, what labels nothing."""

    unlabelled: tuple[CorpusFinding, ...]
    stale: tuple[FindingLabel, ...]


def match_labels(findings: Iterable[CorpusFinding], labels: Iterable[FindingLabel]) -> LabelMatch:
    """A label belongs to the finding with its PR, file, rule and exact lines."""
    by_key = {label.key: label for label in labels}
    found = {f.key: f for f in findings}
    return LabelMatch(
        unlabelled=tuple(f for key, f in found.items() if key not in by_key),
        stale=tuple(label for key, label in by_key.items() if key not in found),
    )


@dataclass(frozen=True)
class RulePrecision:
    """A rule's figures on the corpus: its findings judged, and the comments it missed."""

    rule: str
    post: int = 0
    skip: int = 0
    missed: int = 0

    @property
    def findings(self) -> int:
        return self.post + self.skip

    @property
    def precision(self) -> float | None:
        """Findings worth posting among all its findings; None when it found nothing."""
        return self.post / self.findings if self.findings else None

    @property
    def recall(self) -> float | None:
        """Comments it made among all the comments its hazard deserved; None when none did."""
        deserved = self.post + self.missed
        return self.post / deserved if deserved else None


def rule_precision(
    labels: Iterable[FindingLabel], misses: Iterable[FindingLabel] = ()
) -> dict[str, RulePrecision]:
    """Per rule id: how many of its findings were worth posting, and how many it missed."""
    counts: dict[str, dict[str, int]] = {}
    for label in labels:
        row = counts.setdefault(label.rule, {"post": 0, "skip": 0, "missed": 0})
        row[label.verdict] += 1
    for miss in misses:
        counts.setdefault(miss.rule, {"post": 0, "skip": 0, "missed": 0})["missed"] += 1
    return {rule: RulePrecision(rule, **row) for rule, row in sorted(counts.items())}


def overall_precision(labels: Iterable[FindingLabel], rules: Iterable[str]) -> RulePrecision:
    """The findings of the given rules together, as one figure."""
    chosen = set(rules)
    judged = [label for label in labels if label.rule in chosen]
    return RulePrecision(
        "overall",
        post=sum(1 for label in judged if label.verdict == "post"),
        skip=sum(1 for label in judged if label.verdict == "skip"),
    )
