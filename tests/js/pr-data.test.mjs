// The PR data a page carries and what a new head reopens (docs/assets/checklists/pr-data.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  carryOver,
  changedFiles,
  describeReopen,
  nameKey,
  parsePrData,
  trace,
} from "../../docs/assets/checklists/pr-data.js";

const head = (sha, files, items) => ({ head: sha, files, items });

test("parsePrData reads the page's JSON", () => {
  const text = JSON.stringify({
    number: 19,
    repo: "o/r",
    url: "https://github.com/o/r/pull/19",
    head_sha: "abc",
    files: { "a.py": "1" },
    items: { x: ["a.py"] },
  });
  assert.deepEqual(parsePrData(text), {
    number: "19",
    repo: "o/r",
    url: "https://github.com/o/r/pull/19",
    head: "abc",
    files: { "a.py": "1" },
    items: { x: ["a.py"] },
    hunks: {},
    hunkFiles: {},
  });
});

test("parsePrData falls back to the data- attributes when the JSON is corrupt", () => {
  const pr = parsePrData("{not json", { number: "7", repo: "o/r", head: "def" });
  assert.deepEqual(pr, {
    number: "7",
    repo: "o/r",
    url: "",
    head: "def",
    files: {},
    items: {},
    hunks: {},
    hunkFiles: {},
  });
});

test("parsePrData ignores a URL or maps of the wrong type", () => {
  const pr = parsePrData(JSON.stringify({ number: 1, url: 5, files: "x", items: null }));
  assert.equal(pr.url, "");
  assert.deepEqual(pr.files, {});
  assert.deepEqual(pr.items, {});
});

test("changedFiles names files added, removed, changed or unknown under either head", () => {
  const old = head("1", { "a.py": "s1", "b.py": "s2", "c.py": null, "same.py": "s" }, {
    x: ["a.py", "b.py", "c.py", "same.py"],
  });
  const cur = head("2", { "a.py": "s9", "c.py": "s3", "d.py": "s4", "same.py": "s" }, {
    x: ["a.py", "c.py", "d.py", "same.py"],
  });
  // The stored side keeps name keys, not names: a file that left the item is counted.
  assert.deepEqual(changedFiles("x", old, cur), [
    { file: "a.py", how: "changed" },
    { file: "c.py", how: "may have changed" },
    { file: "d.py", how: "added" },
    { file: "1 file", how: "no longer in the change" },
  ]);
});

test("with hunk digests, only the hunks that fired an item reopen it", () => {
  const old = { ...head("1", { "a.py": "s1" }, { x: ["a.py"] }), hunks: { x: "h1" }, hunkFiles: { x: { "a.py": "h1" } } };
  // The file's blob changed (an edit elsewhere in it), its triggering hunks did not.
  const same = { ...head("2", { "a.py": "s2" }, { x: ["a.py"] }), hunks: { x: "h1" }, hunkFiles: { x: { "a.py": "h1" } } };
  assert.deepEqual(changedFiles("x", trace(old), same), []);
  const moved = { ...same, hunks: { x: "h2" }, hunkFiles: { x: { "a.py": "h9", "b.py": "h3" } } };
  assert.deepEqual(changedFiles("x", trace(old), moved), [
    { file: "a.py", how: "changed" },
    { file: "b.py", how: "added" },
  ]);
});

test("a stored trace holds name keys and digests, never the names", () => {
  const long = "vllm_omni/" + "x".repeat(3000) + ".py";
  const stored = JSON.stringify(trace({ files: { [long]: "s" }, items: { i: [long] }, hunkFiles: { i: { [long]: "d" } } }));
  assert.ok(!stored.includes("xxxx"));
  assert.ok(stored.includes(nameKey(long)) && nameKey(long).length === 8);
});

test("a reopen note names at most a few files and counts the rest", () => {
  const names = Array.from({ length: 40 }, (_, i) => `f${i}.py`);
  const cur = head("2", Object.fromEntries(names.map((n) => [n, "new"])), { x: names });
  const out = changedFiles("x", head("1", {}, {}), cur);
  assert.equal(out.length, 6);
  assert.deepEqual(out[5], { file: "35 more files", how: "changed or added" });
});

test("changedFiles is empty for an item whose files kept their blobs", () => {
  const files = { "a.py": "s1" };
  assert.deepEqual(changedFiles("x", head("1", files, { x: ["a.py"] }), head("2", files, { x: ["a.py"] })), []);
});

test("describeReopen groups files by what happened, in first-seen order", () => {
  const entry = {
    since: "eb006f66e5ad",
    files: [
      { file: "a.py", how: "changed" },
      { file: "b.py", how: "added" },
      { file: "c.py", how: "changed" },
    ],
  };
  assert.equal(
    describeReopen(entry, String),
    "reopened: a.py, c.py changed since eb006f6; b.py added since eb006f6"
  );
  assert.equal(
    describeReopen(entry, (s) => `<${s}>`),
    "reopened: <a.py>, <c.py> changed since <eb006f6>; <b.py> added since <eb006f6>"
  );
});

test("carryOver keeps unchanged ticks, reopens the others and counts both", () => {
  const record = {
    head_sha: "old",
    files: { "a.py": "s1", "b.py": "s2" },
    items: { kept: ["a.py"], moved: ["b.py"], question: [] },
    ticked: ["kept", "moved", "question"],
    reopened: { earlier: { since: "older", files: [{ file: "z", how: "added" }] }, moved: {} },
    note: "a note",
  };
  const pr = head("new", { "a.py": "s1", "b.py": "s9" }, record.items);
  const { record: next, migration } = carryOver(record, pr);
  assert.deepEqual(next.ticked, ["kept", "question"]);
  assert.deepEqual(next.reopened, {
    earlier: record.reopened.earlier,
    moved: { since: "old", files: [{ file: "b.py", how: "changed" }] },
  });
  assert.equal(next.head_sha, "new");
  assert.deepEqual(next.files, { [nameKey("a.py")]: "s1", [nameKey("b.py")]: "s9" });
  assert.equal(next.note, "a note");
  assert.deepEqual(migration, { from: "old", reopened: 1, carried: 2 });
});

test("carryOver reports no migration when nothing was ticked", () => {
  const record = { head_sha: "old", ticked: [], note: 5 };
  const { record: next, migration } = carryOver(record, head("new", {}, {}));
  assert.equal(migration, null);
  assert.equal(next.note, "");
});
