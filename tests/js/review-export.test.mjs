// Filling the review the build wrote into a PR page (docs/assets/checklists/review-export.js).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  codeSpan,
  containNote,
  fillReview,
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

test("each item gets a plain-text mark, and the counts are of the listed items", () => {
  const template =
    `${T("count:done")}/${T("count:problem")}/${T("count:na")}/${T("count:open")} of ${T("count:total")}\n` +
    `- ${T("state:a")} A\n- ${T("state:b")} B\n- ${T("state:c")} C\n- ${T("state:d")} D\n- ${T("state:a")} A again\n`;
  assert.equal(
    fillReview(template, review({ ticked: ["a"], problems: { b: "" }, na: ["c"] })),
    "2/1/1/1 of 5\n- ✓ done: A\n- ✗ problem: B\n- – n/a: C\n- · open: D\n- ✓ done: A again\n"
  );
  assert.ok(!fillReview(template, review()).includes("[ ]"), "no task boxes");
});

test("an if-block stays only when its condition holds, with its token lines gone", () => {
  const item = (id) => `${T("if:problem:" + id)}\n- ${id}${T("problemnote:" + id)}\n${T("end")}\n`;
  const template = `top\n${T("if:problems")}\n\n### Problems\n\n${item("a")}${item("b")}${T("end")}\nafter\n${T("state:a")}${T("state:b")}`;
  assert.equal(
    fillReview(template, review({ problems: { b: "leaks <!-- on\nabort" } })),
    "top\n\n### Problems\n\n- b\n  > leaks &lt;!-- on abort\nafter\n· open:✗ problem:"
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

test("the note is trimmed, CRLF normalised and headed; no note adds nothing", () => {
  const template = `- ${T("state:a")} A\n${T("note")}\n`;
  assert.equal(
    fillReview(template, review({ note: "  line one\r\nline two\r  " })),
    "- · open: A\n\n### Note\n\nline one\nline two\n"
  );
  assert.equal(fillReview(template, review({ note: " \n " })), "- · open: A\n\n");
});

test("a note cannot swallow what follows it: open fences close, open comments show", () => {
  assert.equal(containNote("see\n```py\nx = 1"), "see\n```py\nx = 1\n```");
  assert.equal(containNote("~~~~\n```\n~~~\n"), "~~~~\n```\n~~~\n~~~~");
  assert.equal(containNote("```\nok\n```\ndone"), "```\nok\n```\ndone");
  assert.equal(containNote("a <!-- b"), "a &lt;!-- b");
  assert.equal(containNote("a <!-- b --> c"), "a <!-- b --> c");
  assert.equal(containNote("# Heading\n**bold**"), "# Heading\n**bold**");
});

test("a problem note is one quoted line that no markup can leave", () => {
  assert.equal(quoteLine("  leaks\n\n# blocks </details> "), "\n  > leaks # blocks &lt;/details>");
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
});

test("the PR 19 page's template fills into the review the browser tests expect", () => {
  const template = snapshotTemplate();
  const total = template.match(/\u0000state:/g).length;
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
  assert.ok(
    text.startsWith(
      "## Review of [vllm-project/vllm-omni\\#19](https://github.com/vllm-project/vllm-omni/pull/19): "
    )
  );
  assert.ok(
    text.includes(`with the vLLM-Omni review kit: 2 of ${total} items done, 1 with a problem, 1 not applicable.`)
  );
  // Problems, the checks that need attention and the note come first, in that order.
  const problems = text.indexOf("### Problems\n\n- **Scheduling:** Every path that finishes");
  const quote = text.indexOf("\n  > abort path leaks blocks\n");
  const attention = text.indexOf("### Needs attention\n\n- **Tests change with the source**");
  const noted = text.indexOf(
    "### Note\n\n" + note + "\n\n<details>\n<summary>Full checklist: 2 done, 1 problem, 1 n/a, "
  );
  assert.ok(problems > 0 && problems < quote && quote < attention && attention < noted, text.slice(0, 2000));
  assert.ok(text.includes("- ✓ done: The token and request budgets per step are respected"));
  assert.ok(text.includes("- ✗ problem: Every path that finishes, aborts or preempts a request"));
  assert.ok(text.includes("- ✓ done: What problem does the PR solve"));
  assert.ok(text.includes("- – n/a: Does the hot path (scheduler step, model runner, denoising loop"));
  assert.ok(text.includes("**Scheduling**"));
  assert.ok(text.includes("**Key questions**") && text.includes("**Functionality**"));
  assert.match(
    text,
    /- · open: New fields on the scheduler output .* \*\(reopened: `vllm_omni\/engine\/__init__\.py` changed since `eb006f6`\)\*\n/
  );
  assert.ok(text.endsWith("?\n\n</details>\n"));
  // Without a problem or a note, neither heading appears.
  const bare = fillReview(template, review());
  assert.ok(!bare.includes("### Problems") && !bare.includes("### Note"));
});

test("the tokens the build writes are the ones this module fills", () => {
  const python = readFileSync(new URL("../../review_kit/output/markdown.py", import.meta.url), "utf8");
  const table = python.match(/FILL_TOKENS = \{([\s\S]*?)\n\}/)[1];
  const documented = [...table.matchAll(/^ {4}"([a-z]+)":/gm)].map((m) => m[1]).sort();
  const used = [...new Set([...snapshotTemplate().matchAll(/\u0000([a-z]+)/g)].map((m) => m[1]))].sort();
  assert.deepEqual(used, documented);
});
