"""Civil track: what the merchant can claim from a buyer who obtained a refund by fraud.

欺诈 (总则编解释第二十一条) -> revocation (民法典第一百四十八条; periods 第一百五十二条) -> return and
damages (第一百五十七条); alternatively 不当得利 (第九百八十五、九百八十七条) or tort (第一千一百六十五、
一千一百八十四条); limitation (第一百八十八条). Periods follow 民法典第二百零一至二百零三条: the start day
is not counted, a year or month period ends on the corresponding day (the last day of the month if
there is none); a public holiday at the end extends it, which cannot be known offline (warned).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .facts import Facts, money
from .money import format_yuan
from .periods import period_end
from .result import CivilResult, Trail
from .ruleset import Ruleset


@dataclass(frozen=True)
class CivilPeriods:
    """The last days of the civil periods (minfadian#art-152, minfadian#art-188), counted by
    ``calculators.periods``; ``None`` where the start (the day the merchant knew) is not given."""
    revocation_1y: date | None      # 第一百五十二条: one year from knowing, never past the five years
    revocation_5y: date             # 第一百五十二条: five years from the act
    limitation_3y: date | None      # 第一百八十八条: three years from knowing, never past the twenty years
    limitation_20y: date            # 第一百八十八条: twenty years from the damage (the act)


def periods(cv: dict[str, Any], act: date, known: date | None) -> CivilPeriods:
    """minfadian#art-152 and minfadian#art-188: the civil periods of one case, from the rule data
    (``rules/civil.toml`` ``[[periods]]``). The civil track and the deadlines tool both use this."""
    p = {x["code"]: x for x in cv["periods"]}

    def end(code: str, start: date) -> date:
        return period_end(start, years=p[code]["years"], months=p[code].get("months", 0))

    five, twenty = end("revocation_absolute", act), end("limitation_max", act)
    if known is None:
        return CivilPeriods(None, five, None, twenty)
    return CivilPeriods(min(end("revocation_known", known), five), five,
                        min(end("limitation", known), twenty), twenty)


def assess(rs: Ruleset, facts: Facts, trail: Trail) -> CivilResult:
    cv = rs.civil
    by_code = {p["code"]: p for p in cv["periods"]}
    amount = money(facts.amount) or "0.00"
    amount_text = format_yuan(amount)  # reader text: "3,500 元"

    trail.step("civil", "伪造损坏照片申请退款，是故意告知虚假情况、使商家（或平台）基于错误认识同意退款，符合欺诈的界定；"
                        "民事活动应当遵循诚信原则。", [cv["fraud_definition"]["citation"], cv["good_faith"]["citation"]])
    trail.step("civil", "受欺诈方（商家）有权请求人民法院或者仲裁机构撤销因欺诈作出的同意退款等民事法律行为；被撤销的行为自始没有法律约束力。"
                        "如果退款是平台直接处理、不是商家自己作出的意思表示，撤销的对象不明确，更适合主张不当得利或者侵权赔偿。",
               [cv["revocation"]["citation"], cv["revocation"]["effect_citation"]])

    known = facts.known_date
    act = facts.act_date
    p1, lim = by_code["revocation_known"], by_code["limitation"]
    ends = periods(cv, act, known)
    five_end, twenty_end = ends.revocation_5y, ends.limitation_20y
    revocation: dict[str, Any] = {
        "known_date": known.isoformat() if known else None,
        "one_year_last_day": None, "five_year_last_day": five_end.isoformat(),
        "expired_at_decision": None, "citations": [p1["citation"]],
    }
    limitation: dict[str, Any] = {
        "years": lim["years"], "known_date": known.isoformat() if known else None, "last_day": None,
        "max_last_day": twenty_end.isoformat(), "expired_at_decision": None, "citations": [lim["citation"]],
    }
    one_end, three_end = ends.revocation_1y, ends.limitation_3y
    if known is not None and one_end is not None and three_end is not None:
        revocation["one_year_last_day"] = one_end.isoformat()
        revocation["expired_at_decision"] = facts.decision_date > one_end
        limitation["last_day"] = three_end.isoformat()
        limitation["expired_at_decision"] = facts.decision_date > three_end
        trail.step("civil", f"撤销权期间：自知道或者应当知道撤销事由之日（{known.isoformat()}）起一年，最后一日约为 {one_end.isoformat()}；"
                            f"无论何时知道，自民事法律行为发生之日起五年（以所填行为日期近似，约至 {five_end.isoformat()}）不行使的，撤销权消灭。"
                            + ("按处理日期，一年期间已经届满。" if revocation["expired_at_decision"] else ""),
                   [p1["citation"], "minfadian#art-201", "minfadian#art-202"])
        trail.step("civil", f"诉讼时效三年，自知道或者应当知道权利受到损害以及义务人之日起计算，约至 {limitation['last_day']}；"
                            f"自权利受到损害之日起超过二十年的不予保护。",
                   [lim["citation"], "minfadian#art-201", "minfadian#art-202"])
        if known > act:
            trail.warn("known_date_obligor", "诉讼时效从同时知道受到损害和知道义务人（买家是谁）之日起算：如果当时还不知道买家身份，起算日会更晚。",
                       [lim["citation"]], "civil")
    else:
        trail.step("civil", f"撤销权期间：自知道或者应当知道撤销事由之日起一年；自行为发生之日起五年（约至 {five_end.isoformat()}）不行使的，撤销权消灭。"
                            "诉讼时效三年，自知道或者应当知道权利受到损害以及义务人之日起计算。没有填写商家知道受骗的日期，无法算出具体到期日。",
                   [p1["citation"], lim["citation"]])
        trail.warn("known_date_missing", "填写商家发现受骗的日期，可以算出撤销权一年期间和三年诉讼时效的到期日。",
                   [p1["citation"], lim["citation"]], "civil")
    trail.warn("holiday_extension", cv["period_rules"]["holiday"], ["minfadian#art-203"], "civil")

    rem = cv["remedies"]
    remedies: list[dict[str, Any]] = [
        {"code": "restitution", "text": f"撤销后，买家应当返还因此取得的财产（本案 {amount_text}退款；商品不能返还的折价补偿），有过错的买家还应赔偿商家因此受到的损失。",
         "citations": [rem["restitution"]["citation"]]},
        {"code": "unjust_enrichment", "text": "也可以主张不当得利：得利人没有法律根据取得利益，明知的还应返还利益并依法赔偿损失。",
         "citations": list(rem["unjust_enrichment"]["citations"])},
        {"code": "tort", "text": "也可以主张侵权：故意侵害商家财产造成损害的，按损失发生时的市场价格或者其他合理方式赔偿。",
         "citations": list(rem["tort"]["citations"])},
    ]
    for r in remedies:
        trail.step("civil", r["text"], r["citations"])
    consumer = {"text": cv["consumer_law"]["note"], "citations": list(cv["consumer_law"]["citations"])}
    trail.step("civil", consumer["text"], consumer["citations"])

    what_changes = [
        "退款是商家自己同意的，还是平台直接判定的（影响撤销还是不当得利、侵权）。",
        "商家知道受骗和知道买家身份的日期（决定一年撤销期间和三年诉讼时效何时届满）。",
        "商品是否仍在买家手中（能否返还或只能折价补偿）。",
        "有无证明照片伪造的证据（原图、元数据、AI 标识、与商品不符之处）。",
    ]
    summary = f"商家可以主张返还 {amount_text}退款（或折价补偿）并赔偿损失：依据是欺诈的撤销、不当得利或者侵权。"
    return CivilResult(
        summary=summary,
        fraud={"definition": cv["fraud_definition"]["text"], "citations": [cv["fraud_definition"]["citation"], cv["revocation"]["citation"]]},
        amount_to_recover_yuan=amount, revocation=revocation, limitation=limitation, remedies=remedies,
        consumer_law=consumer, what_changes=what_changes,
        citations=[cv["revocation"]["citation"], rem["restitution"]["citation"], lim["citation"]],
    )
