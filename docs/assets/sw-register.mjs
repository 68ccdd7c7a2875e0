// Registers the site's service worker (site root /sw.js, written by the build) from every page,
// so that after a first visit the pages and the calculator work offline. Loaded by
// docs/overrides/main.html; URLs resolve against this module, so any sub-path works.
// When: on a page with a Python tool's result box (#calc-result), once its first answer is on screen
// (aria-busy="false"), or once there is nothing to wait for (empty form, error), so that precaching
// the site (about 1 MB) does not compete with Pyodide's start; on every other page after `load`.
// Measured (benchmarks/README.md): registering at `load` cost the calculator's first answer ~0.3 s.
const root = new URL("../", import.meta.url);
let done = false;

function register() {
  if (done) return;
  done = true;
  navigator.serviceWorker
    .register(new URL("sw.js", root), { scope: root.pathname })
    .catch((err) => console.warn("service worker not registered:", err && err.message));
}

function afterLoad() {
  if (document.readyState === "complete") setTimeout(register, 0);
  else window.addEventListener("load", register, { once: true });
}

if ("serviceWorker" in navigator && (location.protocol === "https:" || location.hostname === "127.0.0.1" || location.hostname === "localhost")) {
  const box = document.getElementById("calc-result");
  const settled = () => box.getAttribute("aria-busy") === "false" || box.dataset.state === "empty" || box.dataset.state === "error";
  if (box && !settled()) {
    const mo = new MutationObserver(() => {
      if (settled()) {
        mo.disconnect();
        afterLoad();
      }
    });
    mo.observe(box, { attributes: true, attributeFilter: ["aria-busy", "data-state"] });
  } else {
    afterLoad();
  }
}
