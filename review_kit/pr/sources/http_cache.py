"""The on-disk HTTP cache every GitHub request goes through.

requests-cache stores each answer and revalidates it with its ETag, so an
unchanged PR costs only 304s (free against GitHub's rate limit); the same
store is what a build falls back on when GitHub cannot answer.
"""

from __future__ import annotations

import json
from pathlib import Path

import requests
import requests_cache


class _JsonOnlyCache(requests_cache.SQLiteCache):
    """An HTTP cache that keeps its last good copy when GitHub sends a broken body.

    requests-cache's ``filter_fn`` would delete the stored entry instead,
    losing exactly the copy a later fallback needs.
    """

    def save_response(self, response, cache_key=None, expires=None):
        try:
            json.loads(response.content)
        except ValueError:
            return
        super().save_response(response, cache_key, expires)


def open_cached_session(cache_dir: Path) -> requests_cache.CachedSession:
    return requests_cache.CachedSession(
        # Losing the last writes of a crashed build only costs a refetch;
        # without fast_save every response waits for an fsync.
        backend=_JsonOnlyCache(str(cache_dir / "github-http"), fast_save=True, wal=True),
        # Store everything, but revalidate on every use: an ETag request
        # answered 304 is free against the primary rate limit.
        expire_after=requests_cache.EXPIRE_IMMEDIATELY,
        allowable_codes=(200,),
        cache_control=False,
    )


def stored_response(session: requests_cache.CachedSession, url: str):
    """The last stored answer for a GET of ``url``, without asking the network."""
    request = requests.Request("GET", url, headers=dict(session.headers)).prepare()
    return session.cache.get_response(session.cache.create_key(request))
