"""The one place the kit writes to GitHub: posting a review, after checking it still fits.

``--post`` re-reads the PR's head (the review must be about the commit it
was made at), looks for the kit's marker on the reviews already there (one
review per head), then posts. Reads here bypass the HTTP cache: a stale
answer would defeat both checks. The token goes in a header and nowhere
else; GitHub's messages are quoted with it redacted.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

from ... import __version__
from ...errors import ReviewKitError, strip_terminal_sequences
from .github_api import (
    API_VERSION,
    MAX_BODY,
    GitHubSettings,
    NetworkError,
    _github_message,
    parse_json,
    redact,
)

# Pages of existing reviews read at most (100 each) before giving up.
MAX_REVIEW_PAGES = 30


class PostRefused(ReviewKitError):
    """Posting would be wrong: the head moved, or this head has the kit's review already."""


class ReviewPoster:
    def __init__(self, settings: GitHubSettings) -> None:
        if not settings.token:
            raise ReviewKitError("--post needs a token: set GITHUB_TOKEN or GH_TOKEN")
        self.settings = settings
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": f"vllm-omni-review-kit/{__version__}",
                "Authorization": f"Bearer {settings.token}",
            }
        )

    def close(self) -> None:
        self.session.close()

    def _request(self, method: str, url: str, what: str, **kwargs) -> requests.Response:
        try:
            response = self.session.request(method, url, timeout=self.settings.timeout, **kwargs)
        except requests.exceptions.RequestException as exc:
            raise NetworkError(f"{what}: cannot reach GitHub ({type(exc).__name__})") from None
        if response.status_code not in (200, 201):
            message = redact(_github_message(response) + _errors(response), self.settings.token)
            raise NetworkError(f"{what}: GitHub answered {response.status_code}{message}")
        return response

    def _json(self, response: requests.Response, what: str) -> Any:
        try:
            return parse_json(response.content[:MAX_BODY])
        except ValueError:
            raise NetworkError(f"{what}: GitHub sent malformed JSON") from None

    def head_sha(self, repo: str, number: int) -> str:
        what = f"PR #{number} of {repo}"
        url = f"{self.settings.api_url}/repos/{repo}/pulls/{number}"
        pull = self._json(self._request("GET", url, what), what)
        head = pull.get("head") if isinstance(pull, dict) else None
        sha = head.get("sha") if isinstance(head, dict) else None
        if not isinstance(sha, str):
            raise NetworkError(f"{what}: GitHub's answer names no head commit")
        return sha

    def review_bodies(self, repo: str, number: int) -> list[str]:
        """The bodies of every review on the PR, following ``rel="next"`` on the API's host."""
        what = f"reviews of PR #{number} of {repo}"
        url: str | None = (
            f"{self.settings.api_url}/repos/{repo}/pulls/{number}/reviews?per_page=100"
        )
        base = urlsplit(self.settings.api_url)
        bodies: list[str] = []
        for _ in range(MAX_REVIEW_PAGES):
            if url is None:
                return bodies
            response = self._request("GET", url, what)
            rows = self._json(response, what)
            if not isinstance(rows, list):
                raise NetworkError(f"{what}: GitHub sent a page that is not a list")
            bodies += [
                r["body"] for r in rows if isinstance(r, dict) and isinstance(r.get("body"), str)
            ]
            url = response.links.get("next", {}).get("url")
            if url is not None and urlsplit(url)[:2] != base[:2]:
                raise NetworkError(f"{what}: GitHub's next-page link points to another host")
        raise NetworkError(f"{what}: more than {MAX_REVIEW_PAGES} pages of reviews")

    def post(
        self, repo: str, number: int, review: dict[str, Any], analysed_head: str, marker: str
    ) -> dict[str, Any]:
        """Post ``review`` unless the head moved from ``analysed_head`` or ``marker`` is there."""
        head = self.head_sha(repo, number)
        if head != analysed_head:
            raise PostRefused(
                f"PR #{number} of {repo}: its head moved from {analysed_head[:7]} to {head[:7]} "
                "since the analysis; nothing posted (run again to review the new head)"
            )
        if any(marker in body for body in self.review_bodies(repo, number)):
            raise PostRefused(
                f"PR #{number} of {repo}: the kit's review of head {head[:7]} is already "
                "posted; nothing posted"
            )
        what = f"posting the review of PR #{number} of {repo}"
        url = f"{self.settings.api_url}/repos/{repo}/pulls/{number}/reviews"
        created = self._json(self._request("POST", url, what, json=review), what)
        return created if isinstance(created, dict) else {}


def _errors(response: requests.Response) -> str:
    """GitHub's ``errors`` list on a 422 (which line it refused), as one short printable line."""
    try:
        errors = parse_json(response.content[:65536]).get("errors")
    except (ValueError, AttributeError):
        return ""
    if not isinstance(errors, list) or not errors:
        return ""
    first = errors[0] if isinstance(errors[0], str) else str(errors[0])
    text = " ".join("".join(c for c in strip_terminal_sequences(first) if c.isprintable()).split())
    return f" ({text[:160]})"
