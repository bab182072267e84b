// Filling the review the build wrote into a PR page (docs/assets/checklists/review-export.js).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { compareUrl } from "../../docs/assets/checklists/pr-data.js";
import {
  codeSpan,
  containNote,
  fillGithubReview,
  fillReview,
  mdText,
  noteAnchor,
  parseReviewExport,
  parseReviewTemplate,
  quoteLine,
  reviewFilename,
} from "../../docs/assets/checklists/review-export.js";

const T = (name) => `\u0000${name}\u0000`;

function review({ ticked = [], problems = {}, na = [], reopened = {}, note = "" } = {}) {
  return {
    stateOf(id) {
      if (ticked.includes(id)) return "done";
      if (id in problems) return "problem";
      return na.includes(id) ? "na" : "open";
    },
    problemNote: (id) => problems[id] || "",
    reopenedEntry: (id) => reopened[id] || null,
    note: () => note,
  };
}

// The PR 19 page the snapshot test renders: the template as a real build writes it.
function snapshotTemplate() {
  const html = readFileSync(new URL("../snapshots/pr19_page.html", import.meta.url), "utf8");
  // The attribute is single-quoted and tojson escapes every quote inside it.
  return parseReviewTemplate(html.match(/ data-review-export='([^']*)'/)[1]);
}

test("codeSpan fences past any backtick run and pads edge backticks", () => {
  assert.equal(codeSpan("a.py"), "`a.py`");
  assert.equal(codeSpan("a`b"), "``a`b``");
  assert.equal(codeSpan("`x`"), "`` `x` ``");
  assert.equal(codeSpan("a\nb"), "`a b`");
  assert.equal(codeSpan(""), "`  `");
});

test("each item gets a plain-text mark, and the progress counts only what was done", () => {
  const template =
    `Checklist${T("progress")}\n` +
    `- ${T("state:a")} A\n- ${T("state:b")} B\n- ${T("state:c")} C\n- ${T("state:d")} D\n- ${T("state:a")} A again\n`;
  assert.equal(
    fillReview(template, review({ ticked: ["a"], problems: { b: "" }, na: ["c"] })),
    "Checklist: 2 done, 1 problem, 1 n/a\n- ✓ done: A\n- ✗ problem: B\n- – n/a: C\n- · open: D\n- ✓ done: A again\n"
  );
  // An untouched review says nothing of progress: no "0 of N done".
  assert.ok(fillReview(template, review()).startsWith("Checklist\n"));
  assert.ok(!fillReview(template, review()).includes("[ ]"), "no task boxes");
});

test("an if-block stays only when its condition holds, with its token lines gone", () => {
  const item = (id) => `${T("if:problem:" + id)}\n- ${id}${T("problemnote:" + id)}\n${T("end")}\n`;
  const template = `top\n${T("if:problems")}\n\n### Problems\n\n${item("a")}${item("b")}${T("end")}\nafter\n${T("state:a")}${T("state:b")}`;
  assert.equal(
    fillReview(template, review({ problems: { b: "leaks <!-- on\nabort" } })),
    "top\n\n### Problems\n\n- b\n  > leaks &lt;\\!\\-\\- on abort\nafter\n· open:✗ problem:"
  );
  assert.equal(fillReview(template, review({ ticked: ["b"] })), "top\nafter\n· open:✓ done:");
  assert.equal(fillReview(`${T("if:nonsense")}\nx\n${T("end")}\ny`, review()), "y");
});

test("a reopened, open item says why, with file names in code spans", () => {
  const entry = { since: "eb006f66e5ad", files: [{ file: "we`ird.py", how: "added" }] };
  const template = `- ${T("state:a")} A${T("reopened:a")}\n`;
  assert.equal(
    fillReview(template, review({ reopened: { a: entry } })),
    "- · open: A *(reopened: ``we`ird.py`` added since `eb006f6`)*\n"
  );
  assert.equal(fillReview(template, review({ ticked: ["a"], reopened: { a: entry } })), "- ✓ done: A\n");
  assert.equal(fillReview(template, review({ na: ["a"], reopened: { a: entry } })), "- – n/a: A\n");
});

test("the note comes first, trimmed and CRLF normalised; no note adds nothing", () => {
  const template = `${T("note")}\nReviewed.\n`;
  assert.equal(
    fillReview(template, review({ note: "  line one\r\nline two\r  " })),
    "line one\nline two\n\nReviewed.\n"
  );
  assert.equal(fillReview(template, review({ note: " \n " })), "Reviewed.\n");
});

test("a note cannot swallow what follows it: open fences close, open comments show", () => {
  assert.equal(containNote("see\n```py\nx = 1"), "see\n```py\nx = 1\n```");
  assert.equal(containNote("~~~~\n```\n~~~\n"), "~~~~\n```\n~~~\n~~~~");
  assert.equal(containNote("```\nok\n```\ndone"), "```\nok\n```\ndone");
  assert.equal(containNote("a <!-- b"), "a &lt;!-- b");
  assert.equal(containNote("a <!-- b --> c"), "a <!-- b --> c");
  assert.equal(containNote("# Heading\n**bold**"), "# Heading\n**bold**");
  // The checklist's fold comes after the note: the note cannot close or open one.
  assert.equal(containNote("ok </details> <summary>x"), "ok &lt;/details> &lt;summary>x");
});

