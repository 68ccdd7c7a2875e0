"""Issue 13 §4, the tools lawyers expect of a legal reference: shorthand citations in search (the alias
index from the law registry, its browser twin), "拘留" ranking, statute pages (effective dates, Chinese
confidence, the list of laws). One strict build (tests/browser_support.py); browser tests in Debian's
chromium."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser_support import ROOT, SiteServer, build_result, chromium_available, launch_chromium

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "site_hooks"))

import search_zh

import law_pages
from calculators.laws import registry

pytestmark = pytest.mark.slow

SHORTHAND = [
    ("刑法266条", ("xingfa", "art-266")),
    ("刑法第266条", ("xingfa", "art-266")),
    ("刑法第二百六十六条", ("xingfa", "art-266")),
    ("刑法２６６条", ("xingfa", "art-266")),
    (" 刑法 266 条 ", ("xingfa", "art-266")),
    ("《刑法》第264条", ("xingfa", "art-264")),
    ("刑法287条之一", ("xingfa", "art-287-1")),
    ("治安管理处罚法第58条", ("zhian-2025", "art-58")),
    ("治安法58条", ("zhian-2025", "art-58")),
    ("治安管理处罚法（2012）第49条", ("zhian-2012", "art-49")),
    ("民法典148条", ("minfadian", "art-148")),
    ("电子商务法第六十二条", ("dianshang-2018", "art-62")),
]


@pytest.fixture(scope="module")
def site() -> Path:
    return build_result()[0]


# ---------- the alias index (Python) --------------------------------------------------------------

@pytest.mark.parametrize("query,expected", SHORTHAND)
def test_shorthand_resolves_to_the_article(query, expected):
    assert search_zh.resolve(query) == expected
    law_id, anchor = expected
    assert anchor in law_pages.anchors(law_id)


@pytest.mark.parametrize("query", ["刑法", "诈骗", "第266条", "公司法1条", "民法典9999条", "刑法第二百六十六", "",
                                   "刑法第条", "刑法之一", "１２３", "刑法第266条之", "　"])
def test_odd_queries_resolve_to_nothing_without_error(query):
    assert search_zh.resolve(query) is None


def test_current_text_comes_first_for_a_name_with_two_versions():
    names = search_zh.alias_index()["names"]
    assert names["治安管理处罚法"][0] == "zhian-2025" and "zhian-2012" in names["治安管理处罚法"]
    # an article only the older text has is still found through the shared name
    only_old = sorted(set(law_pages.anchors("zhian-2012")) - set(law_pages.anchors("zhian-2025")))
    assert only_old, "the 2025 text is an excerpt"
    n = re.fullmatch(r"art-(\d+)", next(a for a in only_old if re.fullmatch(r"art-\d+", a))).group(1)
    assert search_zh.resolve(f"治安法第{n}条") == ("zhian-2012", f"art-{n}")


def test_cn_numbers():
    assert [search_zh.cn_number(t) for t in ("266", "二百六十六", "十", "十二", "一百零八", "两千", "九九")] == \
        [266, 266, 10, 12, 108, 2000, 9]
    assert search_zh.cn_number("二百x") is None


# ---------- the built site: tokens, worker, boosts ------------------------------------------------

def _docs(site: Path) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text("utf-8"))["docs"]


def test_every_article_carries_its_alias_token_in_the_index(site):
    docs = {d["location"]: d for d in _docs(site)}
    for law_id in registry():
        for anchor in law_pages.anchors(law_id):
            token = law_pages.alias_token(law_id, anchor)
            if not token:
                continue
            doc = docs.get(f"laws/{law_id}/#{anchor}")
            assert doc is not None, (law_id, anchor)
            assert token in re.split(r"[\s\u200b]+", re.sub(r"<[^>]+>", " ", doc["text"])), (law_id, anchor)


def test_pages_use_the_alias_worker_which_loads_materials_worker(site):
    for rel in ("index.html", "laws/xingfa/index.html", "criminal/index.html"):
        config = re.search(r'<script id="__config" type="application/json">(.*?)</script>',
                           (site / rel).read_text("utf-8")).group(1)
        assert json.loads(config)["search"].endswith("workers/search-aliases.js"), rel
    worker = (site / "assets/javascripts/workers/search-aliases.js").read_text("utf-8")
    material = re.search(r'importScripts\("([^"]+)"\)', worker).group(1)
    assert (site / "assets/javascripts/workers" / material).is_file()
    assert "search-aliases.js" in (site / "sw.js").read_text("utf-8")


def test_detention_pages_are_boosted_above_criminal_procedure(site):
    boost = {}
    for d in _docs(site):
        page = d["location"].split("#")[0]
        boost[page] = d.get("boost", 1)
    assert boost["administrative/"] > 1 and boost["laws/zhian-2025/"] > boost["laws/xingshi-susong-2018/"]


# ---------- statute pages ---------------------------------------------------------------------------

def _info_table(site: Path, law_id: str) -> dict[str, str]:
    text = (site / "laws" / law_id / "index.html").read_text("utf-8")
    table = text[text.index("<table>"): text.index("</table>")]
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*</tr>", table, re.S)
    return {re.sub(r"<[^>]+>", "", k).strip(): re.sub(r"<[^>]+>", "", v).strip() for k, v in rows}


@pytest.mark.parametrize("law_id", sorted(registry()))
def test_info_table_gives_the_dates_and_the_confidence_in_chinese(site, law_id):
    info = _info_table(site, law_id)
    law = registry()[law_id]
    dates = info["施行日期"]
    assert "见文本首部" not in dates
    if dates != "本站收录的文本和资料都没有写明施行日期（待核实）":
        assert re.search(r"\d{4}(-\d{2}-\d{2}|年\d{1,2}月\d{1,2}日)", dates), (law_id, dates)
    else:
        assert not law.in_force_from and not law_pages._text_in_force(law_id)[0]
    if law.in_force_from:
        assert law.in_force_from in dates
    assert not re.search(r"[A-Z]{4,}", info["可信度"]), info["可信度"]
    assert info["可信度"] == law_pages.CONFIDENCE_LABELS[law.confidence]


def test_xingfa_effective_date_is_the_texts_own():
    xingfa = law_pages._dates(registry()["xingfa"])
    assert "1997年10月1日起施行" in xingfa and "最近一次修改：2023年12月29日通过《中华人民共和国刑法修正案（十二）》" in xingfa
    assert "2018年10月26日修正" in law_pages._dates(registry()["xingshi-susong-2018"])
    assert "修改" not in law_pages._dates(registry()["susong-feiyong-2006"])


def test_every_statute_page_lists_the_laws_to_move_between(site):
    for law_id in registry():
        text = (site / "laws" / law_id / "index.html").read_text("utf-8")
        nav = re.search(r'<nav class="law-nav"[^>]*>(.*?)</nav>', text, re.S)
        assert nav, law_id
        hrefs = re.findall(r'href="\.\./([^/"]+)/"', nav.group(1))
        assert set(hrefs) == set(registry()), law_id
        assert re.search(rf'href="\.\./{law_id}/" aria-current="page"', nav.group(1))


# ---------- in the browser ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(site):
    if not chromium_available():
        pytest.skip("/usr/bin/chromium not installed")
    from playwright.sync_api import sync_playwright
    with SiteServer(site) as server, sync_playwright() as pw:
        b = launch_chromium(pw)
        context = b.new_context(viewport={"width": 1280, "height": 900})
        yield server, context
        context.close()
        b.close()


def search_box(server, context, query: str) -> list[list[str]]:
    page = context.new_page()
    try:
        page.goto(server.origin + "/")
        page.click("input.md-search__input")
        page.keyboard.type(query, delay=15)
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        groups = page.eval_on_selector_all(
            ".md-search-result__item", "items => items.map(i => [...i.querySelectorAll('a')].map(a => a.href))")
        return [[urlsplit(h).path.lstrip("/") + ("#" + urlsplit(h).fragment if urlsplit(h).fragment else "")
                 for h in hrefs] for hrefs in groups]
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("query,expected", SHORTHAND[:3] + SHORTHAND[3:5] + SHORTHAND[7:11])
def test_search_box_leads_shorthand_to_the_article(browser, query, expected):
    server, context = browser
    law_id, anchor = expected
    groups = search_box(server, context, query)
    assert groups, query
    assert f"laws/{law_id}/#{anchor}" in groups[0][:3], (query, groups[:2])


@pytest.mark.browser
@pytest.mark.parametrize("query", ["第２６６条", "第266条", "第 二百六十六 条"])
def test_search_box_answers_article_numbers_without_a_law(browser, query):
    server, context = browser
    groups = search_box(server, context, query)
    assert any("laws/xingfa/#art-266" in g[:3] for g in groups[:5]), groups[:5]


def test_rewrite_without_a_law_names_every_text_with_that_article():
    tokens = search_zh.rewrite("第266条").split()
    assert "xingfaart266" in tokens and all(t.endswith("art266") for t in tokens)
    assert search_zh.rewrite("拘留") == "拘留" and search_zh.rewrite("第9999条") == "第9999条"


@pytest.mark.browser
def test_detention_ranks_the_current_text_and_the_administrative_page_above_criminal_procedure(browser):
    server, context = browser
    pages = [g[0].split("#")[0] for g in search_box(server, context, "拘留")]
    assert "administrative/" in pages and "laws/zhian-2025/" in pages, pages[:10]
    if "laws/xingshi-susong-2018/" in pages:
        procedure = pages.index("laws/xingshi-susong-2018/")
        assert pages.index("administrative/") < procedure and pages.index("laws/zhian-2025/") < procedure, pages[:10]
