"""calculators.money: the one amount parser (linear, with written caps) and the one money style."""

from __future__ import annotations

from decimal import Decimal

import pytest

from calculators import money
from calculators.facts import FactsError, parse_amount


@pytest.mark.parametrize("value,text", [
    (8000, "8,000 元"), (Decimal("3500.50"), "3,500.50 元"), ("3500.00", "3,500 元"), (0, "0 元"),
    ("1234567.5", "1,234,567.50 元"), (Decimal("0.05"), "0.05 元"), (999, "999 元"),
])
def test_one_money_style(value, text):
    assert money.format_yuan(value) == text
    assert money.format_number(value) == text[:-2]


def test_missing_and_machine_form():
    assert money.format_yuan(None) == "" and money.format_yuan(None, "—") == "—"
    assert money.decimal_text(3500) == "3500.00" and money.decimal_text(None) is None


@pytest.mark.parametrize("text,value", [
    ("3500", "3500"), ("3,500", "3500"), ("3500元", "3500"), ("1.2万", "12000"), ("１２００", "1200"),
    ("￥3,500", "3500"), ("¥ 3500.5", "3500.5"), ("人民币3500元整", "3500"), ("RMB3500", "3500"),
    ("3500 CNY", "3500"), ("3千块钱", "3000"), ("-3500", "-3500"), ("人民币-3500", "-3500"),
    ("1,234,567.89元", "1234567.89"), ("2万人民币", "20000"),
])
def test_parse_yuan_text(text, value):
    assert money.parse_yuan_text(text) == Decimal(value)


@pytest.mark.parametrize("text,reason", [
    ("abc", "不是可识别"), ("3,50", "不是可识别"), ("3500元万", "不是可识别"), ("", "为空"), ("nan", "NaN"),
    ("3500" + "元" * 20_000, "太长"), ("9" * 5000, "太长"), ("9" * 21, "位数太多"), ("1" * 30 + "元", "位数太多"),
])
def test_parse_yuan_text_refuses(text, reason):
    with pytest.raises(money.AmountTextError, match=reason):
        money.parse_yuan_text(text)


def test_caps_reach_the_reader_in_chinese():
    with pytest.raises(FactsError) as e:
        parse_amount("9" * 5000)
    assert e.value.field == "amount" and "太长" in e.value.message and "4300" not in e.value.message
    with pytest.raises(FactsError, match="位数太多"):
        parse_amount("9" * 25)
    with pytest.raises(FactsError, match="一万亿"):
        parse_amount(10 ** 5000)  # an int is not text: no digit limit, the range check answers