test("a problem note is one quoted line that no markup can leave", () => {
  assert.equal(quoteLine("  leaks\n\n# blocks </details> "), "\n  > leaks \\# blocks &lt;/details&gt;");
  assert.equal(quoteLine("ping @org/team #12"), "\n  > ping `@org/team` `#12`");
  assert.equal(quoteLine(["not", "text"]), "");
  assert.equal(quoteLine(" \n"), "");
  assert.equal(quoteLine(undefined), "");
});

test("unknown tokens and stray NULs are removed, never left raw", () => {
  const template = `a${T("later:x")}b${T("")}c\u0000d`;
  assert.equal(fillReview(template, review()), "abcd");
});

test("parseReviewTemplate returns the template, or nothing for a broken script", () => {
  assert.equal(parseReviewTemplate(JSON.stringify({ template: "x" })), "x");
  assert.equal(parseReviewTemplate("{"), "");
  assert.equal(parseReviewTemplate(JSON.stringify({ template: 3 })), "");
});

test("reviewFilename keeps only the PR number's digits", () => {
  assert.equal(reviewFilename("19"), "review-pr-19.md");
  assert.equal(reviewFilename("../19"), "review-pr-19.md");
  assert.equal(reviewFilename("19", "json"), "review-pr-19.json");
});

test("the PR 19 page's template fills into the review the browser tests expect", () => {
  const template = snapshotTemplate();
  const entry = { since: "eb006f66e5ad", files: [{ file: "vllm_omni/engine/__init__.py", how: "changed" }] };
  const note = "Looks good overall; please add a test for `abort`.";
  const text = fillReview(
    template,
    review({
      ticked: ["sched-budget", "question-functionality-1"],
      problems: { "sched-free-on-finish": "abort path leaks blocks" },
      na: ["question-performance-1"],
      reopened: { "sched-output-fields": entry },
      note,
    })
  );
  assert.ok(!text.includes("\u0000"));
  assert.ok(!/- \[[ x]\]/.test(text), "no task boxes");
  // The note first, then findings, problems, hygiene and the folded checklist.
  assert.ok(text.startsWith(note + "\n\nReviewed with the vLLM-Omni review kit at `eb006f6`"), text.slice(0, 300));
  const order = [
    text.indexOf("### Findings"),
    text.indexOf("### Problems\n\n- **Scheduling:** Every path that finishes"),
    text.indexOf("\n  > abort path leaks blocks\n"),
    text.indexOf("**Hygiene:**"),
    text.indexOf("<details>\n<summary>Checklist: 7 items: 2 done, 1 problem, 1 n/a</summary>"),
  ];
  assert.ok(order.every((at) => at > 0), JSON.stringify(order));
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
  assert.ok(!text.includes("(§)") && !text.includes(" of 7"));
  assert.ok(text.includes("- ✓ done: The token and request budgets per step are respected"));
  assert.ok(text.includes("- ✗ problem: Every path that finishes, aborts or preempts a request"));
  assert.ok(text.includes("- ✓ done: What problem does the PR solve"));
  assert.ok(text.includes("- – n/a: Does the hot path (scheduler step, model runner, denoising loop"));
  assert.match(
    text,
    /- · open: New fields on the scheduler output .* \*\(reopened: `vllm_omni\/engine\/__init__\.py` changed since `eb006f6`\)\*\n/
  );
  assert.ok(text.endsWith("</details>\n"));
  // Without a problem or a note, neither appears.
  const bare = fillReview(template, review());
  assert.ok(!bare.includes("### Problems") && bare.startsWith("Reviewed with"));
  assert.ok(bare.includes("<summary>Checklist: 7 items</summary>"));
});

test("the tokens the build writes are the ones this module fills", () => {
  const python = readFileSync(new URL("../../review_kit/output/review_body.py", import.meta.url), "utf8");
  const table = python.match(/FILL_TOKENS = \{([\s\S]*?)\n\}/)[1];
  const documented = [...table.matchAll(/^ {4}"([a-z]+)":/gm)].map((m) => m[1]).sort();
  const used = [...new Set([...snapshotTemplate().matchAll(/\u0000([a-z]+)/g)].map((m) => m[1]))].sort();
  assert.deepEqual(used, documented);
});

