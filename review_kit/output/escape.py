"""Escaping for every target language, in one place, tested once.

Pull-request text (file names, titles, branches, logins, patches) is never
interpreted: HTML gets Jinja's autoescape after ``visible``; Markdown gets
``md_escape``; terminals get ``visible`` too. Each function here is total: it
returns text that shows ``text`` literally, whatever ``text`` holds.
"""

from __future__ import annotations

import re

# Characters that change how text reads without being visible: bidi controls
# ("Trojan Source"), zero-width marks, and C0/C1 controls such as newline.
_INVISIBLE = re.compile(
    "[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: object) -> str:
    """Make every control or bidi character visible as an escape, so names read literally."""
    return _INVISIBLE.sub(lambda m: _NAMED.get(m.group(), f"<U+{ord(m.group()):04X}>"), str(text))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#+\-.!|~<>&:{}])")
# Braces become entities: attr_list-style renderers read "{: ...}", and a
# report pasted into a Jinja page must not run "{{ ... }}". A colon becomes an
# entity too, so no "https://" in a name is autolinked.
_MD_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "{": "&#123;", "}": "&#125;", ":": "&#58;"}


def md_escape(text: object) -> str:
    """Markdown text that renders exactly as ``text``: no markup, no HTML, no links."""
    return _MD_SPECIAL.sub(lambda m: _MD_ENTITIES.get(m.group(), "\\" + m.group()), visible(text))


def short_sha(sha: str) -> str:
    """Seven hex digits of a commit, or a visible, shortened stand-in for anything else."""
    return sha[:7] if re.fullmatch(r"[0-9a-f]{7,64}", sha or "") else visible(sha)[:12]
