// Registers the site's service worker (site root /sw.js, written by the build) from every page,
// so that after a first visit the pages and the calculator work offline. Loaded by
// docs/overrides/main.html; URLs resolve against this module, so any sub-path works.
const root = new URL("../", import.meta.url);

if ("serviceWorker" in navigator && (location.protocol === "https:" || location.hostname === "127.0.0.1" || location.hostname === "localhost")) {
  navigator.serviceWorker
    .register(new URL("sw.js", root), { scope: root.pathname })
    .catch((err) => console.warn("service worker not registered:", err && err.message));
}
