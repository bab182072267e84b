"""Classes of mistakes the rules must catch, each beside the look-alike a reviewer would not flag.

Every case is a shape seen on real vllm-omni PRs (issue 20): a miss the rules
used to make, or a false positive they used to post. A hit and its
look-alike differ only in what makes one worth a comment.
"""

from __future__ import annotations

from textwrap import dedent

import pytest

from review_kit.analysis import analyse, load_catalog
from review_kit.pr.model import ChangedFile, PullRequest

REPO = "vllm-project/vllm-omni"
RUNNER = "vllm_omni/worker/gpu_model_runner.py"
MODEL = "vllm_omni/model_executor/models/qwen3_omni/qwen3_omni_talker.py"
STAGE = "vllm_omni/entrypoints/omni_stage.py"


@pytest.fixture(scope="module")
def catalog():
    # Every rule, those off by default included: their behaviour is tested too.
    return load_catalog(all_rules=True)


def added(path: str, code: str) -> ChangedFile:
    lines = dedent(code).strip("\n").splitlines()
    patch = "\n".join([f"@@ -0,0 +1,{len(lines)} @@"] + ["+" + t for t in lines])
    return ChangedFile(path, "added", len(lines), 0, patch=patch)


def changed(path: str, removed: str, added_code: str) -> ChangedFile:
    """A one-hunk change that removes some lines and adds others in their place."""
    old = dedent(removed).strip("\n").splitlines()
    new = dedent(added_code).strip("\n").splitlines()
    header = f"@@ -10,{len(old)} +10,{len(new)} @@ class Runner:"
    patch = "\n".join([header] + ["-" + t for t in old] + ["+" + t for t in new])
    return ChangedFile(path, "modified", len(new), len(old), patch=patch)


def hits(catalog, f: ChangedFile, rule: str) -> list[int]:
    review = analyse(PullRequest(7, REPO, files=[f], changed_files=1), catalog)
    return [n for finding in review.findings if finding.rule == rule for n in finding.lines]


def in_method(body: str, name: str = "execute_model") -> str:
    """``body`` as the body of a method ``name``, the ``def`` shown (line 1 is the class)."""
    lines = dedent(body).strip("\n").splitlines()
    return "\n".join(
        ["class Runner:", f"    def {name}(self, x, mask, grid_thw, pe_cpu):"]
        + [f"        {line}" for line in lines]
    )


# -- host syncs ----------------------------------------------------------------

SYNC_HITS = {
    "detach then to cpu": 'y = x.detach().to("cpu")',
    "to cpu by keyword": 'y = x.to(device="cpu")',
    "any in an if": "if mask.any():\n    x = x[mask]",
    "all in a while": "while not mask.all():\n    mask = step(mask)",
    "torch.any in an elif": "if x is None:\n    pass\nelif torch.any(mask):\n    x = 1",
    "nonzero": "idx = mask.nonzero()",
    "torch.nonzero": "idx = torch.nonzero(mask)",
    "single-argument where": "idx = torch.where(mask)",
    "item in model code": "n = x.max().item()",
    "a tensor built on the device": "lens = torch.tensor(c, device=x.device)\nn = lens.tolist()",
}

SYNC_LOOK_ALIKES = {
    "asynchronous copy": 'y = x.to("cpu", non_blocking=True)',
    "to a device": "y = x.to(self.device)",
    "any kept on the device": "found = mask.any()",
    "builtin any in an if": "if any(m for m in self.masks):\n    x = 1",
    "three-argument where": "y = torch.where(mask, x, 0)",
    "grid metadata": "sizes = grid_thw.prod(-1).tolist()",
    "a host tensor": "data = pe_cpu.numpy()",
    "a statement about grids": "image_grid_thw.append(t.tolist())",
    "a model offloaded whole": 'self.pipeline.to("cpu")',
    "the step's sampled tokens": "valid = sampled_token_ids.tolist()",
    "a tensor built from NumPy": "lens = torch.from_numpy(counts)\nn = lens.tolist()",
}


@pytest.mark.parametrize("path", [RUNNER, MODEL])
@pytest.mark.parametrize("case", sorted(SYNC_HITS))
def test_host_syncs_in_runners_and_model_code_fire(catalog, path, case):
    found = hits(catalog, added(path, in_method(SYNC_HITS[case], "forward")), "host-sync-hot-path")
    assert found, f"{case} in {path}"


