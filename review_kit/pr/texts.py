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
# A file larger than this is not linted (nor held in memory), nor more than
# this much text in all for one PR.
MAX_TEXT_BYTES = 2_000_000
MAX_TOTAL_BYTES = 64_000_000
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


def _cat_file(root: Path, mode: str, names: list[str]) -> bytes:
    """``git cat-file --batch[-check]`` for the given object names, one a line."""
    request = "".join(f"{n}\n" for n in names).encode("utf-8", "surrogateescape")
    done = subprocess.run(
        ["git", "-C", str(root), "cat-file", mode],
        input=request,
        capture_output=True,
        timeout=GIT_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise OSError(done.stderr.decode("utf-8", "replace").strip() or "git cat-file failed")
    return done.stdout


def texts_from_git(root: Path, objects: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Texts of the given objects (path -> blob SHA or ``REV:path``), read with ``git cat-file``.

    Returns (path -> text, path -> why it is missing). Sizes are asked first
    (``--batch-check``), so a huge blob is never read: at most
    ``MAX_TEXT_BYTES`` a file and ``MAX_TOTAL_BYTES`` in all. An object git
    does not have, or a folder that is not a checkout, is a missing text,
    not an error: the hunk rules still run.
    """
    chosen = dict(list(objects.items())[:MAX_TEXTS])
    missing = {p: f"more than {MAX_TEXTS} Python files changed" for p in objects if p not in chosen}
    # One object name a line: a name holding a line break cannot be asked for.
    # (A found blob is answered "<sha> blob <size>", whatever its name.)
    asked = [(p, o) for p, o in chosen.items() if not any(c in o for c in "\n\r")]
    missing.update({p: "its path cannot be asked of git" for p in chosen if p not in dict(asked)})
    if not asked:
        return {}, missing
    try:
        sizes = _cat_file(root, "--batch-check", [o for _, o in asked]).decode().splitlines()
    except (OSError, subprocess.TimeoutExpired, UnicodeDecodeError) as exc:
        why = f"{root} is not a git checkout holding this change ({exc.__class__.__name__})"
        return {}, {**missing, **dict.fromkeys(chosen, why)}
    wanted_now: list[tuple[str, str]] = []
    total = 0
    for (path, _), line in zip(asked, sizes, strict=False):
        parts = line.split()
        if len(parts) != 3 or parts[1] != "blob":
            missing[path] = "git has no such file in the checkout"
        elif int(parts[2]) > MAX_TEXT_BYTES:
            missing[path] = f"larger than {MAX_TEXT_BYTES // 1_000_000} MB"
        elif total + int(parts[2]) > MAX_TOTAL_BYTES:
            missing[path] = f"the PR's files pass {MAX_TOTAL_BYTES // 1_000_000} MB in all"
        else:
            total += int(parts[2])
            wanted_now.append((path, parts[0]))
    if not wanted_now:
        return {}, missing
    try:
        out = _cat_file(root, "--batch", [sha for _, sha in wanted_now])
    except (OSError, subprocess.TimeoutExpired) as exc:
        why = f"git cat-file failed ({exc.__class__.__name__})"
        return {}, {**missing, **{p: why for p, _ in wanted_now}}
    texts: dict[str, str] = {}
    at = 0
    for path, _ in wanted_now:
        end = out.find(b"\n", at)
        header = out[at:end].split() if end >= 0 else []
        if len(header) != 3 or header[1] != b"blob":
            missing[path] = "git gave no text"
            break
        size = int(header[2])
        texts[path] = out[end + 1 : end + 1 + size].decode("utf-8", "surrogateescape")
        at = end + 1 + size + 1
    for path, _ in wanted_now:
        if path not in texts:
            missing.setdefault(path, "git gave no text")
    return texts, missing
