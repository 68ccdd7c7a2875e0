// Service worker of the site (scope: the site root). Not served from here: the build
// (site_hooks/offline.py) writes it to <site>/sw.js with the precache manifest filled in.
//
// - install: precache every page and asset of this deploy (the manifest lists them with content
//   hashes; the cache name is the hash of the manifest, so each deploy gets a fresh cache).
// - activate: delete the caches of older deploys, take control of open pages.
// - fetch: pages and assets come from the precache (pages match without their query string, so
//   /calculator/?amount=... works offline); the Pyodide runtime and the calculators wheel are
//   cached the first time the calculator loads them (cache-first, in caches named after their
//   content, so a deploy that does not change them does not download 13 MB again); anything else
//   from our origin: network first, cache as fallback. Other origins are never touched.
// - the Python worker's memory snapshot (pyworker.mjs) lives in its own cache, SNAPSHOT_CACHE, which
//   this worker keeps across deploys (the key names the Pyodide version and wheel hash, and the
//   snapshot worker replaces old entries itself); its key URLs (<pyodide>/__snapshot__/...) are only
//   read with caches.match, never fetched: a fetch of one is left alone, never cached here.
"use strict";

const MANIFEST = /*__SW_MANIFEST__*/ { version: "dev", files: {}, lazy: {} };

const PRECACHE = `site-${MANIFEST.version}`;
const LAZY = Object.fromEntries(
  Object.entries(MANIFEST.lazy).map(([prefix, hash]) => [prefix, `lazy-${prefix.replace(/\W+/g, "-")}${hash}`]),
);
const SNAPSHOT_CACHE = "pyodide-memory-snapshot";
const KEEP = new Set([PRECACHE, ...Object.values(LAZY), "runtime", SNAPSHOT_CACHE]);
const SCOPE = new URL(self.registration ? self.registration.scope : "./", self.location.href);

function abs(path) {
  return new URL(path, SCOPE).href;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(PRECACHE);
      const urls = Object.keys(MANIFEST.files).map(abs);
      // cache: "reload" bypasses the HTTP cache, so a new deploy never precaches a stale copy.
      await cache.addAll(urls.map((u) => new Request(u, { cache: "reload" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (!KEEP.has(name)) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

function lazyCacheFor(url) {
  const rel = url.href.slice(SCOPE.href.length);
  for (const [prefix, name] of Object.entries(LAZY)) {
    if (rel.startsWith(prefix)) return name;
  }
  return null;
}

async function fromPrecache(request, url) {
  const cache = await caches.open(PRECACHE);
  const key = new URL(url.href);
  key.search = "";
  key.hash = "";
  let hit = await cache.match(key.href);
  if (!hit && request.mode === "navigate" && !key.pathname.endsWith("/") && !/\.\w+$/.test(key.pathname)) {
    hit = await cache.match(key.href + "/");
  }
  return hit || null;
}

async function cacheFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    await cache.put(request, response.clone());
  }
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      const cache = await caches.open("runtime");
      await cache.put(request, response.clone());
    }
    return response;
  } catch (err) {
    const hit = await caches.match(request);
    if (hit) return hit;
    if (request.mode === "navigate") {
      const notFound = await caches.match(abs("404.html"));
      if (notFound) return notFound;
    }
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.href.startsWith(SCOPE.href)) return;
  if (url.pathname.includes("/__snapshot__/")) return; // a Cache Storage key, not a resource
  event.respondWith(
    (async () => {
      const lazy = lazyCacheFor(url);
      if (lazy) return cacheFirst(request, lazy);
      const pre = await fromPrecache(request, url);
      if (pre) return pre;
      return networkFirst(request);
    })(),
  );
});
