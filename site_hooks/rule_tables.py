"""MkDocs hook: citations, rule-data tables and figures, and the legal-information notice.

In the Markdown of any page (statute pages excepted):

- ``[[xingfa#art-266]]`` becomes a link to the article on its statute page, labelled by
  ``calculators.laws.cite`` ("刑法第二百六十六条"); ``[[xingfa#art-266|第266条]]`` sets the label;
  ``[[xingfa]]`` links the whole text. An id that names no unit of the copied text fails the build.
- ``{{ table:NAME }}`` (alone on a line) renders a table from the rule data (calculators/rules/*.toml
  through the engine's loader); ``{{ value:KEY }}`` renders one figure. Unknown names fail the build.
  The delimiters are ``{{ table:`` / ``{{ value:`` so that attr_list ids (``{#id}``) never collide.
- A notice "legal information, not advice" with the date the content was last checked is placed
  under the first heading of every page (opt out with ``disclaimer: false`` in the front matter).
"""

from __future__ import annotations

import html
import posixpath
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import law_pages  # noqa: E402  (same directory; shares the parsed texts)
from calculators.laws import cite, registry  # noqa: E402

# The date the content was last checked against the source pack: the one place to change it.
CONTENT_CHECKED = "2026-11-27"

DISCLAIMER = (
    '!!! info inline-notice legal-notice "法律信息，不是法律意见"\n\n'
    "    本站介绍一般的法律规定和公开报道的案例，不针对任何具体案件，也不替代律师的意见。"
    f"内容最后核对日期：**{CONTENT_CHECKED}**。标注“待核实”的内容尚未核对到官方原文。\n"
)

CITE_RE = re.compile(r"\[\[([a-z0-9-]+)(?:#([a-z0-9-]+))?(?:\|([^\]\n]+))?\]\]")
MARKER_RE = re.compile(r"\{\{\s*(table|value|quote):\s*([A-Za-z0-9_.#\-]+)\s*\}\}")


class ContentError(Exception):
    """A page refers to something that does not exist (a citation, a table, a value)."""


# --- citations -------------------------------------------------------------------------------------

def citation_link(law_id: str, anchor: str | None, label: str | None, src_uri: str) -> str:
    """The Markdown link for one citation, relative to the page's source file (MkDocs then turns
    it into the right URL for any site sub-path and for use_directory_urls on or off)."""
    laws = registry()
    if law_id not in laws:
        raise ContentError(f"unknown law id {law_id!r} (known: {', '.join(sorted(laws))})")
    law = laws[law_id]
    target = posixpath.relpath(f"laws/{law_id}/index.md", posixpath.dirname(src_uri) or ".")
    if anchor is None:
        text, href, title = label or f"《{law.title}》", target, law.title
    else:
        if anchor not in law_pages.anchors(law_id):
            raise ContentError(f"citation {law_id}#{anchor} names no unit of the copied text of {law.title}")
        c = cite(f"{law_id}#{anchor}")
        text, href, title = label or c.label, f"{target}#{anchor}", f"{law.title} {c.label.removeprefix(law.short)}"
    link = f'[{_md_text(text)}]({href} "{html.escape(title, quote=True)}")'
    if law.confidence != "VERIFIED":
        link += '<span class="cite-partial" title="此文本尚未核对官方原文">（待核实）</span>'
    return link


def _md_text(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)


def render_citations(markdown: str, src_uri: str) -> str:
    def sub(m: re.Match[str]) -> str:
        return citation_link(m.group(1), m.group(2), m.group(3), src_uri)
    return CITE_RE.sub(sub, markdown)


# --- rule-data tables and values ---------------------------------------------------------------------

TABLES: dict[str, Callable[[str], str]] = {}
VALUES: dict[str, Callable[[], str]] = {}


def table(name: str) -> Callable[[Callable[[str], str]], Callable[[str], str]]:
    def deco(fn: Callable[[str], str]) -> Callable[[str], str]:
        TABLES[name] = fn
        return fn
    return deco


VALUES["checked"] = lambda: CONTENT_CHECKED
VALUES["rules_version"] = lambda: ruleset.rules_version()  # ruleset is imported below; called at build time


def render_markers(markdown: str, src_uri: str) -> str:
    def sub(m: re.Match[str]) -> str:
        kind, name = m.group(1), m.group(2)
        if kind == "quote":
            return quote(name, src_uri)
        if kind == "table":
            if name not in TABLES:
                raise ContentError(f"unknown table {name!r} (known: {', '.join(sorted(TABLES))})")
            return render_citations(TABLES[name](src_uri), src_uri)
        if name not in VALUES:
            raise ContentError(f"unknown value {name!r} (known: {', '.join(sorted(VALUES))})")
        return VALUES[name]()
    return MARKER_RE.sub(sub, markdown)


