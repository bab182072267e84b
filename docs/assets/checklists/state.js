/* Where ticks live: one store over localStorage (memory when the browser
   refuses), the ticks of an ordinary page, and the record of a PR review that
   follows the PR's head. Keys (rk:v1:...) must never change: they hold reviews. */

import { carryOver, describeReopen, objectOr, outcomes, own, trace, validReopen } from "./pr-data.js";

export const PREFIX = "rk:v1:";

/* A key-value store over the Storage that `getStorage()` returns. Storage can
   be missing or throw (privacy modes, quota, sandboxed file://); ticks then
   last for the visit only, and `persistent` is false so the toolbar says so. */
export function openStore(getStorage) {
  const memory = {};
  let storage = null;
  try {
    storage = getStorage();
    const probe = PREFIX + "probe";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
  } catch (e) {
    storage = null;
  }
  return {
    persistent: storage !== null,
    // Whether the last save was refused (quota): the toolbar says so.
    failed: false,
    get(key) {
      if (!storage) return own(memory, key) ? memory[key] : null;
      try {
        return storage.getItem(key);
      } catch (e) {
        return null;
      }
    },
    set(key, value) {
      if (!storage) {
        memory[key] = value;
        return;
      }
      try {
        storage.setItem(key, value);
        this.failed = false;
      } catch (e) {
        // Full or refused: keep it for this page, and let the page say so.
        memory[key] = value;
        this.failed = true;
      }
    },
    remove(key) {
      delete memory[key];
      if (!storage) return;
      try {
        storage.removeItem(key);
      } catch (e) {
        /* nothing stored, nothing to remove */
      }
    },
    keysWithPrefix(prefix) {
      const keys = Object.keys(memory).filter((k) => k.startsWith(prefix));
      if (!storage) return keys;
      try {
        for (let i = 0; i < storage.length; i++) {
          const key = storage.key(i);
          if (key && key.startsWith(prefix) && !keys.includes(key)) keys.push(key);
        }
      } catch (e) {
        /* fall through with what memory holds */
      }
      return keys;
    },
    getJSON(key) {
      const raw = this.get(key);
      if (raw === null) return null;
      try {
        return JSON.parse(raw);
      } catch (e) {
        return null; // a corrupt record is treated as absent rather than breaking the page
      }
    },
  };
}

/* The site root. The script sits two levels below it (assets/checklists/), so
   its own URL gives the root for http(s) and file:// alike, wherever the site is
   deployed; Material's __md_scope is the same root, kept as a fallback. */
export function siteRoot(scriptUrl, mdScope, href) {
  if (scriptUrl) return new URL("../../", scriptUrl);
  if (mdScope) return new URL(String(mdScope));
  return new URL("/", href);
}

/* The page's path below the site root: "/framework/architecture/". The key must
   not depend on the host, port or deployment prefix, only on the page. */
export function pagePath(pathname, rootPath) {
  let path = pathname;
  if (path.startsWith(rootPath)) path = path.slice(rootPath.length);
  path = path.replace(/(^|\/)index\.html$/, "$1");
  return "/" + path.replace(/^\/+/, "");
}

/* Framework and focus-area pages: one key per ticked item, named by page path
   and the item's stable id, so reordering or inserting items never moves a
   tick to another item. */
export function pageState(store, path) {
  const prefix = PREFIX + path + ":";
  return {
    isTicked: (id) => store.get(prefix + id) === "1",
    // Ordinary pages know only done and open.
    stateOf(id) {
      return this.isTicked(id) ? "done" : "open";
    },
    setTicked(id, ticked) {
      if (ticked) store.set(prefix + id, "1");
      else store.remove(prefix + id);
    },
    problemNote: () => "",
    reopened: () => null,
    reopenedEntry: () => null,
    reload() {
      /* every read goes to storage already */
    },
    reset() {
      for (const key of store.keysWithPrefix(prefix)) store.remove(key);
    },
  };
}

export function prKey(pr) {
  return PREFIX + "pr:" + pr.repo + "#" + pr.number;
}

function isRecord(r) {
  return Boolean(r) && typeof r === "object" && Array.isArray(r.ticked) && typeof r.head_sha === "string";
}

function emptyRecord(pr) {
  return { head_sha: pr.head, ...trace(pr), ticked: [], problems: {}, na: [], reopened: {}, note: "", lineNotes: [] };
}

// A line note says where (`path:line`, or `finding:N` for the page's N-th
// finding) and what; both are kept short, as the form allows.
const NOTE_AT = 1000;
const NOTE_TEXT = 2000;

