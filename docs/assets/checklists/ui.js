/* What the reviewer sees and does on a page with checklists: progress per list
   and per page, the toolbar (reset, carry-over note), the review panel of a PR
   page (note, copy, download) and the events that keep them in step. */

import { SHORT, compareUrl, readPrData } from "./pr-data.js";
import { fillGithubReview, fillReview, noteAnchor, readReviewExport, reviewFilename } from "./review-export.js";
import { pagePath, pageState, prState } from "./state.js";

/* -- text ------------------------------------------------------------------- */

export function progressText(done, total) {
  return done + " of " + total + " ticked";
}

/* The page's count, with problems and items not applicable when there are any. */
export function pageProgressText(done, total, problems = 0, na = 0) {
  let text = progressText(done, total) + " on this page";
  if (problems) text += ", " + problems + (problems === 1 ? " problem" : " problems");
  if (na) text += ", " + na + " not applicable";
  return text;
}

export function carryText(migration) {
  return (
    "Ticks carried over from head " +
    migration.from.slice(0, SHORT) +
    ": " +
    migration.carried +
    " kept, " +
    migration.reopened +
    " reopened because their files changed."
  );
}

/* The command that posts a download: the Markdown as a review body, or the
   JSON as one review with inline comments. */
export function postCommand(pr, filename, format = "md") {
  if (format === "json") {
    return "gh api repos/" + pr.repo + "/pulls/" + pr.number + "/reviews --input " + filename;
  }
  return "gh pr review " + pr.number + " --repo " + pr.repo + " --comment --body-file " + filename;
}

// The two renderings "Copy review" and "Download" offer.
export const FORMATS = {
  md: { label: "Markdown (gh pr review)", done: "Copied the review as Markdown.", type: "text/markdown" },
  json: { label: "GitHub review with line comments (gh api)", done: "Copied the review as GitHub JSON.", type: "application/json" },
};

/* -- DOM helpers ------------------------------------------------------------ */

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const name of Object.keys(attrs || {})) node.setAttribute(name, attrs[name]);
  if (text !== undefined) node.textContent = text;
  return node;
}

function itemId(box) {
  return box.getAttribute("data-item-id");
}

/* Each checklist with its tickable boxes, in document order. */
function findSections(article) {
  const sections = [];
  for (const list of article.querySelectorAll("ul.rk-checklist")) {
    const boxes = Array.from(list.querySelectorAll("input.rk-check")).filter(itemId);
    if (boxes.length) sections.push({ list, boxes });
  }
  return sections;
}

/* -- clipboard and download ------------------------------------------------- */

function copyText(text) {
  const fallback = () => {
    // execCommand needs a selection in the document; the textarea is off-screen
    // rather than hidden because hidden elements cannot be selected.
    const area = el("textarea", { readonly: "", "aria-hidden": "true", class: "rk-offscreen" });
    area.value = text;
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    area.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  };
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(text).catch(fallback);
  }
  return fallback();
}

function download(name, text, type = "text/markdown") {
  const blob = new Blob([text], { type: type + ";charset=utf-8" });
  const href = URL.createObjectURL(blob);
  const link = el("a", { href, download: name, class: "rk-offscreen" });
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(href), 10000);
}

/* -- the page controller ---------------------------------------------------- */

/* Make the checklists of the current page tickable. `env` holds the store and
   the site root. Returns the page's controller, or null when the page has no
   checklist or was set up already (init runs on load and on document$). */
export function setUpPage(env) {
  const article = document.querySelector(".md-content article") || document.querySelector("article");
  if (!article || article.hasAttribute("data-rk-ready")) return null;
  const sections = findSections(article);
  if (!sections.length) return null;
  article.setAttribute("data-rk-ready", "");

  const prRoot = article.querySelector(".rk-pr");
  const state = prRoot
    ? prState(env.store, readPrData(prRoot))
    : pageState(env.store, pagePath(location.pathname, env.root.pathname));
  const boxes = sections.flatMap((s) => s.boxes);
  const ctx = { article, sections, boxes, state, store: env.store, persistent: env.store.persistent };

  for (const section of sections) {
    section.progress = el("p", { class: "rk-progress" });
    section.progress.appendChild(el("span", { class: "rk-progress-text" }));
    const bar = el("span", { class: "rk-progress-bar", "aria-hidden": "true" });
    bar.appendChild(el("span", { class: "rk-progress-fill" }));
    section.progress.appendChild(bar);
    section.list.parentNode.insertBefore(section.progress, section.list);
  }

  buildToolbar(ctx);
  if (prRoot) {
    for (const box of boxes) addOutcomeButtons(ctx, box);
    buildReviewPanel(ctx, prRoot);
  }
  apply(ctx);

  article.addEventListener("change", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.classList.contains("rk-check")) return;
    const id = itemId(box);
    if (!id) return;
    state.setTicked(id, box.checked);
    // An item listed twice on a page is one item: apply() keeps its boxes in step.
    apply(ctx);
  });
  returnToAnchor(ctx);
  return ctx;
}

