"""The knowledge base as built: every nav page exists, every citation link lands on an article of its
statute page, the statute pages reproduce legal/ word for word, PARTIAL texts say 待核实, every
content page carries the legal-information notice, Chinese search finds each topic, and the criminal
page's threshold table shows the rule data's figures. One strict build of the real mkdocs.yml
(tests/browser_support.py), parsed with the standard library's html.parser."""

from __future__ import annotations

import html.parser
import json
import posixpath
import re
import sys
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from browser_support import ROOT, build_result

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "site_hooks"))

import law_pages
import rule_tables
from calculators import ruleset
from calculators.laws import parse_text, registry
from calculators.money import format_yuan

pytestmark = pytest.mark.slow

CONTENT_PAGES = ["index.md", "civil.md", "administrative.md", "criminal.md", "platform.md", "measures.md",
                 "checklist.md", "cases.md", "changelog.md", "about.md"]


@pytest.fixture(scope="module")
def site() -> Path:
    return build_result()[0]


def page_path(site: Path, src: str) -> Path:
    """Built file of a docs source path (use_directory_urls: civil.md -> civil/index.html)."""
    if src == "index.md" or src.endswith("/index.md"):
        return site / (src[: -len("index.md")] + "index.html")
    return site / src[: -len(".md")] / "index.html"


def page_url(site: Path, path: Path) -> str:
    """Site-relative directory URL of a built page ("laws/xingfa/")."""
    rel = path.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


# ---------- a small HTML model of a built page -----------------------------------------------------

