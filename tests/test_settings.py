"""One settings object: extra.review_kit and the environment, validated once (review_kit/settings.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from review_kit.errors import ReviewKitError
from review_kit.settings import REPO_ROOT, Settings, read_kit_config

EXTRA = {"focus_map": "docs/focus-map.yml", "framework": "f.yml", "tree": "t.txt"}


def test_defaults_come_from_the_kits_own_mkdocs_yml():
    settings = Settings.defaults({})
    assert settings.focus_map == REPO_ROOT / "docs/focus-map.yml"
    assert settings.repo == "vllm-project/vllm-omni" and settings.prs == (19,)
    assert read_kit_config(REPO_ROOT / "mkdocs.yml")["framework"] == "docs/data/framework.yml"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (None, "mkdocs.yml: extra.review_kit is missing"),
        (
            {k: v for k, v in EXTRA.items() if k != "framework"},
            "extra.review_kit.framework: missing",
        ),
        ({**EXTRA, "focus_mpa": "x"}, "extra.review_kit.focus_mpa: Extra inputs are not permitted"),
        ({**EXTRA, "prs": "19,x"}, "'x' is not a pull request number"),
    ],
)
def test_bad_kit_config_is_one_line_naming_the_key(extra, message):
    with pytest.raises(ReviewKitError) as caught:
        Settings.load(extra, Path("/kit"), environ={})
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_environment_wins_over_mkdocs_yml():
    settings = Settings.load(
        {**EXTRA, "prs": [19]}, Path("/kit"), environ={"REVIEW_PRS": "23, 24", "REVIEW_PDF": "1"}
    )
    assert settings.prs == (23, 24) and settings.pdf
    assert settings.github.cache_dir == Path("/kit/.cache")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_non_finite_numbers_are_refused(value):
    with pytest.raises(ReviewKitError, match="must be a finite number"):
        Settings.load(EXTRA, Path("/kit"), environ={"REVIEW_HTTP_TIMEOUT": value})


def test_notice_level_is_info_or_warning():
    assert Settings.load(EXTRA, Path("/kit"), environ={}).github.notice_level == "info"
    env = {"REVIEW_NOTICE_LEVEL": "Warning"}
    assert Settings.load(EXTRA, Path("/kit"), environ=env).github.notice_level == "warning"
    with pytest.raises(ReviewKitError, match="REVIEW_NOTICE_LEVEL: 'loud' is not info or warning"):
        Settings.load(EXTRA, Path("/kit"), environ={"REVIEW_NOTICE_LEVEL": "loud"})
