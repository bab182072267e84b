"""Escaping for every target language, in one place, tested once.

Pull-request text (file names, titles, branches, logins, patches) is never
interpreted: HTML gets Jinja's autoescape after ``visible``; Markdown gets
``md_escape``; terminals get ``visible`` too. Each function here is total: it
returns text that shows ``text`` literally, whatever ``text`` holds.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import strip_terminal_sequences

# Characters that change how text reads without being visible: controls (Cc),
# format characters (Cf: bidi controls, zero-width marks, soft hyphen, tag
# characters), lone surrogates (Cs, which no encoder accepts), unassigned code
# points (Cn, including the reserved default-ignorables) and line/paragraph
# separators. Unicode's other default-ignorables are letters or marks by
# category, so they are listed (DerivedCoreProperties.txt).
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"})
_OTHER_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _hidden(char: str) -> bool:
    return unicodedata.category(char) in _HIDDEN_CATEGORIES or bool(_OTHER_IGNORABLE.match(char))


def _escape(char: str) -> str:
    return _NAMED.get(char) or f"<U+{ord(char):04X}>"


def visible(text: object) -> str:
    """Make every invisible or unencodable character a visible escape, so text reads literally."""
    text = str(text)
    # str.isprintable is False for every hidden category (and for spaces other
    # than " "), so most names skip the per-character pass.
    if text.isprintable() and not _OTHER_IGNORABLE.search(text):
        return text
    return "".join(_escape(c) if _hidden(c) else c for c in text)


def terminal(text: object) -> str:
    """Text for a terminal: escape sequences removed, then every invisible character shown."""
    return visible(strip_terminal_sequences(str(text)))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#+\-.!|~<>&:{}])")
# Braces become entities: attr_list-style renderers read "{: ...}", and a
# report pasted into a Jinja page must not run "{{ ... }}". A colon becomes an
# entity too, so no "https://" in a name is autolinked.
_MD_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "{": "&#123;", "}": "&#125;", ":": "&#58;"}


# What GitHub acts on in posted text after CommonMark is done, so escaping
# cannot stop it: mentions (@user, @org/team, user@host), issue and PR
# references (#12, GH-12, owner/repo#12), commit SHAs (with a digit), math
# ($...$, $$), bare URLs and www. autolinks. A word holding one is put in a
# code span, where GitHub links, pings and typesets nothing: it still reads
# literally, and a backslash there would show.
_GITHUB_ACTS_ON = re.compile(
    r"@\w|#\d|\bGH-\d|\$|://|\bwww\.|(?<!\w)(?=[0-9a-f]*\d)[0-9a-f]{7,40}(?!\w)", re.I
)
# A word: a run that no space or table pipe splits (a pipe inside a code span
# would still end a table cell).
_WORD = re.compile(r"[^\s|]+")


def md_code(text: object) -> str:
    """An inline code span showing ``text`` literally, whatever backticks it holds.

    The fence is one backtick longer than the longest run inside, so nothing
    closes it early, and a space pads a value that starts or ends with a
    backtick (CommonMark strips exactly one each side). No backslash escapes:
    inside code they would show.
    """
    value = visible(text)
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value[:1] == "`" or value[-1:] == "`" or value.strip() == "" else ""
    pad = pad or (" " if value[:1] == " " and value[-1:] == " " else "")
    return f"{fence}{pad}{value}{pad}{fence}"


def _escape_markup(text: str) -> str:
    return _MD_SPECIAL.sub(lambda m: _MD_ENTITIES.get(m.group(), "\\" + m.group()), text)


def md_escape(text: object) -> str:
    """Markdown text that renders exactly as ``text``: no markup, no HTML, no links,
    and, posted on GitHub, no mention, reference, autolink or math."""
    shown = visible(text)
    out: list[str] = []
    at = 0
    for word in _WORD.finditer(shown):
        if not _GITHUB_ACTS_ON.search(word.group()):
            continue
        out.append(_escape_markup(shown[at : word.start()]))
        out.append(md_code(word.group()))
        at = word.end()
    out.append(_escape_markup(shown[at:]))
    return "".join(out)


_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


def md_keep_code(text: object) -> str:
    """Like ``md_escape``, but the code spans ``text`` holds stay code spans.

    For the kit's messages and reasons, which quote code in backticks and may
    quote PR identifiers inside them: the code is re-fenced with ``md_code``
    (inert whatever it holds), everything else is escaped.
    """
    shown = str(text)
    out: list[str] = []
    at = 0
    for span in _CODE_SPAN.finditer(shown):
        out.append(md_escape(shown[at : span.start()]))
        out.append(md_code(span.group(2).strip(" ") or span.group(2)))
        at = span.end()
    out.append(md_escape(shown[at:]))
    return "".join(out)


def plain_neutral(text: object) -> str:
    """Plain text (no Markdown) that a GitHub view cannot turn into a ping or link.

    For messages GitHub shows as text but still scans for mentions and
    references (SARIF results): the word holding one goes in backticks, which
    read as quotes in plain text and as code where Markdown is rendered.
    """
    shown = visible(text)
    return _WORD.sub(
        lambda m: md_code(m.group()) if _GITHUB_ACTS_ON.search(m.group()) else m.group(), shown
    )


def short_sha(sha: str) -> str:
    """Seven hex digits of a commit, or a visible, shortened stand-in for anything else."""
    return sha[:7] if re.fullmatch(r"[0-9a-f]{7,64}", sha or "") else visible(sha)[:12]


# What a label may keep when it must be safe in any context, escaped or not:
# MkDocs' theme templates do not autoescape, and `striptags` unescapes.
_LABEL_UNSAFE = re.compile(r"[^A-Za-z0-9 ._,:;()\[\]/+=@-]+")


def plain_label(text: object, limit: int = 60) -> str:
    """A short label made only of characters no HTML, Markdown or template reads as syntax."""
    label = " ".join(_LABEL_UNSAFE.sub(" ", str(text)).split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
