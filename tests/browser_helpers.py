"""Helpers for the browser tests: build the site against a GitHub stand-in, serve it
on 127.0.0.1, and drive Debian's Chromium through Playwright (never a downloaded browser).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO
from conftest import build_site as mkdocs_build

from review_kit.testing.github_stub import GitHubStub, corpus_pr

CHROMIUM = Path("/usr/bin/chromium")
# Quiet, offline and sandbox-free: containers often lack user namespaces, and the
# machine has no network for Chromium's background services to reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO_NAME = "vllm-project/vllm-omni"
ARTIFACTS = REPO / "test-artifacts"


def require_browser() -> None:
    """Skip on a developer machine without Chromium; in CI a missing browser is a failure."""
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is missing (pip install -e '.[test]')"
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run: {problem}", pytrace=False)
    pytest.skip(f"browser tests need Chromium and Playwright: {problem}")


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def new_context(browser, **options):
    """A browser context that reaches only the local server, failing fast on a timeout."""
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(**options)
    # Material asks api.github.com for repository stars; offline that is only noise.
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    context.set_default_timeout(10_000)
    return context


def corpus_record(number: int) -> dict:
    path = FIXTURES / "corpus" / "vllm-omni-prs.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if record["number"] == number:
                return record
    raise LookupError(f"PR #{number} is not in the corpus")


def pr_payload(number: int) -> tuple[dict, list[dict]]:
    """The corpus PR as GitHub would serve it, with blob SHAs; copies, free to modify."""
    pull, files = corpus_pr(corpus_record(number))
    return copy.deepcopy(pull), copy.deepcopy(files)


def build_site(site_dir: Path, cache_dir: Path, pull: dict, files: list[dict], url: str) -> None:
    """`mkdocs build` of the real project, with one PR page served by a GitHub stand-in.

    `url` is where the site is served: Material's instant navigation only takes over
    links whose host and port match the sitemap, which is written from SITE_URL.
    """
    build_site_with(site_dir, cache_dir, [(pull, files)], url)


def build_site_with(
    site_dir: Path,
    cache_dir: Path,
    payloads: list[tuple[dict, list[dict]]],
    url: str,
    repositories: bool = False,
) -> None:
    """`build_site` with several PR pages, in the order given (the index lists them so).

    ``repositories`` serves the bundled contracts and CI map at each PR's base
    commit, so the pages show contracts, suggested reviewers and CI jobs.
    """
    with GitHubStub() as stub:
        for pull, files in payloads:
            stub.add_pr(REPO_NAME, pull, files)
            if repositories and pull.get("base", {}).get("sha"):
                stub.add_repository(REPO_NAME, pull["base"]["sha"])
        # Empty tokens: nothing from the developer's environment reaches the stub.
        done = mkdocs_build(
            site_dir,
            prs=",".join(str(pull["number"]) for pull, _ in payloads),
            api_url=stub.url,
            cache=cache_dir,
            SITE_URL=url,
            GITHUB_TOKEN="",
            GH_TOKEN="",
            # Every rule: PR 19's one finding (a broad except, off by default)
            # is what the pages' finding features are exercised on.
            REVIEW_ALL_RULES="1",
        )
    if done.returncode != 0:
        pytest.fail(f"site build failed:\n{done.stderr[-4000:]}", pytrace=False)


class _Handler(SimpleHTTPRequestHandler):
    no_store = True

    def log_message(self, *args):  # keep test output quiet
        pass

    def end_headers(self):
        # Rebuilt pages must be fetched again, never taken from the browser cache.
        if self.no_store:
            self.send_header("Cache-Control", "no-store")
        super().end_headers()


class _CachingHandler(_Handler):
    # As a real host serves a site: Material's instant navigation rewrites every
    # <link href> to an absolute URL at start-up, and without a cached copy the
    # browser drops the stylesheets while it fetches them again, a flash of
    # unstyled page that no visitor of a cached site sees.
    no_store = False


@contextlib.contextmanager
def serve(directory: Path, cacheable: bool = False) -> Iterator[str]:
    """Serve a site directory on 127.0.0.1 (a secure context, so the clipboard API works).

    The server starts before the build so the build can be told the final URL.
    ``cacheable`` lets the browser cache what it fetched (a site built once, then
    measured as visitors see it); by default nothing is cached, for rebuilds.
    """
    directory.mkdir(parents=True, exist_ok=True)
    handler = _CachingHandler if cacheable else _Handler
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(directory)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def _channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def _luminance(rgb: tuple[float, float, float]) -> float:
    r, g, b = (_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: tuple[float, float, float], bg: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of two opaque sRGB colours."""
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# Effective colours as the user sees them: the text colour blended over the first
# opaque background up the tree, since Material's light greys are translucent.
COLOURS_JS = """
(el) => {
  const parse = (s) => {
    const m = s.match(/[\\d.]+/g).map(Number);
    return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
  };
  let node = el, bg = null;
  const layers = [];
  while (node && node.nodeType === 1) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c[3] > 0) layers.push(c);
    if (c[3] >= 1) break;
    node = node.parentElement;
  }
  bg = [255, 255, 255];
  for (const c of layers.reverse()) {
    bg = bg.map((v, i) => c[i] * c[3] + v * (1 - c[3]));
  }
  const f = parse(getComputedStyle(el).color);
  const fg = bg.map((v, i) => f[i] * f[3] + v * (1 - f[3]));
  return {fg, bg};
}
"""