@pytest.mark.parametrize("path", [RUNNER, MODEL])
@pytest.mark.parametrize("case", sorted(SYNC_LOOK_ALIKES))
def test_host_reads_that_cost_no_sync_do_not_fire(catalog, path, case):
    code = in_method(SYNC_LOOK_ALIKES[case], "forward")
    assert hits(catalog, added(path, code), "host-sync-hot-path") == []


@pytest.mark.parametrize(
    "function",
    [
        "__init__",
        "sleep",
        "load_weights",
        "postprocess",
        "_init_mrope_positions",
        "_process_audio_input",
    ],
)
def test_syncs_in_once_only_functions_do_not_fire(catalog, function):
    """Set-up, sleep, weight loading, multi-modal inputs and post-processing run once per request."""
    once = in_method("n = x.item()\ny = x.detach().cpu()", function)
    per_step = in_method("n = x.item()\ny = x.detach().cpu()", "execute_model")
    assert hits(catalog, added(RUNNER, once), "host-sync-hot-path") == []
    assert hits(catalog, added(RUNNER, per_step), "host-sync-hot-path") == [3, 4]


# -- devices ---------------------------------------------------------------------


def test_cuda_or_cpu_device_choice_fires(catalog):
    """On NPU and XPU, ``'cuda' if torch.cuda.is_available() else 'cpu'`` is the CPU."""
    path = "vllm_omni/diffusion/offload.py"
    hit = added(path, 'device = "cuda" if torch.cuda.is_available() else "cpu"')
    guard = added(path, "if torch.cuda.is_available():\n    n = 1")
    platform = added(path, "device = current_platform.device_type")
    assert hits(catalog, hit, "cuda-only-device") == [1]
    assert hits(catalog, guard, "cuda-only-device") == []
    assert hits(catalog, platform, "cuda-only-device") == []


@pytest.mark.parametrize(
    "path,fires",
    [
        ("vllm_omni/worker/diffusion_gpu_worker.py", False),
        ("vllm_omni/worker/AR_gpu_worker.py", False),
        ("vllm_omni/worker/gpu_model_runner.py", False),
        ("vllm_omni/worker/npu/npu_worker.py", True),
        ("vllm_omni/entrypoints/stage_utils.py", True),
    ],
)
def test_gpu_workers_are_cuda_code_wherever_gpu_sits_in_the_name(catalog, path, fires):
    f = added(path, "torch.cuda.empty_cache()")
    assert bool(hits(catalog, f, "cuda-only-device")) is fires


# -- broad except and continue -----------------------------------------------------

LOG_AND_CONTINUE = """\
def start(self):
    try:
        self.engine = build_engine(self.config)
    except Exception as e:
        logger.warning("stage %s failed to start: %s", self.stage_id, e)
    self.ready.set()
"""


@pytest.mark.parametrize(
    "path",
    [
        STAGE,
        "vllm_omni/entrypoints/openai/api_server.py",
        "vllm_omni/diffusion/diffusion_engine.py",
        MODEL,
    ],
)
def test_broad_except_and_continue_in_entrypoints_stage_start_up_and_models(catalog, path):
    assert hits(catalog, added(path, LOG_AND_CONTINUE), "broad-except-continues") == [4]


def test_broad_except_look_alikes(catalog):
    """Re-raising, optional imports, teardown and metrics are not silent partial output."""
    reraise = LOG_AND_CONTINUE.replace("    self.ready.set()", "        raise")
    optional = "try:\n    import flash_attn\nexcept Exception:\n    flash_attn = None\n"
    teardown = (
        "try:\n    dist.destroy_process_group()\nexcept Exception as e:\n    logger.debug(e)\n"
    )
    in_close = LOG_AND_CONTINUE.replace("def start(self):", "def shutdown(self):")
    metrics = (
        "try:\n    m = result.get('metrics')\n    metrics.on_stage_metrics(sid, m)\n"
        "except Exception as e:\n    logger.exception('metrics: %s', e)\n"
    )
    assert hits(catalog, added(STAGE, metrics), "broad-except-continues") == []
    logging_only = (
        "try:\n    logger.error('failed: %s', '\\n- '.join(hints))\n"
        "except Exception:\n    logger.error('failed')\n"
    )
    assert hits(catalog, added(STAGE, logging_only), "broad-except-continues") == []
    assert hits(catalog, added(STAGE, reraise), "broad-except-continues") == []
    assert hits(catalog, added(MODEL, optional), "broad-except-continues") == []
    assert hits(catalog, added(STAGE, teardown), "broad-except-continues") == []
    assert hits(catalog, added(STAGE, in_close), "broad-except-continues") == []


