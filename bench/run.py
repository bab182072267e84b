"""``make bench``: the cost of generation, fetching and export, each against a baseline.

Every figure is a ratio to a baseline measured in the same run, because this
machine is shared and noisy; absolute times are printed too, with the machine.
Writes bench/results.json. Traffic goes only to a stand-in GitHub on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from review_kit.analysis import analyse  # noqa: E402
from review_kit.analysis.diff import hunk_digests, parse_patch  # noqa: E402
from review_kit.analysis.linters import lint, may_hit  # noqa: E402
from review_kit.analysis.rules import scan_file  # noqa: E402
from review_kit.catalog.listing import load_tree  # noqa: E402
from review_kit.catalog.loading import load_catalog  # noqa: E402
from review_kit.output.html import render_pr_html  # noqa: E402
from review_kit.output.markdown import render_pr_markdown  # noqa: E402
from review_kit.pr.model import pull_request_from_api  # noqa: E402
from review_kit.pr.sources.github_api import GitHubSettings  # noqa: E402
from review_kit.pr.texts import whole_file  # noqa: E402
from review_kit.site.links import SiteLinks  # noqa: E402
from review_kit.site.plan import fetch, fetch_reviews  # noqa: E402
from review_kit.testing.github_stub import GitHubStub, corpus_pr  # noqa: E402

REPO = "vllm-project/vllm-omni"
CORPUS = ROOT / "tests/fixtures/corpus/vllm-omni-prs.jsonl"
CHILD = ROOT / "bench/build_child.py"
TARGETS = {
    "generation_ratio": 1.3,
    "per_page_ms": 3.0,
    "classify_3000_ms": 20.0,
    # 200 ms before ruff; the linter's process is included since (issue 20).
    "analyse_3000_patched_ms": 300.0,
    "network_wall_over_sum": 1 / 6,
    "warm_charged_requests": 0,
    "serve_requests": 0,
    "pdf_ratio": 4.0,
    "pr_pdf_seconds": 1.5,
}


def load_corpus() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]


def generated_prs(count: int, start: int, seed: int = 0) -> list[dict]:
    """PRs made from real repository paths, for sizes the corpus does not reach."""
    rng = random.Random(seed)
    tree = load_tree()
    records = []
    for number in range(start, start + count):
        files = [
            {
                "filename": path,
                "status": rng.choice(["modified", "added"]),
                "additions": rng.randint(1, 80),
                "deletions": rng.randint(0, 40),
            }
            for path in rng.sample(tree, rng.randint(1, 12))
        ]
        records.append(
            {
                "number": number,
                "title": f"Generated change {number}",
                "user": {"login": "bench"},
                "state": "open",
                "merged": False,
                "html_url": f"https://github.com/{REPO}/pull/{number}",
                "head": {"sha": f"{number:040x}", "ref": f"bench-{number}"},
                "base": {"sha": "0" * 40, "ref": "main"},
                "additions": sum(f["additions"] for f in files),
                "deletions": sum(f["deletions"] for f in files),
                "changed_files": len(files),
                "files": files,
            }
        )
    return records


def stub_with(records: list[dict], latency: float = 0.0) -> GitHubStub:
    stub = GitHubStub(latency=latency)
    for record in records:
        stub.add_pr(REPO, *corpus_pr(record))
        # Contracts and CI map at each base, so warm builds stay all-304.
        stub.add_repository(REPO, record["base"]["sha"])
    return stub


def child_build(project: Path, site: Path, env: dict) -> dict:
    """Build in a fresh process; returns its wall time and peak RSS."""
    out = subprocess.run(
        [sys.executable, str(CHILD), str(project / "mkdocs.yml"), str(site)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
    )
    if out.returncode != 0:
        raise SystemExit(f"bench: build of {project} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def copy_project(dest: Path) -> Path:
    for name in ("docs", "macros", "hooks"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def pr_env(stub: GitHubStub, cache: Path, numbers: list[int]) -> dict:
    return {
        "GITHUB_API_URL": stub.url,
        "REVIEW_CACHE_DIR": str(cache),
        "GITHUB_TOKEN": "",
        "GH_TOKEN": "",
        "REVIEW_PRS": ",".join(map(str, numbers)),
        # The findings memo's seal key: beside the cache, never the real home.
        "XDG_STATE_HOME": str(cache.parent / "state"),
    }


def bench_generation(tmp: Path, records: list[dict], results: dict) -> None:
    """300 generated PR pages against the same 300 pages written as Markdown files."""
    numbers = [r["number"] for r in records]
    cache = tmp / "cache-gen"
    with stub_with(records) as stub:
        child_build(ROOT, tmp / "site-cold", pr_env(stub, cache, numbers))  # fill the cache
        hooked = [
            child_build(ROOT, tmp / "site-hook", pr_env(stub, cache, numbers)) for _ in range(2)
        ]
    plain_project = copy_project(tmp / "plain")
    catalog = load_catalog()
    prs_dir = plain_project / "docs/prs"
    for record in records:
        pull, files = corpus_pr(record)
        review = analyse(pull_request_from_api(pull, files, REPO, "bench"), catalog)
        page = prs_dir / str(record["number"]) / "index.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        # The same content as plain Markdown; raw HTML stays out so Jinja and
        # Markdown see what an author would write by hand.
        text = render_pr_markdown(review, catalog).replace("{", "&#123;").replace("}", "&#125;")
        page.write_text(text)
    config = (plain_project / "mkdocs.yml").read_text()
    config = (
        config.replace("  anchors: warn", "  anchors: info")
        .replace("  omitted_files: warn", "  omitted_files: info")
        .replace("  unrecognized_links: warn", "  unrecognized_links: info")
    )
    (plain_project / "mkdocs.yml").write_text(config)
    plain_env = {
        "REVIEW_PRS": "",
        "GITHUB_API_URL": "http://127.0.0.1:9",
        "REVIEW_CACHE_DIR": str(cache),
    }
    plain = [child_build(plain_project, tmp / "site-plain", plain_env) for _ in range(2)]
    hook_s = min(b["seconds"] for b in hooked)
    plain_s = min(b["seconds"] for b in plain)
    results["generation"] = {
        "pages": len(records),
        "hook_seconds": hook_s,
        "plain_markdown_seconds": plain_s,
        "ratio": hook_s / plain_s,
        "target": TARGETS["generation_ratio"],
    }


def bench_per_page(records: list[dict], results: dict) -> None:
    catalog = load_catalog()
    prs = []
    for record in records:
        pull, files = corpus_pr(record)
        prs.append(pull_request_from_api(pull, files, REPO, "bench"))
    times = []
    patched = sum(bool(f.patch) for pr in prs for f in pr.files)
    for pr in prs * 3:
        cold_caches()  # every page pays for reading its patches
        started = time.perf_counter()
        review = analyse(pr, catalog)
        render_pr_html(review, catalog, SiteLinks(f"prs/{pr.number}/index.md"))
        times.append((time.perf_counter() - started) * 1000)
    paths = [f"vllm_omni/mod{i % 40}/sub{i % 7}/file{i}.py" for i in range(3000)]
    classify = []
    for _ in range(7):
        focus_map = load_catalog().focus_map  # fresh, so the per-path memo is empty
        started = time.perf_counter()
        focus_map.classify_all(paths)
        classify.append((time.perf_counter() - started) * 1000)
    results["per_page"] = {
        "files_with_patch": patched,
        "median_ms": statistics.median(times),
        "p95_ms": sorted(times)[int(len(times) * 0.95)],
        "target_ms": TARGETS["per_page_ms"],
    }
    results["classify"] = {
        "paths": 3000,
        "median_ms": statistics.median(classify),
        "target_ms": TARGETS["classify_3000_ms"],
    }


def bench_network(tmp: Path, records: list[dict], results: dict) -> None:
    """Cold fetch with 50 ms latency per request, then a warm rebuild's charged requests.

    The wall time is the fetch's alone (PRs and the repository data at their
    bases): the ratio asks how well the network wait is hidden, and analysis
    has its own measure (per page). A whole cold fetch_reviews, analysis
    included, is reported beside it.
    """
    catalog = load_catalog()
    numbers = [r["number"] for r in records]
    with stub_with(records, latency=0.05) as stub:
        github = GitHubSettings(api_url=stub.url, cache_dir=tmp / "cache-net")
        started = time.perf_counter()
        fetch(REPO, numbers, github)
        wall = time.perf_counter() - started
        cold = list(stub.requests)
        fetch_reviews(REPO, numbers, github, catalog)
        warm = stub.requests[len(cold) :]
    with stub_with(records, latency=0.05) as stub:
        github = GitHubSettings(api_url=stub.url, cache_dir=tmp / "cache-net-whole")
        started = time.perf_counter()
        fetch_reviews(REPO, numbers, github, catalog)
        whole = time.perf_counter() - started
    summed = sum(r.seconds for r in cold)
    results["network"] = {
        "prs": len(numbers),
        "cold_requests": len(cold),
        "cold_wall_seconds": wall,
        "cold_fetch_and_analyse_seconds": whole,
        "sum_of_request_seconds": summed,
        "wall_over_sum": wall / summed,
        "target_wall_over_sum": TARGETS["network_wall_over_sum"],
        "warm_requests": len(warm),
        "warm_charged": sum(1 for r in warm if r.status != 304),
        "target_warm_charged": TARGETS["warm_charged_requests"],
    }


def bench_serve(tmp: Path, records: list[dict], results: dict) -> None:
    """Edit a guide page under `mkdocs serve`: no request to GitHub, time against a cached build."""
    project = copy_project(tmp / "serve")
    numbers = [r["number"] for r in records[:10]]
    cache = tmp / "cache-serve"
    with stub_with(records) as stub:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **pr_env(stub, cache, numbers)}
        child_build(project, tmp / "site-serve-warm", pr_env(stub, cache, numbers))
        cached_build = min(
            child_build(project, tmp / "site-serve-ref", pr_env(stub, cache, numbers))["seconds"]
            for _ in range(2)
        )
        before = len(stub.requests)
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "serve",
                "-f",
                str(project / "mkdocs.yml"),
                # Live reload must stay on: it is what watches files and rebuilds.
                "-a",
                "127.0.0.1:0",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=project,
        )
        try:
            initial = _wait_for_build(proc)
            _wait_for_line(proc, "Serving on")
            time.sleep(2)  # the file watcher starts after the first build
            after_start = len(stub.requests)
            page = project / "docs/quick-start.md"
            page.write_text(page.read_text() + "\n\nEdited by the benchmark.\n")
            rebuild = _wait_for_build(proc)
            after_edit = len(stub.requests)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    results["serve"] = {
        "initial_build_seconds": initial,
        "start_requests": after_start - before,
        "rebuild_seconds": rebuild,
        "rebuild_requests": after_edit - after_start,
        "cached_build_seconds": cached_build,
        "rebuild_over_cached_build": rebuild / cached_build,
        "target_rebuild_requests": TARGETS["serve_requests"],
    }


def _wait_for_line(proc: subprocess.Popen, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("bench: mkdocs serve stopped early")
        if text in line:
            return
    raise SystemExit(f"bench: mkdocs serve never said {text!r}")


def _wait_for_build(proc: subprocess.Popen, timeout: float = 300) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("bench: mkdocs serve stopped early")
        found = re.search(r"Documentation built in ([\d.]+) seconds", line)
        if found:
            return float(found[1])
        if "ERROR" in line:
            raise SystemExit(f"bench: mkdocs serve failed: {line.strip()}")
    raise SystemExit("bench: mkdocs serve did not finish a build in time")


def bench_pdf(tmp: Path, results: dict) -> None:
    env = {
        "REVIEW_PRS": "19",
        "GITHUB_API_URL": "http://127.0.0.1:9",
        "REVIEW_CACHE_DIR": str(tmp / "c"),
    }
    site = min(child_build(ROOT, tmp / "site-pdf-ref", env)["seconds"] for _ in range(2))
    pdf = child_build(ROOT, tmp / "site-pdf", {**env, "REVIEW_PDF": "1"})["seconds"]
    # One PR's checklist through the review tool, as the PR workflow prints it:
    # a whole process each time (start-up and WeasyPrint's import included).
    tool = [sys.executable, str(ROOT / "tools/review_pr.py"), "--pr-number", "19", "--snapshot"]
    tool += ["--format", "pdf", "--export", str(tmp / "pr-19.pdf")]
    pr_runs = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run(tool, check=True, capture_output=True, env={**os.environ, **env})
        pr_runs.append(time.perf_counter() - started)
    results["pdf"] = {
        "site_seconds": site,
        "pdf_seconds": pdf,
        "ratio": pdf / site,
        "target": TARGETS["pdf_ratio"],
        "pr_pdf_median_seconds": statistics.median(pr_runs),
        "pr_pdf_over_site": statistics.median(pr_runs) / site,
        "pr_pdf_target": TARGETS["pr_pdf_seconds"],
    }


def bench_growth(tmp: Path, all_records: list[dict], results: dict) -> None:
    rows = []
    for count in (30, 300, 1000):
        records = all_records[:count]
        numbers = [r["number"] for r in records]
        with stub_with(records) as stub:
            cache = tmp / f"cache-growth-{count}"
            child_build(ROOT, tmp / f"site-growth-{count}", pr_env(stub, cache, numbers))
            warm = child_build(ROOT, tmp / f"site-growth-{count}", pr_env(stub, cache, numbers))
        rows.append(
            {"pages": count, "seconds": warm["seconds"], "peak_rss_mb": warm["peak_rss_mb"]}
        )
    base = rows[0]
    for row in rows:
        extra_pages = row["pages"] - base["pages"]
        row["seconds_per_extra_page"] = (
            (row["seconds"] - base["seconds"]) / extra_pages if extra_pages else None
        )
    results["growth"] = rows


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }


def cold_caches() -> None:
    """Forget parsed patches and findings, so a repeated PR costs what a new one would."""
    parse_patch.cache_clear()
    hunk_digests.cache_clear()
    scan_file.cache_clear()


# Hunks a wide refactor spreads over thousands of files: context, one line
# removed, two added; every third file also adds a hazard the rules report.
_HUNK = (
    "@@ -{n},6 +{n},7 @@ class Thing:\n"
    "     def run(self, batch):\n"
    "         for req in batch:\n"
    "-            out = self.step(req)\n"
    "+            out = self.step(req, mode=self.mode)\n"
    "+            {extra}\n"
    "             self.results.append(out)\n"
    "         return self.results\n"
    " \n"
)


def patched_pr(count: int = 3000) -> dict:
    """A PR of ``count`` real repository paths, each with a realistic patch."""
    tree = [p for p in load_tree() if p.endswith(".py")]
    rng = random.Random(3)
    files = []
    for i, path in enumerate(rng.sample(tree, min(count, len(tree)))):
        # Every third file adds a host sync; every tenth a print, which is
        # ruff's (T201), so ruff reads 300 of the files whole.
        extra = (
            "print(out)" if i % 10 == 0 else "n = out.item()" if i % 3 == 0 else "log.debug(out)"
        )
        patch = "".join(_HUNK.format(n=10 + 40 * k, extra=extra) for k in range(2))
        files.append(
            {"filename": path, "status": "modified", "additions": 4, "deletions": 2, "patch": patch}
        )
    while len(files) < count:  # the listing has fewer .py files than that: add more
        i = len(files)
        path = f"vllm_omni/worker/generated/mod_{i}.py"
        files.append({**files[i % len(tree)], "filename": path})
    return {
        "number": 99999,
        "title": "Generated refactor",
        "head": {"sha": "f" * 40, "ref": "refactor"},
        "base": {"sha": "0" * 40, "ref": "main"},
        "additions": 4 * count,
        "deletions": 2 * count,
        "changed_files": count,
        "files": files,
    }


def full_text(patch: str) -> str:
    """A whole module whose lines at each hunk's place are the hunk's new side."""
    lines: list[str] = ["import logging", "", "log = logging.getLogger(__name__)", ""]
    for header, *body in (h.split("\n") for h in patch.split("@@ -")[1:]):
        start = int(header.split("+", 1)[1].split(",", 1)[0])
        while len(lines) < start - 2:
            lines.append(f"SETTING_{len(lines)} = {len(lines)}")
        lines += ["", "class Thing:"][: max(0, start - 1 - len(lines))]
        lines += [line[1:] for line in body if line and not line.startswith("-")]
    return "\n".join(lines) + "\n"


def bench_patches(results: dict) -> None:
    """Analyse a 3000-file PR whose files all carry patches, with cold caches; ruff included.

    The full texts a checkout or GitHub's blobs would give are made up to
    match the patches, so ruff reads the files whose added lines it could flag.
    """
    catalog = load_catalog()
    record = patched_pr()
    pr = pull_request_from_api(record, record["files"], REPO, "bench")
    pr.texts.update({f.filename: full_text(f.patch or "") for f in pr.files})
    times, lint_times, findings, linted = [], [], 0, 0
    for _ in range(5):
        cold_caches()
        started = time.perf_counter()
        review = analyse(pr, catalog)
        times.append((time.perf_counter() - started) * 1000)
        findings = len(review.findings)
        started = time.perf_counter()
        lint(pr, catalog.focus_map.rule_set)
        lint_times.append((time.perf_counter() - started) * 1000)
    rule_set = catalog.focus_map.rule_set
    linted = sum(
        1
        for f in pr.files
        if f.patch
        and may_hit(f.patch, {c for r in rule_set.for_path(f.filename).rules for c in r.ruff})
    )
    results["patches"] = {
        "files": len(pr.files),
        "findings": findings,
        "linted_files": linted,
        "median_ms": statistics.median(times),
        "linter_median_ms": statistics.median(lint_times),
        "target_ms": TARGETS["analyse_3000_patched_ms"],
    }


def bench_linter(records: list[dict], results: dict) -> None:
    """What ruff costs a corpus PR: one process over the files it could flag, per PR.

    The corpus has no file contents; files a PR adds are whole in their patch,
    so those are the texts linted here (the same a source gives for them).
    """
    catalog = load_catalog()
    rule_set = catalog.focus_map.rule_set
    costs = []
    for record in records:
        pull, files = corpus_pr(record)
        pr = pull_request_from_api(pull, files, REPO, "bench")
        started = time.perf_counter()
        done = lint(pr, rule_set)
        elapsed = (time.perf_counter() - started) * 1000
        if done.findings or any(whole_file(f) for f in pr.files if f.filename.endswith(".py")):
            costs.append(elapsed)
    results["linter"] = {
        "prs": len(records),
        "prs_linted": len(costs),
        "median_ms": statistics.median(costs) if costs else 0.0,
        "p95_ms": sorted(costs)[int(len(costs) * 0.95)] if costs else 0.0,
    }


def verdicts(results: dict) -> list[tuple[str, str, str, bool]]:
    r = results
    rows = []
    if "generation" in r:
        g = r["generation"]
        rows.append(
            (
                "generation: 300 PR pages vs plain Markdown",
                f"{g['ratio']:.2f}x",
                f"<= {g['target']}x",
                g["ratio"] <= g["target"],
            )
        )
    if "per_page" in r:
        p = r["per_page"]
        rows.append(
            (
                "analyse + render one PR page with patches (median)",
                f"{p['median_ms']:.2f} ms",
                f"<= {p['target_ms']} ms",
                p["median_ms"] <= p["target_ms"],
            )
        )
        c = r["classify"]
        rows.append(
            (
                "classify 3000 paths (median)",
                f"{c['median_ms']:.1f} ms",
                f"<= {c['target_ms']} ms",
                c["median_ms"] <= c["target_ms"],
            )
        )
    if "patches" in r:
        a = r["patches"]
        rows.append(
            (
                f"analyse a {a['files']}-file PR with patches, ruff on "
                f"{a['linted_files']} files included (median)",
                f"{a['median_ms']:.0f} ms (ruff {a['linter_median_ms']:.0f} ms)",
                f"<= {a['target_ms']:.0f} ms",
                a["median_ms"] <= a["target_ms"],
            )
        )
    if "linter" in r:
        li = r["linter"]
        rows.append(
            (
                f"ruff per corpus PR that it reads ({li['prs_linted']} of {li['prs']}), median (p95)",
                f"{li['median_ms']:.0f} ms ({li['p95_ms']:.0f} ms)",
                "reported",
                True,
            )
        )
    if "network" in r:
        n = r["network"]
        rows.append(
            (
                "cold fetch of 300 PRs, wall / sum of requests",
                f"{n['wall_over_sum']:.3f}",
                "<= 0.167",
                n["wall_over_sum"] <= n["target_wall_over_sum"],
            )
        )
        rows.append(
            (
                "warm rebuild: requests charged to the rate limit",
                str(n["warm_charged"]),
                "0",
                n["warm_charged"] == 0,
            )
        )
        rows.append(
            (
                "cold fetch and analysis of the same 300 PRs",
                f"{n['cold_fetch_and_analyse_seconds']:.1f} s",
                "(reported)",
                True,
            )
        )
    if "serve" in r:
        s = r["serve"]
        rows.append(
            (
                "serve: requests after editing a guide page",
                str(s["rebuild_requests"]),
                "0",
                s["rebuild_requests"] == 0,
            )
        )
        rows.append(
            (
                "serve: rebuild / build from cache",
                f"{s['rebuild_over_cached_build']:.2f}",
                "(reported)",
                True,
            )
        )
    if "pdf" in r:
        p = r["pdf"]
        rows.append(
            (
                "make pdf / make site",
                f"{p['ratio']:.2f}x",
                f"<= {p['target']}x",
                p["ratio"] <= p["target"],
            )
        )
        rows.append(
            (
                "one PR's PDF via the review tool, median (vs make site)",
                f"{p['pr_pdf_median_seconds']:.2f} s ({p['pr_pdf_over_site']:.2f}x)",
                f"<= {p['pr_pdf_target']} s",
                p["pr_pdf_median_seconds"] <= p["pr_pdf_target"],
            )
        )
    for row in r.get("growth", []):
        rows.append(
            (
                f"build with {row['pages']} PR pages",
                f"{row['seconds']:.1f} s, {row['peak_rss_mb']:.0f} MB",
                "(reported)",
                True,
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument(
        "--only",
        nargs="*",
        default=None,
        choices=[
            "generation",
            "per_page",
            "patches",
            "linter",
            "network",
            "serve",
            "pdf",
            "growth",
        ],
    )
    args = parser.parse_args(argv)
    every = ["generation", "per_page", "patches", "linter", "network", "serve", "pdf", "growth"]
    wanted = set(args.only or every)
    corpus = load_corpus()
    records_300 = corpus + generated_prs(300 - len(corpus), 10001)
    records_1000 = records_300 + generated_prs(700, 20001, seed=1)
    results: dict = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M:%S")}
    with tempfile.TemporaryDirectory(prefix="review-kit-bench-") as name:
        tmp = Path(name)
        steps = [
            ("per_page", lambda: bench_per_page(corpus, results)),
            ("patches", lambda: bench_patches(results)),
            ("linter", lambda: bench_linter(corpus, results)),
            ("network", lambda: bench_network(tmp, records_300, results)),
            ("generation", lambda: bench_generation(tmp, records_300, results)),
            ("serve", lambda: bench_serve(tmp, records_300, results)),
            ("pdf", lambda: bench_pdf(tmp, results)),
            ("growth", lambda: bench_growth(tmp, records_1000, results)),
        ]
        for step, run in steps:
            if step in wanted:
                print(f"bench: {step} ...", file=sys.stderr, flush=True)
                run()
    rows = verdicts(results)
    results["verdicts"] = [
        {"what": w, "measured": m, "target": t, "met": ok} for w, m, t, ok in rows
    ]
    out = ROOT / "bench/results.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    width = max(len(w) for w, *_ in rows)
    print(
        f"machine: {results['machine']['processor']}, {results['machine']['cpus']} CPUs, "
        f"Python {results['machine']['python']}"
    )
    print(f"{'measure'.ljust(width)}  {'measured':>18}  {'target':>10}  met")
    for what, measured, target, ok in rows:
        print(f"{what.ljust(width)}  {measured:>18}  {target:>10}  {'yes' if ok else 'NO'}")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
