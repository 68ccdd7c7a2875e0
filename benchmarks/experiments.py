"""Optimisation experiments on patched copies of a built site (the owners' files are never edited).

    .venv/bin/python -m benchmarks.experiments --site /tmp/site-bench debounce0 sw-after-answer
    .venv/bin/python -m benchmarks.experiments --site /tmp/site-bench all --reps 3

For each experiment: copy the built site to /tmp/site-bench-exp-<name>, apply the patch (each patch
checks that the code it changes is still there and says so if not), run the browser part of the
benchmark on it, and print one comparison table with the unpatched baseline measured in the same
session. Times are compared through the floor measured in the same run (cold/floor), so the load of
the machine cancels as far as it can. The exact change of each patch is the code below: it is what
to apply to the source file named in its description.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

from . import run as bench

ROOT = Path(__file__).resolve().parent.parent


class PatchError(RuntimeError):
    pass


def _sub(path: Path, old: str, new: Any, *, regex: bool = False, count: int = 1) -> None:
    text = path.read_text("utf-8")
    if regex:
        out, n = re.subn(old, new, text, count=count)
    else:
        n = text.count(old)
        out = text.replace(old, new, count)
    if n == 0:
        raise PatchError(f"{path.name}: the code this patch changes is gone ({old[:60]!r})")
    path.write_text(out, "utf-8")


# ---- the patches --------------------------------------------------------------------------------

def debounce0(site: Path) -> None:
    """docs/assets/calculator.mjs: no 150 ms debounce on the amount field; compute on every input
    event (stale answers are already dropped by the `seq` check in compute())."""
    _sub(site / "assets" / "calculator.mjs", r"schedule\(event\.target === fields\.amount[^;]*\? \d+ : 0\);",
         "schedule(0);", regex=True)


def direct(site: Path) -> None:
    """docs/assets/calculator.mjs: like debounce0 but without the setTimeout(0) hop: the input
    handler calls compute() directly."""
    _sub(site / "assets" / "calculator.mjs", r"schedule\(event\.target === fields\.amount[^;]*\? \d+ : 0\);",
         "clearTimeout(timer); compute();", regex=True)


SW_AFTER_ANSWER = """// Registers the site's service worker. On a page with a Python tool (#calc-result), only once the
// first answer is on screen (aria-busy="false"), so that precaching the site does not compete with
// loading Pyodide; on other pages after the load event.
const root = new URL("../", import.meta.url);

function register() {
  if ("serviceWorker" in navigator && (location.protocol === "https:" || location.hostname === "127.0.0.1" || location.hostname === "localhost")) {
    navigator.serviceWorker
      .register(new URL("sw.js", root), { scope: root.pathname })
      .catch((err) => console.warn("service worker not registered:", err && err.message));
  }
}

const box = document.getElementById("calc-result");
if (box && box.getAttribute("aria-busy") !== "false") {
  const mo = new MutationObserver(() => {
    if (box.getAttribute("aria-busy") === "false") {
      mo.disconnect();
      setTimeout(register, 0);
    }
  });
  mo.observe(box, { attributes: true, attributeFilter: ["aria-busy"] });
} else if (document.readyState === "complete") {
  register();
} else {
  addEventListener("load", register, { once: true });
}
"""


def sw_after_answer(site: Path) -> None:
    """docs/assets/sw-register.mjs: register the service worker after the first answer (calculator
    pages) or after `load` (other pages), instead of at once."""
    target = site / "assets" / "sw-register.mjs"
    if "serviceWorker" not in target.read_text("utf-8"):
        raise PatchError("sw-register.mjs: no registration found")
    target.write_text(SW_AFTER_ANSWER, "utf-8")


def _head_insert(page: Path, html: str) -> None:
    _sub(page, r"(<meta http-equiv=\"Content-Security-Policy\"[^>]*>)", r"\1" + html.replace("\\", "\\\\"),
         regex=True)


def early_worker(site: Path) -> None:
    """calculator page template (docs/calculator/index.md or the page template): start the Python
    worker from <head> with an async module script (pyclient.mjs starts the worker when imported),
    instead of after Material's bundle.js and the module graph of calculator.mjs at the end of body."""
    _head_insert(site / "calculator" / "index.html",
                 '<script type="module" async src="../assets/pyclient.mjs"></script>'
                 '<link rel="modulepreload" href="../assets/calculator.mjs">')


