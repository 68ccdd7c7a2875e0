"""The rule data against the legal source pack: every figure, date, quote and citation."""

from __future__ import annotations

import csv
import re
import sys
from datetime import date

import pytest

from calculators import ruleset
from calculators.laws import cite, parse_text
from conftest import ROOT

RS = ruleset.load()
CSV_ROWS = list(csv.DictReader((ROOT / "legal" / "thresholds.csv").open(encoding="utf-8")))


def article(law_file: str, anchor: str) -> str:
    _, units = parse_text((ROOT / "legal" / law_file).read_text("utf-8"))
    return "\n".join(next(u for u in units if u.anchor == anchor).paragraphs)


def test_all_31_provinces_keyed_by_gb2260():
    assert len(RS.provinces) == 31
    assert {r["gb2260_code"] for r in CSV_ROWS} == set(RS.provinces)
    for p in RS.provinces.values():
        assert p.name.startswith(p.short)


@pytest.mark.parametrize("row", CSV_ROWS, ids=[f"{r['province']}-{r['region_note'][:4]}" for r in CSV_ROWS])
def test_figures_match_thresholds_csv(row):
    p = RS.provinces[row["gb2260_code"]]
    assert p.short == row["province"] and p.confidence == row["confidence"]
    (v,) = p.versions
    assert v.confidence == row["confidence"]
    assert v.document == row["document"]
    if row["confidence"] == "UNKNOWN":
        assert not v.has_figures
        return
    if v.regions:
        cls = "class1" if row["region_note"].startswith("一类") else "class2"
        t = next(r for r in v.regions if r.code == cls).thresholds
        for city in re.findall(r"[\u4e00-\u9fff]{2}", row["region_note"].split(";")[0].split("（", 1)[1]):
            assert city in next(r for r in v.regions if r.code == cls).cities
    else:
        t = v.thresholds
    for k in ("large", "huge", "especially_huge"):
        want = int(row[k]) if row[k] else 500000  # an empty figure falls back to the national value
        assert t.get(k) == want
    refs = v.sources + (v.alternative.sources if v.alternative else ())  # each reading carries its own sources
    for url in re.findall(r"https?://\S+", row["source"]):
        assert any(url.rstrip(";,") in s for s in refs), url


def test_effective_dates_only_where_the_pack_gives_them():
    dates = {p.short: (v.valid_from, v.date_known) for p in RS.provinces.values() for v in p.versions}
    assert dates["云南"] == (date(2013, 8, 1), True)
    assert dates["重庆"] == (date(2013, 7, 1), True)
    assert dates["广东"] == (date(2014, 4, 25), True)
    assert dates["湖北"] == (date(2012, 7, 1), True)
    assert dates["上海"] == (date(2011, 7, 21), True)
    assert dates["四川"] == (date(2011, 10, 1), True)   # a news report's effective date (REPORTED)
    assert dates["海南"] == (date(2012, 12, 20), True)  # the joint rule's date as cited in 2013
    for short in ("浙江", "山东", "北京", "辽宁", "贵州"):
        assert dates[short] == (None, False)
    for p in RS.provinces.values():
        for v in p.versions:
            assert v.valid_from is None or v.valid_from >= RS.national_from  # never pre-2011 figures


def test_national_ranges_from_the_2011_interpretation():
    text = article("texts/zhapian-jieshi-2011.md", "art-1")
    assert "三千元至一万元以上、三万元至十万元以上、五十万元以上" in text
    assert RS.national_ranges == {"large": (3000, 10000), "huge": (30000, 100000), "especially_huge": (500000, 500000)}
    assert RS.national_from == date(2011, 4, 8)


