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
  };
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

/* Why a ticked item must be looked at again after the head moved: each file
   that triggers it (under either head) and is new, gone, or has another blob.
   An unknown blob (null) cannot be ruled out, so it counts too. */
export function changedFiles(id, old, cur) {
  const names = [];
  for (const list of [old.items[id], cur.items[id]]) {
    for (const name of Array.isArray(list) ? list : []) {
      if (!names.includes(name)) names.push(name);
    }
  }
  const out = [];
  for (const name of names) {
    const had = own(old.files, name);
    const has = own(cur.files, name);
    let how = null;
    if (!had && has) how = "added";
    else if (had && !has) how = "removed";
    else if (!had && !has) how = null;
    else if (old.files[name] == null || cur.files[name] == null) how = "may have changed";
    else if (old.files[name] !== cur.files[name]) how = "changed";
    if (how) out.push({ file: name, how });
  }
  return out;
}

/* "reopened: a.py changed since eb006f6; b.py added since eb006f6". `name`
   formats each file name and the SHA: plain text for the page, code spans
   for Markdown. */
export function describeReopen(entry, name) {
  const groups = new Map();
  for (const f of entry.files) {
    if (!groups.has(f.how)) groups.set(f.how, []);
    groups.get(f.how).push(name(String(f.file)));
  }
  const since = name(String(entry.since || "").slice(0, SHORT));
  const parts = [];
  for (const [how, files] of groups) parts.push(files.join(", ") + " " + how + " since " + since);
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
  const old = { files: objectOr(record.files), items: objectOr(record.items) };
  const { problems, na: oldNa } = outcomes(record);
  const oldReopened = objectOr(record.reopened);
  const settled = [...record.ticked, ...oldNa];
  const reopened = {};
  for (const id of Object.keys(oldReopened)) {
    if (!settled.includes(id) && !own(problems, id)) reopened[id] = oldReopened[id];
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
  const ticked = keep(record.ticked);
  const na = keep(oldNa);
  const migration = settled.length
    ? { from: record.head_sha, reopened: count, carried: ticked.length + na.length }
    : null;
  return {
    record: {
      head_sha: pr.head,
      files: pr.files,
      items: pr.items,
      ticked,
      problems,
      na,
      reopened,
      note: typeof record.note === "string" ? record.note : "",
    },
    migration,
  };
}
