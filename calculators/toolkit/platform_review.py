"""Platform review assessment: from what the platform did, which of its duties may have been breached.

The duties, their articles, the questions and what to ask the platform for are data
(``rules/platform_duties.toml``). The answer for each duty is one of ``possible_breach``, ``unclear``,
``no_indication`` (never "breached": that depends on the service agreement and a court). Duties that
exist only under 网络交易平台规则监督管理办法 (in force 2026-02-01) are marked ``not_in_force`` for a
platform decision before that date, with what applied before.

Standard library only. CLI: ``python -m calculators.toolkit.platform --answers FILE.json`` or flags
``--asked-buyer-evidence no --review ai_only ...``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from datetime import date
from functools import cache
from typing import Any

from calculators.dates import parse_optional_date
from calculators.errors import InputError
from calculators.laws import cite, rule_bytes
from calculators.limits import JsonInputError, load_json

DISCLAIMER = (
    "本评估只说明在你描述的情况下，平台的哪些义务可能没有履行、依据是哪些条文、可以向平台要求什么；"
    "不是结论。平台是否违约或违法，取决于服务协议、平台规则、证据和处理当时施行的规定，最终由法院或监管部门认定。"
)

YES, NO, UNKNOWN = "yes", "no", "unknown"
_YES = {"yes", "y", "true", "1", "是", "有", "on"}
_NO = {"no", "n", "false", "0", "否", "没有", "无", "off"}
_UNKNOWN = {"", "unknown", "不清楚", "不知道", "?", "null", "none"}
ANSWER_LABELS = {"yes": "是", "no": "否", "unknown": "不清楚", "human": "人工审核", "ai_only": "仅智能客服或系统",
                 "not_submitted": "未提交证据", "not_changed": "规则未修改", "notified": "已提前公示",
                 "not_notified": "未提前公示"}
STATUS_LABELS = {"possible_breach": "可能未履行", "unclear": "信息不足，无法判断", "no_indication": "未见未履行的迹象",
                 "not_in_force": "处理时该规定尚未施行"}
MAX_HOURS = 24 * 365


@cache
def duties_data() -> dict[str, Any]:
    return tomllib.loads(rule_bytes("platform_duties.toml").decode("utf-8"))


def questions() -> list[dict[str, Any]]:
    qs: list[dict[str, Any]] = duties_data()["questions"]
    return qs


def _normalise(payload: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    known = {q["code"]: q for q in questions()}
    for key in payload:
        if key not in known and key not in ("format",):
            raise InputError(key, f"未知的问题“{str(key)[:40]}”。")
    for code, q in known.items():
        raw = payload.get(code)
        label = q["label"]
        if q["kind"] == "date":
            answers[code] = parse_optional_date(raw, code, "平台作出处理的日期")
        elif q["kind"] == "number":
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                answers[code] = None
                continue
            try:
                if isinstance(raw, bool):
                    raise ValueError
                hours = float(str(raw).strip().removesuffix("小时"))
            except ValueError:
                raise InputError(code, "答复时间请填写小时数，例如 48。") from None
            if not (0 <= hours <= MAX_HOURS):
                raise InputError(code, f"答复时间应在0到{MAX_HOURS}小时之间。")
            answers[code] = hours
        else:
            value = raw
            if isinstance(value, bool):
                value = YES if value else NO
            value = "" if value is None else str(value).strip().lower()
            allowed = q.get("choices", [YES, NO, UNKNOWN])
            if q["kind"] == "yesno":
                if value in _YES:
                    value = YES
                elif value in _NO:
                    value = NO
                elif value in _UNKNOWN:
                    value = UNKNOWN
            elif value in _UNKNOWN:
                value = UNKNOWN
            if value not in allowed:
                raise InputError(code, f"“{label}”的回答只能是：" + "、".join(ANSWER_LABELS.get(a, a) for a in allowed) + "。")
            answers[code] = value
    return answers


def _condition(answers: dict[str, Any], cond: str) -> bool | None:
    """True / False, or None when the answer is unknown."""
    q, _, want = cond.partition("=")
    have = answers.get(q, UNKNOWN)
    if have == UNKNOWN:
        return None
    return bool(have == want)


def evaluate(when: list[list[str]], answers: dict[str, Any]) -> tuple[str, list[str]]:
    """OR of ANDs over three-valued answers: (status, the conditions of the alternatives that hold)."""
    held: list[str] = []
    possible = False
    for alternative in when:
        values = [_condition(answers, c) for c in alternative]
        if all(v is True for v in values):
            held.extend(alternative)
        elif all(v is not False for v in values):
            possible = True
    if held:
        return "possible_breach", list(dict.fromkeys(held))
    return ("unclear" if possible else "no_indication"), []


def _cites(ids: list[str]) -> dict[str, dict[str, str]]:
    return {i: cite(i).to_dict() for i in dict.fromkeys(ids)}


def assess(answers: dict[str, Any]) -> dict[str, Any]:
    data = duties_data()
    meta = data["meta"]
    in_force_from = date.fromisoformat(meta["measures_in_force_from"])
    decided: date | None = answers.get("decision_date")
    all_ids: list[str] = []
    out: list[dict[str, Any]] = []
    for d in data["duties"]:
        status, held = evaluate(d["when"], answers)
        facts_status = status
        entry: dict[str, Any] = {
            "code": d["code"], "title": d["title"], "summary": d["summary"],
            "citations": list(d["citations"]) + list(d.get("citations_extra", [])),
            "quotes": [{"citation": q["citation"], "label": cite(q["citation"]).label, "text": q["text"],
                        "pending": bool(q.get("pending", False))} for q in d.get("quotes", [])],
            "reasons": [d["reason_texts"].get(c, c) for c in held],
            "ask_for": list(d["ask_for"]), "uncertainty": d["uncertainty"], "penalty": d.get("penalty", ""),
            "in_force_from": d.get("in_force_from"), "notes": [],
        }
        if d.get("in_force_from"):
            start = date.fromisoformat(d["in_force_from"])
            if decided is not None and decided < start:
                status = "not_in_force"
                entry["notes"].append(f"平台在{decided.isoformat()}作出处理，当时该规定尚未施行（{start.isoformat()}起施行）。" + d.get("fallback", ""))
                entry["citations"] += d.get("fallback_citations", [])
            elif decided is None:
                entry["notes"].append(f"这项义务来自{start.year}年{start.month}月{start.day}日起施行的规定：只有平台在此后作出的处理才适用。"
                                      "请填写平台作出处理的日期。" + d.get("fallback", ""))
                entry["citations"] += d.get("fallback_citations", [])
        if any(q.get("pending") for q in d.get("quotes", [])):
            entry["notes"].append(meta["measures_quote_note"])
        entry["citations"] = list(dict.fromkeys(entry["citations"]))
        entry["status"] = status
        entry["status_label"] = STATUS_LABELS[status]
        entry["facts_status"] = facts_status
        all_ids += entry["citations"] + [q["citation"] for q in d.get("quotes", [])]
        out.append(entry)

    order = {"possible_breach": 0, "unclear": 1, "not_in_force": 2, "no_indication": 3}
    out.sort(key=lambda e: order[e["status"]])
    ask: list[str] = []
    for e in out:
        if e["status"] in ("possible_breach", "unclear") or (e["status"] == "not_in_force" and e["facts_status"] != "no_indication"):
            ask += e["ask_for"]
    notes = []
    for n in data["notes"]:
        notes.append({"code": n["code"], "text": n["text"], "citations": list(n["citations"])})
        all_ids += n["citations"]
    if decided is None:
        notes.insert(0, {"code": "decision_date_missing", "text": meta["measures_note"] + "没有填写平台作出处理的日期，无法确定哪些规定适用。",
                         "citations": [f"{meta['measures_law']}#art-47"]})
        all_ids.append(f"{meta['measures_law']}#art-47")
    elif decided < in_force_from:
        notes.insert(0, {"code": "before_measures", "text": meta["measures_note"], "citations": [f"{meta['measures_law']}#art-47"]})
        all_ids.append(f"{meta['measures_law']}#art-47")
    hours = answers.get("response_hours")
    if hours is not None:
        notes.append({"code": "response_time", "text": f"平台留给你的答复时间约为{hours:g}小时。法律没有规定统一的答复时限；"
                      "请对照平台规则中写明的时限，以及这段时间是否足够你调取打包、发货视频等证据。", "citations": []})
    unknown = [q["label"] for q in questions() if q["kind"] in ("yesno", "choice") and answers.get(q["code"]) == UNKNOWN]
    return {
        "decision_date": decided.isoformat() if decided else None,
        "measures_in_force": None if decided is None else decided >= in_force_from,
        "duties": out,
        "ask_platform": list(dict.fromkeys(ask)),
        "unknown_questions": unknown,
        "answers": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in answers.items()},
        "notes": notes,
        "citations": _cites(all_ids),
        "disclaimer": DISCLAIMER,
    }


def browser_entry(payload: dict[str, Any], blobs: list[bytes] | None = None) -> dict[str, Any]:
    try:
        if not isinstance(payload, dict):
            raise InputError("payload", "输入格式无法识别。")
        if payload.get("questions") is True and len(payload) == 1:
            return {"questions": questions(), "answer_labels": ANSWER_LABELS}
        return assess(_normalise(payload))
    except InputError as e:
        return e.to_dict()


def format_text(r: dict[str, Any]) -> str:
    lines = []
    for n in r["notes"][:1]:
        lines.append("说明：" + n["text"])
    for d in r["duties"]:
        lines.append(f"【{d['status_label']}】{d['title']}（" + "、".join(cite(c).label for c in d["citations"]) + "）")
        for reason in d["reasons"]:
            lines.append(f"  · {reason}")
        for n in d["notes"]:
            lines.append(f"  注：{n}")
    if r["ask_platform"]:
        lines.append("可以向平台要求：")
        lines += [f"  - {a}" for a in r["ask_platform"]]
    lines.append(r["disclaimer"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calculators platform", description="评估平台处理仅退款时可能未履行的义务")
    parser.add_argument("--answers", help="JSON 文件：问题代码 -> 回答（yes/no/unknown 等）")
    parser.add_argument("--format", choices=("json", "text"), default="json")
    for q in questions():
        parser.add_argument("--" + q["code"].replace("_", "-"), dest=q["code"], help=q["label"])
    args = parser.parse_args(argv)
    payload: dict[str, Any] = {}
    if args.answers:
        try:
            with open(args.answers, encoding="utf-8") as fh:
                loaded = load_json(fh.read())
        except JsonInputError as exc:
            print(json.dumps({"error": {"field": "answers", "message": f"无法读取回答文件：{exc.message}"}}, ensure_ascii=False))
            return 2
        except (OSError, ValueError):
            print(json.dumps({"error": {"field": "answers", "message": "无法读取回答文件（需要 UTF-8 编码的 JSON 对象）。"}}, ensure_ascii=False))
            return 2
        if not isinstance(loaded, dict):
            print(json.dumps({"error": {"field": "answers", "message": "回答文件必须是 JSON 对象。"}}, ensure_ascii=False))
            return 2
        payload.update(loaded)
    for q in questions():
        v = getattr(args, q["code"])
        if v is not None:
            payload[q["code"]] = v
    result = browser_entry(payload, [])
    if "error" in result:
        print(json.dumps(result, ensure_ascii=False))
        return 2
    print(format_text(result) if args.format == "text" else json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