/* -- outcomes beyond a tick (PR pages) --------------------------------------- */

/* Two toggle buttons after each PR item's text: Problem (which opens a short
   note that goes into the review) and N/A. The checkbox stays the way to mark
   an item done; each control is a real button, so Tab and Space reach it. */
function addOutcomeButtons(ctx, box) {
  const li = box.closest("li.rk-item");
  const label = box.closest("label");
  if (!li || !label || li.querySelector(":scope > .rk-outcomes")) return;
  const id = itemId(box);
  if (!label.id) label.id = "rk-label-" + id + "-" + ctx.boxes.indexOf(box);
  const group = el("span", { class: "rk-outcomes", role: "group", "aria-label": "Other outcomes" });
  for (const [state, text, name] of [
    ["problem", "Problem", "Mark as a problem"],
    ["na", "N/A", "N/A: mark as not applicable"],
  ]) {
    const button = el(
      "button",
      {
        type: "button",
        class: "rk-btn rk-outcome rk-outcome-" + state,
        "aria-pressed": "false",
        "aria-label": name,
        "aria-describedby": label.id,
        "data-state": state,
      },
      text
    );
    button.addEventListener("click", () => {
      const next = ctx.state.stateOf(id) === state ? "open" : state;
      ctx.state.setState(id, next);
      apply(ctx);
      // Marking a problem asks at once what the problem is.
      if (next === "problem") {
        const input = li.querySelector(":scope > .rk-problem > input");
        if (input) input.focus();
      }
    });
    group.appendChild(button);
  }
  const why = li.querySelector(":scope > a.rk-why");
  (why || label).insertAdjacentElement("afterend", group);
}

/* The item's outcome on the page: the checkbox, the pressed buttons, a class
   for the styles, and the note field of a problem. */
function showOutcome(ctx, box) {
  const id = itemId(box);
  const state = ctx.state.stateOf(id);
  box.checked = state === "done";
  const li = box.closest("li.rk-item");
  if (!li) return;
  for (const name of ["problem", "na"]) li.classList.toggle("rk-state-" + name, state === name);
  for (const button of li.querySelectorAll(":scope > .rk-outcomes > .rk-outcome")) {
    button.setAttribute("aria-pressed", String(button.getAttribute("data-state") === state));
  }
  let wrap = li.querySelector(":scope > .rk-problem");
  if (state !== "problem") {
    if (wrap) wrap.remove();
    return;
  }
  if (!wrap) {
    wrap = el("p", { class: "rk-problem" });
    const input = el("input", {
      type: "text",
      class: "rk-problem-note",
      maxlength: "500",
      placeholder: "What is wrong? (goes into the review)",
      "aria-label": "Problem note",
      "aria-describedby": box.closest("label").id,
    });
    input.addEventListener("input", () => ctx.state.setProblemNote(id, input.value));
    wrap.appendChild(input);
    li.querySelector(":scope > .rk-outcomes").insertAdjacentElement("afterend", wrap);
  }
  const input = wrap.querySelector("input");
  if (document.activeElement !== input) input.value = ctx.state.problemNote(id);
}

/* Another tab saved ticks: show them here too, unless the page is gone. */
export function reloadPage(ctx) {
  if (!document.body.contains(ctx.article)) return;
  ctx.state.reload();
  apply(ctx);
  if (ctx.noteArea && document.activeElement !== ctx.noteArea) {
    ctx.noteArea.value = ctx.state.note();
  }
}

function apply(ctx) {
  for (const box of ctx.boxes) {
    if (ctx.state.pr) showOutcome(ctx, box);
    else box.checked = ctx.state.isTicked(itemId(box));
  }
  showReopened(ctx);
  updateProgress(ctx);
  showSaveProblem(ctx);
}

