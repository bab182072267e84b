"""The on-disk HTTP cache every GitHub request goes through.

requests-cache stores each answer and revalidates it with its ETag, so an
unchanged PR costs only 304s (free against GitHub's rate limit); the same
store is what a build falls back on when GitHub cannot answer. A cache SQLite
reports corrupt is moved aside with one warning; anything else that stops it
(a read-only folder, a full disk, a planted symlink or FIFO) means one line at
the notice level and a run without the cache, the stored copy left as it is.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import requests
import requests_cache

from ...untrusted_files import UntrustedFileError, refuse_unless_regular

# Its own name, so the review tool can show its notices at INFO (see cli.py).
log = logging.getLogger("review_kit.cache")

DB_NAME = "github-http"
# The files SQLite opens beside the database, following symlinks and blocking
# on FIFOs: a -shm symlink made requests-cache retry a lock forever.
SQLITE_FILES = ("", "-wal", "-shm", "-journal")
# What may be kept: (url, body) -> whether it has the shape GitHub gives that URL.
Validator = Callable[[str, bytes], bool]


class _ValidatedCache(requests_cache.SQLiteCache):
    """An HTTP cache that keeps its last good copy when GitHub sends a bad body.

    Only a body of the right shape replaces what is stored: requests-cache's
    ``filter_fn`` would delete the stored entry instead, losing exactly the copy
    a later fallback needs. A database error mid-run costs the cache, not the run.
    """

    def __init__(
        self, db_path: str, validate: Validator, level: int = logging.WARNING, **kwargs
    ) -> None:
        self.validate = validate
        self.level = level
        self._told = False  # one line per run, not one per answer, on a full disk
        super().__init__(db_path, **kwargs)

    def save_response(self, response, cache_key=None, expires=None):
        # A stored answer that a 304 just confirmed is saved again (new
        # headers and date); its body passed this check when it was stored,
        # and parsing every body of a warm build again cost most of its time.
        confirmed = isinstance(response, requests_cache.CachedResponse)
        if not confirmed and not self.validate(response.url, response.content):
            return
        try:
            super().save_response(response, cache_key, expires)
        except sqlite3.Error as exc:
            if not self._told:
                self._told = True
                log.log(self.level, "HTTP cache %s: cannot store answers (%s)", self.db_path, exc)

    def get_response(self, key, default=None):
        try:
            return super().get_response(key, default)
        except sqlite3.Error:
            return default


def _open(cache_dir: Path, validate: Validator, level: int) -> requests_cache.BaseCache:
    # Losing the last writes of a crashed build only costs a refetch;
    # without fast_save every response waits for an fsync.
    backend = _ValidatedCache(str(cache_dir / DB_NAME), validate, level, fast_save=True, wal=True)
    with backend.responses.connection(commit=True) as connection:
        verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(verdict)
        connection.execute("CREATE TABLE IF NOT EXISTS rk_probe (x)")
        connection.execute("DROP TABLE rk_probe")
    return backend


def _move_aside(database: Path) -> Path | None:
    aside = database.with_name(f"{database.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        database.rename(aside)
        for suffix in ("-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
    except OSError:
        return None
    return aside


def _corrupt(exc: Exception) -> bool:
    """Whether SQLite says the file itself is bad (not a database, malformed, failed check).

    Python raises plain DatabaseError for SQLITE_CORRUPT and SQLITE_NOTADB, and
    its subclasses (OperationalError) for a read-only folder, a full disk or a
    lock: those say nothing against the stored copy, which must survive them.
    """
    return type(exc) is sqlite3.DatabaseError


def open_backend(
    cache_dir: Path, validate: Validator, level: int = logging.WARNING
) -> requests_cache.BaseCache:
    """The SQLite cache; else, after moving a corrupt one aside, a fresh one; else memory.

    ``level`` is how a run without the cache is logged (the build's notice
    level: a strict build need not fail over a cache it can do without); a
    corrupt cache moved aside is always a warning.
    """
    database = cache_dir / f"{DB_NAME}.sqlite"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        # The cache only saves requests and stands in for GitHub: not a reason to stop.
        log.log(
            level,
            "HTTP cache %s: cannot create (%s); working without a cache",
            cache_dir,
            exc.strerror,
        )
        return requests_cache.BaseCache()
    try:
        for suffix in SQLITE_FILES:
            refuse_unless_regular(database.with_name(database.name + suffix), directory_ok=True)
    except UntrustedFileError as exc:
        log.log(level, "HTTP cache %s: working without a cache", exc)
        return requests_cache.BaseCache()
    try:
        return _open(cache_dir, validate, level)
    except (sqlite3.Error, OSError) as exc:
        cause = " ".join(str(exc).split()) or type(exc).__name__
        # A directory in the database's place holds no cache to lose.
        corrupt = _corrupt(exc) or (database.is_dir() and not database.is_symlink())
    aside = _move_aside(database) if corrupt and database.exists() else None
    if aside is not None:
        try:
            backend = _open(cache_dir, validate, level)
        except (sqlite3.Error, OSError):
            pass
        else:
            log.warning(
                "HTTP cache %s is unusable (%s); moved it to %s and started a new one",
                database,
                cause,
                aside.name,
            )
            return backend
    log.log(
        logging.WARNING if corrupt else level,
        "HTTP cache %s is unusable (%s); working without a cache",
        database,
        cause,
    )
    return requests_cache.BaseCache()


_SHA = "[0-9a-f]" * 40

# What GitHub serves at a full commit SHA cannot change: a tree, a file's
# contents at ``ref=<sha>``, a blob by its SHA. Once stored, those are answered from the cache
# without asking (glob patterns, matched by requests-cache against the URL).
IMMUTABLE_URLS = (
    f"*/git/trees/{_SHA}?*",
    f"*/contents/*?ref={_SHA}",
    # A blob is named by the hash of its content.
    f"*/git/blobs/{_SHA}",
)


def open_cached_session(
    cache_dir: Path, validate: Validator, level: int = logging.WARNING
) -> requests_cache.CachedSession:
    return requests_cache.CachedSession(
        backend=open_backend(cache_dir, validate, level),
        # Store everything, but revalidate on every use: an ETag request
        # answered 304 is free against the primary rate limit.
        expire_after=requests_cache.EXPIRE_IMMEDIATELY,
        urls_expire_after={pattern: requests_cache.NEVER_EXPIRE for pattern in IMMUTABLE_URLS},
        allowable_codes=(200,),
        cache_control=False,
    )


def stored_response(session: requests_cache.CachedSession, url: str):
    """The last stored answer for a GET of ``url``, without asking the network."""
    request = requests.Request("GET", url, headers=dict(session.headers)).prepare()
    return session.cache.get_response(session.cache.create_key(request))
