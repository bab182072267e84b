"""Content rules on added lines: each rule's hit, and the look-alikes that must not fire."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from textwrap import dedent

import pytest

from review_kit.analysis import analyse, load_catalog
from review_kit.analysis.diff import parse_patch
from review_kit.analysis.rules import scan
from review_kit.output.json_report import review_to_json
from review_kit.output.links import diff_url
from review_kit.pr.model import ChangedFile, PullRequest
from review_kit.pr.sources.base import SourceContext
from review_kit.pr.sources.git_range import from_git
from review_kit.pr.sources.github import GitHubSource
from review_kit.pr.sources.github_api import GitHubSettings
from review_kit.pr.sources.json_file import from_file, with_checkout_texts
from review_kit.pr.texts import texts_from_patches
from review_kit.testing.github_stub import GitHubStub

REPO = "vllm-project/vllm-omni"


@pytest.fixture(scope="module")
def catalog():
    # Every rule, those off by default included: their behaviour is tested too.
    return load_catalog(all_rules=True)


def patch_of(lines: list[tuple[str, str]]) -> str:
    """A one-hunk patch from (marker, text) pairs; new files start at line 1."""
    old = sum(m in " -" for m, _ in lines)
    new = sum(m in " +" for m, _ in lines)
    header = f"@@ -{1 if old else 0},{old} +1,{new} @@"
    return "\n".join([header] + [m + t for m, t in lines])


def added_file(path: str, code: str) -> ChangedFile:
    lines = dedent(code).strip("\n").splitlines()
    return ChangedFile(path, "added", len(lines), 0, patch=patch_of([("+", t) for t in lines]))


def findings(catalog, *files: ChangedFile, rule: str | None = None):
    pr = PullRequest(number=7, repo=REPO, files=list(files), changed_files=len(files))
    # As every source does: a file added whole is its own full text, for ruff.
    pr.texts.update(texts_from_patches(pr.files))
    found = scan(pr, catalog).findings
    return [(f.rule, f.file, f.line) for f in found if rule is None or f.rule == rule]


# rule -> (a library path it reads, code that must fire, the safe variant)
CASES = {
    "pickle-deserialisation": (
        "vllm_omni/distributed/payload.py",
        "state = pickle.loads(payload)",
        "state = msgspec.msgpack.decode(payload, type=StagePayload)",
    ),
    "trust-remote-code-config": (
        "vllm_omni/model_executor/stage_configs/qwen2_5_omni.yaml",
        "trust_remote_code: true",
        "trust_remote_code: false",
    ),
    "urlopen-any-scheme": (
        "vllm_omni/entrypoints/media.py",
        "data = urllib.request.urlopen(url).read()",
        'data = urllib.request.urlopen("https://example.com/a.png", timeout=5).read()',
    ),
    "unsafe-deserialisation": (
        "vllm_omni/distributed/payload.py",
        "state = torch.load(path, weights_only=False)",
        "state = torch.load(path, weights_only=True)",
    ),
    "host-sync-hot-path": (
        "vllm_omni/worker/gpu_model_runner.py",
        "n = logits.argmax(-1).item()",
        "n = logits.argmax(-1).to('cpu', non_blocking=True)",
    ),
    "trust-remote-code-literal": (
        "vllm_omni/entrypoints/utils.py",
        "cfg = AutoConfig.from_pretrained(name, trust_remote_code=True)",
        "cfg = AutoConfig.from_pretrained(name, trust_remote_code=args.trust_remote_code)",
    ),
    "http-without-timeout": (
        "vllm_omni/entrypoints/media.py",
        "r = requests.get(url)",
        "r = requests.get(url, timeout=10)",
    ),
    "id-from-clock": (
        "vllm_omni/entrypoints/omni.py",
        'request_id = f"req-{time.time()}"',
        "started_at[request_id] = time.time()",
    ),
    "dtype-from-string": (
        "vllm_omni/entrypoints/serving.py",
        "dtype = getattr(torch, request.dtype)",
        'dtype = getattr(torch, "float16")',
    ),
    "swallowed-exception": (
        "vllm_omni/engine/stage.py",
        "try:\n    stop()\nexcept Exception:\n    pass",
        "try:\n    stop()\nexcept Exception:\n    logger.exception('stop failed')\n    raise",
    ),
    "broad-except-continues": (
        "vllm_omni/core/sched/scheduler.py",
        "try:\n    step()\nexcept Exception:\n    logger.exception('step failed')",
        "try:\n    step()\nexcept Exception:\n    logger.exception('step failed')\n    raise",
    ),
    "print-in-library": (
        "vllm_omni/diffusion/loader.py",
        'print(f"loaded {name}")',
        'logger.info("loaded %s", name)',
    ),
    "cuda-only-device": (
        "vllm_omni/diffusion/loader.py",
        "x = x.cuda()",
        "x = x.cuda() if current_platform.is_cuda() else x",
    ),
}


# ruff resolves names through imports (``requests.get`` is S113 only when
# ``requests`` is imported), as real modules do: every case starts with this.
PRELUDE = "import pickle, urllib.request, requests, torch"


def test_every_rule_has_cases(catalog):
    assert set(CASES) | {"stage-memory-budget"} == {r.id for r in catalog.focus_map.rules}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires_on_an_added_line(catalog, rule):
    path, hit, _ = CASES[rule]
    code = PRELUDE + "\n\n\ndef f(x):\n" + "".join(f"    {line}\n" for line in hit.splitlines())
    found = findings(catalog, added_file(path, code), rule=rule)
    assert found == [(rule, path, 5 if "try" not in hit else 7)]


@pytest.mark.parametrize("rule", sorted(CASES))
def test_safe_variant_on_the_same_line_does_not_fire(catalog, rule):
    path, hit, safe = CASES[rule]
    assert findings(catalog, added_file(path, f"{PRELUDE}\n{safe}"), rule=rule) == []
    # The same file with the hazard does fire: the safe variant is what kept it quiet.
    assert findings(catalog, added_file(path, f"{PRELUDE}\n{hit}"), rule=rule) != []


@pytest.mark.parametrize("rule", sorted(CASES))
def test_comments_and_strings_do_not_fire(catalog, rule):
    path, hit, _ = CASES[rule]
    commented = PRELUDE + "\n" + "\n".join("# " + line for line in hit.splitlines())
    quoted = PRELUDE + '\ndef f():\n    """Do not:\n\n' + hit + '\n    """\n    text = ' + repr(hit)
    assert findings(catalog, added_file(path, commented), rule=rule) == []
    if path.endswith(".py"):  # a YAML file has no string literal to hide a key in
        assert findings(catalog, added_file(path, quoted), rule=rule) == []


@pytest.mark.parametrize("rule", sorted(CASES))
@pytest.mark.parametrize("folder", ["tests/engine", "examples/offline_inference"])
def test_tests_and_examples_do_not_fire(catalog, rule, folder):
    _, hit, _ = CASES[rule]
    code = f"{PRELUDE}\n{hit}"
    assert findings(catalog, added_file(f"{folder}/test_thing.py", code), rule=rule) == []
    assert findings(catalog, added_file(f"{folder}/thing.py", code), rule=rule) == []
    # Wherever the folder sits: vllm_omni/benchmarks/ is as much a benchmark as benchmarks/.
    nested = f"vllm_omni/{folder}/thing.py"
    assert findings(catalog, added_file(nested, code), rule=rule) == []


@pytest.mark.parametrize("rule", sorted(CASES))
def test_test_files_inside_the_package_do_not_fire(catalog, rule):
    """vllm-omni's pytest collects test_*.py and *_test.py (pyproject.toml at 00be5b5)."""
    path, hit, _ = CASES[rule]
    folder = path.rsplit("/", 1)[0]
    for name in ("test_thing.py", "compare_test.py"):
        code = f"{PRELUDE}\n{hit}"
        assert findings(catalog, added_file(f"{folder}/{name}", code), rule=rule) == []


