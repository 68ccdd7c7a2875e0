"""The calculator end to end in real headless Chromium (Debian's /usr/bin/chromium via Playwright):
facts from the URL, the form, sharing a link, offline after a first visit, a phone, hostile URLs,
search. Every test also checks that no request left the local server, that the console shows no
error and that no dialog opened.

Expected tiers come from CPython's engine (calculators.engine.browser_entry), not from constants,
except the two the issue states (江苏 7000 -> large; 5000 without a province -> uncertain).
Screenshots go to $CALC_SCREENSHOTS or the test's tmp dir (never into git).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from browser_support import SiteServer, Watch, built_site, chromium_available

pytestmark = [pytest.mark.browser, pytest.mark.slow]

pytest.importorskip("playwright.sync_api")

if not chromium_available():  # pragma: no cover - scripts/test.sh installs it
    pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)", allow_module_level=True)

DONE = "#calc-result:not([data-state=loading])"
TIMEOUT = 60_000


def expected(facts: dict, today: str | None = None) -> dict:
    from calculators import engine

    return engine.browser_entry({"facts": facts, "today": today or dt.date.today().isoformat()}, [])


def open_calc(ctx, server, query: str | dict = ""):
    page = ctx.new_page()
    q = query if isinstance(query, str) else "?" + urlencode(query, doseq=True)
    page.goto(server.origin + "/calculator/" + q)
    page.wait_for_selector(DONE, state="attached", timeout=TIMEOUT)
    return page


def tier_of(page) -> str | None:
    return page.get_attribute("#calc-result", "data-criminal-tier")


def wait_tier(page, tier: str) -> None:
    page.wait_for_selector(f'#calc-result[data-criminal-tier="{tier}"]', state="attached", timeout=TIMEOUT)


def screenshots_dir(tmp_path: Path) -> Path:
    d = Path(os.environ.get("CALC_SCREENSHOTS", tmp_path))
    d.mkdir(parents=True, exist_ok=True)
    return d


# ---------------------------------------------------------------------------------------------

def test_facts_in_the_url_give_the_tier_with_cited_steps(make_context, server, tmp_path):
    ctx, _ = make_context()
    facts = {"amount": "7000", "province": "江苏", "act_date": "2026-03-01", "decision_date": "2026-06-01"}
    page = open_calc(ctx, server, "?amount=7000&province=江苏&act=2026-03-01&decision=2026-06-01")
    want = expected(facts)
    assert want["criminal"]["tier"] == "large"
    wait_tier(page, "large")
    text = page.inner_text("#calc-result")
    assert "数额较大" in text
    # the three tracks, each with its reasoning steps: folded, counted in the summary, and built
    # when the reader opens them
    for track in ("criminal", "administrative", "civil"):
        steps = [s for s in want["steps"] if s["track"] == track]
        details = page.locator(f'details.calc-reasoning[data-track="{track}"]')
        assert f"（{len(steps)} 步）" in details.locator("summary").text_content()
        assert details.get_attribute("open") is None
        details.locator("summary").click()
        page.wait_for_function(
            "([t, n]) => document.querySelectorAll(`details[data-track=${t}] .calc-steps li`).length === n",
            arg=[track, len(steps)], timeout=TIMEOUT)
        texts = details.locator(".calc-steps li > span:first-child").all_inner_texts()
        # the engine's words, in the page's reader form (one money format, Chinese confidence labels)
        want_texts = page.evaluate("async (xs) => { const m = await import('/assets/calc-render.mjs');"
                                   " return xs.map(m.readerText); }", [s["text"] for s in steps])
        assert texts == want_texts
    # citations link to the statute pages' article anchors, relative to the site root
    link = page.locator('a.calc-cite[href$="laws/xingfa/#art-266"]').first
    assert link.count() == 1
    href = link.get_attribute("href")
    assert href == f"{server.origin}/laws/xingfa/#art-266"
    statute = built_site() / "laws" / "xingfa" / "index.html"
    if statute.exists():
        assert 'id="art-266"' in statute.read_text("utf-8")
    # the disclaimer from the engine and the page's own
    assert want["disclaimer"] in text
    assert page.locator("#calc-disclaimer").is_visible()
    # the form shows the facts of the URL
    assert page.input_value("#f-amount") == "7000"
    assert page.input_value("#f-province") == "江苏"
    assert page.input_value("#f-act") == "2026-03-01"
    # links to the tools carry the facts
    deadlines = page.locator('.calc-next a[href*="tools/deadlines/"]').get_attribute("href")
    q = dict(p.split("=", 1) for p in urlsplit(deadlines).query.split("&"))
    assert q["act"] == "2026-03-01" and q["tier"] == "large"
    page.screenshot(path=str(screenshots_dir(tmp_path) / "calculator-desktop.png"), full_page=True)


def test_filling_the_form_answers_at_once_and_updates_the_url(make_context, server):
    ctx, _ = make_context()
    page = open_calc(ctx, server)
    assert page.get_attribute("#calc-result", "data-state") == "empty"
    page.fill("#f-amount", "5000")
    wait_tier(page, "uncertain")
    assert expected({"amount": "5000"})["criminal"]["tier"] == "uncertain"
    assert "不确定" in page.inner_text(".calc-headline")
    # the address bar follows the form once the answer is on screen
    page.wait_for_function("() => location.search.includes('amount=5000')", timeout=TIMEOUT)
    # choosing a province changes the answer to that province's tier
    page.select_option("#f-province", "江苏")
    want = expected({"amount": "5000", "province": "江苏", "decision_date": page.input_value("#f-decision")})
    wait_tier(page, want["criminal"]["tier"])
    assert want["criminal"]["tier"] != "uncertain"
    page.wait_for_function("() => location.search.includes('province=')", timeout=TIMEOUT)
    # a province that splits by city shows the city select; the city changes the threshold
    assert page.locator("#region-row").is_hidden()
    page.select_option("#f-province", "广东")
    assert page.locator("#region-row").is_visible()
    page.fill("#f-amount", "5000")
    page.select_option("#f-region", "广州")
    want = expected({"amount": "5000", "province": "广东", "region": "广州", "decision_date": page.input_value("#f-decision")})
    wait_tier(page, want["criminal"]["tier"])
    page.select_option("#f-region", "汕头")
    want2 = expected({"amount": "5000", "province": "广东", "region": "汕头", "decision_date": page.input_value("#f-decision")})
    wait_tier(page, want2["criminal"]["tier"])
    assert want["criminal"]["tier"] != want2["criminal"]["tier"]  # 6,000 vs 4,000 (粤高法发〔2014〕12号)
    # a later change answers fast (the worker is warm)
    page.fill("#f-amount", "2000")
    t0 = page.evaluate("performance.now()")
    wait_tier(page, expected({"amount": "2000", "province": "广东", "region": "汕头"})["criminal"]["tier"])
    assert page.evaluate("performance.now()") - t0 < 2000


def test_circumstances_and_attempt_reach_the_engine(make_context, server):
    ctx, _ = make_context()
    page = open_calc(ctx, server, "?amount=8000&province=江苏&act=2026-03-01&decision=2026-06-01")
    wait_tier(page, "large")
    # the reader opens the criminal reasoning: it stays open (and complete) in the answers that follow
    page.click("details.calc-reasoning[data-track=criminal] summary")
    page.check('input[name="attempt"][value="1"]')
    page.wait_for_function("() => location.search.includes('attempt=1')")
    code = page.locator('input[name="c"]').first.get_attribute("value")
    page.check(f'input[name="c"][value="{code}"]')
    page.wait_for_function(f"() => location.search.includes('c={code}')")
    page.wait_for_selector(DONE, state="attached")
    want = expected({"amount": "8000", "province": "江苏", "act_date": "2026-03-01", "decision_date": "2026-06-01",
                     "refund_obtained": False, "circumstances": [code]})
    page.wait_for_function(
        "n => document.querySelectorAll('details[data-track=criminal] .calc-steps li').length === n",
        arg=len([s for s in want["steps"] if s["track"] == "criminal"]), timeout=TIMEOUT)
    assert page.get_attribute("details.calc-reasoning[data-track=criminal]", "open") is not None
    # the other tracks were not opened: still folded, their steps not built
    assert page.locator("details[data-track=civil] .calc-steps").count() == 0


def test_copied_link_opens_the_same_result_in_a_fresh_context(make_context, server):
    ctx, _ = make_context(permissions=["clipboard-read", "clipboard-write"])
    page = open_calc(ctx, server)
    page.fill("#f-amount", "1.2万")
    page.select_option("#f-province", "浙江")
    page.fill("#f-act", "2025-11-20")
    page.fill("#f-decision", "2026-02-10")
    facts = {"amount": "1.2万", "province": "浙江", "act_date": "2025-11-20", "decision_date": "2026-02-10"}
    tier = expected(facts)["criminal"]["tier"]
    wait_tier(page, tier)
    page.wait_for_function("() => location.search.includes('decision=2026-02-10')")
    page.click("#calc-copy")
    page.wait_for_function("() => document.getElementById('calc-copy-status').textContent.length > 0")
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.get_attribute("#calc-copy-status", "data-url")
    assert link.startswith(server.origin + "/calculator/?")
    # textContent: a section out of view is not rendered (content-visibility: auto in site.css), so
    # its innerText would be empty; its text is the same either way
    text_before = page.text_content("section[data-track=criminal]")

    ctx2, _ = make_context()
    page2 = ctx2.new_page()
    page2.goto(link)
    wait_tier(page2, tier)
    assert page2.input_value("#f-amount") == "1.2万"
    assert page2.input_value("#f-decision") == "2026-02-10"
    assert page2.text_content("section[data-track=criminal]") == text_before


def test_works_offline_after_the_first_visit(make_context, server):
    ctx, watch = make_context()
    page = open_calc(ctx, server, "?amount=7000&province=江苏&act=2026-03-01&decision=2026-06-01")
    wait_tier(page, "large")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # the first visit ran under the service worker's control only after it claimed the page: load
    # once more online so that Pyodide and the wheel pass through it and get cached
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=TIMEOUT)
    wait_tier(page, "large")
    home = ctx.new_page()
    home.goto(server.origin + "/")
    home.close()
    # the tools wheel is not needed for the answer; the worker downloads it after the first answer
    # so that the tool pages work offline too: wait until the service worker holds it
    has_tools = """async () => {
        for (const name of await caches.keys()) {
          for (const r of await (await caches.open(name)).keys()) if (r.url.includes("calculators_tools")) return true;
        }
        return false;
      }"""
    deadline = time.monotonic() + TIMEOUT / 1000
    while not page.evaluate(has_tools):  # evaluate awaits the promise (wait_for_function would not)
        assert time.monotonic() < deadline, "the tools wheel never reached the service worker's cache"
        page.wait_for_timeout(250)

    ctx.set_offline(True)
    server.set_offline(True)
    try:
        n_before = len(server.requests)
        page.goto(server.origin + "/calculator/?amount=150000&province=浙江&act=2026-03-01&decision=2026-06-01")
        want = expected({"amount": "150000", "province": "浙江", "act_date": "2026-03-01", "decision_date": "2026-06-01"})
        wait_tier(page, want["criminal"]["tier"])
        page.fill("#f-amount", "800")
        wait_tier(page, expected({"amount": "800", "province": "浙江", "act_date": "2026-03-01",
                                  "decision_date": "2026-06-01"})["criminal"]["tier"])
        other = ctx.new_page()
        other.goto(server.origin + "/")
        assert other.title()
        if (built_site() / "tools" / "fees" / "index.html").exists():
            other.goto(server.origin + "/tools/fees/?amount=12000")
            other.wait_for_selector('#fees-total[data-fee="100.00"]', state="attached", timeout=TIMEOUT)
        # only the browser's own update checks of /sw.js may try the network (and fail: offline)
        reached = [r for r in server.requests[n_before:] if r.split("?")[0] != "/sw.js"]
        assert not reached, f"the server was reached while offline: {reached}"
    finally:
        ctx.set_offline(False)
        server.set_offline(False)


def test_phone_viewport(make_context, server, tmp_path):
    ctx, _ = make_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = open_calc(ctx, server, "?amount=3500&province=浙江&act=2026-03-01&decision=2026-06-01")
    want = expected({"amount": "3500", "province": "浙江", "act_date": "2026-03-01", "decision_date": "2026-06-01"})
    wait_tier(page, want["criminal"]["tier"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.locator("#f-amount").get_attribute("inputmode") == "decimal"
    box = page.locator("#f-amount").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["height"] >= 30
    # the headline is reachable from the form (bar at the bottom), and the result fits the screen
    assert page.locator("#calc-mini").is_visible()
    page.click("#calc-mini")
    page.wait_for_timeout(300)
    assert page.locator(".calc-headline").is_visible()
    headline = page.locator(".calc-headline").bounding_box()
    assert headline["x"] >= 0 and headline["x"] + headline["width"] <= 375
    page.screenshot(path=str(screenshots_dir(tmp_path) / "calculator-phone.png"))


HOSTILE = [
    ({"amount": "<script>alert(1)</script>"}, "amount"),
    ({"amount": "\"><img src=x onerror=alert(1)>"}, "amount"),
    ({"amount": "1e400"}, "amount"),
    ({"amount": "99999999999999999999999"}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"amount": "3000", "province": "<img src=x onerror=alert(1)>"}, "province"),
    ({"amount": "3000", "act": "2026-13-45"}, "act_date"),
    ({"amount": "3000", "act": "2030-01-01", "decision": "2026-06-01"}, "act_date"),
    ({"amount": "3000", "act": "2026-03-01", "decision": "2026-01-01"}, "decision_date"),
    ({"amount": "3000", "c": "<b>x</b>"}, "circumstances"),
    ({"amount": "3000", "province": "广东", "region": "javascript:alert(1)"}, "region"),
]


@pytest.fixture(scope="module")
def shared_context(browser, server):
    """One context for the many hostile-URL cases (warm HTTP cache: each case is one navigation)."""
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    watch = Watch(ctx, server.origin)
    yield ctx, watch
    ctx.close()
    watch.check()


@pytest.mark.parametrize("query,field", HOSTILE, ids=[f"{f}-{i}" for i, (_, f) in enumerate(HOSTILE)])
def test_hostile_url_state_gives_a_chinese_error_never_injection(shared_context, server, query, field):
    ctx, watch = shared_context
    page = open_calc(ctx, server, query)
    assert page.get_attribute("#calc-result", "data-state") == "error"
    assert page.get_attribute("#calc-result", "data-criminal-tier") is None
    message = page.inner_text(f"#err-{field}")
    assert re.search(r"[\u4e00-\u9fff]", message), message
    # the same message the CLI gives (the engine's FactsError)
    facts = {{"act": "act_date", "decision": "decision_date", "c": "circumstances"}.get(k, k): v for k, v in query.items()}
    if "circumstances" in facts:
        facts["circumstances"] = [facts["circumstances"]]
    facts.setdefault("decision_date", page.input_value("#f-decision") or dt.date.today().isoformat())
    want = expected(facts)
    assert "error" in want and want["error"]["message"] == message
    assert page.locator("img[src=x]").count() == 0
    assert page.evaluate("[...document.scripts].some(s => s.textContent.includes('alert(1)'))") is False
    assert "Traceback" not in page.content()
    # the page still works: start over with a plain amount and get an answer at once
    page.click("#calc-reset")
    page.fill("#f-amount", "3000")
    page.wait_for_selector("#calc-result[data-criminal-tier]", state="attached", timeout=TIMEOUT)
    assert page.locator("#err-" + field).is_hidden()
    assert not watch.dialogs
    page.close()


def test_unknown_url_keys_are_named_and_ignored(make_context, server):
    ctx, _ = make_context()
    page = open_calc(ctx, server, "?amount=7000&province=江苏&act=2026-03-01&decision=2026-06-01&from=singlemessage&<x>=1")
    wait_tier(page, "large")
    notice = page.inner_text("#calc-notice")
    assert "from" in notice and "<x>" in notice
    assert page.locator("#calc-notice x").count() == 0


def test_print_stylesheet_gives_a_clean_result(make_context, server):
    ctx, _ = make_context()
    page = open_calc(ctx, server, "?amount=7000&province=江苏&act=2026-03-01&decision=2026-06-01")
    wait_tier(page, "large")
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-footer", "#calc-form", "#calc-actions",
                   ".calc-tools", ".calc-privacy"):
        if page.locator(hidden).count():
            assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator(".calc-print-date").is_visible()
    assert dt.date.today().isoformat() in page.inner_text(".calc-print-date")
    assert "amount=7000" in page.inner_text(".calc-print-date")  # the link that reopens the result
    for shown in (".calc-facts", ".calc-headline", ".calc-citations", ".calc-track-warnings", ".calc-result-disclaimer"):
        assert page.locator(shown).first.is_visible(), shown
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages <= 2, f"the printout takes {pages} pages"  # steps and cases: tests/test_browser_share_print.py


def test_content_pages_start_no_python_and_search_finds_chinese_terms(make_context, server):
    ctx, watch = make_context()
    page = ctx.new_page()
    page.goto(server.origin + "/")
    page.wait_for_load_state("networkidle")
    # (the service worker precaches pyworker.mjs for offline use; that does not start it)
    assert not [u for u in watch.requests if "/pyodide/" in u or u.endswith(".whl")]
    assert not [w.url for w in page.workers if "pyworker" in w.url]
    assert page.evaluate("() => [...document.scripts].filter(s => /py(client|worker)|calculator\\.mjs/.test(s.src)).length") == 0
    # Material reads the query on keyup: fill, then a key
    page.click(".md-search__input")
    for term, page_path in (("仅退款", None), ("诈骗", "criminal/"), ("拘留", None)):
        page.fill(".md-search__input", term)
        page.press(".md-search__input", "End")
        page.wait_for_selector(".md-search-result__item", timeout=15_000)
        hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(a => a.getAttribute('href'))")
        assert hrefs, term
        if page_path and (built_site() / page_path / "index.html").exists():
            assert any(urlsplit(h).path.endswith("/" + page_path) for h in hrefs), (term, hrefs[:5])


def test_calculator_page_loads_the_search_index_only_when_search_is_used(make_context, server):
    """Material's search index is not downloaded while the calculator starts (issue 7: it competed
    with Pyodide), and search still works on the page: the index loads on first use."""
    ctx, watch = make_context()
    page = open_calc(ctx, server, "?amount=7000&province=江苏&act=2026-03-01&decision=2026-06-01")
    wait_tier(page, "large")
    page.wait_for_load_state("networkidle")
    # the page's own resource timing (the service worker's precache fetches are not in it)
    index_loads = "() => performance.getEntriesByType('resource').filter(e => e.name.includes('search_index.json')).length"
    assert page.evaluate(index_loads) == 0, "the search index was fetched during the calculator's start"
    page.click(".md-search__input")
    page.fill(".md-search__input", "诈骗")
    page.press(".md-search__input", "End")
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(a => a.getAttribute('href'))")
    assert hrefs
    if (built_site() / "criminal" / "index.html").exists():
        assert any(urlsplit(h).path.endswith("/criminal/") for h in hrefs), hrefs[:5]
    assert page.evaluate(index_loads) == 1
    # the calculator still answers after search was used
    page.fill("#f-amount", "800")
    wait_tier(page, expected({"amount": "800", "province": "江苏", "act_date": "2026-03-01",
                              "decision_date": "2026-06-01"})["criminal"]["tier"])


def test_a_new_deploy_updates_the_offline_cache(browser, tmp_path):
    """Visit, deploy a changed page (new sw.js manifest), reload: the new page is served and the old
    deploy's cache is deleted."""
    import shutil
    import sys

    from browser_support import ROOT

    sys.path.insert(0, str(ROOT / "site_hooks"))
    import offline

    site = tmp_path / "site"
    shutil.copytree(built_site(), site, ignore=shutil.ignore_patterns("pyodide", "*.whl"))
    config = {"site_dir": str(site), "docs_dir": str(ROOT / "docs")}
    with SiteServer(site) as srv:
        ctx = browser.new_context(locale="zh-CN")
        watch = Watch(ctx, srv.origin)
        page = ctx.new_page()
        page.goto(srv.origin + "/")
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        page.reload()
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=TIMEOUT)
        first = page.evaluate("() => caches.keys()")
        assert [k for k in first if k.startswith("site-")], first

        index = site / "index.html"
        index.write_text(index.read_text("utf-8").replace("</article>", "<p id=new-deploy>新版本</p></article>", 1), "utf-8")
        offline.on_post_build(config)
        version = offline.build_manifest(site)["version"]
        assert f"site-{version}" not in first

        page.reload()  # still the old deploy, from the cache
        assert page.locator("#new-deploy").count() == 0
        # the browser checks sw.js on navigations; ask as well, so the test does not wait on timing
        deadline = time.monotonic() + 60
        while True:
            keys = page.evaluate("async () => { const r = await navigator.serviceWorker.getRegistration();"
                                 " try { await r.update(); } catch (e) {} return await caches.keys(); }")
            if f"site-{version}" in keys and not [k for k in keys if k.startswith("site-") and k != f"site-{version}"]:
                break
            assert time.monotonic() < deadline, keys
            page.wait_for_timeout(250)
        page.reload()
        assert page.locator("#new-deploy").count() == 1
        # and the new deploy works offline too
        ctx.set_offline(True)
        srv.set_offline(True)
        page.reload()
        assert page.locator("#new-deploy").count() == 1
        ctx.close()
        watch.check()