def preload_runtime(site: Path) -> None:
    """calculator page <head>: preload hints for what the worker fetches (wasm, stdlib, lock file,
    glue, the wheel). The worker is another context: it can only profit through the HTTP cache."""
    manifest = json.loads((site / "assets" / "py" / "manifest.json").read_text("utf-8"))
    wheel = "../assets/py/" + manifest["url"]
    links = "".join(f'<link rel="preload" href="{h}" as="fetch" crossorigin>' for h in (
        "../pyodide/pyodide.asm.wasm", "../pyodide/python_stdlib.zip", "../pyodide/pyodide-lock.json",
        wheel)) + '<link rel="preload" href="../pyodide/pyodide.asm.mjs" as="script" crossorigin>'
    _head_insert(site / "calculator" / "index.html", links)


SNAPSHOT_LOCAL_JS = r"""
// ---- memory snapshot kept in this browser (experiment "snapshot-local") ----
// First visit: boot normally but with _makeSnapshot, take the snapshot right after loadPyodide
// (before the wheel: pure runtime state), store it in Cache Storage after the first answer.
// Later visits: boot from it (the wheel is unpacked and imported as usual). No extra download.
const __SNAP_CACHE = "pyodide-memory-snapshot";
let __pendingSnapshot = null;
async function __bootWithSnapshot(loadPyodide, version, opts) {
  const key = new URL(`__snapshot__/${version}`, PYODIDE_DIR).href;
  let cache = null;
  try { cache = await caches.open(__SNAP_CACHE); } catch { cache = null; }
  if (cache) {
    try {
      const hit = await cache.match(key);
      if (hit) {
        const bytes = new Uint8Array(await hit.arrayBuffer());
        return await loadPyodide({ ...opts, _loadSnapshot: bytes });
      }
    } catch (err) {
      console.warn("memory snapshot not usable, booting normally:", err && err.message);
      try { await cache.delete(key); } catch {}
    }
  }
  const pyodide = await loadPyodide({ ...opts, _makeSnapshot: cache !== null });
  if (cache) {
    try {
      __pendingSnapshot = { cache, key, bytes: pyodide.makeMemorySnapshot() };
    } catch (err) {
      console.warn("memory snapshot not made:", err && err.message);
    }
  }
  return pyodide;
}
function __storeSnapshotLater() {
  const p = __pendingSnapshot;
  if (!p) return;
  __pendingSnapshot = null;
  setTimeout(() => {
    p.cache.put(p.key, new Response(p.bytes, { headers: { "content-type": "application/octet-stream" } }))
      .catch((err) => console.warn("memory snapshot not stored:", err && err.message));
  }, 0);
}
"""


def snapshot_local(site: Path) -> None:
    """docs/assets/pyworker.mjs (+ docs/assets/sw.js KEEP): a Pyodide memory snapshot made in the
    reader's own browser on the first visit, stored in Cache Storage, used on later visits."""
    worker = site / "assets" / "pyworker.mjs"
    _sub(worker, "const pyodide = await loadPyodide({",
         "const pyodide = await __bootWithSnapshot(loadPyodide, pyodideVersion, {")
    _sub(worker, "  self.postMessage(reply);\n};", "  self.postMessage(reply);\n  __storeSnapshotLater();\n};")
    worker.write_text(worker.read_text("utf-8") + SNAPSHOT_LOCAL_JS, "utf-8")
    _sub(site / "sw.js", '"runtime"]);', '"runtime", "pyodide-memory-snapshot"]);')


