"""MkDocs hook: the sentence estimate's calibration table (issue 14), ``{{ table:sentencing_calibration }}``.

Every figure comes from the engine: ``calculators.criminal.sentencing.calibration_rows()`` runs each real case of
``calculators/rules/criminal/sentencing.toml`` ([[calibration]], ids from cases.md) through ``classify`` and
compares the estimate with the actual sentence; nothing is typed by hand here.

``rule_tables`` (the first hook) renders every ``{{ table:NAME }}`` marker and fails on unknown names,
so this hook adds its table to that module's registry when MkDocs loads the hooks (``on_config``); if
``rule_tables`` is not loaded (this module used on its own), ``on_page_markdown`` renders the marker.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from calculators.criminal import sentencing  # noqa: E402

NAME = "sentencing_calibration"
MARKER = re.compile(r"\{\{\s*table:\s*" + NAME + r"\s*\}\}")
CONF_WORDS = {"VERIFIED": "已核对原文", "PARTIAL": "部分核对（待核实）", "REPORTED": "二手来源（待核实）"}


def _cell(text: Any) -> str:
    return re.sub(r"\s*\n\s*", " ", html.escape(str(text), quote=False).replace("|", "&#124;"))


def render(src_uri: str = "criminal.md") -> str:
    """The table (Markdown) and its summary line."""
    rows = sentencing.calibration_rows()
    summary = sentencing.calibration_summary(rows)
    cases = "cases.md" if "/" not in src_uri else "../" * src_uri.count("/") + "cases.md"
    out = ["| 案例 | 使用的事实 | 档次 | 估算范围 | 实际判决 | 是否在范围内 | 范围宽度 / 法定刑幅度 |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        out.append(
            f"| [{r['id']}]({cases}#{r['id'].lower()}) | {_cell(r['facts_text'])} | {_cell(r['tier_label'])} | "
            f"{r['months'][0]}–{r['months'][1]} 个月（{_cell(r['months_text'])}） | {_cell(r['actual_text'])}"
            f"（{r['actual_months']} 个月{'，缓刑' if r['suspended'] else ''}） | {'是' if r['inside'] else '**否**'} | "
            f"{r['width_ratio']:.2f} |")
    wide = [r["id"] for r in rows if r["width_ratio"] >= 1]
    text = (f"\n\n**{summary['cases']} 个案例中，{summary['inside']} 个的实际刑期落在估算范围内"
            f"（{summary['share_inside']:.0%}）；估算范围的宽度中位数是该档法定刑幅度的 {summary['median_width_ratio']:.2f} 倍。**")
    if wide:
        text += (f"范围不比法定刑窄的案例（{'、'.join(wide)}）：原因写在计算器结果的“注意”里——"
                 "未成年人没有找到调节比例（只能放宽到减轻处罚的下限），数额特别巨大一档本省没有按数额增加刑期的数字、"
                 "各省细则相差很大。")
    return '<div class="rule-table sentencing-calibration" markdown="1">\n\n' + "\n".join(out) + "\n\n</div>" + text


def _rule_tables_module() -> Any:
    for mod in list(sys.modules.values()):
        f = getattr(mod, "__file__", None) or ""
        if f.replace("\\", "/").endswith("site_hooks/rule_tables.py") and hasattr(mod, "TABLES"):
            return mod
    return None


def on_config(config):  # type: ignore[no-untyped-def]
    mod = _rule_tables_module()
    if mod is not None:
        mod.TABLES[NAME] = render
    return config


def on_page_markdown(markdown, page, config, files):  # type: ignore[no-untyped-def]
    if MARKER.search(markdown):
        return MARKER.sub(lambda m: render(page.file.src_uri), markdown)
    return markdown