def test_every_page_loads_under_the_csp_without_errors(make_context, server):
    """Each built page, opened in Chromium: no CSP violation, no console error, nothing from another
    host (the Watch of make_context), and the page rendered its title."""
    ctx, watch = make_context()
    page = ctx.new_page()
    page.add_init_script("""
      window.__csp = [];
      document.addEventListener('securitypolicyviolation',
        (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '')));
    """)
    site = built_site()
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) > 10
    for rel in pages:
        url = server.origin + "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.title(), rel
        violations = page.evaluate("() => window.__csp")
        assert not violations, (rel, violations)
        assert not watch.errors, (rel, watch.errors)


def test_works_under_a_sub_path(browser, tmp_path):
    """Deployed under /guide/: every URL is relative (the worker, Pyodide, the wheel, the service
    worker's scope, citation links)."""
    with SiteServer(tmp_path, mounts={"/guide/": built_site()}) as srv:
        ctx = browser.new_context(locale="zh-CN")
        watch = Watch(ctx, srv.origin)
        page = ctx.new_page()
        page.goto(srv.origin + "/guide/calculator/?amount=7000&province=江苏&act=2026-03-01&decision=2026-06-01")
        wait_tier(page, "large")
        href = page.locator('a.calc-cite[href*="laws/xingfa/"]').first.get_attribute("href")
        assert href.startswith(srv.origin + "/guide/laws/xingfa/#art-")
        scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
        assert scope == srv.origin + "/guide/"
        assert any(u.startswith(srv.origin + "/guide/pyodide/pyodide.asm.wasm") for u in watch.requests)
        assert not [u for u in watch.requests if u.startswith(srv.origin + "/") and not u.startswith(srv.origin + "/guide/")
                    and not u.endswith("/favicon.ico")]
        ctx.close()
        watch.check()
