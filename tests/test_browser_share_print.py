"""Issue 13 §4 in the browser: share links that carry the rule-data version and say so when the rules
changed (docs/assets/share-version.mjs), and the printout (docs/assets/print.css, print-ready.mjs):
a readable link, the reasoning steps and the similar cases printed, no page holding only the
disclaimer. Debian's chromium through Playwright; no other host is contacted (conftest's Watch)."""

from __future__ import annotations

import re
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest

from browser_support import chromium_available

pytestmark = [pytest.mark.browser, pytest.mark.slow]
pytest.importorskip("playwright.sync_api")
if not chromium_available():  # pragma: no cover
    pytest.skip("/usr/bin/chromium is missing", allow_module_level=True)

from calculators import ruleset  # noqa: E402

DONE = "#calc-result[data-criminal-tier]"
TIMEOUT = 60_000
FACTS = "amount=1.2万&province=浙江&act=2025-11-20&decision=2026-02-10&c=restitution&c=forgiveness"


def open_calc(ctx, server, query: str):
    page = ctx.new_page()
    page.goto(server.origin + "/calculator/?" + query)
    page.wait_for_selector(DONE, state="attached", timeout=TIMEOUT)
    return page


# ---------- share links -------------------------------------------------------------------------------

def test_copied_link_carries_the_rule_data_version(make_context, server):
    ctx, _ = make_context(permissions=["clipboard-read", "clipboard-write"])
    page = open_calc(ctx, server, FACTS)
    page.click("#calc-copy")
    page.wait_for_function("() => document.getElementById('calc-copy-status').dataset.url")
    link = page.get_attribute("#calc-copy-status", "data-url")
    assert parse_qs(urlsplit(link).query)["rules"] == [ruleset.rules_version()]
    # opened as shared, with the same rules: the answer and no notice
    page2 = make_context()[0].new_page()
    page2.goto(link)
    page2.wait_for_selector(DONE, state="attached", timeout=TIMEOUT)
    assert page2.locator("#calc-version-notice:not([hidden])").count() == 0
    assert "rules" not in page2.inner_text("#calc-notice") if page2.locator("#calc-notice:not([hidden])").count() else True


def test_link_from_older_rules_says_the_answer_may_differ_and_links_the_changelog(make_context, server):
    ctx, _ = make_context()
    page = open_calc(ctx, server, FACTS + "&rules=000000000000")
    page.wait_for_selector("#calc-version-notice:not([hidden])", timeout=TIMEOUT)
    text = page.inner_text("#calc-version-notice")
    assert "000000000000" in text and ruleset.rules_version() in text and "可能与分享时看到的不同" in text
    href = page.get_attribute("#calc-version-notice a", "href")
    assert urlsplit(href).path == "/changelog/" and urlsplit(href).fragment == f"rules-{ruleset.rules_version()}"
    # the entry exists on the changelog page
    page.goto(href)
    assert page.locator(f"#rules-{ruleset.rules_version()}").count() == 1
    # the answer was still given
    assert page.url.endswith(f"#rules-{ruleset.rules_version()}")


@pytest.mark.parametrize("bad", ["abc", "<b>x</b>", "0123456789abcdef0123", "%E6%B5%99"])
def test_malformed_version_still_answers_with_a_notice(make_context, server, bad):
    from urllib.parse import quote
    ctx, _ = make_context()
    page = open_calc(ctx, server, FACTS + "&rules=" + quote(bad, safe="%"))
    page.wait_for_selector("#calc-version-notice:not([hidden])", timeout=TIMEOUT)
    assert "无法识别" in page.inner_text("#calc-version-notice")
    assert page.locator("#calc-version-notice b").count() == 0  # text, never markup
    assert page.locator(".calc-headline").count() >= 1
    # the parameter is known: not listed as an ignored one
    if page.locator("#calc-notice:not([hidden])").count():
        assert "rules" not in page.inner_text("#calc-notice")


# ---------- print -------------------------------------------------------------------------------------

def _pdf_text_ops_per_page(pdf: bytes) -> list[int]:
    """Text-showing operators on each page of a Chromium PDF (pages in document order)."""
    objects = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S)}

    def stream(num: int) -> bytes:
        body = objects[num]
        m = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S)
        data = m.group(1) if m else b""
        return zlib.decompress(data) if b"/FlateDecode" in body else data

    pages_obj = next(b for b in objects.values() if re.search(rb"/Type\s*/Pages\b", b))
    kids = [int(k) for k in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids\s*\[(.*?)\]", pages_obj, re.S).group(1))]
    out = []
    for kid in kids:
        contents = re.search(rb"/Contents\s*(\[.*?\]|\d+ 0 R)", objects[kid], re.S).group(1)
        refs = [int(r) for r in re.findall(rb"(\d+) 0 R", contents)]
        out.append(sum(len(re.findall(rb"T[jJ]\b", stream(r))) for r in refs))
    return out


def test_printout_has_a_readable_link_the_steps_and_the_cases(make_context, server):
    ctx, _ = make_context()
    page = open_calc(ctx, server, FACTS)
    link = page.inner_text(".calc-print-date")
    assert "province=浙江" in link and "amount=1.2万" in link and "%E6" not in link
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    for track in ("criminal", "administrative", "civil"):
        steps = page.locator(f"details.calc-reasoning[data-track={track}] .calc-steps li")
        assert steps.count() > 0 and steps.first.is_visible(), track
    if page.locator(".calc-track-cases").count():
        assert page.locator(".calc-track-cases").is_visible()
    assert not page.locator("#calc-disclaimer").is_visible()  # the result's own disclaimer says it
    assert page.locator(".calc-result-disclaimer").is_visible()
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert page.locator("details.calc-reasoning[open]").count() == 0  # folded back after printing


@pytest.mark.parametrize("query", [
    FACTS,
    "amount=2000000&province=广东&region=深圳&act=2025-06-01&decision=2026-02-10&c=surrender&c=restitution&c=forgiveness&c=plea",
    "amount=200&act=2025-01-01&decision=2026-02-10",
])
def test_no_printed_page_holds_only_the_disclaimer(make_context, server, query):
    ctx, _ = make_context()
    page = open_calc(ctx, server, query)
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    per_page = _pdf_text_ops_per_page(page.pdf(format="A4"))
    # the disclaimer alone, printed the same way: how much text it is on a page of its own
    page.evaluate("""() => {
      const keep = document.querySelector('.calc-result-disclaimer');
      for (const e of document.querySelectorAll('body *')) {
        if (!e.contains(keep) && !keep.contains(e)) e.style.setProperty('display', 'none', 'important');
      }
    }""")
    alone = _pdf_text_ops_per_page(page.pdf(format="A4"))
    assert len(alone) == 1
    assert all(n > alone[0] for n in per_page), (per_page, alone)
