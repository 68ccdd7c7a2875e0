"""MkDocs hook: one statute page per law of the registry, generated at build time.

For every law of ``calculators/rules/laws.toml`` this hook adds ``laws/<id>/index.md`` (the full
text, unit by unit, each with a stable anchor: ``art-266``, ``art-287-1`` for 之一, or the ``{#anchor}``
of a PARTIAL text) and ``laws/index.md`` (the list of texts). The texts are read from ``legal/``
(the project's copies of the source pack) and split with ``calculators.laws.parse_text``: the page
shows exactly what the engine cites.

Markup of one unit (the search plugin of mkdocs-material splits the index at every heading with an
id, so each article is its own search result, located at ``laws/<id>/#art-…``)::

    <section class="law-unit">
    <h4 id="art-266"><a class="law-unit__link" href="#art-266">第二百六十六条</a></h4>
    <button type="button" class="law-cite" data-search-exclude>复制引用</button>
    <p>诈骗公私财物，…</p>
    </section>

The copy-citation action is one small module (docs/assets/cite.mjs) with one delegated listener.
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEGAL = ROOT / "legal"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from calculators.laws import Heading, Law, Unit, parse_blocks, parse_text, registry  # noqa: E402

CONFIDENCE_LABELS = {
    "VERIFIED": "已核对原文",
    "PARTIAL": "部分核对（待核实）",
    "REPORTED": "二手来源（待核实）",
    "UNKNOWN": "未找到可靠来源（待核实）",
}

# Reasons the source pack gives for a PARTIAL text (legal/partial.md); shown in the 待核实 banner.
PARTIAL_REASON = (
    "本文本只做了部分核对：至少两份互相独立的转录逐字一致，但尚未在发布机关自己的网站上核对原文。"
    "在核对之前，本页及依赖本文本的计算结果都标注“待核实”。"
)


# Search weight of whole statute pages (Material's per-page ``search.boost``): a reader who types
# "拘留" wants the 治安 text in force before the criminal procedure law's detention articles.
SEARCH_BOOST = {"zhian-2025": 3, "zhian-2012": 1.5, "xingshi-susong-2018": 0.5}


@dataclass(frozen=True)
class Block:
    """One piece of a statute page in reading order: a heading or a unit."""
    kind: str            # "heading" | "unit"
    level: int = 0       # heading level in the page (2..6)
    text: str = ""       # heading text
    unit: Unit | None = None


@dataclass(frozen=True)
class LawText:
    law: Law
    headers: tuple[dict[str, str], ...]   # one parse_text header per file
    books: tuple[str, ...]                # second "# " title of each file (民法典: 总则 / 合同编 / …)
    blocks: tuple[Block, ...]

    @property
    def units(self) -> list[Unit]:
        return [b.unit for b in self.blocks if b.unit is not None]


def _book_title(markdown: str) -> str:
    head = markdown.partition("<!-- INFO END -->")[0]
    titles = [line[2:].strip() for line in head.splitlines() if line.startswith("# ")]
    return titles[1] if len(titles) > 1 else ""


def _file_blocks(markdown: str, shift: int) -> list[Block]:
    """The headings and units of one file, in order, exactly as calculators.laws parses them (so the
    page shows what the engine cites)."""
    _, parsed = parse_blocks(markdown)
    return [
        Block("heading", level=min(6, b.level + shift), text=b.text) if isinstance(b, Heading) else Block("unit", unit=b)
        for b in parsed
    ]


@cache
def load(law_id: str) -> LawText:
    law = registry()[law_id]
    multi = len(law.files) > 1
    headers, books, blocks = [], [], []
    for rel in law.files:
        text = (LEGAL / rel).read_text("utf-8")
        header, _ = parse_text(text)
        headers.append(header)
        book = _book_title(text)
        books.append(book)
        if multi and book:
            blocks.append(Block("heading", level=2, text=book))
        blocks.extend(_file_blocks(text, shift=1 if multi else 0))
    return LawText(law, tuple(headers), tuple(books), tuple(blocks))


@cache
def anchors(law_id: str) -> frozenset[str]:
    """Every unit anchor of a law, as printed on its statute page."""
    return frozenset(u.anchor for u in load(law_id).units)


def unit_text(law_id: str, anchor: str) -> Unit:
    for u in load(law_id).units:
        if u.anchor == anchor:
            return u
    raise KeyError(f"{law_id}#{anchor}")


_IN_FORCE_RE = re.compile(r"^本(?:法|办法|规定|解释|意见)自(\d{4}年\d{1,2}月\d{1,2}日)起施行")
_HEADER_LINE_RE = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日)\s+(.*)$")


def _text_in_force(law_id: str) -> tuple[str, str]:
    """(date, article label) of the text's own "本法自…起施行" unit, or ("", "")."""
    for u in load(law_id).units:
        for para in u.paragraphs:
            m = _IN_FORCE_RE.match(para)
            if m:
                return m.group(1), u.label
    return "", ""