# -- shipped configs -----------------------------------------------------------------

STAGE_CONFIG = """\
stage_args:
  - stage_id: 0
    engine_args:
      model_arch: Qwen2_5OmniForConditionalGeneration
      trust_remote_code: {value}
"""


@pytest.mark.parametrize(
    "path,value,fires",
    [
        ("vllm_omni/model_executor/stage_configs/qwen2_5_omni.yaml", "true", True),
        ("vllm_omni/deploy/qwen3_omni.yaml", "True", True),
        ("vllm_omni/model_executor/stage_configs/qwen2_5_omni.yaml", "false", False),
        ("tests/e2e/stage_configs/qwen2_5_omni_ci.yaml", "true", False),
        ("examples/online_serving/qwen3_omni.yaml", "true", False),
    ],
)
def test_trust_remote_code_in_shipped_yaml(catalog, path, value, fires):
    f = added(path, STAGE_CONFIG.format(value=value))
    assert hits(catalog, f, "trust-remote-code-config") == ([5] if fires else [])


# -- lines that only moved or were re-wrapped -------------------------------------------


def test_rewrapped_call_is_not_a_finding_but_a_new_one_beside_it_is(catalog):
    path = "vllm_omni/distributed/payload.py"
    before = "state = torch.load(path, weights_only=False)"
    rewrapped = "state = torch.load(\n    path,\n    weights_only=False,\n)"
    assert hits(catalog, changed(path, before, rewrapped), "unsafe-deserialisation") == []
    extra = rewrapped + "\nother = torch.load(p2, weights_only=False)"
    assert hits(catalog, changed(path, before, extra), "unsafe-deserialisation") == [14]


def test_reindented_yaml_and_moved_lines_are_not_findings(catalog):
    path = "vllm_omni/model_executor/stage_configs/qwen2_5_omni.yaml"
    before = "  trust_remote_code: true\n  max_num_seqs: 1"
    moved = "    max_num_seqs: 1\n    trust_remote_code: true"
    assert hits(catalog, changed(path, before, moved), "trust-remote-code-config") == []
    new = "    max_num_seqs: 1"
    f = changed(path, new, "    max_num_seqs: 1\n    trust_remote_code: true")
    assert hits(catalog, f, "trust-remote-code-config") == [11]


# -- ruff for what ruff does ------------------------------------------------------------


def test_print_is_ruff_t201_and_skips_commands_and_benchmarks_wherever_they_sit(catalog):
    code = "def main(args):\n    print(args)\n"
    library = "vllm_omni/model_executor/models/talker.py"
    assert hits(catalog, added(library, code), "print-in-library") == [2]
    # A command's output is its job; benchmarks and tests sit anywhere in the tree.
    for path in (
        "vllm_omni/entrypoints/cli/serve.py",
        "vllm_omni/benchmarks/serve.py",
        "benchmarks/serve.py",
        "vllm_omni/tests/x.py",
    ):
        assert hits(catalog, added(path, code), "print-in-library") == []


def test_swallowed_exception_is_ruff_and_keeps_the_cleanup_exemption(catalog):
    path = "vllm_omni/distributed/shm.py"
    swallowed = "def f():\n    try:\n        start()\n    except Exception:\n        pass\n"
    narrow = "def f():\n    try:\n        start()\n    except ValueError:\n        pass\n"
    cleanup = "def f():\n    try:\n        os.close(fd)\n    except Exception:\n        pass\n"
    assert hits(catalog, added(path, swallowed), "swallowed-exception") == [4]
    assert hits(catalog, added(path, narrow), "swallowed-exception") == []
    assert hits(catalog, added(path, cleanup), "swallowed-exception") == []


