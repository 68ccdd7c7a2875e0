// The Python worker: a MODULE Web Worker that runs the `calculators` package in self-hosted Pyodide.
// Protocol: see pyclient.mjs (the page-side API). Started by pyclient.mjs, never by a page directly.
//
// Every URL resolves against import.meta.url (this file is <site>/assets/pyworker.mjs), so the site
// works under any sub-path. loadPyodide gets indexURL, packageBaseUrl and lockFileURL pointing at our
// own <site>/pyodide/ copy: Pyodide's built-in CDN fallback is never used (and no package is loaded:
// the calculators need only the standard library).
//
// Two roles, chosen by the worker's name (the `name` option of `new Worker`):
// - "python" (the page's worker): answers the page. Before starting Pyodide it looks for a memory
//   snapshot in Cache Storage (cache SNAPSHOT_CACHE, key snapshotKey(): format, Pyodide version and
//   core wheel sha256); on a hit Pyodide is restored from it (Python already initialised, the package
//   imported and warm) instead of starting from scratch. The core wheel is still unpacked: the files
//   live in the JS-side file system, not in the snapshot. Any failure of that path: the entry is
//   deleted, one console warning, a normal start. The "ready" message says snapshot "used" | "none".
// - "python-snapshot" (a short-lived background worker that pyclient.mjs starts once the page has been
//   idle after its first answer, only when the page's worker booted without a snapshot): starts
//   Pyodide with _makeSnapshot, unpacks the core wheel, imports the package and answers one fixed
//   question (lazy imports, rule data) before any PyProxy exists, takes the snapshot, stores it and
//   deletes every other entry of the cache (older deploys), then posts
//   {type: "snapshot", state: "stored" | "failed", bytes, ms}. It fetches only what the page's worker
//   fetched (HTTP-cached) and never the tools wheel.

const PYODIDE_DIR = new URL("../pyodide/", import.meta.url).href;
const WHEEL_MANIFEST = new URL("py/manifest.json", import.meta.url).href;
const ROLE = self.name === "python-snapshot" ? "snapshot" : "python";

// Memory snapshot. Bump SNAPSHOT_FORMAT whenever what the snapshot holds changes (the warm-up below,
// the way the worker boots): old entries then stop matching and are replaced.
const SNAPSHOT_CACHE = "pyodide-memory-snapshot";
const SNAPSHOT_FORMAT = "1";
const SNAPSHOT_DIR = new URL("__snapshot__/", PYODIDE_DIR).href; // never fetched: a Cache Storage key only
// the question answered before the snapshot: imports the engine, loads the rule data
const SNAPSHOT_WARMUP = `
import json as _json, calculators.browser as _b
_r = _json.loads(_b.dispatch("classify", _json.dumps({"amount": "7000", "province": "浙江", "act_date": "2026-03-01", "decision_date": "2026-06-01"}), []))
if not _r.get("ok"):
    raise RuntimeError("snapshot warm-up: " + str(_r.get("error")))
del _json, _b, _r
`;

function snapshotKey(pyodideVersion, wheelSha256) {
  return `${SNAPSHOT_DIR}${SNAPSHOT_FORMAT}/${encodeURIComponent(pyodideVersion)}/${wheelSha256}`;
}

function pyodideOptions() {
  return {
    indexURL: PYODIDE_DIR,
    packageBaseUrl: PYODIDE_DIR,
    lockFileURL: new URL("pyodide-lock.json", PYODIDE_DIR).href,
    packages: [],
    stdout: () => {},
    stderr: (line) => console.warn("[python]", line),
  };
}

function fetchManifest() {
  // revalidate the tiny manifest every time, so that a new deploy never pairs an old manifest
  // with a new wheel (the wheel URL carries the content hash, so it is cached per version)
  return fetch(WHEEL_MANIFEST, { cache: "no-cache" }).then((r) => {
    if (!r.ok) throw new Error(`manifest ${r.status}`);
    return r.json();
  });
}

function progress(stage, detail) {
  self.postMessage({ type: "progress", stage, detail });
}