/* A refused save (the browser's storage is full) must not pass silently:
   the work is kept for this page, and the toolbar says it will not last. */
export const SAVE_FAILED = "Could not save in this browser (its storage is full): your review lasts until you leave the page. Copy or download it now.";

function showSaveProblem(ctx) {
  if (!ctx.bar || !ctx.store) return;
  let hint = ctx.bar.querySelector(".rk-save-failed");
  if (ctx.store.failed && !hint) {
    hint = el("p", { class: "rk-hint rk-save-failed", role: "alert" }, SAVE_FAILED);
    ctx.bar.appendChild(hint);
  } else if (!ctx.store.failed && hint) {
    hint.remove();
  }
}

function showReopened(ctx) {
  for (const box of ctx.boxes) {
    const li = box.closest("li.rk-item");
    if (!li) continue;
    const text = ctx.state.stateOf(itemId(box)) === "open" ? ctx.state.reopened(itemId(box)) : null;
    let note = li.querySelector(":scope > .rk-reopened");
    if (!text) {
      if (note) note.remove();
      continue;
    }
    if (!note) {
      note = el("p", { class: "rk-reopened" });
      // After the item's text and its guide link, before the file list.
      const files = li.querySelector(":scope > details");
      if (files) li.insertBefore(note, files);
      else li.appendChild(note);
    }
    note.textContent = text; // file names come from the PR: text, never markup
    // The same compare view the review tool's --since links, built from the
    // page's own PR URL and a checked SHA, never from stored text.
    const entry = ctx.state.reopenedEntry(itemId(box));
    const url = entry ? compareUrl(ctx.state.pr, entry.since) : "";
    if (url) {
      note.appendChild(document.createTextNode(" "));
      note.appendChild(el("a", { href: url, class: "rk-compare" }, "compare the changes"));
    }
  }
}

function updateProgress(ctx) {
  let done = 0;
  for (const section of ctx.sections) {
    const n = section.boxes.filter((b) => b.checked).length;
    const m = section.boxes.length;
    done += n;
    section.progress.querySelector(".rk-progress-text").textContent = progressText(n, m);
    section.progress.querySelector(".rk-progress-fill").style.width = (m ? (100 * n) / m : 0) + "%";
    section.progress.classList.toggle("rk-complete", n === m);
  }
  let problems = 0;
  let na = 0;
  for (const box of ctx.boxes) {
    const state = ctx.state.stateOf(itemId(box));
    if (state === "problem") problems += 1;
    if (state === "na") na += 1;
  }
  const text = pageProgressText(done, ctx.boxes.length, problems, na);
  // Only a real change is written, so the live region announces nothing on load
  // beyond the first reading and never repeats itself.
  if (ctx.summary.textContent !== text) ctx.summary.textContent = text;
}

function buildToolbar(ctx) {
  const bar = el("div", { class: "rk-toolbar", role: "group", "aria-label": "Checklist progress" });
  ctx.bar = bar;
  ctx.summary = el("p", { class: "rk-page-progress", "aria-live": "polite", "aria-atomic": "true" });
  bar.appendChild(ctx.summary);
  const reset = el("button", { type: "button", class: "rk-btn rk-reset" }, "Reset this page");
  reset.addEventListener("click", () => {
    const what = ctx.state.pr ? "all ticks, problems and the review note" : "all ticks";
    if (!window.confirm("Clear " + what + " on this page? This cannot be undone.")) return;
    ctx.state.reset();
    if (ctx.noteArea) ctx.noteArea.value = "";
    if (ctx.carry) ctx.carry.remove();
    apply(ctx);
  });
  bar.appendChild(reset);
  if (!ctx.persistent) {
    bar.appendChild(
      el("p", { class: "rk-hint" }, "This browser does not allow saving: ticks last until you leave the page.")
    );
  }
  if (ctx.state.migration) {
    ctx.carry = el("p", { class: "rk-hint rk-carry" }, carryText(ctx.state.migration));
    bar.appendChild(ctx.carry);
  }
  const h1 = ctx.article.querySelector("h1");
  if (h1 && h1.parentNode === ctx.article) ctx.article.insertBefore(bar, h1.nextSibling);
  else ctx.article.insertBefore(bar, ctx.article.firstChild);
  ctx.measureToolbar = trackToolbarHeight(bar);
}

