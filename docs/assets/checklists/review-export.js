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

/* The template with every token replaced. `review` answers isTicked(id),
   reopenedEntry(id) (null, or {since, files: [{file, how}]}) and note(). The
   counts are of the ticks the template lists. Unknown tokens, and any NUL
   left over, are removed: the output never carries a raw token. */
export function fillReview(template, review) {
  let done = 0;
  let total = 0;
  for (const [, body] of template.matchAll(TOKEN)) {
    const [name, id] = splitToken(body);
    if (name !== "tick") continue;
    total += 1;
    if (review.isTicked(id)) done += 1;
  }
  const note = String(review.note() || "").replace(/\r\n?/g, "\n").trim();
  const fill = {
    tick: (id) => (review.isTicked(id) ? "x" : " "),
    reopened(id) {
      const entry = !review.isTicked(id) && review.reopenedEntry(id);
      // File names come from the PR, so they go in code spans.
      return entry ? " *(" + describeReopen(entry, codeSpan) + ")*" : "";
    },
    done: () => String(done),
    total: () => String(total),
    note: () => (note ? "\n### Note\n\n" + note : ""),
  };
  return template
    .replace(TOKEN, (match, body) => {
      const [name, id] = splitToken(body);
      return Object.prototype.hasOwnProperty.call(fill, name) ? fill[name](id) : "";
    })
    .replace(/\u0000/g, "");
}

/* The file a download is saved as, also named in the `gh pr review` hint. */
export function reviewFilename(number) {
  return "review-pr-" + String(number).replace(/[^0-9]/g, "") + ".md";
}
