/* Material wraps each code block's copy button in a <nav>. A page with several
   code blocks then has several unnamed navigation landmarks, which screen
   readers list as "navigation, navigation, ..." beside the real ones (axe:
   landmark-unique). The wrapper only holds a button, so it is marked as no
   landmark at all; the button keeps its own label. Material adds the wrappers
   after the page loads, and again on instant navigation, so new ones are
   caught as they appear. */

const SELECTOR = "nav.md-code__nav:not([role])";

export function unlistCodeNavs(root) {
  for (const nav of root.querySelectorAll(SELECTOR)) nav.setAttribute("role", "none");
}

export function watchCodeNavs(doc) {
  unlistCodeNavs(doc);
  if (typeof MutationObserver !== "function") return null;
  const observer = new MutationObserver(() => unlistCodeNavs(doc));
  observer.observe(doc.body, { childList: true, subtree: true });
  return observer;
}