def _last_change(law_id: str) -> tuple[str, str]:
    """(date, what) of the last revision or amendment the text's header records ("修正", "修订",
    "通过《中华人民共和国刑法修正案（十二）》"), or ("", "") for a text never changed."""
    last = ("", "")
    for header in load(law_id).headers:
        for line in header["dates"].splitlines():
            m = _HEADER_LINE_RE.match(line.strip())
            if not m:
                continue
            rest = m.group(2)
            amendment = re.search(r"通过的(《[^》]+》)$", rest)
            if rest.endswith(("修订", "修正")):
                last = (m.group(1), rest[-2:])
            elif amendment:
                last = (m.group(1), f"通过{amendment.group(1)}")
    return last


def _dates(law: Law) -> str:
    """The effective dates themselves: the registry's dates where it has them, otherwise the text's own
    "本法自…起施行" article and the date of its last revision or amendment (from the text's header)."""
    if law.in_force_from:
        return f"{law.in_force_from} 起施行" + (f"，至 {law.in_force_to}" if law.in_force_to else "")
    date, label = _text_in_force(law.id)
    changed, what = _last_change(law.id)
    parts = []
    if date:
        parts.append(f"{date}起施行（{label}）")
    if changed and what == "修订":  # a revision re-enacts the whole text, its own 施行 article included
        parts.append(f"{changed}修订通过（本站收录的是修订后的文本）")
    elif changed:
        parts.append(f"最近一次修改：{changed}{what}（本站收录的是修改后的文本；这次修改本身的施行日期，文本中没有写明）")
    if law.in_force_to:
        parts.append(f"适用至 {law.in_force_to}")
    return "；".join(parts) or "本站收录的文本和资料都没有写明施行日期（待核实）"


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def law_page(law_id: str) -> str:
    lt = load(law_id)
    law = lt.law
    partial = law.confidence != "VERIFIED"
    out: list[str] = [
        "---",
        f"title: {law.title}",
        *(["search:", f"  boost: {SEARCH_BOOST[law_id]}"] if law_id in SEARCH_BOOST else []),
        "---",
        "",
        f"# {law.title} {{#law-title}}",
        "",
        # One hidden element carries what cite.mjs needs to build a citation; no per-article script.
        f'<div id="law-data" hidden data-law="{_attr(law.id)}" data-title="{_attr(law.title)}" '
        f'data-version="{_attr(law.version)}" data-confidence="{_attr(law.confidence)}"></div>',
        "",
    ]
    if partial:
        out += [
            '!!! warning "待核实"',
            "",
            f"    {_esc(PARTIAL_REASON)}",
            "",
        ]
        if law.note:
            out += [f"    {_esc(law.note)}", ""]
    if len(law.files) > 1:
        books = "、".join(b for b in lt.books if b)
        out += [
            '!!! note "只收录部分各编"',
            "",
            f"    本站只收录{_esc(law.short)}的{_esc(books)}三编（本题所涉条文所在的各编），其他各编未收录。"
            "条文序号沿用法典全文的统一编号。",
            "",
        ]
    out += [law_nav(law.id), ""]
    # Version, dates and provenance, as a table (plain Markdown; cells escaped).
    rows = [
        ("简称", law.short),
        ("类别", law.kind),
        ("版本", law.version or "本站资料未注明"),
        ("施行日期", _dates(law)),
        ("可信度", CONFIDENCE_LABELS.get(law.confidence, law.confidence)),
        ("引用标识（示例）", f"{law.id}#{next((u.anchor for u in lt.units if u.anchor != 'preamble'), '')}"),
    ]
    if law.note and not partial:
        rows.append(("说明", law.note))
    out += ["| 项目 | 内容 |", "| --- | --- |"]
    out += [f"| {k} | {_cell(v)} |" for k, v in rows]
    out.append("")
    for rel, header, book in zip(law.files, lt.headers, lt.books):
        label = f"（{book}）" if len(law.files) > 1 and book else ""
        out.append(f'<details class="law-header"><summary>文本首部与来源{_esc(label)}</summary>')
        for line in header["dates"].splitlines():
            out.append(f"<p>{_esc(line)}</p>")
        source = header["source"].removeprefix("source:").strip()
        out.append(f'<p class="law-source">来源：{_esc(source)}（本站副本：<code>legal/{_esc(rel)}</code>）</p>')
        out += ["</details>", ""]
    # Each article's heading sits one level below the heading it follows (h2 before any), so the
    # outline never skips a level (screen readers navigate by it; axe's heading-order rule).
    unit_level = 2
    out.append('<script type="module" src="../../assets/cite.mjs"></script>')
    out.append("")
    n_heading = 0
    current_law = law.id
    for block in lt.blocks:
        if block.kind == "heading":
            n_heading += 1
            out += [f"{'#' * block.level} {_heading(block.text)} {{#sec-{n_heading}}}", ""]
            unit_level = min(6, block.level + 1)
            continue
        u = block.unit
        assert u is not None
        h = f"h{unit_level}"
        parts = [
            '<section class="law-unit">',
            f'<{h} id="{u.anchor}"><a class="law-unit__link" href="#{u.anchor}">{_esc(u.label)}</a>{_numeral(u.anchor)}</{h}>',
            '<button type="button" class="law-cite" data-search-exclude>复制引用</button>',
        ]
        parts += [f"<p>{_esc(p)}</p>" for p in u.paragraphs]
        key = " ".join(k for k in (_search_key(u), alias_token(current_law, u.anchor)) if k)
        if key:
            # Material's search box segments a query with the tokens of the index, never using the
            # whole query as one piece: "第二百六十六条" is looked up as "第二百六十六*". This token
            # (not shown, not read aloud) is what lets that query find the article; the alias token
            # ("xingfaart266") is what a shorthand query is rewritten to (site_hooks/search_zh.py).
            parts.append(f'<span class="law-unit__key" hidden aria-hidden="true">{_esc(key)}</span>')
        parts.append("</section>")
        out += ["\n".join(parts), ""]
    return "\n".join(out)


