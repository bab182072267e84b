// Ordering rows by a column (docs/assets/checklists/sortable-table.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { nextDirection, sortKey, sortedOrder } from "../../docs/assets/checklists/sortable-table.js";

test("sortKey prefers the cell's data-sort-value and reads numbers from text", () => {
  assert.equal(sortKey("number", "#210", null), 210);
  assert.equal(sortKey("number", "4/5", "4"), 4);
  assert.equal(sortKey("number", "critical", "2"), 2);
  assert.equal(sortKey("number", "n/a", null), null);
  assert.equal(sortKey("text", "  Docs: FLUX ", null), "docs: flux");
});

test("numbers start biggest first, text from A, and a second click reverses", () => {
  assert.equal(nextDirection("number", null), "descending");
  assert.equal(nextDirection("text", null), "ascending");
  assert.equal(nextDirection("number", "descending"), "ascending");
  assert.equal(nextDirection("text", "ascending"), "descending");
});

test("sortedOrder is stable and puts missing values last either way", () => {
  assert.deepEqual(sortedOrder([3, null, 10, 3, 1], "descending"), [2, 0, 3, 4, 1]);
  assert.deepEqual(sortedOrder([3, null, 10, 3, 1], "ascending"), [4, 0, 3, 2, 1]);
  assert.deepEqual(sortedOrder(["b", "a", "B"], "ascending"), [1, 0, 2]);
});
