"""Court-fee tool: the schedule matches the text, band boundaries, halving, preservation cap, bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from calculators import facts
from calculators.laws import parse_text
from calculators.money import format_yuan
from calculators.toolkit import fees

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (ROOT / "legal" / "texts" / "susong-feiyong-2006.md").read_text("utf-8")


def _article(anchor: str) -> str:
    _, units = parse_text(SOURCE)
    return "\n".join(next(u for u in units if u.anchor == anchor).paragraphs)


def test_every_quoted_text_is_verbatim_in_the_source():
    data = fees.schedule_data()
    art13 = _article("art-13")
    assert data["property_case"]["heading"] in art13
    for band in data["property_case"]["bands"]:
        assert band["text"] in art13, band["text"]
    art14 = _article("art-14")
    assert data["preservation"]["text"] in art14
    for band in data["preservation"]["bands"]:
        assert band["text"] in art14
    for red in data["reductions"]:
        assert red["text"] in SOURCE


def test_band_figures_agree_with_the_quoted_text():
    """The numeric fields of each band restate its own quoted item (no figure typed twice differently)."""
    for b in fees.property_bands():
        if b.rate is not None:
            assert f"按照{fees._rate_percent(b.rate)}交纳" in b.text
        else:
            assert f"每件交纳{b.fixed.normalize():f}元" in b.text
        # the quoted item says "超过1万元至10万元" in the regulation's words; the label says it in the
        # product's one style ("超过 10,000 元至 100,000 元的部分"): the same figures either way
        quoted = {Decimal(n) * (10000 if w else 1) for n, w in re.findall(r"(\d+)(万)?元", b.text)}
        quoted.discard(b.fixed)
        assert quoted == {v for v in (b.above, b.upto) if v}, (b.text, fees.band_label(b))
        for v in (b.above, b.upto):
            if v:
                assert format_yuan(v) in fees.band_label(b)


def _independent_fee(amount: Decimal) -> Decimal:
    """A second, table-free statement of 第十三条（一） to check the data-driven computation."""
    edges = [(10000, None), (100000, "0.025"), (200000, "0.02"), (500000, "0.015"), (1000000, "0.01"),
             (2000000, "0.009"), (5000000, "0.008"), (10000000, "0.007"), (20000000, "0.006"), (None, "0.005")]
    fee, lower = Decimal(50), Decimal(10000)
    for upper, rate in edges[1:]:
        if amount <= lower:
            break
        top = amount if upper is None else min(amount, Decimal(upper))
        fee += (top - lower) * Decimal(rate)
        lower = Decimal(upper) if upper is not None else lower
    return fee


@pytest.mark.parametrize("amount,expected", [
    ("1", "50.00"), ("9999.99", "50.00"), ("10000", "50.00"), ("10001", "50.03"), ("12000", "100.00"),
    ("100000", "2300.00"), ("100001", "2300.02"), ("200000", "4300.00"), ("500000", "8800.00"),
    ("1000000", "13800.00"), ("2000000", "22800.00"), ("5000000", "46800.00"), ("10000000", "81800.00"),
    ("20000000", "141800.00"), ("20000001", "141800.01"),
])
def test_fee_at_band_boundaries(amount, expected):
    r = fees.compute(Decimal(amount))
    assert r["full_fee_yuan"] == expected
    assert Decimal(r["full_fee_yuan"]) == _independent_fee(Decimal(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("amount", ["3500", "47890.55", "123456.78", "7654321", "98765432.1"])
def test_fee_agrees_with_independent_statement(amount):
    r = fees.compute(Decimal(amount))
    assert Decimal(r["fee_exact"]) == _independent_fee(Decimal(amount))
    # the steps add up to the total
    assert sum(Decimal(s["subtotal_exact"]) for s in r["steps"]) == Decimal(r["fee_exact"])


def test_steps_show_each_band_portion():
    r = fees.compute(Decimal("150000"))
    assert [s["band"] for s in r["steps"]] == ["不超过 10,000 元", "超过 10,000 元至 100,000 元的部分", "超过 100,000 元至 200,000 元的部分"]
    assert [s["portion_yuan"] for s in r["steps"]] == ["10000.00", "90000.00", "50000.00"]
    assert [s["subtotal_yuan"] for s in r["steps"]] == ["50.00", "2250.00", "1000.00"]
    assert "susong-feiyong-2006#art-13" in r["citations"]


def test_simple_procedure_halves():
    full = fees.compute(Decimal("120000"))
    half = fees.compute(Decimal("120000"), simple=True)
    assert full["fee_yuan"] == "2700.00"
    assert half["fee_yuan"] == "1350.00"
    assert half["reductions"][0]["citation"] == "susong-feiyong-2006#art-16"
    assert "susong-feiyong-2006#art-16" in half["citations"]
    small = fees.compute(Decimal("800"), simple=True)
    assert small["fee_yuan"] == "25.00"


def test_two_halvings_are_not_stacked_and_flagged():
    r = fees.compute(Decimal("120000"), simple=True, mediation=True)
    assert r["fee_yuan"] == "1350.00"
    note = next(n for n in r["notes"] if n["code"] == "halving_stack")
    assert note["pending"] and "待核实" in note["text"]


def test_preservation_fee_and_cap():
    r = fees.compute(Decimal("5000"), preservation=Decimal("50000"))
    assert r["preservation"]["fee_yuan"] == "520.00"  # 30 + 49000 × 1%
    big = fees.compute(Decimal("5000"), preservation=Decimal("2000000"))
    assert big["preservation"]["capped"] is True
    assert big["preservation"]["fee_yuan"] == "5000.00"
    assert Decimal(big["preservation"]["uncapped_yuan"]) > 5000
    assert fees.compute(Decimal("5000"), preservation=Decimal("1000"))["preservation"]["fee_yuan"] == "30.00"


@pytest.mark.parametrize("text,expected", [
    ("3500", "3500.00"), ("3,500", "3500.00"), ("3500元", "3500.00"), ("1.2万", "12000.00"),
    ("１２００", "1200.00"), ("３，５００．５元", "3500.50"), ("¥88", "88.00"), (" 3千 ", "3000.00"),
    (3500, "3500.00"), (12.5, "12.50"),
])
def test_amount_forms(text, expected):
    assert str(fees.parse_amount(text)) == expected
    # the same forms as the engine: one parser
    assert fees.parse_amount(text) == facts.parse_amount(text)


@pytest.mark.parametrize("bad,fragment", [
    ("-5", "负数"), ("0", "不能为零"), ("abc", "不是可识别的数字"), ("", "为空"), (None, "缺少"),
    ("3,50", "不是可识别的数字"), ("1.234", "两位小数"), ("2万亿亿", "不是可识别的数字"), ("99999999999999", "一万亿"),
    (float("nan"), "NaN"), (True, "是/否"), ("<script>alert(1)</script>", "不是可识别的数字"), ("1e9", "不是可识别的数字"),
    ("NaN", "NaN"),
])
def test_bad_amounts_give_chinese_messages(bad, fragment):
    r = fees.browser_entry({"amount": bad}, [])
    assert r["error"]["field"] == "amount"
    assert fragment in r["error"]["message"]


def test_bad_flag_and_payload():
    assert fees.browser_entry({"amount": "100", "simple": "maybe"}, [])["error"]["field"] == "simple"
    assert fees.browser_entry([], [])["error"]["field"] == "payload"  # type: ignore[arg-type]
    assert fees.browser_entry({"amount": "100", "preservation": "-1"}, [])["error"]["field"] == "preservation"


def test_schedule_only_request_renders_all_bands():
    r = fees.browser_entry({"schedule": True}, [])
    bands = r["schedule"]["property_case"]["bands"]
    assert len(bands) == len(fees.schedule_data()["property_case"]["bands"]) == 10
    assert bands[1]["rate_percent"] == "2.5%" and bands[-1]["upto_yuan"] is None


def test_cli_json_text_and_error():
    run = lambda *a: subprocess.run([sys.executable, "-m", "calculators.toolkit.fees", *a],
                                    capture_output=True, text=True, cwd=ROOT)
    ok = run("1.2万", "--simple")
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["fee_yuan"] == "50.00"
    txt = run("12000", "--format", "text")
    assert "应交案件受理费：100 元" in txt.stdout
    bad = run("-3")
    assert bad.returncode == 2
    assert json.loads(bad.stdout)["error"]["field"] == "amount"
    assert "Traceback" not in bad.stderr