// A heading reached by its anchor (the contents, "Findings" in Start here)
// must land below the sticky toolbar, not under it. The toolbar's height
// changes as it wraps on a phone, so it is measured and handed to the CSS
// scroll margin; a page opened at an anchor scrolls there again once known.
function trackToolbarHeight(bar) {
  const root = document.documentElement;
  const update = () => root.style.setProperty("--rk-toolbar-height", bar.offsetHeight + "px");
  update();
  if (typeof ResizeObserver === "function") new ResizeObserver(update).observe(bar);
  return update;
}

// The browser scrolled to the URL's anchor before the script added the
// toolbar, outcome buttons and progress bars above it, and web fonts still
// reflow the text until the page has loaded: scroll there again now, and once
// more on load unless the reader has scrolled since.
function returnToAnchor(ctx) {
  let target = null;
  try {
    target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  } catch {
    return; // a malformed escape in the URL names no heading
  }
  if (!target) return;
  // The observer reports the toolbar's final height only before the next
  // paint; the scroll needs it now.
  ctx.measureToolbar();
  target.scrollIntoView();
  if (document.readyState === "complete") return;
  const settled = window.scrollY;
  window.addEventListener(
    "load",
    () => {
      if (Math.abs(window.scrollY - settled) < 2) target.scrollIntoView();
    },
    { once: true }
  );
}

function buildReviewPanel(ctx, prRoot) {
  const pr = ctx.state.pr;
  const data = readReviewExport(prRoot);
  const panel = el("section", { class: "rk-review", "aria-labelledby": "rk-review-title" });
  panel.appendChild(el("h2", { id: "rk-review-title" }, "Your review"));
  const noteId = "rk-review-note";
  panel.appendChild(
    el("label", { for: noteId, class: "rk-review-label" }, "Note for the author (Markdown, first in the review)")
  );
  const area = el("textarea", { id: noteId, class: "rk-note", rows: "5" });
  area.value = ctx.state.note();
  area.addEventListener("input", () => {
    ctx.state.setNote(area.value);
    showSaveProblem(ctx);
  });
  ctx.noteArea = area;
  panel.appendChild(area);
  if (data) panel.appendChild(buildLineNotes(ctx, data));

  const actions = el("div", { class: "rk-actions" });
  const formatId = "rk-review-format";
  const formatLabel = el("label", { for: formatId, class: "rk-review-label" }, "Format");
  const chooser = el("select", { id: formatId, class: "rk-format" });
  for (const [value, format] of Object.entries(FORMATS)) {
    if (value === "json" && !(data && data.github)) continue;
    chooser.appendChild(el("option", { value }, format.label));
  }
  const copy = el("button", { type: "button", class: "rk-btn rk-copy" }, "Copy review");
  const save = el("button", { type: "button", class: "rk-btn rk-download" }, "Download");
  const status = el("p", { class: "rk-status", role: "status" });
  // The toolbar stays on screen while the reviewer scrolls (CSS sticky), so
  // the review can be copied from anywhere on a long page, not only from here.
  const barStatus = el("span", { class: "rk-status rk-status-top", "aria-hidden": "true" });
  const say = (text) => {
    // Emptying first makes a repeated message count as a change to announce.
    status.textContent = "";
    barStatus.textContent = "";
    setTimeout(() => {
      status.textContent = text;
      barStatus.textContent = text;
    }, 50);
  };
  const format = () => (chooser.value === "json" ? "json" : "md");
  // A page built before the export existed has nothing to fill.
  const review = () => {
    if (!data) return null;
    if (format() === "json") return JSON.stringify(fillGithubReview(data, ctx.state, pr), null, 2) + "\n";
    return fillReview(data.template, ctx.state, { data, pr });
  };
  const missing = "This page has no review to export: rebuild the site.";
  copy.addEventListener("click", () => {
    const text = review();
    if (text === null) return say(missing);
    copyText(text).then(
      () => say(FORMATS[format()].done),
      () => say("Could not copy: use Download instead.")
    );
  });
  save.addEventListener("click", () => {
    const text = review();
    if (text === null) return say(missing);
    const filename = reviewFilename(pr.number, format());
    download(filename, text, FORMATS[format()].type);
    say("Saved " + filename + ".");
  });
  actions.appendChild(formatLabel);
  actions.appendChild(chooser);
  actions.appendChild(copy);
  actions.appendChild(save);
  actions.appendChild(status);
  if (ctx.bar) {
    const copyTop = el("button", { type: "button", class: "rk-btn rk-copy-top" }, "Copy review");
    const saveTop = el("button", { type: "button", class: "rk-btn rk-download-top" }, "Download");
    copyTop.addEventListener("click", () => copy.click());
    saveTop.addEventListener("click", () => save.click());
    ctx.bar.appendChild(copyTop);
    ctx.bar.appendChild(saveTop);
    ctx.bar.appendChild(barStatus);
  }
  panel.appendChild(actions);
  const hint = el("p", { class: "rk-hint rk-post-hint" });
  const showHint = () => {
    hint.textContent = "";
    hint.appendChild(document.createTextNode("Post it with "));
    hint.appendChild(el("code", {}, postCommand(pr, reviewFilename(pr.number, format()), format())));
  };
  chooser.addEventListener("change", showHint);
  showHint();
  panel.appendChild(hint);
  prRoot.appendChild(panel);
}

