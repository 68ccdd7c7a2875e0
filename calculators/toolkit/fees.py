"""Court fees (案件受理费) for a property claim under 诉讼费用交纳办法, step by step.

The schedule is data (``rules/court_fees.toml``, quoted from legal/texts/susong-feiyong-2006.md):
第十三条（一） bands, 第十六条 simple-procedure halving, 第十五条 halving on mediation or withdrawal,
第十四条（二） the preservation application fee. Amounts are Decimal, never float.

Standard library only (runs in CPython and in Pyodide).
CLI: ``python -m calculators.toolkit.fees 1.2万 [--simple] [--mediation] [--preservation 8000] [--format text]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from calculators import facts
from calculators.errors import InputError
from calculators.laws import cite, rule_bytes
from calculators.money import format_number, format_yuan

DISCLAIMER = (
    "本结果是按《诉讼费用交纳办法》条文所作的计算说明，不是法院的收费通知；"
    "实际金额以受理法院的通知为准。"
)

CENT = Decimal("0.01")


def parse_amount(value: Any, field: str = "amount") -> Decimal:
    """An amount in yuan, parsed exactly as the engine parses it (calculators.facts.parse_amount:
    3500, "3,500", "3500元", "1.2万", "１２００", "¥3500.5"), as a Decimal with two decimals.

    Raises InputError with the engine's Chinese message for anything else (negative, zero, NaN,
    more than two decimals, over 1万亿元, text that is not a number)."""
    try:
        return facts.parse_amount(value, field)
    except facts.FactsError as e:
        raise InputError(field, e.message) from None


def yuan(value: Decimal) -> str:
    """The machine form in results ("3500.00"): two decimals, rounded half up (the 办法 itself says
    nothing on rounding). Reader text uses calculators.money.format_yuan."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _rate_percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


@dataclass(frozen=True)
class Band:
    above: Decimal
    upto: Decimal | None
    fixed: Decimal | None
    rate: Decimal | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "above_yuan": str(self.above),
            "upto_yuan": None if self.upto is None else str(self.upto),
            "fixed_yuan": None if self.fixed is None else str(self.fixed),
            "rate": None if self.rate is None else str(self.rate),
            "rate_percent": None if self.rate is None else _rate_percent(self.rate),
            "text": self.text,
        }


def _bands(rows: list[dict[str, str]]) -> tuple[Band, ...]:
    out = []
    for r in rows:
        out.append(Band(
            above=Decimal(r["above"]),
            upto=Decimal(r["upto"]) if r["upto"] else None,
            fixed=Decimal(r["fixed"]) if "fixed" in r else None,
            rate=Decimal(r["rate"]) if "rate" in r else None,
            text=r["text"],
        ))
    return tuple(out)


@cache
def schedule_data() -> dict[str, Any]:
    """The raw rule data (rules/court_fees.toml)."""
    return tomllib.loads(rule_bytes("court_fees.toml").decode("utf-8"))


@cache
def property_bands() -> tuple[Band, ...]:
    return _bands(schedule_data()["property_case"]["bands"])


@cache
def preservation_bands() -> tuple[Band, ...]:
    return _bands(schedule_data()["preservation"]["bands"])


def band_label(b: Band) -> str:
    if b.fixed is not None:
        return f"不超过 {format_yuan(b.upto)}" if b.upto is not None else "全部"
    if b.upto is None:
        return f"超过 {format_yuan(b.above)}的部分"
    return f"超过 {format_yuan(b.above)}至 {format_yuan(b.upto)}的部分"


def banded_fee(amount: Decimal, bands: tuple[Band, ...]) -> tuple[Decimal, list[dict[str, Any]]]:
    """分段累计: each band's portion of the amount times its rate (a flat band: its fixed fee)."""
    total = Decimal(0)
    steps: list[dict[str, Any]] = []
    for b in bands:
        if amount <= b.above and not (b.fixed is not None and b.above == 0):
            break
        top = amount if b.upto is None else min(amount, b.upto)
        portion = top - b.above
        if b.fixed is not None:
            sub = b.fixed
            how = f"每件 {format_yuan(b.fixed)}"
        else:
            assert b.rate is not None
            sub = portion * b.rate
            how = f"{format_number(portion)} × {_rate_percent(b.rate)}"
        total += sub
        steps.append({
            "band": band_label(b), "portion_yuan": yuan(max(portion, Decimal(0))),
            "rate_percent": None if b.rate is None else _rate_percent(b.rate),
            "fixed_yuan": None if b.fixed is None else yuan(b.fixed),
            "how": how, "subtotal_yuan": yuan(sub), "subtotal_exact": f"{sub.normalize():f}",
            "text": b.text,
        })
    return total, steps