class Page(html.parser.HTMLParser):
    """ids, links, the article text, and the statute units (heading id -> label and paragraphs)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.units: dict[str, list[str]] = {}
        self.unit_order: list[str] = []
        self.classes_seen: dict[str, list[str]] = {}
        self.article_text: list[str] = []
        self._unit: str | None = None
        self._para: list[str] | None = None
        self._in_article = 0
        self._capture: list[tuple[str, list[str]]] = []  # (class, text) for elements we want the text of
        self.feed(text)

    VOID = {"br", "img", "hr", "input", "meta", "link", "source", "wbr", "area", "col", "embed", "param", "track"}

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag in self.VOID:
            return
        cls = a.get("class", "").split()
        self.stack.append((tag, a))
        if tag == "article":
            self._in_article += 1
        if tag == "section" and "law-unit" in cls:
            self._unit = ""
        if self._unit == "" and re.fullmatch(r"h[1-6]", tag) and "id" in a:
            self._unit = a["id"]
            self.units[self._unit] = []
            self.unit_order.append(self._unit)
        if self._unit and tag == "p":
            self._para = []
        for c in ("admonition", "legal-notice", "thresholds-table"):
            if c in cls:
                self._capture.append((c, []))

    def handle_endtag(self, tag):
        # pop to the matching tag (tolerates the odd unclosed element)
        while self.stack:
            t, a = self.stack.pop()
            cls = a.get("class", "").split()
            if t == "p" and self._para is not None and self._unit:
                self.units[self._unit].append("".join(self._para))
                self._para = None
            if t == "section" and "law-unit" in cls:
                self._unit = None
            if t == "article":
                self._in_article -= 1
            for c in ("admonition", "legal-notice", "thresholds-table"):
                if c in cls:
                    for i in range(len(self._capture) - 1, -1, -1):
                        if self._capture[i][0] == c:
                            name, buf = self._capture.pop(i)
                            self.classes_seen.setdefault(name, []).append("".join(buf))
                            break
            if t == tag:
                break

    def handle_data(self, data):
        if self._para is not None:
            self._para.append(data)
        if self._in_article:
            self.article_text.append(data)
        for _, buf in self._capture:
            buf.append(data)


@cache
def parsed(path: Path) -> Page:
    return Page(path.read_text("utf-8"))


# ---------- the nav --------------------------------------------------------------------------------

def nav_sources() -> list[str]:
    text = (ROOT / "mkdocs.yml").read_text("utf-8")
    nav = text[text.index("\nnav:"):]
    return re.findall(r"([\w./-]+\.md)\s*$", nav, flags=re.M)


def test_every_nav_page_is_built(site):
    sources = nav_sources()
    assert set(CONTENT_PAGES) | {"laws/index.md"} <= set(sources)
    missing = [s for s in sources if not page_path(site, s).is_file()]
    assert not missing, missing


def test_every_registry_law_has_a_statute_page_listed_on_the_index(site):
    index = parsed(page_path(site, "laws/index.md"))
    for law_id, law in registry().items():
        assert page_path(site, f"laws/{law_id}/index.md").is_file(), law_id
        assert any(posixpath.normpath(posixpath.join("laws/", unquote(h))) == f"laws/{law_id}"
                   for h in index.links), f"laws/index does not link {law_id}"
        assert law.title in "".join(parsed(page_path(site, f"laws/{law_id}/index.md")).article_text)


# ---------- statute text = legal/ ------------------------------------------------------------------

@pytest.mark.parametrize("law_id", sorted(registry()))
def test_statute_page_reproduces_the_text_word_for_word(site, law_id):
    law = registry()[law_id]
    expected: dict[str, list[str]] = {}
    order: list[str] = []
    for rel in law.files:
        _, units = parse_text((ROOT / "legal" / rel).read_text("utf-8"))
        for u in units:
            expected[u.anchor] = list(u.paragraphs)
            order.append(u.anchor)
    page = parsed(page_path(site, f"laws/{law_id}/index.md"))
    assert page.unit_order == order, f"{law_id}: units missing, extra or out of order"
    for anchor in order:
        assert page.units[anchor] == expected[anchor], f"{law_id}#{anchor} differs from legal/"


def test_known_articles_have_their_anchor_and_text(site):
    # Independent of parse_text: the raw line of the source file for 刑法第二百六十六条 and 之一.
    raw = (ROOT / "legal/texts/xingfa.md").read_text("utf-8").splitlines()
    line266 = next(line for line in raw if line.startswith("第二百六十六条 "))
    page = parsed(page_path(site, "laws/xingfa/index.md"))
    assert page.units["art-266"] == [line266.split(" ", 1)[1].strip()]
    assert "art-287-1" in page.ids and page.units["art-287-1"]
    assert "第二百八十七条之一" in "".join(page.article_text)


@pytest.mark.parametrize("law_id", sorted(lid for lid, law in registry().items() if law.confidence != "VERIFIED"))
def test_partial_texts_say_pending_verification(site, law_id):
    page = parsed(page_path(site, f"laws/{law_id}/index.md"))
    warnings = page.classes_seen.get("admonition", [])
    assert any("待核实" in w for w in warnings), f"{law_id}: no 待核实 banner"


def test_minfadian_page_says_only_three_books(site):
    page = parsed(page_path(site, "laws/minfadian/index.md"))
    text = "".join(page.article_text)
    assert "只收录" in text and "总则" in text and "合同编" in text and "侵权责任编" in text


# ---------- every citation resolves ----------------------------------------------------------------

def test_every_link_to_a_statute_anchor_resolves(site):
    statute_ids = {law_id: parsed(page_path(site, f"laws/{law_id}/index.md")).ids for law_id in registry()}
    checked = 0
    bad: list[str] = []
    for path in sorted(site.rglob("*.html")):
        base = page_url(site, path)
        for href in parsed(path).links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            target = posixpath.normpath(posixpath.join(base or ".", unquote(parts.path))) + "/"
            m = re.fullmatch(r"laws/([a-z0-9-]+)/", target)
            if not m:
                continue
            law_id = m.group(1)
            if law_id not in statute_ids:
                bad.append(f"{base}: {href} (no such law page)")
                continue
            if parts.fragment:
                checked += 1
                if parts.fragment not in statute_ids[law_id]:
                    bad.append(f"{base}: {href}")
    assert not bad, bad[:20]
    assert checked > 200, checked  # the content pages cite a lot: a collapse to zero would hide a bug


def test_content_pages_cite_the_core_articles(site):
    wanted = {
        "criminal.md": ["laws/xingfa/#art-266", "laws/zhapian-jieshi-2011/#art-1", "laws/xingfa/#art-87"],
        "administrative.md": ["laws/zhian-2012/#art-49", "laws/zhian-2025/#art-58",
                              "laws/xingzheng-chufa-2021/#art-37"],
        "civil.md": ["laws/minfadian/#art-148", "laws/minfadian/#art-152", "laws/minfadian/#art-157",
                     "laws/minfadian/#art-188", "laws/zongze-jieshi-2022/#art-21"],
        "platform.md": ["laws/dianshang-2018/#art-32", "laws/wangluo-jiaoyi-pingtai-guize-2025/#art-19",
                        "laws/wangluo-jiaoyi-pingtai-guize-2025/#art-21",
                        "laws/wangluo-jiaoyi-pingtai-guize-2025/#art-27"],
    }
    for src, targets in wanted.items():
        path = page_path(site, src)
        base = page_url(site, path)
        resolved = set()
        for href in parsed(path).links:
            p = urlsplit(href)
            resolved.add(posixpath.normpath(posixpath.join(base, unquote(p.path))) + "/#" + p.fragment)
        for t in targets:
            assert t in resolved, (src, t)


def test_no_unrendered_syntax_is_left_on_any_page(site):
    for src in nav_sources():
        path = page_path(site, src)
        if path.is_file():
            text = "".join(parsed(path).article_text)
            assert "[[" not in text and "{{" not in text, src


def test_malformed_citation_fails_the_build(tmp_path):
    class F:  # the two attributes of mkdocs' Page the hook reads
        src_uri = "civil.md"
    class P:
        file = F()
        meta: dict = {}
    from mkdocs.exceptions import PluginError
    with pytest.raises(PluginError, match="malformed"):
        rule_tables.on_page_markdown("# 标题\n\n见[[xingfa#art 266]]。", P(), None, None)
    out = rule_tables.on_page_markdown("# 标题\n\n见[[xingfa#art-266]]。", P(), None, None)
    assert "legal-notice" in out and "laws/xingfa/index.md#art-266" in out


def test_every_case_has_its_anchor_on_the_cases_page(site):
    page = parsed(page_path(site, "cases.md"))
    pack_ids = re.findall(r"^### (C\d+)", (ROOT / "legal" / "cases.md").read_text("utf-8"), flags=re.M)
    engine_ids = [c["id"] for c in ruleset.load().cases]
    assert len(pack_ids) >= 25 and engine_ids
    for cid in pack_ids + engine_ids:
        assert cid.lower() in page.ids, cid
    assert not {i for i in page.ids if re.fullmatch(r"c\d+", i)} - {c.lower() for c in pack_ids}


def test_about_page_names_the_rules_version(site):
    assert ruleset.rules_version() in "".join(parsed(page_path(site, "about.md")).article_text)


def _statute(citation_id: str) -> str:
    law_id, _, anchor = citation_id.partition("#")
    return "".join(law_pages.unit_text(law_id, anchor).paragraphs)


def test_law_quoted_by_the_rule_data_is_verbatim():
    """The engine's data quotes the law in places (shown in results); it must equal legal/."""
    for v in ruleset.administrative_versions():
        assert v["text"] == _statute(v["citation"]), v["citation"]
        assert v["discovery_text"] in _statute(v["discovery_citation"]), v["discovery_citation"]
    art266 = _statute("xingfa#art-266")
    for t in ruleset.criminal_tiers():
        if t["statutory_text"]:
            assert t["statutory_text"] in art266, t["tier"]


