"""Precision kept: every finding on the shared corpus is labelled, and the rules that run are worth it.

The findings are recomputed through the kit's own scan on the 235 corpus PRs
(every rule on, so a rule that is off by default stays measured), then held
against ``tests/fixtures/finding-labels.jsonl``: a finding without a label, a
label that matches no finding, or a rule on by default whose findings are
mostly not worth posting fails here. The run's cost, ruff's share included,
is printed with the results.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import review_kit.analysis.engines.ruff as linters
from review_kit.analysis import load_catalog
from review_kit.analysis.precision import (
    CORPUS,
    DEFAULT_ON_PRECISION,
    LABELS,
    MISSES,
    OVERALL_PRECISION,
    CorpusFinding,
    FindingLabel,
    corpus_prs,
    load_labels,
    load_misses,
    match_labels,
    overall_precision,
    rule_precision,
)
from review_kit.analysis.precision import corpus_findings as run_corpus
from review_kit.catalog.loading import Catalog
from review_kit.errors import ReviewKitError


@dataclass(frozen=True)
class CorpusRun:
    catalog: Catalog
    prs: int
    findings: tuple[CorpusFinding, ...]
    seconds: float
    cpu_seconds: float
    ruff_runs: int
    ruff_seconds: float


@pytest.fixture(scope="module")
def corpus_run() -> CorpusRun:
    catalog = load_catalog(all_rules=True)
    prs = list(corpus_prs(CORPUS))
    spent = {"runs": 0, "seconds": 0.0}
    run_ruff = linters.run_ruff

    def timed_ruff(*args, **kwargs):
        start = time.perf_counter()
        try:
            return run_ruff(*args, **kwargs)
        finally:
            spent["runs"] += 1
            spent["seconds"] += time.perf_counter() - start

    start, cpu = time.perf_counter(), time.process_time()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(linters, "run_ruff", timed_ruff)
        findings = run_corpus(catalog, prs)
    return CorpusRun(
        catalog,
        len(prs),
        tuple(findings),
        time.perf_counter() - start,
        time.process_time() - cpu,
        spent["runs"],
        spent["seconds"],
    )


@pytest.fixture(scope="module")
def labels() -> tuple[FindingLabel, ...]:
    return load_labels(LABELS)


@pytest.fixture(scope="module")
def misses() -> tuple[FindingLabel, ...]:
    return load_misses(MISSES)


def test_the_whole_corpus_is_scanned_and_its_cost_reported(corpus_run, capsys):
    """All 235 PRs are read; the time, and ruff's share of it, is printed with the results."""
    assert corpus_run.prs == 235
    assert corpus_run.findings, "the scan found nothing: the corpus or the rules did not load"
    with capsys.disabled():
        print(
            f"\n[precision] {corpus_run.prs} corpus PRs scanned in {corpus_run.seconds:.1f} s "
            f"({corpus_run.cpu_seconds:.1f} s of this process's CPU), "
            f"{len(corpus_run.findings)} findings; ruff ran {corpus_run.ruff_runs} times "
            f"(once per PR with a linted file) for {corpus_run.ruff_seconds:.1f} s"
        )


def test_every_finding_has_a_label(corpus_run, labels):
    """A new finding needs a verdict before it ships: the message gives the line to add."""
    unlabelled = match_labels(corpus_run.findings, labels).unlabelled
    assert not unlabelled, (
        f"{len(unlabelled)} finding(s) on the corpus have no label in {LABELS.name}; judge each "
        "('would a senior reviewer post this comment here?') and add:\n"
        + "\n".join(f"  {f.finding.reason}\n  {f.label_line()}" for f in unlabelled)
    )


def test_no_label_is_stale(corpus_run, labels):
    """A label that matches no finding is removed, so the file says exactly what the kit does."""
    stale = match_labels(corpus_run.findings, labels).stale
    assert not stale, (
        f"{len(stale)} label(s) in {LABELS.name} match no finding (fixed, moved or re-lined?); "
        "remove or re-judge:\n" + "\n".join(f"  {label.row()}" for label in stale)
    )


def test_label_files_are_sorted_one_label_a_line():
    """Both files keep one canonical order, so a diff of them reads as a change of judgement."""
    for path, rows in ((LABELS, load_labels(LABELS)), (MISSES, load_misses(MISSES))):
        ordered = sorted(rows, key=lambda r: (r.pr, r.file, r.rule))
        expected = "".join(f"{r.row()}\n" for r in ordered)
        assert path.read_text(encoding="utf-8") == expected, (
            f"{path.name}: not sorted or not canonical"
        )


