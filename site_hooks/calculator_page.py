"""Fill the calculator form (docs/calculator/index.md) from the rule data at build time.

Slots in the page's HTML, replaced in ``on_page_content``:
- ``<!-- calc:provinces -->`` inside the province ``<select>``: one ``<option>`` per province of
  ``ruleset.thresholds_table()`` (calculators/rules/thresholds/*.toml; value = short name, ``data-code`` = GB/T 2260 code,
  ``data-confidence``; ``data-regions`` = JSON list of {code,label,cities} for provinces whose
  thresholds split by region, e.g. 广东).
- ``<!-- calc:circumstances -->``: one checkbox per circumstance code with its short help, from the
  ruleset's ``circumstances()`` (calculators/rules/circumstances.toml).
- ``<!-- calc:data -->``: ``<script type="application/json" id="calc-data">`` with the figures of the
  provisional line (``calculators.provisional.export``) and the glossary (site_hooks/glossary.py).
  A JSON script is data, never run, so the CSP needs no hash for it.

Everything comes through the calculators package (``ruleset``, ``provisional.export``); this hook reads
no rule file itself, so a change of the rule files' layout cannot leave the page reading stale data.
Every text is HTML-escaped.
"""

from __future__ import annotations

import html
import json
import logging
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.hooks.calculator_page")

ROOT = Path(__file__).resolve().parent.parent
PAGE = "calculator/index.md"


def _ruleset():
    """The calculators package's rule API: the page reads the rule files through it only."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from calculators import ruleset

    return ruleset


def provinces() -> list[dict[str, Any]]:
    """[{code, name, short, confidence, regions: [{code, label, cities}]}] in GB/T 2260 order."""
    by_code: dict[str, dict[str, Any]] = {}
    for row in _ruleset().thresholds_table():
        p = by_code.setdefault(row["code"], {"code": row["code"], "name": row["name"], "short": row["short"],
                                             "confidence": row["confidence"], "regions": []})
        if row.get("region") and all(r["code"] != row["region"] for r in p["regions"]):
            p["regions"].append({"code": row["region"], "label": row.get("region_label") or "",
                                 "cities": list(row.get("cities") or [])})
    return [by_code[c] for c in sorted(by_code)]


def circumstances() -> list[dict[str, str]]:
    """[{code, label, help, group}] from ``ruleset.circumstances()``, in file order."""
    return [{"code": c["code"], "label": c["label"], "help": c["help"], "group": c["group"]}
            for c in _ruleset().circumstances()]


def province_options() -> str:
    rows = []
    for p in provinces():
        attrs = [f'value="{html.escape(p["short"])}"', f'data-code="{html.escape(p["code"])}"',
                 f'data-confidence="{html.escape(p["confidence"])}"']
        if p["regions"]:
            attrs.append(f'data-regions="{html.escape(json.dumps(p["regions"], ensure_ascii=False))}"')
        note = {"REPORTED": "（标准待核实）", "UNKNOWN": "（无本地标准，按全国幅度）"}.get(p["confidence"], "")
        rows.append(f'<option {" ".join(attrs)}>{html.escape(p["name"])}{note}</option>')
    return "\n".join(rows)


def circumstance_boxes() -> str:
    items = circumstances()
    if not items:
        return '<p class="calc-muted">（情节选项随规则数据发布后显示。）</p>'
    rows = []
    group = None
    for c in items:
        if c["group"] and c["group"] != group:
            group = c["group"]
            rows.append(f'<p class="calc-check-group">{html.escape(group)}</p>')
        cid = "c-" + "".join(ch if ch.isalnum() else "-" for ch in c["code"])
        help_html = f'<span class="calc-help">{html.escape(c["help"])}</span>' if c["help"] else ""
        rows.append(
            f'<label class="calc-check" for="{html.escape(cid)}">'
            f'<input type="checkbox" name="c" id="{html.escape(cid)}" value="{html.escape(c["code"])}">'
            f'<span class="calc-check-text"><span class="calc-check-label">{html.escape(c["label"])}</span>'
            f"{help_html}</span></label>"
        )
    return "\n".join(rows)


def page_data() -> str:
    """The build-time data of the page, as JSON safe inside a <script> element."""
    from calculators.labels import result_labels
    from calculators.provisional import export
    from calculators.ruleset import load
    from site_hooks.glossary import entries

    # labels: the tier and confidence labels from the rule data (the same ``labels`` a result carries)
    data = {"provisional": export(load()), "glossary": entries(), "labels": result_labels()}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="calc-data">{text}</script>'


def render(content: str) -> str:
    content = content.replace("<!-- calc:provinces -->", province_options())
    content = content.replace("<!-- calc:circumstances -->", circumstance_boxes())
    _ruleset()  # puts the project root on sys.path
    content = content.replace("<!-- calc:data -->", page_data())
    return content


def labels_data() -> str:
    """``<!-- calc:labels -->`` on a tool page: the display labels from the rule data as a JSON script
    (``id="calc-labels"``), so the page script keeps no copy of them."""
    _ruleset()  # puts the project root on sys.path
    from calculators.labels import result_labels

    text = json.dumps(result_labels(), ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="calc-labels">{text}</script>'


def on_page_content(html_content: str, page, config, files, **kwargs) -> str:
    if "<!-- calc:labels -->" in html_content:
        html_content = html_content.replace("<!-- calc:labels -->", labels_data())
    if page.file.src_uri != PAGE:
        return html_content
    return render(html_content)
