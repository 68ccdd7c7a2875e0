"""A minimal .docx writer: the standard library's zipfile plus hand-written WordprocessingML.

It writes the four parts a word processor needs ([Content_Types].xml, _rels/.rels, word/document.xml,
word/styles.xml) plus the document's relationship part and the core properties, from a list of
blocks shared with the page's printable HTML:

    {"type": "title", "text": ...}
    {"type": "heading", "level": 1 | 2, "text": ...}
    {"type": "paragraph", "text": ..., "align": "left" | "center" | "right", "indent": bool, "bold": bool}
    {"type": "note", "text": ...}                       # the draft notice: bold, boxed
    {"type": "table", "header": [...], "rows": [[...], ...]}

East Asian text gets its own fonts (宋体 for the body, 黑体 for titles and headings, via w:eastAsia)
and the zh-CN language tag. All text is escaped for XML, and characters that XML 1.0 cannot carry
(control characters, lone surrogates) are dropped. The output is deterministic (fixed zip times).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

BODY_FONT_EA = "宋体"
HEAD_FONT_EA = "黑体"
LATIN_FONT = "Times New Roman"

# XML 1.0 Char production, minus what Word rejects.
_INVALID_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: Any) -> str:
    """Text as it may appear in XML: a str without characters XML 1.0 forbids."""
    return _INVALID_XML.sub("", str(text))


def xml_text(text: Any) -> str:
    return escape(clean(text), {'"': "&quot;"})


def _runs(text: str, *, bold: bool = False) -> str:
    """One or more w:r for a text; newlines become w:br, tabs w:tab."""
    rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""
    parts: list[str] = []
    for i, line in enumerate(clean(text).split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if chunk:
                parts.append(f'<w:t xml:space="preserve">{xml_text(chunk)}</w:t>')
    return f"<w:r>{rpr}{''.join(parts)}</w:r>"


def _paragraph(text: str, *, style: str | None = None, align: str | None = None, indent: bool = False,
               bold: bool = False, border: bool = False) -> str:
    ppr = []
    if style:
        ppr.append(f'<w:pStyle w:val="{style}"/>')
    if border:
        ppr.append('<w:pBdr><w:top w:val="single" w:sz="6" w:space="4" w:color="C00000"/>'
                   '<w:left w:val="single" w:sz="6" w:space="4" w:color="C00000"/>'
                   '<w:bottom w:val="single" w:sz="6" w:space="4" w:color="C00000"/>'
                   '<w:right w:val="single" w:sz="6" w:space="4" w:color="C00000"/></w:pBdr>')
    if indent:
        ppr.append('<w:ind w:firstLineChars="200" w:firstLine="480"/>')
    if align in ("center", "right", "left"):
        ppr.append(f'<w:jc w:val="{align}"/>')
    ppr_xml = f"<w:pPr>{''.join(ppr)}</w:pPr>" if ppr else ""
    return f"<w:p>{ppr_xml}{_runs(text, bold=bold)}</w:p>"


def _cell(text: str, width: int, *, header: bool) -> str:
    shade = '<w:shd w:val="clear" w:color="auto" w:fill="E7E6E6"/>' if header else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>'
            f"{_paragraph(text, bold=header)}</w:tc>")


def _table(header: list[str], rows: list[list[str]]) -> str:
    ncols = max([len(header)] + [len(r) for r in rows]) if (header or rows) else 1
    total = 9000  # twips across the text block of an A4 page with the margins below
    # a narrow first column for 序号 when the first header is 序号
    if ncols > 1 and header and header[0] == "序号":
        first = 900
        widths = [first] + [(total - first) // (ncols - 1)] * (ncols - 1)
    else:
        widths = [total // ncols] * ncols
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{total}" w:type="dxa"/>'
           f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
           f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>']
    for i, row in enumerate(([header] if header else []) + rows):
        is_header = bool(header) and i == 0
        trpr = "<w:trPr><w:tblHeader/></w:trPr>" if is_header else ""
        cells = [str(c) for c in row] + [""] * (ncols - len(row))
        out.append(f"<w:tr>{trpr}" + "".join(_cell(c, widths[k], header=is_header) for k, c in enumerate(cells)) + "</w:tr>")
    out.append("</w:tbl>")
    # Word needs a paragraph between two adjacent tables and after a table that ends a cell/body.
    out.append("<w:p/>")
    return "".join(out)


def document_xml(blocks: Iterable[dict[str, Any]]) -> str:
    body: list[str] = []
    for b in blocks:
        kind = b.get("type")
        if kind == "title":
            body.append(_paragraph(b["text"], style="Title", align="center"))
        elif kind == "heading":
            level = 2 if b.get("level") == 2 else 1
            body.append(_paragraph(b["text"], style=f"Heading{level}"))
        elif kind == "paragraph":
            body.append(_paragraph(b["text"], align=b.get("align"), indent=bool(b.get("indent")), bold=bool(b.get("bold"))))
        elif kind == "note":
            body.append(_paragraph(b["text"], style="DraftNote", border=True))
        elif kind == "table":
            body.append(_table([str(h) for h in b.get("header", [])], [[str(c) for c in r] for r in b.get("rows", [])]))
        else:
            raise ValueError(f"unknown block type: {kind!r}")
    sect = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="851" w:footer="992" w:gutter="0"/>'
            '</w:sectPr>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{"".join(body)}{sect}</w:body></w:document>')


def _fonts(ea: str) -> str:
    return f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{ea}" w:cs="{LATIN_FONT}" w:hint="eastAsia"/>'


STYLES_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:docDefaults>
<w:rPrDefault><w:rPr>{_fonts(BODY_FONT_EA)}<w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="360" w:lineRule="auto"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:rPr>{_fonts(BODY_FONT_EA)}</w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:spacing w:before="240" w:after="360"/><w:jc w:val="center"/></w:pPr><w:rPr>{_fonts(HEAD_FONT_EA)}<w:b/><w:bCs/><w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr>{_fonts(HEAD_FONT_EA)}<w:b/><w:bCs/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:keepNext/><w:spacing w:before="120" w:after="60"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr>{_fonts(HEAD_FONT_EA)}<w:b/><w:bCs/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="DraftNote"><w:name w:val="Draft Note"/><w:basedOn w:val="Normal"/><w:qFormat/>
<w:rPr>{_fonts(HEAD_FONT_EA)}<w:b/><w:color w:val="C00000"/><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style>
</w:styles>
"""

CONTENT_TYPES_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>
"""

PACKAGE_RELS_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PKG_REL_NS}">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>
"""

DOCUMENT_RELS_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PKG_REL_NS}">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>
"""


def core_xml(title: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{xml_text(title)}</dc:title><dc:creator>恶意仅退款法律指南（草稿生成工具）</dc:creator>"
            "<dc:language>zh-CN</dc:language></cp:coreProperties>")


def render(blocks: list[dict[str, Any]], title: str = "") -> bytes:
    """The .docx file for the blocks, as bytes."""
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES_XML),
        ("_rels/.rels", PACKAGE_RELS_XML),
        ("word/document.xml", document_xml(blocks)),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS_XML),
        ("word/styles.xml", STYLES_XML),
        ("docProps/core.xml", core_xml(title)),
    ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, text.encode("utf-8"))
    return buf.getvalue()
