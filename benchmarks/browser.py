"""Browser measurements (Playwright driving the Debian chromium).

Every timing is taken INSIDE the page with ``performance.now()`` (milliseconds since the navigation
started, ``performance.timeOrigin``), never from the Python side, so Playwright's own round trips do
not enter the figures:

* An init script (``INIT_SCRIPT``, added with ``add_init_script`` so it runs before any page script)
  registers a ``PerformanceObserver`` for ``longtask`` entries and a ``MutationObserver`` on the
  document. The first time an element gets a non-empty result attribute (``data-criminal-tier`` on
  the calculator, ``data-result`` on the floor page) it stores ``t_dom`` = ``performance.now()`` in
  the observer callback (a microtask right after the DOM change), then ``t_frame`` in the next
  ``requestAnimationFrame`` callback (the frame that paints it). ``data-error`` is recorded too,
  so a broken page fails the run instead of timing out silently.
* The warm measurement runs in the page: it sets the amount field, takes ``performance.now()``,
  dispatches an ``input`` event and waits (MutationObserver) for the result attribute to change to
  the new answer. Amounts alternate between two tiers so every change is visible.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

from .server import Record, StaticServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

RESULT_ATTRS = ["data-criminal-tier", "data-result"]

INIT_SCRIPT = r"""
(() => {
  if (window.__bench) return;
  const B = window.__bench = { longtasks: [], first: null, error: null, resultAttrs: %(attrs)s };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        B.longtasks.push({ start: e.startTime, duration: e.duration, name: e.name,
          attribution: (e.attribution || []).map(a => a.containerSrc || a.containerName || a.name) });
      }
    }).observe({ type: "longtask", buffered: true });
  } catch (e) { B.longtaskError = String(e); }
  // Long animation frames (> 50 ms) name the scripts that ran in them: that is how a long task is
  // attributed to the calculator's own modules rather than to the theme.
  B.loaf = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        B.loaf.push({ start: e.startTime, duration: e.duration, blocking: e.blockingDuration,
          scripts: (e.scripts || []).map((s) => ({ url: s.sourceURL, fn: s.sourceFunctionName,
            invoker: s.invoker, type: s.invokerType, start: s.startTime, duration: s.duration,
            forcedLayout: s.forcedStyleAndLayoutDuration })) });
      }
    }).observe({ type: "long-animation-frame", buffered: true });
  } catch (e) { B.loafError = String(e); }
  // Worker traffic, for the breakdown of a warm answer: when the page posted to a worker and when
  // a reply arrived (our listener is added in the constructor, so it runs before the page's).
  B.posts = []; B.replies = [];
  if (window.Worker) {
    const NativeWorker = window.Worker;
    const post = NativeWorker.prototype.postMessage;
    NativeWorker.prototype.postMessage = function (...args) { B.posts.push(performance.now()); return post.apply(this, args); };
    window.Worker = function (...args) {
      const w = new NativeWorker(...args);
      w.addEventListener("message", () => B.replies.push(performance.now()));
      return w;
    };
    window.Worker.prototype = NativeWorker.prototype;
  }
  // the memory snapshot's state (pyclient.mjs: <html data-python-snapshot>), with when it changed
  B.snapshot = [];
  const check = (el) => {
    if (!el || el.nodeType !== 1) return;
    if (el === document.documentElement) {
      const st = el.getAttribute("data-python-snapshot");
      const last = B.snapshot[B.snapshot.length - 1];
      if (st && (!last || last.state !== st)) B.snapshot.push({ t: performance.now(), state: st });
      return;
    }
    if (!B.error && el.hasAttribute("data-error") && el.getAttribute("data-error")) {
      B.error = { t: performance.now(), message: el.getAttribute("data-error") };
    }
    // the calculator marks a failed answer with data-state="error" | "failed" on its result box
    if (!B.error && !B.first && ["error", "failed"].includes(el.getAttribute("data-state"))) {
      B.error = { t: performance.now(), message: "data-state=" + el.getAttribute("data-state") + ": " +
                  (el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 200) };
    }
    if (B.first) return;
    for (const a of B.resultAttrs) {
      const v = el.getAttribute(a);
      if (v) {
        const rec = { t_dom: performance.now(), attr: a, value: v, t_frame: null };
        B.first = rec;
        requestAnimationFrame(() => { rec.t_frame = performance.now(); });
        return;
      }
    }
  };
  // Attributes only (no childList): the result is always set by script on an existing element,
  // and watching every parsed node would put the observer's own cost into the page's main thread.
  const mo = new MutationObserver((muts) => { for (const m of muts) check(m.target); });
  mo.observe(document, { subtree: true, attributes: true,
                         attributeFilter: B.resultAttrs.concat(["data-error", "data-state", "data-python-snapshot"]) });
})();
""" % {"attrs": json.dumps(RESULT_ATTRS)}

WARM_SCRIPT = r"""
async ({ inputSelector, resultAttr, amounts, timeoutMs, pauseMs, prime }) => {
  const input = document.querySelector(inputSelector);
  if (!input) return { error: "no input " + inputSelector };
  const current = () => {
    const el = document.querySelector("[" + resultAttr + "]");
    return el ? el.getAttribute(resultAttr) : null;
  };
  // untimed: put the form into a known state (the tier of amounts[1]) so that the first timed
  // change (amounts[0]) changes the answer; wait until the result holds still
  input.value = String(prime);
  input.dispatchEvent(new Event("input", { bubbles: true }));
  let last = current(), stableSince = performance.now();
  while (performance.now() - stableSince < 600) {
    await new Promise((r) => setTimeout(r, 25));
    const v = current();
    if (v !== last) { last = v; stableSince = performance.now(); }
  }
  const B = window.__bench || { posts: [], replies: [] };
  const deltas = [], frames = [], values = [], parts = [];
  const tStart = performance.now();
  for (const amount of amounts) {
    const before = current();
    let resolveDone;
    const done = new Promise((r) => { resolveDone = r; });
    const mo = new MutationObserver(() => {
      const v = current();
      if (v && v !== before) { mo.disconnect(); resolveDone({ t: performance.now(), v }); }
    });
    mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    const timer = new Promise((r) => setTimeout(() => r(null), timeoutMs));
    input.value = String(amount);
    const nPosts = B.posts.length, nReplies = B.replies.length;
    const t0 = performance.now();
    input.dispatchEvent(new Event("input", { bubbles: true }));
    const got = await Promise.race([done, timer]);
    mo.disconnect();
    if (got && B.posts.length > nPosts && B.replies.length > nReplies) {
      const tp = B.posts[B.posts.length - 1], tr = B.replies[B.replies.length - 1];
      parts.push({ before_post: tp - t0, worker: tr - tp, render: got.t - tr });
    }
    if (!got) return { error: "no new result within " + timeoutMs + " ms after amount " + amount +
                              " (tier stayed " + before + ")", deltas };
    deltas.push(got.t - t0);
    values.push(got.v);
    await new Promise((r) => requestAnimationFrame(() => { frames.push(performance.now() - t0); r(); }));
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  const loaf = ((window.__bench && window.__bench.loaf) || []).filter((f) => f.start >= tStart);
  return { deltas, frames, values, loaf, parts };
}
"""

STATE_SCRIPT = r"""
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return {
    first: window.__bench && window.__bench.first,
    error: window.__bench && window.__bench.error,
    longtasks: (window.__bench && window.__bench.longtasks) || [],
    longtaskError: window.__bench && window.__bench.longtaskError,
    loaf: (window.__bench && window.__bench.loaf) || [],
    nav: nav ? { requestStart: nav.requestStart, responseEnd: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd,
                 load: nav.loadEventEnd, transferSize: nav.transferSize } : null,
    swControlled: !!(navigator.serviceWorker && navigator.serviceWorker.controller),
    // the worker's ready message: its timings and whether it booted from a snapshot (pyclient.mjs)
    timings: document.documentElement.dataset.pythonTimings || null,
    snapshot: document.documentElement.dataset.pythonSnapshot || null,
  };
}
"""

SW_READY_SCRIPT = r"""
async (timeoutMs) => {
  if (!("serviceWorker" in navigator)) return "unsupported";
  const regs = await navigator.serviceWorker.getRegistrations();
  if (!regs.length) return "none";
  const ready = navigator.serviceWorker.ready.then((r) => (r.active ? r.active.state : "no-active"));
  return await Promise.race([ready, new Promise((r) => setTimeout(() => r("timeout"), timeoutMs))]);
}
"""

# Wait until the page's memory snapshot has settled (pyclient.mjs: <html data-python-snapshot>):
# "stored" | "failed" | "unsupported" (made in the background after the first answer), or "used" /
# nothing (a snapshot boot, a page without Python). Returns the state, when it changed (page clock)
# and the snapshot worker's own figures.
SNAPSHOT_WAIT_SCRIPT = r"""
async (timeoutMs) => {
  const FINAL = ["stored", "failed", "unsupported", "used"];
  const t0 = performance.now();
  const ds = () => document.documentElement.dataset;
  // no attribute at all after the answer: a build without the snapshot (pyclient.mjs sets it on ready)
  while (ds().pythonSnapshot && !FINAL.includes(ds().pythonSnapshot) && performance.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const B = window.__bench || {};
  const hist = B.snapshot || [];
  const last = hist[hist.length - 1];
  return {
    state: ds().pythonSnapshot || null,
    timed_out: !!ds().pythonSnapshot && !FINAL.includes(ds().pythonSnapshot),
    t_state: last ? last.t : null,
    first_answer: B.first ? B.first.t_dom : null,
    history: hist,
    bytes: ds().pythonSnapshotBytes ? Number(ds().pythonSnapshotBytes) : null,
    worker_ms: ds().pythonSnapshotMs ? Number(ds().pythonSnapshotMs) : null,
  };
}
"""

# Our own page modules (docs/assets/*.mjs); Material's scripts live in assets/javascripts/*.js.
OWN_SCRIPTS = r"/assets/[^/?#]+\.mjs"

PYODIDE_MARKERS = ("pyodide", ".wasm", "python_stdlib", ".whl")


def is_pyodide_request(path: str) -> bool:
    p = path.split("?", 1)[0].lower()
    return any(m in p for m in PYODIDE_MARKERS)


@dataclass
class Visit:
    """One page visit: timings from inside the page and the bytes the server sent for it."""

    url: str
    t_dom: float | None = None  # ms from navigation start to the result in the DOM
    t_frame: float | None = None  # ... to the next animation frame (the one that paints it)
    value: str | None = None
    error: str | None = None
    longtasks: list[dict[str, Any]] = field(default_factory=list)
    loaf: list[dict[str, Any]] = field(default_factory=list)  # long animation frames
    nav: dict[str, Any] | None = None
    sw_controlled: bool = False
    worker_timings: dict[str, Any] | None = None  # the ready message's timings + "snapshot": used | none
    python_snapshot: str | None = None  # <html data-python-snapshot> when the visit was measured
    bytes_to_result: int = 0  # wire bytes (headers + bodies) until the result appeared
    bytes_total: int = 0  # ... until the network went quiet (includes service-worker precache)
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def snapshot_boot(self) -> str | None:
        """The ready message's `snapshot` field: "used" | "none" (None: no Python on the page)."""
        return (self.worker_timings or {}).get("snapshot")

    @property
    def longest_task(self) -> float:
        return max((t["duration"] for t in self.longtasks), default=0.0)

    @property
    def longtask_sum(self) -> float:
        return sum(t["duration"] for t in self.longtasks)

    def own_frames(self, pattern: str = OWN_SCRIPTS) -> list[dict[str, Any]]:
        """Long animation frames in which one of our own scripts ran."""
        rx = re.compile(pattern)
        return [f for f in self.loaf if any(rx.search(s.get("url") or "") for s in f["scripts"])]

    def own_longest_frame(self, pattern: str = OWN_SCRIPTS) -> float:
        """The longest frame (scripts + style + layout + paint) in which our code ran."""
        return max((f["duration"] for f in self.own_frames(pattern)), default=0.0)

    def own_longest_script(self, pattern: str = OWN_SCRIPTS) -> float:
        """The longest single run of our own script inside a long frame."""
        rx = re.compile(pattern)
        return max((s["duration"] for f in self.loaf for s in f["scripts"]
                    if rx.search(s.get("url") or "")), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url, "t_dom_ms": self.t_dom, "t_frame_ms": self.t_frame, "value": self.value,
            "error": self.error, "longest_task_ms": self.longest_task,
            "longtask_sum_ms": self.longtask_sum, "longtasks": self.longtasks, "nav": self.nav,
            "own_longest_frame_ms": self.own_longest_frame(),
            "own_longest_script_ms": self.own_longest_script(), "loaf": self.loaf,
            "sw_controlled": self.sw_controlled, "worker_timings": self.worker_timings,
            "python_snapshot": self.python_snapshot, "snapshot_boot": self.snapshot_boot,
            "bytes_to_result": self.bytes_to_result, "bytes_total": self.bytes_total,
            "requests": self.requests,
        }


def summarize_records(records: list[Record]) -> list[dict[str, Any]]:
    """Each response; ``at_ms``: when its request arrived, ms after the visit's first request
    (a waterfall: when did the worker ask for Pyodide, relative to the page?)."""
    t0 = min((r.t_arrive for r in records), default=0.0)
    return [{"path": r.path, "status": r.status, "encoding": r.encoding, "wire": r.wire_bytes,
             "raw": r.raw_bytes, "at_ms": round((r.t_arrive - t0) * 1000.0, 1)} for r in records]


def wait_quiet(server: StaticServer, quiet_s: float = 1.0, max_s: float = 20.0) -> None:
    """Wait until the server has answered nothing for ``quiet_s`` seconds."""
    deadline = time.monotonic() + max_s
    while time.monotonic() < deadline:
        last = server.records[-1].t if server.records else 0.0
        if time.monotonic() - last >= quiet_s:
            return
        time.sleep(0.1)


class Browser:
    """A launched chromium; contexts are fresh (incognito-like: empty HTTP cache, no SW)."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    def close(self) -> None:
        try:
            self.browser.close()
        finally:
            self._pw.stop()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def new_context(self) -> Any:
        ctx = self.browser.new_context()
        ctx.add_init_script(INIT_SCRIPT)
        return ctx

    def visit(self, ctx: Any, server: StaticServer, url: str, *, wait_result: bool = True,
              timeout_ms: int = 30_000, quiet_s: float = 1.0) -> tuple[Any, Visit]:
        """Open ``url`` in a new page of ``ctx``; wait for the result (or the load, for content
        pages), then for the network to go quiet. Returns the page (still open) and the Visit."""
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        mark = server.mark()
        v = Visit(url=url)
        page.goto(url, wait_until="commit", timeout=timeout_ms)
        if wait_result:
            try:
                page.wait_for_function("() => window.__bench && (window.__bench.first || "
                                       "window.__bench.error)", timeout=timeout_ms, polling=50)
            except Exception as exc:  # playwright TimeoutError
                v.error = f"no result within {timeout_ms} ms: {exc.__class__.__name__}"
            # let the requestAnimationFrame callback run so t_frame is set
            page.wait_for_function("() => !window.__bench.first || window.__bench.first.t_frame "
                                   "!== null", timeout=5_000, polling=20)
        else:
            page.wait_for_load_state("load", timeout=timeout_ms)
        wait_quiet(server, quiet_s)
        recs = server.since(mark)
        v.bytes_total = sum(r.wire_bytes for r in recs)
        v.requests = summarize_records(recs)
        st = page.evaluate(STATE_SCRIPT)
        if st["first"]:
            v.t_dom, v.t_frame, v.value = st["first"]["t_dom"], st["first"]["t_frame"], st["first"]["value"]
        if st["error"] and not v.error:
            v.error = f"page reported an error: {st['error']['message']}"
        if errors and not v.error and wait_result and not st["first"]:
            v.error = "page errors: " + "; ".join(errors[:3])
        # "to the result": the requests that arrived before the result was in the DOM. The page's
        # clock is mapped onto the server's: the document request arrived at navigation start +
        # requestStart.
        if recs:
            doc_arrival = recs[0].t_arrive
            req_start = ((st.get("nav") or {}).get("requestStart") or 0.0) / 1000.0
            cutoff = (doc_arrival - req_start + v.t_dom / 1000.0) if v.t_dom is not None else float("inf")
            for rec, r in zip(recs, v.requests):
                r["before_result"] = rec.t_arrive <= cutoff
            v.bytes_to_result = sum(rec.wire_bytes for rec in recs if rec.t_arrive <= cutoff)
        v.longtasks = st["longtasks"]
        v.loaf = st.get("loaf") or []
        v.nav = st["nav"]
        v.sw_controlled = st["swControlled"]
        v.python_snapshot = st.get("snapshot")
        if st.get("timings"):
            try:
                v.worker_timings = json.loads(st["timings"])
            except ValueError:
                pass
        return page, v

    @staticmethod
    def service_worker_state(page: Any, timeout_ms: int = 5_000) -> str:
        return page.evaluate(SW_READY_SCRIPT, timeout_ms)

    @staticmethod
    def wait_snapshot(page: Any, timeout_ms: int = 60_000) -> dict[str, Any]:
        """Wait (up to ``timeout_ms``) until the background memory snapshot is stored / failed /
        unsupported; adds ``after_first_answer_ms`` (from the first answer in the DOM to that state)."""
        r = page.evaluate(SNAPSHOT_WAIT_SCRIPT, timeout_ms)
        r["after_first_answer_ms"] = (r["t_state"] - r["first_answer"]
                                      if r.get("t_state") is not None and r.get("first_answer") is not None
                                      and not r["timed_out"] else None)
        return r

    @staticmethod
    def warm(page: Any, *, input_selector: str, result_attr: str, amounts: list[int],
             prime: int, timeout_ms: int = 10_000, pause_ms: int = 20) -> dict[str, Any]:
        return page.evaluate(WARM_SCRIPT, {"inputSelector": input_selector, "resultAttr": result_attr,
                                           "amounts": amounts, "timeoutMs": timeout_ms,
                                           "pauseMs": pause_ms, "prime": prime})


def stats(values: list[float]) -> dict[str, float | int | None]:
    vals = [v for v in values if v is not None]
    if not vals:
        return {"n": 0, "min": None, "median": None, "max": None}
    return {"n": len(vals), "min": min(vals), "median": statistics.median(vals), "max": max(vals)}
