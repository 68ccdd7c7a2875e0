"""The texts the product cites: the registry (rules/laws.toml), citation ids and Chinese article numbers.

A citation id names one article of one text: ``"<law id>#art-<n>"``, with ``-<k>`` for 之k
(``"xingfa#art-266"``, ``"xingfa#art-287-1"``). PARTIAL texts whose units are not articles use the
anchor written in the text itself (``"liangxing-2021#item-3-6"``). The statute page of a law is
``laws/<law id>/`` and each unit's anchor is the part after ``#``.

Standard library only: this module runs in CPython and in Pyodide.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import cache

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(text: str) -> int:
    """Convert a Chinese numeral as used in article numbers ("二百六十六", "十", "一千二百六十") to an int."""
    if not text:
        raise ValueError("empty numeral")
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + (digit or 0)


def int_to_cn(number: int) -> str:
    """Convert 1..9999 to the Chinese numeral used in article labels (266 -> "二百六十六", 10 -> "十")."""
    if not 0 < number < 10000:
        raise ValueError(f"out of range: {number}")
    names = "零一二三四五六七八九"
    parts: list[str] = []
    pending_zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = number // value % 10
        if d == 0:
            if parts:
                pending_zero = True
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(("" if (unit == "十" and d == 1 and not parts) else names[d]) + unit)
    return "".join(parts)


# "第N条 " starts an article; one source line is typed "第一百二十八 条侦查…" and is accepted as well.
ARTICLE_RE = re.compile(r"^第([零〇一二三四五六七八九十百千]+)(?:条(?:之([一二三四五六七八九十]+))?[ 　]| 条)")
ANCHOR_RE = re.compile(r"^\{#([a-z0-9-]+)\} ")


def article_anchor(number: int, sub: int | None = None) -> str:
    """The anchor of an article: art-266, or art-287-1 for 第二百八十七条之一."""
    return f"art-{number}" + (f"-{sub}" if sub else "")


def article_label(number: int, sub: int | None = None) -> str:
    return f"第{int_to_cn(number)}条" + (f"之{int_to_cn(sub)}" if sub else "")


@dataclass(frozen=True)
class Law:
    id: str
    title: str
    short: str
    kind: str
    files: tuple[str, ...]
    version: str
    in_force_from: str
    in_force_to: str
    confidence: str
    note: str

    @property
    def url(self) -> str:
        """Site-relative URL of the statute page."""
        return f"laws/{self.id}/"


_RULES_DIR = os.path.join(os.path.dirname(__file__), "rules")


def rule_bytes(name: str) -> bytes:
    """The bytes of ``calculators/rules/<name>``, read through the package's own loader: a plain file
    read when the package is unpacked as files (as in Pyodide), a member read when it is imported
    from a zip. Not ``importlib.resources``: importing it (8 modules compiled from source in
    Pyodide) cost about 13 ms of the calculator's cold start."""
    get_data = getattr(__spec__.loader, "get_data", None) if __spec__ is not None else None
    if get_data is None:  # an unusual loader: fall back to the general API
        from importlib import resources

        return resources.files("calculators").joinpath("rules").joinpath(name).read_bytes()
    data: bytes = get_data(os.path.join(_RULES_DIR, name))
    return data


@cache
def registry() -> dict[str, Law]:
    data = tomllib.loads(rule_bytes("laws.toml").decode("utf-8"))
    return {
        law_id: Law(
            id=law_id,
            title=v["title"],
            short=v["short"],
            kind=v["kind"],
            files=tuple(v["files"]),
            version=v.get("version", ""),
            in_force_from=v.get("in_force_from", ""),
            in_force_to=v.get("in_force_to", ""),
            confidence=v["confidence"],
            note=v.get("note", ""),
        )
        for law_id, v in data["laws"].items()
    }


_FOOTNOTE_MARKS = "①②③④⑤⑥⑦⑧⑨⑩"

_CITE_RE = re.compile(r"^([a-z0-9-]+)#(art-(\d+)(?:-(\d+))?|[a-z0-9-]+)$")


@dataclass(frozen=True)
class Citation:
    id: str
    law: str
    anchor: str
    label: str          # "刑法第二百六十六条"
    title: str          # full title of the text
    url: str            # site-relative: "laws/xingfa/#art-266"
    confidence: str     # VERIFIED or PARTIAL

    def to_dict(self) -> dict[str, str]:
        return {
            "id": self.id, "law": self.law, "anchor": self.anchor, "label": self.label,
            "title": self.title, "url": self.url, "confidence": self.confidence,
        }


def cite(citation_id: str) -> Citation:
    """Resolve a citation id against the registry (not against the text: tests check that every id
    the engine emits names an article that exists in the copied texts)."""
    m = _CITE_RE.match(citation_id)
    if not m:
        raise ValueError(f"malformed citation id: {citation_id!r}")
    law_id, anchor, num, sub = m.group(1), m.group(2), m.group(3), m.group(4)
    law = registry().get(law_id)
    if law is None:
        raise KeyError(f"unknown law id in citation: {citation_id!r}")
    if num is not None:
        unit = article_label(int(num), int(sub) if sub else None)
    else:
        unit = _UNIT_LABELS.get(anchor, anchor)
    return Citation(
        id=citation_id, law=law_id, anchor=anchor, label=f"{law.short}{unit}", title=law.title,
        url=f"{law.url}#{anchor}", confidence=law.confidence,
    )


