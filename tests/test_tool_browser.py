"""The four merchant tool pages in real headless Chromium (Debian's /usr/bin/chromium via Playwright):
fill the form, see the result computed by Python in the worker, download the .ics / .docx files and
open them. Every request must go to the local server, and the console must show no error.

Set CALC_SITE_DIR to a built site to skip the build while iterating (tests/browser_support.py).
"""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import quote

import pytest

pytest.importorskip("playwright.sync_api")

from browser_support import Watch, chromium_available
from calculators.toolkit import deadlines, fees, platform_review

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed")]

TIMEOUT = 60_000


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(accept_downloads=True, service_workers="block")
    watch = Watch(ctx, server.origin)
    pg = ctx.new_page()
    pg.set_default_timeout(TIMEOUT)
    yield pg
    ctx.close()
    watch.check()


def test_fees_page(page, server):
    page.goto(server.origin + "/tools/fees/?amount=" + quote("1.2万") + "&simple=1")
    total = page.wait_for_selector("#fees-total")
    assert total.get_attribute("data-fee") == fees.compute(Decimal(12000), simple=True)["fee_yuan"] == "50.00"
    # the schedule table is rendered from the rule data
    page.wait_for_selector("#fees-bands")
    assert page.locator("#fees-bands tbody tr").count() == len(fees.schedule_data()["property_case"]["bands"])
    assert "2．超过1万元至10万元的部分，按照2.5%交纳；" in page.inner_text("#fees-bands")
    # change the form: 15万, ordinary procedure
    page.uncheck("#f-simple")
    page.fill("#f-amount", "150000")
    page.wait_for_selector('#fees-total[data-fee="3300.00"]')
    assert page.locator("#fees-output table tbody tr").count() == 3
    page.fill("#f-preservation", "200万")
    page.wait_for_selector("#fees-preservation")
    shown = page.inner_text("#fees-preservation")
    assert "按 5,000 元 交纳" in shown and "10,520 元" in shown and ".00 元" not in shown  # the one money style
    # bad input: a clear message next to the field
    page.fill("#f-amount", "-5")
    err = page.wait_for_selector("#err-amount:not([hidden])")
    assert "负数" in err.inner_text()
    page.fill("#f-amount", "<img src=x onerror=alert(1)>")
    page.wait_for_selector("#err-amount:not([hidden])")
    assert page.locator("#fees-form img, #fees-output img").count() == 0


def test_platform_page(page, server):
    page.goto(server.origin + "/tools/platform/")
    page.wait_for_selector("#platform-headline")
    assert "还不能判断" in page.inner_text("#platform-headline")  # every answer still "不清楚"
    assert page.locator("#platform-questions .tool-question").count() == len(platform_review.questions())
    page.fill("#q-decision_date", "2026-03-01")
    page.select_option("#q-forced_refund", "yes")
    page.select_option("#q-review", "ai_only")
    page.select_option("#q-human_requested", "yes")
    page.wait_for_selector('section.tool-duty[data-code="no_forced_refund_without_return"][data-status="possible_breach"]')
    page.wait_for_selector('section.tool-duty[data-code="reasons_appeal_human"][data-status="possible_breach"]')
    assert "可能有 2 项" in page.inner_text("#platform-headline")
    assert page.locator("#platform-ask li").count() > 0
    # a decision before the 2026 measures: their duties are marked as not yet in force
    page.fill("#q-decision_date", "2026-01-15")
    page.wait_for_selector('section.tool-duty[data-code="no_forced_refund_without_return"][data-status="not_in_force"]')
    # a citation links to the statute page anchor
    href = page.locator('section.tool-duty[data-code="reasons_appeal_human"] a.calc-cite').first.get_attribute("href")
    assert href.endswith("/laws/wangluo-jiaoyi-pingtai-guize-2025/#art-19")
    # bad input
    page.fill("#q-response_hours", "-3")
    err = page.wait_for_selector("#err-response_hours:not([hidden])")
    assert "小时" in err.inner_text()


def test_deadlines_page_and_ics_download(page, server):
    page.goto(server.origin + "/tools/deadlines/?act=2026-03-01&decision=2026-04-01&tier=large&amount=3500")
    page.fill("#f-known", "2026-03-05")
    page.wait_for_selector('#dl-table tr[data-code="civil-revocation-1y"]')
    today = page.evaluate("(() => { const d = new Date(); const p = (n) => String(n).padStart(2, '0');"
                          " return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`; })()")
    expected = deadlines.browser_entry({"act": "2026-03-01", "known_date": "2026-03-05", "today": today,
                                        "tier": "large", "amount": "3500", "decision": "2026-04-01"})
    for d in expected["deadlines"]:
        row = page.locator(f'#dl-table tr[data-code="{d["code"]}"]')
        assert row.locator("td").nth(1).inner_text() == (d["last_day"] or "无法计算")
    assert page.locator('#dl-table tr[data-code^="criminal-limitation-"]').count() == 1  # the calculator's tier
    if expected["ics"]:
        with page.expect_download() as dl:
            page.click("#dl-ics")
        data = open(dl.value.path(), "rb").read()
        assert dl.value.suggested_filename.endswith(".ics")
        assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.count(b"BEGIN:VEVENT") == expected["ics_events"]
    # dates out of order: a clear message on the field
    page.fill("#f-known", "2026-02-01")
    err = page.wait_for_selector("#err-known_date:not([hidden])")
    assert "早于" in err.inner_text()


