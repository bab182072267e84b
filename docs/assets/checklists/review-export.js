/* The review a reviewer copies or downloads from a PR page, as Markdown (for
   `gh pr review`) or as the JSON of one GitHub review with inline comments
   (for `gh api --input`). The build renders both with the review tool's own
   templates and writes them into the page with NUL-delimited tokens; this
   module only fills them in and adds the reviewer's line notes. */

import { compareUrl, describeReopen, validReopen } from "./pr-data.js";

// review_kit/output/markdown.py writes the tokens; NUL cannot come from PR text.
const TOKEN = /\u0000([^\u0000]*)\u0000/g;

/* What the build wrote into the page for the export, checked by type:
   { template, github: {commit_id, event, body, comments}, lines, findings },
   or null when it is missing or broken (a page built before it existed). */
export function parseReviewExport(text) {
  let data = null;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return null;
  }
  if (!data || typeof data !== "object" || typeof data.template !== "string") return null;
  const github = data.github && typeof data.github === "object" ? data.github : null;
  const okGithub =
    github && typeof github.body === "string" && typeof github.commit_id === "string" && Array.isArray(github.comments);
  const lines = {};
  for (const [path, runs] of Object.entries(data.lines && typeof data.lines === "object" ? data.lines : {})) {
    if (Array.isArray(runs)) lines[path] = runs.filter((r) => Array.isArray(r) && r.length === 2 && r.every(Number.isInteger));
  }
  const findings = (Array.isArray(data.findings) ? data.findings : []).filter(
    (f) => f && typeof f.label === "string" && typeof f.path === "string" && Number.isInteger(f.line)
  );
  return { template: data.template, github: okGithub ? github : null, lines, findings };
}

/* The Markdown template alone, or "" (kept for pages and tests that need only it). */
export function parseReviewTemplate(text) {
  const data = parseReviewExport(text);
  return data ? data.template : "";
}

export function readReviewExport(prRoot) {
  return parseReviewExport(prRoot.getAttribute("data-review-export") || "");
}

export function readReviewTemplate(prRoot) {
  const data = readReviewExport(prRoot);
  return data ? data.template : "";
}

/* Text from the browser's storage (a problem note, a line note) as Markdown
   that shows it literally and, posted, pings, links and embeds nothing: the
   same rule as the build's md_escape (review_kit/output/escape.py). A word
   GitHub would act on (a mention, #12, GH-1, a SHA, $math$, a URL) goes in a
   code span; every other Markdown or HTML character is escaped. */
