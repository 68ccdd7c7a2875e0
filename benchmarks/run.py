"""The performance benchmark (issue 7). Usage (scripts/bench.sh wraps this)::

    .venv/bin/python -m benchmarks.run                 # build into /tmp/site-bench, measure all
    .venv/bin/python -m benchmarks.run --site DIR      # measure an already built site (no build)
    .venv/bin/python -m benchmarks.run --reps 3 --only floor,cold

Prints a table (min / median per figure, the targets and PASS/FAIL) and writes the full JSON to
benchmarks/results/ (git-ignored). See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

from . import engine as engine_bench
from . import network as network_bench
from .browser import Browser, Visit, is_pyodide_request, stats
from .server import StaticServer

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).resolve().parent / "pages"
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_SITE = Path("/tmp/site-bench")
CALC_QUERY = {"amount": "3500", "province": "浙江", "act": "2026-03-01", "decision": "2026-06-01"}
CONTENT_PAGE = "criminal/"
PYODIDE_CORE = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                "pyodide-lock.json")
OWN_BYTES_ALLOWANCE = 200_000  # "Pyodide core + 200 KB" (KB = 1000 bytes)
# Two amounts in different criminal tiers for 浙江 (legal/thresholds.csv: 数额较大 from 6000):
# every change of the form then changes data-criminal-tier, so each new answer is observable.
WARM_AMOUNTS = (1000, 7000)

TARGETS = {
    "cold_vs_floor": 1.15,
    "warm_ms": 5.0,
    "repeat_vs_cold": 0.5,
    "longest_task_ms": 50.0,
}


# -- build -------------------------------------------------------------------------------------
def build_site(dest: Path, reps: int = 1, python: str = sys.executable) -> dict[str, Any]:
    times = []
    for _ in range(max(1, reps)):
        t0 = time.perf_counter()
        proc = subprocess.run([python, "-m", "mkdocs", "build", "--quiet", "-d", str(dest)],
                              cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise SystemExit("mkdocs build failed:\n" + (proc.stderr or proc.stdout)[-4000:])
    return {"seconds": times, **{k + "_s": v for k, v in stats(times).items() if k != "n"}}


def find_pyodide_dir(site: Path) -> str | None:
    for wasm in sorted(site.rglob("pyodide.asm.wasm")):
        rel = wasm.parent.relative_to(site).as_posix()
        return "/" + (rel + "/" if rel != "." else "")
    return None


# -- browser part ------------------------------------------------------------------------------
def worker_csp() -> str | None:
    """The CSP header the site asks a host to send for its worker scripts (site_hooks/security.py)."""
    sys.path.insert(0, str(ROOT))
    try:
        from site_hooks.security import WORKER_CSP  # type: ignore[import-not-found]
        return str(WORKER_CSP)
    except Exception:
        return None
    finally:
        sys.path.pop(0)


def browser_runs(site: Path, reps: int, warm_changes: int, only: set[str], cache: str,
                 amount_selector: str, content_page: str, log: Any,
                 latency_ms: float = 0.0) -> dict[str, Any]:
    return browser_runs_multi({"": site}, reps, warm_changes, only, cache, amount_selector,
                              content_page, log, latency_ms)[""]


def browser_runs_multi(sites: dict[str, Path], reps: int, warm_changes: int, only: set[str],
                       cache: str, amount_selector: str, content_page: str, log: Any,
                       latency_ms: float = 0.0) -> dict[str, dict[str, Any]]:
    """Measure one or several built sites (variants) in ONE browser session, interleaved: each
    repetition measures the floor once and then every variant, in a rotating order, so that the
    load of the machine at a given moment hits all of them alike. The floor samples are shared
    (every variant's cold/floor ratio uses the same floor runs)."""
    outs: dict[str, dict[str, Any]] = {
        label: {"floor": [], "floor_repeat": [], "cold": [], "repeat": [], "warm": [],
                "content": [], "errors": []} for label in sites}
    first = next(iter(sites.values()))
    pyodide_dir = find_pyodide_dir(first)
    if pyodide_dir is None:
        for out in outs.values():
            out["errors"].append("the built site has no pyodide.asm.wasm")
        return outs
    servers = {label: StaticServer(site, mounts={"/__bench__/": PAGES}, cache=cache,
                                   script_csp=worker_csp(), latency_ms=latency_ms).start()
               for label, site in sites.items()}
    try:
        with Browser() as br:
            for label, srv in servers.items():
                out = outs[label]
                out["pyodide_dir"] = pyodide_dir
                out["server"] = {"cache": cache, "gzip_files": srv.prewarm(), "latency_ms": latency_ms,
                                 "script_csp": srv.script_csp}
                out["chromium"] = br.browser.version
                out["urls"] = {
                    "floor": srv.url + "__bench__/floor.html?" + urllib.parse.urlencode({"pyodide": pyodide_dir}),
                    "calculator": srv.url + "calculator/?" + urllib.parse.urlencode(CALC_QUERY),
                    "content": srv.url + content_page}
            floor_srv = servers[next(iter(servers))]
            floor_url = outs[next(iter(outs))]["urls"]["floor"]

            def floor_rep() -> None:
                ctx = br.new_context()
                try:
                    page, v = br.visit(ctx, floor_srv, floor_url)
                    page.close()
                    v2 = None
                    if "repeat" in only:
                        page, v2 = br.visit(ctx, floor_srv, floor_url)
                        page.close()
                finally:
                    ctx.close()
                for out in outs.values():
                    out["floor"].append(v)
                    if v2 is not None:
                        out["floor_repeat"].append(v2)

            def calc_rep(label: str, i: int) -> None:
                out, srv = outs[label], servers[label]
                calc_url = out["urls"]["calculator"]
                ctx = br.new_context()
                try:
                    page, v = br.visit(ctx, srv, calc_url)
                    out["cold"].append(v)
                    if v.error:
                        out["errors"].append(f"cold #{i}: {v.error}")
                        return
                    if "warm" in only:
                        # high, low, high, ... after priming with a low amount: every change flips
                        # the tier (none <-> large), so every new answer is visible in the attribute
                        lo, hi = WARM_AMOUNTS
                        amounts = [(hi if k % 2 == 0 else lo) + k for k in range(warm_changes)]
                        w = br.warm(page, input_selector=amount_selector, prime=lo - 1,
                                    result_attr="data-criminal-tier", amounts=amounts)
                        out["warm"].append(w)
                        if w.get("error"):
                            out["errors"].append(f"warm #{i}: {w['error']}")
                    if "repeat" in only:
                        out.setdefault("sw_state", []).append(br.service_worker_state(page))
                        # the memory snapshot is made in a background worker once the page is idle
                        # after its first answer (pyclient.mjs): wait for it, and say when it landed
                        snap = br.wait_snapshot(page, 60_000)
                        out.setdefault("snapshot", []).append(snap)
                        if snap["state"] not in ("stored", None):  # None: a build without it
                            out["errors"].append(f"snapshot #{i}: {snap['state']}"
                                                 f"{' (timed out)' if snap['timed_out'] else ''}")
                        page.close()
                        page, v2 = br.visit(ctx, srv, calc_url)
                        out["repeat"].append(v2)
                        if v2.error:
                            out["errors"].append(f"repeat #{i}: {v2.error}")
                    page.close()
                finally:
                    ctx.close()

            def content_rep(label: str) -> None:
                out, srv = outs[label], servers[label]
                ctx = br.new_context()
                try:
                    page, v = br.visit(ctx, srv, out["urls"]["content"], wait_result=False)
                    out["content"].append(v)
                    page.close()
                finally:
                    ctx.close()

            labels = list(sites)
            for i in range(reps):
                # rotate the order so a drift of the machine does not favour one side
                steps: list[Any] = []
                if "floor" in only:
                    steps.append(floor_rep)
                if "cold" in only:
                    steps.extend(lambda label=label, i=i: calc_rep(label, i) for label in labels)
                k = i % len(steps) if steps else 0
                for step in steps[k:] + steps[:k]:
                    step()
                if "content" in only:
                    for label in labels:
                        content_rep(label)
                for label in labels:
                    out = outs[label]
                    log(f"  rep {i + 1}/{reps}{(' ' + label) if label else ''}: "
                        + ", ".join(f"{k} {out[k][-1].t_dom:.0f} ms" for k in ("floor", "cold", "repeat")
                                    if out[k] and out[k][-1].t_dom is not None))
    finally:
        for srv in servers.values():
            srv.stop()
    return outs


# -- summary -----------------------------------------------------------------------------------
def _t(visits: list[Visit]) -> dict[str, Any]:
    return stats([v.t_dom for v in visits])


def summarize(b: dict[str, Any], eng: dict[str, Any] | None, build: dict[str, Any] | None) -> dict[str, Any]:
    s: dict[str, Any] = {}
    floor, cold, repeat = b.get("floor", []), b.get("cold", []), b.get("repeat", [])
    s["floor_ms"] = _t(floor)
    s["floor_frame_ms"] = stats([v.t_frame for v in floor])
    s["floor_repeat_ms"] = _t(b.get("floor_repeat", []))
    s["cold_ms"] = _t(cold)
    s["cold_frame_ms"] = stats([v.t_frame for v in cold])
    s["repeat_ms"] = _t(repeat)
    warm_all = [d for w in b.get("warm", []) for d in w.get("deltas", [])]
    s["warm_ms"] = stats(warm_all)
    s["warm_frame_ms"] = stats([d for w in b.get("warm", []) for d in w.get("frames", [])])
    parts = [p for w in b.get("warm", []) for p in w.get("parts", [])]
    s["warm_parts_ms"] = {k: stats([p[k] for p in parts]) for k in ("before_post", "worker", "render")}
    s["warm_rep_medians_ms"] = [statistics.median(w["deltas"]) for w in b.get("warm", []) if w.get("deltas")]
    s["cold_longest_task_ms"] = stats([v.longest_task for v in cold])
    s["cold_longtask_sum_ms"] = stats([v.longtask_sum for v in cold])
    s["cold_longest_frame_ms"] = stats([max((f["duration"] for f in v.loaf), default=0.0) for v in cold])
    s["cold_own_longest_frame_ms"] = stats([v.own_longest_frame() for v in cold])
    s["cold_own_longest_script_ms"] = stats([v.own_longest_script() for v in cold])
    s["warm_own_longest_frame_ms"] = stats([max((f["duration"] for f in w.get("loaf", [])), default=0.0)
                                            for w in b.get("warm", []) if "loaf" in w])
    s["floor_longest_task_ms"] = stats([v.longest_task for v in floor])
    s["content_longest_task_ms"] = stats([v.longest_task for v in b.get("content", [])])
    s["cold_bytes_to_result"] = stats([v.bytes_to_result for v in cold])
    s["cold_bytes_total"] = stats([v.bytes_total for v in cold])
    s["repeat_bytes_total"] = stats([v.bytes_total for v in repeat])
    s["floor_bytes_total"] = stats([v.bytes_total for v in floor])
    s["content_bytes_total"] = stats([v.bytes_total for v in b.get("content", [])])
    core = [sum(r["wire"] for r in v.requests if r["path"].split("?")[0].rsplit("/", 1)[-1] in PYODIDE_CORE)
            for v in floor]
    s["pyodide_core_bytes"] = stats(core)
    s["content_pyodide_requests"] = sorted({r["path"] for v in b.get("content", []) for r in v.requests
                                            if is_pyodide_request(r["path"])})
    if cold:
        s["cold_requests"] = [(r["path"], r["status"], r["encoding"], r["wire"], r.get("before_result"))
                              for r in cold[-1].requests]
        s["cold_bytes_to_result_not_core"] = stats([
            sum(r["wire"] for r in v.requests if r.get("before_result")
                and r["path"].split("?")[0].rsplit("/", 1)[-1] not in PYODIDE_CORE) for v in cold])
    snaps = b.get("snapshot", [])
    s["snapshot_states"] = [x.get("state") for x in snaps]
    s["snapshot_after_answer_ms"] = stats([x.get("after_first_answer_ms") for x in snaps])
    s["snapshot_worker_ms"] = stats([x.get("worker_ms") for x in snaps if x.get("state") == "stored"])
    s["snapshot_bytes"] = stats([x.get("bytes") for x in snaps if x.get("state") == "stored"])
    s["repeat_snapshot_boot"] = [v.snapshot_boot for v in repeat]
    s["repeat_boot_ms"] = stats([(v.worker_timings or {}).get("total_ms") for v in repeat])
    s["cold_boot_ms"] = stats([(v.worker_timings or {}).get("total_ms") for v in cold])
    if repeat:
        s["repeat_requests"] = [(r["path"], r["status"], r["encoding"], r["wire"]) for r in repeat[-1].requests]
        s["repeat_sw_controlled"] = [v.sw_controlled for v in repeat]

    def ratio(a: dict[str, Any], bb: dict[str, Any], key: str) -> float | None:
        if a.get(key) is None or not bb.get(key):
            return None
        return a[key] / bb[key]

    checks: list[dict[str, Any]] = []

    def check(name: str, figure: str, value: float | None, limit: float, unit: str, note: str = "") -> None:
        checks.append({"target": name, "figure": figure, "value": value, "limit": limit, "unit": unit,
                       "pass": (value is not None and value <= limit), "note": note})

    r_cold = ratio(s["cold_ms"], s["floor_ms"], "median")
    check("2/1 cold vs floor", "median ratio", r_cold, TARGETS["cold_vs_floor"], "x",
          f"min ratio {ratio(s['cold_ms'], s['floor_ms'], 'min') or float('nan'):.3f}")
    check("3 warm answer", "median", s["warm_ms"]["median"], TARGETS["warm_ms"], "ms")
    used = sum(1 for x in s["repeat_snapshot_boot"] if x == "used")
    check("4/2 repeat vs cold", "median ratio", ratio(s["repeat_ms"], s["cold_ms"], "median"),
          TARGETS["repeat_vs_cold"], "x",
          f"repeat visits booted from the memory snapshot: {used}/{len(s['repeat_snapshot_boot'])}"
          + (f"; snapshot states {s['snapshot_states']}" if any(x != "stored" for x in s["snapshot_states"]) else ""))
    core_med = s["pyodide_core_bytes"]["median"]
    check("5 bytes to first answer", "median bytes", s["cold_bytes_to_result"]["median"],
          (core_med or 0) + OWN_BYTES_ALLOWANCE, "B",
          f"limit = Pyodide core {core_med} B (gzip, as served) + {OWN_BYTES_ALLOWANCE} B")
    content_ok = 0.0 if (b.get("content") and not s["content_pyodide_requests"]) else 1.0
    check("5 content page loads no Pyodide", "Pyodide requests", content_ok if b.get("content") else None,
          0.0, "", ", ".join(s["content_pyodide_requests"]))
    check("6 longest run of our code", "max over reps", s["cold_own_longest_script_ms"]["max"],
          TARGETS["longest_task_ms"], "ms",
          f"longest frame it ran in: {s['cold_own_longest_frame_ms']['max']} ms; any long task: max "
          f"{s['cold_longest_task_ms']['max']} ms; content page: max {s['content_longest_task_ms']['max']} ms")
    s["checks"] = checks
    if eng is not None:
        s["engine"] = {
            "cpython_median_ms": eng.get("cpython", {}).get("median_ms"),
            "pyodide_median_ms": eng.get("pyodide", {}).get("median_ms"),
            "batch_rows_per_s": eng.get("batch", {}).get("rows_per_s"),
            "batch_peak_rss_mib": eng.get("batch", {}).get("peak_rss_mib"),
        }
    if build is not None:
        s["build_s"] = {k: build.get(k + "_s") for k in ("min", "median", "max")}
    return s


def fmt(v: float | None, unit: str = "ms", digits: int = 1) -> str:
    if v is None:
        return "-"
    if unit == "B":
        return f"{v / 1024:.0f} KiB"
    if unit == "x":
        return f"{v:.3f}"
    return f"{v:.{digits}f} {unit}".strip()


def table(s: dict[str, Any], eng: dict[str, Any] | None) -> str:
    rows = [("figure", "min", "median", "n")]

    def add(label: str, st: dict[str, Any] | None, unit: str = "ms", digits: int = 1) -> None:
        if st and st.get("n"):
            rows.append((label, fmt(st["min"], unit, digits), fmt(st["median"], unit, digits), str(st["n"])))

    add("1 floor: blank page, Pyodide worker, 1+1", s["floor_ms"])
    add("2 cold first answer (result in DOM)", s["cold_ms"])
    add("2 cold first answer (next frame)", s["cold_frame_ms"])
    add("3 warm answer, input -> DOM", s["warm_ms"], digits=2)
    add("3 warm answer, input -> next frame", s["warm_frame_ms"], digits=2)
    for k, label in (("before_post", "page, input -> postMessage"), ("worker", "worker round trip"),
                     ("render", "page, reply -> result in DOM")):
        add(f"3   {label}", s["warm_parts_ms"][k], digits=2)
    add("4 repeat visit (same context)", s["repeat_ms"])
    add("4   worker start -> ready, cold visit", s["cold_boot_ms"])
    add("4   worker start -> ready, repeat visit", s["repeat_boot_ms"])
    add("4   snapshot stored, after the first answer", s["snapshot_after_answer_ms"])
    add("4   snapshot worker (boot, warm-up, store)", s["snapshot_worker_ms"])
    add("4   snapshot size (Cache Storage)", s["snapshot_bytes"], "B")
    add("1' floor, repeat visit", s["floor_repeat_ms"])
    add("5 bytes to first answer", s["cold_bytes_to_result"], "B")
    add("5   of which not Pyodide core", s.get("cold_bytes_to_result_not_core"), "B")
    add("5 bytes, whole first visit (+ SW precache)", s["cold_bytes_total"], "B")
    add("5 bytes, repeat visit", s["repeat_bytes_total"], "B")
    add("5 Pyodide core (floor, as served)", s["pyodide_core_bytes"], "B")
    add("5 content page bytes", s["content_bytes_total"], "B")
    add("6 longest task during 2", s["cold_longest_task_ms"])
    add("6 sum of long tasks during 2", s["cold_longtask_sum_ms"])
    add("6 longest animation frame (any) during 2", s["cold_longest_frame_ms"])
    add("6 longest frame running our .mjs during 2", s["cold_own_longest_frame_ms"])
    add("6 longest run of our .mjs during 2", s["cold_own_longest_script_ms"])
    add("6 longest task, content page", s["content_longest_task_ms"])
    if eng:
        for key, label in (("cpython", "7 classify per case, CPython"), ("pyodide", "7 classify per case, Pyodide/Node")):
            e = eng.get(key, {})
            if "median_ms" in e:
                rows.append((label, fmt(e["min_ms"], "ms", 3), fmt(e["median_ms"], "ms", 3), str(e["cases"])))
            elif e.get("error"):
                rows.append((label, "ERROR", e["error"].splitlines()[-1][:60], ""))
        bt = eng.get("batch", {})
        if "rows_per_s" in bt:
            rows.append(("7 batch rows/s (CPython, 100k rows)", "", f"{bt['rows_per_s']:.0f}/s", str(bt["rows"])))
            rows.append(("7 batch peak RSS", "", f"{bt['peak_rss_mib']:.1f} MiB", ""))
        elif bt.get("error"):
            rows.append(("7 batch", "ERROR", bt["error"].splitlines()[-1][:60], ""))
    if s.get("build_s") and s["build_s"]["median"] is not None:
        rows.append(("8 site build (mkdocs build)", fmt(s["build_s"]["min"], "s", 2),
                     fmt(s["build_s"]["median"], "s", 2), ""))
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w[i]) for i, c in enumerate(r)) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.append("")
    lines.append("targets (same run):")
    for c in s["checks"]:
        val = fmt(c["value"], c["unit"], 2) if c["unit"] else ("-" if c["value"] is None else f"{c['value']:.0f}")
        lim = fmt(c["limit"], c["unit"], 2) if c["unit"] else f"{c['limit']:.0f}"
        verdict = "PASS" if c["pass"] else ("n/a" if c["value"] is None else "FAIL")
        lines.append(f"  {verdict:4}  {c['target']:34} {c['figure']:16} {val:>12} <= {lim:<12} {c['note']}")
    return "\n".join(lines)


