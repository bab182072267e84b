"""Fetch a pull request and its changed files from GitHub's REST API.

requests-cache keeps every response on disk and revalidates it with its ETag,
so an unchanged PR costs only 304s; urllib3's ``Retry`` retries connection
errors and 5xx with backoff. Rate limits (403/429) are waited out here, up to
a bound, because their reset time is in headers urllib3 does not read. When
GitHub cannot answer, the last cached copy is used and the page says so.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ... import __version__
from ...errors import ReviewKitError
from ..model import GITHUB_FILES_CAP, PullRequest, pull_request_from_api
from .http_cache import open_cached_session, stored_response

log = logging.getLogger("review_kit.github")

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
PER_PAGE = 100  # GitHub's maximum for the files endpoint


class PullRequestNotFound(ReviewKitError):
    """GitHub says there is no such pull request (exit code 3)."""


class NetworkError(ReviewKitError):
    """GitHub could not be reached or refused us, and no cache could stand in (exit code 4)."""


@dataclass
class GitHubSettings:
    api_url: str = DEFAULT_API_URL
    token: str | None = None
    cache_dir: Path = Path(".cache")
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 0.5
    # Longest wait for a rate-limit reset or Retry-After before falling back to
    # the cache: a build should not hang for the rest of the hour.
    max_wait: float = 10.0


@dataclass
class RequestLog:
    """What the client asked for, for the notes and benchmarks (never the token)."""

    sent: int = 0
    not_modified: int = 0
    from_cache_fallback: int = 0
    waits: list[float] = field(default_factory=list)


def redact(text: str, token: str | None) -> str:
    return text.replace(token, "***") if token else text


class GitHubClient:
    """A small client for the two endpoints the kit needs."""

    def __init__(self, settings: GitHubSettings) -> None:
        self.settings = settings
        self.log = RequestLog()
        try:
            settings.cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ReviewKitError(
                f"REVIEW_CACHE_DIR {settings.cache_dir}: cannot create ({exc.strerror})"
            ) from None
        self.session = open_cached_session(settings.cache_dir)
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
        adapter = HTTPAdapter(max_retries=retry, pool_maxsize=16)
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
        """Seconds to wait before retrying a rate-limited response, or None to give up."""
        headers = response.headers
        if response.status_code not in (403, 429):
            return None
        wait: float | None = None
        if "Retry-After" in headers:
            try:
                wait = float(headers["Retry-After"])
            except ValueError:
                wait = None
        elif headers.get("X-RateLimit-Remaining") == "0" and "X-RateLimit-Reset" in headers:
            try:
                wait = max(0.0, float(headers["X-RateLimit-Reset"]) - time.time()) + 1
            except ValueError:
                wait = None
        elif response.status_code == 429:
            wait = 1.0
        if wait is None or wait > self.settings.max_wait:
            return None
        return wait

    def _get(self, url: str, what: str) -> requests.Response:
        waits_left = 2  # rate-limit waits per request, each within max_wait
        while True:
            try:
                response = self.session.get(url, timeout=self.settings.timeout)
            except requests.exceptions.RequestException as exc:
                # After urllib3's retries a read timeout surfaces as a
                # ConnectionError; the user needs to know it was slowness.
                if isinstance(exc, requests.exceptions.Timeout) or "Read timed out" in str(exc):
                    raise NetworkError(
                        f"{what}: GitHub did not answer within {self.settings.timeout:g}s"
                    ) from None
                raise NetworkError(f"{what}: cannot reach {self._host()} ({_cause(exc)})") from None
            # Every call reaches GitHub: responses are stored expired, so a
            # cached one is only ever returned after a 304 revalidation.
            self.log.sent += 1
            if getattr(response, "revalidated", False):
                self.log.not_modified += 1
            wait = self._wait_for_rate_limit(response)
            if wait is None or waits_left == 0:
                return self._checked(response, what)
            waits_left -= 1
            log.info("%s: rate limited; retrying in %.1fs", what, wait)
            self.log.waits.append(wait)
            time.sleep(wait)

    def _host(self) -> str:
        return urlsplit(self.settings.api_url).netloc or self.settings.api_url

    def _checked(self, response: requests.Response, what: str) -> requests.Response:
        status = response.status_code
        if status == 200:
            return response
        message = _github_message(response)
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
            reset = response.headers.get("X-RateLimit-Reset")
            when = ""
            if reset and reset.isdigit():
                when = f", resets at {datetime.fromtimestamp(int(reset), UTC):%H:%M:%S} UTC"
            raise NetworkError(f"{what}: GitHub rate limit exhausted ({status}{when})")
        if status == 403:
            raise NetworkError(f"{what}: GitHub refused access (403{message})")
        raise NetworkError(f"{what}: GitHub answered {status}{message}")

    def _json(self, response: requests.Response, what: str):
        try:
            return response.json()
        except ValueError:
            raise NetworkError(f"{what}: GitHub sent malformed JSON") from None

    def get_json(self, url: str, what: str):
        """One GET on the API's host through the cache (ETag revalidation), as parsed JSON."""
        return self._json(self._get(url, what), what)

    # -- a whole pull request ----------------------------------------------

    def _pull_urls(self, repo: str, number: int) -> tuple[str, str]:
        base = f"{self.settings.api_url}/repos/{repo}/pulls/{number}"
        return base, f"{base}/files?per_page={PER_PAGE}"

    def fetch(self, repo: str, number: int) -> PullRequest:
        """The PR and every listed file, following ``Link: rel="next"`` to the end."""
        what = f"PR #{number} of {repo}"
        pull_url, files_url = self._pull_urls(repo, number)
        pull = self._json(self._get(pull_url, what), what)
        files: list = []
        url: str | None = files_url
        while url and len(files) < GITHUB_FILES_CAP:
            response = self._get(url, what)
            page = self._json(response, what)
            if not isinstance(page, list):
                raise NetworkError(f"{what}: GitHub sent a files page that is not a list")
            files.extend(page)
            url = self._next_url(response, what)
        pr = pull_request_from_api(pull, files[:GITHUB_FILES_CAP], repo, what, source="api")
        pr.fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
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
        files: list = []
        url: str | None = files_url
        while url:
            response = self._cached_response(url)
            if response is None:
                return None
            try:
                files.extend(json.loads(response.content))
            except ValueError:
                return None
            url = self._next_url(response, what)
        try:
            pull = json.loads(pull_response.content)
        except ValueError:
            return None
        pr = pull_request_from_api(pull, files[:GITHUB_FILES_CAP], repo, what, source="cache")
        pr.fetched_at = pull_response.created_at.astimezone(UTC).isoformat(timespec="seconds")
        return pr

    def _cached_response(self, url: str):
        return stored_response(self.session, url)


def _github_message(response: requests.Response) -> str:
    try:
        message = response.json().get("message")
    except (ValueError, AttributeError):
        return ""
    return f": {' '.join(str(message).split())[:120]}" if message else ""


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
