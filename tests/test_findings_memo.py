"""The findings memo: a warm build reads no patch twice, and never trusts a stale or broken memo."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import review_kit.analysis.rules as rules_module
from review_kit.analysis import load_catalog
from review_kit.analysis.matching import RuleSet, rules_of
from review_kit.analysis.memo import FindingsMemo
from review_kit.analysis.rules import scan
from review_kit.pr.model import ChangedFile, PullRequest
from review_kit.pr.sources.github_api import GitHubSettings
from review_kit.site.plan import FINDINGS_MEMO, MEMO_LABEL, fetch_reviews, read_findings_memo
from review_kit.testing.github_stub import GitHubStub
from review_kit.untrusted_files import seal

REPO = "vllm-project/vllm-omni"
PATCH = (
    "@@ -1,0 +1,3 @@\n+import torch\n+state = torch.load(blob, weights_only=False)\n+n = t.item()\n"
)


@pytest.fixture(scope="module")
def catalog():
    # Every rule, those off by default included: their behaviour is tested too.
    return load_catalog(all_rules=True)


class Reads(list):
    """The files whose patch the content rules really read (their in-process cache emptied)."""

    def __init__(self, real) -> None:
        super().__init__()
        self.real = real

    def forget(self) -> None:
        self.real.cache_clear()  # as a new process would start


@pytest.fixture
def reads(monkeypatch):
    real = rules_module.scan_file
    seen = Reads(real)

    def counting(file, rule_set):
        seen.append(file.filename)
        return real(file, rule_set)

    monkeypatch.setattr(rules_module, "scan_file", counting)
    seen.forget()
    return seen


def pr_with(*files: ChangedFile) -> PullRequest:
    return PullRequest(number=7, repo=REPO, files=list(files), changed_files=len(files))


def worker_file(patch: str = PATCH, name: str = "vllm_omni/worker/runner.py") -> ChangedFile:
    return ChangedFile(name, "modified", 3, 0, patch=patch)


def test_a_remembered_file_is_not_read_again_and_gives_the_same_findings(catalog, reads):
    memo = FindingsMemo()
    first = scan(pr_with(worker_file()), catalog, memo)
    again = FindingsMemo.from_json(memo.to_json())
    reads.forget()
    second = scan(pr_with(worker_file()), catalog, again)
    assert reads == ["vllm_omni/worker/runner.py"]  # the second scan read nothing
    assert second.findings == first.findings and first.findings
    assert {f.rule for f in first.findings} >= {"unsafe-deserialisation", "host-sync-hot-path"}


@pytest.mark.parametrize(
    "changed",
    [
        worker_file(patch=PATCH.replace("t.item()", "t.cpu()")),  # another patch
        worker_file(name="vllm_omni/worker/other.py"),  # another file
    ],
)
def test_a_different_file_or_patch_is_read(catalog, reads, changed):
    memo = FindingsMemo()
    scan(pr_with(worker_file()), catalog, memo)
    scan(pr_with(changed), catalog, memo)
    assert len(reads) == 2


def test_changed_rules_do_not_meet_old_answers(catalog):
    rules = rules_of(catalog.focus_map)
    fewer = RuleSet(rules.rules[1:])
    f = worker_file()
    assert FindingsMemo.key(f, rules) != FindingsMemo.key(f, fewer)
    assert rules.signature == RuleSet(rules.rules).signature


def test_hostile_text_survives_the_round_trip(catalog):
    """A lone surrogate in the name and markup in the line come back exactly as they went in."""
    hostile = worker_file(
        patch="@@ -1,0 +1,1 @@\n+n = t.item()  # <script>{{ x }}</script>\n",
        name="vllm_omni/worker/r\udc80.py",
    )
    memo = FindingsMemo()
    found = scan(pr_with(hostile), catalog, memo).findings
    back = FindingsMemo.from_json(memo.to_json())
    key = FindingsMemo.key(hostile, _rules(catalog))
    assert found and back.get(key, hostile, _rules(catalog)).findings == found


def _rules(catalog) -> RuleSet:
    return rules_of(catalog.focus_map).for_path("vllm_omni/worker/runner.py")


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '{"k": {"findings": [{"rule": 1}]}}',  # wrong types
        '{"k": {"findings": [], "extra": true}}',  # unknown key
        "[" * 100_000,  # nested past the parser's depth
    ],
)
def test_a_broken_memo_is_one_line_and_ignored(tmp_path, caplog, text):
    path = tmp_path / FINDINGS_MEMO
    key = b"k" * 64
    path.write_bytes(seal(text.encode(), key, MEMO_LABEL))  # sealed: only its content is wrong
    with caplog.at_level(logging.INFO, logger="review_kit"):
        memo = read_findings_memo(path, key)
    assert len(memo) == 0
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and str(path) in lines[0] and "read every patch again" in lines[0]


def test_a_warm_build_reads_no_patch(tmp_path, catalog, reads):
    """fetch_reviews writes the memo into the cache directory and the next build uses it."""
    pull = {
        "number": 7,
        "title": "Read state",
        "user": {"login": "a"},
        "body": "",
        "base": {"sha": "b" * 40, "ref": "main"},
        "head": {"sha": "a" * 40, "ref": "x"},
        "additions": 3,
        "deletions": 0,
        "changed_files": 1,
    }
    row = {"filename": "vllm_omni/worker/runner.py", "status": "modified"}
    row |= {"additions": 3, "deletions": 0, "patch": PATCH, "sha": "c" * 40}
    with GitHubStub() as stub:
        stub.add_pr(REPO, pull, [row])
        stub.add_repository(REPO, "b" * 40)
        cache, state = tmp_path / "cache", tmp_path / "state"  # the seal key outside the cache
        github = GitHubSettings(api_url=stub.url, cache_dir=cache, state_dir=state)
        cold = fetch_reviews(REPO, [7], github, catalog)
        assert (cache / FINDINGS_MEMO).exists() and reads == [row["filename"]]
        reads.forget()
        warm = fetch_reviews(REPO, [7], github, catalog)
    assert reads == [row["filename"]]  # the warm build read no patch
    assert warm[0].findings == cold[0].findings and cold[0].findings


def test_a_remembered_linting_starts_no_ruff_process(catalog, monkeypatch):
    """ruff's findings on a PR are remembered with the texts they came from; a new text lints again."""
    import review_kit.analysis.engines.ruff as linters

    runs = []
    real = linters.run_ruff

    def counting(texts, codes):
        runs.append(sorted(texts))
        return real(texts, codes)

    monkeypatch.setattr(linters, "run_ruff", counting)
    name = "vllm_omni/worker/runner.py"
    added = "@@ -0,0 +1,2 @@\n+def f(x):\n+    print(x)\n"
    memo = FindingsMemo()
    first = scan(pr_with(ChangedFile(name, "added", 2, 0, patch=added)), catalog, memo)
    again = FindingsMemo.from_json(memo.to_json())
    second = scan(pr_with(ChangedFile(name, "added", 2, 0, patch=added)), catalog, again)
    assert [f.rule for f in first.findings] == ["print-in-library"]
    assert second.findings == first.findings and runs == [[name]]
    edited = added.replace("print(x)", "print(x, x)")
    scan(pr_with(ChangedFile(name, "added", 2, 0, patch=edited)), catalog, again)
    assert runs == [[name], [name]]


def test_the_key_covers_every_engine_module():
    """A new engine module changes the memo's key by being there: none is listed by hand."""
    from review_kit.analysis import engines
    from review_kit.analysis.memo import code_files

    package = Path(engines.__file__).parent
    assert set(package.glob("*.py")) <= set(code_files())
    assert len(list(package.glob("*.py"))) >= 5  # the registry, the spec and three engines at least