/* Notes tied to a finding or to `path:line`: posted as inline comments in the
   GitHub review when the diff shows that line, listed in the body otherwise. */
function buildLineNotes(ctx, data) {
  const box = el("fieldset", { class: "rk-line-notes" });
  box.appendChild(el("legend", {}, "Notes on lines"));
  const list = el("ul", { class: "rk-line-note-list" });
  const whereId = "rk-line-where";
  const placeId = "rk-line-place";
  const textId = "rk-line-text";
  const where = el("select", { id: whereId, class: "rk-line-where" });
  data.findings.forEach((f, i) => where.appendChild(el("option", { value: "finding:" + i }, f.label)));
  where.appendChild(el("option", { value: "" }, "Another line (path:line)"));
  const place = el("input", { id: placeId, type: "text", class: "rk-line-place", placeholder: "path/to/file.py:42", maxlength: "1000" });
  const text = el("input", { id: textId, type: "text", class: "rk-line-text", maxlength: "2000", placeholder: "What is wrong here?" });
  const add = el("button", { type: "button", class: "rk-btn rk-line-add" }, "Add note");
  const feedback = el("p", { class: "rk-hint rk-line-feedback", role: "status" });
  const syncPlace = () => {
    place.hidden = where.value !== "";
  };
  where.addEventListener("change", syncPlace);
  const render = () => {
    list.textContent = "";
    ctx.state.lineNotes().forEach((n, i) => {
      const item = el("li", { class: "rk-line-note" });
      const label = n.at.startsWith("finding:") && data.findings[Number(n.at.slice(8))]
        ? data.findings[Number(n.at.slice(8))].label
        : n.at;
      const inline = noteAnchor(n.at, data) ? "on the line" : "in the body";
      item.appendChild(el("span", {}, label + " (" + inline + "): " + n.text)); // text, never markup
      const remove = el("button", { type: "button", class: "rk-btn rk-line-remove", "aria-label": "Remove the note on " + label }, "Remove");
      remove.addEventListener("click", () => {
        ctx.state.removeLineNote(i);
        render();
      });
      item.appendChild(remove);
      list.appendChild(item);
    });
  };
  add.addEventListener("click", () => {
    const at = where.value || place.value.trim();
    if (!/^finding:\d+$/.test(at) && !/^.+:\d+$/.test(at)) {
      feedback.textContent = "Name the line as path:line.";
      return;
    }
    if (!ctx.state.addLineNote(at, text.value)) {
      feedback.textContent = "Write the note first.";
      return;
    }
    feedback.textContent = noteAnchor(at, data)
      ? "Added: it becomes a comment on that line."
      : "Added: the diff does not show that line, so the note goes in the review's body.";
    text.value = "";
    render();
  });
  box.appendChild(el("label", { for: whereId, class: "rk-review-label" }, "Where"));
  box.appendChild(where);
  box.appendChild(el("label", { for: placeId, class: "rk-offscreen" }, "File and line"));
  box.appendChild(place);
  box.appendChild(el("label", { for: textId, class: "rk-review-label" }, "Note"));
  box.appendChild(text);
  box.appendChild(add);
  box.appendChild(feedback);
  box.appendChild(list);
  syncPlace();
  render();
  return box;
}