@pytest.mark.parametrize("rule", sorted(CASES))
def test_removed_lines_do_not_fire(catalog, rule):
    path, hit, _ = CASES[rule]
    lines = [(" ", PRELUDE)] + [("-", line) for line in hit.splitlines()]
    lines.append(("+", "x = 1"))
    f = ChangedFile(path, "modified", 1, len(hit.splitlines()), patch=patch_of(lines))
    assert findings(catalog, f, rule=rule) == []


def test_multi_line_call_is_read_whole(catalog):
    """`weights_only=` two lines down still counts; a hit reported at the call's first line."""
    path = "vllm_omni/distributed/payload.py"
    unsafe = added_file(path, "s = torch.load(\n    path,\n    weights_only=False,\n)")
    safe = added_file(path, "s = torch.load(\n    path,\n    weights_only=True,\n)")
    assert findings(catalog, unsafe, rule="unsafe-deserialisation") == [
        ("unsafe-deserialisation", path, 1)
    ]
    assert findings(catalog, safe, rule="unsafe-deserialisation") == []


def test_hunk_inside_a_method_is_parsed_with_new_file_line_numbers(catalog):
    """A hunk that starts inside a class body and dedents still parses; lines follow the header."""
    patch = "\n".join(
        [
            "@@ -40,6 +40,7 @@ class Runner:",
            "         for req in batch:",
            "             self.step(req)",
            "+            n = req.logits.item()",
            "         return out",
            " ",
            "     def other(self):",
            "         pass",
            "@@ -90,2 +91,3 @@ class Runner:",
            "     def last(self):",
            "-        return 1",
            "+        x = y.cpu()",
            "+        return x.tolist()",
        ]
    )
    f = ChangedFile("vllm_omni/worker/gpu_model_runner.py", "modified", 3, 1, patch=patch)
    assert [line for *_, line in findings(catalog, f, rule="host-sync-hot-path")] == [42, 92, 93]