SNAPSHOT_WARM_JS = r"""
// ---- memory snapshot of a warm engine, kept in this browser (experiment "snapshot-warm") ----
// First visit: boot normally with _makeSnapshot; once the wheel is unpacked, import the package
// and answer one fixed question (lazy imports, rule data loaded), THEN take the snapshot, before
// any PyProxy exists; store it in Cache Storage after the first real answer. Later visits with
// the same Pyodide and the same wheel (the key holds both) start from that state.
const __SNAP_CACHE = "pyodide-memory-snapshot";
let __pendingSnapshot = null;
let __snapKey = null;
async function __bootWithSnapshot(loadPyodide, version, opts, manifestPromise) {
  let cache = null;
  try {
    const manifest = await manifestPromise;
    __snapKey = new URL(`__snapshot__/${version}/${manifest.sha256}`, PYODIDE_DIR).href;
    cache = await caches.open(__SNAP_CACHE);
  } catch { cache = null; }
  if (cache) {
    try {
      const hit = await cache.match(__snapKey);
      if (hit) {
        const bytes = new Uint8Array(await hit.arrayBuffer());
        return await loadPyodide({ ...opts, _loadSnapshot: bytes });
      }
    } catch (err) {
      console.warn("memory snapshot not usable, booting normally:", err && err.message);
      try { await cache.delete(__snapKey); } catch {}
    }
  }
  const pyodide = await loadPyodide({ ...opts, _makeSnapshot: cache !== null });
  if (cache) __pendingSnapshot = { cache, key: __snapKey, bytes: null };
  return pyodide;
}
function __warmAndSnapshot(pyodide) {
  const p = __pendingSnapshot;
  if (!p) return;
  try {
    pyodide.runPython(
      "import calculators.browser as _b\n" +
      "_b.dispatch('classify', '{\"amount\": \"7000\", \"province\": \"浙江\", \"act_date\": \"2026-03-01\"}', [])\n" +
      "del _b\n");
    p.bytes = pyodide.makeMemorySnapshot();
  } catch (err) {
    __pendingSnapshot = null;
    console.warn("memory snapshot not made:", err && err.message);
  }
}
function __storeSnapshotLater() {
  const p = __pendingSnapshot;
  if (!p || !p.bytes) return;
  __pendingSnapshot = null;
  setTimeout(() => {
    p.cache.put(p.key, new Response(p.bytes, { headers: { "content-type": "application/octet-stream" } }))
      .catch((err) => console.warn("memory snapshot not stored:", err && err.message));
  }, 0);
}
"""


def snapshot_warm(site: Path) -> None:
    """docs/assets/pyworker.mjs (+ docs/assets/sw.js KEEP): like snapshot-local, but the snapshot
    is taken after the package is imported and one question answered, so a later visit skips the
    import of the engine and the loading of the rule data too. Keyed by Pyodide version + wheel
    sha256."""
    worker = site / "assets" / "pyworker.mjs"
    _sub(worker, r"const pyodide = await loadPyodide\((\{[\s\S]*?\n  \})\);",
         lambda m: "const pyodide = await __bootWithSnapshot(loadPyodide, pyodideVersion, " + m.group(1)
         + ", manifestPromise);", regex=True)
    _sub(worker, 'const browser = pyodide.pyimport("calculators.browser");',
         '__warmAndSnapshot(pyodide);\n  const browser = pyodide.pyimport("calculators.browser");')
    _sub(worker, "  self.postMessage(reply);\n};", "  self.postMessage(reply);\n  __storeSnapshotLater();\n};")
    worker.write_text(worker.read_text("utf-8") + SNAPSHOT_WARM_JS, "utf-8")
    _sub(site / "sw.js", '"runtime"]);', '"runtime", "pyodide-memory-snapshot"]);')


MAKE_SNAPSHOT_NODE = r"""
import { loadPyodide } from "%(dir)spyodide.mjs";
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
const py = await loadPyodide({ indexURL: "%(dir)s", packageBaseUrl: "%(dir)s", _makeSnapshot: true });
%(prepare)s
const snap = py.makeMemorySnapshot();
writeFileSync("%(out)s", gzipSync(snap, { level: 6 }));
console.log(JSON.stringify({ raw: snap.length }));
"""

SNAPSHOT_BUILD_JS = r"""
// ---- memory snapshot made at build time (experiment "snapshot-build") ----
const __SNAPSHOT = fetch(new URL("snapshot.bin.gz", PYODIDE_DIR).href).then((r) => {
  if (!r.ok) throw new Error(`snapshot ${r.status}`);
  return new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
});
__SNAPSHOT.catch(() => {});
async function __bootFromBuildSnapshot(loadPyodide, opts) {
  try {
    return await loadPyodide({ ...opts, _loadSnapshot: await __SNAPSHOT });
  } catch (err) {
    console.warn("build snapshot not usable, booting normally:", err && err.message);
    return await loadPyodide(opts);
  }
}
"""