// The PR 19 page's whole export data, as a real build writes it.
function snapshotExport() {
  const html = readFileSync(new URL("../snapshots/pr19_page.html", import.meta.url), "utf8");
  const raw = html.match(/ data-review-export='([^']*)'/)[1];
  return parseReviewExport(raw.replace(/&#39;/g, "'").replace(/&#34;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"));
}

test("mdText shows stored text literally and lets nothing ping, link or embed", () => {
  assert.equal(mdText("ping @org/team about #12, GH-3"), "ping `@org/team` about `#12,` `GH-3`");
  assert.equal(mdText("</details> ![x](y)"), "&lt;/details&gt; \\!\\[x\\]\\(y\\)");
  assert.equal(mdText("costs $5"), "costs `$5`");
  assert.equal(mdText(null), "");
});

test("a line note becomes a comment only where the diff shows the line", () => {
  const data = {
    lines: { "a.py": [[1, 10], [20, 25]] },
    findings: [
      { label: "[P1] x — a.py:3", path: "a.py", line: 3, start_line: null, inline: true },
      { label: "[P2] y — a.py:15", path: "a.py", line: 15, start_line: null, inline: false },
    ],
  };
  assert.deepEqual(noteAnchor("finding:0", data), { path: "a.py", line: 3 });
  assert.equal(noteAnchor("finding:1", data), null);
  assert.equal(noteAnchor("finding:9", data), null);
  assert.deepEqual(noteAnchor("a.py:22", data), { path: "a.py", line: 22 });
  assert.equal(noteAnchor("a.py:15", data), null);
  assert.equal(noteAnchor("b.py:1", data), null);
  assert.equal(noteAnchor("nonsense", data), null);
});

test("the GitHub review fills the build's body and adds line notes as comments or body lines", () => {
  const data = snapshotExport();
  assert.ok(data && data.github, "the page carries the github-review");
  const state = {
    ...review({ problems: { "sched-free-on-finish": "leaks @org/team" }, note: "Thanks!" }),
    lineNotes: () => [
      // PR 19 has no finding with the default rules: a note tied to a line instead.
      { at: "vllm_omni/core/sched/scheduler.py:44", text: "use `except ValueError` here" },
      { at: "vllm_omni/core/sched/output.py:3", text: "why @someone?" },
      { at: "vllm_omni/core/sched/output.py:999", text: "not in the diff" },
    ],
  };
  const pr = { url: "https://github.com/vllm-project/vllm-omni/pull/19", head: "eb006f66e5ad96715b2e5690a90a6747087f806b" };
  const filled = fillGithubReview(data, state, pr);
  assert.equal(filled.commit_id, "eb006f66e5ad96715b2e5690a90a6747087f806b");
  assert.equal(filled.event, "COMMENT");
  assert.ok(filled.body.startsWith("Thanks!\n"));
  assert.ok(!filled.body.includes("\u0000"));
  assert.ok(filled.body.includes("> leaks `@org/team`"));
  // Two notes sit on lines the diff shows; the third goes in the body.
  assert.deepEqual(
    filled.comments.map((c) => [c.path, c.line]),
    [
      ["vllm_omni/core/sched/scheduler.py", 44],
      ["vllm_omni/core/sched/output.py", 3],
    ]
  );
  assert.ok(filled.comments[1].body.endsWith("why `@someone?`"));
  assert.ok(filled.body.includes("### Notes on lines\n\n- `vllm_omni/core/sched/output.py:999`: not in the diff"));
  assert.ok(!filled.body.includes("use `except"), "an inline note is not repeated in the body");
  // The Markdown lists every note in the body.
  const markdown = fillReview(data.template, state, { data, pr });
  // Stored text is text: its backticks show as typed.
  assert.ok(markdown.includes("- `vllm_omni/core/sched/scheduler.py:44`: use \\`except ValueError\\` here"));
});

test("a planted reopen note cannot leave its item: no fold closed, no mention, no broken export", () => {
  const template = `- ${T("state:a")} A${T("reopened:a")}\n<details>\n`;
  const planted = {
    since: "eb006f66e5ad",
    files: [null, 3, { file: "x.py", how: "</details>\n@org/team LGTM" }, { file: "@org/y.py", how: "changed" }],
  };
  const text = fillReview(template, review({ reopened: { a: planted } }));
  assert.equal(text, "- · open: A *(reopened: `@org/y.py` changed since `eb006f6`)*\n<details>\n");
  const none = fillReview(template, review({ reopened: { a: { since: "x", files: [null] } } }));
  assert.equal(none, "- · open: A\n<details>\n");
});

test("the reopened note links the compare view of the two heads, built from checked parts", () => {
  const pr = { url: "https://github.com/o/r/pull/19", head: "eb006f66e5ad96715b2e5690a90a6747087f806b" };
  assert.equal(compareUrl(pr, "abc1234"), "https://github.com/o/r/pull/19/files/abc1234..eb006f66e5ad96715b2e5690a90a6747087f806b");
  assert.equal(compareUrl(pr, "<x>"), "");
  assert.equal(compareUrl({ ...pr, url: "javascript:alert(1)//pull/1" }, "abc1234"), "");
  const template = `- ${T("state:a")} A${T("reopened:a")}\n`;
  const entry = { since: "abc1234", files: [{ file: "a.py", how: "changed" }] };
  assert.equal(
    fillReview(template, review({ reopened: { a: entry } }), { pr }),
    "- · open: A *(reopened: `a.py` changed since `abc1234`, [compare](https://github.com/o/r/pull/19/files/abc1234..eb006f66e5ad96715b2e5690a90a6747087f806b))*\n"
  );
});
