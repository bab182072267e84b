"""Rules off by default: they do not run, and each switch that turns every rule on does.

The switch is read from one place per front end: ``--all-rules`` for the review
tool, ``REVIEW_ALL_RULES`` in the environment, ``all_rules`` under
``extra.review_kit`` in mkdocs.yml. Which rules are off is the focus map's
``default: off``, held to the labelled corpus by ``tests/test_precision.py``.
"""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from review_kit.analysis import analyse, load_catalog
from review_kit.catalog.rules import ContentRule
from review_kit.cli import run
from review_kit.errors import ReviewKitError
from review_kit.pr.model import ChangedFile, PullRequest
from review_kit.settings import Settings

REPO = "vllm-project/vllm-omni"
# A per-step host read in a worker: what the (off by default) host-sync rule looks for.
WORKER = "vllm_omni/worker/gpu_model_runner.py"
PATCH = "@@ -1,2 +1,3 @@\n def step(self, x):\n+    n = x.sum().item()\n     return x\n"
EXTRA = {
    "focus_map": "docs/focus-map.yml",
    "framework": "docs/data/framework.yml",
    "tree": "docs/data/vllm-omni-2026-tree.txt",
}


def worker_pr() -> PullRequest:
    return PullRequest(7, REPO, files=[ChangedFile(WORKER, "modified", 1, 0, patch=PATCH)])


def rule(**extra) -> ContentRule:
    return ContentRule.model_validate(
        {
            "id": "r",
            "title": "A rule",
            "message": "Ask about it.",
            "guide": "4.1",
            "severity": "P2",
            "paths": ["*.py"],
            "added": "x",
            **extra,
        }
    )


def test_default_reads_as_yaml_writes_it():
    """PyYAML reads `off` as false, an editor's YAML 1.2 as the string: both mean off."""
    assert rule().on_by_default
    assert not rule(default=False).on_by_default
    assert not rule(default="off").on_by_default
    assert rule(default="on").on_by_default
    with pytest.raises(ValidationError):
        rule(default="sometimes")


def test_a_rule_off_by_default_does_not_run_until_every_rule_is_asked_for():
    default = analyse(worker_pr(), load_catalog())
    assert not [f for f in default.findings if f.rule == "host-sync-hot-path"]
    assert "host-sync-hot-path" not in {c.id for c in default.checks}
    every = analyse(worker_pr(), load_catalog(all_rules=True))
    assert [(f.rule, f.file, f.line) for f in every.findings] == [("host-sync-hot-path", WORKER, 2)]


def test_site_setting_and_environment_turn_every_rule_on():
    assert Settings.load(EXTRA, environ={}).all_rules is False
    assert Settings.load({**EXTRA, "all_rules": True}, environ={}).all_rules is True
    assert Settings.load(EXTRA, environ={"REVIEW_ALL_RULES": "1"}).all_rules is True
    # The environment wins over mkdocs.yml, as for every other setting.
    assert (
        Settings.load({**EXTRA, "all_rules": True}, environ={"REVIEW_ALL_RULES": "0"}).all_rules
        is False
    )


def test_a_bad_switch_is_one_line_naming_it():
    with pytest.raises(ReviewKitError, match=r"^REVIEW_ALL_RULES: 'sometimes' is not 1 or 0$"):
        Settings.load(EXTRA, environ={"REVIEW_ALL_RULES": "sometimes"})
    with pytest.raises(ReviewKitError, match=r"extra\.review_kit\.all_rules"):
        Settings.load({**EXTRA, "all_rules": "sometimes"}, environ={})


@pytest.mark.parametrize(
    ("argv", "environ", "rules"),
    [
        ((), {}, []),
        (("--all-rules",), {}, ["host-sync-hot-path"]),
        ((), {"REVIEW_ALL_RULES": "1"}, ["host-sync-hot-path"]),
    ],
)
def test_review_tool_all_rules(tmp_path, capsysbinary, argv, environ, rules):
    """The review tool runs the rules off by default only when asked to."""
    listing = tmp_path / "files.json"
    listing.write_text(
        json.dumps(
            [
                {
                    "filename": WORKER,
                    "status": "modified",
                    "additions": 1,
                    "deletions": 0,
                    "patch": PATCH,
                }
            ]
        )
    )
    code = run(["--files-from", str(listing), "--format", "json", *argv], environ=environ)
    out = capsysbinary.readouterr().out
    assert code == 0
    assert [f["rule"] for f in json.loads(out)["findings"]] == rules