# (code, fires?) for the exception rules' judgement of what a handler guards
# and where it sits; each pair is a sanctioned idiom and its near miss.
HANDLER_CASES = {
    "swallowed-exception": [
        ("try:\n    os.remove(path)\nexcept OSError:\n    pass", False),
        (
            "try:\n    p = os.path.join(d, name)\n    if os.path.exists(p):\n"
            "        os.remove(p)\nexcept Exception:\n    pass",
            False,
        ),
        ("try:\n    shm.close()\nexcept Exception:\n    pass", False),
        # Building the path calls something that can fail for other reasons.
        ("try:\n    p = locate(name)\n    os.remove(p)\nexcept Exception:\n    pass", True),
        ("try:\n    os.remove(p)\n    self.count -= 1\nexcept Exception:\n    pass", True),
        ("try:\n    self.num_cached = n\nexcept Exception:\n    pass", True),
    ],
    "broad-except-continues": [
        (
            "for attempt in range(retries):\n    try:\n        return fetch(key)\n"
            "    except Exception as e:\n        logger.debug('attempt %s: %s', attempt, e)\n"
            "    time.sleep(0.1)",
            False,
        ),
        (
            "for req in batch:\n    try:\n        step(req)\n"
            "    except Exception as e:\n        logger.warning('skip %s', e)",
            True,
        ),
        (
            "while True:\n    try:\n        step()\n"
            "    except Exception as e:\n        logger.warning('again: %s', e)",
            True,
        ),
    ],
}


@pytest.mark.parametrize(
    "rule,code,fires",
    [(rule, code, fires) for rule, cases in HANDLER_CASES.items() for code, fires in cases],
)
def test_exception_rules_know_cleanup_blocks_and_retry_loops(catalog, rule, code, fires):
    path = "vllm_omni/engine/stage_io.py"
    body = "def f():\n" + "".join(f"    {line}\n" for line in code.splitlines())
    assert bool(findings(catalog, added_file(path, body), rule=rule)) is fires