def test_documents_page_renders_and_downloads_docx(page, server):
    docx = pytest.importorskip("docx")
    page.goto(server.origin + "/tools/documents/?amount=3500&province=" + quote("浙江") + "&act=2026-03-01&tier=large")
    page.wait_for_selector(".doc-sheet")
    hostile = '某某店<img src=x onerror="alert(1)">&amp;'
    page.fill("#d-merchant_name", hostile)
    page.fill("#d-platform", "某购物平台")
    page.fill("#d-order_no", "T001")
    page.fill("#d-known_date", "2026-03-05")
    page.fill("#d-evidence", "打包发货视频｜证明发货时商品完好\n买家照片｜与实物不符")
    page.select_option("#d-merchant_agreed", "no")
    page.click("#docs-generate")
    page.wait_for_function("() => { const s = document.querySelector('.doc-sheet'); return !!s && s.textContent.includes('T001'); }")
    assert page.locator(".doc-sheet img").count() == 0  # rendered as text, never as HTML
    assert hostile in page.inner_text(".doc-sheet-wrap:not([hidden]) .doc-sheet")
    seen = set()
    for kind, title in (("appeal", "申诉书"), ("police", "报案材料"), ("complaint", "民事起诉状")):
        page.click(f'#docs-tabs button[data-kind="{kind}"]')
        with page.expect_download() as dl:
            page.click(f'.doc-sheet-wrap[data-kind="{kind}"] .doc-download')
        assert dl.value.suggested_filename == f"{title}（草稿）.docx"
        d = docx.Document(io.BytesIO(open(dl.value.path(), "rb").read()))
        text = "\n".join(p.text for p in d.paragraphs)
        assert d.paragraphs[0].text.startswith("【草稿】") and title in text
        assert hostile in text and "T001" in text and "3,500 元" in text and "3500.00元" not in text
        rows = [[c.text for c in r.cells] for r in d.tables[0].rows]
        assert rows[1] == ["1", "打包发货视频", "证明发货时商品完好"]
        seen.add(kind)
    assert seen == {"appeal", "police", "complaint"}
    # bad input: an impossible order of dates
    page.fill("#d-order_date", "2026-03-09")
    page.click("#docs-generate")
    err = page.wait_for_selector("#err-act:not([hidden])")
    assert "早于" in err.inner_text()


def test_tools_index_lists_the_five_tools(page, server):
    page.goto(server.origin + "/tools/")
    links = page.locator(".md-content table a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert [h.rstrip("/").split("/")[-1] for h in links] == ["photo", "deadlines", "fees", "platform", "documents"]


def test_tools_work_offline_after_a_first_visit(browser, server):
    ctx = browser.new_context(accept_downloads=True)
    errors: list[str] = []
    try:
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.origin + "/tools/fees/?amount=12000")
        page.wait_for_selector('#fees-total[data-fee="100.00"]')
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now under the service worker: Pyodide and the wheel pass through it and are cached
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=TIMEOUT)
        page.wait_for_selector('#fees-total[data-fee="100.00"]')

        ctx.set_offline(True)
        server.set_offline(True)
        n_before = len(server.requests)
        page.goto(server.origin + "/tools/documents/?amount=800")
        page.wait_for_selector(".doc-sheet")
        with page.expect_download() as dl:
            page.click(".doc-sheet-wrap:not([hidden]) .doc-download")
        assert open(dl.value.path(), "rb").read(2) == b"PK"
        page.goto(server.origin + "/tools/deadlines/?act=2026-03-01")
        page.wait_for_selector('#dl-table tr[data-code="zhian-discovery"]')
        page.goto(server.origin + "/tools/platform/")
        page.wait_for_selector("#platform-headline")
        # the browser's own service-worker update checks (GET /sw.js on navigation) are expected and fail
        # harmlessly offline; nothing else may reach the server
        assert [r for r in server.requests[n_before:] if r != "/sw.js"] == [], "the server was reached while offline"
        assert errors == []
    finally:
        server.set_offline(False)
        ctx.close()
