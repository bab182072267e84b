"""A stand-in for GitHub's REST API on 127.0.0.1, for tests and benchmarks.

It behaves as GitHub documents for the endpoints the kit uses (a pull, its
files, a recursive git tree, a file's contents at a ref, a blob by SHA): pages of at
most 100 files linked with ``Link: rel="next"``, at most 3000 files in all,
strong ETags answered with 304 (which do not count against the rate limit),
rate-limit headers, and ``Retry-After``. Faults are scripted per request so
tests can stage 401s, 404s, rate limits, 502s, slow answers and bad JSON.

It also takes reviews (``POST /pulls/{n}/reviews``) as GitHub does: it checks
every comment's anchor against the PR's patches with a hunk reader of its own
(not the kit's, so a test proves the kit's check) and answers 422 for one
outside the diff, records what was posted, and lists reviews back, paginated.
The compare endpoint serves what a test registers with ``add_compare``.

It can also misbehave the way a hostile or broken server would: pagination
that cycles, links to itself or never ends (``pagination``), 404 messages that
echo the caller's credentials (``echo_credentials``), gzip bombs and bodies
trickled a byte at a time (``Fault.gzip``, ``Fault.trickle``).
"""

from __future__ import annotations

import base64
import gzip as gzip_codec
import hashlib
import json
import re
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 30
MAX_FILES = 3000
RATE_LIMIT = 5000


@dataclass
class Fault:
    """One scripted answer: a status with headers and body, a delay, or a dropped connection."""

    status: int = 200
    headers: dict = field(default_factory=dict)
    body: bytes | None = None
    delay: float = 0.0
    drop: bool = False
    path_contains: str = ""  # only for requests whose path contains this
    gzip: bool = False  # send the body gzip-compressed (Content-Encoding: gzip)
    trickle: float = 0.0  # seconds between single bytes of the body


@dataclass
class Seen:
    path: str
    headers: dict
    status: int
    seconds: float = 0.0  # time the server spent on the request, latency included