def test_identifiers_the_parser_folds_are_not_missed_by_the_word_filter(catalog):
    """Python reads fullwidth ``ｐｒｉｎｔ`` as ``print`` (NFKC); the cheap word test must not skip it."""
    path = "vllm_omni/engine/state.py"
    folded = added_file(path, 'ｐｒｉｎｔ("queue drained")')
    assert findings(catalog, folded, rule="print-in-library") == [("print-in-library", path, 1)]


def test_hunks_without_a_rule_word_are_not_parsed_nor_reported_unread(catalog):
    """A hunk no rule could fire on is skipped; one that could, but does not parse, is unread."""
    path = "vllm_omni/worker/gpu_model_runner.py"
    patch = "\n".join(
        [
            # Neither hunk parses, repaired or not (Python 2 syntax).
            "@@ -10,2 +10,3 @@",
            "     def f(self):",
            "+        exec code in scope",
            "         return 1",
            "@@ -80,2 +81,3 @@",
            "     def g(self):",
            "+        exec z.item() in scope",
            "         return 2",
        ]
    )
    f = ChangedFile(path, "modified", 2, 0, patch=patch)
    pr = PullRequest(number=7, repo=REPO, files=[f], changed_files=1)
    unread = scan(pr, catalog).unread
    # Line 11 holds no word of any rule: nothing could fire, nothing is lost.
    # Line 82 holds `.item(`: a rule could fire there, so it is reported unread.
    assert unread == {path: "added line(s) 82 could not be parsed as Python and were not read"}


# Hunks cut where the diff's context happens to fall: (marker, text) lines,
# the new-file lines a host-sync finding must be reported at.
CUT_HUNKS = {
    "starts inside a call": (
        [(" ", "        a,"), ("+", "        z.item() if ok else"), (" ", "        w)")],
        [2],
    ),
    "starts inside keyword arguments": (
        [(" ", "        mode=m,"), ("+", "        n=t.cpu(),"), (" ", "    )")],
        [2],
    ),
    "ends on a block header": (
        [(" ", "    for x in xs:"), ("+", "        v = x.item()"), (" ", "        try:")],
        [2],
    ),
    "inside a dict literal": (
        [
            (" ", '        "runtime": cfg,'),
            ("+", '        "ts": t.cpu(),'),
            (" ", '        "k": v,'),
        ],
        [2],
    ),
    # The docstring's mention of .item() is prose, not a call.
    "starts inside a docstring": (
        [
            (" ", "            x: read it with .item() once"),
            (" ", '        """'),
            ("+", "        y = x.item()"),
        ],
        [3],
    ),
}


@pytest.mark.parametrize("case", sorted(CUT_HUNKS))
def test_hunks_cut_mid_statement_are_repaired_and_read(catalog, case):
    lines, expected = CUT_HUNKS[case]
    path = "vllm_omni/worker/gpu_model_runner.py"
    f = ChangedFile(path, "modified", 1, 0, patch=patch_of(lines))
    pr = PullRequest(number=7, repo=REPO, files=[f], changed_files=1)
    found = scan(pr, catalog)
    assert [h.line for h in found.findings if h.rule == "host-sync-hot-path"] == expected
    assert found.unread == {}


def test_anchored_expressions_are_never_used_to_skip_a_patch():
    """``^`` means the start of an added line, not of a raw patch line (which starts with ``+``)."""
    from review_kit.analysis.matching import RuleSet
    from review_kit.catalog.rules import ContentRule

    rule = ContentRule.model_validate(
        {
            "id": "starts-with-print",
            "title": "t",
            "message": "m",
            "guide": "4.1",
            "severity": "P2",
            "paths": ["*.py"],
            "added": "^print",
        }
    )
    rules, worth_reading = RuleSet([rule]).firing("@@ -1,0 +1,1 @@\n+print(1)\n")
    assert rules == [rule] and worth_reading is None


