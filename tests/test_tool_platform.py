"""Platform review assessment: quotes are verbatim, the three-valued logic, dates of the 2026 measures."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from calculators.laws import parse_text, registry
from calculators.toolkit import platform_review as pr

ROOT = Path(__file__).resolve().parents[1]


def _units(law_id: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in registry()[law_id].files:
        _, units = parse_text((ROOT / "legal" / f).read_text("utf-8"))
        out.update({u.anchor: "\n".join(u.paragraphs) for u in units})
    return out


def _all_ids(data) -> set[str]:
    ids = set()
    for d in data["duties"]:
        ids |= set(d["citations"]) | set(d.get("fallback_citations", [])) | set(d.get("citations_extra", []))
        ids |= {q["citation"] for q in d.get("quotes", [])}
    for n in data["notes"]:
        ids |= set(n["citations"])
    return ids


def test_every_quote_is_verbatim_in_its_article():
    for d in pr.duties_data()["duties"]:
        for q in d.get("quotes", []):
            law, _, anchor = q["citation"].partition("#")
            assert q["text"] in _units(law)[anchor], (q["citation"], q["text"][:30])


def test_every_citation_names_an_existing_article():
    for cid in _all_ids(pr.duties_data()):
        law, _, anchor = cid.partition("#")
        assert anchor in _units(law), cid


def test_measures_articles_19_and_21_have_no_penalty_of_their_own():
    """The data says arts 19 and 21 carry no penalty: check it against 第三十九条-第四十三条 themselves."""
    units = _units("wangluo-jiaoyi-pingtai-guize-2025")
    penalties = "".join(units[f"art-{n}"] for n in range(39, 44))
    assert "第十九条" not in penalties and "第二十一条" not in penalties
    assert "第二十七条第一款" in penalties
    duties = {d["code"]: d for d in pr.duties_data()["duties"]}
    assert "无单独罚则" in duties["reasons_appeal_human"]["penalty"]
    assert "无单独罚则" in duties["abuse_of_lightened_burden"]["penalty"]
    assert "仅退款" not in "".join(units.values())


def _duty(result, code):
    return next(d for d in result["duties"] if d["code"] == code)


def test_all_good_answers_show_no_breach():
    r = pr.browser_entry({
        "decision_date": "2026-03-01", "asked_buyer_evidence": "yes", "merchant_heard": "yes",
        "merchant_evidence_considered": "yes", "forgery_signs": "no", "repeated_claims": "no", "review": "human",
        "human_requested": "no", "reasons_given": "yes", "appeal_offered": "yes", "complaint_handled": "yes",
        "forced_refund": "no", "rule_changed": "not_changed", "records_refused": "no",
    })
    assert {d["status"] for d in r["duties"]} == {"no_indication"}
    assert r["ask_platform"] == []
    assert r["measures_in_force"] is True


def test_ai_only_needs_a_request_for_human_review():
    base = {"decision_date": "2026-03-01", "reasons_given": "yes", "appeal_offered": "yes"}
    assert _duty(pr.browser_entry({**base, "review": "ai_only", "human_requested": "yes"}), "reasons_appeal_human")["status"] == "possible_breach"
    assert _duty(pr.browser_entry({**base, "review": "ai_only", "human_requested": "no"}), "reasons_appeal_human")["status"] == "no_indication"
    assert _duty(pr.browser_entry({**base, "review": "ai_only"}), "reasons_appeal_human")["status"] == "unclear"
    assert _duty(pr.browser_entry({**base, "review": "human", "human_requested": "yes"}), "reasons_appeal_human")["status"] == "no_indication"


def test_three_valued_logic_exhaustively_for_one_duty():
    """For the OR-of-ANDs of 第十九条, check every combination against a direct statement."""
    vals = ["yes", "no", "unknown"]
    for reasons, appeal, human in itertools.product(vals, vals, vals):
        for review in ("human", "ai_only", "unknown"):
            a = {"reasons_given": reasons, "appeal_offered": appeal, "human_requested": human, "review": review}
            got = _duty(pr.browser_entry({"decision_date": "2026-05-01", **a}), "reasons_appeal_human")["status"]
            breach = reasons == "no" or appeal == "no" or (review == "ai_only" and human == "yes")
            could = (reasons in ("no", "unknown") or appeal in ("no", "unknown")
                     or (review in ("ai_only", "unknown") and human in ("yes", "unknown")))
            expected = "possible_breach" if breach else ("unclear" if could else "no_indication")
            assert got == expected, a


def test_before_the_measures_their_duties_are_not_in_force_with_fallback():
    a = {"repeated_claims": "yes", "forced_refund": "yes", "reasons_given": "no"}
    before = pr.browser_entry({"decision_date": "2026-01-31", **a})
    after = pr.browser_entry({"decision_date": "2026-02-01", **a})
    for code in ("abuse_of_lightened_burden", "no_forced_refund_without_return", "reasons_appeal_human"):
        b = _duty(before, code)
        assert b["status"] == "not_in_force" and b["facts_status"] == "possible_breach"
        assert "尚未施行" in b["notes"][0]
        assert _duty(after, code)["status"] == "possible_breach"
    cites = _duty(before, "no_forced_refund_without_return")["citations"]
    assert "dianshang-2018#art-35" in cites and len(cites) == len(set(cites))
    assert before["measures_in_force"] is False and after["measures_in_force"] is True
    assert before["notes"][0]["code"] == "before_measures"
    # duties of the 2018 law apply either way
    assert _duty(before, "fair_rules_and_handling")["status"] in ("unclear", "possible_breach")


def test_without_date_the_dependency_is_stated():
    r = pr.browser_entry({"forced_refund": "yes"})
    assert r["measures_in_force"] is None
    d = _duty(r, "no_forced_refund_without_return")
    assert d["status"] == "possible_breach"
    assert any("请填写平台作出处理的日期" in n for n in d["notes"])
    assert r["notes"][0]["code"] == "decision_date_missing"


def test_reasons_and_requests_follow_the_answers():
    r = pr.browser_entry({"decision_date": "2026-04-01", "asked_buyer_evidence": "no", "merchant_heard": "yes",
                          "merchant_evidence_considered": "not_submitted", "records_refused": "yes"})
    fair = _duty(r, "fair_rules_and_handling")
    assert fair["status"] == "possible_breach" and fair["reasons"] == ["平台没有要求买家提供证据"]
    assert _duty(r, "original_records")["status"] == "possible_breach"
    assert any("原始图片文件" in a for a in r["ask_platform"])
    assert r["duties"][0]["status"] == "possible_breach"  # breaches first
    assert "dianshang-2018#art-62" in r["citations"]


def test_pending_quote_is_flagged_for_article_21():
    r = pr.browser_entry({"decision_date": "2026-04-01", "repeated_claims": "yes"})
    d = _duty(r, "abuse_of_lightened_burden")
    assert any(q["pending"] for q in d["quotes"])
    assert any("待核实" in n for n in d["notes"])


@pytest.mark.parametrize("payload,field", [
    ({"review": "robot"}, "review"), ({"asked_buyer_evidence": "maybe"}, "asked_buyer_evidence"),
    ({"decision_date": "2026-02-30"}, "decision_date"), ({"decision_date": "昨天"}, "decision_date"),
    ({"response_hours": "-3"}, "response_hours"), ({"response_hours": "abc"}, "response_hours"),
    ({"<script>": "yes"}, "<script>"), ({"rule_changed": "yes"}, "rule_changed"),
])
def test_bad_answers(payload, field):
    r = pr.browser_entry(payload)
    assert r["error"]["field"] == field
    assert r["error"]["message"]


def test_questions_request_and_cli():
    q = pr.browser_entry({"questions": True})
    assert {x["code"] for x in q["questions"]} >= {"asked_buyer_evidence", "review", "forced_refund"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "calculators.toolkit.platform_review", *a],
                                    capture_output=True, text=True, cwd=ROOT)
    ok = run("--decision-date", "2026-03-01", "--forced-refund", "是", "--format", "text")
    assert ok.returncode == 0 and "【可能未履行】不得强制" in ok.stdout
    bad = run("--review", "x")
    assert bad.returncode == 2 and json.loads(bad.stdout)["error"]["field"] == "review"
