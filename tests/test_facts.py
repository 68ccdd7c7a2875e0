"""Parsing the facts as people type them; every bad input gives a FactsError with a Chinese message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.facts import FactsError, parse_amount, parse_facts

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize("raw,want", [
    (3500, "3500"), ("3500", "3500"), ("3,500", "3500"), ("3500元", "3500"), ("1.2万", "12000"),
    ("１２００", "1200"), ("3500.5", "3500.5"), ("￥3,500", "3500"), ("¥3500", "3500"), ("3500 元", "3500"),
    ("１，２００．５０", "1200.5"), ("1,234,567.89", "1234567.89"), ("  42  ", "42"), ("3千", "3000"),
    ("人民币3500元", "3500"), (3500.5, "3500.5"), (Decimal("0.01"), "0.01"), ("1.2万元", "12000"),
    ("3500。5", "3500.5"), ("+3500", "3500"),
])
def test_amount_accepted(raw, want):
    got = parse_amount(raw)
    assert isinstance(got, Decimal) and got == Decimal(want)
    assert got.as_tuple().exponent == -2  # held to the fen


@pytest.mark.parametrize("raw,fragment", [
    (None, "缺少"), ("", "为空"), ("   ", "为空"), ("-3500", "负数"), (-1, "负数"), ("0", "零"), (0, "零"),
    ("0.00", "零"), ("NaN", "NaN"), ("nan", "NaN"), ("Infinity", "无穷"), ("-inf", "无穷"), (float("nan"), "NaN"),
    (float("inf"), "无穷"), ("abc", "不是可识别"), ("三千五", "不是可识别"), ("35OO", "不是可识别"),
    ("3,50", "不是可识别"), ("1.2.3", "不是可识别"), ("1e5", "不是可识别"), ("3500.001", "两位小数"),
    ("2000000000000", "一万亿"), (10**13, "一万亿"), (True, "是/否"), (False, "是/否"), ([3500], "格式"),
    ({"v": 1}, "格式"), ("万", "不是可识别"),
])
def test_amount_rejected(raw, fragment):
    with pytest.raises(FactsError) as exc:
        parse_amount(raw)
    assert exc.value.field == "amount"
    assert fragment in exc.value.message


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30))
def test_amount_parsing_never_raises_anything_but_facts_error(s):
    try:
        v = parse_amount(s)
    except FactsError as exc:
        assert exc.message
    else:
        assert v > 0


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["amount", "province", "region", "act_date", "decision_date",
                                        "refund_obtained", "circumstances", "claims", "known_date"]),
                       st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.none(),
                                 st.lists(st.text(max_size=6), max_size=3)), max_size=6))
def test_parse_facts_never_raises_anything_but_facts_error(raw):
    try:
        parse_facts(raw, today=TODAY)
    except FactsError as exc:
        assert exc.message


def base(**kw):
    return {"amount": "3500", "act_date": "2024-06-01", "decision_date": "2024-09-01"} | kw


@pytest.mark.parametrize("raw,field", [
    ([], None), ("x", None),
    (base(province="火星"), "province"), (base(province="110100"), "province"), (base(province=True), "province"),
    (base(region="北京", province="广东"), "region"), (base(region="火星城"), "region"),
    (base(act_date="2026-02-30"), "act_date"), (base(act_date="2024-13-01"), "act_date"), (base(act_date="yesterday"), "act_date"),
    (base(act_date="2011-04-07"), "act_date"), (base(act_date="2027-01-01", decision_date="2027-02-01"), "act_date"),
    (base(decision_date="2024-05-31"), "decision_date"), (base(decision_date=20240901), "decision_date"),
    (base(refund_obtained="maybe"), "refund_obtained"), (base(refund_obtained=2), "refund_obtained"),
    (base(circumstances=["bribery"]), "circumstances"), (base(circumstances=[1]), "circumstances"),
    (base(circumstances=5), "circumstances"),
    (base(unknown=1), "unknown"), (base(known_date="2024-05-01"), "known_date"),
    (base(discovery_date="2024-01-01"), "discovery_date"),
    (base(claims=[]), "claims"), (base(claims=["1", "x"]), "claims"), (base(claims=5), "claims"),
    (base(amount="3000", claims=["1000", "1000"]), "amount"),
])
def test_bad_facts(raw, field):
    with pytest.raises(FactsError) as exc:
        parse_facts(raw, today=TODAY)
    assert exc.value.field == field
    assert not exc.value.message.isascii()
    assert exc.value.to_dict() == {"error": {"field": field, "message": exc.value.message}}


def test_unknown_key_is_named():
    with pytest.raises(FactsError) as exc:
        parse_facts(base(amout="1"), today=TODAY)
    assert "amout" in exc.value.message


@pytest.mark.parametrize("value", ["浙江", "浙江省", "330000", 330000, " 浙江 "])
def test_province_forms(value):
    assert parse_facts(base(province=value), today=TODAY).province.code == "330000"


@pytest.mark.parametrize("value,code", [("内蒙古", "150000"), ("内蒙古自治区", "150000"), ("新疆维吾尔自治区", "650000"),
                                        ("上海市", "310000"), ("重庆", "500000")])
def test_province_full_names(value, code):
    assert parse_facts(base(province=value), today=TODAY).province.code == code


@pytest.mark.parametrize("value,want", [(True, True), (False, False), ("true", True), ("false", False), ("是", True),
                                        ("否", False), ("TRUE", True), (1, True), (0, False), (None, True), ("", True)])
def test_refund_obtained(value, want):
    assert parse_facts(base(refund_obtained=value), today=TODAY).refund_obtained is want


def test_circumstances_by_code_label_and_separators():
    f = parse_facts(base(circumstances="自首、restitution;plea"), today=TODAY)
    assert f.circumstances == ("surrender", "restitution", "plea")
    f = parse_facts(base(circumstances=["surrender", "surrender"]), today=TODAY)
    assert f.circumstances == ("surrender",)


def test_claims_sum_and_consistency():
    f = parse_facts(base(amount=None, claims=["1,200", "800元", "1.2万"]), today=TODAY)
    assert f.amount == Decimal("14000.00") and len(f.claims) == 3
    f = parse_facts(base(amount="2000", claims="1000;1000"), today=TODAY)
    assert f.amount == Decimal("2000.00")


def test_defaults_need_today():
    f = parse_facts({"amount": "1"}, today=TODAY)
    assert f.decision_date == TODAY and f.act_date == TODAY and not f.act_date_given
    with pytest.raises(FactsError):
        parse_facts({"amount": "1"})


def test_dates_other_separators():
    f = parse_facts(base(act_date="2024/6/1", decision_date="2024年9月1日"), today=TODAY)
    assert f.act_date == date(2024, 6, 1) and f.decision_date == date(2024, 9, 1)


def test_guangdong_city_forms():
    f = parse_facts(base(province="广东", region="深圳市"), today=TODAY)
    assert f.region.code == "class1"
    f = parse_facts(base(province="广东", region="云浮"), today=TODAY)
    assert f.region.code == "class2"
    f = parse_facts(base(province="浙江", region="杭州"), today=TODAY)
    assert f.region is None and f.notes  # a province without classes: ignored with a note
