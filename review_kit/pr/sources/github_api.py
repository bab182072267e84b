"""Fetch a pull request and its changed files from GitHub's REST API.

requests-cache keeps every response on disk and revalidates it with its ETag,
so an unchanged PR costs only 304s; urllib3's ``Retry`` retries connection
errors and 5xx with backoff. Rate limits (403/429) are waited out here, up to
a bound, because their reset time is in headers urllib3 does not read. When
GitHub cannot answer, the last cached copy is used and the page says so.
"""

from __future__ import annotations

import base64
import binascii
import logging
import math
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ... import __version__
from ...errors import ReviewKitError, strip_terminal_sequences
from ..json_guard import parse_json
from ..model import GITHUB_FILES_CAP, PullRequest, check_file, check_pull, pull_request_from_api
from ..provenance import CACHED, LIVE, Provenance
from .github_settings import (
    GitHubSettings,
    NetworkError,
    PullRequestNotFound,
    host_of,
    redact,
)
from .http_cache import open_cached_session, stored_response

log = logging.getLogger("review_kit.github")

API_VERSION = "2022-11-28"
PER_PAGE = 100  # GitHub's maximum for the files endpoint
MAX_PAGES = GITHUB_FILES_CAP // PER_PAGE  # 30 pages of 100: all GitHub ever lists
# The longest wait a rate-limit header can ask for before it is read as nonsense.
_SECONDS = re.compile(r"[0-9]{1,12}")
_BLOB_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


@dataclass
class RequestLog:
    """What the client asked for, for the notes and benchmarks (never the token)."""

    sent: int = 0
    not_modified: int = 0
    from_cache_fallback: int = 0
    waits: list[float] = field(default_factory=list)


class BodyTooLarge(requests.exceptions.RequestException):
    pass


class DeadlinePassed(requests.exceptions.Timeout):
    pass