def test_findings_of_the_rules_on_by_default_are_worth_posting(corpus_run, labels):
    """What the kit shows by default: at least 0.8 of its findings worth a comment."""
    on = [r.id for r in corpus_run.catalog.focus_map.rules if r.on_by_default]
    overall = overall_precision(labels, on)
    assert overall.findings, "no rule on by default found anything on the corpus"
    assert overall.precision is not None and overall.precision >= OVERALL_PRECISION, (
        f"precision of the rules on by default is {overall.precision:.2f} "
        f"({overall.post} of {overall.findings}), below {OVERALL_PRECISION}"
    )


def test_each_rule_on_by_default_keeps_its_precision(corpus_run, labels):
    """A rule below the threshold is noise a reviewer learns to skip: it goes off by default."""
    figures = rule_precision(labels)
    low = [
        f"{rule.id}: {figures[rule.id].precision:.2f} ({figures[rule.id].post} of "
        f"{figures[rule.id].findings})"
        for rule in corpus_run.catalog.focus_map.rules
        if rule.on_by_default
        and rule.id in figures
        and (figures[rule.id].precision or 0) < DEFAULT_ON_PRECISION
    ]
    assert not low, f"on by default below {DEFAULT_ON_PRECISION}; set `default: off`: {low}"


def test_a_rule_is_off_by_default_only_while_its_findings_are_mostly_noise(corpus_run, labels):
    """`default: off` is not a place to park a rule that has become good: it goes back on."""
    figures = rule_precision(labels)
    good = [
        rule.id
        for rule in corpus_run.catalog.focus_map.rules
        if not rule.on_by_default
        and rule.id in figures
        and (figures[rule.id].precision or 0) >= DEFAULT_ON_PRECISION
    ]
    assert not good, f"off by default although at or above {DEFAULT_ON_PRECISION}: {good}"


def test_misses_are_real_misses(corpus_run, misses):
    """A miss names a rule of the map and lines none of that rule's findings covers."""
    rule_ids = {r.id for r in corpus_run.catalog.focus_map.rules}
    covered = {
        (f.pr, f.finding.file, f.finding.rule, line)
        for f in corpus_run.findings
        for line in f.finding.lines
    }
    for miss in misses:
        assert miss.rule in rule_ids, f"{MISSES.name}: no rule {miss.rule!r} in the focus map"
        found = [n for n in miss.lines if (miss.pr, miss.file, miss.rule, n) in covered]
        assert not found, f"{MISSES.name}: PR {miss.pr} {miss.file} {miss.rule} {found} is found"


def test_a_malformed_label_is_one_line_naming_file_and_line(tmp_path: Path):
    """Bad input is one clear line: the file, the line, the key and what is wrong."""
    good = (
        '{"pr": 7, "file": "a.py", "rule": "print-in-library", "lines": [3], '
        '"verdict": "post", "reason": "a debug print left in library code"}'
    )
    bad = good.replace('"post"', '"maybe"')
    path = tmp_path / "labels.jsonl"
    path.write_text(f"{good}\n{bad}\n", encoding="utf-8")
    with pytest.raises(ReviewKitError) as caught:
        load_labels(path, "labels.jsonl")
    message = str(caught.value)
    assert message.startswith("labels.jsonl:2: verdict:") and "\n" not in message

    path.write_text(f"{good}\n{good}\n", encoding="utf-8")
    with pytest.raises(ReviewKitError, match=r"labels\.jsonl:2: .*labelled already on line 1"):
        load_labels(path, "labels.jsonl")

    path.write_text(good.replace('"post"', '"skip"') + "\n", encoding="utf-8")
    with pytest.raises(ReviewKitError, match="verdict is 'post'"):
        load_misses(path, "misses.jsonl")


def test_figures_are_computed_from_the_labels():
    """Precision and recall per rule come from counting verdicts and misses, nothing else."""
    rows = [
        FindingLabel(pr=1, file="a.py", rule="r", lines=(1,), verdict=v, reason="judged by hand")
        for v in ("post", "post", "skip")
    ]
    missed = [
        FindingLabel(pr=2, file="b.py", rule="r", lines=(4,), verdict="post", reason="missed one")
    ]
    figure = rule_precision(rows, missed)["r"]
    assert (figure.findings, figure.post, figure.missed) == (3, 2, 1)
    assert figure.precision == pytest.approx(2 / 3) and figure.recall == pytest.approx(2 / 3)
    assert overall_precision(rows, ["other"]).precision is None
