"""Commands without repeats (review_kit/analysis/commands.py)."""

from __future__ import annotations

from review_kit.analysis.commands import (
    folders_with_tests,
    nearest_tests,
    pr_commands,
    without_covered,
)
from review_kit.pr.model import ChangedFile

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


KNOWN = {
    "tests/distributed/omni_connectors/test_basic_connectors.py",
    "tests/engine/test_arg_utils.py",
    "tests/worker/test_gpu_model_runner.py",
}


def test_nearest_tests_mirror_the_package_path():
    """A module's own test first, else the deepest mirrored folder; never the whole suite."""
    folders = folders_with_tests(KNOWN)
    assert nearest_tests("vllm_omni/worker/gpu_model_runner.py", KNOWN, folders) == (
        "tests/worker/test_gpu_model_runner.py"
    )
    assert nearest_tests(
        "vllm_omni/distributed/omni_connectors/utils/serialization.py", KNOWN, folders
    ) == ("tests/distributed/omni_connectors")
    assert nearest_tests("vllm_omni/diffusion/models/x.py", KNOWN, folders) == ""
    assert nearest_tests("docs/index.md", KNOWN, folders) == ""


def test_pr_commands_name_the_changed_and_nearest_tests_not_the_suite():
    """PR 310's shape: two changed tests, the serializer's nearest folder, its CI jobs."""
    files = [
        ChangedFile("tests/distributed/omni_connectors/test_basic_connectors.py"),
        ChangedFile("tests/entrypoints/test_omni_llm.py"),
        ChangedFile("vllm_omni/distributed/omni_connectors/utils/serialization.py"),
        ChangedFile("tests/old/test_gone.py", "removed"),
    ]
    commands = pr_commands(
        files, KNOWN, ["pytest tests/distributed/omni_connectors -v"], ["custom_pipeline"]
    )
    assert commands == [
        "pytest tests/distributed/omni_connectors/test_basic_connectors.py "
        "tests/entrypoints/test_omni_llm.py -v  # the tests this PR changes",
        "pytest tests/distributed/omni_connectors -v  # the tests nearest the changed code",
        "# CI jobs these files trigger: custom_pipeline",
    ]
    assert not any(c.startswith("pytest tests -v") for c in commands)


def test_pr_commands_leave_out_names_a_shell_or_a_fence_would_read():
    """A test file named to break out of a Markdown fence or a shell never enters a command."""
    files = [
        ChangedFile("tests/a\n```\n<b>x</b>/test_x.py"),
        ChangedFile("tests/$(rm -rf ~)/test_y.py"),
        ChangedFile("tests/unit/test_z.py"),
    ]
    assert pr_commands(files, set(), []) == [
        "pytest tests/unit/test_z.py -v  # the tests this PR changes"
    ]


def test_many_changed_tests_are_grouped_by_folder():
    files = [ChangedFile(f"tests/suite{i % 3}/test_{i}.py") for i in range(20)]
    (command,) = pr_commands(files, set(), [])
    assert (
        command == "pytest tests/suite0 tests/suite1 tests/suite2 -v  # the tests this PR changes"
    )
