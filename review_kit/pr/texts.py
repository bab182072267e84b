"""Full new texts of a change's Python files, for the linters: from git, or from the patch itself.

Linters read whole files. A checkout has them (``git cat-file`` by blob SHA or
``REV:path``); a file the PR adds is whole in its own patch; GitHub serves
the rest by blob SHA (``github_api.GitHubClient.blob_texts``). Every source
caps how many it reads per PR, and says why a file has none.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

from .model import ChangedFile

# Full texts read per PR at most: linting more would cost more than the page.
MAX_TEXTS = 300
# A file larger than this is not linted (nor held in memory).
MAX_TEXT_BYTES = 2_000_000
GIT_TIMEOUT = 60.0


def wanted(files: Iterable[ChangedFile]) -> list[ChangedFile]:
    """The changed files whose full text a linter would read: Python, not removed, with a patch."""
    return [
        f
        for f in files
        if f.status != "removed" and f.patch and f.filename.endswith((".py", ".pyi"))
    ]


def _new_side(patch: str) -> str | None:
    """A patch that adds a whole file, as that file's text; None for any other patch."""
    lines = patch.split("\n")
    header = lines[0]
    if not header.startswith("@@ -0,0 +") or sum(1 for ln in lines if ln.startswith("@@")) != 1:
        return None
    body = [ln for ln in lines[1:] if ln and not ln.startswith("\\")]
    if any(not ln.startswith("+") for ln in body):
        return None
    return "\n".join(ln[1:] for ln in body) + "\n"


def whole_file(f: ChangedFile) -> str | None:
    """The file's full new text when its patch adds it whole, else None."""
    return _new_side(f.patch) if f.patch and f.status != "removed" else None


def texts_from_patches(files: Iterable[ChangedFile]) -> dict[str, str]:
    """Files added whole: their patch is their text, so no source needs to fetch them."""
    found = {}
    for f in wanted(files):
        text = _new_side(f.patch or "")
        if text is not None:
            found[f.filename] = text
    return found


def texts_from_git(root: Path, objects: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Texts of the given objects (path -> blob SHA or ``REV:path``) read by one ``git cat-file``.

    Returns (path -> text, path -> why it is missing). An object git does not
    have, or a checkout that is not a repository, is a missing text, not an error.
    """
    chosen = dict(list(objects.items())[:MAX_TEXTS])
    missing = {p: f"more than {MAX_TEXTS} Python files changed" for p in objects if p not in chosen}
    if not chosen:
        return {}, missing
    # One object name a line; a name holding a newline cannot be asked for.
    asked = [(p, o) for p, o in chosen.items() if "\n" not in o]
    request = "".join(f"{o}\n" for _, o in asked).encode("utf-8", "surrogateescape")
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "cat-file", "--batch"],
            input=request,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        why = f"git cat-file failed ({exc.__class__.__name__})"
        return {}, {**missing, **dict.fromkeys(chosen, why)}
    if done.returncode != 0:
        why = f"{root} is not a git checkout holding this change"
        return {}, {**missing, **dict.fromkeys(chosen, why)}
    texts: dict[str, str] = {}
    out, at = done.stdout, 0
    for path, _ in asked:
        end = out.find(b"\n", at)
        if end < 0:
            break
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":
            missing[path] = "git has no such blob in the checkout"
            continue
        size = int(header[2])
        content = out[at : at + size]
        at += size + 1
        if size > MAX_TEXT_BYTES:
            missing[path] = f"larger than {MAX_TEXT_BYTES // 1_000_000} MB"
            continue
        texts[path] = content.decode("utf-8", "surrogateescape")
    for path in chosen:
        if path not in texts and path not in missing:
            missing[path] = "git gave no text"
    return texts, missing
