"""The calculator's warm start from a content page (docs/assets/prefetch.mjs, issue 12 §2), in
headless Chromium with ``navigator.connection`` set by an init script (Chromium on Linux reports no
connection type, so by default the page never prefetches):
- on fast Wi-Fi the content page fetches exactly the files a cold calculator start fetches, and the
  calculator opened next answers without a single Pyodide or wheel request to the server (the
  service worker's cache serves them), and no Python starts on the content page;
- with Save-Data, on cellular, on a slow connection or where the browser says nothing about the
  connection, the content page fetches no Pyodide file.
"""

from __future__ import annotations

import json

import pytest

from browser_support import PHONE, chromium_available

pytestmark = [pytest.mark.browser, pytest.mark.slow]

pytest.importorskip("playwright.sync_api")

if not chromium_available():  # pragma: no cover - scripts/test.sh installs it
    pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)", allow_module_level=True)

TIMEOUT = 90_000
QUERY = "?amount=7000&province=江苏&act=2026-03-01&decision=2026-06-01"
FAST_WIFI = {"type": "wifi", "effectiveType": "4g", "downlink": 10, "saveData": False}


def fake_connection(conn: dict | None) -> str:
    return ("Object.defineProperty(Navigator.prototype, 'connection', {configurable: true, get() { return %s; }});"
            % ("undefined" if conn is None else json.dumps(conn)))


def runtime_paths(records) -> set[str]:
    return {r.path.split("?")[0] for r in records
            if "/pyodide/" in r.path or r.path.split("?")[0].endswith(".whl")}


def cold_start_files(make_context, server) -> set[str]:
    ctx, _ = make_context(**PHONE)
    mark = server.mark()
    page = ctx.new_page()
    page.goto(server.origin + "/calculator/" + QUERY)
    page.wait_for_selector("#calc-result[data-criminal-tier]", state="attached", timeout=TIMEOUT)
    files = runtime_paths(server.since(mark))
    ctx.close()
    return files


def test_fast_wifi_prefetches_what_the_calculator_needs_and_the_calculator_then_downloads_none(make_context, server):
    cold = cold_start_files(make_context, server)
    assert any(p.endswith(".wasm") for p in cold) and any(p.endswith(".whl") for p in cold), cold
    ctx, watch = make_context(**PHONE)
    ctx.add_init_script(fake_connection(FAST_WIFI))
    page = ctx.new_page()
    mark = server.mark()
    page.goto(server.origin + "/criminal/")
    page.wait_for_selector("html[data-runtime-prefetch=done]", state="attached", timeout=TIMEOUT)
    prefetched = runtime_paths(server.since(mark))
    assert prefetched == cold, (sorted(prefetched ^ cold))
    # files only: no Python on the content page
    assert not [w.url for w in page.workers if "pyworker" in w.url]
    # the calculator opened next starts from the cache: no Pyodide or wheel byte from the server
    mark = server.mark()
    page.goto(server.origin + "/calculator/" + QUERY)
    page.wait_for_selector("#calc-result[data-criminal-tier=large]", state="attached", timeout=TIMEOUT)
    assert not runtime_paths(server.since(mark)), sorted(runtime_paths(server.since(mark)))
    # and a second content page does not fetch them again
    mark = server.mark()
    page.goto(server.origin + "/civil/")
    page.wait_for_selector("html[data-runtime-prefetch=done]", state="attached", timeout=TIMEOUT)
    assert not [p for p in runtime_paths(server.since(mark)) if not p.endswith("manifest.json")]
    watch.check()


@pytest.mark.parametrize("conn, why", [
    ({**FAST_WIFI, "saveData": True}, "save-data"),
    ({**FAST_WIFI, "type": "cellular"}, "type-cellular"),
    ({**FAST_WIFI, "effectiveType": "3g", "downlink": 1.6}, "slow-3g"),
    (None, "no-connection-info"),
])
def test_no_prefetch_on_metered_slow_or_unknown_connections(make_context, server, conn, why):
    ctx, watch = make_context(**PHONE)
    ctx.add_init_script(fake_connection(conn))
    page = ctx.new_page()
    mark = server.mark()
    page.goto(server.origin + "/criminal/")
    page.wait_for_selector(f"html[data-runtime-prefetch='skipped:{why}']", state="attached", timeout=TIMEOUT)
    page.wait_for_timeout(4000)  # longer than prefetch.mjs's AFTER_LOAD_MS
    assert not runtime_paths(server.since(mark))
    watch.check()


def test_chromium_on_linux_says_nothing_so_the_site_as_tested_never_prefetches(make_context, server):
    """The other browser tests and the benchmark's content pages run without the init script: the
    page must decide "unknown", or "content pages load no Pyodide file" would depend on timing."""
    ctx, _ = make_context()
    page = ctx.new_page()
    page.goto(server.origin + "/")
    page.wait_for_selector("html[data-runtime-prefetch^='skipped:']", state="attached", timeout=TIMEOUT)
    assert page.get_attribute("html", "data-runtime-prefetch") in ("skipped:type-unknown", "skipped:no-connection-info")