def test_block_quotes_of_the_law_are_verbatim(site):
    """Every block quote on a content page that cites an article carries that article's text."""
    checked = 0
    for src in CONTENT_PAGES:
        text = page_path(site, src).read_text("utf-8")
        base = page_url(site, page_path(site, src))
        for block in re.findall(r"<blockquote>(.*?)</blockquote>", text, flags=re.S):
            links = re.findall(r'href="([^"]*laws/[^"]*#[^"]+)"', block)
            if not links:
                continue
            plain = re.sub(r"<[^>]+>", "", block)
            for href in links:
                p = urlsplit(href)
                law_id = posixpath.normpath(posixpath.join(base, p.path)).split("/")[1]
                body = _statute(f"{law_id}#{p.fragment}")
                assert body in re.sub(r"\s+", "", plain), (src, law_id, p.fragment)
                checked += 1
    assert checked >= 3, checked


def test_unknown_citation_fails_the_build():
    with pytest.raises(rule_tables.ContentError, match="xingfa#art-9999"):
        rule_tables.render_citations("见[[xingfa#art-9999]]。", "criminal.md")
    with pytest.raises(rule_tables.ContentError, match="unknown law id"):
        rule_tables.render_citations("见[[no-such-law#art-1]]。", "criminal.md")
    with pytest.raises(rule_tables.ContentError, match="unknown table"):
        rule_tables.render_markers("{{ table:nope }}", "criminal.md")
    with pytest.raises(rule_tables.ContentError, match="unknown value"):
        rule_tables.render_markers("{{ value:nope }}", "criminal.md")
    link = rule_tables.render_citations("[[xingfa#art-266]]", "tools/photo/index.md")
    assert "(../../laws/xingfa/index.md#art-266" in link and "[刑法第二百六十六条]" in link


