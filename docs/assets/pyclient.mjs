// pyclient.mjs: the page-side API of the Python worker (pyworker.mjs). Tool pages import this.
//
//   import { startPython, onProgress, call, PythonError } from "../../assets/pyclient.mjs";
//   onProgress(({ stage, detail, ready }) => ...);      // loading state, replayed to late listeners
//   const result = await call("classify", { amount: "3500", province: "浙江" });
//   // with bytes: await call("photo", { name: "a.jpg" }, [arrayBufferOrUint8Array])
//
// startPython(): idempotent; importing this module already calls it, so the worker starts loading
//   Pyodide as soon as a page imports the client. Returns a promise of the "ready" message.
// onProgress(cb): cb({stage, detail, ready, failed, retry, step, loaded, total, started, version,
//   timings}) on every state change, and at once with the current state. stage: "starting" |
//   "runtime" (downloading) | "python" (starting Python) | "import" | "ready" | "failed". loaded /
//   total: bytes of the start's downloads on the wire so far / expected (estimated while a compressed
//   body arrives); started: performance.now() when this worker started (for a speed estimate).
//   On "failed", retry is true when retry() may help, step names the step that failed.
// retry(): after a failure, end the worker and start a fresh one (what already arrived is in the
//   HTTP cache); resolves like startPython().
// call(fn, payload, blobs?): fn is a name of the Python registry (calculators/browser.py:
//   classify, photo, deadlines, fees, platform, documents); payload a JSON-able object; blobs an
//   optional array of ArrayBuffer / typed arrays (ArrayBuffers are transferred: do not reuse them).
//   Resolves with the result object; rejects with a PythonError {field, message} (Chinese message,
//   field null when not tied to one input). Calls made before the worker is ready wait for it.
//
// The wire protocol (for reference; use call()):
//   page -> worker {id, fn, payload, blobs?}
//   worker -> page {id, json} where json is the JSON text of {ok: true, result} | {ok: false, error}
//                  (the string calculators.browser.dispatch returns, parsed once here)
//                  | {id, ok: false, error: {field, message}} (the worker could not run the request)
//   worker -> page {type: "progress", stage, detail} ... {type: "ready", version, snapshot, timings}
//                  | {type: "failed", error: {field, message, step, kind, retry}}
//
// Memory snapshot (repeat visits start from a warm Python instead of booting it; pyworker.mjs):
//   when the worker booted without one (ready.snapshot "none"), this module starts a second,
//   short-lived worker (name "python-snapshot") once the page has been idle for SNAPSHOT_IDLE_MS after
//   its first successful answer (every call() restarts that wait), which stores a snapshot in Cache
//   Storage for the next visit, then ends. At most once per page. The state is on <html>, for tests
//   and the benchmark (only on pages that start Python):
//     data-python-snapshot = "used"        this page's worker booted from a snapshot
//                          | "pending"     booted without one; one will be made once the page is idle
//                          | "stored"      made and stored (for the next visit)
//                          | "failed"      could not be made (or Python did not start)
//                          | "unsupported" no Cache Storage in this browser / context
//     data-python-snapshot-bytes, data-python-snapshot-ms  size and duration of the stored snapshot
//     data-python-timings  JSON of the ready message's timings plus its `snapshot` field

export class PythonError extends Error {
  constructor(field, message) {
    super(message);
    this.name = "PythonError";
    this.field = field ?? null;
  }
}

const SNAPSHOT_IDLE_MS = 2500; // no call() for this long after the first answer: the page is idle
const SNAPSHOT_TIMEOUT_MS = 120000; // a snapshot worker that has not reported by then is ended

let worker = null;
let readyPromise = null;
let snapshotState = null; // the data-python-snapshot value
let snapshotTimer = null;
let snapshotStarted = false;
let answered = false;
let nextId = 1;
const pending = new Map();
const listeners = new Set();
const INITIAL = { stage: "starting", detail: "正在启动计算器", ready: false, failed: false, retry: false, loaded: 0, total: 0 };
let state = { ...INITIAL, started: now() };

