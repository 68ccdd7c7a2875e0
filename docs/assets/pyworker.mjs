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
//   fetched (HTTP-cached) and never the tools wheel. The entry carries the SHA-256 of its bytes
//   (header x-snapshot-sha256); the page's worker checks it before restoring and discards a mismatch.
//
// The trimmed stdlib (issue 12): Python starts on pyodide/python_stdlib.min.zip (the files the site was
// traced to use, site_hooks/pyodide_assets.py). If Python cannot start or import the package on it,
// or a request asks for a module it leaves out (_trimmed_stdlib.MISSED), the worker starts a second
// Pyodide on the full python_stdlib.zip, says so in the console ("trimmed stdlib: ...") and answers
// from that one (the request is run again).
//
// Faults (issue 15): every download of the start (runtime, wasm, stdlib, wheels) goes through
// trackedFetch: progress in bytes ({type: "progress", loaded, total}: bytes on the wire, estimated),
// a failed response or a network error fails the start at once, a download that receives nothing for
// STALL_MS fails it; a step that shows no progress for STEP_MS (Python's start, the import) fails it
// too. The failure message names the step in Chinese and says to retry ({type: "failed", error:
// {field, message, step, retry: true}}); pyclient.retry() starts a fresh worker (what already arrived
// is in the HTTP cache). A wheel whose sha256 differs from the manifest is fetched once more past the
// cache, then reported as such (step "hash").

const PYODIDE_DIR = new URL("../pyodide/", import.meta.url).href;
const WHEEL_MANIFEST = new URL("py/manifest.json", import.meta.url).href;
const ROLE = self.name === "python-snapshot" ? "snapshot" : "python";
const FULL_STDLIB = new URL("python_stdlib.zip", PYODIDE_DIR).href;
const TRIMMED_STDLIB = new URL("python_stdlib.min.zip", PYODIDE_DIR).href;
// sizes of the runtime files: {name: [bytes, gzip bytes]} (for the progress figures before the
// response headers say more)
// [bytes, bytes on the wire] per file; the wheels are added from the manifest
const RUNTIME_SIZES = {}; // filled in by site_hooks/pyodide_assets.py

// Memory snapshot. Bump SNAPSHOT_FORMAT whenever what the snapshot holds changes (the warm-up below,
// the way the worker boots): old entries then stop matching and are replaced.
// 2: made on the trimmed stdlib, stored with its SHA-256 (x-snapshot-sha256)
const SNAPSHOT_CACHE = "pyodide-memory-snapshot";
const SNAPSHOT_FORMAT = "2";
const SNAPSHOT_DIGEST_HEADER = "x-snapshot-sha256";
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

// ---- faults: timeouts, failed downloads, one clear message per step ----

const STALL_MS = 30000; // a download that receives no byte for this long has failed
const STEP_MS = 60000; // a step without any progress (bytes or stage) for this long has failed
const STEP_WORDS = {
  manifest: "计算程序清单",
  runtime: "Python 运行环境",
  wasm: "Python 运行环境（WebAssembly）",
  stdlib: "Python 标准库",
  wheel: "计算程序",
  python: "Python 启动",
  import: "计算程序启动",
};

class StartError extends Error {
  constructor(step, kind, detail) {
    super(`${step} ${kind}${detail ? ": " + detail : ""}`);
    this.step = step;
    this.kind = kind; // "download" | "timeout" | "hash" | "start"
  }
  message_zh() {
    const what = STEP_WORDS[this.step] || "计算器";
    if (this.kind === "hash") {
      return "下载的计算程序与本站发布的版本不一致（校验值不符，可能是缓存或网络代理改动了文件）。请点“重试”；如果反复出现，请清除本站的浏览数据后再打开。";
    }
    if (this.kind === "timeout") {
      return `${what}加载超时（${Math.round(STEP_MS / 1000)} 秒没有进展，网络可能太慢或已中断）。请检查网络后点“重试”。`;
    }
    if (this.kind === "download") return `${what}下载失败（网络中断或服务器暂时不可用）。请检查网络后点“重试”。`;
    return `${what}失败。请点“重试”；如果反复出现，请换用最新版的 Chrome、Edge、Firefox 或 Safari。`;
  }
}