# ---------- notice, 待核实 -------------------------------------------------------------------------

def test_every_content_page_has_the_notice_with_the_checked_date(site):
    for src in nav_sources():
        if src.startswith("laws/") and src != "laws/index.md":
            continue
        path = page_path(site, src)
        if not path.is_file():
            continue  # test_every_nav_page_is_built reports it
        notices = parsed(path).classes_seen.get("legal-notice", [])
        assert notices, f"{src}: no legal-information notice"
        assert "不是法律意见" in notices[0], src
        # the page's own 核对日期 (front matter "checked"), not one date for the whole site
        source = ROOT / "docs" / src
        front = source.read_text("utf-8").split("---")[1] if source.is_file() else ""  # laws/index.md is generated
        checked = re.search(r"^checked:\s*(\S+)", front, re.M)
        if checked:
            assert f"本页核对日期：{checked.group(1)}" in notices[0], src
        else:
            assert "/" in src and "本页没有单独注明核对日期" in notices[0], src


def test_pages_that_rest_on_partial_or_open_points_say_so(site):
    for src in ("criminal.md", "administrative.md", "platform.md", "measures.md", "civil.md"):
        warnings = parsed(page_path(site, src)).classes_seen.get("admonition", [])
        assert any("待核实" in w or "未决" in w for w in warnings), src


# ---------- the thresholds table = the rule data ---------------------------------------------------

def _table_rows(fragment: str) -> list[list[str]]:
    class T(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            if tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append("".join(self.cell).strip())
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    t = T()
    t.feed(fragment)
    return t.rows


def test_criminal_page_threshold_table_matches_the_rule_data(site):
    from calculators.labels import confidence_label

    text = page_path(site, "criminal.md").read_text("utf-8")
    start = text.index('class="rule-table thresholds-table"')
    table = text[start: text.index("</table>", start)]
    rows = _table_rows(table)[1:]  # skip the header
    data = ruleset.thresholds_table()
    assert len(rows) == len(data)
    for row, d in zip(rows, data):
        assert row[0].startswith(d["name"]), (row[0], d["name"])
        if d["region_label"]:
            assert d["region_label"] in row[0]
        for cell, tier in zip(row[1:4], ("large", "huge", "especially_huge")):
            figure = re.match(r"[\d,]+", cell)
            if d[tier] is None:
                assert figure is None and "全国幅度" in cell, (d["short"], tier, cell)
            else:
                assert figure and int(figure.group(0).replace(",", "")) == d[tier], (d["short"], tier, cell)
        confidence = row[5]
        assert confidence.startswith(confidence_label(d["confidence"])), (d["short"], confidence)
        if d["pending_verification"]:
            assert "待核实" in confidence, (d["short"], confidence)
        if d["reader_note"]:  # 浙江, 山东: VERIFIED figures from an unnamed document
            assert d["reader_note"] in confidence, (d["short"], confidence)
    # every province of the data appears, each once per region
    assert {d["code"] for d in data} == set(re.findall(r'id="th-(\d{6})', table))


def test_prose_figures_come_from_the_rule_data(site):
    admin = {v["version"]: v for v in ruleset.administrative_versions()}
    text = "".join(parsed(page_path(site, "administrative.md")).article_text)
    assert format_yuan(admin["2025"]["fine_max_yuan"]) in text or rule_tables._cn_yuan(admin["2025"]["fine_max_yuan"]) in text
    assert rule_tables._cn_days(admin["2025"]["detention_days"]) in text
    home = "".join(parsed(page_path(site, "index.md")).article_text)
    large = ruleset.national_ranges()["ranges"]["large"]
    assert f"{format_yuan(large['min'])}至{format_yuan(large['max'])}" in home  # the one style, "3,000 元"


# ---------- Chinese search ------------------------------------------------------------------------

SEP = re.compile(r"[\s\u200b\-，。、；：？！（）《》“”]+")


@cache
def search_docs(site: Path) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text("utf-8"))["docs"]


