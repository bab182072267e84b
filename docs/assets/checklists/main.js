/* Interactive review checklists, the entry module: ticks persist in
   localStorage (per page, or per pull request and head commit), progress is
   counted and announced, and PR pages export the review as GitHub Markdown;
   tables marked data-sortable (the PR index) sort by their columns.
   Without JavaScript the lists still read. The offline copy of the site loads
   this file bundled into one classic script (hooks/offline_site.py). */

import { watchCodeNavs } from "./landmarks.js";
import { enhanceSortableTables } from "./sortable-table.js";
import { PREFIX, openStore, siteRoot } from "./state.js";
import { reloadPage, setUpPage } from "./ui.js";

const env = {
  root: siteRoot(import.meta.url, typeof __md_scope !== "undefined" ? __md_scope : null, location.href),
  store: openStore(() => window.localStorage),
};

let active = null;

function init() {
  enhanceSortableTables(document);
  const ctx = setUpPage(env);
  if (ctx) active = ctx;
}

// Another tab ticked something: show it here too.
window.addEventListener("storage", (event) => {
  if (active && event.key && event.key.startsWith(PREFIX)) reloadPage(active);
});

watchCodeNavs(document);

// Material swaps pages without reloading (navigation.instant) and emits each
// new page on document$. On file:// it turns instant navigation off in a way
// that completes document$ without emitting, so the first page is also set up
// from DOMContentLoaded; init() skips a page it has already prepared.
if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(() => init());
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
