// Filling the review the build wrote into a PR page (docs/assets/checklists/review-export.js).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  codeSpan,
  fillReview,
  parseReviewTemplate,
  reviewFilename,
} from "../../docs/assets/checklists/review-export.js";

const T = (name) => `\u0000${name}\u0000`;

function review({ ticked = [], reopened = {}, note = "" } = {}) {
  return {
    isTicked: (id) => ticked.includes(id),
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

test("ticks become x or a space, and the counts are of the listed ticks", () => {
  const template = `${T("done")} of ${T("total")}\n- [${T("tick:a")}] A\n- [${T("tick:b")}] B\n- [${T("tick:a")}] A again\n`;
  assert.equal(fillReview(template, review({ ticked: ["a"] })), "2 of 3\n- [x] A\n- [ ] B\n- [x] A again\n");
});

test("a reopened, unticked item says why, with file names in code spans", () => {
  const entry = { since: "eb006f66e5ad", files: [{ file: "we`ird.py", how: "added" }] };
  const template = `- [${T("tick:a")}] A${T("reopened:a")}\n`;
  assert.equal(
    fillReview(template, review({ reopened: { a: entry } })),
    "- [ ] A *(reopened: ``we`ird.py`` added since `eb006f6`)*\n"
  );
  assert.equal(fillReview(template, review({ ticked: ["a"], reopened: { a: entry } })), "- [x] A\n");
});

test("the note is trimmed, CRLF normalised and headed; no note adds nothing", () => {
  const template = `- [${T("tick:a")}] A\n${T("note")}\n`;
  assert.equal(
    fillReview(template, review({ note: "  line one\r\nline two\r  " })),
    "- [ ] A\n\n### Note\n\nline one\nline two\n"
  );
  assert.equal(fillReview(template, review({ note: " \n " })), "- [ ] A\n\n");
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
});

test("the PR 19 page's template fills into the review the browser tests expect", () => {
  const template = snapshotTemplate();
  const total = template.match(/\u0000tick:/g).length;
  const entry = { since: "eb006f66e5ad", files: [{ file: "vllm_omni/engine/__init__.py", how: "changed" }] };
  const note = "Looks good overall; please add a test for `abort`.";
  const text = fillReview(
    template,
    review({ ticked: ["sched-budget", "question-functionality-1"], reopened: { "engine-arg-defaults": entry }, note })
  );
  assert.ok(!text.includes("\u0000"));
  assert.ok(text.startsWith("## Review checklist for [vllm-project/vllm-omni\\#19](https://github.com/vllm-project/vllm-omni/pull/19)\n"));
  assert.ok(text.includes(`with the vLLM-Omni review kit: 2 of ${total} items ticked.`));
  assert.ok(text.includes("- [x] The token and request budgets per step are respected"));
  assert.ok(text.includes("- [ ] Every path that finishes, aborts or preempts a request"));
  assert.ok(text.includes("- [x] What problem does the PR solve"));
  assert.ok(text.includes("**Scheduling**") && text.includes("**Engine**"));
  assert.ok(text.includes("### Key questions") && text.includes("**Functionality**"));
  assert.ok(text.includes("(`.item()`, `.cpu()`, `.tolist()`)"));
  assert.match(text, /- \[ \] New or changed engine arguments .* \*\(reopened: `vllm_omni\/engine\/__init__\.py` changed since `eb006f6`\)\*\n/);
  assert.ok(text.endsWith("?\n\n### Note\n\n" + note + "\n"));
});