class GitHubStub:
    def __init__(
        self, prs: dict[tuple[str, int], dict] | None = None, prefix: str = "", latency: float = 0.0
    ):
        self.prs = prs or {}
        # (repo, commit) -> {path: file content}: what the trees and contents endpoints serve.
        self.trees: dict[tuple[str, str], dict[str, bytes]] = {}
        # (repo, blob SHA) -> content: what the blobs endpoint serves (trees' files too).
        self.blobs: dict[tuple[str, str], bytes] = {}
        self.prefix = prefix.rstrip("/")
        self.latency = latency
        self.faults: deque[Fault] = deque()
        self.requests: list[Seen] = []
        self.remaining = RATE_LIMIT
        # "github" (as documented), "cycle" (the last page links back to page 1),
        # "self-empty" (every page empty, linking to itself) or "endless" (page
        # n+1 always exists and repeats page 1).
        self.pagination = "github"
        # 404 answers quote the Authorization header back, as a careless proxy might.
        self.echo_credentials = False
        # (repo, number) -> reviews on the PR, as GitHub lists them; POSTs append.
        self.reviews: dict[tuple[str, int], list[dict]] = {}
        # Every review POST's parsed body and the status it was answered with.
        self.posted: list[tuple[dict, int]] = []
        # (repo, number) -> (n, sha): from the n-th read of the pull on, its head is sha
        # (a push between the analysis and --post).
        self.move_head_on_read: dict[tuple[str, int], tuple[int, str]] = {}
        self.pull_reads: dict[tuple[str, int], int] = {}
        # (repo, "old...head") -> the compare answer's files.
        self.compares: dict[tuple[str, str], list[dict]] = {}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        # A short poll interval keeps shutdown (and so each test) fast.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # -- control -----------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{self.prefix}"

    def url_with_credentials(self, user: str, password: str) -> str:
        """The API URL with user info in it, as someone might paste into GITHUB_API_URL."""
        host, port = self.server.server_address[:2]
        return f"http://{user}:{password}@{host}:{port}{self.prefix}"

    def add_pr(self, repo: str, pull: dict, files: list[dict]) -> None:
        self.prs[(repo, pull["number"])] = {"pull": pull, "files": files}

    def add_tree(self, repo: str, commit: str, files: dict[str, str | bytes]) -> None:
        self.trees[(repo, commit)] = {
            path: content.encode() if isinstance(content, str) else content
            for path, content in files.items()
        }

    def add_blobs(self, repo: str, contents: list[str | bytes]) -> list[str]:
        """Serve these file contents by their git blob SHA; returns the SHAs."""
        shas = []
        for content in contents:
            raw = content.encode() if isinstance(content, str) else content
            sha = _blob_sha(raw)
            self.blobs[(repo, sha)] = raw
            shas.append(sha)
        return shas

    def add_repository(self, repo: str, commit: str) -> None:
        """The kit's bundled contracts and CI file, served as the repository at ``commit``."""
        self.add_tree(repo, commit, bundled_repository_files())

    def add_compare(self, repo: str, old: str, head: str, files: list[dict]) -> None:
        self.compares[(repo, f"{old}...{head}")] = files

    def move_head(self, repo: str, number: int, sha: str) -> None:
        """A push to the PR: its head is another commit from now on."""
        self.prs[(repo, number)]["pull"]["head"]["sha"] = sha

    def fail_next(self, *faults: Fault) -> None:
        self.faults.extend(faults)

    def charged(self) -> int:
        """Requests that counted against the rate limit (everything but 304s)."""
        return sum(1 for r in self.requests if r.status != 304)

    def __enter__(self) -> GitHubStub:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- the API -------------------------------------------------------------

    def _git_answer(self, path: str, query: dict) -> tuple[int, object, dict] | None:
        """The trees and contents endpoints, or None for any other path."""
        not_found = (404, {"message": "Not Found"}, {})
        m = re.fullmatch(r"/repos/([^/]+/[^/]+)/git/trees/([^/]+)", path)
        if m:
            files = self.trees.get((m[1], m[2]))
            if files is None:
                return not_found
            recursive = query.get("recursive", ["0"])[0] not in ("0", "false", "")
            entries, folders = [], set()
            for name, content in sorted(files.items()):
                parts = name.split("/")
                for depth in range(1, len(parts)):
                    folders.add("/".join(parts[:depth]))
                if recursive or len(parts) == 1:
                    entries.append(
                        {
                            "path": name,
                            "mode": "100644",
                            "type": "blob",
                            "sha": _blob_sha(content),
                            "size": len(content),
                        }
                    )
            entries += [
                {
                    "path": f,
                    "mode": "040000",
                    "type": "tree",
                    "sha": hashlib.sha1(f.encode()).hexdigest(),
                }
                for f in sorted(folders)
                if recursive or "/" not in f
            ]
            return 200, {"sha": m[2], "tree": entries, "truncated": False}, {}
        m = re.fullmatch(r"/repos/([^/]+/[^/]+)/git/blobs/([^/]+)", path)
        if m:
            content = self.blobs.get((m[1], m[2]))
            if content is None:
                content = next(
                    (
                        c
                        for (repo, _), files in self.trees.items()
                        if repo == m[1]
                        for c in files.values()
                        if _blob_sha(c) == m[2]
                    ),
                    None,
                )
            if content is None:
                return not_found
            # As GitHub documents "Get a blob": base64, wrapped at 60 columns.
            return (
                200,
                {
                    "sha": m[2],
                    "node_id": "B_" + m[2][:12],
                    "size": len(content),
                    "url": f"{self.url}/repos/{m[1]}/git/blobs/{m[2]}",
                    "content": base64.encodebytes(content).decode(),
                    "encoding": "base64",
                },
                {},
            )
        m = re.fullmatch(r"/repos/([^/]+/[^/]+)/contents/(.+)", path)
        if m:
            ref = query.get("ref", [""])[0]
            name = unquote(m[2])
            content = self.trees.get((m[1], ref), {}).get(name)
            if content is None:
                return not_found
            encoded = base64.encodebytes(content).decode()  # GitHub wraps it at 60 columns too
            return (
                200,
                {
                    "type": "file",
                    "encoding": "base64",
                    "path": name,
                    "name": name.rsplit("/", 1)[-1],
                    "sha": _blob_sha(content),
                    "size": len(content),
                    "content": encoded,
                },
                {},
            )
        return None

    def _answer(self, path: str, query: dict, headers=None) -> tuple[int, object, dict]:
        git = self._git_answer(path, query)
        if git is not None:
            return git
        m = re.fullmatch(r"/repos/([^/]+/[^/]+)/compare/([0-9a-f]+\.\.\.[0-9a-f]+)", path)
        if m:
            files = self.compares.get((m[1], m[2]))
            if files is None:
                return 404, {"message": "Not Found"}, {}
            return 200, {"status": "ahead", "files": files, "commits": []}, {}
        m = re.fullmatch(r"/repos/([^/]+/[^/]+)/pulls/(\d+)/reviews", path)
        if m:
            if (m[1], int(m[2])) not in self.prs:
                return 404, {"message": "Not Found"}, {}
            rows = self.reviews.get((m[1], int(m[2])), [])
            return self._page(rows, query, f"{self.url}/repos/{m[1]}/pulls/{m[2]}/reviews")
        m = re.fullmatch(r"/repos/([^/]+/[^/]+)/pulls/(\d+)(/files)?", path)
        if not m:
            return 404, {"message": "Not Found"}, {}
        entry = self.prs.get((m[1], int(m[2])))
        if entry is None:
            message = "Not Found"
            if self.echo_credentials and headers is not None:
                message += f" (you sent {headers.get('Authorization')})"
                if (headers.get("Authorization") or "").startswith("Basic "):
                    message += f" = {base64.b64decode(headers['Authorization'][6:]).decode()}"
            return (
                404,
                {"message": message, "documentation_url": "https://docs.github.com/rest"},
                {},
            )
        if not m[3]:
            key = (m[1], int(m[2]))
            self.pull_reads[key] = self.pull_reads.get(key, 0) + 1
            move = self.move_head_on_read.get(key)
            if move and self.pull_reads[key] >= move[0]:
                entry["pull"]["head"]["sha"] = move[1]
            return 200, entry["pull"], {}
        per_page = min(int(query.get("per_page", [DEFAULT_PER_PAGE])[0]), MAX_PER_PAGE)
        page = max(int(query.get("page", ["1"])[0]), 1)
        files = entry["files"][:MAX_FILES]
        chunk = files[(page - 1) * per_page : page * per_page]
        last = max(1, -(-len(files) // per_page))
        links = []
        base = f"{self.url}/repos/{m[1]}/pulls/{m[2]}/files?per_page={per_page}"
        if self.pagination == "cycle" and page == last:
            return 200, chunk, {"Link": f'<{base}&page=1>; rel="next"'}
        if self.pagination == "self-empty":
            return 200, [], {"Link": f'<{base}&page={page}>; rel="next"'}
        if self.pagination == "endless":
            return 200, files[:per_page], {"Link": f'<{base}&page={page + 1}>; rel="next"'}
        if page < last:
            links.append(f'<{base}&page={page + 1}>; rel="next"')
            links.append(f'<{base}&page={last}>; rel="last"')
        if page > 1:
            links.append(f'<{base}&page={page - 1}>; rel="prev"')
            links.append(f'<{base}&page=1>; rel="first"')
        return 200, chunk, {"Link": ", ".join(links)} if links else {}

    def _page(self, rows: list, query: dict, base: str) -> tuple[int, object, dict]:
        """One page of a list, linked to the next as GitHub does."""
        per_page = min(int(query.get("per_page", [DEFAULT_PER_PAGE])[0]), MAX_PER_PAGE)
        page = max(int(query.get("page", ["1"])[0]), 1)
        last = max(1, -(-len(rows) // per_page))
        links = {}
        if page < last:
            links["Link"] = f'<{base}?per_page={per_page}&page={page + 1}>; rel="next"'
        return 200, rows[(page - 1) * per_page : page * per_page], links

    def _post_review(self, path: str, body: bytes, headers) -> tuple[int, object]:
        """``POST /repos/{repo}/pulls/{n}/reviews``, checked as GitHub checks it."""
        m = re.fullmatch(r"/repos/([^/]+/[^/]+)/pulls/(\d+)/reviews", path)
        entry = self.prs.get((m[1], int(m[2]))) if m else None
        if entry is None:
            return 404, {"message": "Not Found"}
        if not (headers.get("Authorization") or "").startswith(("Bearer ", "token ")):
            return 401, {"message": "Requires authentication"}
        try:
            review = json.loads(body)
        except ValueError:
            return 400, {"message": "Problems parsing JSON"}
        problem = review_problem(review, entry)
        if problem:
            return 422, {
                "message": "Unprocessable Entity",
                "errors": [problem],
                "documentation_url": "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request",
                "status": "422",
            }
        rows = self.reviews.setdefault((m[1], int(m[2])), [])
        created = {
            "id": 1000 + len(rows),
            "user": {"login": "review-kit-tester"},
            "body": review.get("body", ""),
            "state": "COMMENTED" if review.get("event") == "COMMENT" else "PENDING",
            "html_url": f"https://github.com/{m[1]}/pull/{m[2]}#pullrequestreview-{1000 + len(rows)}",
            "commit_id": review.get("commit_id") or entry["pull"]["head"]["sha"],
            "submitted_at": "2026-12-06T10:00:00Z",
            "comments": review.get("comments", []),
        }
        rows.append(created)
        return 200, {k: v for k, v in created.items() if k != "comments"}

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def setup(self):
                super().setup()
                # Headers and body go out in two writes; without this, Nagle's
                # algorithm and delayed ACKs add ~40 ms to every response.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self):
                self.started = time.perf_counter()
                parts = urlsplit(self.path)
                path = parts.path
                if stub.prefix and path.startswith(stub.prefix):
                    path = path[len(stub.prefix) :]
                if stub.latency:
                    time.sleep(stub.latency)
                fault = None
                with stub.lock:
                    if stub.faults and stub.faults[0].path_contains in path:
                        fault = stub.faults.popleft()
                if fault is not None:
                    if fault.delay:
                        time.sleep(fault.delay)
                    if fault.drop:
                        self.close_connection = True
                        self.connection.close()
                        stub._record(path, self.headers, 0, time.perf_counter() - self.started)
                        return
                    if fault.status != 200 or fault.body is not None:
                        body = (
                            fault.body
                            if fault.body is not None
                            else json.dumps({"message": "fault"}).encode()
                        )
                        headers = {"Content-Type": "application/json", **fault.headers}
                        if fault.gzip:
                            body = gzip_codec.compress(body, compresslevel=9)
                            headers["Content-Encoding"] = "gzip"
                        self._send(fault.status, body, headers, path, trickle=fault.trickle)
                        return
                status, payload, extra = stub._answer(path, parse_qs(parts.query), self.headers)
                body = json.dumps(payload).encode()
                etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                headers = {"Content-Type": "application/json; charset=utf-8", **extra}
                if status == 200:
                    headers["ETag"] = etag
                    if self.headers.get("If-None-Match") == etag:
                        self._send(304, b"", {"ETag": etag, **extra}, path)
                        return
                self._send(status, body, headers, path)

            def do_POST(self):
                self.started = time.perf_counter()
                path = urlsplit(self.path).path
                if stub.prefix and path.startswith(stub.prefix):
                    path = path[len(stub.prefix) :]
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                with stub.lock:
                    status, payload = stub._post_review(path, raw, self.headers)
                    try:
                        stub.posted.append((json.loads(raw), status))
                    except ValueError:
                        stub.posted.append(({}, status))
                body = json.dumps(payload).encode()
                self._send(status, body, {"Content-Type": "application/json"}, path)

            def _send(
                self, status: int, body: bytes, headers: dict, path: str, trickle: float = 0.0
            ):
                with stub.lock:
                    if status != 304:
                        stub.remaining = max(0, stub.remaining - 1)
                    remaining = stub.remaining
                # Recorded before the answer goes out: a client that has read
                # its answer must find its request in the log (no race).
                stub._record(path, self.headers, status, time.perf_counter() - self.started)
                self.send_response(status)
                base = {
                    "X-RateLimit-Limit": str(RATE_LIMIT),
                    "X-RateLimit-Remaining": str(remaining),
                    "X-RateLimit-Used": str(RATE_LIMIT - remaining),
                    "X-RateLimit-Reset": str(int(time.time()) + 3600),
                    "X-RateLimit-Resource": "core",
                }
                for key, value in {**base, **headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    if trickle:
                        for byte in body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(trickle)
                    elif body:
                        self.wfile.write(body)
                except OSError:  # the client gave up: that is what trickling tests
                    self.close_connection = True

        return Handler

    def _record(self, path: str, headers, status: int, seconds: float) -> None:
        with self.lock:
            self.requests.append(Seen(path, dict(headers), status, seconds))


_HUNK_HEADER = re.compile(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
# GitHub's limit on a review body, in characters.
BODY_LIMIT = 65536


def right_side_hunks(patch: str) -> list[set[int]]:
    """The new-side line numbers each hunk of a patch shows (added and context lines).

    Written from the unified-diff format, independently of the kit's own
    reader, so that the stand-in checks the kit rather than agreeing with it.
    """
    hunks: list[set[int]] = []
    line = remaining = 0
    for text in patch.split("\n"):
        header = _HUNK_HEADER.match(text)
        if header:
            line = int(header[1])
            remaining = int(header[2]) if header[2] is not None else 1
            hunks.append(set())
        elif hunks and remaining > 0 and text[:1] in (" ", "+"):
            hunks[-1].add(line)
            line += 1
            remaining -= 1
    return hunks


def review_problem(review: object, entry: dict) -> str:
    """Why GitHub would refuse this review (its 422 error), or "" when it takes it."""
    if not isinstance(review, dict):
        return "Invalid request: the body is not an object"
    head = entry["pull"]["head"]["sha"]
    if review.get("commit_id") not in (None, head):
        return "commit_id is not part of the pull request"
    if review.get("event") not in (None, "COMMENT", "APPROVE", "REQUEST_CHANGES"):
        return f"Invalid event {review.get('event')!r}"
    if len(review.get("body") or "") > BODY_LIMIT:
        return f"Body is too long (maximum is {BODY_LIMIT} characters)"
    patches = {f["filename"]: f.get("patch") for f in entry["files"]}
    for comment in review.get("comments") or []:
        path, line = comment.get("path"), comment.get("line")
        start = comment.get("start_line")
        if path not in patches or not patches[path]:
            return "Path could not be resolved"
        if comment.get("side", "RIGHT") != "RIGHT" or not isinstance(line, int):
            return "Line could not be resolved"
        hunk = next((h for h in right_side_hunks(patches[path]) if line in h), None)
        if hunk is None:
            return "Pull request review thread line must be part of the diff"
        if start is not None and not (
            isinstance(start, int) and start < line and all(n in hunk for n in range(start, line))
        ):
            return "Pull request review thread start line must be part of the same hunk as the line"
        if not comment.get("body"):
            return "Body can't be blank"
    return ""


def bundled_repository_files() -> dict[str, str]:
    """The snapshot's contract front matter written back as documents (with a line of
    placeholder prose), and the CI dependency file, by repository path."""
    from ..repo.ci import CI_DEPENDENCIES_PATH
    from ..repo.sources.snapshot import CONTRACTS_SNAPSHOT

    data = json.loads(CONTRACTS_SNAPSHOT.read_text(encoding="utf-8"))
    files = {
        d["path"]: "---\n"
        + yaml.safe_dump(d["front_matter"], sort_keys=False)
        + "---\n\n# Placeholder prose\n"
        for d in data["documents"]
    }
    ci = CONTRACTS_SNAPSHOT.parent / data["ci_dependencies"]["file"]
    files[CI_DEPENDENCIES_PATH] = ci.read_text(encoding="utf-8")
    return files


def _blob_sha(content: bytes) -> str:
    """Git's blob id, as the trees and contents endpoints report it."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def corpus_pr(record: dict) -> tuple[dict, list[dict]]:
    """Split a corpus record into the pull payload and its files, adding blob SHAs as GitHub does.

    The corpus comes from git history and has no descriptions: ``body`` is
    ``null``, as GitHub sends for an empty one, unless the record has one.
    """
    pull = {k: v for k, v in record.items() if k != "files"}
    pull.setdefault("body", None)
    files = []
    for entry in record["files"]:
        sha = hashlib.sha1(f"{record['head']['sha']}:{entry['filename']}".encode()).hexdigest()
        files.append({"sha": sha, **entry})
    return pull, files