def test_diff_maps_only_added_lines():
    diff = parse_patch("@@ -10,3 +10,3 @@\n a\n-b\n+c\n d\n@@ -50,1 +50,3 @@\n e\n+f\n+g")
    assert diff.added == {11: "c", 51: "f", 52: "g"}
    assert [h.first for h in diff.hunks] == [10, 50]


def test_hunk_digest_ignores_where_the_hunk_moved():
    body = "\n x\n-a\n+b\n y"
    assert (
        parse_patch("@@ -3,3 +3,3 @@" + body).hunks[0].digest
        == parse_patch("@@ -30,3 +33,3 @@" + body).hunks[0].digest
    )


def budget_config(gpu: tuple[float, float], devices: tuple[str, str]) -> str:
    return dedent(
        f"""\
        stage_args:
          - stage_id: 0
            runtime:
              devices: "{devices[0]}"
            engine_args:
              gpu_memory_utilization: {gpu[0]}
          - stage_id: 1
            runtime:
              devices: "{devices[1]}"
            engine_args:
              # gpu_memory_utilization: 0.95 was too much
              note: "gpu_memory_utilization: 0.9"
              gpu_memory_utilization: {gpu[1]}
        """
    )


STAGE_CONFIG = "vllm_omni/model_executor/stage_configs/qwen3_omni.yaml"


def test_stage_memory_budget_reads_the_yaml(catalog):
    over = added_file(STAGE_CONFIG, budget_config((0.6, 0.5), ("0", "0")))
    found = scan(PullRequest(1, REPO, files=[over]), catalog).findings
    assert [(f.rule, f.line) for f in found] == [("stage-memory-budget", 6)]
    assert found[0].detail == "device 0: 0.6 (stage 0) + 0.5 (stage 1) = 1.10"


@pytest.mark.parametrize(
    "path, gpu, devices",
    [
        (STAGE_CONFIG, (0.6, 0.5), ("0", "1")),  # different devices
        (STAGE_CONFIG, (0.5, 0.4), ("0", "0")),  # under budget; comment and string say 0.9
        ("tests/e2e/stage_configs/qwen3_omni_ci.yaml", (0.6, 0.5), ("0", "0")),
        ("examples/stage_configs/mine.yaml", (0.6, 0.5), ("0", "0")),
    ],
)
def test_stage_memory_budget_look_alikes(catalog, path, gpu, devices):
    assert findings(catalog, added_file(path, budget_config(gpu, devices))) == []


def test_stage_memory_budget_ignores_a_budget_the_pr_did_not_change(catalog):
    """Removed and context lines never fire: only a change to a share or device does."""
    text = budget_config((0.6, 0.5), ("0", "0")).splitlines()
    lines = [(" ", t) for t in text] + [("+", "extra: 1")]
    f = ChangedFile(STAGE_CONFIG, "modified", 1, 0, patch=patch_of(lines))
    assert findings(catalog, f) == []
    removed = [(" ", t) for t in text[:5]] + [("-", "      gpu_memory_utilization: 0.4")]
    removed += [("+", text[5])] + [(" ", t) for t in text[6:]]
    assert findings(catalog, ChangedFile(STAGE_CONFIG, "modified", 1, 1, patch=patch_of(removed)))


DEPLOY_CONFIG = "vllm_omni/deploy/qwen3_omni_moe.yaml"


def deploy_config(npu_stage_2: dict[str, str]) -> str:
    """A deploy file in today's layout: flat stage keys, a per-platform overlay."""
    overlay = "".join(f"        {key}: {value}\n" for key, value in npu_stage_2.items())
    return (
        "async_chunk: true\n"
        "stages:\n"
        '  - stage_id: 0\n    gpu_memory_utilization: 0.9\n    devices: "0"\n'
        '  - stage_id: 1\n    gpu_memory_utilization: 0.6\n    devices: "1"\n'
        '  - stage_id: 2\n    gpu_memory_utilization: 0.1\n    devices: "1"\n'
        "platforms:\n"
        "  npu:\n"
        "    stages:\n"
        '      - stage_id: 1\n        devices: "2"\n'
        "      - stage_id: 2\n" + overlay
    )