def test_caveats_named_by_the_pack():
    v = {p.short: p.versions[0] for p in RS.provinces.values()}
    assert any("2023" in c for c in v["上海"].caveats)
    assert any("文号" in c for c in v["浙江"].caveats) and any("文号" in c for c in v["山东"].caveats)
    assert v["辽宁"].especially_huge_fallback and any("500,000 元" in c for c in v["辽宁"].caveats)
    for short in ("河北", "山西", "陕西", "新疆"):
        assert any("薄弱" in c for c in v[short].caveats)
    kinds = {p.short: [s.kind for s in p.versions[0].specials] for p in RS.provinces.values()}
    assert kinds["上海"] == ["lower_large_floor"] and kinds["湖北"] == ["aggravated_floors"]
    assert kinds["江苏"] == ["near_large", "near"] and kinds["北京"] == ["aggravated_floors"]
    for short in ("新疆", "陕西", "山西"):
        assert kinds[short] == ["near"]


def test_near_figures_from_the_characterisation_research():
    """legal/characterisation-and-sentencing.md §2: each province's own 接近 figures with their confidence."""
    v = {p.short: p.versions[0] for p in RS.provinces.values()}
    near = {short: next((s for s in v[short].specials if s.kind in ("near", "aggravated_floors")), None)
            for short in ("北京", "湖北", "江苏", "新疆", "陕西", "山西")}
    got = {k: (s.floors.huge, s.floors.especially_huge, s.confidence) for k, s in near.items() if s and s.floors}
    assert got == {"北京": (80000, 400000, "VERIFIED"), "湖北": (30000, 300000, "VERIFIED"),
                   "江苏": (48000, None, "REPORTED"), "新疆": (40000, 400000, "REPORTED"),
                   "陕西": (40000, 450000, "REPORTED"), "山西": (None, 450000, "REPORTED")}
    text = (ROOT / "legal" / "characterisation-and-sentencing.md").read_text("utf-8")
    assert "Lowest share found anywhere: 60% (湖北)" in text
    assert RS.criminal["art2"]["near"]["lowest_share"] == "0.6"
    hubei = v["湖北"].specials[0].floors
    assert (hubei.large, hubei.huge, hubei.especially_huge) == (3000, 30000, 300000)
    beijing = v["北京"].specials[0]
    assert (beijing.floors.huge, beijing.floors.especially_huge) == (80000, 400000)
    assert "gang_leader" in beijing.circumstances


def test_shanghai_conflict_carries_both_readings():
    """thresholds.csv (2026-11-29): the 2011 figures 10,000 / 100,000 against two later REPORTED sources
    (5,000 / 50,000 / 500,000); the row stays VERIFIED and the second reading is REPORTED."""
    row = next(r for r in CSV_ROWS if r["province"] == "上海")
    assert "CONFLICT" in row["region_note"] and "5,000 / 50,000 / 500,000" in row["region_note"]
    (v,) = RS.provinces["310000"].versions
    assert (v.thresholds.large, v.thresholds.huge) == (10000, 100000)
    alt = v.alternative
    assert alt is not None and alt.confidence == "REPORTED"
    assert (alt.thresholds.large, alt.thresholds.huge, alt.thresholds.especially_huge) == (5000, 50000, 500000)
    for s in alt.sources:
        assert s.split(" ")[0] in row["source"]


def test_criminal_tiers_quote_article_266_verbatim():
    text = article("texts/xingfa.md", "art-266")
    assert RS.criminal["article"]["text"] in text
    for t in ruleset.criminal_tiers():
        if t["tier"] != "none":
            assert t["statutory_text"] in text, t["tier"]
    art87 = article("texts/xingfa.md", "art-87")
    for t in ruleset.criminal_tiers()[1:]:
        assert t["limitation_item"].split("。")[0] in art87
    years = {t["tier"]: t["limitation_years"] for t in ruleset.criminal_tiers()}
    assert years == {"none": None, "large": 5, "huge": 15, "especially_huge": 20}
    tiers = {t["tier"]: t for t in ruleset.criminal_tiers()}
    assert tiers["especially_huge"]["life"] and tiers["especially_huge"]["max_years"] is None  # no stand-in 0