def law_nav(current: str) -> str:
    """The list of every statute page, to move between laws: a column beside the text on wide screens
    (docs/assets/content.css); narrow screens use the 法条 index page instead."""
    items = []
    for law in registry().values():
        here = ' aria-current="page"' if law.id == current else ""
        items.append(f'<li><a href="../{law.id}/"{here}>{_esc(law.short)}</a></li>')
    return ('<nav class="law-nav" aria-label="法条目录" data-search-exclude><p class="law-nav__title">法条目录</p><ul>'
            + "".join(items) + '</ul><p><a href="../">全部文本与说明</a></p></nav>')


def alias_token(law_id: str, anchor: str) -> str:
    """The search index token of one article, e.g. "xingfaart266", "xingfaart287z1": one token for the
    search box's shorthand queries ("刑法266条" → this token: site_hooks/search_zh.py)."""
    m = re.fullmatch(r"art-(\d+)(?:-(\d+))?", anchor)
    if not m:
        return ""
    return f"{law_id.replace('-', '')}art{m.group(1)}" + (f"z{m.group(2)}" if m.group(2) else "")


def _search_key(u: Unit) -> str:
    """"第二百六十六" for 第二百六十六条 (the label less its last character), "" for other units."""
    return u.label[:-1] if u.anchor.startswith("art-") and u.label.endswith("条") else ""