class _BoundedAdapter(HTTPAdapter):
    """Reads every body itself: at most ``max_body`` decoded bytes, done by a deadline.

    urllib3's read timeout is per ``recv``: a server trickling a byte a second
    never trips it. A timer shuts the socket down when the whole answer is not
    in by the deadline; decoding in chunks stops a gzip bomb at the cap.
    """

    def __init__(self, deadline: float, max_body: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.deadline, self.max_body = deadline, max_body

    def send(self, request, stream=False, timeout=None, **kwargs):
        started = time.monotonic()
        # A caller with a deadline of its own asks for a shorter timeout: the
        # whole answer must then be in by that, not by the usual deadline.
        budget = min(self.deadline, timeout) if isinstance(timeout, int | float) else self.deadline
        response = super().send(request, stream=True, timeout=timeout, **kwargs)
        declared = response.headers.get("Content-Length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > self.max_body:
            response.close()
            raise BodyTooLarge(f"larger than {self.max_body >> 20} MiB")
        expired = threading.Event()

        def cut() -> None:
            expired.set()
            _shutdown(response)

        timer = threading.Timer(max(0.0, budget - (time.monotonic() - started)), cut)
        timer.daemon = True
        timer.start()
        chunks, size = [], 0
        try:
            for chunk in response.raw.stream(65536, decode_content=True):
                size += len(chunk)
                if size > self.max_body:
                    raise BodyTooLarge(f"larger than {self.max_body >> 20} MiB")
                chunks.append(chunk)
        except BodyTooLarge:
            response.close()
            raise
        except Exception as exc:
            response.close()
            if expired.is_set():
                raise DeadlinePassed("deadline passed") from None
            raise requests.exceptions.ConnectionError(str(exc)) from None
        finally:
            timer.cancel()
        if expired.is_set():
            raise DeadlinePassed("deadline passed")
        response._content = b"".join(chunks)
        response._content_consumed = True
        return response


def _shutdown(response: requests.Response) -> None:
    import socket

    try:
        connection = response.raw.connection  # urllib3 2: the HTTPConnection
        if connection is None:
            raise AttributeError("no connection")
        connection.sock.shutdown(socket.SHUT_RDWR)
    except (AttributeError, OSError):
        response.raw.close()


def valid_answer(url: str, content: bytes) -> bool:
    """Whether ``content`` has the shape GitHub gives ``url``: what the cache may keep."""
    try:
        data = parse_json(content)
        path = urlsplit(url).path
        # Repository data (contracts, CI map) read through the same cache.
        if "/git/trees/" in path:
            return isinstance(data, dict) and isinstance(data.get("tree"), list)
        if "/contents/" in path:
            return isinstance(data, dict) and isinstance(data.get("content"), str)
        if "/git/blobs/" in path:
            return (
                isinstance(data, dict)
                and data.get("encoding") == "base64"
                and isinstance(data.get("content"), str)
                and data.get("sha") == path.rsplit("/", 1)[-1]
            )
        if path.endswith("/files"):
            if not isinstance(data, list):
                return False
            for entry in data:
                check_file(entry, url)
        else:
            record = check_pull(data, url)
            if str(record.number) != urlsplit(url).path.rsplit("/", 1)[-1]:
                return False
    except (ValueError, ReviewKitError):
        return False
    return True


class GitHubClient:
    """A small client for the two endpoints the kit needs."""

    def __init__(self, settings: GitHubSettings) -> None:
        self.settings = settings
        self.log = RequestLog()
        # A run without the cache is a data notice like any fallback: logged at
        # the build's notice level, so a strict build does not fail over it.
        level = logging.WARNING if settings.notice_level == "warning" else logging.INFO
        self.session = open_cached_session(settings.cache_dir, valid_answer, level)
        retry = Retry(
            total=settings.retries,
            connect=settings.retries,
            read=settings.retries,
            status=settings.retries,
            backoff_factor=settings.backoff,
            status_forcelist=(500, 502, 503, 504),
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=False,
            raise_on_status=False,
        )
        adapter = _BoundedAdapter(
            settings.timeout, settings.max_body, max_retries=retry, pool_maxsize=16
        )
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers.update(
            {
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": f"vllm-omni-review-kit/{__version__}",
            }
        )
        if settings.token:
            self.session.headers["Authorization"] = f"Bearer {settings.token}"

    def close(self) -> None:
        self.session.close()

    # -- one request -------------------------------------------------------

    def _wait_for_rate_limit(self, response: requests.Response) -> float | None:
        """Seconds to wait before retrying a rate-limited response, or None to give up.

        Header values are the server's: only ASCII digits count, a negative wait
        is no wait, and anything longer than ``max_wait`` means fall back.
        """
        headers = response.headers
        if response.status_code not in (403, 429):
            return None
        wait: float | None = None
        if "Retry-After" in headers:
            wait = _seconds(headers["Retry-After"])
        elif headers.get("X-RateLimit-Remaining") == "0" and "X-RateLimit-Reset" in headers:
            reset = _seconds(headers["X-RateLimit-Reset"])
            wait = None if reset is None else max(0.0, reset - time.time()) + 1
        elif response.status_code == 429:
            wait = 1.0
        if wait is None or not math.isfinite(wait) or wait > self.settings.max_wait:
            return None
        return max(0.0, wait)

    def _get(self, url: str, what: str, until: float | None = None) -> requests.Response:
        """``until``: a ``time.monotonic()`` by which the answer must be in (a whole
        fetch's deadline); the request's own timeout shrinks to fit it."""
        waits_left = 2  # rate-limit waits per request, each within max_wait
        while True:
            timeout = self.settings.timeout
            if until is not None:
                timeout = min(timeout, until - time.monotonic())
                if timeout <= 0:
                    raise NetworkError(f"{what}: not asked, the fetch's deadline had passed")
            try:
                response = self.session.get(url, timeout=timeout)
            except requests.exceptions.RequestException as exc:
                # After urllib3's retries a read timeout surfaces as a
                # ConnectionError; the user needs to know it was slowness.
                if isinstance(exc, BodyTooLarge):
                    raise NetworkError(f"{what}: GitHub sent an answer {exc}") from None
                if isinstance(exc, requests.exceptions.Timeout) or "Read timed out" in str(exc):
                    raise NetworkError(
                        f"{what}: GitHub did not answer within {timeout:.3g}s"
                    ) from None
                raise NetworkError(f"{what}: cannot reach {self._host()} ({_cause(exc)})") from None
            # Responses are stored expired, so a cached one is returned only
            # after a 304 revalidation; except what a commit SHA pins
            # (http_cache.IMMUTABLE_URLS), which is answered without asking.
            revalidated = getattr(response, "revalidated", False)
            if revalidated or not getattr(response, "from_cache", False):
                self.log.sent += 1
            if revalidated:
                self.log.not_modified += 1
            wait = self._wait_for_rate_limit(response)
            if wait is not None and until is not None and time.monotonic() + wait > until:
                wait = None  # no time left to wait out a rate limit
            if wait is None or waits_left == 0:
                return self._checked(response, what)
            waits_left -= 1
            log.info("%s: rate limited; retrying in %.1fs", what, wait)
            self.log.waits.append(wait)
            time.sleep(wait)

    def _host(self) -> str:
        return host_of(self.settings.api_url)

    def _checked(self, response: requests.Response, what: str) -> requests.Response:
        status = response.status_code
        if status == 200:
            return response
        message = redact(_github_message(response), self.settings.token)
        if status == 404:
            raise PullRequestNotFound(f"{what}: not found on {self._host()} (404{message})")
        if status == 401:
            raise NetworkError(
                f"{what}: GitHub rejected the token (401{message}); check GITHUB_TOKEN or GH_TOKEN"
            )
        if status in (403, 429) and (
            response.headers.get("X-RateLimit-Remaining") == "0"
            or "Retry-After" in response.headers
            or status == 429
        ):
            reset = _seconds(response.headers.get("X-RateLimit-Reset", ""))
            when = ""
            if reset is not None and time.time() - 86400 < reset < time.time() + 86400:
                when = f", resets at {datetime.fromtimestamp(reset, UTC):%H:%M:%S} UTC"
            raise NetworkError(f"{what}: GitHub rate limit exhausted ({status}{when})")
        if status == 403:
            raise NetworkError(f"{what}: GitHub refused access (403{message})")
        raise NetworkError(f"{what}: GitHub answered {status}{message}")

    def _json(self, response: requests.Response, what: str):
        try:
            return parse_json(response.content)
        except ValueError:
            raise NetworkError(f"{what}: GitHub sent malformed JSON") from None

    def get_json(self, url: str, what: str, until: float | None = None):
        """One GET on the API's host through the cache (ETag revalidation), as parsed JSON.

        ``until`` (``time.monotonic()``) bounds it as part of a larger fetch.
        """
        return self._json(self._get(url, what, until), what)

    def blob_texts(
        self, repo: str, shas: dict[str, str], workers: int = 8
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Files' texts by blob SHA (path -> SHA), fetched concurrently; (texts, path -> why not).

        A blob is immutable, so its answer is cached for good
        (``http_cache.IMMUTABLE_URLS``) and a rebuild asks nothing. A blob
        GitHub will not give is a missing text with its reason, never a
        failed review: the hunk rules still run.
        """
        asked = {p: sha for p, sha in shas.items() if _BLOB_SHA.fullmatch(sha)}
        missing = {p: "no valid blob SHA" for p in shas if p not in asked}

        def one(item: tuple[str, str]) -> tuple[str, str | None, str]:
            path, sha = item
            try:
                data = self.get_json(f"{self.settings.api_url}/repos/{repo}/git/blobs/{sha}", path)
            except ReviewKitError as exc:
                return path, None, redact(str(exc), self.settings.token)
            if not isinstance(data, dict) or data.get("encoding") != "base64":
                return path, None, "GitHub sent no base64 content for the blob"
            try:
                raw = base64.b64decode(str(data.get("content", "")), validate=False)
            except (ValueError, binascii.Error):
                return path, None, "GitHub sent a blob that is not base64"
            return path, raw.decode("utf-8", "surrogateescape"), ""

        texts: dict[str, str] = {}
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for path, text, why in pool.map(one, asked.items()):
                if text is None:
                    missing[path] = why
                else:
                    texts[path] = text
        return texts, missing

    # -- a whole pull request ----------------------------------------------

    def _pull_urls(self, repo: str, number: int) -> tuple[str, str]:
        base = f"{self.settings.api_url}/repos/{repo}/pulls/{number}"
        return base, f"{base}/files?per_page={PER_PAGE}"

    def fetch(self, repo: str, number: int) -> PullRequest:
        """The PR and every listed file, following ``Link: rel="next"`` to the end."""
        what = f"PR #{number} of {repo}"
        pull_url, files_url = self._pull_urls(repo, number)
        pull = self._json(self._get(pull_url, what), what)

        def page(url: str):
            response = self._get(url, what)
            rows = self._json(response, what)
            if not isinstance(rows, list):
                raise NetworkError(f"{what}: GitHub sent a files page that is not a list")
            return rows, response

        files, ended_early = self._walk(files_url, page, what)
        pr = self._pull_request(pull, files, repo, number, what, LIVE, ended_early)
        pr.fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
        return pr

    def _walk(self, first_url: str, page, what: str) -> tuple[list, str | None]:
        """Every row of a paginated list, and why it ended early (None if it did not).

        Live or from the cache, a walk stops at a URL it has already visited, at
        an empty page, and at GitHub's documented maxima (30 pages, 3000 files).
        """
        rows: list = []
        visited: set[str] = set()
        url: str | None = first_url
        while url:
            if url in visited:
                return rows, "a next-page link pointed back to a page already read"
            if len(visited) >= MAX_PAGES or len(rows) >= GITHUB_FILES_CAP:
                return rows[:GITHUB_FILES_CAP], f"GitHub lists at most {MAX_PAGES} pages"
            visited.add(url)
            got = page(url)
            if got is None:
                return rows, "missing"
            batch, response = got
            url = self._next_url(response, what)
            if not batch:
                return rows, ("an empty page linked to another" if url else None)
            rows.extend(batch)
        return rows, None

    def _pull_request(
        self, pull, files, repo: str, number: int, what: str, source: Provenance, ended_early
    ) -> PullRequest:
        try:
            pr = pull_request_from_api(pull, files, repo, what, source=source, number=number)
        except ReviewKitError as exc:
            raise NetworkError(f"GitHub sent {exc}") from None
        if ended_early:
            pr.files_incomplete = True
            pr.notices.append(
                f"The file list is incomplete: {ended_early}, so the walk stopped after "
                f"{len(pr.files)} files; areas and checks may be incomplete."
            )
        return pr

    def _next_url(self, response: requests.Response, what: str) -> str | None:
        """The ``rel="next"`` page, refused unless it is on the API's own host.

        The Authorization header goes with every request: a Link header naming
        another host must not be able to collect the token.
        """
        url = response.links.get("next", {}).get("url")
        if url is None:
            return None
        base, target = urlsplit(self.settings.api_url), urlsplit(url)
        if (target.scheme, target.netloc) != (base.scheme, base.netloc):
            raise NetworkError(f"{what}: GitHub's next-page link points to another host")
        return url

    def cached(self, repo: str, number: int) -> PullRequest | None:
        """The last copy of the PR in the HTTP cache, or None if any page is missing."""
        what = f"PR #{number} of {repo}"
        pull_url, files_url = self._pull_urls(repo, number)
        pull_response = self._cached_response(pull_url)
        if pull_response is None:
            return None

        def page(url: str):
            response = self._cached_response(url)
            if response is None:
                return None
            try:
                rows = parse_json(response.content)
            except ValueError:
                return None
            return (rows, response) if isinstance(rows, list) else None

        try:
            files, ended_early = self._walk(files_url, page, what)
            pull = parse_json(pull_response.content)
        except (ValueError, NetworkError):
            return None
        if ended_early == "missing":
            return None
        try:
            pr = self._pull_request(pull, files, repo, number, what, CACHED, ended_early)
        except NetworkError:
            return None
        pr.fetched_at = pull_response.created_at.astimezone(UTC).isoformat(timespec="seconds")
        return pr

    def _cached_response(self, url: str):
        return stored_response(self.session, url)


def _seconds(text: str) -> float | None:
    """A whole number of seconds from a header: ASCII digits only, else None."""
    text = text.strip()
    return float(text) if _SECONDS.fullmatch(text) else None


def _github_message(response: requests.Response) -> str:
    """GitHub's ``message``, flattened to one printable line (a server's text, not ours)."""
    try:
        message = parse_json(response.content[:65536]).get("message")
    except (ValueError, AttributeError):
        return ""
    text = strip_terminal_sequences(str(message))
    text = "".join(c for c in text if c.isprintable() or c.isspace())
    return f": {' '.join(text.split())[:120]}" if message else ""


# Marker in urllib3's message -> what a user needs to read.
_CAUSES = (
    ("NameResolutionError", "host name not resolved"),
    ("Connection refused", "connection refused"),
    ("timed out", "timed out"),
    ("Max retries exceeded", "retries exhausted"),
)


def _cause(exc: Exception) -> str:
    text = str(exc)
    return next((cause for marker, cause in _CAUSES if marker in text), type(exc).__name__)
