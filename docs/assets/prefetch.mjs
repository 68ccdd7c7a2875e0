// A warm start for the calculator (issue 12 §2): on a content page, on a fast connection that is not
// metered, download the Python runtime and the core wheel in idle time, so that a later visit to the
// calculator finds them in the service worker's cache (its "lazy" caches, docs/assets/sw.js) instead
// of downloading about 4 MB then.
//
// When: only where the browser says the connection is Wi-Fi or Ethernet, fast (effectiveType "4g",
// downlink at least MIN_DOWNLINK_MBPS where reported) and Save-Data is off. Where the browser says
// nothing (no Network Information API: Safari, Firefox; or no connection type: desktop Chrome), it
// does nothing: "unknown" may be a metered phone hotspot. On cellular, never. Then it waits for the
// page to load, AFTER_LOAD_MS of the reader actually reading (the page visible), an idle moment and
// the service worker, and fetches one file at a time at low priority. Once per deploy of the wheel
// (localStorage). Loaded by docs/overrides/main.html on every page except the calculator and the tool
// pages (they start Python themselves). Nothing is executed: the files are only fetched.
//
// State for tests and the benchmark: <html data-runtime-prefetch="waiting|fetching|done|skipped:<why>|failed">.
// Measured in benchmarks/README.md ("prefetch").

export const MIN_DOWNLINK_MBPS = 5;
export const AFTER_LOAD_MS = 3000;
export const SW_WAIT_MS = 10000;
// what the calculator's worker fetches from pyodide/ (tests/test_browser_prefetch.py checks the list
// against a real cold start), then the core wheel named by assets/py/manifest.json
export const RUNTIME_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.min.zip", "pyodide-lock.json"];
const DONE_KEY = "runtime-prefetch";

// Whether this connection may carry a 4 MB download the reader did not ask for: {ok, why}.
export function prefetchAllowed(conn) {
  if (!conn) return { ok: false, why: "no-connection-info" };
  if (conn.saveData) return { ok: false, why: "save-data" };
  if (conn.type !== "wifi" && conn.type !== "ethernet") return { ok: false, why: `type-${conn.type || "unknown"}` };
  if (conn.effectiveType !== "4g") return { ok: false, why: `slow-${conn.effectiveType || "unknown"}` };
  if (typeof conn.downlink === "number" && conn.downlink > 0 && conn.downlink < MIN_DOWNLINK_MBPS) {
    return { ok: false, why: "slow-downlink" };
  }
  return { ok: true, why: "" };
}

const root = new URL("../", import.meta.url);
const mark = (state) => {
  document.documentElement.dataset.runtimePrefetch = state;
};

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function idle() {
  return new Promise((resolve) => ("requestIdleCallback" in window ? requestIdleCallback(resolve, { timeout: 5000 }) : setTimeout(resolve, 200)));
}

// AFTER_LOAD_MS of visible time: a reader who leaves at once costs nothing
async function readFor(ms) {
  let left = ms;
  while (left > 0) {
    if (document.visibilityState !== "visible") {
      await new Promise((resolve) => document.addEventListener("visibilitychange", resolve, { once: true }));
      continue;
    }
    const t = performance.now();
    await sleep(Math.min(left, 500));
    left -= performance.now() - t;
  }
}

// the fetches should go through the service worker, which keeps them in its cache (offline too)
async function controlled() {
  if (!("serviceWorker" in navigator)) return false;
  if (navigator.serviceWorker.controller) return true;
  const ok = await Promise.race([
    new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true), { once: true })),
    sleep(SW_WAIT_MS).then(() => false),
  ]);
  return ok || !!navigator.serviceWorker.controller;
}

async function drain(url) {
  const response = await fetch(url, { priority: "low", credentials: "same-origin" });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  // read and drop the body (the service worker stores its own copy): never 9.6 MB held by the page
  const reader = response.body.getReader();
  for (;;) {
    const { done } = await reader.read();
    if (done) return;
  }
}

async function run() {
  const allowed = prefetchAllowed(navigator.connection);
  if (!allowed.ok) return mark(`skipped:${allowed.why}`);
  mark("waiting");
  if (document.readyState !== "complete") await new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
  await readFor(AFTER_LOAD_MS);
  await idle();
  const again = prefetchAllowed(navigator.connection); // the reader may have left the Wi-Fi meanwhile
  if (!again.ok) return mark(`skipped:${again.why}`);
  await controlled();
  mark("fetching");
  const manifest = await (await fetch(new URL("assets/py/manifest.json", root), { cache: "no-cache" })).json();
  let seen = null;
  try {
    seen = localStorage.getItem(DONE_KEY);
  } catch {
    // storage off: fetch anyway (the caches answer what they already hold)
  }
  if (seen === manifest.sha256) return mark("done");
  for (const name of RUNTIME_FILES) {
    if (!prefetchAllowed(navigator.connection).ok) return mark("skipped:changed");
    await drain(new URL(`pyodide/${name}`, root));
    await idle();
  }
  await drain(new URL(`assets/py/${manifest.url}`, root));
  try {
    localStorage.setItem(DONE_KEY, manifest.sha256);
  } catch {
    // nothing to remember it in
  }
  mark("done");
}

if (typeof document !== "undefined" && !document.getElementById("calc-result")) {
  run().catch((err) => {
    mark("failed");
    console.warn("runtime prefetch stopped:", err && err.message);
  });
}