let faultReject = null;
const fault = new Promise((_, reject) => {
  faultReject = reject;
});
fault.catch(() => {});
function failStart(err) {
  if (faultReject) {
    startFailed = true;
    faultReject(err);
  }
}
// once the start has failed (and said so), Pyodide's own rejected promises are expected: they must
// not reach the page as an uncaught worker error on top of the message
self.addEventListener("unhandledrejection", (event) => {
  if (startFailed) event.preventDefault();
});
fault.catch(() => {
  startFailed = true;
});

// which step a URL belongs to (only the start's own downloads are tracked)
function stepOf(url) {
  if (!url.startsWith(PYODIDE_DIR) && !url.startsWith(new URL("py/", WHEEL_MANIFEST).href)) return null;
  const name = url.slice(url.lastIndexOf("/") + 1).split("?")[0];
  if (name === "manifest.json") return { step: "manifest", name };
  if (name.endsWith(".whl")) return { step: "wheel", name };
  if (name.endsWith(".wasm")) return { step: "wasm", name };
  if (name.startsWith("python_stdlib")) return { step: "stdlib", name };
  return { step: "runtime", name };
}

// progress in bytes on the wire (estimated while a compressed body arrives: the share of the
// decoded bytes times the compressed length)
const downloads = new Map(); // name -> {loaded, total}
let lastActivity = performance.now();
let lastPost = 0;
let stage = "runtime";
function expectedWire(name) {
  const size = RUNTIME_SIZES[name];
  return size ? size[1] || size[0] : 0;
}
let startFailed = false;
function postProgress(force) {
  if (startFailed) return;
  const now = performance.now();
  if (!force && now - lastPost < 200) return;
  lastPost = now;
  let loaded = 0;
  let total = 0;
  for (const d of downloads.values()) {
    loaded += d.loaded;
    total += d.total;
  }
  self.postMessage({ type: "progress", stage, detail: stageDetail, loaded: Math.round(loaded), total: Math.round(total) });
}
let stageDetail = "";

function expect(name) {
  // count a file in the total before its request starts (the wasm starts only after the glue)
  if (!downloads.has(name)) downloads.set(name, { loaded: 0, total: expectedWire(name), done: false });
}

const nativeFetch = self.fetch.bind(self);
async function trackedFetch(input, init) {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const where = stepOf(new URL(url, self.location.href).href);
  if (!where || where.step === "manifest") {
    try {
      return await nativeFetch(input, init);
    } catch (err) {
      if (where) failStart(new StartError(where.step, "download", err && err.message));
      throw err;
    }
  }
  let response;
  try {
    response = await nativeFetch(input, init);
  } catch (err) {
    failStart(new StartError(where.step, "download", err && err.message));
    throw err;
  }
  if (!response.ok) {
    failStart(new StartError(where.step, "download", `HTTP ${response.status}`));
    return response;
  }
  if (!response.body) return response;
  const encoded = response.headers.get("content-encoding");
  const length = Number(response.headers.get("content-length")) || 0;
  const raw = (RUNTIME_SIZES[where.name] || [])[0] || (encoded ? 0 : length);
  const wire = length || expectedWire(where.name) || raw;
  const entry = { loaded: 0, total: wire || (downloads.get(where.name) || {}).total || 0, done: false };
  downloads.set(where.name, entry);
  // count the bytes on a clone and hand Pyodide the response itself: a constructed Response would
  // lose its URL, and with it Chromium's cache of the compiled wasm for the next visit
  let decoded = 0;
  const reader = response.clone().body.getReader();
  let stallTimer = null;
  const arm = () => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => {
      reader.cancel().catch(() => {});
      failStart(new StartError(where.step, "timeout", "stalled"));
    }, STALL_MS);
  };
  const pump = () =>
    reader.read().then(
      ({ done, value }) => {
        if (done) {
          clearTimeout(stallTimer);
          entry.loaded = entry.total;
          entry.done = true;
          if (stage === "runtime" && [...downloads.values()].every((d) => d.done)) {
            progress("python", "正在启动 Python");
          }
          postProgress(true);
          return;
        }
        decoded += value.byteLength;
        entry.loaded = raw ? Math.min(wire, (decoded / raw) * wire) : Math.min(wire, decoded);
        lastActivity = performance.now();
        arm();
        postProgress(false);
        pump();
      },
      (err) => {
        clearTimeout(stallTimer);
        failStart(new StartError(where.step, "download", err && err.message));
      },
    );
  arm();
  pump();
  return response;
}
self.fetch = trackedFetch; // Pyodide fetches the wasm, the stdlib and the lock file through it

