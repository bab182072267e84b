// Where ticks are kept (docs/assets/checklists/state.js): the store, page keys and PR records.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  openStore,
  pagePath,
  pageState,
  prKey,
  prState,
  siteRoot,
} from "../../docs/assets/checklists/state.js";
import { trace } from "../../docs/assets/checklists/pr-data.js";
import { MemoryStorage, RefusingStorage } from "./fakes.mjs";

const PR = { number: "19", repo: "o/r", url: "", head: "new", files: { "a.py": "s2" }, items: { x: ["a.py"], y: [] } };
const clock = () => "2026-11-29T00:00:00.000Z";

test("openStore writes through to storage it can use", () => {
  const storage = new MemoryStorage();
  const store = openStore(() => storage);
  assert.equal(store.persistent, true);
  store.set("rk:v1:/p/:a", "1");
  assert.equal(storage.getItem("rk:v1:/p/:a"), "1");
  assert.equal(storage.getItem("rk:v1:probe"), null, "the probe is cleaned up");
  assert.deepEqual(store.keysWithPrefix("rk:v1:/p/"), ["rk:v1:/p/:a"]);
  store.remove("rk:v1:/p/:a");
  assert.equal(store.get("rk:v1:/p/:a"), null);
});

test("openStore keeps ticks in memory when storage refuses or is missing", () => {
  for (const getStorage of [() => new RefusingStorage(), () => undefined, () => { throw new Error("denied"); }]) {
    const store = openStore(getStorage);
    assert.equal(store.persistent, false);
    store.set("k", "v");
    assert.equal(store.get("k"), "v");
    assert.deepEqual(store.keysWithPrefix("k"), ["k"]);
    store.remove("k");
    assert.equal(store.get("k"), null);
  }
});

test("getJSON treats a corrupt record as absent", () => {
  const store = openStore(() => new MemoryStorage({ bad: "{", good: '{"a":1}' }));
  assert.equal(store.getJSON("bad"), null);
  assert.equal(store.getJSON("missing"), null);
  assert.deepEqual(store.getJSON("good"), { a: 1 });
});

test("siteRoot is two folders above the script, else Material's scope", () => {
  assert.equal(siteRoot("https://h/kit/assets/checklists/main.js", null, "").href, "https://h/kit/");
  assert.equal(siteRoot("file:///tmp/site/assets/checklists/offline.js", null, "").href, "file:///tmp/site/");
  assert.equal(siteRoot("", "https://h/kit/", "https://h/kit/x/").href, "https://h/kit/");
  assert.equal(siteRoot(undefined, null, "https://h/kit/x/").href, "https://h/");
});

test("pagePath is the page below the site root, whatever the host or prefix", () => {
  assert.equal(pagePath("/kit/framework/architecture/", "/kit/"), "/framework/architecture/");
  assert.equal(pagePath("/kit/framework/architecture/index.html", "/kit/"), "/framework/architecture/");
  assert.equal(pagePath("/tmp/site/framework/architecture.html", "/tmp/site/"), "/framework/architecture.html");
  assert.equal(pagePath("/kit/index.html", "/kit/"), "/");
  assert.equal(pagePath("/elsewhere/page/", "/kit/"), "/elsewhere/page/");
});

test("pageState keeps one key per ticked item and resets only its page", () => {
  const storage = new MemoryStorage({ "rk:v1:/other/:a": "1" });
  const state = pageState(openStore(() => storage), "/p/");
  state.setTicked("a", true);
  state.setTicked("b", true);
  state.setTicked("b", false);
  assert.equal(storage.getItem("rk:v1:/p/:a"), "1");
  assert.equal(state.isTicked("a"), true);
  assert.equal(state.isTicked("b"), false);
  assert.equal(state.reopened("a"), null);
  state.reset();
  assert.deepEqual([...storage.items.keys()], ["rk:v1:/other/:a"]);
});

test("prState starts empty and saves ticks and the note under the PR's key", () => {
  const storage = new MemoryStorage();
  const state = prState(openStore(() => storage), PR, clock);
  assert.equal(prKey(PR), "rk:v1:pr:o/r#19");
  assert.equal(state.migration, null);
  state.setTicked("x", true);
  state.setNote("note");
  const record = JSON.parse(storage.getItem("rk:v1:pr:o/r#19"));
  assert.deepEqual(record, {
    head_sha: "new",
    ...trace(PR),
    ticked: ["x"],
    problems: {},
    na: [],
    reopened: {},
    note: "note",
    lineNotes: [],
    updated: clock(),
  });
});

test("a stored record is checked by type: nothing from storage breaks the page or the export", () => {
  const planted = {
    head_sha: "new",
    ...trace(PR),
    ticked: ["x", null, 3],
    problems: { y: { not: "text" } },
    na: [null],
    reopened: {
      a: { since: "eb006f6", files: [null, { file: "a.py", how: "</details>\n\n@org/team LGTM ![t](https://t.example/p.gif)" }] },
      b: { since: "<img src=x>", files: [{ file: "b.py", how: "changed" }] },
      c: "not an object",
    },
    note: { not: "text" },
    lineNotes: [null, { at: "a.py:3", text: 7 }, { at: "a.py:4", text: "real" }],
  };
  const storage = new MemoryStorage({ "rk:v1:pr:o/r#19": JSON.stringify(planted) });
  const state = prState(openStore(() => storage), PR, clock);
  assert.equal(state.stateOf("x"), "done");
  assert.equal(state.problemNote("y"), "");
  assert.equal(state.reopenedEntry("a"), null); // its only file had an unknown `how`
  assert.deepEqual(state.reopenedEntry("b"), { since: "", files: [{ file: "b.py", how: "changed" }] });
  assert.equal(state.reopened("b"), "reopened: b.py changed");
  assert.equal(state.reopenedEntry("c"), null);
  assert.equal(state.note(), "");
  assert.deepEqual(state.lineNotes(), [{ at: "a.py:4", text: "real" }]);
});

