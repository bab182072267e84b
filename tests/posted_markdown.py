"""What GitHub would make of Markdown the kit posts, rendered by GitHub's own parser.

cmark-gfm (through ``cmarkgfm``) renders the text as GitHub does, raw HTML
let through so that none can hide; the walk then plays GitHub's filters
that run after Markdown on text outside code and links (mentions, issue and
commit references, math) and lists everything that would ping, link, embed
or inject.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options

# Elements Markdown syntax itself produces, and the two the kit writes as HTML.
MARKDOWN_ELEMENTS = {
    *[
        "p",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "code",
        "pre",
        "a",
        "blockquote",
        "hr",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "del",
        "input",  # a task list's box: the report's own "- [ ]"
    ],
    *(f"h{n}" for n in range(1, 7)),
}
KIT_ELEMENTS = {"details", "summary"}
# What GitHub turns into a ping, a cross-reference or typeset math in text.
ACTS_ON = re.compile(
    r"(?<![\w`])@[A-Za-z0-9]|(?<![\w&])#\d|\bGH-\d|[\w.-]/[\w.-]+#\d|\$"
    r"|(?<![\w])(?=[0-9a-f]*\d)[0-9a-f]{7,40}(?![\w])",
    re.I,
)


class _Walk(HTMLParser):
    def __init__(self, allowed_links: tuple[str, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed = allowed_links
        self.stack: list[str] = []
        self.misfires: list[str] = []
        self.details = 0

    def handle_starttag(self, tag, attrs):
        if tag == "img" or tag not in MARKDOWN_ELEMENTS | KIT_ELEMENTS:
            self.misfires.append(f"<{tag}> element")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if not href.startswith(self.allowed):
                self.misfires.append(f"link to {href!r}")
        if tag == "details":
            self.details += 1
        if tag not in ("br", "hr", "img", "input"):
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag == "details":
            self.details -= 1
            if self.details < 0:
                self.misfires.append("</details> closes a fold the kit did not open")
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if {"code", "pre", "a"} & set(self.stack):
            return
        for m in ACTS_ON.finditer(data):
            self.misfires.append(f"{m.group()!r} in text: {data.strip()[:80]!r}")


def render(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def misfires(markdown: str, allowed_links: tuple[str, ...] = ("https://",)) -> list[str]:
    """Everything in ``markdown`` that GitHub would act on beyond showing text."""
    walk = _Walk(allowed_links)
    rendered = render(markdown)
    # An HTML comment hides whatever follows it; the kit writes only its marker.
    hidden = rendered.count("<!--") - rendered.count("<!-- vllm-omni-review-kit ")
    if hidden:
        walk.misfires.append(f"{hidden} HTML comment(s) hiding text")
    walk.feed(rendered)
    walk.close()
    if walk.details:
        walk.misfires.append("a <details> left open")
    return walk.misfires