def _citations(ids: list[str]) -> dict[str, dict[str, str]]:
    return {i: cite(i).to_dict() for i in dict.fromkeys(ids)}


def _flag(payload: dict[str, Any], key: str) -> bool:
    v = payload.get(key, False)
    if isinstance(v, str):
        v = v.strip().lower()
        if v in ("", "0", "false", "no", "off", "否"):
            return False
        if v in ("1", "true", "yes", "on", "是"):
            return True
        raise InputError(key, f"“{key}”只能是“是”或“否”。")
    if isinstance(v, (bool, int)) and v in (0, 1):
        return bool(v)
    raise InputError(key, f"“{key}”只能是“是”或“否”。")


def schedule() -> dict[str, Any]:
    """The schedule as rendered on the page (table of bands, reductions, preservation bands)."""
    d = schedule_data()
    return {
        "property_case": {
            "citation": d["property_case"]["citation"], "heading": d["property_case"]["heading"],
            "bands": [dict(b.to_dict(), label=band_label(b)) for b in property_bands()],
        },
        "reductions": [{k: r[k] for k in ("code", "citation", "label", "text")} for r in d["reductions"]],
        "preservation": {
            "citation": d["preservation"]["citation"], "cap_yuan": d["preservation"]["cap"],
            "text": d["preservation"]["text"],
            "bands": [dict(b.to_dict(), label=band_label(b)) for b in preservation_bands()],
        },
        "citations": _citations(
            [d["property_case"]["citation"], d["preservation"]["citation"]]
            + [r["citation"] for r in d["reductions"]]
        ),
    }


def compute(amount: Decimal, *, simple: bool = False, mediation: bool = False,
            preservation: Decimal | None = None) -> dict[str, Any]:
    """The acceptance fee for a first-instance property claim of `amount` yuan, with the steps."""
    d = schedule_data()
    full, steps = banded_fee(amount, property_bands())
    cites = [d["property_case"]["citation"]]
    notes: list[dict[str, Any]] = []
    applied = []
    chosen = [r for r in d["reductions"] if (r["code"] == "simple" and simple) or (r["code"] == "mediation" and mediation)]
    fee = full
    if chosen:
        # One halving only: the text does not say whether 第十五条 and 第十六条 stack.
        r = chosen[0]
        fee = full * Decimal(r["factor"])
        applied.append({"code": r["code"], "label": r["label"], "citation": r["citation"], "text": r["text"],
                        "fee_yuan": yuan(fee)})
        cites.append(r["citation"])
        if len(chosen) > 1:
            cites.append(chosen[1]["citation"])
            notes.append({
                "code": "halving_stack", "pending": True,
                "text": "同时选择了简易程序（第十六条）和调解结案或撤诉（第十五条）：《诉讼费用交纳办法》没有写明"
                        "两次减半能否叠加，这里只减半一次。是否再减半，以受理法院的做法为准（待核实）。",
                "citations": [r["citation"], chosen[1]["citation"]],
            })
    result: dict[str, Any] = {
        "amount_yuan": yuan(amount),
        "steps": steps,
        "full_fee_yuan": yuan(full),
        "reductions": applied,
        "fee_yuan": yuan(fee),
        "fee_exact": f"{fee.normalize():f}",
    }
    if preservation is not None:
        p = d["preservation"]
        pfee, psteps = banded_fee(preservation, preservation_bands())
        cap = Decimal(p["cap"])
        capped = pfee > cap
        result["preservation"] = {
            "amount_yuan": yuan(preservation), "steps": psteps, "uncapped_yuan": yuan(pfee),
            "capped": capped, "cap_yuan": yuan(cap), "cap_text": p["cap_text"],
            "fee_yuan": yuan(min(pfee, cap)), "citation": p["citation"],
        }
        cites.append(p["citation"])
    ctx = d["context"]
    notes.append({
        "code": "rounding", "pending": True,
        "text": "《诉讼费用交纳办法》没有规定尾数如何取舍；这里按四舍五入保留到分。法院实际收取时是否取整到元，"
                "以受理法院的通知为准（待核实）。",
        "citations": [],
    })
    notes.append({
        "code": "loser_pays", "pending": False,
        "text": "案件受理费由原告预交（第二十条），原告接到法院交费通知次日起7日内交纳（第二十二条）；"
                "最终由败诉方负担（第二十九条），所以起诉状里通常请求“本案诉讼费用由被告负担”。",
        "citations": [ctx["who_prepays"], ctx["payment_deadline"], ctx["loser_pays"]],
    })
    notes.append({
        "code": "scope", "pending": False,
        "text": "本工具只计算第一审财产案件的案件受理费（第十三条第（一）项）和财产保全申请费（第十四条第（二）项）。"
                "上诉、反诉、再审按各自条文另计；小额诉讼等程序的收费规定不在本站收录的资料中（待核实）。",
        "citations": [],
    })
    cites += [ctx["who_prepays"], ctx["payment_deadline"], ctx["loser_pays"]]
    result["notes"] = notes
    result["citations"] = _citations(cites)
    result["disclaimer"] = DISCLAIMER
    return result