def quote(citation_id: str, src_uri: str) -> str:
    """``{{ quote:xingfa#art-266 }}``: the unit's text verbatim from legal/ as a block quote, with
    its citation (the law is never retyped in a page)."""
    law_id, _, anchor = citation_id.partition("#")
    if law_id not in registry() or anchor not in law_pages.anchors(law_id):
        raise ContentError(f"quote of unknown unit {citation_id!r}")
    unit = law_pages.unit_text(law_id, anchor)
    lines = [f"> {html.escape(p, quote=False)}" for p in unit.paragraphs]
    body = "\n>\n".join(lines)
    return f'{body}\n>\n> —— {citation_link(law_id, anchor, None, src_uri)}'


def md_cell(text: Any) -> str:
    """Text for a Markdown table cell: escaped, no pipes, no line breaks."""
    s = html.escape(str(text), quote=False).replace("|", "&#124;")
    return re.sub(r"\s*\n\s*", " ", s)


def md_table(head: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


# --- notice ------------------------------------------------------------------------------------------

def add_notice(markdown: str) -> str:
    lines = markdown.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("# "):
            return "\n".join(lines[: i + 1] + ["", DISCLAIMER] + lines[i + 1 :])
    return DISCLAIMER + "\n" + markdown


def is_statute_page(src_uri: str) -> bool:
    return src_uri.startswith("laws/") and src_uri != "laws/index.md"


# --- MkDocs hook -------------------------------------------------------------------------------------

def on_page_markdown(markdown, page, config, files):  # type: ignore[no-untyped-def]
    src_uri = page.file.src_uri
    if is_statute_page(src_uri):
        return markdown
    try:
        markdown = render_markers(markdown, src_uri)
        markdown = render_citations(markdown, src_uri)
        leftover = re.search(r"\[\[[^\]\n]*\]\]|\{\{[^}\n]*\}\}", markdown)
        if leftover:
            raise ContentError(f"malformed citation or marker {leftover.group(0)!r} "
                               "(write [[law#anchor]], [[law#anchor|label]], {{ table:NAME }} or {{ value:KEY }})")
    except (ContentError, KeyError, ValueError) as exc:
        from mkdocs.exceptions import PluginError
        raise PluginError(f"{src_uri}: {exc}") from exc
    if page.meta.get("disclaimer", True) is not False:
        markdown = add_notice(markdown)
    return markdown



# --- the tables ----------------------------------------------------------------------------------------
# Every figure below is read from the engine's rule data (calculators/ruleset.py and rules/*.toml);
# nothing is retyped here. Labels around the figures are the only text this module adds.

from calculators import ruleset  # noqa: E402
from calculators.labels import confidence_labels, tier_labels  # noqa: E402
from calculators.laws import int_to_cn  # noqa: E402
from calculators.money import format_yuan  # noqa: E402

TIER_LABELS = tier_labels()
CONF_WORDS = confidence_labels()


def yuan(n: int | None) -> str:
    return format_yuan(n, missing="—")


def cites(ids: list[str] | tuple[str, ...]) -> str:
    return "、".join(f"[[{i}]]" for i in ids)


def _cn_days(days: list[int]) -> str:
    return f"{int_to_cn(days[0])}日以上{int_to_cn(days[1])}日以下"


def _cn_yuan(n: int) -> str:
    return f"{int_to_cn(n)}元"


@table("national")
def _national(src_uri: str) -> str:
    nat = ruleset.national_ranges()
    rows = []
    for tier, r in nat["ranges"].items():
        span = yuan(r["min"]) if r["min"] == r["max"] else f"{yuan(r['min'])}至{yuan(r['max'])}"
        rows.append([TIER_LABELS[tier], span + "以上", cites(nat["citations"])])
    return md_table(["档次", "全国幅度（起点）", "依据"], rows) + f"\n\n施行日期：{nat['from']}。"


@table("tiers")
def _tiers(src_uri: str) -> str:
    rows = []
    for t in ruleset.criminal_tiers():
        if t["tier"] == "none":
            continue
        rows.append([
            md_cell(t["label"]), md_cell(t["statutory_text"]), md_cell(t["fine"]),
            f"{t['limitation_years']}年", cites(t["citations"]),
        ])
    return md_table(["档次", "法定刑（刑法第二百六十六条原文）", "罚金", "追诉期限", "依据"], rows)


def _threshold_rows() -> list[dict[str, Any]]:
    return ruleset.thresholds_table()


def _region(row: dict[str, Any]) -> str:
    name = row["name"]
    if row.get("region_label"):
        name += f"（{row['region_label']}）"
    return name


def _date(row: dict[str, Any]) -> str:
    """The reader's date text of the rule data (never a translation of the pack's research notes)."""
    if row["from"]:
        return f"{row['from']}（{row['from_basis']}）" if row.get("from_basis") else row["from"]
    return row["date_text"] or "—"


def _conf(row: dict[str, Any]) -> str:
    word = CONF_WORDS.get(row["confidence"], row["confidence"])
    if row["confidence"] == "VERIFIED" and row["pending_verification"]:
        word += "（文件或日期待核实）"
    if row.get("reader_note"):
        word += f"：{row['reader_note']}"
    return word


@table("thresholds")
def _thresholds(src_uri: str) -> str:
    rows = []
    for row in _threshold_rows():
        figures = []
        for tier in ("large", "huge", "especially_huge"):
            v = row[tier]
            cell = "按全国幅度" if v is None else f"{v:,}"
            if tier == "especially_huge" and row["especially_huge_fallback"]:
                cell += "（来源未给出，按全国标准）"
            figures.append(cell)
        star = "" if not row["special_rules"] else "（另有特别规定）"
        rows.append([
            f'<span id="th-{row["code"]}{("-" + row["region"]) if row["region"] else ""}"></span>{md_cell(_region(row))}{star}',
            *figures,
            md_cell(_date(row)),
            md_cell(_conf(row)),
            f"[详情](#thd-{row['code']})",
        ])
    head = ["地区", "数额较大（元）", "数额巨大（元）", "数额特别巨大（元）", "施行/文件日期", "可信度", "文件与来源"]
    return (
        '<div class="rule-table thresholds-table" markdown="1">\n\n'
        + md_table(head, rows)
        + "\n\n</div>"
    )


@table("threshold_details")
def _threshold_details(src_uri: str) -> str:
    out: list[str] = []
    seen: set[str] = set()
    for row in _threshold_rows():
        code = row["code"]
        if code in seen:
            continue
        seen.add(code)
        regions = [r for r in _threshold_rows() if r["code"] == code]
        conf = _conf(row)
        out.append(f'<details class="threshold-detail" id="thd-{code}" markdown="1">')
        out.append(f"<summary>{html.escape(row['name'])}：{html.escape(conf)}</summary>\n")
        for r in regions:
            if r["region_label"]:
                cities = "、".join(r["cities"])
                out.append(f"- **{md_cell(r['region_label'])}**：{md_cell(cities)}；"
                           f"{yuan(r['large'])} / {yuan(r['huge'])} / {yuan(r['especially_huge'])}")
        out.append(f"- 文件：{md_cell(row['document_title'])}")
        if row["document"] != row["document_title"]:
            out.append(f"- 本站研究记录：文件（原始记录）：{md_cell(row['document'])}")
        out.append(f"- 日期：{md_cell(_date(row))}")
        if row["region_note"]:
            out.append(f"- 本站研究记录：备注（原始记录）：{md_cell(row['region_note'])}")
        if row.get("reader_note"):
            out.append(f"- 说明：{md_cell(row['reader_note'])}")
        if row.get("conflict"):
            c = row["conflict"]
            out.append(f"- 另一种读法（{CONF_WORDS[c['confidence']]}）：{md_cell(c['text'])}"
                       f"两种读法结论不同的金额，计算器给出“不确定”。")
        for s in row["special_rules"]:
            out.append(f"- 特别规定：{md_cell(s['text'])}" + ("" if s["certain"] else "（本站只作“可能构成”处理）"))
        for c in row["caveats"]:
            out.append(f"- 注意：{md_cell(c)}")
        if row["sources"]:
            out.append("- 来源（均为律师网站等转载或二手页面，不是发布机关的网站）：")
            out += [f"    - {md_cell(s)}" for s in row["sources"]]
        out.append("\n</details>\n")
    return "\n".join(out)


@table("near_figures")
def _near_figures(src_uri: str) -> str:
    """诈骗案件解释第二条第二款 "接近": each province's own figures (with their confidence), then the rule the
    calculator uses elsewhere. Read from the rule data (thresholds/*.toml local rules, criminal/art2.toml)."""
    rows = []
    seen: set[str] = set()
    for row in _threshold_rows():
        if row["code"] in seen:
            continue
        seen.add(row["code"])
        for s in row["special_rules"]:
            if s["kind"] not in ("near", "aggravated_floors") or not s["floors"]:
                continue
            f = s["floors"]
            use = "按本地规定认定" if s["certain"] else "只列为“可能”"
            rows.append([md_cell(row["name"]), yuan(f["huge"]) if f["huge"] else "—",
                         yuan(f["especially_huge"]) if f["especially_huge"] else "—",
                         md_cell(CONF_WORDS[s["confidence"]]), use])
    near = ruleset.load().criminal["art2"]["near"]
    share = int(float(near["lowest_share"]) * 100)
    return (md_table(["地区", "“其他严重情节”自", "“其他特别严重情节”自", "可信度", "计算器的处理"], rows)
            + f"\n\n其他地方：金额达到更高一档标准的 {share}% 时，计算器才把更高一档列为“可能”。{share}% 是已知各省规定中"
              f"最低的比例（{near['lowest_share_province']}），不是法律规定的界线（[[zhapian-jieshi-2011#art-2]]）。")


@table("admin_versions")
def _admin_versions(src_uri: str) -> str:
    vs = ruleset.administrative_versions()
    raw = ruleset.load().administrative["versions"]
    head = ["", *[f"[[{v['law']}|{v['version']}年文本]]" for v in vs]]

    def row(label: str, fn: Callable[[dict[str, Any]], str]) -> list[str]:
        return [label, *[fn(v) for v in vs]]

    def period(v: dict[str, Any]) -> str:
        if v["from"] and v["to"]:
            return f"{v['from']} 至 {v['to']}"
        return f"{v['from']} 起" if v["from"] else f"至 {v['to']}"

    def fine(v: dict[str, Any]) -> str:
        how = "可以只罚款、不拘留（“拘留或者罚款”）" if v["fine_alone_possible"] else "罚款只能与拘留并处"
        return f"{yuan(v['fine_max_yuan'])}以下；{how}"

    rows = [
        row("施行", period),
        row("诈骗的条文", lambda v: f"[[{v['citation']}]]"),
        row("一般情形：拘留", lambda v: _cn_days(v["detention_days"])),
        row("一般情形：罚款", fine),
        row("情节较重：拘留", lambda v: _cn_days(v["serious"]["detention_days"])),
        row("情节较重：罚款", lambda v: f"可以并处{yuan(v['serious']['fine_max_yuan'])}以下"
            + ("" if not v["serious"]["fine_alone_possible"] else "，可以只罚款")),
        row("从轻、减轻、不予处罚", lambda v: f"{md_cell(raw[v['version']]['mitigation_effect'])}（[[{v['mitigation_citation']}]]）"),
        row("认错认罚从宽", lambda v: (f"{md_cell(raw[v['version']]['lenient_effect'])}（[[{raw[v['version']]['lenient_citation']}]]）"
                                   if raw[v['version']].get("lenient_citation") else "无此条款")),
        row("从重处罚", lambda v: f"{md_cell(raw[v['version']]['aggravation_effect'])}（[[{v['aggravation_citation']}]]）"),
        row("追究期限", lambda v: f"“{md_cell(v['discovery_text'])}”（[[{v['discovery_citation']}]]）"),
        row("“以上、以下”含本数", lambda v: f"[[{raw[v['version']]['inclusive_citation']}]]"),
    ]
    return '<div class="rule-table admin-table" markdown="1">\n\n' + md_table(head, rows) + "\n\n</div>"


@table("admin_texts")
def _admin_texts(src_uri: str) -> str:
    out = []
    for v in ruleset.administrative_versions():
        law_id, _, anchor = v["citation"].partition("#")
        text = "".join(law_pages.unit_text(law_id, anchor).paragraphs)  # verbatim from legal/
        out.append(f"> **[[{v['citation']}|{v['label']}{v['article']}]]**：{md_cell(text)}\n")
    return "\n".join(out)


@table("civil_periods")
def _civil_periods(src_uri: str) -> str:
    starts = {"known_date": "知道或者应当知道之日", "act_date": "行为发生（权利受损）之日"}
    rows = []
    for p in ruleset.civil_periods():
        length = (f"{p['years']}年" if p["years"] else "") + (f"{p['months']}个月" if p["months"] else "")
        rows.append([md_cell(p["label"]), length, md_cell(starts.get(p["start"], p["start"])),
                     md_cell(p["kind"]), f"[[{p['citation']}]]"])
    return md_table(["期间", "长度", "起算", "性质", "依据"], rows)


@table("circumstances")
def _circumstances(src_uri: str) -> str:
    tracks = [("criminal", "刑事"), ("admin_2012", "治安（2012年文本）"), ("admin_2025", "治安（2025年文本）")]
    out: list[str] = []
    group = None
    for c in ruleset.circumstances():
        if c["group"] != group:
            group = c["group"]
            out.append(f"\n**{md_cell(group)}**\n")
        out.append(f"- **{md_cell(c['label'])}**：{md_cell(c['help'])}")
        for key, name in tracks:
            e = c["effects"].get(key)
            if e:
                out.append(f"    - {name}：{md_cell(e['effect'])}（{cites(e['citations'])}）")
    return "\n".join(out)


# --- figures used in prose ------------------------------------------------------------------------------

def _admin(version: str) -> dict[str, Any]:
    for v in ruleset.administrative_versions():
        if v["version"] == version:
            return v
    raise ContentError(f"no administrative version {version!r}")


for _ver in ("2012", "2025"):
    VALUES[f"admin.{_ver}.article"] = (lambda v=_ver: _admin(v)["article"])
    VALUES[f"admin.{_ver}.days"] = (lambda v=_ver: _cn_days(_admin(v)["detention_days"]))
    VALUES[f"admin.{_ver}.fine"] = (lambda v=_ver: _cn_yuan(_admin(v)["fine_max_yuan"]))
    VALUES[f"admin.{_ver}.serious_days"] = (lambda v=_ver: _cn_days(_admin(v)["serious"]["detention_days"]))
    VALUES[f"admin.{_ver}.serious_fine"] = (lambda v=_ver: _cn_yuan(_admin(v)["serious"]["fine_max_yuan"]))
    VALUES[f"admin.{_ver}.discovery"] = (lambda v=_ver: f"{int_to_cn(_admin(v)['discovery_months'])}个月")
VALUES["admin.switch_date"] = lambda: str(ruleset.load().administrative["transition"]["switch_date"])

for _tier in ("large", "huge", "especially_huge"):
    VALUES[f"national.{_tier}.min"] = (lambda t=_tier: yuan(ruleset.national_ranges()["ranges"][t]["min"]))
    VALUES[f"national.{_tier}.max"] = (lambda t=_tier: yuan(ruleset.national_ranges()["ranges"][t]["max"]))
VALUES["national.from"] = lambda: ruleset.national_ranges()["from"]

for _t in ruleset.criminal_tiers():
    VALUES[f"tier.{_t['tier']}.limitation"] = (lambda t=_t["tier"]: f"{_tier_of(t)['limitation_years']}年")
    VALUES[f"tier.{_t['tier']}.penalty"] = (lambda t=_t["tier"]: _tier_of(t)["statutory_text"])


def _tier_of(code: str) -> dict[str, Any]:
    return next(t for t in ruleset.criminal_tiers() if t["tier"] == code)


for _p in ruleset.civil_periods():
    VALUES[f"civil.{_p['code']}"] = (lambda c=_p["code"]: next(
        (f"{p['years']}年" if p["years"] else f"{p['months']}个月") for p in ruleset.civil_periods() if p["code"] == c))

for _row in ruleset.thresholds_table():
    _key = _row["short"] + (f"-{_row['region']}" if _row["region"] else "")
    for _tier in ("large", "huge", "especially_huge"):
        VALUES[f"province.{_key}.{_tier}"] = (lambda k=_key, t=_tier: yuan(next(
            r[t] for r in ruleset.thresholds_table()
            if r["short"] + (f"-{r['region']}" if r["region"] else "") == k)))


@table("threshold_dates")
def _threshold_dates(src_uri: str) -> str:
    """Provincial standards that have a date in the pack, oldest first (for the change log)."""
    rows = []
    for row in sorted((r for r in _threshold_rows() if r["from"]), key=lambda r: (r["from"], r["code"])):
        if row["region"] and row["region"] != "class1":
            continue
        rows.append([row["from"], md_cell(row["name"]), md_cell(row["document_title"]), md_cell(_conf(row))])
    return md_table(["日期", "地区", "文件", "可信度"], rows)


@table("law_dates")
def _law_dates(src_uri: str) -> str:
    """Texts of the registry with an in-force date (start or end), in date order."""
    events = []
    for law in registry().values():
        if law.in_force_from:
            events.append((law.in_force_from, f"[[{law.id}]] 施行"))
        if law.in_force_to:
            events.append((law.in_force_to, f"[[{law.id}]] 适用至此日"))
    events.sort()
    return md_table(["日期", "变化"], [[d, e] for d, e in events])