def test_stage_memory_budget_reads_deploy_files_and_their_platform_overlays(catalog):
    """The npu overlay puts stage 1 (0.6, inherited) and stage 2 (0.5) on device 2."""
    text = deploy_config({"gpu_memory_utilization": "0.5", "devices": '"2"'}).splitlines()
    # The PR adds only the overlay's two lines for stage 2; the rest is context.
    lines = [(" ", t) for t in text[:-2]] + [("+", t) for t in text[-2:]]
    f = ChangedFile(DEPLOY_CONFIG, "modified", 2, 0, patch=patch_of(lines))
    found = scan(PullRequest(1, REPO, files=[f]), catalog).findings
    assert [(f.rule, f.detail) for f in found] == [
        ("stage-memory-budget", "platform npu, device 2: 0.6 (stage 1) + 0.5 (stage 2) = 1.10")
    ]
    # Reported at the overlay's share, the line that made the sum too large.
    assert found[0].text.strip() == "gpu_memory_utilization: 0.5"


@pytest.mark.parametrize(
    "npu_stage_2",
    [
        {"gpu_memory_utilization": "0.3", "devices": '"2"'},  # 0.9 on device 2
        {"gpu_memory_utilization": "0.5", "devices": '"3"'},  # a device of its own
        {"devices": '"2"'},  # keeps its base 0.1
    ],
)
def test_stage_memory_budget_deploy_look_alikes(catalog, npu_stage_2):
    assert findings(catalog, added_file(DEPLOY_CONFIG, deploy_config(npu_stage_2))) == []


def test_file_without_patch_is_reported_unread(catalog):
    pr = PullRequest(1, REPO, files=[ChangedFile("vllm_omni/worker/big.py", additions=9)])
    review = analyse(pr, catalog)
    assert "no patch" in review.unread["vllm_omni/worker/big.py"]


def test_json_findings_and_items_contract(catalog):
    f = added_file("vllm_omni/worker/gpu_model_runner.py", "n = x.item()\n")
    review = analyse(PullRequest(19, REPO, files=[f], changed_files=1), catalog)
    data = review_to_json(review)
    assert data["findings"] == [
        {
            "rule": "host-sync-hot-path",
            "title": "Host-device synchronisation in a hot path",
            "severity": "P2",
            "file": f.filename,
            "line": 1,
            "lines": [1],
            # About this line, from its own code: not the rule's message.
            "reason": "`x.item()` waits for the device to finish before the host can read `x`",
            "text": "n = x.item()",
            "guide": "4.1",
            "url": diff_url(review.pr, f.filename, 1),
            "message": data["findings"][0]["message"],
            "detail": "",
        }
    ]
    assert data["findings"][0]["url"].startswith(
        "https://github.com/vllm-project/vllm-omni/pull/19/files#diff-"
    )
    assert data["findings"][0]["url"].endswith("R1")
    hot = next(i for i in data["items"] if i["id"] == "engine-hot-path" or "worker" in i["area"])
    assert set(hot) >= {"trigger", "folded"}


