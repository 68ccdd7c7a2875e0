"""Every tool's browser_entry answers any JSON-like payload with a result or a Chinese error, never an
exception (the worker turns exceptions into a generic error, but a tool must not rely on that)."""

from __future__ import annotations

import itertools
import random

import pytest

from calculators.toolkit import deadlines, documents, fees, platform_review

ODD_VALUES = [None, True, False, 0, -1, 3.5, float("nan"), float("inf"), "", " ", "abc", "2026-02-30", "1.2万",
              "<script>alert(1)</script>", "\x00\ud800", "９" * 50, [], ["a"], [{"x": 1}], {}, {"a": [1]}, "yes", "unknown"]

TOOLS = {
    "fees": (fees.browser_entry, ["amount", "simple", "mediation", "preservation", "schedule"]),
    "platform": (platform_review.browser_entry, [q["code"] for q in platform_review.questions()] + ["questions"]),
    "documents": (documents.browser_entry, list(documents.TEXT_FIELDS) + list(documents.DATE_FIELDS)
                  + ["amount", "evidence", "kinds", "merchant_agreed", "other_loss", "attempt", "tier", "c", "docx"]),
    "deadlines": (deadlines.browser_entry, ["act", "known_date", "today", "decision", "amount", "province", "region",
                                            "tier", "attempt", "c"]),
}


def _check(result):
    assert isinstance(result, dict)
    if "error" in result:
        err = result["error"]
        assert set(err) == {"field", "message"} and isinstance(err["message"], str) and err["message"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in err["message"])


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_every_key_with_every_odd_value(tool):
    entry, keys = TOOLS[tool]
    base = {"act": "2026-03-01"} if tool == "deadlines" else {}
    for key, value in itertools.product(keys, ODD_VALUES):
        _check(entry({**base, key: value}, []))


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_random_payloads(tool):
    entry, keys = TOOLS[tool]
    rng = random.Random(tool)
    for _ in range(300):
        payload = {k: rng.choice(ODD_VALUES) for k in rng.sample(keys, rng.randint(1, min(6, len(keys))))}
        _check(entry(payload, []))
    for odd in (None, [], "x", 5):
        _check(entry(odd, []))  # type: ignore[arg-type]