def snapshot_build(site: Path, prepare: str = "") -> None:
    """site_hooks (new build step, needs Node at build time) + docs/assets/pyworker.mjs: a memory
    snapshot made by Node from the same Pyodide files, served gzip-compressed as
    pyodide/snapshot.bin.gz, fetched by the worker in parallel with the runtime and restored
    instead of the normal Python start-up."""
    pdir = site / "pyodide"
    out = pdir / "snapshot.bin.gz"
    script = site.parent / (site.name + "-make-snapshot.mjs")
    script.write_text(MAKE_SNAPSHOT_NODE % {"dir": str(pdir) + "/", "out": str(out), "prepare": prepare},
                      "utf-8")
    proc = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=300)
    script.unlink()
    if proc.returncode != 0:
        raise PatchError("snapshot not made: " + proc.stderr[-500:])
    worker = site / "assets" / "pyworker.mjs"
    _sub(worker, "const pyodide = await loadPyodide({", "const pyodide = await __bootFromBuildSnapshot(loadPyodide, {")
    # right after the PYODIDE_DIR constant, so the snapshot download starts with the worker
    _sub(worker, r"(const PYODIDE_DIR = [^\n]*\n)", lambda m: m.group(1) + SNAPSHOT_BUILD_JS, regex=True)


def no_search(site: Path) -> None:
    """calculator page: Material's search not set up on first load (no search_index.json, no lunr
    index built in the search worker while Pyodide starts). Measures what the search costs the
    first answer; the product would load search on the first focus of the search box instead."""
    # Material fetches search_index.json at start-up only if document.forms has a form named
    # "search" (bundle.js: document.forms.namedItem("search") ? ... : EMPTY)
    _sub(site / "calculator" / "index.html", '<form class="md-search__form" name="search">',
         '<form class="md-search__form" name="search-later">')


def core_wheel(site: Path) -> None:
    """site_hooks/wheel.py: a wheel with what classify needs only (no calculators/toolkit, no
    cli.py); the tools would come in a second wheel, fetched on their first call."""
    import hashlib
    import zipfile

    pydir = site / "assets" / "py"
    manifest_path = pydir / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    src = pydir / manifest["url"].split("?")[0]
    keep = lambda n: not (n.startswith("calculators/toolkit/") or n == "calculators/cli.py")  # noqa: E731
    tmp = src.with_suffix(".tmp")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for info in zin.infolist():
            if not keep(info.filename):
                continue
            data = zin.read(info)
            if info.filename.endswith(".dist-info/RECORD"):
                data = b"".join(l + b"\n" for l in data.splitlines() if keep(l.split(b",")[0].decode()))
            zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    tmp.replace(src)
    data = src.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    manifest.update(sha256=digest, size=len(data), url=src.name + "?v=" + digest[:16])
    manifest_path.write_text(json.dumps(manifest, indent=1), "utf-8")


def wheel_parallel(site: Path) -> None:
    """docs/assets/pyworker.mjs: fetch the wheel as soon as the manifest is in, in parallel with
    loadPyodide (today it is requested only after the runtime has started). The later fetch of the
    same URL is then answered by the HTTP cache (or waits for this one: Chrome's cache lock)."""
    _sub(site / "assets" / "pyworker.mjs",
         r"(const manifestPromise = fetch\(WHEEL_MANIFEST[^\n]*\n(?:[^\n]*\n){0,3}?\s*\}\);\n)",
         lambda m: m.group(1) + "  manifestPromise.then((m) => fetch(new URL(m.url, WHEEL_MANIFEST).href))"
                                ".then((r) => r.arrayBuffer()).catch(() => null);\n", regex=True)