# Labels of the non-article units of PARTIAL texts (the anchors written in legal/partial/*.md).
_UNIT_LABELS = {
    "item-3-0": "三、常见量刑情节的适用（总述）",
    "item-3-4": "三（四）未遂",
    "item-3-6": "三（六）自首",
    "item-3-7": "三（七）坦白",
    "item-3-8": "三（八）当庭自愿认罪",
    "item-3-10": "三（十）退赃、退赔",
    "item-3-11": "三（十一）赔偿、谅解",
    "item-3-12": "三（十二）刑事和解",
    "item-3-14": "三（十四）认罪认罚",
    "item-3-15": "三（十五）累犯",
    "item-3-16": "三（十六）前科",
    "item-3-multi": "三、多个量刑情节的调节方法",
    "item-3-final": "三、宣告刑的确定",
    "zhapian-1": "四、诈骗罪第1项（量刑起点）",
    "zhapian-2": "四、诈骗罪第2项（基准刑）",
    "zhapian-3": "四、诈骗罪第3项（罚金）",
    "zhapian-4": "四、诈骗罪第4项（缓刑）",
    "sec-2-multi": "（二年内多次实施电信网络诈骗累计计算）",
    "sec-2-1": "二（一）（电信网络诈骗的数额标准）",
    "c1320-headnote": "（裁判要旨）",
    "c1320-specific": "（裁判理由：针对特定人的诈骗）",
    "c1320-unspecified": "（裁判理由：“不特定多数人”）",
    "j105-holding": "（检察机关的认定）",
}


@dataclass(frozen=True)
class Unit:
    """One citable unit of a text: an article (paragraphs as lines) or an anchored item."""
    anchor: str
    label: str
    paragraphs: tuple[str, ...]
    heading: str  # the nearest ## / ### heading above it, "" if none


@dataclass(frozen=True)
class Heading:
    """A heading of the text (编/章/节/附件), in file order between the units."""
    level: int
    text: str


def parse_text(markdown: str) -> tuple[dict[str, str], list[Unit]]:
    """Split a text file of the source pack into its header and its citable units."""
    header, blocks = parse_blocks(markdown)
    return header, [b for b in blocks if isinstance(b, Unit)]


def parse_blocks(markdown: str) -> tuple[dict[str, str], list[Heading | Unit]]:
    """Split a text file of the source pack into its header and, in order, its headings and units.

    Format (legal/README): a provenance comment, a title, dates, ``<!-- INFO END -->``, then one
    paragraph per line; an article starts with ``第…条 ``; a PARTIAL unit starts with ``{#anchor} ``.
    Lines before the first unit are kept under the anchor ``preamble``; text under a heading after the
    last article (刑法's 附件) becomes ``part-<k>``; an editor's footnote (``①…``) becomes ``note-<k>``.
    """
    head, _, body = markdown.partition("<!-- INFO END -->")
    lines = head.splitlines()
    header = {
        "source": lines[0].removeprefix("<!-- ").removesuffix(" -->").strip() if lines else "",
        "title": next((line[2:].strip() for line in lines if line.startswith("# ")), ""),
        "dates": "\n".join(line.strip() for line in lines[1:] if line.strip() and not line.startswith("#") and not line.startswith("<!--")),
    }
    blocks: list[Heading | Unit] = []
    current: list[str] | None = None
    anchor = label = heading = unit_heading = ""
    parts = notes = 0
    heading_open = False  # the last block is a heading and no text followed it yet

    def flush() -> None:
        if current is not None:
            blocks.append(Unit(anchor, label, tuple(current), unit_heading))

    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            flush()  # a heading closes the unit above it: an annex is not part of the last article
            current = None
            heading = line.lstrip("#").strip()
            blocks.append(Heading(len(line) - len(line.lstrip("#")), heading))
            heading_open = True
            continue
        m = ARTICLE_RE.match(line)
        a = ANCHOR_RE.match(line)
        if m:
            flush()
            num, sub = cn_to_int(m.group(1)), (cn_to_int(m.group(2)) if m.group(2) else None)
            anchor, label, unit_heading = article_anchor(num, sub), article_label(num, sub), heading
            current = [line[m.end():].strip()]
        elif a:
            flush()
            anchor = a.group(1)
            label, unit_heading = _UNIT_LABELS.get(anchor, anchor), heading
            current = [line[a.end():].strip()]
        elif line[0] in _FOOTNOTE_MARKS and current is not None:
            # An editor's footnote ("① 刑法、历次刑法修正案…的施行日期…") is not a paragraph of the article.
            flush()
            notes += 1
            anchor, label, unit_heading = f"note-{notes}", f"注{line[0]}", heading
            current = [line]
        elif heading_open and len(line) <= 30 and not any(c in line for c in "。；：，"):
            # The second line of a heading broken in two ("第四章 犯罪嫌疑人、被告人逃匿、死亡案件" / "违法所得的没收程序").
            heading = f"{heading} {line}"
            last = blocks[-1]
            assert isinstance(last, Heading)
            blocks[-1] = Heading(last.level, heading)
            continue
        elif current is None:
            if any(isinstance(b, Unit) for b in blocks) or heading:
                parts += 1
                anchor, label, unit_heading = f"part-{parts}", heading, heading
            else:
                anchor, label, unit_heading = "preamble", "序言", ""
            current = [line]
        else:
            current.append(line)
        heading_open = False
    flush()
    return header, blocks
