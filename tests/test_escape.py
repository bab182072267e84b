"""Escaping of PR-controlled text for each target language (review_kit/output/escape.py)."""

from __future__ import annotations

import html

import markdown
import pytest
from hostile import AUTHOR, HOSTILE_NAMES, TITLE

from review_kit.output.escape import md_escape, short_sha, visible


@pytest.mark.parametrize(
    "text", [*HOSTILE_NAMES, TITLE, AUTHOR, "a_b*c*`d`", "1. not a list", "# not a heading"]
)
def test_md_escape_renders_exactly_the_text(text):
    """Python-Markdown turns the escaped text back into the literal text, and no element."""
    rendered = markdown.markdown(md_escape(text), extensions=["attr_list", "tables"])
    assert rendered.startswith("<p>") and rendered.endswith("</p>")
    inner = rendered[3:-4]
    assert "<" not in inner.replace("&lt;", "")
    assert html.unescape(inner) == visible(text)


def test_visible_shows_controls_and_bidi():
    assert visible("a\nb\u202ec\x1b") == "a\\nb<U+202E>c<U+001B>"


def test_short_sha_keeps_hex_and_shows_anything_else():
    assert short_sha("eb006f66e5ad96715b2e5690a90a6747087") == "eb006f6"
    assert short_sha("main\n<x>") == "main\\n<x>"


def test_plain_label_keeps_only_inert_characters():
    from review_kit.output.escape import plain_label

    assert plain_label("[Core]Add scheduling components for vLLM-omni") == (
        "[Core]Add scheduling components for vLLM-omni"
    )
    hostile = plain_label("</title><script>alert('x')</script>{{ 7*7 }}\u202e&amp;")
    assert not set(hostile) & set("<>&'\"{}*\u202e")
    assert len(plain_label("x" * 500)) == 60
