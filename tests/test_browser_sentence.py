"""The sentence estimate on the calculator page (issue 14) in headless Chromium: the range on a months
scale with the statutory range behind it and the real cases on the same scale; print keeps it.
Expected figures come from CPython's engine (calculators.engine.browser_entry), not from constants.
"""

from __future__ import annotations

import datetime as dt

import pytest

from browser_support import PHONE, chromium_available

pytestmark = [pytest.mark.browser, pytest.mark.slow]

pytest.importorskip("playwright.sync_api")

if not chromium_available():  # pragma: no cover - scripts/test.sh installs it
    pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)", allow_module_level=True)

TIMEOUT = 60_000


def expected(facts: dict) -> dict:
    from calculators import engine

    return engine.browser_entry({"facts": facts, "today": dt.date.today().isoformat()}, [])


def open_calc(ctx, server, query: str):
    page = ctx.new_page()
    page.goto(server.origin + "/calculator/" + query)
    page.wait_for_selector("#calc-result:not([data-state=loading])", state="attached", timeout=TIMEOUT)
    return page


def box(page, selector: str) -> dict:
    b = page.locator(selector).first.bounding_box()
    assert b, selector
    return b


def test_the_estimate_sits_on_the_statutory_range_with_the_real_cases(make_context, server):
    ctx, _ = make_context()
    facts = {"amount": "30000", "province": "江苏", "act_date": "2024-06-01", "decision_date": "2024-09-01",
             "circumstances": ["plea"], "refund_obtained": True}
    want = expected(facts)["criminal"]["sentence_estimate"]
    assert len(want) == 1
    page = open_calc(ctx, server, "?amount=30000&province=江苏&act=2024-06-01&decision=2024-09-01&c=plea")
    chart = page.locator('.sentence-chart[data-tier="large"]')
    chart.wait_for(timeout=TIMEOUT)
    lo, hi = want[0]["months"]
    assert chart.get_attribute("data-months") == f"{lo}-{hi}"
    assert "量刑估算（数额较大）" in chart.inner_text()
    # the confidence label comes from the result (result.labels), inside one pair of brackets
    from calculators.labels import confidence_label

    label = confidence_label(want[0]["confidence"])
    in_parens = label.replace("（待核实）", "，待核实")
    assert f"（{in_parens}）" in chart.inner_text() and "待核实））" not in chart.inner_text()
    # geometry: one months scale for everything
    track = box(page, ".sentence-chart .sc-track")
    stat = box(page, ".sentence-chart .sc-statutory")
    est = box(page, ".sentence-chart .sc-estimate")
    smin, smax = want[0]["statutory_months"]
    cases = want[0]["reference_cases"]
    top = -(-max([smax, hi] + [c["months"] for c in cases]) // 12) * 12
    px = track["width"] / top
    assert abs(stat["x"] - (track["x"] + smin * px)) < 2 and abs(stat["width"] - (smax - smin) * px) < 2
    assert abs(est["x"] - (track["x"] + lo * px)) < 2 and abs(est["width"] - (hi - lo) * px) < 2
    assert stat["x"] <= est["x"] and est["x"] + est["width"] <= stat["x"] + stat["width"] + 1
    marks = page.locator(".sentence-chart .sc-case")
    assert marks.count() == len(cases) >= 3
    labels = " ".join(page.locator(".sentence-chart .sc-case-label").all_inner_texts())
    for c in cases:
        m = page.locator(f'.sentence-chart .sc-case[data-case="{c["id"]}"]')
        assert abs(m.bounding_box()["x"] - (track["x"] + c["months"] * px)) < 3, c["id"]
        assert c["id"] in labels
    # labels never overlap each other
    boxes = [page.locator(".sentence-chart .sc-case-label").nth(i).bounding_box()
             for i in range(page.locator(".sentence-chart .sc-case-label").count())]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"] or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
            assert apart, (a, b)
    # the steps and caveats are folded like the other reasoning
    assert page.locator(".sentence-chart details.sc-steps").get_attribute("open") is None
    # print keeps the chart, with its colours, and the steps stay folded away
    page.emulate_media(media="print")
    assert chart.is_visible()
    assert page.locator(".sentence-chart .sc-estimate").first.is_visible()
    assert not page.locator(".sentence-chart details.sc-steps").first.is_visible()
    adjust = page.evaluate("() => getComputedStyle(document.querySelector('.sc-estimate')).printColorAdjust")
    assert adjust == "exact"


def test_uncertain_tier_gets_one_chart_per_tier_and_none_gets_none(make_context, server):
    ctx, _ = make_context()
    page = open_calc(ctx, server, "?amount=40000&act=2024-06-01&decision=2024-09-01")
    want = expected({"amount": "40000", "act_date": "2024-06-01", "decision_date": "2024-09-01"})["criminal"]
    page.wait_for_selector(".sentence-chart", timeout=TIMEOUT)
    tiers = [page.locator(".sentence-chart").nth(i).get_attribute("data-tier") for i in range(page.locator(".sentence-chart").count())]
    assert tiers == [e["tier"] for e in want["sentence_estimate"]] == ["large", "huge"]
    page.fill("#f-amount", "2000")
    page.select_option("#f-province", "江苏")
    page.wait_for_selector('#calc-result[data-criminal-tier="none"]', state="attached", timeout=TIMEOUT)
    assert page.locator(".sentence-chart").count() == 0


@pytest.mark.parametrize("query", ["?amount=30000&province=江苏&act=2024-06-01&decision=2024-09-01&c=plea",
                                   "?amount=40000&act=2024-06-01&decision=2024-09-01",
                                   "?amount=600000&province=江苏&act=2024-06-01&decision=2024-09-01"])
def test_on_a_phone_every_label_of_the_chart_stays_inside_it(make_context, server, query):
    """390 px wide: the scale's first and last labels and the cases' labels are not cut off at the
    edges (centred on the edge ticks, and run past the right end, they were), and labels still do
    not overlap."""
    ctx, _ = make_context(**PHONE)
    page = open_calc(ctx, server, query)
    page.wait_for_selector(".sentence-chart", timeout=TIMEOUT)
    charts = page.locator(".sentence-chart")
    checked = 0
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        outer = chart.bounding_box()
        assert outer
        labels = chart.locator(".sc-tick, .sc-case-label")
        boxes = []
        for j in range(labels.count()):
            b = labels.nth(j).bounding_box()
            assert b, j
            assert outer["x"] - 0.5 <= b["x"] and b["x"] + b["width"] <= outer["x"] + outer["width"] + 0.5, \
                (labels.nth(j).inner_text(), b, outer)
            if "sc-case-label" in (labels.nth(j).get_attribute("class") or ""):
                boxes.append(b)
            checked += 1
        for k, a in enumerate(boxes):
            for b in boxes[k + 1:]:
                assert (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                        or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]), (a, b)
        # every tick label on one line (the last one, pushed left of the edge, once wrapped to "3 / 年")
        ticks = chart.locator(".sc-tick")
        tick_boxes = [ticks.nth(j).bounding_box() for j in range(ticks.count())]
        heights = {round(b["height"]) for b in tick_boxes}
        assert len(heights) == 1, (heights, ticks.all_inner_texts())
        # and side by side without touching ("9年" and "10年" once overlapped on the ten-year scale)
        for left, right in zip(tick_boxes, tick_boxes[1:]):
            assert left["x"] + left["width"] <= right["x"], (ticks.all_inner_texts(), left, right)
    assert checked >= 4