def test_administrative_quotes_and_figures():
    a = {v["version"]: v for v in ruleset.administrative_versions()}
    assert a["2012"]["text"] in article("texts/zhian-2012.md", "art-49")
    assert a["2025"]["text"] in article("texts/zhian-2025-excerpts.md", "art-58")
    assert (a["2012"]["fine_max_yuan"], a["2012"]["serious"]["fine_max_yuan"], a["2012"]["fine_alone_possible"]) == (500, 1000, False)
    assert (a["2025"]["fine_max_yuan"], a["2025"]["serious"]["fine_max_yuan"], a["2025"]["fine_alone_possible"]) == (2000, 3000, True)
    assert a["2012"]["to"] == "2025-12-31" and a["2025"]["from"] == "2026-01-01"
    assert a["2012"]["discovery_text"] in article("texts/zhian-2012.md", "art-22")
    assert a["2025"]["discovery_text"] in article("texts/zhian-2025-excerpts.md", "art-25")
    assert RS.administrative["transition"]["text"] in article("texts/xingzheng-chufa-2021.md", "art-37")


def test_civil_quotes_verbatim():
    cv = RS.civil
    assert cv["fraud_definition"]["text"] in article("texts/zongze-jieshi-2022.md", "art-21")
    assert cv["revocation"]["text"] in article("texts/minfadian-zongze.md", "art-148")
    assert cv["remedies"]["restitution"]["text"] in article("texts/minfadian-zongze.md", "art-157")
    assert cv["consumer_law"]["text_art_5"] in article("texts/xiaobao-2013.md", "art-5")
    for p in ruleset.civil_periods():
        src = "texts/minfadian-zongze.md"
        for piece in p["text"].split("……"):
            assert piece in article(src, p["citation"].split("#")[1]), p["code"]


def test_circumstances_documented():
    codes = {c["code"]: c for c in ruleset.circumstances()}
    for required in ("surrender", "confession", "plea", "restitution", "forgiveness", "recidivist", "prior_record",
                     "mass_telecom", "relief_funds", "disaster_donation", "vulnerable_victim", "serious_consequence",
                     "gang_leader", "close_relative", "repeated", "threatened", "swap_return"):
        c = codes[required]
        assert c["label"] and c["help"] and c["group"] in ("量刑情节", "从严情节", "其他") and c["applies_to"]
        assert c["effects"], required
    assert "liangxing-2021#item-3-16" in codes["prior_record"]["effects"]["criminal"]["citations"]
    assert "待核实" in codes["prior_record"]["effects"]["criminal"]["effect"]


def test_every_citation_in_the_rule_files_resolves_to_a_text_unit():
    ids: list[str] = []
    for name in ("criminal", "administrative", "civil"):
        ruleset._collect_ids(getattr(RS, name), ids)
    for c in ruleset.circumstances():
        for eff in c["effects"].values():
            ids += eff["citations"]
    for cid in set(ids):
        c = cite(cid)
        law, anchor = c.law, c.anchor
        from calculators.laws import registry
        anchors = set()
        for f in registry()[law].files:
            anchors |= {u.anchor for u in parse_text((ROOT / "legal" / f).read_text("utf-8"))[1]}
        assert anchor in anchors, cid


def test_thresholds_table_for_the_site():
    rows = ruleset.thresholds_table()
    assert len(rows) == 32  # 31 provinces, 广东 in two rows
    gd = [r for r in rows if r["short"] == "广东"]
    assert {r["region"] for r in gd} == {"class1", "class2"}
    for r in rows:
        assert r["confidence"] in ("VERIFIED", "REPORTED", "UNKNOWN")
        assert r["pending_verification"] or r["confidence"] == "VERIFIED"
        if r["confidence"] != "UNKNOWN":
            assert r["sources"] and r["large"] and r["huge"] and r["especially_huge"]


