"""The Pyodide memory snapshot of repeat visits (docs/assets/pyworker.mjs, pyclient.mjs, sw.js) in
real headless Chromium (Debian's /usr/bin/chromium via Playwright).

First visit: the answer appears, then (the page idle) a second, short-lived worker named
"python-snapshot" stores a snapshot in Cache Storage and <html data-python-snapshot> becomes
"stored". A later visit in the same browser context boots from it ("used") and answers the same.
A broken entry is deleted and replaced, the page boots normally. Every test also checks that no
request left the local server and that no error reached the console.

Set CALC_SITE_DIR to a built site to skip the build while iterating (tests/browser_support.py).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from urllib.parse import urlsplit

import pytest

from browser_support import ROOT, BuildFailed, SiteServer, Watch, built_site, chromium_available

pytestmark = [pytest.mark.browser, pytest.mark.slow]

pytest.importorskip("playwright.sync_api")

if not chromium_available():  # pragma: no cover - scripts/test.sh installs it
    pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)", allow_module_level=True)

TIMEOUT = 60_000
CACHE = "pyodide-memory-snapshot"
FACTS = {"amount": "7000", "province": "江苏", "act_date": "2026-03-01", "decision_date": "2026-06-01"}
QUERY = "?amount=7000&province=江苏&act=2026-03-01&decision=2026-06-01"
FINAL = ("stored", "failed", "unsupported")

# Every Worker the page creates, in order: its name, when (performance.now()), and whether the
# calculator's answer was already in the DOM at that moment.
WORKER_LOG = r"""
(() => {
  const log = (window.__workers = []);
  const Native = window.Worker;
  if (!Native) return;
  window.Worker = function (url, opts) {
    const box = document.getElementById("calc-result");
    if (String(url).includes("pyworker.mjs")) log.push({ name: (opts && opts.name) || "", t: performance.now(), url: String(url),
               answered: !!(box && box.getAttribute("data-criminal-tier")),
               tier: box ? box.getAttribute("data-criminal-tier") : null });
    return new Native(url, opts);
  };
  window.Worker.prototype = Native.prototype;
  // when the answer reached the DOM
  new MutationObserver((muts, mo) => {
    for (const m of muts) {
      if (m.target.id === "calc-result" && m.target.getAttribute("data-criminal-tier")) {
        window.__answeredAt = performance.now();
        mo.disconnect();
        return;
      }
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-criminal-tier"] });
})();
"""

CACHE_ENTRIES = """async (name) => {
  if (!(await caches.has(name))) return [];
  const cache = await caches.open(name);
  const out = [];
  for (const r of await cache.keys()) out.push({ url: r.url, size: (await (await cache.match(r)).arrayBuffer()).byteLength });
  return out;
}"""


def expected(facts: dict) -> dict:
    from calculators import engine

    return engine.browser_entry({"facts": facts, "today": dt.date.today().isoformat()}, [])


@pytest.fixture(scope="module")
def site():
    try:
        return built_site()
    except BuildFailed as exc:
        pytest.fail(str(exc))


@pytest.fixture
def make_context(make_context):
    """The shared factory (conftest.py), with the worker log installed in every context."""

    def make(**kwargs):
        ctx, watch = make_context(**kwargs)
        ctx.add_init_script(WORKER_LOG)
        return ctx, watch

    return make


def snapshot_state(page) -> str | None:
    return page.evaluate("() => document.documentElement.dataset.pythonSnapshot || null")


def ready_info(page) -> dict:
    raw = page.evaluate("() => document.documentElement.dataset.pythonTimings || null")
    assert raw, "the page never got the worker's ready message"
    return json.loads(raw)


def wait_final_state(page, timeout_s: float = 90) -> str:
    page.wait_for_function(f"() => {json.dumps(list(FINAL))}.includes(document.documentElement.dataset.pythonSnapshot)",
                           timeout=timeout_s * 1000, polling=100)
    return snapshot_state(page)


def open_calc(ctx, server, tier: str):
    page = ctx.new_page()
    page.goto(server.origin + "/calculator/" + QUERY)
    page.wait_for_selector(f'#calc-result[data-criminal-tier="{tier}"]', state="attached", timeout=TIMEOUT)
    return page


def result_text(page) -> str:
    # textContent, not innerText: result sections out of view are not rendered (content-visibility in
    # site.css), and innerText leaves them out; the comparison must cover every section
    return page.text_content("#calc-output")


def site_facts(site) -> tuple[str, str]:
    """(Pyodide version, core wheel sha256) of the built site."""
    manifest = json.loads((site / "assets" / "py" / "manifest.json").read_text("utf-8"))
    pkg = json.loads((ROOT / "node_modules" / "pyodide" / "package.json").read_text("utf-8"))
    return pkg["version"], manifest["sha256"]


def paths(urls: list[str]) -> list[str]:
    return [urlsplit(u).path for u in urls]


# ---------------------------------------------------------------------------------------------

def test_first_visit_stores_a_snapshot_after_the_answer_and_the_repeat_visit_uses_it(make_context, server, site):
    # no service worker here: every request of the workers reaches the server, and is counted
    ctx, watch = make_context(service_workers="block")
    want = expected(FACTS)["criminal"]["tier"]
    # an entry left by an older deploy (another Pyodide / wheel / format): not used, deleted later
    other = ctx.new_page()
    other.goto(server.origin + "/about/")
    stale = server.origin + "/pyodide/__snapshot__/0/0.0.0/" + "0" * 64
    other.evaluate("async (key) => (await caches.open('pyodide-memory-snapshot')).put(key, new Response('old'))", stale)
    other.close()
    page = open_calc(ctx, server, want)
    assert ready_info(page)["snapshot"] == "none"
    assert snapshot_state(page) == "pending"
    first_text = result_text(page)
    n_at_answer = len(server.requests)
    before_answer = set(paths(server.origin + r for r in server.requests))

    assert wait_final_state(page) == "stored"
    # the snapshot worker came second, after the answer was on screen, and well after (idle wait)
    workers = page.evaluate("() => window.__workers")
    answered_at = page.evaluate("() => window.__answeredAt")
    assert [w["name"] for w in workers] == ["python", "python-snapshot"], workers
    assert workers[0]["answered"] is False
    snap = workers[1]
    assert snap["answered"] is True and snap["tier"] == want
    assert snap["t"] - answered_at >= 2000, (snap["t"], answered_at)
    assert urlsplit(snap["url"]).path == "/assets/pyworker.mjs"

    # it downloaded nothing the first answer had not (the HTTP cache revalidates the same files);
    # the tools wheel is the page worker's prefetch, requested once, not by the snapshot worker too
    later = paths(server.origin + r for r in server.requests[n_at_answer:])
    tools = [p for p in later if "calculators_tools" in p]
    assert len(tools) <= 1, tools
    assert set(later) - set(tools) <= before_answer, sorted(set(later) - before_answer)

    # exactly one entry: this Pyodide, this wheel (the older deploy's entry is gone)
    version, sha = site_facts(site)
    entries = page.evaluate(CACHE_ENTRIES, CACHE)
    assert len(entries) == 1, entries
    key = entries[0]["url"]
    assert key.startswith(server.origin + "/pyodide/__snapshot__/")
    assert f"/{version}/" in key and key.endswith("/" + sha), key
    size = entries[0]["size"]
    assert size > 1_000_000
    assert page.evaluate("() => document.documentElement.dataset.pythonSnapshotBytes") == str(size)
    page.close()

    # repeat visit: booted from the snapshot, the same answer, no second snapshot worker
    page = open_calc(ctx, server, want)
    info = ready_info(page)
    assert info["snapshot"] == "used" and info["snapshot_bytes"] == size
    assert snapshot_state(page) == "used"
    assert result_text(page) == first_text
    # still answers new questions (the restored engine is live)
    page.fill("#f-amount", "800")
    want800 = expected(FACTS | {"amount": "800"})["criminal"]["tier"]
    page.wait_for_selector(f'#calc-result[data-criminal-tier="{want800}"]', state="attached", timeout=TIMEOUT)
    page.wait_for_timeout(3500)  # longer than the idle wait: no snapshot worker on a snapshot boot
    assert [w["name"] for w in page.evaluate("() => window.__workers")] == ["python"]
    assert page.evaluate(CACHE_ENTRIES, CACHE) == entries
    assert not [w for w in watch.warnings if "snapshot" in w], watch.warnings


def test_the_snapshot_waits_until_the_reader_stops_asking(make_context, server):
    """Every answer restarts the idle wait: no snapshot worker competes with a reader who types."""
    ctx, _ = make_context()
    page = open_calc(ctx, server, expected(FACTS)["criminal"]["tier"])
    last = 0.0
    for k in range(6):  # one change every ~0.8 s for ~5 s: longer than the idle wait in total
        amount = "800" if k % 2 == 0 else "7000"
        page.fill("#f-amount", amount)
        tier = expected(FACTS | {"amount": amount})["criminal"]["tier"]
        page.wait_for_selector(f'#calc-result[data-criminal-tier="{tier}"]', state="attached", timeout=TIMEOUT)
        last = page.evaluate("performance.now()")
        page.wait_for_timeout(800)
    assert [w["name"] for w in page.evaluate("() => window.__workers")] == ["python"]
    assert snapshot_state(page) == "pending"
    assert wait_final_state(page) == "stored"
    workers = page.evaluate("() => window.__workers")
    assert [w["name"] for w in workers] == ["python", "python-snapshot"]
    assert workers[1]["t"] - last >= 2000, (workers[1]["t"], last)


def test_a_corrupted_snapshot_is_deleted_the_page_boots_normally_and_a_new_one_is_stored(make_context, server):
    ctx, watch = make_context()
    want = expected(FACTS)["criminal"]["tier"]
    page = open_calc(ctx, server, want)
    first_text = result_text(page)
    assert wait_final_state(page) == "stored"
    entries = page.evaluate(CACHE_ENTRIES, CACHE)
    assert len(entries) == 1
    key = entries[0]["url"]
    page.evaluate("""async (key) => {
        const cache = await caches.open("pyodide-memory-snapshot");
        const junk = new Uint8Array(4096);
        for (let i = 0; i < junk.length; i++) junk[i] = (i * 131 + 7) & 255;
        await cache.put(key, new Response(junk));
      }""", key)
    assert page.evaluate(CACHE_ENTRIES, CACHE) == [{"url": key, "size": 4096}]
    page.close()

    page = open_calc(ctx, server, want)
    info = ready_info(page)
    assert info["snapshot"] == "none", info
    assert result_text(page) == first_text
    # one warning, and the junk is gone at once (before a new snapshot could be made)
    assert len([w for w in watch.warnings if "memory snapshot not usable" in w]) == 1, watch.warnings
    assert snapshot_state(page) == "pending"
    assert page.evaluate(CACHE_ENTRIES, CACHE) == []
    # then a good one replaces it
    assert wait_final_state(page) == "stored"
    after = page.evaluate(CACHE_ENTRIES, CACHE)
    assert len(after) == 1 and after[0]["url"] == key and after[0]["size"] > 1_000_000
    page.close()
    page = open_calc(ctx, server, want)
    assert ready_info(page)["snapshot"] == "used"


def test_a_tool_page_works_after_a_snapshot_boot(make_context, server):
    ctx, _ = make_context()
    page = open_calc(ctx, server, expected(FACTS)["criminal"]["tier"])
    assert wait_final_state(page) == "stored"
    page.goto(server.origin + "/tools/fees/?amount=12000")
    # the tools wheel unpacks next to the package restored from the snapshot
    page.wait_for_selector('#fees-total[data-fee="100.00"]', state="attached", timeout=TIMEOUT)
    assert ready_info(page)["snapshot"] == "used"
    assert snapshot_state(page) == "used"
    page.fill("#f-amount", "150000")
    page.wait_for_selector('#fees-total[data-fee="3300.00"]', state="attached", timeout=TIMEOUT)


def test_without_cache_storage_no_snapshot_is_attempted(make_context, server):
    ctx, _ = make_context()
    # a browser (or private mode) without Cache Storage: the page and its workers see no `caches`
    ctx.add_init_script("delete window.caches; delete Window.prototype.caches;")
    page = open_calc(ctx, server, expected(FACTS)["criminal"]["tier"])
    assert page.evaluate("() => typeof caches") == "undefined"
    assert snapshot_state(page) == "unsupported"
    page.wait_for_timeout(3500)
    assert [w["name"] for w in page.evaluate("() => window.__workers")] == ["python"]


def test_the_service_worker_keeps_the_snapshot_across_a_deploy_and_never_serves_its_key(browser, tmp_path):
    """A new deploy (new sw.js manifest) deletes the old deploy's caches but keeps the snapshot (the
    wheel did not change, so the next visit still uses it); the service worker never caches the key
    URL."""
    import sys

    sys.path.insert(0, str(ROOT / "site_hooks"))
    import offline

    site = tmp_path / "site"
    shutil.copytree(built_site(), site)
    config = {"site_dir": str(site), "docs_dir": str(ROOT / "docs")}
    with SiteServer(site) as srv:
        ctx = browser.new_context(locale="zh-CN")
        watch = Watch(ctx, srv.origin)
        want = expected(FACTS)["criminal"]["tier"]
        page = open_calc(ctx, srv, want)
        assert wait_final_state(page) == "stored"
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        key = page.evaluate(CACHE_ENTRIES, CACHE)[0]["url"]

        index = site / "index.html"
        index.write_text(index.read_text("utf-8").replace("</article>", "<p id=new-deploy>新版本</p></article>", 1), "utf-8")
        offline.on_post_build(config)
        version = offline.build_manifest(site)["version"]
        deadline = time.monotonic() + 60
        while True:
            keys = page.evaluate("async () => { const r = await navigator.serviceWorker.getRegistration();"
                                 " try { await r.update(); } catch (e) {} return await caches.keys(); }")
            if f"site-{version}" in keys and not [k for k in keys if k.startswith("site-") and k != f"site-{version}"]:
                break
            assert time.monotonic() < deadline, keys
            page.wait_for_timeout(250)
        assert CACHE in keys
        assert [e["url"] for e in page.evaluate(CACHE_ENTRIES, CACHE)] == [key]
        page.close()

        page = open_calc(ctx, srv, want)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=TIMEOUT)
        assert ready_info(page)["snapshot"] == "used"
        # under the service worker, a fetch of the key is left alone: even if the host had a file
        # there, no cache of the service worker keeps it, and the snapshot entry is untouched
        rel = urlsplit(key).path.lstrip("/")
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(b"not a snapshot")
        n = len(srv.requests)
        assert page.evaluate("async (key) => (await fetch(key)).status", key) == 200
        assert urlsplit(key).path in [urlsplit(r).path for r in srv.requests[n:]]
        holders = page.evaluate("""async (key) => {
            const out = [];
            for (const name of await caches.keys()) if (await (await caches.open(name)).match(key)) out.push(name);
            return out;
          }""", key)
        assert holders == [CACHE], holders
        entries = page.evaluate(CACHE_ENTRIES, CACHE)
        assert [e["url"] for e in entries] == [key] and entries[0]["size"] > 1_000_000
        ctx.close()
        watch.check()
