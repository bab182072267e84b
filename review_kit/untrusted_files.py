"""Files in a directory someone else may write (the cache), read and written without trusting it.

Whoever can write ``REVIEW_CACHE_DIR`` can plant a symlink, a FIFO, a device or
a huge sparse file where the kit expects its own data. Reads here never follow
a symlink, never block, take regular files only and check the size before
reading; writes go to a fresh temporary file that is renamed over the target,
so a failure (read-only directory, full disk) leaves the old file whole.
A file the kit must trust again later (the findings memo) is sealed with an
HMAC whose key lives outside the cache directory.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from pathlib import Path

from .errors import ReviewKitError


class UntrustedFileError(ReviewKitError):
    """A file that is not a plain regular file of a sane size; the message names it and why."""


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symlink"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_untrusted(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path``; FileNotFoundError when absent, UntrustedFileError when refused.

    O_NOFOLLOW refuses a symlink at the last component and O_NONBLOCK keeps a
    FIFO from blocking the open; fstat on the open descriptor (not the name)
    decides, so the file cannot be swapped between the check and the read.
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UntrustedFileError(f"{path}: refused, it is a symlink") from None
        raise UntrustedFileError(f"{path}: cannot open ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UntrustedFileError(f"{path}: refused, it is {_kind(info.st_mode)}")
        if info.st_size > max_bytes:
            raise UntrustedFileError(
                f"{path}: refused, {info.st_size} bytes is over the {max_bytes}-byte limit"
            )
        # The size can grow after fstat: never read past the limit either way.
        chunks, left = [], max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > max_bytes:
            raise UntrustedFileError(f"{path}: refused, it grew past the {max_bytes}-byte limit")
        return data
    except OSError as exc:
        raise UntrustedFileError(f"{path}: cannot read ({exc.strerror})") from None
    finally:
        os.close(fd)


def refuse_unless_regular(path: Path, directory_ok: bool = False) -> None:
    """Nothing when ``path`` is absent or a regular file; else UntrustedFileError naming it.

    For files another library opens itself and writes in place (SQLite's
    database, ``-wal`` and ``-shm``): checked with lstat, so a symlink is
    refused, not followed, and so is a hard link, which would be written
    through to a file elsewhere.
    ``directory_ok`` lets a real directory through, for a caller that has
    its own answer to one (it can neither hang nor be written through).
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UntrustedFileError(f"{path}: cannot inspect ({exc.strerror})") from None
    if not (stat.S_ISREG(info.st_mode) or (directory_ok and stat.S_ISDIR(info.st_mode))):
        raise UntrustedFileError(f"{path}: refused, it is {_kind(info.st_mode)}")
    if stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
        raise UntrustedFileError(f"{path}: refused, it has {info.st_nlink} hard links")


def write_atomically(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` whole or not at all; OSError when it cannot.

    The temporary file is new (``mkstemp``: O_EXCL, a random name), so
    nothing planted beside ``path`` is written through; ``os.replace`` swaps
    the name, never the file a symlink at ``path`` points to. On any failure
    the temporary file goes and ``path`` keeps its old content. ``mode``:
    0600 for the kit's own caches, wider for a report a user exports.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            if mode != 0o600:
                os.fchmod(out.fileno(), mode)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())  # a full disk shows here, not after the rename
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


# -- sealed files: the kit's own data, proven its own on the way back ------------

KEY_BYTES = 32


def local_key(path: Path) -> bytes:
    """The secret at ``path``, made once (mode 0600, in a 0700 folder) by the first to ask.

    OSError or UntrustedFileError when it can be neither read nor made. Two
    processes making it at once agree: the key is linked into place only if
    no file is there yet, and the loser reads the winner's.
    """
    try:
        key = read_untrusted(path, 2 * KEY_BYTES)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_hex(KEY_BYTES).encode())
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
        key = read_untrusted(path, 2 * KEY_BYTES)
    if len(key) != 2 * KEY_BYTES:
        raise UntrustedFileError(f"{path}: refused, not a key of {KEY_BYTES} bytes")
    return key


def seal(data: bytes, key: bytes, label: str) -> bytes:
    """``data`` behind one line that names it and carries its HMAC-SHA256 under ``key``."""
    mac = hmac.new(key, label.encode() + b"\n" + data, hashlib.sha256).hexdigest()
    return f"{label} {mac}\n".encode() + data


def unseal(sealed: bytes, key: bytes, label: str) -> bytes:
    """The data ``seal`` wrapped; ValueError when it was not sealed as ``label`` with ``key``."""
    header, newline, data = sealed.partition(b"\n")
    name, _, mac = header.rpartition(b" ")
    if not newline or name != label.encode():
        raise ValueError(f"not a {label} file")
    expected = hmac.new(key, label.encode() + b"\n" + data, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(mac, expected.encode()):
        raise ValueError("not written by this kit with this machine's key (edited or planted)")
    return data