test("a refused save is reported, and the work stays for the page", () => {
  const full = new MemoryStorage();
  const store = openStore(() => full);
  full.setItem = () => {
    throw new Error("QuotaExceededError");
  };
  const state = prState(store, PR, clock);
  state.setTicked("x", true);
  assert.equal(store.failed, true);
  assert.equal(state.stateOf("x"), "done");
});

test("prState keeps one outcome per item: done, a problem with its note, n/a or open", () => {
  const storage = new MemoryStorage();
  const state = prState(openStore(() => storage), PR, clock);
  const saved = () => JSON.parse(storage.getItem("rk:v1:pr:o/r#19"));
  state.setState("x", "problem");
  state.setProblemNote("x", "leaks on abort");
  assert.equal(state.stateOf("x"), "problem");
  assert.equal(state.problemNote("x"), "leaks on abort");
  assert.deepEqual(saved().problems, { x: "leaks on abort" });
  state.setState("x", "na");
  assert.equal(state.stateOf("x"), "na");
  assert.equal(state.isTicked("x"), false);
  assert.deepEqual([saved().problems, saved().na], [{}, ["x"]]);
  state.setProblemNote("x", "ignored: not a problem any more");
  assert.equal(state.problemNote("x"), "");
  state.setTicked("x", true);
  assert.equal(state.stateOf("x"), "done");
  assert.deepEqual([saved().ticked, saved().na], [["x"], []]);
  state.setState("x", "open");
  state.setState("y", "bogus");
  assert.deepEqual([state.stateOf("x"), state.stateOf("y")], ["open", "open"]);
});

test("prState reads a record written before problems and n/a existed", () => {
  const old = { head_sha: "new", files: PR.files, items: PR.items, ticked: ["x"], reopened: {}, note: "n" };
  const storage = new MemoryStorage({ "rk:v1:pr:o/r#19": JSON.stringify(old) });
  const state = prState(openStore(() => storage), PR, clock);
  assert.equal(state.stateOf("x"), "done");
  assert.equal(state.stateOf("y"), "open");
  state.setState("y", "problem");
  assert.deepEqual(JSON.parse(storage.getItem("rk:v1:pr:o/r#19")).problems, { y: "" });
});

test("prState carries n/a like a tick and keeps problems at a new head", () => {
  const items = { x: ["a.py"], y: ["a.py"], z: [], p: ["a.py"] };
  const old = {
    head_sha: "old",
    files: { "a.py": "s1" },
    items,
    ticked: [],
    na: ["x", "z"],
    problems: { p: "wrong" },
    reopened: {},
  };
  const storage = new MemoryStorage({ "rk:v1:pr:o/r#19": JSON.stringify(old) });
  const state = prState(openStore(() => storage), { ...PR, items }, clock);
  assert.deepEqual(state.migration, { from: "old", reopened: 1, carried: 1 });
  assert.equal(state.stateOf("x"), "open");
  assert.equal(state.reopened("x"), "reopened: a.py changed since old");
  assert.equal(state.stateOf("z"), "na");
  assert.equal(state.stateOf("p"), "problem");
  assert.equal(state.problemNote("p"), "wrong");
});

test("prState carries ticks to a new head and reopens items whose files changed", () => {
  const old = { head_sha: "old", files: { "a.py": "s1" }, items: PR.items, ticked: ["x", "y"], reopened: {}, note: "n" };
  const storage = new MemoryStorage({ "rk:v1:pr:o/r#19": JSON.stringify(old) });
  const state = prState(openStore(() => storage), PR, clock);
  assert.deepEqual(state.migration, { from: "old", reopened: 1, carried: 1 });
  assert.equal(state.isTicked("x"), false);
  assert.equal(state.isTicked("y"), true);
  assert.equal(state.reopened("x"), "reopened: a.py changed since old");
  assert.equal(state.note(), "n");
  // Saved at once for the new head, so a reload does not migrate again.
  assert.equal(JSON.parse(storage.getItem("rk:v1:pr:o/r#19")).head_sha, "new");
  // Ticking a reopened item clears its note.
  state.setTicked("x", true);
  assert.equal(state.reopenedEntry("x"), null);
});

test("prState.reload adopts another tab's record for this head only", () => {
  const storage = new MemoryStorage();
  const store = openStore(() => storage);
  const state = prState(store, PR, clock);
  const save = (record) => storage.setItem("rk:v1:pr:o/r#19", JSON.stringify(record));
  save({ head_sha: "new", ticked: ["y"], note: "from the other tab" });
  state.reload();
  assert.equal(state.isTicked("y"), true);
  assert.equal(state.note(), "from the other tab");
  save({ head_sha: "other", ticked: ["x"] });
  state.reload();
  assert.equal(state.isTicked("y"), true, "a record for another head is not adopted");
  storage.removeItem("rk:v1:pr:o/r#19");
  state.reload();
  assert.equal(state.isTicked("y"), false, "a reset in another tab clears this one");
});

test("prState ignores a record of the wrong shape and reset removes it", () => {
  const storage = new MemoryStorage({ "rk:v1:pr:o/r#19": JSON.stringify({ ticked: "x" }) });
  const state = prState(openStore(() => storage), PR, clock);
  assert.equal(state.isTicked("x"), false);
  state.setTicked("x", true);
  state.reset();
  assert.equal(storage.getItem("rk:v1:pr:o/r#19"), null);
  assert.equal(state.isTicked("x"), false);
});