/* The reviewer's notes tied to a line, checked by type: storage is untrusted. */
export function validLineNotes(value) {
  if (!Array.isArray(value)) return [];
  return value
    .filter((n) => n && typeof n === "object" && typeof n.at === "string" && typeof n.text === "string")
    .map((n) => ({ at: n.at.slice(0, NOTE_AT), text: n.text.slice(0, NOTE_TEXT) }))
    .filter((n) => n.at.trim() && n.text.trim());
}

export const STATES = ["done", "problem", "na", "open"];

/* The record made whole and checked by type, field by field: old records have
   only ticks, and anything on this origin can write to storage, so a wrong
   type is dropped, never rendered (a reopen note must not carry markup into
   the export, nor a null break the page). */
function normalise(record) {
  record.ticked = record.ticked.filter((id) => typeof id === "string");
  const reopened = {};
  for (const [id, entry] of Object.entries(objectOr(record.reopened))) {
    const valid = validReopen(entry);
    if (valid) reopened[id] = valid;
  }
  record.reopened = reopened;
  record.note = typeof record.note === "string" ? record.note : "";
  record.lineNotes = validLineNotes(record.lineNotes);
  Object.assign(record, outcomes(record));
  return record;
}

/* PR pages: one record per PR holding the latest reviewed head (its blob SHAs
   and item triggers), the outcome of each item (`ticked` for done, `problems`
   with the reviewer's note, `na`; an item in none is open), the reopen notes
   and the reviewer's note. Opening a page built for another head carries the
   outcomes over, reopening what its files changed (pr-data.js carryOver). */
export function prState(store, pr, now = () => new Date().toISOString()) {
  const key = prKey(pr);
  let record = store.getJSON(key);
  let migration = null;
  if (!isRecord(record)) record = null;

  function save() {
    record.updated = now();
    store.set(key, JSON.stringify(record));
  }

  if (record && record.head_sha !== pr.head) {
    ({ record, migration } = carryOver(record, pr));
    save();
  }
  record = normalise(record || emptyRecord(pr));

  return {
    pr,
    migration,
    isTicked: (id) => record.ticked.includes(id),
    stateOf(id) {
      if (record.ticked.includes(id)) return "done";
      if (own(record.problems, id)) return "problem";
      if (record.na.includes(id)) return "na";
      return "open";
    },
    /* One outcome per item: setting one clears the others. Any outcome but
       open means the item was looked at for this head, so its reopen note goes. */
    setState(id, state) {
      if (!STATES.includes(state) || this.stateOf(id) === state) return;
      record.ticked = record.ticked.filter((x) => x !== id);
      record.na = record.na.filter((x) => x !== id);
      delete record.problems[id];
      if (state === "done") record.ticked.push(id);
      if (state === "na") record.na.push(id);
      if (state === "problem") record.problems[id] = "";
      if (state !== "open") delete record.reopened[id];
      save();
    },
    setTicked(id, ticked) {
      this.setState(id, ticked ? "done" : "open");
    },
    problemNote: (id) => (own(record.problems, id) ? record.problems[id] : ""),
    setProblemNote(id, text) {
      if (!own(record.problems, id)) return;
      record.problems[id] = String(text);
      save();
    },
    reopened(id) {
      const entry = this.reopenedEntry(id);
      return entry ? describeReopen(entry, String) : null;
    },
    reopenedEntry(id) {
      return own(record.reopened, id) ? validReopen(record.reopened[id]) : null;
    },
    lineNotes: () => record.lineNotes.slice(),
    addLineNote(at, text) {
      const [note] = validLineNotes([{ at: String(at), text: String(text) }]);
      if (!note) return false;
      record.lineNotes.push(note);
      save();
      return true;
    },
    removeLineNote(index) {
      if (!Number.isInteger(index) || index < 0 || index >= record.lineNotes.length) return;
      record.lineNotes.splice(index, 1);
      save();
    },
    reload() {
      // Another tab saved this PR: adopt its record when it is for this head.
      const fresh = store.getJSON(key);
      if (isRecord(fresh) && fresh.head_sha === pr.head) {
        record = normalise(fresh);
      } else if (!fresh) {
        record = emptyRecord(pr);
      }
    },
    note: () => (typeof record.note === "string" ? record.note : ""),
    setNote(text) {
      record.note = String(text);
      save();
    },
    reset() {
      store.remove(key);
      record = emptyRecord(pr);
    },
  };
}
