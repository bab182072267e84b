/* What the reviewer sees and does on a page with checklists: progress per list
   and per page, the toolbar (reset, carry-over note), the review panel of a PR
   page (note, copy, download) and the events that keep them in step. */

import { SHORT, readPrData } from "./pr-data.js";
import { fillReview, readReviewTemplate, reviewFilename } from "./review-export.js";
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

export function postCommand(pr, filename) {
  return "gh pr review " + pr.number + " --repo " + pr.repo + " --comment --body-file " + filename;
}

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

function download(name, text) {
  const blob = new Blob([text], { type: "text/markdown;charset=utf-8" });
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
  // A PR page reserves the toolbar's place in its HTML (its height set by the
  // CSS), so filling it moves nothing; other pages get one inserted.
  const slot = ctx.article.querySelector(".rk-toolbar[data-rk-slot]");
  const bar = slot || el("div", { class: "rk-toolbar" });
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", "Checklist progress");
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
  if (!slot) {
    const h1 = ctx.article.querySelector("h1");
    if (h1 && h1.parentNode === ctx.article) ctx.article.insertBefore(bar, h1.nextSibling);
    else ctx.article.insertBefore(bar, ctx.article.firstChild);
  }
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
  const template = readReviewTemplate(prRoot);
  const panel = el("section", { class: "rk-review", "aria-labelledby": "rk-review-title" });
  panel.appendChild(el("h2", { id: "rk-review-title" }, "Your review"));
  const noteId = "rk-review-note";
  panel.appendChild(
    el("label", { for: noteId, class: "rk-review-label" }, "Note for the author (Markdown, included in the review)")
  );
  const area = el("textarea", { id: noteId, class: "rk-note", rows: "5" });
  area.value = ctx.state.note();
  area.addEventListener("input", () => {
    ctx.state.setNote(area.value);
    showSaveProblem(ctx);
  });
  ctx.noteArea = area;
  panel.appendChild(area);

  const actions = el("div", { class: "rk-actions" });
  const copy = el("button", { type: "button", class: "rk-btn rk-copy" }, "Copy review");
  const save = el("button", { type: "button", class: "rk-btn rk-download" }, "Download .md");
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
  // A page built before the review template existed has nothing to fill.
  const review = () => (template ? fillReview(template, ctx.state) : null);
  const missing = "This page has no review to export: rebuild the site.";
  copy.addEventListener("click", () => {
    const text = review();
    if (text === null) return say(missing);
    copyText(text).then(
      () => say("Copied the review as Markdown."),
      () => say("Could not copy: use Download .md instead.")
    );
  });
  const filename = reviewFilename(pr.number);
  save.addEventListener("click", () => {
    const text = review();
    if (text === null) return say(missing);
    download(filename, text);
    say("Saved " + filename + ".");
  });
  actions.appendChild(copy);
  actions.appendChild(save);
  actions.appendChild(status);
  if (ctx.bar) {
    const copyTop = el("button", { type: "button", class: "rk-btn rk-copy-top" }, "Copy review");
    const saveTop = el("button", { type: "button", class: "rk-btn rk-download-top" }, "Download .md");
    copyTop.addEventListener("click", () => copy.click());
    saveTop.addEventListener("click", () => save.click());
    ctx.bar.appendChild(copyTop);
    ctx.bar.appendChild(saveTop);
    ctx.bar.appendChild(barStatus);
  }
  panel.appendChild(actions);
  const hint = el("p", { class: "rk-hint" });
  hint.appendChild(document.createTextNode("Post it with "));
  hint.appendChild(el("code", {}, postCommand(pr, filename)));
  panel.appendChild(hint);
  prRoot.appendChild(panel);
}
