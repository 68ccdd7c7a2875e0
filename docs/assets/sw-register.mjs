// Registers the site's service worker (site root /sw.js, written by the build) from every page,
// so that after a first visit the pages and the calculator work offline. Loaded by
// docs/overrides/main.html; URLs resolve against this module, so any sub-path works.
// Registration waits for the page's load event: precaching never competes with the first render.
const root = new URL("../", import.meta.url);

function register() {
  navigator.serviceWorker
    .register(new URL("sw.js", root), { scope: root.pathname })
    .catch((err) => console.warn("service worker not registered:", err && err.message));
}

if ("serviceWorker" in navigator && (location.protocol === "https:" || location.hostname === "127.0.0.1" || location.hostname === "localhost")) {
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
}