def environment(site: Path) -> dict[str, Any]:
    def cmd(*a: str) -> str:
        try:
            return subprocess.run(a, capture_output=True, text=True, cwd=ROOT, timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": cmd("git", "rev-parse", "--short", "HEAD"),
        "git_dirty": bool(cmd("git", "status", "--porcelain", "--", "docs", "calculators", "site_hooks",
                              "mkdocs.yml")),
        "python": platform.python_version(),
        "node": cmd("node", "--version"),
        "cpus": os.cpu_count(),
        "loadavg": os.getloadavg(),
        "site": str(site),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", type=Path, help="measure this built site (skips the build)")
    ap.add_argument("--build-dir", type=Path, default=DEFAULT_SITE, help="where to build (default /tmp/site-bench)")
    ap.add_argument("--build-reps", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5, help="repetitions of each browser figure")
    ap.add_argument("--warm-changes", type=int, default=50)
    ap.add_argument("--engine-reps", type=int, default=20, help="classify calls per golden case")
    ap.add_argument("--batch-rows", type=int, default=100_000)
    ap.add_argument("--only", default="floor,cold,warm,repeat,content,engine,build,network",
                    help="comma list of: floor,cold,warm,repeat,content,engine,build,network")
    ap.add_argument("--network-reps", type=int, default=2, help="repetitions of each throttled phone visit")
    ap.add_argument("--profiles", default="slow4g,4g", help="network profiles (benchmarks/network.py)")
    ap.add_argument("--cache", default="short", choices=["short", "revalidate", "immutable"],
                    help="Cache-Control policy of the server (see benchmarks/server.py)")
    ap.add_argument("--latency-ms", type=float, default=0.0,
                    help="delay every response by this much (emulates a network round trip)")
    ap.add_argument("--amount-selector", default='[name="amount"]')
    ap.add_argument("--content-page", default=CONTENT_PAGE)
    ap.add_argument("--label", default="", help="a name for this run (experiments)")
    ap.add_argument("--out", type=Path, help="JSON path (default benchmarks/results/bench-<time>.json)")
    args = ap.parse_args(argv)
    only = {x.strip() for x in args.only.split(",") if x.strip()}

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    build = None
    if args.site:
        site = args.site.resolve()
        if not any((site / n).is_file() for n in ("index.html", "404.html", "sitemap.xml")):
            log(f"error: {site} is not a built site (no index.html, 404.html or sitemap.xml)")
            return 2
    else:
        site = args.build_dir.resolve()
        if site == (ROOT / "site").resolve():
            log("error: never build into the project's site/ (others use it)")
            return 2
        log(f"building the site into {site} ({args.build_reps}x) ...")
        build = build_site(site, args.build_reps if "build" in only else 1)
        if "build" not in only:
            build = None
    log(f"site: {site}")
    b = browser_runs(site, args.reps, args.warm_changes, only, args.cache, args.amount_selector,
                     args.content_page, log, args.latency_ms) if only & {"floor", "cold", "content"} else {}
    eng = None
    if "engine" in only:
        log("engine alone (CPython, Pyodide in Node, batch) ...")
        eng = engine_bench.run_all(site, reps=args.engine_reps, batch_rows=args.batch_rows)
    net = None
    if "network" in only:
        log("throttled phone visits (calculator link vs stock Pyodide boot) ...")
        net = network_bench.run(site, args.network_reps, [p for p in args.profiles.split(",") if p], log,
                                worker_csp())
    s = summarize(b, eng, build)
    print(table(s, eng))
    if net:
        print("\nphone (390x844), throttled, gzip, medians (benchmarks/network.py):")
        print("\n".join(network_bench.lines(net)))
        for name, p in net["profiles"].items():
            if name == "slow4g":
                c = p["summary"]["calc"]
                first = min(v for v in (c["feedback_ms"], c["provisional_ms"]) if v is not None) if (
                    c["feedback_ms"] is not None or c["provisional_ms"] is not None) else None
                for label, value, limit in (("first useful content <= 3 s", first, 3000),
                                            ("answer <= 0.80 x stock", p["summary"]["answer_vs_stock"], 0.80),
                                            ("bytes to answer <= 5.0 MB", c["bytes_to_answer"], 5.0e6)):
                    verdict = "n/a" if value is None else ("PASS" if value <= limit else "FAIL")
                    print(f"  {verdict:4}  slow 4G: {label}")
    for e in b.get("errors", []) + (net or {}).get("errors", []):
        print("ERROR:", e)
    result = {
        "label": args.label,
        "environment": environment(site),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "summary": s,
        "build": build,
        "engine": eng,
        "network": net,
        "browser": {k: ([x.to_dict() if isinstance(x, Visit) else x for x in v] if isinstance(v, list) else v)
                    for k, v in b.items()},
    }
    RESULTS.mkdir(exist_ok=True)
    out = args.out or RESULTS / f"bench-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}{('-' + args.label) if args.label else ''}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), "utf-8")
    if not args.out:
        shutil.copyfile(out, RESULTS / "latest.json")
    print(f"\nJSON: {out}")
    return 1 if b.get("errors") or (net or {}).get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
