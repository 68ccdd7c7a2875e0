"""Back from a statute page to the calculator shows the answer again without restarting Python
(issue 12 §5): the page is kept in Chromium's back/forward cache, so it must hold no unload handler
or anything else that keeps it out. Playwright turns the cache off by default; this module's browser
turns it back on."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api")

from browser_support import CHROMIUM, CHROMIUM_ARGS, Watch, chromium_available

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed")]
TIMEOUT = 90_000


@pytest.fixture(scope="module")
def bf_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                              ignore_default_args=["--disable-back-forward-cache"])
        yield b
        b.close()


def test_no_page_script_listens_for_unload():
    import re

    from conftest import ROOT

    for path in (ROOT / "docs" / "assets").glob("*.*js"):
        assert not re.search(r"""["'](before)?unload["']|onunload|onbeforeunload""", path.read_text("utf-8")), path.name


def test_back_from_a_statute_page_keeps_the_answer_and_the_worker(bf_browser, server):
    ctx = bf_browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    watch = Watch(ctx, server.origin)
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(server.origin + "/calculator/?amount=7000&province=江苏&act=2026-03-01&decision=2026-06-01")
    page.wait_for_selector('#calc-result[data-criminal-tier="large"]', state="attached")
    # the first visit's service worker claims the page once it activates (sw.js: clients.claim()),
    # which Chromium counts against the cache for that one navigation: wait for it, as a returning
    # reader's page already is
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=TIMEOUT)
    page.evaluate("""() => {
        window.__kept = 'same document';
        window.__shows = [];
        addEventListener('pageshow', (e) => window.__shows.push(e.persisted));
    }""")
    cdp = ctx.new_cdp_session(page)
    cdp.send("Page.enable")
    reasons: list = []
    cdp.on("Page.backForwardCacheNotUsed", lambda e: reasons.append(e))
    # a statute link of the answer (open the folded cited articles first)
    page.click(".calc-citations-box .calc-fold-button")
    page.click('.calc-citations a.calc-cite[href*="laws/xingfa/#art-266"]')
    page.wait_for_url("**/laws/xingfa/**")
    page.go_back(wait_until="commit")  # a page restored from the cache fires no "load"
    page.wait_for_function("() => window.__shows && window.__shows.length > 0", timeout=TIMEOUT)
    assert not reasons, f"kept out of the back/forward cache: {reasons}"
    assert page.evaluate("window.__shows") == [True]
    assert page.evaluate("window.__kept") == "same document"  # the same page: Python was not restarted
    assert page.get_attribute("#calc-result", "data-criminal-tier") == "large"
    # and the worker still answers at once
    page.fill("#f-amount", "70000")
    page.wait_for_selector('#calc-result[data-criminal-tier="huge"]', state="attached", timeout=5000)
    ctx.close()
    watch.check()