def search(site: Path, term: str) -> list[str]:
    """Pages ranked the way the search box ranks them, roughly: a token (or its prefix) in a section
    title weighs 1000 (the index's title boost), in the text 1 per occurrence; a page scores by its best
    section."""
    best: dict[str, float] = {}
    for d in search_docs(site):
        title = [t for t in SEP.split(re.sub(r"<[^>]+>", " ", d["title"])) if t]
        text = [t for t in SEP.split(re.sub(r"<[^>]+>", " ", d["text"])) if t]
        score = 1000 * sum(t.startswith(term) for t in title) + sum(t.startswith(term) for t in text)
        if score:
            page = d["location"].split("#")[0]
            best[page] = max(best.get(page, 0), score)
    return sorted(best, key=lambda p: -best[p])


@pytest.mark.parametrize("term,expected", [
    ("仅退款", ""), ("诈骗", "criminal/"), ("拘留", "administrative/"), ("欺诈", "civil/"),
    ("平台", "platform/"), ("举报", "checklist/"), ("第二百六十六条", "laws/xingfa/"),
])
def test_search_finds_each_topic(site, term, expected):
    ranked = search(site, term)
    assert expected in ranked[:5], (term, ranked[:10])


# ---------- in the browser: the search box and the copy-citation button ------------------------------

from browser_support import SiteServer, chromium_available, launch_chromium  # noqa: E402


@pytest.fixture(scope="module")
def browser_page(site):
    if not chromium_available():
        pytest.skip("/usr/bin/chromium not installed")
    from playwright.sync_api import sync_playwright
    with SiteServer(site) as server, sync_playwright() as pw:
        browser = launch_chromium(pw)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        hosts: list[str] = []
        context.on("request", lambda r: hosts.append(urlsplit(r.url).netloc))
        yield server, context
        context.close()
        browser.close()
        assert set(hosts) <= {f"127.0.0.1:{server.port}"}, set(hosts)


def _search_box(server, context, query: str) -> list[list[str]]:
    """The result groups the search box shows (one per page: the page, then its matching sections),
    each as site-relative "path#fragment" strings."""
    page = context.new_page()
    try:
        page.goto(server.origin + "/")
        page.click("input.md-search__input")
        page.keyboard.type(query, delay=20)
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        groups = page.eval_on_selector_all(
            ".md-search-result__item", "items => items.map(i => [...i.querySelectorAll('a')].map(a => a.href))")
        out = []
        for hrefs in groups:
            parts = [urlsplit(h) for h in hrefs]
            out.append([p.path.lstrip("/") + ("#" + p.fragment if p.fragment else "") for p in parts])
        return out
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("query,expected", [
    ("第二百六十六条", "laws/xingfa/#art-266"),
    ("第一百四十八条", "laws/minfadian/#art-148"),
    ("266", "laws/xingfa/#art-266"),
    ("拘留", "administrative/"),
    ("欺诈", "civil/"),
    ("举报", "checklist/"),
])
def test_search_box_finds_it(browser_page, query, expected):
    server, context = browser_page
    groups = _search_box(server, context, query)[:5]
    pages = [g[0].split("#")[0] for g in groups]
    assert expected.split("#")[0] in pages, (query, pages)
    if "#" in expected:
        group = groups[pages.index(expected.split("#")[0])]
        assert expected in group[:3], (query, group[:10])  # the page, then its best sections


@pytest.mark.browser
def test_copy_citation_builds_the_citation_from_the_page(browser_page):
    server, context = browser_page
    page = context.new_page()
    page.goto(server.origin + "/laws/xingfa/#art-266")
    button = page.locator("#art-266 ~ button.law-cite")
    button.click()
    page.wait_for_function("b => b.dataset.citation", arg=button.element_handle())
    citation = button.get_attribute("data-citation")
    line = next(x for x in (ROOT / "legal/texts/xingfa.md").read_text("utf-8").splitlines()
                if x.startswith("第二百六十六条 "))
    assert citation.startswith("《中华人民共和国刑法》第二百六十六条：" + line.split(" ", 1)[1].strip())
    assert f"{server.origin}/laws/xingfa/#art-266" in citation
    assert registry()["xingfa"].version in citation
    # a PARTIAL text says so in the copied citation
    page.goto(server.origin + "/laws/liangxing-2021/#item-3-4")
    button = page.locator("#item-3-4 ~ button.law-cite")
    button.click()
    page.wait_for_function("b => b.dataset.citation", arg=button.element_handle())
    assert "待核实" in button.get_attribute("data-citation")
    page.close()
