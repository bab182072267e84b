"""What the review kit needs to know about GitHub before it talks to it: settings and failures.

Kept apart from the HTTP client (``github_api``) so that settings, the review
tool's exit codes and every source's signature can name them without
importing requests and requests-cache: a review from the bundled snapshot
never loads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ...errors import ReviewKitError

DEFAULT_API_URL = "https://api.github.com"
# Largest decoded body accepted: a files page of 100 rows with patches is a few
# MB; anything near this is a fault (or a gzip bomb), not data.
MAX_BODY = 64 << 20


class PullRequestNotFound(ReviewKitError):
    """GitHub says there is no such pull request (exit code 3)."""


class PostRefused(ReviewKitError):
    """Posting would be wrong: the head moved, or this head has the kit's review already."""


class NetworkError(ReviewKitError):
    """GitHub could not be reached or refused us, and no cache could stand in (exit code 4)."""


@dataclass
class GitHubSettings:
    api_url: str = DEFAULT_API_URL
    token: str | None = None
    cache_dir: Path = Path(".cache")
    # Where what the cache directory must not hold lives (the findings memo's
    # seal key); None: no findings memo is read or written.
    state_dir: Path | None = None
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 0.5
    # Longest wait for a rate-limit reset or Retry-After before falling back to
    # the cache: a build should not hang for the rest of the hour.
    max_wait: float = 10.0
    # Largest decoded answer, in bytes.
    max_body: int = MAX_BODY
    # Log level of a fallback notice ("info" or "warning"; see sources/github.py).
    notice_level: str = "info"


def redact(text: str, token: str | None) -> str:
    return text.replace(token, "***") if token else text


def host_of(url: str) -> str:
    """``host[:port]`` of a URL, without any user info: what messages may name."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "the API host"
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{port}" if port else host or "the API host"