function now() {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

function emit(patch) {
  state = { ...state, ...patch };
  for (const cb of listeners) {
    try {
      cb(state);
    } catch (err) {
      console.warn(err);
    }
  }
}

function setSnapshotState(value, extra = {}) {
  snapshotState = value;
  try {
    const ds = document.documentElement.dataset;
    ds.pythonSnapshot = value;
    if (extra.bytes) ds.pythonSnapshotBytes = String(extra.bytes);
    if (extra.ms !== undefined && extra.ms !== null) ds.pythonSnapshotMs = String(extra.ms);
  } catch {
    // no document (not a page): nothing to show
  }
}

// (Re)start the idle wait before the snapshot worker; runs after every call and every answer.
function scheduleSnapshot() {
  if (snapshotState !== "pending" || snapshotStarted || !answered) return;
  clearTimeout(snapshotTimer);
  snapshotTimer = setTimeout(() => {
    snapshotTimer = null;
    if (typeof requestIdleCallback === "function") requestIdleCallback(startSnapshotWorker, { timeout: 2000 });
    else startSnapshotWorker();
  }, SNAPSHOT_IDLE_MS);
}

function startSnapshotWorker() {
  // a call came in meanwhile (it restarted the wait), or a worker already runs
  if (snapshotState !== "pending" || snapshotTimer !== null || snapshotStarted) return;
  snapshotStarted = true;
  let w;
  let timeout = null;
  let done = false;
  const finish = (result, extra) => {
    if (done) return;
    done = true;
    clearTimeout(timeout);
    try {
      w.terminate();
    } catch {
      // already gone
    }
    setSnapshotState(result, extra);
  };
  try {
    w = new Worker(new URL("./pyworker.mjs", import.meta.url), { type: "module", name: "python-snapshot" });
  } catch {
    setSnapshotState("failed");
    return;
  }
  timeout = setTimeout(() => finish("failed"), SNAPSHOT_TIMEOUT_MS);
  w.onmessage = (event) => {
    const msg = event.data || {};
    if (msg.type === "snapshot") finish(msg.state === "stored" ? "stored" : "failed", msg);
  };
  w.onerror = (event) => {
    event.preventDefault?.();
    finish("failed");
  };
}

export function startPython() {
  if (readyPromise) return readyPromise;
  readyPromise = new Promise((resolve, reject) => {
    try {
      worker = new Worker(new URL("./pyworker.mjs", import.meta.url), { type: "module", name: "python" });
    } catch (err) {
      emit({ stage: "failed", failed: true, retry: false, detail: "此浏览器不支持模块化 Web Worker，计算器无法运行。" });
      reject(new PythonError(null, state.detail));
      return;
    }
    worker.onmessage = (event) => {
      const msg = event.data || {};
      if (msg.type === "progress") {
        if (state.failed) return; // a late report of a start that has failed
        const patch = { stage: msg.stage, detail: msg.detail || state.detail };
        if (typeof msg.loaded === "number") Object.assign(patch, { loaded: msg.loaded, total: msg.total });
        emit(patch);
      } else if (msg.type === "ready") {
        emit({ stage: "ready", detail: "计算器已就绪", ready: true, version: msg.version, timings: msg.timings });
        try {
          document.documentElement.dataset.pythonTimings = JSON.stringify({ ...msg.timings, snapshot: msg.snapshot, stdlib: msg.stdlib });
        } catch {
          // no document
        }
        if (msg.snapshot === "used") setSnapshotState("used");
        else if (typeof caches === "undefined" || typeof Worker === "undefined") setSnapshotState("unsupported");
        else setSnapshotState("pending");
        resolve(msg);
      } else if (msg.type === "failed") {
        emit({ stage: "failed", failed: true, detail: msg.error.message, retry: msg.error.retry !== false, step: msg.error.step || null });
        setSnapshotState("failed");
        reject(new PythonError(null, msg.error.message));
      } else if (msg.id !== undefined && pending.has(msg.id)) {
        const { resolve: ok, reject: ko } = pending.get(msg.id);
        pending.delete(msg.id);
        let out = msg;
        if (typeof msg.json === "string") {
          try {
            out = JSON.parse(msg.json);
          } catch {
            out = { ok: false, error: { field: null, message: "计算结果无法读取，请刷新页面重试。" } };
          }
        }
        if (out && out.ok) {
          answered = true;
          scheduleSnapshot();
          ok(out.result);
        } else {
          ko(new PythonError(out?.error?.field, out?.error?.message || "计算失败。"));
        }
      }
    };
    worker.onerror = (event) => {
      event.preventDefault?.();
      const message = "计算器加载失败（网络中断或浏览器不支持）。请检查网络后点“重试”。";
      emit({ stage: "failed", failed: true, retry: true, step: "runtime", detail: message });
      if (snapshotState === null || snapshotState === "pending") setSnapshotState("failed");
      for (const { reject: ko } of pending.values()) ko(new PythonError(null, message));
      pending.clear();
      reject(new PythonError(null, message));
    };
  });
  readyPromise.catch(() => {});
  return readyPromise;
}

export function retry() {
  if (readyPromise && !state.failed) return readyPromise;
  try {
    worker?.terminate();
  } catch {
    // already gone
  }
  worker = null;
  readyPromise = null;
  if (snapshotState === "failed" && !snapshotStarted) snapshotState = null;
  emit({ ...INITIAL, started: now(), step: null });
  return startPython();
}

export function onProgress(cb) {
  listeners.add(cb);
  try {
    cb(state);
  } catch (err) {
    console.warn(err);
  }
  return () => listeners.delete(cb);
}

export function call(fn, payload = {}, blobs = []) {
  startPython();
  if (state.failed) return Promise.reject(new PythonError(null, state.detail));
  const id = nextId++;
  const list = Array.from(blobs || []);
  const transfer = [];
  for (const b of list) {
    const buf = b instanceof ArrayBuffer ? b : b?.buffer;
    if (buf instanceof ArrayBuffer && !transfer.includes(buf)) transfer.push(buf);
  }
  scheduleSnapshot(); // a call: the page is not idle, wait again
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, fn, payload, blobs: list }, transfer);
  });
}

// restartPython(reason?): end the worker and start a fresh one. The only way to stop a long call:
//   Python runs synchronously inside the worker and cannot be interrupted. Every pending call rejects
//   with PythonError(null, reason); progress listeners see the new worker load (a stored memory
//   snapshot makes that quick). Returns the new startPython() promise. Used by the photo page's 取消.
export function restartPython(reason = "已取消。") {
  const old = worker;
  worker = null;
  readyPromise = null;
  if (old) {
    old.onmessage = null;
    old.onerror = null;
    old.terminate();
  }
  for (const { reject: ko } of pending.values()) ko(new PythonError(null, reason));
  pending.clear();
  emit({ ...INITIAL, started: now(), step: null, detail: "正在重新启动计算器" });
  return startPython();
}

startPython();
