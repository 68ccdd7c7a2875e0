"""Throttled phone visits (issue 12 §1): the calculator's shared link against a bare stock Pyodide boot,
under Chromium's network emulation (DevTools Network.emulateNetworkConditions through a Playwright CDP
session: it throttles the page's dedicated worker too) with a phone viewport (390x844, scale 2).

For each profile and repetition, in a rotating order, each in a fresh context (empty cache, no
service worker):

* **stock**: the floor page (benchmarks/pages/floor.html) booting the UNMODIFIED Pyodide of
  ``node_modules/pyodide`` (served at ``/__stock__/``: full stdlib, full lock file) and computing 1+1;
* **calc**: ``/calculator/?amount=3500&province=浙江&...`` of the built site;
* **warm** (``4g`` only): a reader on fast Wi-Fi (``navigator.connection`` set by an init script:
  Chromium on Linux reports no connection type) first reads a content page (``criminal/``) until its
  warm-start prefetch (docs/assets/prefetch.mjs) is done, then opens the same calculator link;
  figures from that second navigation (``prefetch_ms`` / ``prefetch_bytes``: the content page's
  prefetch, from its navigation).

Figures, read inside the page with ``performance.now()`` (ms since navigation start):

* ``feedback``: the first time loading feedback is VISIBLE in the viewport: the sticky bar
  (``#calc-mini``), the loading line next to the amount field (``.py-loading``), the status box
  (``#calc-status``), whichever comes first;
* ``provisional``: the first time the result element carries a non-empty ``data-provisional-tier``
  (only once a page exposes it; otherwise null);
* ``answer``: the result in the DOM (``data-criminal-tier`` / the floor's ``data-result``);
* ``bytes``: headers + bodies the server sent from navigation until the answer.

The server is benchmarks/server.py with gzip (level 6) for text, JS, JSON and wasm, as a static host.
Run through ``benchmarks.run --only network`` (or ``python -m benchmarks.network --site DIR``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import urllib.parse
from pathlib import Path
from typing import Any

from .browser import INIT_SCRIPT, Browser, summarize_records
from .server import StaticServer

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).resolve().parent / "pages"
STOCK = ROOT / "node_modules" / "pyodide"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN"}
# Chromium DevTools' presets: throughput in bytes per second, latency in ms (round trip)
PROFILES: dict[str, dict[str, float]] = {
    "slow4g": {"latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8},
    "4g": {"latency": 60, "downloadThroughput": 9e6 / 8, "uploadThroughput": 1.5e6 / 8},
}
CALC_QUERY = {"amount": "3500", "province": "浙江", "act": "2026-03-01", "decision": "2026-06-01"}
TIMEOUT_MS = 240_000
WARM_PROFILES = {"4g"}  # where prefetch.mjs may prefetch (fast); never on slow4g
CONTENT_PAGE = "criminal/"
FAST_WIFI_SCRIPT = ("Object.defineProperty(Navigator.prototype, 'connection', {configurable: true, get() { "
                    "return {type: 'wifi', effectiveType: '4g', downlink: 9, saveData: false}; }});")

# polls (every 50 ms) for visible loading feedback and the provisional tier
FEEDBACK_SCRIPT = r"""
(() => {
  if (window.__feedback) return;
  const F = window.__feedback = { feedback: null, feedbackBy: null, provisional: null, provisionalTier: null };
  const visible = (sel) => {
    const el = document.querySelector(sel);
    if (!el || el.hidden) return false;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) return false;
    const cs = getComputedStyle(el);
    if (cs.display === "none" || cs.visibility === "hidden") return false;
    return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  };
  const tick = () => {
    const now = performance.now();
    if (F.feedback === null) {
      for (const sel of ["#calc-mini", ".py-loading", "#calc-status"]) {
        if (visible(sel)) { F.feedback = now; F.feedbackBy = sel; break; }
      }
    }
    if (F.provisional === null) {
      const box = document.querySelector("[data-provisional-tier]");
      const tier = box && box.getAttribute("data-provisional-tier");
      if (tier) { F.provisional = now; F.provisionalTier = tier; }
    }
    if (F.feedback === null || F.provisional === null) setTimeout(tick, 50);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", tick); else tick();
  setTimeout(tick, 0);
})();
"""


def visit(browser: Browser, server: StaticServer, url: str, profile: dict[str, float],
          warm_from: str | None = None) -> dict[str, Any]:
    ctx = browser.browser.new_context(**PHONE)
    ctx.add_init_script(INIT_SCRIPT)
    ctx.add_init_script(FEEDBACK_SCRIPT)
    out: dict[str, Any] = {"url": url, "error": None}
    try:
        page = ctx.new_page()
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {"offline": False, **profile})
        if warm_from is not None:
            ctx.add_init_script(FAST_WIFI_SCRIPT)
            mark = server.mark()
            page.goto(warm_from, timeout=TIMEOUT_MS)
            try:
                page.wait_for_selector("html[data-runtime-prefetch=done]", state="attached", timeout=TIMEOUT_MS)
                out["prefetch_ms"] = page.evaluate("() => performance.now()")
            except Exception:  # playwright TimeoutError
                out["error"] = "prefetch not done: " + str(page.get_attribute("html", "data-runtime-prefetch"))
                out["prefetch_ms"] = None
            out["prefetch_bytes"] = sum(r.wire_bytes for r in server.since(mark))
        mark = server.mark()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        try:
            page.wait_for_function("() => window.__bench && (window.__bench.first || window.__bench.error)",
                                   timeout=TIMEOUT_MS, polling=100)
        except Exception as exc:  # playwright TimeoutError
            out["error"] = f"no answer within {TIMEOUT_MS} ms: {exc.__class__.__name__}"
        st = page.evaluate("""() => ({ first: window.__bench.first, error: window.__bench.error,
            feedback: window.__feedback, nav: performance.getEntriesByType('navigation')[0]?.toJSON() || null })""")
        recs = server.since(mark)
        first = st.get("first") or {}
        out["answer_ms"] = first.get("t_dom")
        fb = st.get("feedback") or {}
        out["feedback_ms"], out["feedback_by"] = fb.get("feedback"), fb.get("feedbackBy")
        out["provisional_ms"], out["provisional_tier"] = fb.get("provisional"), fb.get("provisionalTier")
        if st.get("error") and not out["error"]:
            out["error"] = f"page reported an error: {st['error']}"
        cutoff = float("inf")
        if recs and out["answer_ms"] is not None:
            req_start = ((st.get("nav") or {}).get("requestStart") or 0.0) / 1000.0
            cutoff = recs[0].t_arrive - req_start + out["answer_ms"] / 1000.0
        before = [r for r in recs if r.t_arrive <= cutoff]
        out["bytes_to_answer"] = sum(r.wire_bytes for r in before)
        out["requests"] = summarize_records(before)
    finally:
        ctx.close()
    return out


def med(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def run(site: Path, reps: int, profiles: list[str], log: Any, script_csp: str | None = None) -> dict[str, Any]:
    """Every profile: ``reps`` x (stock, calc) in a rotating order. Returns the samples and medians."""
    calc_url = "calculator/?" + urllib.parse.urlencode(CALC_QUERY)
    out: dict[str, Any] = {"profiles": {}, "errors": []}
    with StaticServer(site, mounts={"__bench__": PAGES, "__stock__": STOCK}, script_csp=script_csp) as server, \
            Browser() as browser:
        urls = {"stock": server.url + "__bench__/floor.html?pyodide=/__stock__/", "calc": server.url + calc_url,
                "warm": server.url + calc_url}
        for name in profiles:
            profile = PROFILES[name]
            kinds = ["stock", "calc"] + (["warm"] if name in WARM_PROFILES else [])
            samples: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
            for i in range(reps):
                order = kinds[i % len(kinds):] + kinds[:i % len(kinds)]
                for kind in order:
                    v = visit(browser, server, urls[kind], profile,
                              warm_from=server.url + CONTENT_PAGE if kind == "warm" else None)
                    samples[kind].append(v)
                    log(f"  {name} {kind} #{i + 1}: answer {v['answer_ms'] and round(v['answer_ms'])} ms, "
                        f"feedback {v['feedback_ms'] and round(v['feedback_ms'])} ms ({v['feedback_by']}), "
                        f"provisional {v['provisional_ms'] and round(v['provisional_ms'])} ms, "
                        f"{v['bytes_to_answer'] / 1e6:.2f} MB"
                        + (f" (content page prefetch: {v['prefetch_bytes'] / 1e6:.2f} MB, done at "
                           f"{v['prefetch_ms'] and round(v['prefetch_ms'])} ms)" if kind == "warm" else "")
                        + (f"  ERROR {v['error']}" if v["error"] else ""))
                    if v["error"]:
                        out["errors"].append(f"{name} {kind}: {v['error']}")
            summary = {kind: {"answer_ms": med([s["answer_ms"] for s in ss]),
                              "feedback_ms": med([s["feedback_ms"] for s in ss]),
                              "provisional_ms": med([s["provisional_ms"] for s in ss]),
                              "bytes_to_answer": med([s["bytes_to_answer"] for s in ss]),
                              **({"prefetch_ms": med([s.get("prefetch_ms") for s in ss]),
                                  "prefetch_bytes": med([s.get("prefetch_bytes") for s in ss])}
                                 if kind == "warm" else {})}
                       for kind, ss in samples.items()}
            stock, calc = summary["stock"]["answer_ms"], summary["calc"]["answer_ms"]
            summary["answer_vs_stock"] = (calc / stock) if calc and stock else None
            out["profiles"][name] = {"profile": profile, "summary": summary, "samples": samples}
    return out


def lines(result: dict[str, Any]) -> list[str]:
    """The table rows of the throttled runs (medians)."""
    rows = []
    for name, p in result.get("profiles", {}).items():
        s = p["summary"]
        c, k = s["calc"], s["stock"]

        def ms(v: float | None) -> str:
            return "-" if v is None else f"{v / 1000:.2f} s"

        rows.append(f"  {name:7} stock Pyodide boot : answer {ms(k['answer_ms']):>9}, {k['bytes_to_answer'] / 1e6:.2f} MB")
        rows.append(f"  {name:7} calculator link    : answer {ms(c['answer_ms']):>9} ({s['answer_vs_stock'] or 0:.2f} x stock), "
                    f"{c['bytes_to_answer'] / 1e6:.2f} MB, first feedback {ms(c['feedback_ms'])}, "
                    f"provisional {ms(c['provisional_ms'])}")
        w = s.get("warm")
        if w:
            rows.append(f"  {name:7} same link after a content page on fast Wi-Fi: answer {ms(w['answer_ms']):>9}"
                        f" ({(w['answer_ms'] or 0) / (c['answer_ms'] or 1):.2f} x cold calculator), "
                        f"{w['bytes_to_answer'] / 1e6:.2f} MB; the content page's prefetch "
                        f"{(w['prefetch_bytes'] or 0) / 1e6:.2f} MB, done {ms(w['prefetch_ms'])} after its navigation")
    return rows


def main(argv: list[str] | None = None) -> int:
    import json

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", type=Path, required=True)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--profiles", default="slow4g,4g")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    from .run import worker_csp

    result = run(args.site.resolve(), args.reps, [p for p in args.profiles.split(",") if p],
                 lambda m: print(m, file=sys.stderr, flush=True), worker_csp())
    print("\n".join(lines(result)))
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), "utf-8")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