const ACTS_ON = /@\w|#\d|\bGH-\d|\$|:\/\/|\bwww\.|(?<!\w)(?=[0-9a-f]*\d)[0-9a-f]{7,40}(?!\w)/i;
const SPECIAL = /[\\`*_\[\]()#+\-.!|~<>&:{}]/g;
const ENTITIES = { "<": "&lt;", ">": "&gt;", "&": "&amp;", "{": "&#123;", "}": "&#125;", ":": "&#58;" };

export function mdText(text) {
  const value = String(text == null ? "" : text).replace(/[\u0000-\u001f\u007f]/g, " ");
  return value
    .split(/([^\s|]+)/)
    .map((part, i) => {
      if (i % 2 === 1 && ACTS_ON.test(part)) return codeSpan(part);
      return part.replace(SPECIAL, (c) => ENTITIES[c] || "\\" + c);
    })
    .join("");
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
  const line = String(typeof text === "string" ? text : "").replace(/\s+/g, " ").trim();
  return line ? "\n  > " + mdText(line) : "";
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
  // The review's own folds come after the note: it may not open or close one.
  return note.replace(/<(\/?)(details|summary)\b/gi, "&lt;$1$2");
}

/* Where a line note goes: an inline comment when it names a finding that is
   posted on its line, or a `path:line` the diff shows (data.lines, from the
   build); otherwise null, and it is listed in the body. */
export function noteAnchor(at, data) {
  const text = String(at || "");
  const finding = text.match(/^finding:(\d+)$/);
  if (finding) {
    const f = data.findings[Number(finding[1])];
    if (!f || !f.inline) return null;
    return Number.isInteger(f.start_line) ? { path: f.path, line: f.line, start_line: f.start_line } : { path: f.path, line: f.line };
  }
  const place = text.match(/^(.+):(\d+)$/);
  if (!place) return null;
  const [path, line] = [place[1], Number(place[2])];
  const runs = Object.prototype.hasOwnProperty.call(data.lines, path) ? data.lines[path] : [];
  return runs.some(([first, last]) => first <= line && line <= last) ? { path, line } : null;
}

/* What a line note says about its place, for the body or a comment. */
export function notePlace(at, data) {
  const finding = String(at || "").match(/^finding:(\d+)$/);
  if (finding) {
    const f = data.findings[Number(finding[1])];
    return f ? codeSpan(f.path + ":" + f.line) : "";
  }
  return codeSpan(String(at || ""));
}

function noteList(notes, data) {
  if (!notes.length) return "";
  const lines = notes.map((n) => "- " + notePlace(n.at, data) + ": " + mdText(n.text));
  return "\n### Notes on lines\n\n" + lines.join("\n") + "\n";
}

/* The template with every token replaced. `review` answers stateOf(id) (one of
   done, problem, na, open), problemNote(id), reopenedEntry(id) (null, or
   {since, files: [{file, how}]}) and note(). The counts are of the items the
   template lists. Unknown tokens, and any NUL left over, are removed: the
   output never carries a raw token. */
export function fillReview(template, review, options = {}) {
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
  const data = options.data || { lines: {}, findings: [] };
  const notes = (typeof review.lineNotes === "function" ? review.lineNotes() : []).filter(
    (n) => !(options.inline && noteAnchor(n.at, data))
  );
  const fill = {
    state: (id) => MARKS[stateIn(review, id)],
    reopened(id) {
      const entry = stateIn(review, id) === "open" ? validReopen(review.reopenedEntry(id)) : null;
      if (!entry) return "";
      // File names come from the PR, so they go in code spans.
      const url = options.pr ? compareUrl(options.pr, entry.since) : "";
      const text = describeReopen(entry, codeSpan);
      return " *(" + (url ? text + ", [compare](" + url + ")" : text) + ")*";
    },
    progress() {
      const parts = [];
      if (counts.done) parts.push(counts.done + " done");
      if (counts.problem) parts.push(counts.problem + (counts.problem === 1 ? " problem" : " problems"));
      if (counts.na) parts.push(counts.na + " n/a");
      return parts.length ? ": " + parts.join(", ") : "";
    },
    linenotes: () => noteList(notes, data),
    problemnote: (id) => (stateIn(review, id) === "problem" ? quoteLine(review.problemNote(id)) : ""),
    // Filled last (NOTE_AT), so the tidying of blank lines never touches it.
    note: () => NOTE_AT,
  };
  return text
    .replace(TOKEN, (match, body) => {
      const [name, id] = splitToken(body);
      return Object.prototype.hasOwnProperty.call(fill, name) ? fill[name](id) : "";
    })
    .replace(/\u0000/g, "")
    // Blocks left out (no problems, no line notes) leave runs of blank lines.
    .replace(/\n{3,}/g, "\n\n")
    .replace(NOTE_AT, () => (note ? note + "\n" : ""))
    .replace(/^\n+/, ""); // no note: the review starts at its first line
}

// Where the note goes until the rest is tidied: a control character that no
// rendered template holds (the build shows every control character escaped).
const NOTE_AT = "\u0001";

function stateIn(review, id) {
  const state = review.stateOf(id);
  return Object.prototype.hasOwnProperty.call(MARKS, state) ? state : "open";
}

/* The GitHub review as the JSON `gh api .../reviews --input FILE` posts: the
   build's review with its body filled, and each line note the diff can hold
   as one more inline comment (the others are listed in the body). */
export function fillGithubReview(data, review, pr) {
  const github = data.github;
  const comments = github.comments.filter((c) => c && typeof c === "object");
  for (const n of typeof review.lineNotes === "function" ? review.lineNotes() : []) {
    const anchor = noteAnchor(n.at, data);
    if (!anchor) continue;
    const comment = { path: anchor.path, line: anchor.line, side: "RIGHT" };
    if (anchor.start_line !== undefined) Object.assign(comment, { start_line: anchor.start_line, start_side: "RIGHT" });
    comment.body = "**Review note** — " + codeSpan(anchor.path + ":" + anchor.line) + "\n\n" + mdText(n.text);
    comments.push(comment);
  }
  const body = fillReview(github.body, review, { data, inline: true, pr });
  return { commit_id: github.commit_id, event: github.event || "COMMENT", body, comments };
}

/* The file a download is saved as, also named in the posting hint. */
export function reviewFilename(number, format = "md") {
  return "review-pr-" + String(number).replace(/[^0-9]/g, "") + (format === "json" ? ".json" : ".md");
}
