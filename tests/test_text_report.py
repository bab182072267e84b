"""The review tool's terminal output: plain, aligned, inert (review_kit/output/text.py)."""

from __future__ import annotations

import io
import re

import pytest
from hostile import hostile_pr

from review_kit.analysis import analyse, load_catalog
from review_kit.cli import default_format, use_color
from review_kit.output.text import render_pr_text
from review_kit.pr.model import pull_request_from_api
from review_kit.pr.sources.snapshot import from_snapshot


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_text_on_a_terminal_markdown_when_piped_or_exported():
    assert default_format(None, Terminal()) == "text"
    assert default_format(None, io.StringIO()) == "md"
    assert default_format("review.md", Terminal()) == "md"


def test_colour_only_on_a_terminal_without_no_color():
    assert use_color(Terminal(), {})
    assert not use_color(Terminal(), {"NO_COLOR": "1"})
    assert not use_color(io.StringIO(), {})


def test_pr19_text_is_plain_and_aligned(catalog):
    text = render_pr_text(analyse(from_snapshot(19), catalog), catalog)
    assert "\x1b" not in text and "\\" not in text and "&#" not in text
    assert text.startswith("PR #19  [Core]Add scheduling components for vLLM-omni\n")
    rows = [line for line in text.splitlines() if line.startswith(("  modified", "  added"))]
    # The area column starts at the same place on every row.
    assert len(rows) == 5 and len({row.rindex("  ") for row in rows}) == 1


def test_colour_never_touches_pr_text(catalog):
    colored = render_pr_text(analyse(from_snapshot(19), catalog), catalog, color=True)
    assert "\x1b[1mPR #19  \x1b[0m[Core]Add scheduling" in colored


def test_hostile_text_cannot_drive_the_terminal(catalog):
    pull, files = hostile_pr(total_files=30)
    files.append({"filename": "osc\x1b]0;owned title\x07.py", "status": "added"})
    pr = pull_request_from_api(pull, files, "vllm-project/vllm-omni", "test")
    for color in (False, True):
        text = render_pr_text(analyse(pr, catalog), catalog, color=color)
        kit_codes = text.replace("\x1b[0m", "").replace("\x1b[1m", "")
        for code in ("\x1b[2m", "\x1b[31m", "\x1b[32m", "\x1b[33m"):
            kit_codes = kit_codes.replace(code, "")
        assert "\x1b" not in kit_codes and "\x07" not in text and "\u202e" not in text
    assert "osc<U+001B>]0;owned title<U+0007>.py" in text
    assert "ctrl<U+001B>[31mred<U+0007>.py" in text


@pytest.mark.parametrize("width", [60, 100])
def test_text_wraps_to_the_width_and_asks_the_key_questions(catalog, width):
    """No line past the terminal's width; the key questions close the report, as on the page."""
    # Every rule on: PR 19's one finding is of a rule that is off by default,
    # and the report must show where findings stand against Look at first.
    catalog = load_catalog(all_rules=True)
    review = analyse(from_snapshot(19), catalog)
    assert review.findings
    text = render_pr_text(review, catalog, width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert "\nKey questions\n" in text
    for question in review.questions:
        # A wrapped question is the same words, re-joined.
        assert " ".join(question.text.split()) in " ".join(text.split())
    # Look at first comes before the detail, ranked as the page ranks it.
    assert text.index("Look at first") < text.index("Findings in the added lines")


def test_wrapped_commands_stay_runnable(catalog):
    """A long command continues with a backslash; its comment sits on its own line above it."""
    review = analyse(from_snapshot(19), catalog)
    text = render_pr_text(review, catalog, width=50)
    commands = text[text.index("\nCommands\n") : text.index("\nRead\n")].splitlines()[2:]
    joined = re.sub(r" \\\n +", " ", "\n".join(commands))
    for command in review.commands:
        code, _, why = command.partition("#")
        if code.strip():
            assert f"  {code.strip()}" in joined.splitlines()
        if why.strip():
            assert any(line.startswith("  # ") for line in commands)
    # Every line is a command, a continuation or a comment: none runs on its own by accident.
    for line in commands:
        assert line.startswith(("  gh ", "  pytest ", "  pre-commit", "  mkdocs", "  # ", "      "))
