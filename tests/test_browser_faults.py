"""The calculator under faults and on the trimmed stdlib (issues 12 and 15), in headless Chromium.

- A failed download of the start (the wasm aborted or answered 503, once) shows a Chinese message and
  a retry button; retrying answers without a reload.
- A wheel whose sha256 differs from the manifest says so (not "browser unsupported") and offers retry.
- A memory snapshot whose bytes no longer match the digest stored with it is discarded, not used.
- The worker starts on python_stdlib.min.zip and never fetches the full stdlib; when the trimmed zip
  lacks a module (removed in a copy of the built site), the page still answers, from the full stdlib,
  and says so in the console.
- The loading state is next to the amount field from the first keystroke and in the sticky bar, in MB.

Set CALC_SITE_DIR to a built site to skip the build while iterating (tests/browser_support.py).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile

import pytest

from browser_support import PHONE, BuildFailed, SiteServer, Watch, built_site, chromium_available

pytestmark = [pytest.mark.browser, pytest.mark.slow]

pytest.importorskip("playwright.sync_api")

if not chromium_available():  # pragma: no cover - scripts/test.sh installs it
    pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)", allow_module_level=True)

TIMEOUT = 90_000
QUERY = "?amount=7000&province=江苏&act=2026-03-01&decision=2026-06-01"
EXPECTED_LOAD_ERRORS = ("Failed to load resource", "net::ERR", "503")


def forget_expected_errors(watch: Watch) -> None:
    """The browser logs a failed resource as a console error: expected in these tests, nothing else."""
    watch.errors[:] = [e for e in watch.errors if not any(s in e for s in EXPECTED_LOAD_ERRORS)]


@pytest.fixture(scope="module")
def site():
    try:
        return built_site()
    except BuildFailed as exc:
        pytest.fail(str(exc))


def wait_answer(page, timeout=TIMEOUT):
    page.wait_for_selector("#calc-result[data-criminal-tier]", state="attached", timeout=timeout)


def failure_shown(page):
    page.wait_for_selector(".py-loading .py-retry", state="visible", timeout=TIMEOUT)
    return page.text_content(".py-loading")


@pytest.mark.parametrize("how", ["abort", "503"])
def test_a_failed_wasm_download_offers_retry_and_retry_answers_without_reload(make_context, server, how):
    ctx, watch = make_context()
    hits = []

    def handle(route):
        hits.append(route.request.url)
        if len(hits) == 1:
            if how == "abort":
                route.abort("failed")
            else:
                route.fulfill(status=503, body="unavailable")
        else:
            route.continue_()

    ctx.route(re.compile(r".*/pyodide/pyodide\.asm\.wasm$"), handle)
    page = ctx.new_page()
    page.goto(server.origin + "/calculator/" + QUERY)
    text = failure_shown(page)
    assert "下载失败" in text and "重试" in text, text
    assert "不支持" not in text
    assert page.get_attribute("#calc-result", "data-criminal-tier") is None
    # the sticky bar blames the start, not the reader's input
    page.wait_for_function("() => /未能启动/.test(document.querySelector('#calc-mini-text')?.textContent || '')",
                           timeout=TIMEOUT)
    assert "请检查输入" not in page.text_content("#calc-mini-text")
    navigations = page.evaluate("() => performance.getEntriesByType('navigation').length")
    page.click(".py-loading .py-retry")
    wait_answer(page)
    assert len(hits) == 2
    assert page.evaluate("() => performance.getEntriesByType('navigation').length") == navigations
    assert page.is_hidden(".py-loading")
    forget_expected_errors(watch)


def test_a_wheel_with_another_hash_says_so_and_offers_retry(make_context, server):
    ctx, watch = make_context()
    broken = {"on": True}

    def manifest(route):
        response = route.fetch()
        data = json.loads(response.text())
        if broken["on"]:
            data["sha256"] = "0" * 64
        route.fulfill(response=response, body=json.dumps(data), headers={**response.headers, "content-encoding": "identity"})

    ctx.route(re.compile(r".*/assets/py/manifest\.json.*"), manifest)
    page = ctx.new_page()
    page.goto(server.origin + "/calculator/" + QUERY)
    text = failure_shown(page)
    assert "校验值不符" in text, text
    assert "不支持" not in text
    broken["on"] = False
    page.click(".py-loading .py-retry")
    wait_answer(page)
    assert any("sha256 differs" in w for w in watch.warnings), watch.warnings
    forget_expected_errors(watch)


def test_a_snapshot_with_flipped_bits_is_discarded(make_context, server):
    ctx, watch = make_context()
    page = ctx.new_page()
    page.goto(server.origin + "/calculator/" + QUERY)
    wait_answer(page)
    page.wait_for_function("() => ['stored', 'failed', 'unsupported'].includes(document.documentElement.dataset.pythonSnapshot)",
                           timeout=120_000, polling=200)
    assert page.evaluate("() => document.documentElement.dataset.pythonSnapshot") == "stored"
    flipped = page.evaluate("""async () => {
        const cache = await caches.open("pyodide-memory-snapshot");
        const [key] = await cache.keys();
        const hit = await cache.match(key);
        const digest = hit.headers.get("x-snapshot-sha256");
        const bytes = new Uint8Array(await hit.arrayBuffer());
        for (let i = 1000; i < bytes.length; i += 997 * 1024) bytes[i] ^= 0x5a;  // flip bits, keep the size
        await cache.put(key, new Response(bytes, { headers: hit.headers }));
        return { key: key.url, digest, size: bytes.length };
      }""")
    assert re.fullmatch(r"[0-9a-f]{64}", flipped["digest"] or ""), flipped
    assert "/__snapshot__/2/" in flipped["key"]
    page.close()
    page = ctx.new_page()
    page.goto(server.origin + "/calculator/" + QUERY)
    wait_answer(page)
    timings = json.loads(page.evaluate("() => document.documentElement.dataset.pythonTimings"))
    assert timings["snapshot"] == "none", timings
    assert any("snapshot digest mismatch" in w for w in watch.warnings), watch.warnings
    left = page.evaluate("""async () => {
        const cache = await caches.open("pyodide-memory-snapshot");
        const out = [];
        for (const r of await cache.keys()) out.push((await cache.match(r)).headers.get("x-snapshot-sha256"));
        return out;
      }""")
    assert left == [], left  # deleted at once (a new snapshot comes only after the page is idle)


def test_the_worker_uses_the_trimmed_stdlib_and_the_small_lock_file(make_context, server, site):
    ctx, watch = make_context()
    page = ctx.new_page()
    page.goto(server.origin + "/calculator/" + QUERY)
    wait_answer(page)
    timings = json.loads(page.evaluate("() => document.documentElement.dataset.pythonTimings"))
    assert timings["stdlib"] == "trimmed", timings
    paths = [u.split("?")[0] for u in watch.requests]
    assert any(p.endswith("/pyodide/python_stdlib.min.zip") for p in paths)
    assert not any(p.endswith("/pyodide/python_stdlib.zip") for p in paths)
    # what travels (the stored zip's brotli sibling) is well under Pyodide's own deflated zip
    assert (site / "pyodide" / "python_stdlib.min.zip.br").stat().st_size < 0.3 * (site / "pyodide" / "python_stdlib.zip").stat().st_size
    lock = json.loads((site / "pyodide" / "pyodide-lock.json").read_text("utf-8"))
    assert lock["packages"] == {} and lock["info"]["python"].startswith("3.14")


@pytest.fixture(scope="module")
def site_missing_module(site, tmp_path_factory):
    """A copy of the built site whose trimmed stdlib lacks decimal.py (the engine imports it)."""
    copy = tmp_path_factory.mktemp("site-missing") / "site"
    shutil.copytree(site, copy, symlinks=True)
    path = copy / "pyodide" / "python_stdlib.min.zip"
    for sibling in path.parent.glob(path.name + ".*"):  # precompressed copies, if any
        sibling.unlink()
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    assert "decimal.py" in src.namelist()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "decimal.py":
                dst.writestr(info, src.read(info.filename))
    path.write_bytes(out.getvalue())
    return copy


def test_a_module_missing_from_the_trimmed_stdlib_falls_back_to_the_full_one(browser, site_missing_module):
    with SiteServer(site_missing_module) as srv:
        ctx = browser.new_context(locale="zh-CN")
        watch = Watch(ctx, srv.origin)
        try:
            page = ctx.new_page()
            page.goto(srv.origin + "/calculator/" + QUERY)
            wait_answer(page)
            assert page.get_attribute("#calc-result", "data-criminal-tier") == "large"
            timings = json.loads(page.evaluate("() => document.documentElement.dataset.pythonTimings"))
            assert timings["stdlib"] == "full", timings
            assert any("trimmed stdlib" in w and "full stdlib" in w for w in watch.warnings), watch.warnings
            assert any(u.split("?")[0].endswith("/pyodide/python_stdlib.zip") for u in watch.requests)
            watch.check()
        finally:
            ctx.close()


def test_loading_state_next_to_the_amount_field_and_in_the_sticky_bar_on_a_slow_phone(make_context, server):
    ctx, watch = make_context(**PHONE)
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    # slower than slow 4G, so the loading state lasts long enough to read it
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 150,
                                                   "downloadThroughput": 400e3 / 8, "uploadThroughput": 750e3 / 8})
    page.goto(server.origin + "/calculator/")
    page.wait_for_selector("#f-amount")
    assert page.is_hidden(".py-loading")  # not before the reader does something
    page.type("#f-amount", "3")
    page.wait_for_function("() => /MB/.test(document.querySelector('.py-loading')?.textContent || '')", timeout=30_000)
    note = page.text_content(".py-loading")
    assert re.search(r"正在加载计算器：已下载 \d+(\.\d)? / \d+(\.\d)? MB", note), note
    box = page.evaluate("""() => {
        const a = document.querySelector('#f-amount').getBoundingClientRect();
        const n = document.querySelector('.py-loading').getBoundingClientRect();
        return { gap: n.top - a.bottom, inView: n.bottom <= innerHeight };
      }""")
    assert 0 <= box["gap"] < 80 and box["inView"], box
    assert page.is_hidden(".py-loading .py-retry")  # no retry button while all is well
    page.wait_for_function("() => /MB/.test(document.querySelector('#calc-mini-text')?.textContent || '')", timeout=30_000)
    assert page.is_visible("#calc-mini")
    # after a while the time left appears (the connection is slow)
    page.wait_for_function("() => /约还需 \\d+ 秒/.test(document.querySelector('.py-loading').textContent)", timeout=60_000)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    wait_answer(page, timeout=180_000)
    assert page.is_hidden(".py-loading")