def test_a_file_without_full_text_is_named_as_having_no_linter_pass(catalog):
    """Only where ruff could have found something: no word of its codes, nothing to miss."""
    f = changed("vllm_omni/distributed/shm.py", "x = 1", "print(x)")
    quiet = changed("vllm_omni/distributed/shm2.py", "x = 1", "x = 2")
    review = analyse(PullRequest(7, REPO, files=[f, quiet], changed_files=2), catalog)
    assert "no linter pass (ruff)" in review.unread["vllm_omni/distributed/shm.py"]
    assert "vllm_omni/distributed/shm2.py" not in review.unread
    assert [x.rule for x in review.findings] == []


# -- reasons are about their line ------------------------------------------------------------


def test_each_engine_gives_a_reason_about_its_own_line(catalog):
    runner = added(RUNNER, in_method('y = payload.detach().to("cpu")'))
    config = added(
        "vllm_omni/model_executor/stage_configs/a.yaml", STAGE_CONFIG.format(value="true")
    )
    connector = added(
        "vllm_omni/distributed/omni_connectors/shm_connector.py",
        "import pickle\n\n\ndef get(buf):\n    return pickle.loads(buf.read())\n",
    )
    pr = PullRequest(7, REPO, files=[runner, config, connector], changed_files=3)
    reasons = {f.rule: f.reason for f in analyse(pr, catalog).findings}
    assert reasons["host-sync-hot-path"].startswith("`payload.detach().to('cpu')` copies")
    assert reasons["trust-remote-code-config"].startswith("`trust_remote_code: true`")
    assert reasons["pickle-deserialisation"].startswith("`return pickle.loads(buf.read())`")
    assert reasons["pickle-deserialisation"].endswith("(ruff S301)")


def test_editing_the_body_of_a_handler_already_there_is_not_a_finding(catalog):
    """The PR wrote neither the ``try`` nor the ``except``: the hazard predates it."""
    patch = "\n".join(
        [
            "@@ -10,5 +10,5 @@ class Stage:",
            "     try:",
            "         self.start()",
            "     except Exception as e:",
            '-        logger.warning("failed")',
            '+        logger.warning("stage failed to start: %s", e)',
            "     self.ready.set()",
        ]
    )
    edited = ChangedFile(STAGE, "modified", 1, 1, patch=patch)
    assert hits(catalog, edited, "broad-except-continues") == []
    widened = ChangedFile(
        STAGE,
        "modified",
        1,
        1,
        # The same hunk line counts: one line removed, one added in its place.
        patch=patch.replace(
            "     except Exception as e:",
            "-    except ValueError as e:\n+    except Exception as e:",
        ),
    )
    assert hits(catalog, widened, "broad-except-continues") == [12]


def test_a_reason_quotes_pr_code_short_and_with_nothing_hidden(catalog):
    """PR text in a reason: one line, at most 60 characters of code, no terminal or bidi controls."""
    code = 'def f(x):\n    print("\x1b[31mred\u202e" + "' + "y" * 80 + '")\n'
    f = added("vllm_omni/worker/a.py", code)
    (finding,) = analyse(PullRequest(7, REPO, files=[f], changed_files=1), catalog).findings
    quote = finding.reason.split("`")[1]
    assert "\x1b" not in finding.reason and "\u202e" not in finding.reason
    assert quote.startswith('print("red\\u202e"') and quote.endswith("\u2026") and len(quote) == 60


def test_ruff_failing_costs_the_linter_pass_not_the_review(catalog, monkeypatch):
    """A missing or crashing ruff: the files are named as unlinted, the kit's rules still report."""
    import review_kit.analysis.engines.ruff as linters

    monkeypatch.setattr(linters, "ruff_executable", lambda: "/nonexistent/ruff")
    f = added(RUNNER, in_method("n = x.item()\nprint(n)"))
    review = analyse(PullRequest(7, REPO, files=[f], changed_files=1), catalog)
    assert [x.rule for x in review.findings] == ["host-sync-hot-path"]
    assert review.unread[RUNNER] == "no linter pass (ruff): ruff: not installed (run make venv)"
