/* The review a reviewer copies or downloads from a PR page. The build renders
   it with the same Jinja partial as the review tool's report and writes it into
   the page with NUL-delimited tokens; this module only fills them in. */

import { describeReopen } from "./pr-data.js";

// review_kit/output/markdown.py writes the tokens; NUL cannot come from PR text.
const TOKEN = /\u0000([^\u0000]*)\u0000/g;

/* The template the build wrote into the page, or "" when there is none. */
export function parseReviewTemplate(text) {
  try {
    const data = JSON.parse(text);
    return data && typeof data.template === "string" ? data.template : "";
  } catch (e) {
    return "";
  }
}

export function readReviewTemplate(prRoot) {
  return parseReviewTemplate(prRoot.getAttribute("data-review-export") || "");
}

/* A code span whose fence is longer than any backtick run inside, so no file
   name can close it early; padded when the name starts or ends with a backtick. */
export function codeSpan(text) {
  const value = String(text).replace(/[\r\n]+/g, " ");
  let longest = 0;
  for (const run of value.match(/`+/g) || []) longest = Math.max(longest, run.length);
  const fence = "`".repeat(longest + 1);
  const pad = /^`|`$|^ .* $/.test(value) || value === "" ? " " : "";
  return fence + pad + value + pad + fence;
}

function splitToken(body) {
  const at = body.indexOf(":");
  return at < 0 ? [body, ""] : [body.slice(0, at), body.slice(at + 1)];
}

/* What each state puts before an item: plain text, never a task box, which
   GitHub would render as a checkbox anyone with write access could click. */
export const MARKS = { done: "✓ done:", problem: "✗ problem:", na: "– n/a:", open: "· open:" };

// An if-block with no if-block inside: resolved innermost first. The tokens sit
// alone on their lines, so each takes its line break with it.
const BLOCK = /\u0000if:([^\u0000]*)\u0000\n?((?:(?!\u0000if:)[\s\S])*?)\u0000end\u0000\n?/g;

/* A problem note on one line in a quote under its item: whatever the reviewer
   typed stays inside the item. `<` becomes an entity (it looks the same) so a
   note cannot open an HTML comment or tag that swallows the rest. */
export function quoteLine(text) {
  const line = String(text || "").replace(/\s+/g, " ").trim();
  return line ? "\n  > " + line.replace(/</g, "&lt;") : "";
}

/* The reviewer's note, as the Markdown they wrote, kept from breaking the
   review around it: an unclosed code fence is closed and an unclosed HTML
   comment is shown as text, so the folded checklist after it still renders. */
export function containNote(text) {
  let note = String(text || "").replace(/\r\n?/g, "\n").trim();
  if (!note) return "";
  let fence = null;
  for (const line of note.split("\n")) {
    const m = line.match(/^ {0,3}(`{3,}|~{3,})(.*)$/);
    if (!m) continue;
    if (!fence) fence = m[1];
    else if (m[1][0] === fence[0] && m[1].length >= fence.length && !m[2].trim()) fence = null;
  }
  if (fence) note += "\n" + fence;
  const open = note.lastIndexOf("<!--");
  if (open >= 0 && note.indexOf("-->", open + 4) < 0) {
    note = note.slice(0, open) + "&lt;!--" + note.slice(open + 4);
  }
  return note;
}

/* The template with every token replaced. `review` answers stateOf(id) (one of
   done, problem, na, open), problemNote(id), reopenedEntry(id) (null, or
   {since, files: [{file, how}]}) and note(). The counts are of the items the
   template lists. Unknown tokens, and any NUL left over, are removed: the
   output never carries a raw token. */
export function fillReview(template, review) {
  const counts = { done: 0, problem: 0, na: 0, open: 0, total: 0 };
  for (const [, body] of template.matchAll(TOKEN)) {
    const [name, id] = splitToken(body);
    if (name !== "state") continue;
    counts.total += 1;
    counts[stateIn(review, id)] += 1;
  }
  const holds = (condition) => {
    const [name, id] = splitToken(condition);
    if (name === "problems") return counts.problem > 0;
    if (name === "problem") return stateIn(review, id) === "problem";
    return false;
  };
  let text = template;
  for (let before = null; before !== text; ) {
    before = text;
    text = text.replace(BLOCK, (match, condition, inner) => (holds(condition) ? inner : ""));
  }
  const note = containNote(review.note());
  const fill = {
    state: (id) => MARKS[stateIn(review, id)],
    reopened(id) {
      const entry = stateIn(review, id) === "open" && review.reopenedEntry(id);
      // File names come from the PR, so they go in code spans.
      return entry ? " *(" + describeReopen(entry, codeSpan) + ")*" : "";
    },
    count: (kind) => String(Object.prototype.hasOwnProperty.call(counts, kind) ? counts[kind] : 0),
    problemnote: (id) => (stateIn(review, id) === "problem" ? quoteLine(review.problemNote(id)) : ""),
    note: () => (note ? "\n### Note\n\n" + note : ""),
  };
  return text
    .replace(TOKEN, (match, body) => {
      const [name, id] = splitToken(body);
      return Object.prototype.hasOwnProperty.call(fill, name) ? fill[name](id) : "";
    })
    .replace(/\u0000/g, "");
}

function stateIn(review, id) {
  const state = review.stateOf(id);
  return Object.prototype.hasOwnProperty.call(MARKS, state) ? state : "open";
}

/* The file a download is saved as, also named in the `gh pr review` hint. */
export function reviewFilename(number) {
  return "review-pr-" + String(number).replace(/[^0-9]/g, "") + ".md";
}