// no progress for STEP_MS in the current step: fail (started by boot, ended once ready)
let watchdog = null;
function startWatchdog() {
  watchdog = setInterval(() => {
    if (performance.now() - lastActivity > STEP_MS) failStart(new StartError(stage, "timeout"));
  }, 1000);
}

function progress(next, detail) {
  stage = next;
  stageDetail = detail;
  lastActivity = performance.now();
  postProgress(true);
}

// ---- Pyodide ----

function pyodideOptions(stdLibURL = TRIMMED_STDLIB) {
  return {
    indexURL: PYODIDE_DIR,
    packageBaseUrl: PYODIDE_DIR,
    lockFileURL: new URL("pyodide-lock.json", PYODIDE_DIR).href,
    stdLibURL,
    packages: [],
    stdout: () => {},
    stderr: (line) => console.warn("[python]", line),
  };
}

function fetchManifest() {
  // revalidate the tiny manifest every time, so that a new deploy never pairs an old manifest
  // with a new wheel (the wheel URL carries the content hash, so it is cached per version)
  return fetch(WHEEL_MANIFEST, { cache: "no-cache" }).then((r) => {
    if (!r.ok) {
      const err = new StartError("manifest", "download", `HTTP ${r.status}`);
      failStart(err);
      throw err;
    }
    return r.json();
  });
}

