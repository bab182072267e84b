/* A PR page's data and what it means for a review carried across heads: the
   page's PR JSON, which ticked items reopen when the head moves, and why. */

export const SHORT = 7;

export function own(obj, key) {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

export function objectOr(value) {
  return value && typeof value === "object" ? value : {};
}

/* The PR as the page describes it. `text` is the JSON the build wrote into the
   page; `attrs` are the data- attributes of .rk-pr, used when the JSON is
   missing or corrupt so the ticks still have a key. */
export function parsePrData(text, attrs = {}) {
  let data = null;
  try {
    data = JSON.parse(text);
  } catch (e) {
    data = null;
  }
  data = objectOr(data);
  return {
    number: String(data.number || attrs.number || ""),
    repo: String(data.repo || attrs.repo || ""),
    url: typeof data.url === "string" ? data.url : "",
    head: String(data.head_sha || attrs.head || ""),
    files: objectOr(data.files),
    items: objectOr(data.items),
    // Per item, a digest of the hunks that made it fire, and per file within it
    // (review_kit triggers.py): a ticked item reopens only when these change.
    hunks: objectOr(data.hunks),
    hunkFiles: objectOr(data.hunk_files),
  };
}

/* A short, stable key for a file name (FNV-1a, 32 bits). Stored records key
   files by it, not by name: a 3000-file PR with long names made a record of
   millions of characters, past the browser's storage quota. */
export function nameKey(name) {
  let h = 0x811c9dc5;
  const text = String(name);
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

const TRACE_VERSION = 2;

/* What a stored review remembers of the head it was made at: blob SHAs and
   item triggers keyed by name keys, and the hunk digests. Old records (keyed
   by names) are converted on the way in. */
export function trace(source) {
  if (source && source.trace === TRACE_VERSION) return source;
  const files = {};
  for (const [name, sha] of Object.entries(objectOr(source && source.files))) files[nameKey(name)] = sha;
  const items = {};
  for (const [id, names] of Object.entries(objectOr(source && source.items))) {
    items[id] = (Array.isArray(names) ? names : []).map(nameKey);
  }
  const hunkFiles = {};
  for (const [id, perFile] of Object.entries(objectOr(source && (source.hunkFiles || source.hunk_files)))) {
    hunkFiles[id] = {};
    for (const [name, digest] of Object.entries(objectOr(perFile))) hunkFiles[id][nameKey(name)] = digest;
  }
  return { trace: TRACE_VERSION, files, items, hunks: { ...objectOr(source && source.hunks) }, hunkFiles };
}

/* The JSON is an attribute of .rk-pr, not a <script>: Material's instant
   navigation re-creates every script in the content without its class or
   type, so a page reached by a click lost it (review_kit pr_page.html.j2). */
export function readPrData(prRoot) {
  return parsePrData(prRoot.getAttribute("data-pr-json") || "", {
    number: prRoot.getAttribute("data-pr"),
    repo: prRoot.getAttribute("data-repo"),
    head: prRoot.getAttribute("data-head-sha"),
  });
}

// A reopen note names at most this many files; the rest are counted.
export const NAMED_FILES = 5;

/* Why a ticked item must be looked at again after the head moved. When both
   heads have hunk digests for it, only a change to the hunks that fired it
   counts (a change elsewhere in the same file does not); otherwise each file
   that triggers it and is new, gone, or has another blob. An unknown blob
   (null) cannot be ruled out, so it counts too. `old` is a stored trace (or
   anything trace() accepts); `cur` is the page's PR, which knows the names. */
export function changedFiles(id, old, cur) {
  const before = trace(old);
  const out = [];
  const gone = (keys) => {
    if (keys.length) out.push({ file: keys.length === 1 ? "1 file" : `${keys.length} files`, how: "no longer in the change" });
  };
  if (own(before.hunks, id) && own(objectOr(cur.hunks), id)) {
    if (before.hunks[id] === cur.hunks[id]) return [];
    const had = objectOr(before.hunkFiles[id]);
    const now = objectOr(objectOr(cur.hunkFiles)[id]);
    const seen = new Set();
    for (const [name, digest] of Object.entries(now)) {
      const key = nameKey(name);
      seen.add(key);
      if (!own(had, key)) out.push({ file: name, how: "added" });
      else if (had[key] !== digest) out.push({ file: name, how: "changed" });
    }
    gone(Object.keys(had).filter((key) => !seen.has(key)));
    return capped(out);
  }
  const names = Array.isArray(cur.items[id]) ? cur.items[id] : [];
  const seen = new Set();
  for (const name of names) {
    const key = nameKey(name);
    seen.add(key);
    const had = own(before.files, key);
    const has = own(cur.files, name);
    let how = null;
    if (!had && has) how = "added";
    else if (had && !has) how = "removed";
    else if (!had && !has) how = null;
    else if (before.files[key] == null || cur.files[name] == null) how = "may have changed";
    else if (before.files[key] !== cur.files[name]) how = "changed";
    if (how) out.push({ file: name, how });
  }
  const oldKeys = Array.isArray(before.items[id]) ? before.items[id] : [];
  gone(oldKeys.filter((key) => !seen.has(key)));
  return capped(out);
}

// Changed files first: they are the reason to look again; then new ones.
const ORDER = ["changed", "may have changed", "added", "removed", "no longer in the change"];
// Every `how` a reopen note may hold: the reasons above and the count of the rest.
const REASONS = [...ORDER, "changed or added"];

function capped(found) {
  const out = [...found].sort((a, b) => ORDER.indexOf(a.how) - ORDER.indexOf(b.how));
  if (out.length <= NAMED_FILES + 1) return out;
  const rest = out.length - NAMED_FILES;
  return [...out.slice(0, NAMED_FILES), { file: `${rest} more files`, how: "changed or added" }];
}

const SHA = /^[0-9a-f]{7,40}$/;
// What a stored `since` may be to be shown at all: letters and digits, which
// no Markdown or HTML reads as syntax (a real one is a SHA).
const PLAIN_ID = /^[0-9A-Za-z]{1,64}$/;

/* A stored reopen note, checked by type: storage is anyone's on this origin,
   so `since` must be a commit SHA, each file a string and each `how` one of
   the reasons this module writes; anything else is dropped (null when
   nothing is left). */
export function validReopen(entry) {
  if (!entry || typeof entry !== "object" || !Array.isArray(entry.files)) return null;
  const files = entry.files.filter(
    (f) => f && typeof f === "object" && typeof f.file === "string" && REASONS.includes(f.how)
  );
  if (!files.length) return null;
  return { since: typeof entry.since === "string" && PLAIN_ID.test(entry.since) ? entry.since : "", files };
}

/* The PR's "Files changed" view limited to the commits after `since`: the
   same compare view the review tool's --since links. "" without a SHA. */
export function compareUrl(pr, since) {
  const url = String((pr && pr.url) || "");
  const head = String((pr && pr.head) || "");
  if (!/^https:\/\/[A-Za-z0-9.-]+(:\d+)?\/[\w.-]+\/[\w.-]+\/pull\/\d+$/.test(url)) return "";
  if (!SHA.test(String(since || "")) || !SHA.test(head)) return "";
  return url + "/files/" + since + ".." + head;
}

/* "reopened: a.py changed since eb006f6; b.py added since eb006f6". `name`
   formats each file name and the SHA: plain text for the page, code spans
   for Markdown. Only what validReopen keeps is described. */
export function describeReopen(stored, name) {
  const entry = validReopen(stored);
  if (!entry) return "";
  const groups = new Map();
  for (const f of entry.files) {
    if (!groups.has(f.how)) groups.set(f.how, []);
    groups.get(f.how).push(name(String(f.file)));
  }
  const since = entry.since ? " since " + name(entry.since.slice(0, SHORT)) : "";
  const parts = [];
  for (const [how, files] of groups) parts.push(files.join(", ") + " " + how + since);
  return "reopened: " + parts.join("; ");
}

/* The outcomes a record keeps beside its ticks (`ticked`, the items done):
   `problems` maps an item to the reviewer's short note, `na` lists the items
   that do not apply. Records written before these existed have neither. */
export function outcomes(record) {
  const problems = {};
  for (const [id, note] of Object.entries(objectOr(record.problems))) {
    problems[id] = typeof note === "string" ? note : "";
  }
  const na = Array.isArray(record.na) ? record.na.filter((id) => typeof id === "string") : [];
  return { problems, na };
}

/* A stored review (`record`, for another head) moved to the page's head `pr`:
   items done or not applicable whose files did not change are kept, the others
   reopen with the files that changed. Problems stay problems: the reviewer
   raised them and clears them. `migration` counts kept and reopened for the
   toolbar, or is null when nothing was settled. Reopen notes of items still
   open are kept. */
export function carryOver(record, pr) {
  const old = trace(record.trace === TRACE_VERSION ? record : { files: record.files, items: record.items, hunks: record.hunks, hunk_files: record.hunk_files });
  const { problems, na: oldNa } = outcomes(record);
  const oldReopened = objectOr(record.reopened);
  const ticks = Array.isArray(record.ticked) ? record.ticked.filter((id) => typeof id === "string") : [];
  const settled = [...ticks, ...oldNa];
  const reopened = {};
  for (const id of Object.keys(oldReopened)) {
    const entry = validReopen(oldReopened[id]);
    if (entry && !settled.includes(id) && !own(problems, id)) reopened[id] = entry;
  }
  let count = 0;
  const keep = (ids) =>
    ids.filter((id) => {
      const changed = changedFiles(id, old, pr);
      if (!changed.length) return true;
      reopened[id] = { since: record.head_sha, files: changed };
      count += 1;
      return false;
    });
  const ticked = keep(ticks);
  const na = keep(oldNa);
  const migration = settled.length
    ? { from: record.head_sha, reopened: count, carried: ticked.length + na.length }
    : null;
  return {
    record: {
      head_sha: pr.head,
      ...trace(pr),
      ticked,
      problems,
      na,
      reopened,
      note: typeof record.note === "string" ? record.note : "",
    },
    migration,
  };
}
