"""Commands without repeats (review_kit/analysis/commands.py)."""

from __future__ import annotations

from review_kit.analysis.commands import without_covered

PR_210 = [
    "pytest tests/diffusion -v",
    "pytest tests/e2e/offline_inference/test_t2i_model.py -v  # needs a GPU",
    "pytest tests/e2e/offline_inference -v  # needs a GPU",
    "pytest tests -v -k sched",
    "pytest tests/model_executor -v",
    "pytest tests/e2e/offline_inference -v -k qwen  # needs a GPU",
    "pytest tests/diffusion/attention tests/diffusion/cache -v",
    "pytest tests/e2e/online_serving -v  # needs a GPU",
    "pytest tests/e2e/offline_inference -v  # uses the CI stage configs; needs a GPU",
    "pre-commit run --all-files",
    "mkdocs build --strict  # in the vllm-omni checkout",
    "pytest tests -v",
]


def test_a_wider_run_replaces_the_narrow_ones_but_gpu_notes_stay():
    assert without_covered(PR_210) == [
        "pytest tests/e2e/offline_inference -v  # needs a GPU",
        "pytest tests/e2e/online_serving -v  # needs a GPU",
        "pre-commit run --all-files",
        "mkdocs build --strict  # in the vllm-omni checkout",
        "pytest tests -v",
    ]


def test_a_filtered_run_covers_nothing_and_other_options_differ():
    commands = ["pytest tests -v -k sched", "pytest tests/core -v", "pytest tests/core -x"]
    assert without_covered(commands) == commands


def test_prefixes_are_folders_not_strings():
    assert without_covered(["pytest tests/core -v", "pytest tests/core_x -v"]) == [
        "pytest tests/core -v",
        "pytest tests/core_x -v",
    ]