def browser_entry(payload: dict[str, Any], blobs: list[bytes] | None = None) -> dict[str, Any]:
    """Entry point for the browser worker and the CLI: never raises for bad input."""
    try:
        if not isinstance(payload, dict):
            raise InputError("payload", "输入格式无法识别。")
        if _flag(payload, "schedule") and payload.get("amount") in (None, ""):
            return {"schedule": schedule()}
        amount = parse_amount(payload.get("amount"), "amount")
        pres_raw = payload.get("preservation")
        preservation = None if pres_raw in (None, "") else parse_amount(pres_raw, "preservation")
        result = compute(amount, simple=_flag(payload, "simple"), mediation=_flag(payload, "mediation"),
                         preservation=preservation)
        if _flag(payload, "schedule"):
            result["schedule"] = schedule()
        return result
    except InputError as e:
        return e.to_dict()


def format_text(r: dict[str, Any]) -> str:
    lines = [f"诉讼请求金额：{format_yuan(r['amount_yuan'])}", "按《诉讼费用交纳办法》第十三条第（一）项分段累计："]
    for s in r["steps"]:
        lines.append(f"  {s['band']}：{s['how']} = {format_yuan(s['subtotal_yuan'])}")
    lines.append(f"案件受理费（全额）：{format_yuan(r['full_fee_yuan'])}")
    for red in r["reductions"]:
        lines.append(f"{red['label']}，减半交纳（{cite(red['citation']).label}）：{format_yuan(red['fee_yuan'])}")
    lines.append(f"应交案件受理费：{format_yuan(r['fee_yuan'])}")
    if "preservation" in r:
        p = r["preservation"]
        lines.append(f"财产保全申请费（保全数额 {format_yuan(p['amount_yuan'])}）：{format_yuan(p['fee_yuan'])}" + ("（已按上限 5,000 元封顶）" if p["capped"] else ""))
    for n in r["notes"]:
        lines.append("注：" + n["text"])
    lines.append(r["disclaimer"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calculators fees", description="按《诉讼费用交纳办法》计算财产案件受理费")
    parser.add_argument("amount", nargs="?", help="诉讼请求金额（元），如 3500、1.2万")
    parser.add_argument("--simple", action="store_true", help="适用简易程序（第十六条，减半）")
    parser.add_argument("--mediation", action="store_true", help="调解结案或撤诉（第十五条，减半）")
    parser.add_argument("--preservation", help="申请财产保全的数额（元）")
    parser.add_argument("--schedule", action="store_true", help="只输出收费分段表")
    parser.add_argument("--format", choices=("json", "text"), default="json")
    args = parser.parse_args(argv)
    payload: dict[str, Any] = {"amount": args.amount, "simple": args.simple, "mediation": args.mediation,
                               "preservation": args.preservation, "schedule": args.schedule}
    result = browser_entry(payload, [])
    if "error" in result:
        print(json.dumps(result, ensure_ascii=False))
        return 2
    if args.format == "text" and "steps" in result:
        print(format_text(result))
    else:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