def test_rules_version_is_a_hash_of_the_bytes(monkeypatch):
    v = ruleset.rules_version()
    assert re.fullmatch(r"[0-9a-f]{12}", v)
    real = ruleset._read

    def changed(name: str) -> bytes:
        data = real(name)
        return data + b"\n# changed\n" if name == "civil.toml" else data

    ruleset.load.cache_clear()
    monkeypatch.setattr(ruleset, "_read", changed)
    try:
        assert ruleset.load().version != v
    finally:
        monkeypatch.setattr(ruleset, "_read", real)
        ruleset.load.cache_clear()
    assert ruleset.rules_version() == v


def _province_doc(**version):
    return {"code": "330000", "name": "浙江省", "short": "浙江",
            "version": [{"confidence": "VERIFIED", "title": "x", "sources": ["x"]} | version]}


def test_validation_rejects_a_figure_outside_the_national_range():
    bad = _province_doc(large=2000, huge=100000, especially_huge=500000)
    with pytest.raises(ruleset.RulesError):
        ruleset._load_provinces({"thresholds/330000-zhejiang.toml": bad}, RS.national_ranges)
    bad["version"][0] |= {"large": 6000, "sources": []}
    with pytest.raises(ruleset.RulesError):
        ruleset._load_provinces({"thresholds/330000-zhejiang.toml": bad}, RS.national_ranges)


@pytest.mark.parametrize("extra", [{"date_known": False}, {"especially_huge_fallback": True},
                                   {"from": "2011-07-21", "from_basis": "x"}, {"from": date(2011, 7, 21)},
                                   {"confidence": "MAYBE"}])
def test_validation_rejects_stand_ins_and_string_dates(extra):
    """Absent keys instead of flags and zeros; `from` is a native TOML date with its basis."""
    good = _province_doc(large=6000, huge=100000, especially_huge=500000)
    ruleset._load_provinces({"thresholds/330000-zhejiang.toml": good}, RS.national_ranges)
    bad = _province_doc(large=6000, huge=100000, especially_huge=500000, **extra)
    with pytest.raises(ruleset.RulesError):
        ruleset._load_provinces({"thresholds/330000-zhejiang.toml": bad}, RS.national_ranges)
    with pytest.raises(ruleset.RulesError):  # the file name must carry the province's code
        ruleset._load_provinces({"thresholds/110000-beijing.toml": good}, RS.national_ranges)


def test_one_file_per_province_listed_in_the_national_index():
    folder = ROOT / "calculators" / "rules" / "thresholds"
    files = sorted(p.name for p in folder.glob("*.toml") if p.name != "000000-national.toml")
    assert files == RS.national["index"]["provinces"]
    assert len(files) == 31
    for p in RS.provinces.values():
        assert p.file == f"thresholds/{next(f for f in files if f.startswith(p.code))}"


def test_province_reader_text_is_chinese_and_research_notes_verbatim():
    """Reader fields carry no English research words; the pack's own words sit in [version.research]."""
    for p in RS.provinces.values():
        for v in p.versions:
            for text in (v.document_title, v.date_text, v.reader_note, v.from_basis, *v.caveats):
                assert not re.search(r"[A-Za-z]{4,}", text), (p.short, text)
    rows = {r["gb2260_code"]: r for r in CSV_ROWS}
    for code, p in RS.provinces.items():
        assert p.versions[0].research["document"] == rows[code]["document"]
        assert p.versions[0].research["date"] == rows[code]["date"]


def test_unnamed_documents_carry_a_reader_note():
    """浙江 and 山东: VERIFIED figures, document not named: a short note wherever the province is offered."""
    for short in ("浙江", "山东"):
        (v,) = next(p for p in RS.provinces.values() if p.short == short).versions
        assert v.confidence == "VERIFIED" and "未找到" in v.reader_note
    rows = {r["short"]: r for r in ruleset.thresholds_table()}
    assert rows["浙江"]["reader_note"] and rows["山东"]["reader_note"]
    assert not rows["湖北"]["reader_note"]