def test_rule_triggered_item_digest_follows_only_its_hunks(catalog):
    """A change elsewhere in the same file leaves the digest of a rule-triggered item alone."""

    def pr_with(other: str) -> PullRequest:
        patch = (
            "@@ -1,2 +1,3 @@\n import torch\n+" + other + "\n x = 1\n"
            "@@ -40,2 +41,3 @@\n def f(y):\n+    n = y.item()\n     return n"
        )
        f = ChangedFile("vllm_omni/engine/core.py", "modified", 2, 0, patch=patch)
        return PullRequest(3, REPO, files=[f], changed_files=1)

    def digest(pr):
        return next(i for i in analyse(pr, catalog).items if i.item.id == "engine-hot-path")

    first, second = digest(pr_with("import os")), digest(pr_with("import sys"))
    assert first.trigger == {"rules": ["host-sync-hot-path"]}
    assert first.hunk_digest == second.hunk_digest


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def blob_sha(repo, revision: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", revision], check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def test_git_range_files_from_and_github_give_the_same_findings(tmp_path, catalog):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.com")
    git(repo, "config", "user.name", "T")
    runner = repo / "vllm_omni/worker/gpu_model_runner.py"
    runner.parent.mkdir(parents=True)
    body = [f"def step_{i}(x):\n    return x\n\n" for i in range(30)]
    runner.write_text("".join(body))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "feature")
    body[2] = "def step_2(x):\n    # x.item() here would sync\n    return x.item()\n\n"
    body[25] = "def step_25(x):\n    try:\n        x.go()\n    except Exception:\n        pass\n\n"
    runner.write_text("".join(body))
    (repo / "vllm_omni/worker/notes.py").write_text('print("not library?")\n')
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "head")

    from_range = from_git("main...feature", repo, REPO, None)
    # The same change as GitHub's files endpoint would list it: hunks from `git diff`.
    entries = []
    for f in from_range.files:
        raw = subprocess.run(
            ["git", "-C", str(repo), "diff", "main...feature", "--", f.filename],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        entries.append(
            {
                "filename": f.filename,
                "status": f.status,
                "additions": f.additions,
                "deletions": f.deletions,
                "patch": raw[raw.index("@@") :].rstrip("\n"),
                "sha": blob_sha(repo, f"feature:{f.filename}"),
            }
        )
    listing = tmp_path / "files.json"
    listing.write_text(json.dumps(entries))
    # --files-from with --repo-dir: ruff reads the full texts by blob SHA from the checkout.
    from_listing = with_checkout_texts(from_file(listing, REPO, None), repo)
    assert (
        set(from_listing.texts) == set(from_range.texts) == {f.filename for f in from_range.files}
    )

    # GitHub: the same files list, full texts by blob SHA from the blobs endpoint.
    with GitHubStub() as stub:
        pull = {"number": 7, "title": "t", "head": {"sha": "f" * 40}, "base": {"sha": "e" * 40}}
        stub.add_pr(REPO, pull, entries)
        stub.add_blobs(REPO, [(repo / f.filename).read_text() for f in from_range.files])
        context = SourceContext(REPO, GitHubSettings(api_url=stub.url, cache_dir=tmp_path / "c"))
        source = GitHubSource(context)
        from_github = source.load(7)
        source.close()
        blobs = [r.path for r in stub.requests if "/git/blobs/" in r.path]
        # Once stored, a blob is never asked for again: its SHA names its content.
        again = GitHubSource(context)
        again.load(7)
        again.close()
        blobs_again = [r.path for r in stub.requests if "/git/blobs/" in r.path]
    # The added file is whole in its patch; only the modified one is fetched, once.
    assert blobs == blobs_again == [f"/repos/{REPO}/git/blobs/{entries[0]['sha']}"]
    assert set(from_github.texts) == {f.filename for f in from_range.files}

    def seen(pr):
        return [(f.rule, f.file, f.line, f.text) for f in analyse(pr, catalog).findings]

    assert seen(from_range) == seen(from_listing) == seen(from_github)
    assert {rule for rule, *_ in seen(from_range)} == {
        "host-sync-hot-path",
        "swallowed-exception",
        "print-in-library",
    }


@pytest.mark.parametrize(
    "text, found",
    [
        ("state = pickle.loads(blob)", True),  # "loads" is not lost to "load"
        ("x = loader(items)", False),  # substrings of longer names are not words
        ("load", True),  # at both edges of the text
        ("n = t.item()", True),
        ("for k, v in d.items():", False),
        ("_item = 1", False),  # underscores are part of a name
    ],
)
def test_word_prefilter_finds_whole_names_only(text, found):
    from review_kit.analysis.prefilter import Prefilter

    assert Prefilter(("item", "load", "loads")).search(text) is found


def test_hits_of_one_rule_in_one_file_fold_into_one_finding_ranked_by_severity(catalog):
    """Three ``.item()`` lines are one P2 finding with three lines; ``pickle.loads`` (P0) comes first."""
    worker = added_file(
        "vllm_omni/worker/gpu_model_runner.py", "a = x.item()\nb = 1\nc = y.item()\nd = z.item()\n"
    )
    connector = added_file(
        "vllm_omni/distributed/omni_connectors/zz_connector.py",
        "import pickle\nobj = pickle.loads(payload)\n",
    )
    review = analyse(PullRequest(19, REPO, files=[worker, connector], changed_files=2), catalog)
    assert [(f.severity, f.rule, f.lines) for f in review.findings] == [
        ("P0", "pickle-deserialisation", (2,)),
        ("P2", "host-sync-hot-path", (1, 3, 4)),
    ]
    folded = review.findings[1]
    assert folded.line == 1 and len(folded.hunks) == 1


def test_every_rule_of_the_map_declares_a_severity(catalog):
    """No rule falls back to a default: each says P0, P1 or P2 in the focus map."""
    import yaml

    raw = yaml.safe_load(Path("docs/focus-map.yml").read_text(encoding="utf-8"))
    assert raw["rules"] and all(r["severity"] in ("P0", "P1", "P2") for r in raw["rules"])
    assert {r.severity for r in catalog.focus_map.rules} >= {"P0", "P1", "P2"}


def test_a_blob_github_will_not_give_leaves_the_file_unlinted_and_says_why(tmp_path, catalog):
    """The hunk rules still run; the review names the file that had no linter pass."""
    patch = "@@ -1,2 +1,4 @@\n import torch\n+n = x.item()\n+print(n)\n y = 1"
    entry = {"filename": "vllm_omni/worker/gpu_model_runner.py", "status": "modified"}
    entry |= {"additions": 2, "deletions": 0, "sha": "a" * 40, "patch": patch}
    with GitHubStub() as stub:
        pull = {"number": 8, "title": "t", "head": {"sha": "f" * 40}, "base": {"sha": "e" * 40}}
        stub.add_pr(REPO, pull, [entry])
        context = SourceContext(REPO, GitHubSettings(api_url=stub.url, cache_dir=tmp_path))
        source = GitHubSource(context)
        pr = source.load(8)
        source.close()
    review = analyse(pr, catalog)
    assert [f.rule for f in review.findings] == ["host-sync-hot-path"]
    why = review.unread[entry["filename"]]
    assert why.startswith("no linter pass (ruff): ") and "not found" in why.lower()


def test_full_texts_from_a_checkout_skip_what_git_lacks_and_what_is_too_large(
    tmp_path, monkeypatch
):
    """Sizes are asked first: a huge blob is never read, a missing one is named, not fatal."""
    import review_kit.pr.texts as texts_module

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "small.py").write_text("x = 1\n")
    (repo / "big file.py").write_text("y = 2\n" * 100)
    git(repo, "add", ".")
    git(repo, "-c", "user.email=t@example.com", "-c", "user.name=T", "commit", "-qm", "c")
    monkeypatch.setattr(texts_module, "MAX_TEXT_BYTES", 100)
    found, missing = texts_module.texts_from_git(
        repo,
        {"small.py": "HEAD:small.py", "big file.py": "HEAD:big file.py", "gone.py": "f" * 40},
    )
    assert found == {"small.py": "x = 1\n"}
    assert missing["big file.py"].startswith("larger than")
    assert missing["gone.py"] == "git has no such file in the checkout"
    elsewhere, why = texts_module.texts_from_git(tmp_path, {"small.py": "HEAD:small.py"})
    assert elsewhere == {} and "not a git checkout" in why["small.py"]