async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// Fetch a wheel described by a manifest entry ({url, sha256}) and check its hash; on a mismatch
// (a stale cache) fetch it once more past the HTTP cache, then give up with a "hash" error.
async function fetchWheel(entry, what) {
  const url = new URL(entry.url, WHEEL_MANIFEST).href;
  for (const mode of ["default", "reload"]) {
    const response = await fetch(url, { cache: mode });
    if (!response.ok) throw new StartError("wheel", "download", `${what} ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (!entry.sha256 || (await sha256Hex(bytes)) === entry.sha256) return bytes;
    console.warn(`${what}: sha256 differs from the manifest (${mode === "default" ? "fetching it again" : "giving up"})`);
    if (mode === "reload") throw new StartError("wheel", "hash", `${what} hash mismatch`);
  }
  throw new Error(what);
}

let pyodideRef = null;
let manifestRef = null;
let missedRef = null; // _trimmed_stdlib.MISSED of the running Python (null on the full stdlib)
let stdlibMode = "trimmed";
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
    const py = pyodideRef;
    toolsLoaded = fetchTools().then((bytes) => {
      py.unpackArchive(bytes, "wheel");
      py.runPython("import importlib; importlib.invalidate_caches()");
    });
    toolsLoaded.catch(() => {
      toolsLoaded = null;
    });
  }
  return toolsLoaded;
}

// The snapshot for this Pyodide + this wheel, if this browser holds one: {cache, key, bytes} | null,
// where bytes is a promise (reading 31 MB takes ~0.1 s: loadPyodide awaits it only once it has
// started fetching the wasm and loaded its glue) that rejects when the bytes do not match the digest
// stored with them. Cheap when there is none (no cache, or an empty one): it does not wait for the
// manifest then.
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
    const want = hit.headers.get(SNAPSHOT_DIGEST_HEADER);
    const bytes = hit.arrayBuffer().then(async (buf) => {
      if (!want || (await sha256Hex(buf)) !== want) throw new Error("snapshot digest mismatch");
      return new Uint8Array(buf);
    });
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

// unpack the core wheel and import the package; on the trimmed stdlib, install the finder that
// records omitted modules. Returns dispatch.
function prepare(py, bytes, trimmed) {
  progress("import", "正在准备计算器");
  if (trimmed) py.runPython("import _trimmed_stdlib; _trimmed_stdlib.install()");
  py.unpackArchive(bytes, "wheel");
  const dispatch = py.pyimport("calculators.browser").dispatch;
  // the engine (every page's first question goes through it) is imported here, at start-up, so that a
  // module the trimmed stdlib lacks fails now and sends us to the full stdlib, not inside a call
  py.runPython("import calculators.engine");
  missedRef = trimmed ? py.pyimport("_trimmed_stdlib").MISSED : null;
  if (missedRef && missedRef.length) throw new Error("omitted module " + missedRef.toJs().join(", "));
  return dispatch;
}

// Python on the full stdlib, for when the trimmed one lacks something (see the header)
async function bootFull(loadPyodide, wheelPromise, why) {
  console.warn(`trimmed stdlib: ${why}; restarting Python on the full stdlib (python_stdlib.zip)`);
  stdlibMode = "full";
  expect("python_stdlib.zip");
  progress("runtime", "正在加载完整的 Python 标准库");
  const py = await loadPyodide(pyodideOptions(FULL_STDLIB));
  const dispatch = prepare(py, await wheelPromise, false);
  toolsLoaded = null; // the tools must be unpacked into this Python
  pyodideRef = py;
  return dispatch;
}

async function bootInner() {
  const t0 = performance.now();
  for (const name of ["pyodide.asm.wasm", "python_stdlib.min.zip", "pyodide-lock.json"]) expect(name);
  progress("runtime", "正在加载 Python 运行环境（只在第一次下载，之后离线可用）");
  const manifestPromise = fetchManifest();
  // the core wheel downloads while Pyodide starts, not after
  const wheelPromise = manifestPromise.then((manifest) => {
    // the manifest gives a wheel's size and its brotli size, as the build does for the runtime files
    RUNTIME_SIZES[manifest.name] = [manifest.size, manifest.wire];
    expect(manifest.name);
    return fetchWheel(manifest, "wheel");
  });
  wheelPromise.catch(() => {});
  const modulePromise = import(new URL("pyodide.mjs", PYODIDE_DIR).href).catch((err) => {
    throw new StartError("runtime", "download", err && err.message);
  });
  const snapshotPromise = findSnapshot(manifestPromise, modulePromise.then((m) => m.version));
  const { loadPyodide, version: pyodideVersion } = await modulePromise;
  const snap = await snapshotPromise;
  const tSnapshot = performance.now();
  let pyodide = null;
  let dispatch = null;
  let snapshot = "none";
  let tRuntime = 0;
  if (snap) {
    let restored = null;
    try {
      restored = await loadPyodide({ ...pyodideOptions(), _loadSnapshot: snap.bytes });
    } catch (err) {
      snapshotFailed(snap.cache, snap.key, err);
    }
    if (restored) {
      tRuntime = performance.now();
      const bytes = await wheelPromise; // a download failure is not the snapshot's: the boot fails as usual
      try {
        dispatch = prepare(restored, bytes, false);
        missedRef = restored.pyimport("_trimmed_stdlib").MISSED; // installed before the snapshot
        pyodide = restored;
        snapshot = "used";
      } catch (err) {
        snapshotFailed(snap.cache, snap.key, err);
      }
    }
  }
  const normalBoot = !pyodide;
  // (benchmarks/experiments.py patches this exact statement: keep it on one line)
  if (!pyodide) pyodide = await loadPyodide(pyodideOptions()).catch((err) => ({ failed: err }));
  if (normalBoot) {
    tRuntime = performance.now();
    if (pyodide.failed) {
      const why = `Python did not start on it (${pyodide.failed && pyodide.failed.message})`;
      pyodide = null;
      dispatch = await bootFull(loadPyodide, wheelPromise, why);
    } else {
      const bytes = await wheelPromise;
      try {
        dispatch = prepare(pyodide, bytes, true);
      } catch (err) {
        pyodide = null;
        dispatch = await bootFull(loadPyodide, wheelPromise, String((err && err.message) || err).split("\n").slice(-2).join(" "));
      }
    }
  }
  pyodideRef = pyodideRef || pyodide;
  const manifest = await manifestPromise;
  manifestRef = manifest;
  const tReady = performance.now();
  return {
    dispatch,
    loadPyodide,
    wheelPromise,
    message: {
      type: "ready",
      version: { pyodide: pyodideVersion, calculators: manifest.version, wheel: manifest.sha256.slice(0, 12) },
      snapshot,
      stdlib: stdlibMode,
      timings: {
        snapshot_lookup_ms: Math.round(tSnapshot - t0),
        runtime_ms: Math.round(tRuntime - t0),
        total_ms: Math.round(tReady - t0),
        ...(snapshot === "used" ? { snapshot_bytes: (await snap.bytes).length } : {}),
      },
    },
  };
}

async function boot() {
  startWatchdog();
  try {
    const out = await Promise.race([bootInner(), fault]);
    self.postMessage({ ...out.message, stdlib: stdlibMode });
    return out;
  } finally {
    clearInterval(watchdog);
    faultReject = null; // later fetches (the tools wheel) report through their own call
  }
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
    pyodide.runPython("import _trimmed_stdlib; _trimmed_stdlib.install()");
    pyodide.unpackArchive(await wheelPromise, "wheel");
    pyodide.runPython(SNAPSHOT_WARMUP); // returns None: no PyProxy is created
    // a module the trimmed stdlib lacks: no snapshot (the page's worker runs on the full stdlib then)
    pyodide.runPython("import _trimmed_stdlib\nif _trimmed_stdlib.MISSED: raise ImportError(str(_trimmed_stdlib.MISSED))");
    const bytes = pyodide.makeMemorySnapshot();
    size = bytes.length;
    const digest = await sha256Hex(bytes);
    await cache.put(key, new Response(bytes, { headers: { "content-type": "application/octet-stream", [SNAPSHOT_DIGEST_HEADER]: digest } }));
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
  startFailed = true;
  console.warn("python worker failed to start:", err && err.message);
  const known = err instanceof StartError;
  self.postMessage({
    type: "failed",
    error: {
      field: null,
      message: known ? err.message_zh() : "计算器未能启动（可能是网络中断，或浏览器不支持 WebAssembly 和模块化 Web Worker）。请点“重试”；如果反复出现，请换用最新版的浏览器。",
      step: known ? err.step : "start",
      kind: known ? err.kind : "start",
      retry: true,
    },
  });
});

function asUint8(blob) {
  if (blob instanceof Uint8Array) return blob;
  if (blob instanceof ArrayBuffer) return new Uint8Array(blob);
  if (ArrayBuffer.isView(blob)) return new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);
  throw new TypeError("blob");
}

let booted = null; // the resolved boot(): {dispatch, loadPyodide, wheelPromise}
let fallback = null; // promise of the full-stdlib restart, once started

async function run(msg) {
  if (String(msg.fn) !== "classify") await loadTools();
  const blobs = Array.isArray(msg.blobs) ? msg.blobs.map(asUint8) : [];
  const payloadJson = JSON.stringify(msg.payload === undefined ? {} : msg.payload);
  // dispatch returns a JSON string ({ok, result} | {ok, error}); it is posted as it is and parsed
  // once in the page (pyclient.mjs): no parse here, no structured clone of a parsed object
  const json = booted.dispatch(String(msg.fn), payloadJson, blobs);
  if (typeof json !== "string") throw new TypeError("reply is not a string");
  return json;
}

self.onmessage = async (event) => {
  if (ROLE !== "python") return;
  const msg = event.data || {};
  const id = msg.id;
  try {
    booted = await ready;
    if (fallback) booted = await fallback;
  } catch {
    self.postMessage({ id, ok: false, error: { field: null, message: "计算器未能启动，无法计算。请点“重试”。" } });
    return;
  }
  let reply;
  try {
    let json;
    try {
      json = await run(msg);
    } catch (err) {
      if (err instanceof StartError) {
        console.warn("tools wheel not loaded:", err.message);
        const message = err.kind === "hash" ? err.message_zh() : "此功能的程序未能下载（网络中断？），请联网后重试。";
        self.postMessage({ id, ok: false, error: { field: null, message } });
        return;
      }
      throw err;
    }
    if (missedRef && missedRef.length) {
      // the trimmed stdlib lacked a module this request needed: answer from the full stdlib
      const why = "a request imported " + missedRef.toJs().join(", ");
      missedRef = null;
      if (!fallback) {
        const { loadPyodide, wheelPromise } = booted;
        fallback = bootFull(loadPyodide, wheelPromise, why).then((dispatch) => ({ ...booted, dispatch }));
      }
      booted = await fallback;
      json = await run(msg);
    }
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