def test_article_2_lives_in_one_place():
    """解释第二条's circumstance sets are read from criminal/art2.toml only (no tags in circumstances.toml)."""
    assert RS.art2["art2-1"] == ("mass_telecom", "relief_funds", "disaster_donation", "vulnerable_victim",
                                 "serious_consequence")
    assert RS.art2["art2"] == RS.art2["art2-1"] + ("gang_leader",)
    for c in RS.circumstances.values():
        assert not [t for t in c.tags if t.startswith("art2")], c.code
    src = (ROOT / "calculators" / "criminal").glob("*.py")
    hits = [p.name for p in src if "zhapian-jieshi-2011#art-2" in p.read_text("utf-8") or "art2.toml" in p.read_text("utf-8")]
    assert hits == ["art2.py"] or sorted(hits) == ["__init__.py", "art2.py"]


def test_labels_come_from_the_rule_data():
    from calculators import labels
    assert labels.tier_labels() == {"none": "未达数额较大", "large": "数额较大", "huge": "数额巨大",
                                    "especially_huge": "数额特别巨大", "uncertain": "不确定"}
    assert labels.confidence_labels() == {"VERIFIED": "已核对原文", "PARTIAL": "部分核对（待核实）",
                                          "REPORTED": "二手来源（待核实）", "UNKNOWN": "未找到可靠来源（待核实）"}


def test_reported_rows_explain_themselves_first():
    for p in RS.provinces.values():
        for v in p.versions:
            if v.confidence == "REPORTED":
                assert "二手来源" in v.caveats[0], p.short  # the reason, in the reader's words


def test_administrative_scope_and_first_violation_quotes():
    v = RS.administrative["versions"]
    assert v["2012"]["scope_text"] in article("texts/zhian-2012.md", "art-2")
    assert v["2025"]["scope_text"] in article("texts/zhian-2025-excerpts.md", "art-8")
    assert RS.administrative["first_violation"]["text"] in article("texts/xingzheng-chufa-2021.md", "art-33")
    assert RS.criminal["related_offences"]["extortion"]["text"] in article("texts/xingfa.md", "art-274")
    assert RS.criminal["related_offences"]["theft"]["text"] in article("texts/xingfa.md", "art-264")
    assert RS.criminal["inclusive"]["text"] in article("texts/xingfa.md", "art-99")


def test_the_core_wheel_packs_every_rule_file_the_engine_reads():
    """The page worker loads the engine from the core wheel (site_hooks/wheel.py): every rule file
    ruleset.load() reads, the province files included, must be in it."""
    sys.path.insert(0, str(ROOT))
    from site_hooks import wheel

    packed = {p.as_posix() for p in wheel.package_files(part="core")}
    needed = [*ruleset.RULE_FILES, *(f"thresholds/{n}" for n in RS.national["index"]["provinces"])]
    for name in needed:
        assert f"calculators/rules/{name}" in packed, name
    assert "calculators/criminal/__init__.py" in packed


def test_near_figures_table_for_the_criminal_page():
    """{{ table:near_figures }}: every province's own 接近 figures with its confidence, and the 60% rule."""
    sys.path.insert(0, str(ROOT / "site_hooks"))
    import rule_tables

    out = rule_tables.TABLES["near_figures"]("criminal.md")
    for name, figure, conf in (("北京市", "80,000 元", "已核对原文"), ("湖北省", "30,000 元", "已核对原文"),
                               ("江苏省", "48,000 元", "二手来源（待核实）"), ("新疆维吾尔自治区", "400,000 元", "二手来源（待核实）")):
        line = next(x for x in out.splitlines() if x.startswith(f"| {name} "))
        assert figure in line and conf in line, line
    assert "60%" in out and "不是法律规定的界线" in out