async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// Fetch a wheel described by a manifest entry ({url, sha256}) and check its hash; on a mismatch
// (a stale cache) fetch it once more past the HTTP cache.
async function fetchWheel(entry, what) {
  const url = new URL(entry.url, WHEEL_MANIFEST).href;
  for (const mode of ["default", "reload"]) {
    const response = await fetch(url, { cache: mode });
    if (!response.ok) throw new Error(`${what} ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (!entry.sha256 || (await sha256Hex(bytes)) === entry.sha256) return bytes;
    if (mode === "reload") throw new Error(`${what} hash mismatch`);
  }
  throw new Error(what);
}

let pyodideRef = null;
let manifestRef = null;
let toolsBytes = null; // promise of the tools wheel's bytes (fetched on first use, or prefetched)
let toolsLoaded = null; // promise: the tools wheel is unpacked

function fetchTools() {
  if (!toolsBytes) {
    toolsBytes = fetchWheel(manifestRef.tools, "tools wheel");
    toolsBytes.catch(() => {
      toolsBytes = null; // a later call may try again (e.g. back online)
    });
  }
  return toolsBytes;
}

// The tools (calculators/toolkit, in a second wheel: site_hooks/wheel.py) are unpacked into the
// same site-packages on the first call of a tool; classify never needs them.
function loadTools() {
  if (!manifestRef || !manifestRef.tools) return Promise.resolve();
  if (!toolsLoaded) {
    toolsLoaded = fetchTools().then((bytes) => {
      pyodideRef.unpackArchive(bytes, "wheel");
      pyodideRef.runPython("import importlib; importlib.invalidate_caches()");
    });
    toolsLoaded.catch(() => {
      toolsLoaded = null;
    });
  }
  return toolsLoaded;
}

// The snapshot for this Pyodide + this wheel, if this browser holds one: {cache, key, bytes} | null,
// where bytes is a promise (reading 31 MB takes ~0.1 s: loadPyodide awaits it only once it has
// started fetching the wasm and loaded its glue). Cheap when there is none (no cache, or an empty
// one): it does not wait for the manifest then.
async function findSnapshot(manifestPromise, pyodideVersionPromise) {
  if (typeof caches === "undefined") return null;
  let cache = null;
  let key = null;
  try {
    if (!(await caches.has(SNAPSHOT_CACHE))) return null;
    cache = await caches.open(SNAPSHOT_CACHE);
    if (!(await cache.keys()).length) return null;
    const [manifest, version] = await Promise.all([manifestPromise, pyodideVersionPromise]);
    key = snapshotKey(version, manifest.sha256);
    const hit = await cache.match(key);
    if (!hit) return null;
    const bytes = hit.arrayBuffer().then((buf) => new Uint8Array(buf));
    bytes.catch(() => {});
    return { cache, key, bytes };
  } catch (err) {
    snapshotFailed(cache, key, err);
    return null;
  }
}

let snapshotWarned = false;
function snapshotFailed(cache, key, err) {
  if (!snapshotWarned) {
    snapshotWarned = true;
    console.warn("memory snapshot not usable, starting Python normally:", err && err.message);
  }
  if (cache && key) cache.delete(key).catch(() => {});
}

async function boot() {
  const t0 = performance.now();
  progress("runtime", "正在加载 Python 运行环境（首次约 6 MB，之后离线可用）");
  const manifestPromise = fetchManifest();
  // the core wheel downloads while Pyodide starts, not after
  const wheelPromise = manifestPromise.then((manifest) => fetchWheel(manifest, "wheel"));
  wheelPromise.catch(() => {});
  const modulePromise = import(new URL("pyodide.mjs", PYODIDE_DIR).href);
  const snapshotPromise = findSnapshot(manifestPromise, modulePromise.then((m) => m.version));
  const { loadPyodide, version: pyodideVersion } = await modulePromise;
  const snap = await snapshotPromise;
  const tSnapshot = performance.now();
  let pyodide = null;
  let dispatch = null;
  let snapshot = "none";
  let tRuntime = 0;
  // the package's files live in the JS-side file system, not in the snapshot: unpack the wheel in
  // both cases; after a snapshot, calculators.browser is already imported (in sys.modules)
  const prepare = (py, bytes) => {
    py.unpackArchive(bytes, "wheel");
    progress("import", "正在准备计算器");
    return py.pyimport("calculators.browser").dispatch;
  };
  if (snap) {
    let restored = null;
    try {
      restored = await loadPyodide({ ...pyodideOptions(), _loadSnapshot: snap.bytes });
    } catch (err) {
      snapshotFailed(snap.cache, snap.key, err);
    }
    if (restored) {
      tRuntime = performance.now();
      progress("package", "正在加载计算规则");
      const bytes = await wheelPromise; // a download failure is not the snapshot's: the boot fails as usual
      try {
        dispatch = prepare(restored, bytes);
        pyodide = restored;
        snapshot = "used";
      } catch (err) {
        snapshotFailed(snap.cache, snap.key, err);
      }
    }
  }
  const normalBoot = !pyodide;
  // (benchmarks/experiments.py patches this exact statement: keep it on one line)
  if (!pyodide) pyodide = await loadPyodide(pyodideOptions());
  if (normalBoot) {
    tRuntime = performance.now();
    progress("package", "正在加载计算规则");
    dispatch = prepare(pyodide, await wheelPromise);
  }
  const manifest = await manifestPromise;
  pyodideRef = pyodide;
  manifestRef = manifest;
  const tReady = performance.now();
  self.postMessage({
    type: "ready",
    version: { pyodide: pyodideVersion, calculators: manifest.version, wheel: manifest.sha256.slice(0, 12) },
    snapshot,
    timings: {
      snapshot_lookup_ms: Math.round(tSnapshot - t0),
      runtime_ms: Math.round(tRuntime - t0),
      total_ms: Math.round(tReady - t0),
      ...(snapshot === "used" ? { snapshot_bytes: (await snap.bytes).length } : {}),
    },
  });
  return dispatch;
}

// Role "python-snapshot": make the snapshot for this Pyodide + this wheel and store it.
async function makeSnapshot() {
  const t0 = performance.now();
  if (typeof caches === "undefined") throw new Error("no Cache Storage");
  const manifestPromise = fetchManifest();
  const wheelPromise = manifestPromise.then((manifest) => fetchWheel(manifest, "wheel"));
  wheelPromise.catch(() => {});
  const { loadPyodide, version } = await import(new URL("pyodide.mjs", PYODIDE_DIR).href);
  const manifest = await manifestPromise;
  const key = snapshotKey(version, manifest.sha256);
  const cache = await caches.open(SNAPSHOT_CACHE);
  const existing = await cache.match(key); // another tab was quicker
  let size;
  if (existing) {
    size = (await existing.arrayBuffer()).byteLength;
  } else {
    const pyodide = await loadPyodide({ ...pyodideOptions(), _makeSnapshot: true });
    pyodide.unpackArchive(await wheelPromise, "wheel");
    pyodide.runPython(SNAPSHOT_WARMUP); // returns None: no PyProxy is created
    const bytes = pyodide.makeMemorySnapshot();
    size = bytes.length;
    await cache.put(key, new Response(bytes, { headers: { "content-type": "application/octet-stream" } }));
  }
  for (const request of await cache.keys()) {
    if (request.url !== key) await cache.delete(request);
  }
  return { bytes: size, ms: Math.round(performance.now() - t0) };
}

if (ROLE === "snapshot") {
  makeSnapshot().then(
    (info) => self.postMessage({ type: "snapshot", state: "stored", ...info }),
    (err) => {
      console.warn("memory snapshot not made:", err && err.message);
      self.postMessage({ type: "snapshot", state: "failed", bytes: 0, ms: null, error: String(err && err.message) });
    },
  );
}

const ready = ROLE === "python" ? boot() : new Promise(() => {});
ready.catch((err) => {
  console.warn("python worker failed to start:", err && err.message);
  self.postMessage({
    type: "failed",
    error: { field: null, message: "计算器无法在此浏览器中启动（需要支持 WebAssembly 和模块化 Web Worker 的现代浏览器）。" },
  });
});

function asUint8(blob) {
  if (blob instanceof Uint8Array) return blob;
  if (blob instanceof ArrayBuffer) return new Uint8Array(blob);
  if (ArrayBuffer.isView(blob)) return new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);
  throw new TypeError("blob");
}

self.onmessage = async (event) => {
  if (ROLE !== "python") return;
  const msg = event.data || {};
  const id = msg.id;
  let dispatch;
  try {
    dispatch = await ready;
  } catch {
    self.postMessage({ id, ok: false, error: { field: null, message: "计算器未能启动，无法计算。" } });
    return;
  }
  let reply;
  try {
    if (String(msg.fn) !== "classify") {
      try {
        await loadTools();
      } catch (err) {
        console.warn("tools wheel not loaded:", err && err.message);
        self.postMessage({ id, ok: false, error: { field: null, message: "此功能的程序未能下载（网络中断？），请联网后重试。" } });
        return;
      }
    }
    const blobs = Array.isArray(msg.blobs) ? msg.blobs.map(asUint8) : [];
    const payloadJson = JSON.stringify(msg.payload === undefined ? {} : msg.payload);
    // dispatch returns a JSON string ({ok, result} | {ok, error}); it is posted as it is and parsed
    // once in the page (pyclient.mjs): no parse here, no structured clone of a parsed object
    const json = dispatch(String(msg.fn), payloadJson, blobs);
    if (typeof json !== "string") throw new TypeError("reply is not a string");
    reply = { id, json };
  } catch (err) {
    console.warn("python worker request failed:", err && err.message);
    reply = { id, ok: false, error: { field: null, message: "请求无法处理（数据格式不正确）。" } };
  }
  self.postMessage(reply);
  if (!prefetched) {
    // a few seconds after the first answer: download the tools wheel in the background (not
    // unpacked), so that the HTTP cache and the service worker hold it for the tool pages, offline
    // too. Not at once: measured, a prefetch right after the reply still reaches the server before
    // the answer is in the DOM and adds 88 KB to the first answer's bytes (benchmarks/README.md)
    prefetched = true;
    if (manifestRef && manifestRef.tools) setTimeout(() => fetchTools().catch(() => {}), TOOLS_PREFETCH_MS);
  }
};
let prefetched = false;
const TOOLS_PREFETCH_MS = 3000;
