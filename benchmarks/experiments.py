"""Optimisation experiments on patched copies of a built site (the owners' files are never edited).

    .venv/bin/python -m benchmarks.experiments --site /tmp/site-bench early-worker snapshot-build
    .venv/bin/python -m benchmarks.experiments --site /tmp/site-bench all --reps 3
    .venv/bin/python -m benchmarks.experiments --site /tmp/site-new --build before=/tmp/site-old

--build LABEL=DIR adds another built site, unpatched, to the same session: the way to compare two
commits (build the older one from a `git worktree add /tmp/wt <rev>` checkout into its own folder).

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
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


MAKE_SNAPSHOT_NODE = r"""
import { loadPyodide } from "%(dir)spyodide.mjs";
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
const py = await loadPyodide({ indexURL: "%(dir)s", packageBaseUrl: "%(dir)s", stdLibURL: "%(dir)spython_stdlib.min.zip", _makeSnapshot: true });
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
    # the page worker's normal start (the background snapshot worker of the product is left alone)
    _sub(worker, "if (!pyodide) pyodide = await loadPyodide(pyodideOptions())",
         "if (!pyodide) pyodide = await __bootFromBuildSnapshot(loadPyodide, pyodideOptions())")
    # right after the PYODIDE_DIR constant, so the snapshot download starts with the worker
    _sub(worker, r"(const PYODIDE_DIR = [^\n]*\n)", lambda m: m.group(1) + SNAPSHOT_BUILD_JS, regex=True)


EXPERIMENTS: dict[str, list[Callable[[Path], None]]] = {
    "early-worker": [early_worker],
    "preload-runtime": [preload_runtime],
    "early-worker+preload": [early_worker, preload_runtime],
    "snapshot-build": [snapshot_build],
}
# Retired once applied to the source (their code is in git: `git show 24e3ec1:benchmarks/experiments.py`):
# debounce0, direct, sw-after-answer, no-search, core-wheel, wheel-parallel (applied in 37eb646,
# 25fe303, 0c16595, 8199813, 5fe299c), snapshot-local and snapshot-warm (superseded by the
# background snapshot worker, 5d56531), and the combinations of them.


def prepare_copy(site: Path, name: str, dest: Path | None = None) -> Path:
    dest = dest or Path(f"/tmp/site-bench-exp-{name}")
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
    ap.add_argument("names", nargs="*", help="experiments (or 'all'): " + ", ".join(EXPERIMENTS))
    ap.add_argument("--build", action="append", default=[], metavar="LABEL=DIR",
                    help="another built site measured as it is in the same session (repeatable)")
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
    for spec in args.build:
        label, sep, folder = spec.partition("=")
        if not sep or not Path(folder, "calculator", "index.html").exists():
            ap.error(f"--build wants LABEL=DIR of a built site, got {spec!r}")
        sites[label] = Path(folder).resolve()
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
