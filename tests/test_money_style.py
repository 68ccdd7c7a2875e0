"""One money style for readers (issue 12 §5): "8,000 元" — thousands separators, a space before 元,
cents only when not zero. Scans every golden case's engine output and the built site's pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from calculators import engine
from calculators.errors import FactsError
from conftest import GOLDEN_TODAY, ROOT, load_golden

# another style: a digit (or 万/千 after one) right before 元, 4+ digits without separators, ".00 元"
OTHER_STYLE = re.compile(r"\d[万千]?元|\d [万千]元|(?<![\d,.])\d{4,}(?:\.\d+)? ?元|\.00 ?元")
# where the words are a document's or a source's own (quoted, not ours): left as written
QUOTED_KEYS = {"document_note", "sources", "document_title", "document", "quote", "title", "amount_text_input"}


def offenders(obj: Any, path: str = "") -> list[str]:
    out: list[str] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k not in QUOTED_KEYS:
                out += offenders(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for v in obj:
            out += offenders(v, path)
    elif isinstance(obj, str):
        out += [f"{path}: …{obj[max(0, m.start() - 20):m.end() + 5]}…" for m in OTHER_STYLE.finditer(obj)]
    return out


def test_the_pattern_catches_the_old_styles() -> None:
    for bad in ("6,000元", "1万元", "50 万元", "3500.00 元", "12000 元", "罚金8000元"):
        assert OTHER_STYLE.search(bad), bad
    for good in ("6,000 元", "3,500.50 元", "195 元", "1,000 元以下"):
        assert not OTHER_STYLE.search(good), good


def test_every_golden_result_writes_money_in_one_style() -> None:
    bad: set[str] = set()
    n = 0
    for _name, case in load_golden():
        try:
            r = engine.classify(case["facts"], today=GOLDEN_TODAY).to_dict()
        except FactsError:
            continue
        n += 1
        r.get("facts", {}).pop("amount_text", None)  # what the merchant typed, echoed back as typed
        bad.update(offenders(r))
    assert n > 50
    assert not bad, "money in another style:\n" + "\n".join(sorted(bad)[:40])


def test_the_criminal_steps_use_the_one_style() -> None:
    r = engine.classify({"amount": "6000", "province": "江苏", "act_date": "2025-01-01",
                         "decision_date": "2026-01-01"}, today=GOLDEN_TODAY).to_dict()
    text = " ".join(s["text"] for s in r["steps"])
    assert "6,000 元" in text and "6,000元" not in text and "万元" not in text


def test_calculator_page_reads_rules_only_through_the_package() -> None:
    src = (ROOT / "site_hooks" / "calculator_page.py").read_text("utf-8")
    assert "tomllib" not in src and "fraud_thresholds" not in src and ".toml\")" not in src
    from calculators import ruleset
    from site_hooks import calculator_page

    assert [p["code"] for p in calculator_page.provinces()] == sorted({r["code"] for r in ruleset.thresholds_table()})
    assert [c["code"] for c in calculator_page.circumstances()] == [c["code"] for c in ruleset.circumstances()]


def test_no_tier_label_copies_in_python() -> None:
    hits = [str(p.relative_to(ROOT)) for base in ("calculators", "site_hooks") for p in (ROOT / base).rglob("*.py")
            if re.search(r"\"(?:large|huge)\"\s*:\s*\"数额", p.read_text("utf-8"))]
    assert not hits, hits


def test_one_js_money_formatter() -> None:
    assets = ROOT / "docs" / "assets"
    own = {"money.mjs", "sentence-chart.mjs"}  # sentence-chart.mjs belongs to another change
    hits = [p.name for p in assets.glob("*.mjs") if p.name not in own
            and re.search(r"toLocaleString|Intl\.NumberFormat|\}\s?元`", p.read_text("utf-8"))]
    assert not hits, hits


def _site() -> Path | None:
    import os

    d = os.environ.get("CALC_SITE_DIR")
    return Path(d) if d and Path(d).is_dir() else None


def test_built_site_writes_money_in_one_style() -> None:
    from browser_support import built_site  # the session's one strict build (or CALC_SITE_DIR)

    site = _site() or built_site()
    bad: list[str] = []
    for page in site.rglob("*.html"):
        rel = str(page.relative_to(site))
        if rel.startswith(("laws/", "statutes/", "sources/")):
            continue  # the statute pages quote the law's own words
        text = re.sub(r"<script.*?</script>|<style.*?</style>|<blockquote.*?</blockquote>", " ",
                      page.read_text("utf-8"), flags=re.S)
        # the research record and the source list are shown as written (a document's or source's words)
        text = re.sub(r"<li>(?:本站研究记录|https?://)[^<]*(?:<(?!/li>)[^<]*)*</li>", " ", text)
        text = re.sub(r"<[^>]+>", "", text)
        text = re.sub(r"“[^”]{0,400}”", "", text)  # quoted words of a law or a document
        bad += [f"{rel}: …{text[max(0, m.start() - 20):m.end() + 5]}…" for m in OTHER_STYLE.finditer(text)]
    assert not bad, "money in another style:\n" + "\n".join(bad[:40])


def test_no_tier_label_copies_in_page_scripts() -> None:
    """The page scripts take the tier labels from result.labels or the build-time page data."""
    assets = ROOT / "docs" / "assets"
    hits = [p.name for p in assets.glob("*.mjs")
            if re.search(r"\b(?:large|huge)\s*:\s*\"数额|\[\"large\",\s*\"数额", p.read_text("utf-8"))]
    assert not hits, hits


def test_pages_get_the_labels_from_the_rule_data() -> None:
    import json

    from calculators.labels import result_labels
    from site_hooks import calculator_page

    def payload(script: str) -> Any:
        return json.loads(re.sub(r"^<script[^>]*>|</script>$", "", script))

    assert payload(calculator_page.page_data())["labels"] == result_labels()
    assert payload(calculator_page.labels_data()) == result_labels()
    page = (ROOT / "docs" / "tools" / "deadlines" / "index.md").read_text("utf-8")
    assert "<!-- calc:labels -->" in page