EXPERIMENTS: dict[str, list[Callable[[Path], None]]] = {
    "debounce0": [debounce0],
    "direct": [direct],
    "sw-after-answer": [sw_after_answer],
    "early-worker": [early_worker],
    "preload-runtime": [preload_runtime],
    "early-worker+preload": [early_worker, preload_runtime],
    "snapshot-local": [snapshot_local],
    "snapshot-build": [snapshot_build],
    "no-search": [no_search],
    "core-wheel": [core_wheel],
    "wheel-parallel": [wheel_parallel],
    "snapshot-warm": [snapshot_warm],
    "bytes-combined": [sw_after_answer, no_search, core_wheel],
    "combined": [direct, sw_after_answer, early_worker, snapshot_local],
    "all-combined": [direct, sw_after_answer, early_worker, snapshot_local, no_search, core_wheel,
                     wheel_parallel],
    "proposal": [direct, sw_after_answer, no_search, core_wheel, wheel_parallel, snapshot_warm],
    "proposal-no-snapshot": [direct, sw_after_answer, no_search, core_wheel, wheel_parallel],
}


def prepare_copy(site: Path, name: str) -> Path:
    dest = Path(f"/tmp/site-bench-exp-{name}")
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(site, dest, symlinks=True)
    for patch in EXPERIMENTS[name]:
        patch(dest)
    return dest


def row(label: str, s: dict[str, Any], errors: list[str]) -> list[str]:
    def med(key: str) -> float | None:
        return (s.get(key) or {}).get("median")

    def f(v: float | None, d: int = 0) -> str:
        return "-" if v is None else f"{v:.{d}f}"

    floor, cold, rep = med("floor_ms"), med("cold_ms"), med("repeat_ms")
    return [label, f(floor), f((s.get("cold_ms") or {}).get("min")), f(cold),
            f(cold / floor if cold and floor else None, 3), f(med("warm_ms"), 2),
            f(rep), f(rep / cold if rep and cold else None, 3),
            f((med("cold_bytes_to_result") or 0) / 1024), f((med("cold_bytes_total") or 0) / 1024),
            f((s.get("cold_own_longest_frame_ms") or {}).get("max")),
            f((s.get("cold_longest_task_ms") or {}).get("max")), str(len(errors))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="+", help="experiments (or 'all'): " + ", ".join(EXPERIMENTS))
    ap.add_argument("--site", type=Path, default=bench.DEFAULT_SITE)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--only", default="floor,cold,warm,repeat")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--latency-ms", type=float, default=0.0)
    ap.add_argument("--warm-changes", type=int, default=50)
    ap.add_argument("--out", type=Path, default=bench.RESULTS / "experiments-latest.json")
    args = ap.parse_args(argv)
    names = list(EXPERIMENTS) if args.names == ["all"] else args.names
    unknown = [n for n in names if n not in EXPERIMENTS]
    if unknown:
        ap.error(f"unknown experiment(s): {unknown}")
    only = {x.strip() for x in args.only.split(",") if x.strip()}

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    sites: dict[str, Path] = {}
    if not args.no_baseline:
        sites["baseline"] = args.site.resolve()
    for name in names:
        try:
            sites[name] = prepare_copy(args.site.resolve(), name)
        except PatchError as exc:
            log(f"{name}: NOT RUN: {exc}")
    outs = bench.browser_runs_multi(sites, args.reps, args.warm_changes, only, "short",
                                    '[name="amount"]', bench.CONTENT_PAGE, log, args.latency_ms)
    head = ["run", "floor med", "cold min", "cold med", "cold/floor", "warm med", "repeat med",
            "repeat/cold", "KiB to answer", "KiB visit", "own frame max", "longtask max", "errors"]
    table = [head]
    result: dict[str, Any] = {"environment": bench.environment(args.site), "args": vars(args) | {
        "site": str(args.site), "out": str(args.out)}, "runs": {}}
    for label, b in outs.items():
        summ = bench.summarize(b, None, None)
        table.append(row(label, summ, b.get("errors", [])))
        result["runs"][label] = {"summary": summ, "errors": b.get("errors", []),
                                 "patches": [p.__name__ for p in EXPERIMENTS.get(label, [])]}
    w = [max(len(r[i]) for r in table) for i in range(len(head))]
    print("  ".join(h.ljust(w[i]) for i, h in enumerate(head)))
    for r in table[1:]:
        print("  ".join(c.ljust(w[i]) for i, c in enumerate(r)))
    for label, b in outs.items():
        for e in b.get("errors", []):
            print(f"ERROR {label}: {e}")
    bench.RESULTS.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), "utf-8")
    print(f"JSON: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
