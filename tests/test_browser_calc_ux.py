"""The calculator page for a merchant (issue 12 §3, §5; issue 15's URL items) in headless Chromium:
the provisional line while Python loads, the order of the answer, the URL read exactly as the engine
reads it, capped link values, the glossary and the desktop layout."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("playwright.sync_api")

from browser_support import chromium_available

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed")]
TIMEOUT = 90_000
DONE = "#calc-result:not([data-state=loading])"


def expected(facts: dict) -> dict:
    import datetime as dt

    from calculators import engine
    from calculators.facts import FactsError

    try:
        return engine.classify(facts, today=dt.date.today()).to_dict()
    except FactsError as exc:
        return {"error": {"field": exc.field, "message": exc.message}}


def test_provisional_tier_shows_while_python_loads(make_context, server):
    ctx, _ = make_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    held = []

    def hold(route):  # the runtime arrives late, as on a slow connection
        held.append(route)

    ctx.route("**/pyodide.asm.wasm", hold)
    page = ctx.new_page()
    page.goto(server.origin + "/calculator/?amount=7000&province=江苏&act=2026-03-01&decision=2026-06-01")
    page.wait_for_selector('#calc-result[data-provisional-tier="large"]', state="attached", timeout=10_000)
    box = page.inner_text("#calc-provisional")
    assert "初步" in box and "6,000 元" in box and "60,000 元" in box and "已核对原文" in box
    assert "其他情节" in box and "未遂" in box and "民事" in box  # what it leaves out
    assert page.get_attribute("#calc-result", "data-criminal-tier") is None
    assert "初步" in page.inner_text("#calc-mini")
    # typing changes the provisional line at once; an amount it does not understand shows nothing
    page.fill("#f-amount", "7万")
    page.wait_for_selector('#calc-result[data-provisional-tier="huge"]', state="attached", timeout=5000)
    page.fill("#f-amount", "七千")
    page.wait_for_function("() => !document.querySelector('#calc-result').dataset.provisionalTier", timeout=5000)
    assert page.locator("#calc-provisional").count() == 0
    # circumstances: only the full analysis can answer
    page.fill("#f-amount", "7000")
    page.locator('input[name="c"]').first.check()
    page.wait_for_selector('#calc-result[data-provisional="full"]', state="attached", timeout=5000)
    assert "只有完整分析能回答" in page.inner_text("#calc-provisional")
    page.locator('input[name="c"]').first.uncheck()
    # a province whose figures are second-hand (REPORTED)
    page.select_option("#f-province", "河南")
    page.wait_for_selector('#calc-result[data-provisional="full"]', state="attached", timeout=5000)
    assert "待核实" in page.inner_text("#calc-provisional")
    page.select_option("#f-province", "江苏")
    page.wait_for_selector('#calc-result[data-provisional-tier="large"]', state="attached", timeout=5000)
    for route in held:
        route.continue_()
    ctx.unroute("**/pyodide.asm.wasm")
    page.wait_for_selector('#calc-result[data-criminal-tier="large"]', state="attached", timeout=TIMEOUT)
    # the full answer replaces the provisional line
    assert page.locator("#calc-provisional").count() == 0
    assert page.get_attribute("#calc-result", "data-provisional-tier") is None


def test_url_values_go_to_python_as_written(make_context, server):
    ctx, _ = make_context()
    page = ctx.new_page()
    for prov in ("北", "广", "内"):
        page.goto(server.origin + f"/calculator/?amount=3000&province={prov}")
        page.wait_for_selector('#calc-result[data-state="error"]', state="attached", timeout=TIMEOUT)
        want = expected({"amount": "3000", "province": prov})
        assert "error" in want and page.inner_text("#err-province") == want["error"]["message"]
        assert page.input_value("#f-province") == prov  # not silently 北京 / 广东 / 内蒙古
    # a city with no province: the engine infers the province, the page shows that answer
    page.goto(server.origin + "/calculator/?amount=5000&region=深圳&decision=2026-06-01")
    want = expected({"amount": "5000", "region": "深圳", "decision_date": "2026-06-01"})
    assert want["criminal"]["tier"] != "uncertain"
    page.wait_for_selector(f'#calc-result[data-criminal-tier="{want["criminal"]["tier"]}"]', state="attached", timeout=TIMEOUT)
    assert "深圳" in page.inner_text(".calc-facts")


def test_long_url_values_are_capped_and_named(make_context, server):
    ctx, _ = make_context()
    page = ctx.new_page()
    t0 = time.monotonic()
    # 5,000 × 元 (45 KB of query: below the local server's 64 KB request-line limit)
    page.goto(server.origin + "/calculator/?province=浙江&amount=3500" + "元" * 5000)
    page.wait_for_selector(DONE, state="attached", timeout=TIMEOUT)
    assert "金额" in page.inner_text("#calc-notice") and "太长" in page.inner_text("#calc-notice")
    assert page.input_value("#f-amount") == ""
    assert page.input_value("#f-province") == "浙江"
    page.fill("#f-amount", "3500")
    page.wait_for_selector("#calc-result[data-criminal-tier]", state="attached", timeout=TIMEOUT)
    assert time.monotonic() - t0 < 60


def test_answer_reads_in_a_merchants_order(make_context, server):
    ctx, _ = make_context()
    page = ctx.new_page()
    page.goto(server.origin + "/calculator/?amount=8000&province=浙江&act=2026-03-01&decision=2026-06-01")
    page.wait_for_selector('#calc-result[data-criminal-tier="large"]', state="attached", timeout=TIMEOUT)
    order = page.evaluate("""() => [...document.querySelectorAll('#calc-output > *')]
        .map(n => n.id || n.className).filter(Boolean)""")
    conclusion = order.index("calc-conclusion")
    nxt = next(i for i, c in enumerate(order) if "calc-next" in c)
    tracks = [next(i for i, c in enumerate(order) if f"calc-track-{t}" in c) for t in ("criminal", "administrative", "civil")]
    more = next(i for i, c in enumerate(order) if "calc-more-box" in c)
    assert conclusion < nxt < min(tracks) and max(tracks) < more
    text = page.inner_text("#calc-output")
    assert "8,000 元" in text and "8000.00" not in text
    for word in ("资料包", "VERIFIED", "REPORTED", "UNKNOWN", "PARTIAL"):
        assert word not in text, word
    # 报警 in the actions and in both the administrative and criminal sections
    for sel in (".calc-next", ".calc-track-criminal", ".calc-track-administrative"):
        assert "报警" in page.inner_text(sel) and "公安机关决定" in page.inner_text(sel).replace("由公安机关根据全部事实决定", "公安机关决定")
    # the tools carry the facts; the police report draft opens on its own tab
    href = page.locator('.calc-next a[href*="tools/documents/"][href*="doc=police"]').get_attribute("href")
    assert "amount=8000" in href and "tier=large" in href
    assert page.locator('.calc-next a[href*="tools/fees/"][href*="amount=8000"]').count() == 1
    assert page.locator('.calc-next a[href*="tools/deadlines/"][href*="act=2026-03-01"]').count() == 1
    # the cited articles are folded; the glossary explains terms in the answer
    assert page.locator("#calc-citations").is_hidden()
    assert page.locator("#calc-output abbr[title]").count() >= 3
    assert page.locator('#calc-output abbr', has_text="诉讼时效").count() == 1
    # desktop: the result is part of the page and never scrolls inside itself
    overflow = page.evaluate("""() => { const r = document.querySelector('#calc-result');
        return [getComputedStyle(r).overflowY, r.scrollHeight - r.clientHeight]; }""")
    assert overflow[0] == "visible" and overflow[1] <= 1
    # the police report draft opens with its tab selected
    page.goto(href)
    page.wait_for_selector('#docs-tabs button[aria-selected="true"]', timeout=TIMEOUT)
    assert page.inner_text('#docs-tabs button[aria-selected="true"]') == "报案材料"
    notes = page.inner_text("#docs-warnings")
    assert "还空着" in notes and "报案材料" in notes


def test_pages_carry_the_glossary_and_a_chinese_font_stack(make_context, server):
    ctx, _ = make_context()
    page = ctx.new_page()
    page.goto(server.origin + "/civil/")
    titles = page.evaluate("() => [...document.querySelectorAll('article abbr[title]')].map(a => a.textContent)")
    assert "撤销权" in titles and "诉讼时效" in titles
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.index("PingFang SC") < font.index("system-ui")
    assert page.evaluate("[...document.fonts].length") == 0  # no web fonts
