// Keyboard access to wide tables (WCAG 2.1.1): Material wraps every table in a horizontally scrolling
// .md-typeset__scrollwrap. Where a table is wider than the screen (a phone) and holds nothing
// focusable, a keyboard user could not scroll it: make such a wrapper a named, focusable region.
function markScrollableTables() {
  for (const wrap of document.querySelectorAll(".md-typeset__scrollwrap")) {
    if (wrap.hasAttribute("tabindex") || wrap.scrollWidth <= wrap.clientWidth) continue;
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", "表格（可左右滚动）");
  }
}

let queued = false;
function later() {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => {
    queued = false;
    markScrollableTables();
  });
}
addEventListener("load", later);
addEventListener("resize", later);
// Material wraps the tables after its own start-up: look again when it has (once per frame at most)
const observer = new MutationObserver(later);
observer.observe(document.querySelector(".md-content") || document.body, { childList: true, subtree: true });
// the tables are wrapped within the first seconds; nothing later needs watching
setTimeout(() => observer.disconnect(), 5000);
