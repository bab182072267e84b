/* Interactive review checklists: ticks persist in localStorage (per page, or per
   pull request and head commit), progress is counted and announced, and PR pages
   export the review as GitHub-flavoured Markdown. Without JavaScript the lists still read. */
(function () {
  "use strict";

  var PREFIX = "rk:v1:";
  var SHORT = 7;

  // The script is served from <site root>/assets/, so its own URL gives the site
  // root for http(s) and file:// alike, wherever the site is deployed. Material's
  // __md_scope is the same root, kept as a fallback.
  var ROOT = (function () {
    var script = document.currentScript;
    if (script && script.src) return new URL("../", script.src);
    if (typeof __md_scope !== "undefined") return new URL(String(__md_scope));
    return new URL("/", location.href);
  })();

  /* -- storage --------------------------------------------------------------- */

  // localStorage can be missing or throw (privacy modes, quota, sandboxed
  // file://); ticks then last for the visit only and the toolbar says so.
  var memory = {};
  var persistent = (function () {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return true;
    } catch (e) {
      return false;
    }
  })();

  var store = {
    get: function (key) {
      if (!persistent) return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null;
      try {
        return window.localStorage.getItem(key);
      } catch (e) {
        return null;
      }
    },
    set: function (key, value) {
      if (!persistent) {
        memory[key] = value;
        return;
      }
      try {
        window.localStorage.setItem(key, value);
      } catch (e) {
        memory[key] = value;
      }
    },
    remove: function (key) {
      delete memory[key];
      if (!persistent) return;
      try {
        window.localStorage.removeItem(key);
      } catch (e) {
        /* nothing stored, nothing to remove */
      }
    },
    keysWithPrefix: function (prefix) {
      var keys = Object.keys(memory).filter(function (k) {
        return k.indexOf(prefix) === 0;
      });
      if (!persistent) return keys;
      try {
        for (var i = 0; i < window.localStorage.length; i++) {
          var key = window.localStorage.key(i);
          if (key && key.indexOf(prefix) === 0 && keys.indexOf(key) < 0) keys.push(key);
        }
      } catch (e) {
        /* fall through with what memory holds */
      }
      return keys;
    },
    getJSON: function (key) {
      var raw = this.get(key);
      if (raw === null) return null;
      try {
        return JSON.parse(raw);
      } catch (e) {
        return null; // a corrupt record is treated as absent rather than breaking the page
      }
    },
  };

  /* The page's path below the site root: "/framework/architecture/". The key must
     not depend on the host, port or deployment prefix, only on the page. */
  function pagePath() {
    var path = location.pathname;
    var base = ROOT.pathname;
    if (path.indexOf(base) === 0) path = path.slice(base.length);
    path = path.replace(/(^|\/)index\.html$/, "$1");
    return "/" + path.replace(/^\/+/, "");
  }

  /* -- state: framework and focus-area pages ---------------------------------- */

  // One key per ticked item, named by page path and the item's stable id, so
  // reordering or inserting items never moves a tick to another item.
  function pageState(path) {
    var prefix = PREFIX + path + ":";
    return {
      isTicked: function (id) {
        return store.get(prefix + id) === "1";
      },
      setTicked: function (id, ticked) {
        if (ticked) store.set(prefix + id, "1");
        else store.remove(prefix + id);
      },
      reopened: function () {
        return null;
      },
      reload: function () {
        /* every read goes to storage already */
      },
      reset: function () {
        store.keysWithPrefix(prefix).forEach(function (key) {
          store.remove(key);
        });
      },
    };
  }

  /* -- state: per-PR pages ----------------------------------------------------- */

  function readPrData(prRoot) {
    var data = null;
    var script = prRoot.querySelector("script.rk-pr-data");
    if (script) {
      try {
        data = JSON.parse(script.textContent);
      } catch (e) {
        data = null;
      }
    }
    data = data && typeof data === "object" ? data : {};
    return {
      number: String(data.number || prRoot.getAttribute("data-pr") || ""),
      repo: String(data.repo || prRoot.getAttribute("data-repo") || ""),
      url: typeof data.url === "string" ? data.url : "",
      head: String(data.head_sha || prRoot.getAttribute("data-head-sha") || ""),
      files: data.files && typeof data.files === "object" ? data.files : {},
      items: data.items && typeof data.items === "object" ? data.items : {},
    };
  }

  function own(obj, key) {
    return Object.prototype.hasOwnProperty.call(obj, key);
  }

  /* Why a ticked item must be looked at again after the head moved: each file
     that triggers it (under either head) and is new, gone, or has another blob.
     An unknown blob (null) cannot be ruled out, so it counts too. */
  function changedFiles(id, old, cur) {
    var names = [];
    [old.items[id], cur.items[id]].forEach(function (list) {
      (Array.isArray(list) ? list : []).forEach(function (name) {
        if (names.indexOf(name) < 0) names.push(name);
      });
    });
    var out = [];
    names.forEach(function (name) {
      var had = own(old.files, name);
      var has = own(cur.files, name);
      var how = null;
      if (!had && has) how = "added";
      else if (had && !has) how = "removed";
      else if (!had && !has) how = null;
      else if (old.files[name] == null || cur.files[name] == null) how = "may have changed";
      else if (old.files[name] !== cur.files[name]) how = "changed";
      if (how) out.push({ file: name, how: how });
    });
    return out;
  }

  /* "reopened: a.py changed since eb006f6; b.py added since eb006f6". `name`
     formats each file name and the SHA: plain text for the page, code spans
     for Markdown. */
  function describeReopen(entry, name) {
    var groups = {};
    var order = [];
    entry.files.forEach(function (f) {
      if (!groups[f.how]) {
        groups[f.how] = [];
        order.push(f.how);
      }
      groups[f.how].push(name(String(f.file)));
    });
    var since = name(String(entry.since || "").slice(0, SHORT));
    return (
      "reopened: " +
      order
        .map(function (how) {
          return groups[how].join(", ") + " " + how + " since " + since;
        })
        .join("; ")
    );
  }

  // One record per PR holding the latest reviewed head: its blob SHAs and item
  // triggers, the ticks, the reopen notes and the reviewer's note. Opening a page
  // built for another head carries the ticks over, reopening what its files changed.
  function prState(pr) {
    var key = PREFIX + "pr:" + pr.repo + "#" + pr.number;
    var record = store.getJSON(key);
    var migration = null;
    var valid = function (r) {
      return r && typeof r === "object" && Array.isArray(r.ticked) && typeof r.head_sha === "string";
    };
    if (!valid(record)) record = null;
    if (record && record.head_sha !== pr.head) {
      var old = {
        files: record.files && typeof record.files === "object" ? record.files : {},
        items: record.items && typeof record.items === "object" ? record.items : {},
      };
      var ticked = [];
      var reopened = {};
      var oldReopened = record.reopened && typeof record.reopened === "object" ? record.reopened : {};
      Object.keys(oldReopened).forEach(function (id) {
        if (record.ticked.indexOf(id) < 0) reopened[id] = oldReopened[id];
      });
      var count = 0;
      record.ticked.forEach(function (id) {
        var changed = changedFiles(id, old, pr);
        if (changed.length) {
          reopened[id] = { since: record.head_sha, files: changed };
          count += 1;
        } else {
          ticked.push(id);
        }
      });
      if (record.ticked.length) {
        migration = { from: record.head_sha, reopened: count, carried: ticked.length };
      }
      record = {
        head_sha: pr.head,
        files: pr.files,
        items: pr.items,
        ticked: ticked,
        reopened: reopened,
        note: typeof record.note === "string" ? record.note : "",
      };
      save();
    }
    if (!record) {
      record = { head_sha: pr.head, files: pr.files, items: pr.items, ticked: [], reopened: {}, note: "" };
    }
    if (!record.reopened || typeof record.reopened !== "object") record.reopened = {};

    function save() {
      record.updated = new Date().toISOString();
      store.set(key, JSON.stringify(record));
    }

    return {
      pr: pr,
      migration: migration,
      isTicked: function (id) {
        return record.ticked.indexOf(id) >= 0;
      },
      setTicked: function (id, ticked) {
        var at = record.ticked.indexOf(id);
        if (ticked && at < 0) record.ticked.push(id);
        if (!ticked && at >= 0) record.ticked.splice(at, 1);
        // Ticking a reopened item means it was looked at again for this head.
        if (ticked) delete record.reopened[id];
        save();
      },
      reopened: function (id) {
        var entry = this.reopenedEntry(id);
        return entry ? describeReopen(entry, String) : null;
      },
      reopenedEntry: function (id) {
        var entry = own(record.reopened, id) ? record.reopened[id] : null;
        return entry && Array.isArray(entry.files) && entry.files.length ? entry : null;
      },
      reload: function () {
        // Another tab saved this PR: adopt its record when it is for this head.
        var fresh = store.getJSON(key);
        if (valid(fresh) && fresh.head_sha === pr.head) {
          record = fresh;
          if (!record.reopened || typeof record.reopened !== "object") record.reopened = {};
        } else if (!fresh) {
          record = { head_sha: pr.head, files: pr.files, items: pr.items, ticked: [], reopened: {}, note: "" };
        }
      },
      note: function () {
        return record.note || "";
      },
      setNote: function (text) {
        record.note = text;
        save();
      },
      reset: function () {
        store.remove(key);
        record = { head_sha: pr.head, files: pr.files, items: pr.items, ticked: [], reopened: {}, note: "" };
      },
    };
  }

  /* -- DOM helpers --------------------------------------------------------------- */

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function headingText(heading) {
    if (!heading) return "";
    var copy = heading.cloneNode(true);
    copy.querySelectorAll(".headerlink, .rk-risk").forEach(function (n) {
      n.remove();
    });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  /* Each checklist with the h2 and h3 it sits under, in document order. */
  function findSections(article) {
    var sections = [];
    var h1 = null;
    var h2 = null;
    var h3 = null;
    article.querySelectorAll("h1, h2, h3, ul.rk-checklist").forEach(function (node) {
      var tag = node.tagName;
      if (tag === "H1") {
        h1 = node;
        h2 = h3 = null;
      } else if (tag === "H2") {
        h2 = node;
        h3 = null;
      } else if (tag === "H3") {
        h3 = node;
      } else {
        var boxes = Array.prototype.filter.call(
          node.querySelectorAll("input.rk-check"),
          function (box) {
            return box.getAttribute("data-item-id");
          }
        );
        sections.push({
          list: node,
          group: headingText(h2),
          title: headingText(h3 || h2 || h1) || "Checklist",
          boxes: boxes,
        });
      }
    });
    return sections.filter(function (s) {
      return s.boxes.length;
    });
  }

  function itemId(box) {
    return box.getAttribute("data-item-id");
  }

  /* -- Markdown export ----------------------------------------------------------- */

  // Any ASCII punctuation may be backslash-escaped in CommonMark. Escaping the
  // characters that can start inline markup, HTML, entities, tables or mentions
  // keeps text literal; "(" and ")" need nothing once "[" and "]" are escaped.
  function escapeMd(text) {
    return String(text)
      .replace(/\s+/g, " ")
      .replace(/[\\`*_{}\[\]<>#|~&!@$]/g, "\\$&");
  }

  // A code span whose fence is longer than any backtick run inside, so no file
  // name can close it early; padded when the name starts or ends with a backtick.
  function codeSpan(text) {
    var value = String(text).replace(/[\r\n]+/g, " ");
    var longest = 0;
    (value.match(/`+/g) || []).forEach(function (run) {
      longest = Math.max(longest, run.length);
    });
    var fence = new Array(longest + 2).join("`");
    var pad = /^`|`$|^ .* $/.test(value) || value === "" ? " " : "";
    return fence + pad + value + pad + fence;
  }

  function safeUrl(url) {
    try {
      var parsed = new URL(url);
      if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return "";
      return parsed.href.replace(/[()<>\s]/g, function (c) {
        return "%" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0");
      });
    } catch (e) {
      return "";
    }
  }

  /* The label's text as Markdown: code stays code, everything else is escaped text. */
  function labelMarkdown(label) {
    var out = "";
    (function walk(node) {
      node.childNodes.forEach(function (child) {
        if (child.nodeType === Node.TEXT_NODE) out += escapeMd(child.textContent);
        else if (child.nodeType !== Node.ELEMENT_NODE || child.tagName === "INPUT") return;
        else if (child.tagName === "CODE") out += codeSpan(child.textContent);
        else walk(child);
      });
    })(label);
    return out.replace(/\s+/g, " ").trim();
  }

  function reviewMarkdown(ctx) {
    var pr = ctx.state.pr;
    var lines = [];
    var url = safeUrl(pr.url);
    var name = escapeMd(pr.repo + "#" + pr.number);
    lines.push("## Review checklist for " + (url ? "[" + name + "](" + url + ")" : name));
    lines.push("");
    var total = ctx.boxes.length;
    var done = ctx.boxes.filter(function (b) {
      return b.checked;
    }).length;
    lines.push(
      "Reviewed at head " +
        codeSpan(pr.head.slice(0, SHORT)) +
        " with the vLLM-Omni review kit: " +
        done +
        " of " +
        total +
        " items ticked."
    );
    var group = null;
    ctx.sections.forEach(function (section) {
      if (section.group && section.group !== group) {
        group = section.group;
        lines.push("", "### " + escapeMd(group));
      }
      if (section.title !== group) lines.push("", "**" + escapeMd(section.title) + "**");
      lines.push("");
      section.boxes.forEach(function (box) {
        var label = box.closest("label") || box.parentNode;
        var line = "- [" + (box.checked ? "x" : " ") + "] " + labelMarkdown(label);
        var entry = !box.checked && ctx.state.reopenedEntry && ctx.state.reopenedEntry(itemId(box));
        // File names come from the PR, so they go in code spans.
        if (entry) line += " *(" + describeReopen(entry, codeSpan) + ")*";
        lines.push(line);
      });
    });
    var text = ctx.state.note().replace(/\r\n?/g, "\n").trim();
    if (text) lines.push("", "### Note", "", text);
    return lines.join("\n") + "\n";
  }

  /* -- clipboard and download ---------------------------------------------------- */

  function copyText(text) {
    var fallback = function () {
      // execCommand needs a selection in the document; the textarea is off-screen
      // rather than hidden because hidden elements cannot be selected.
      var area = el("textarea", { readonly: "", "aria-hidden": "true", class: "rk-offscreen" });
      area.value = text;
      document.body.appendChild(area);
      area.select();
      var ok = false;
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
    var blob = new Blob([text], { type: "text/markdown;charset=utf-8" });
    var href = URL.createObjectURL(blob);
    var link = el("a", { href: href, download: name, class: "rk-offscreen" });
    document.body.appendChild(link);
    link.click();
    link.remove();
    // Revoking at once can cancel the download in some browsers.
    setTimeout(function () {
      URL.revokeObjectURL(href);
    }, 10000);
  }

  /* -- the page controller -------------------------------------------------------- */

  var active = null;

  function init() {
    var article =
      document.querySelector(".md-content article") || document.querySelector("article");
    if (!article || article.hasAttribute("data-rk-ready")) return;
    var sections = findSections(article);
    if (!sections.length) return;
    article.setAttribute("data-rk-ready", "");

    var prRoot = article.querySelector(".rk-pr");
    var state = prRoot ? prState(readPrData(prRoot)) : pageState(pagePath());
    var boxes = [];
    sections.forEach(function (s) {
      boxes.push.apply(boxes, s.boxes);
    });
    var ctx = { article: article, sections: sections, boxes: boxes, state: state };

    sections.forEach(function (section) {
      section.progress = el("p", { class: "rk-progress" });
      section.progress.appendChild(el("span", { class: "rk-progress-text" }));
      var bar = el("span", { class: "rk-progress-bar", "aria-hidden": "true" });
      bar.appendChild(el("span", { class: "rk-progress-fill" }));
      section.progress.appendChild(bar);
      section.list.parentNode.insertBefore(section.progress, section.list);
    });

    buildToolbar(ctx);
    if (prRoot) buildReviewPanel(ctx, prRoot);
    apply(ctx);

    article.addEventListener("change", function (event) {
      var box = event.target;
      if (!(box instanceof HTMLInputElement) || !box.classList.contains("rk-check")) return;
      var id = itemId(box);
      if (!id) return;
      state.setTicked(id, box.checked);
      // An item listed twice on a page is one item: keep its boxes in step.
      boxes.forEach(function (other) {
        if (other !== box && itemId(other) === id) other.checked = box.checked;
      });
      showReopened(ctx);
      updateProgress(ctx);
    });
    active = ctx;
  }

  function apply(ctx) {
    ctx.boxes.forEach(function (box) {
      box.checked = ctx.state.isTicked(itemId(box));
    });
    showReopened(ctx);
    updateProgress(ctx);
  }

  function showReopened(ctx) {
    ctx.boxes.forEach(function (box) {
      var li = box.closest("li.rk-item");
      if (!li) return;
      var text = box.checked ? null : ctx.state.reopened(itemId(box));
      var note = li.querySelector(":scope > .rk-reopened");
      if (!text) {
        if (note) note.remove();
        return;
      }
      if (!note) {
        note = el("p", { class: "rk-reopened" });
        // After the item's text and its guide link, before the file list.
        var files = li.querySelector(":scope > details");
        if (files) li.insertBefore(note, files);
        else li.appendChild(note);
      }
      note.textContent = text; // file names come from the PR: text, never markup
    });
  }

  function updateProgress(ctx) {
    var done = 0;
    ctx.sections.forEach(function (section) {
      var n = section.boxes.filter(function (b) {
        return b.checked;
      }).length;
      var m = section.boxes.length;
      done += n;
      section.progress.querySelector(".rk-progress-text").textContent = n + " of " + m + " ticked";
      section.progress.querySelector(".rk-progress-fill").style.width = (m ? (100 * n) / m : 0) + "%";
      section.progress.classList.toggle("rk-complete", n === m);
    });
    var total = ctx.boxes.length;
    var text = done + " of " + total + " ticked on this page";
    // Only a real change is written, so the live region announces nothing on load
    // beyond the first reading and never repeats itself.
    if (ctx.summary.textContent !== text) ctx.summary.textContent = text;
  }

  function buildToolbar(ctx) {
    var bar = el("div", { class: "rk-toolbar", role: "group", "aria-label": "Checklist progress" });
    ctx.summary = el("p", { class: "rk-page-progress", "aria-live": "polite", "aria-atomic": "true" });
    bar.appendChild(ctx.summary);
    var reset = el("button", { type: "button", class: "rk-btn rk-reset" }, "Reset this page");
    reset.addEventListener("click", function () {
      var what = ctx.state.pr ? "all ticks and the review note" : "all ticks";
      if (!window.confirm("Clear " + what + " on this page? This cannot be undone.")) return;
      ctx.state.reset();
      if (ctx.noteArea) ctx.noteArea.value = "";
      if (ctx.carry) ctx.carry.remove();
      apply(ctx);
    });
    bar.appendChild(reset);
    if (!persistent) {
      bar.appendChild(
        el("p", { class: "rk-hint" }, "This browser does not allow saving: ticks last until you leave the page.")
      );
    }
    var m = ctx.state.migration;
    if (m) {
      ctx.carry = el(
        "p",
        { class: "rk-hint rk-carry" },
        "Ticks carried over from head " +
          m.from.slice(0, SHORT) +
          ": " +
          m.carried +
          " kept, " +
          m.reopened +
          " reopened because their files changed."
      );
      bar.appendChild(ctx.carry);
    }
    var h1 = ctx.article.querySelector("h1");
    if (h1 && h1.parentNode === ctx.article) ctx.article.insertBefore(bar, h1.nextSibling);
    else ctx.article.insertBefore(bar, ctx.article.firstChild);
  }

  function buildReviewPanel(ctx, prRoot) {
    var pr = ctx.state.pr;
    var panel = el("section", { class: "rk-review", "aria-labelledby": "rk-review-title" });
    panel.appendChild(el("h2", { id: "rk-review-title" }, "Your review"));
    var noteId = "rk-review-note";
    panel.appendChild(
      el("label", { for: noteId, class: "rk-review-label" }, "Note for the author (Markdown, included in the review)")
    );
    var area = el("textarea", { id: noteId, class: "rk-note", rows: "5" });
    area.value = ctx.state.note();
    area.addEventListener("input", function () {
      ctx.state.setNote(area.value);
    });
    ctx.noteArea = area;
    panel.appendChild(area);

    var actions = el("div", { class: "rk-actions" });
    var copy = el("button", { type: "button", class: "rk-btn rk-copy" }, "Copy review");
    var save = el("button", { type: "button", class: "rk-btn rk-download" }, "Download .md");
    var status = el("p", { class: "rk-status", role: "status" });
    var say = function (text) {
      // Emptying first makes a repeated message count as a change to announce.
      status.textContent = "";
      setTimeout(function () {
        status.textContent = text;
      }, 50);
    };
    copy.addEventListener("click", function () {
      copyText(reviewMarkdown(ctx)).then(
        function () {
          say("Copied the review as Markdown.");
        },
        function () {
          say("Could not copy: use Download .md instead.");
        }
      );
    });
    var filename = "review-pr-" + String(pr.number).replace(/[^0-9]/g, "") + ".md";
    save.addEventListener("click", function () {
      download(filename, reviewMarkdown(ctx));
      say("Saved " + filename + ".");
    });
    actions.appendChild(copy);
    actions.appendChild(save);
    actions.appendChild(status);
    panel.appendChild(actions);
    var hint = el("p", { class: "rk-hint" });
    hint.appendChild(document.createTextNode("Post it with "));
    hint.appendChild(
      el("code", {}, "gh pr review " + pr.number + " --repo " + pr.repo + " --comment --body-file " + filename)
    );
    panel.appendChild(hint);
    prRoot.appendChild(panel);
  }

  // Another tab ticked something: show it here too.
  window.addEventListener("storage", function (event) {
    if (active && document.body.contains(active.article) && event.key && event.key.indexOf(PREFIX) === 0) {
      active.state.reload();
      apply(active);
      if (active.noteArea && active.state.note && document.activeElement !== active.noteArea) {
        active.noteArea.value = active.state.note();
      }
    }
  });

  // Material swaps pages without reloading (navigation.instant) and emits each
  // new page on document$. On file:// it turns instant navigation off in a way
  // that completes document$ without emitting, so the first page is also set up
  // from DOMContentLoaded; init() skips a page it has already prepared.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () {
      init();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