def _numeral(anchor: str) -> str:
    """"第266条" beside "第二百六十六条": readers (and the search index) also use Arabic numerals."""
    m = re.fullmatch(r"art-(\d+)(?:-(\d+))?", anchor)
    if not m:
        return ""
    sub = f"之{m.group(2)}" if m.group(2) else ""
    return f' <span class="law-unit__num">第{m.group(1)}条{sub}</span>'


def _cell(text: str) -> str:
    return _esc(text).replace("|", "&#124;").replace("\n", " ")


def _heading(text: str) -> str:
    # Headings are Markdown: neutralise characters that Markdown would read as markup.
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", re.sub(r"\s+", " ", text))


def index_page() -> str:
    out = [
        "---",
        "title: 法条",
        "---",
        "",
        "# 法条",
        "",
        "本站引用的每一部法律、司法解释和规章都有一页全文，每一条都有固定的链接（例如刑法第二百六十六条是 "
        "`laws/xingfa/#art-266`，“之一”写作 `art-287-1`）。每条旁边的“复制引用”按钮会复制条文全文、"
        "文本版本和本条链接。",
        "",
        "标注“待核实”的文本尚未在发布机关网站上核对原文，引用前请自行核对。",
        "",
        "| 文本 | 标识 | 收录条数 | 类别 | 版本 | 施行 | 可信度 | 说明 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for law in registry().values():
        n = sum(1 for u in load(law.id).units if u.anchor != "preamble")
        out.append(
            f"| [{_cell(law.title)}]({law.id}/index.md) | `{law.id}` | {n} | {_cell(law.kind)} | {_cell(law.version or '—')} | "
            f"{_cell(_dates(law))} | {_cell(CONFIDENCE_LABELS.get(law.confidence, law.confidence))} | "
            f"{_cell(law.note or '—')} |"
        )
    out.append("")
    return "\n".join(out)


# --- MkDocs hook -----------------------------------------------------------------------------------

def on_files(files, config):  # type: ignore[no-untyped-def]
    from mkdocs.structure.files import File

    generated = {"laws/index.md": index_page()}
    for law_id in registry():
        generated[f"laws/{law_id}/index.md"] = law_page(law_id)
    for src_uri, content in generated.items():
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, src_uri, content=content))
    return files


def search_words() -> set[str]:
    """Every unit label as readers type it ("第二百六十六条", "第266条", "第二百八十七条之一"), so that the
    Chinese segmentation of the search index keeps each one as a single token."""
    words: set[str] = set()
    for law_id in registry():
        for u in load(law_id).units:
            m = re.fullmatch(r"art-(\d+)(?:-(\d+))?", u.anchor)
            if m:
                words.add(u.label)
                words.add(f"第{m.group(1)}条" + (f"之{m.group(2)}" if m.group(2) else ""))
    return words


def on_config(config):  # type: ignore[no-untyped-def]
    try:
        import jieba
    except ImportError:  # search then matches whole phrases only; the pages are unaffected
        return config
    import logging
    jieba.setLogLevel(logging.WARNING)
    for w in sorted(search_words()):
        jieba.add_word(w, freq=100000)
    for key in sorted(search_keys()):
        if key not in jieba.dt.FREQ or not jieba.dt.FREQ[key]:
            jieba.add_word(key, freq=10)  # rare: never preferred over the whole label above
    return config


def search_keys() -> set[str]:
    return {k for law_id in registry() for u in load(law_id).units if (k := _search_key(u))}
