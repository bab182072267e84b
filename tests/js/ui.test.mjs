// The text the toolbar and the review panel show (docs/assets/checklists/ui.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { carryText, pageProgressText, postCommand, progressText } from "../../docs/assets/checklists/ui.js";

test("progress reads as ticked of total", () => {
  assert.equal(progressText(1, 3), "1 of 3 ticked");
  assert.equal(pageProgressText(0, 12), "0 of 12 ticked on this page");
  assert.equal(pageProgressText(2, 12, 1, 3), "2 of 12 ticked on this page, 1 problem, 3 not applicable");
  assert.equal(pageProgressText(2, 12, 2, 0), "2 of 12 ticked on this page, 2 problems");
});

test("carryText names the short head and both counts", () => {
  assert.equal(
    carryText({ from: "eb006f66e5ad", carried: 3, reopened: 4 }),
    "Ticks carried over from head eb006f6: 3 kept, 4 reopened because their files changed."
  );
});

test("postCommand is the gh command that posts the downloaded review", () => {
  assert.equal(
    postCommand({ number: "19", repo: "o/r" }, "review-pr-19.md"),
    "gh pr review 19 --repo o/r --comment --body-file review-pr-19.md"
  );
  assert.equal(
    postCommand({ number: "19", repo: "o/r" }, "review-pr-19.json", "json"),
    "gh api repos/o/r/pulls/19/reviews --input review-pr-19.json"
  );
});
