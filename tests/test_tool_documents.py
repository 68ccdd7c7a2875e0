"""Documents tool and the stdlib .docx writer, checked by opening the files with python-docx."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.dom import minidom

import docx as python_docx  # test-only dependency
import pytest

from calculators.laws import parse_text, registry
from calculators.toolkit import documents, docx

ROOT = Path(__file__).resolve().parents[1]

FACTS = {
    "merchant_name": "杭州某某果业有限公司", "merchant_rep": "李四", "shop_name": "鲜果坊", "platform": "某购物平台",
    "buyer_name": "王五", "buyer_account": "ww_2026", "order_no": "T20260301001", "goods": "阳光玫瑰葡萄 2kg",
    "amount": "1.2万", "order_date": "2026-02-25", "act": "2026-03-01", "platform_date": "2026-03-02",
    "known_date": "2026-03-05", "today": "2026-03-10", "court": "某市某区人民法院", "police": "某市公安局某分局",
    "evidence": [{"name": "打包发货视频", "purpose": "证明发货时商品完好"}, "买家提交的照片｜照片含 AI 生成标识"],
    "merchant_agreed": "yes",
}


def _open(b64: str) -> python_docx.document.Document:
    return python_docx.Document(io.BytesIO(base64.b64decode(b64)))


def _all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def _docs(payload):
    r = documents.browser_entry(payload)
    assert "error" not in r, r
    return {d["kind"]: d for d in r["documents"]}, r


def test_three_documents_open_with_python_docx_and_carry_the_facts():
    docs, _ = _docs(FACTS)
    assert set(docs) == {"appeal", "police", "complaint"}
    for kind, d in docs.items():
        doc = _open(d["docx_base64"])
        text = _all_text(doc)
        for fact in ("T20260301001", "12,000 元", "2026年3月1日", "打包发货视频", "证明发货时商品完好", "照片含 AI 生成标识"):
            assert fact in text, (kind, fact)
        # structure: draft notice first, then the title, headings, an evidence table
        assert doc.paragraphs[0].text.startswith("【草稿】") and "律师" in doc.paragraphs[0].text
        assert doc.paragraphs[1].style.name == "Title" and doc.paragraphs[1].text == documents.TITLES[kind]
        assert "证据清单" in [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
        table = doc.tables[0]
        assert [c.text for c in table.rows[0].cells] == ["序号", "证据名称", "证明内容"]
        assert [c.text for c in table.rows[2].cells] == ["2", "买家提交的照片", "照片含 AI 生成标识"]
        assert doc.core_properties.title == documents.TITLES[kind] + "（草稿）"


def test_complaint_has_parties_claims_and_articles():
    docs, r = _docs(FACTS)
    text = _all_text(_open(docs["complaint"]["docx_base64"]))
    assert "原告：杭州某某果业有限公司" in text and "法定代表人或负责人：李四" in text and "被告：王五" in text
    assert "撤销原告就订单T20260301001同意退款的行为" in text
    assert "判令被告返还原告货款人民币12,000 元" in text
    assert "判令被告承担本案诉讼费用" in text
    for label in ("民法典第一百四十八条", "民法典第一百五十七条", "民法典总则编解释第二十一条", "诉讼费用交纳办法第二十九条"):
        assert label in text
    assert "此致\n某市某区人民法院" in text
    # the court fee estimate comes from the fee tool for the claimed amount
    fee = next(w for w in r["warnings"] if w["code"] == "court_fee")
    assert "100 元" in fee["text"] and "50 元" in fee["text"]


def test_claim_basis_follows_whether_the_merchant_agreed():
    docs, _ = _docs({**FACTS, "merchant_agreed": "no"})
    text = _all_text(_open(docs["complaint"]["docx_base64"]))
    assert "撤销原告" not in text and "民法典第九百八十五条" in text and "民法典第一百四十八条" not in text
    docs, _ = _docs({**FACTS, "merchant_agreed": "unknown", "other_loss": "300", "other_loss_note": "运费"})
    text = _all_text(_open(docs["complaint"]["docx_base64"]))
    assert "【如退款未经原告同意，请删除本项】" in text and "民法典第九百八十五条" in text and "民法典第一百四十八条" in text
    assert "判令被告赔偿原告损失人民币300 元（运费）" in text and "民法典第一千一百六十五条" in text


def test_police_report_cites_the_zhian_text_for_the_act_date():
    docs, _ = _docs(FACTS)
    assert "治安管理处罚法（2025）第五十八条" in _all_text(_open(docs["police"]["docx_base64"]))
    docs, r = _docs({**FACTS, "act": "2025-12-20", "order_date": "2025-12-15", "platform_date": "2025-12-21"})
    text = _all_text(_open(docs["police"]["docx_base64"]))
    assert "治安管理处罚法（2012）第四十九条" in text and "第五十八条" not in text
    assert any(w["code"] == "zhian_version" and "第三十七条" in w["text"] for w in r["warnings"])
    docs, _ = _docs({"kinds": ["police"]})
    text = _all_text(_open(docs["police"]["docx_base64"]))
    assert "第四十九条" in text and "第五十八条" in text  # no date: both texts


def test_appeal_cites_the_2026_measures_only_when_they_apply():
    docs, _ = _docs(FACTS)
    assert "网络交易平台规则监督管理办法第十九条" in _all_text(_open(docs["appeal"]["docx_base64"]))
    docs, _ = _docs({**FACTS, "act": "2025-12-20", "order_date": "2025-12-15", "platform_date": "2025-12-21",
                     "known_date": "2025-12-22"})
    assert "网络交易平台规则监督管理办法" not in _all_text(_open(docs["appeal"]["docx_base64"]))


def test_every_cited_article_exists_in_the_texts():
    units: dict[str, set[str]] = {}
    for law_id, law in registry().items():
        units[law_id] = set()
        for f in law.files:
            units[law_id] |= {u.anchor for u in parse_text((ROOT / "legal" / f).read_text("utf-8"))[1]}
    for payload in (FACTS, {**FACTS, "merchant_agreed": "unknown", "other_loss": "5"}, {}):
        _, r = _docs(payload)
        for cid in r["citations"]:
            law, _, anchor = cid.partition("#")
            assert anchor in units[law], cid


def test_hostile_text_is_escaped_and_survives_verbatim():
    hostile = '</w:t><w:r><w:t>INJECTED</w:t></w:r>]]>&amp;<script>alert("x")</script>\x00\x1b\ud800'
    docs, _ = _docs({**FACTS, "buyer_name": "王五" + hostile[:60], "what_happened": hostile,
                     "evidence": [hostile[:150] + "|" + hostile[:100]]})
    for d in docs.values():
        raw = base64.b64decode(d["docx_base64"])
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            xml = z.read("word/document.xml").decode("utf-8")
        minidom.parseString(xml)  # well-formed
        assert "<w:t>INJECTED" not in xml and "<script>" not in xml
        text = _all_text(_open(d["docx_base64"]))
        assert '</w:t><w:r><w:t>INJECTED</w:t></w:r>]]>&amp;<script>alert("x")</script>' in text
        assert "\x00" not in text and "\x1b" not in text


def test_docx_package_parts_and_fonts():
    raw = docx.render([{"type": "title", "text": "标题"}, {"type": "paragraph", "text": "正文"}], "t")
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        names = z.namelist()
        styles = z.read("word/styles.xml").decode("utf-8")
        types = z.read("[Content_Types].xml").decode("utf-8")
    assert names[0] == "[Content_Types].xml"
    assert {"_rels/.rels", "word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels"} <= set(names)
    assert 'w:eastAsia="宋体"' in styles and 'w:eastAsia="黑体"' in styles and 'w:eastAsia="zh-CN"' in styles
    assert "wordprocessingml.document.main+xml" in types
    assert docx.render([{"type": "paragraph", "text": "x"}]) == docx.render([{"type": "paragraph", "text": "x"}])


def test_docx_multiline_and_table_padding():
    raw = docx.render([{"type": "paragraph", "text": "第一行\n第二行"},
                       {"type": "table", "header": ["a", "b", "c"], "rows": [["1"]]}])
    d = python_docx.Document(io.BytesIO(raw))
    assert d.paragraphs[0].text == "第一行\n第二行"
    assert [c.text for c in d.tables[0].rows[1].cells] == ["1", "", ""]
    with pytest.raises(ValueError):
        docx.render([{"type": "image"}])


def test_missing_fields_become_placeholders_and_are_listed():
    docs, r = _docs({"kinds": "appeal,complaint", "amount": "500"})
    assert set(docs) == {"appeal", "complaint"}
    text = _all_text(_open(docs["appeal"]["docx_base64"]))
    assert "【请填写：平台名称】" in text and "【请填写：订单号】" in text
    missing = next(w for w in r["warnings"] if w["code"] == "missing")
    assert "平台名称" in missing["text"] and "订单号" in missing["text"]


def test_attempt_skips_the_complaint():
    docs, r = _docs({**FACTS, "attempt": "1"})
    assert "complaint" not in docs
    assert any(w["code"] == "complaint_skipped" for w in r["warnings"])
    assert "未获通过或尚未到账" in _all_text(_open(docs["police"]["docx_base64"]))


@pytest.mark.parametrize("patch,field", [
    ({"act": "2026-02-30"}, "act"), ({"act": "2026-02-20"}, "act"),  # impossible; before the order date
    ({"platform_date": "2026-02-28"}, "platform_date"), ({"known_date": "2026-02-27"}, "known_date"),
    ({"today": "2026-03-04"}, "known_date"), ({"amount": "-1"}, "amount"), ({"amount": "1e99"}, "amount"),
    ({"what_happened": "长" * 5001}, "what_happened"), ({"buyer_name": ["x"]}, "buyer_name"),
    ({"evidence": ["x"] * 51}, "evidence"), ({"evidence": 5}, "evidence"), ({"kinds": ["will"]}, "kinds"),
    ({"merchant_agreed": "perhaps"}, "merchant_agreed"), ({"unknown_key": 1}, "unknown_key"),
    ({"attempt": "maybe"}, "attempt"), ({"other_loss": "abc"}, "other_loss"),
])
def test_bad_input_gives_a_chinese_error(patch, field):
    r = documents.browser_entry({**FACTS, **patch})
    assert r["error"]["field"] == field, r
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r["error"]["message"])


def test_calculator_query_params_are_accepted():
    docs, _ = _docs({"amount": "3500", "province": "浙江", "region": "", "act": "2026-03-01",
                     "decision": "2026-04-01", "attempt": "0", "c": "zishou", "kinds": ["police"]})
    assert "3,500 元" in _all_text(_open(docs["police"]["docx_base64"]))


def test_cli_writes_docx_files(tmp_path):
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(FACTS, ensure_ascii=False), "utf-8")
    out = tmp_path / "out"
    p = subprocess.run([sys.executable, "-m", "calculators.toolkit.documents", "--facts", str(facts), "--out", str(out)],
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    files = sorted(x.name for x in out.iterdir())
    assert files == sorted(documents.FILENAMES.values())
    d = python_docx.Document(str(out / documents.FILENAMES["complaint"]))
    assert "民事起诉状" in _all_text(d)
    bad = subprocess.run([sys.executable, "-m", "calculators.toolkit.documents"], input="[1,2]",
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and json.loads(bad.stdout)["error"]["field"] == "facts"


# The CT_PPr / CT_RPr / CT_Style / CT_TblPr sequences of ECMA-376 (transitional), for the elements this
# writer emits: Word refuses a file whose property elements are out of schema order.
_SEQUENCES = {
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "numPr", "pBdr", "shd", "tabs",
            "spacing", "ind", "contextualSpacing", "jc", "outlineLvl", "rPr", "sectPr"],
    "rPr": ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "strike", "color", "spacing", "w", "kern", "position",
            "sz", "szCs", "highlight", "u", "shd", "vertAlign", "lang"],
    "style": ["name", "aliases", "basedOn", "next", "link", "uiPriority", "semiHidden", "unhideWhenUsed", "qFormat",
              "pPr", "rPr", "tblPr", "trPr", "tcPr"],
    "tblPr": ["tblStyle", "tblW", "jc", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"],
    "tcPr": ["tcW", "gridSpan", "vMerge", "tcBorders", "shd"],
}


def test_property_elements_follow_the_schema_order():
    import xml.etree.ElementTree as ET
    docs, _ = _docs({**FACTS, "other_loss": "20"})
    w = "{" + docx.W_NS + "}"
    checked = 0
    for d in docs.values():
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(d["docx_base64"]))) as z:
            roots = [ET.fromstring(z.read("word/document.xml")), ET.fromstring(z.read("word/styles.xml"))]
        for root in roots:
            for parent, seq in _SEQUENCES.items():
                for node in root.iter(w + parent):
                    names = [c.tag.removeprefix(w) for c in node]
                    assert all(n in seq for n in names), (parent, names)
                    idx = [seq.index(n) for n in names]
                    assert idx == sorted(idx), (parent, names)
                    checked += 1
    assert checked > 50
