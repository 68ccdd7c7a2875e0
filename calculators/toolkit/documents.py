"""Draft documents for a merchant hit by a forged-photo refund claim: an appeal to the platform (申诉书),
a report to the police (报案材料) and a civil complaint (民事起诉状).

Each document is a list of blocks (see ``docx.py``) that the page renders as printable HTML and that
``docx.render`` writes as a .docx file. Articles are named through ``calculators.laws.cite`` and the
治安 article follows the engine's rule data (``rules/administrative.toml``) for the act date; nothing
here retypes a figure the rule data holds. All documents are drafts and say so.

Standard library only. CLI: ``python -m calculators.toolkit.documents --facts FACTS.json --out DIR``.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from datetime import date
from decimal import Decimal
from typing import Any

from calculators import ruleset
from calculators.dates import parse_optional_date
from calculators.errors import InputError
from calculators.laws import cite
from calculators.limits import JsonInputError, load_json
from calculators.money import format_yuan
from calculators.toolkit import docx
from calculators.toolkit.fees import compute as fee_compute
from calculators.toolkit.fees import parse_amount, yuan

KINDS = ("appeal", "police", "complaint")
TITLES = {"appeal": "申诉书", "police": "报案材料", "complaint": "民事起诉状"}
FILENAMES = {k: f"{v}（草稿）.docx" for k, v in TITLES.items()}

DRAFT_NOTICE = ("【草稿】本文书由“恶意仅退款法律指南”网站根据您填写的信息自动生成，仅供参考，不是法律意见。"
                "提交前请逐项核对事实和证据，删除或补全【】中的内容，并请律师审核。")
DISCLAIMER = ("以下文书是根据你填写的信息生成的草稿，不是法律意见；事实、请求和所引条文是否合适，"
              "取决于案件的全部情况。提交前请律师审核。你填写的内容只在本浏览器中处理，不会上传。")

SHORT = 100
LONG = 5000
MAX_EVIDENCE = 50
MEASURES_FROM = date(2026, 2, 1)

# field -> (label, max length)
TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "merchant_name": ("商家（申诉人、报案人、原告）名称或姓名", SHORT),
    "merchant_id": ("商家证件号码或统一社会信用代码", SHORT),
    "merchant_rep": ("法定代表人或负责人", SHORT),
    "merchant_address": ("商家住所地", SHORT),
    "merchant_phone": ("商家联系电话", SHORT),
    "shop_name": ("店铺名称", SHORT),
    "platform": ("平台名称", SHORT),
    "buyer_name": ("买家姓名", SHORT),
    "buyer_account": ("买家账号或昵称", SHORT),
    "buyer_id": ("买家证件号码", SHORT),
    "buyer_address": ("买家住址或收货地址", SHORT),
    "buyer_phone": ("买家联系电话", SHORT),
    "order_no": ("订单号", SHORT),
    "goods": ("商品名称", SHORT),
    "other_loss_note": ("其他损失的说明", SHORT),
    "court": ("受诉法院", SHORT),
    "police": ("报案的公安机关", SHORT),
    "what_happened": ("事情经过", LONG),
}
DATE_FIELDS: dict[str, str] = {
    "order_date": "下单日期",
    "act": "买家申请退款的日期",
    "platform_date": "平台作出退款处理的日期",
    "known_date": "你发现照片可疑的日期",
    "today": "今天的日期",
}
# query parameters of the calculator that the documents accept (and the ones they do not use)
CALCULATOR_KEYS = {"amount", "province", "region", "act", "decision", "attempt", "c", "tier"}
OTHER_KEYS = {"kinds", "evidence", "merchant_agreed", "other_loss", "docx"}


def _placeholder(label: str) -> str:
    return f"【请填写：{label}】"


def _cn_date(d: date | None, blank: str = "____年__月__日") -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else blank


def _text(payload: dict[str, Any], key: str) -> str:
    label, limit = TEXT_FIELDS[key]
    v = payload.get(key)
    if v is None:
        return ""
    if not isinstance(v, (str, int)) or isinstance(v, bool):
        raise InputError(key, f"“{label}”应为文字。")
    s = docx.clean(str(v)).strip()
    if len(s) > limit:
        raise InputError(key, f"“{label}”太长了（最多{limit}字）。")
    return s


def _evidence(value: Any) -> list[tuple[str, str]]:
    """[(name, what it proves)] from a list of strings/dicts or a text with one item a line ("名称｜证明内容")."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items: list[Any] = [line for line in value.splitlines() if line.strip()]
    elif isinstance(value, list):
        items = value
    else:
        raise InputError("evidence", "证据清单的格式无法识别：请每行写一项证据。")
    if len(items) > MAX_EVIDENCE:
        raise InputError("evidence", f"证据清单最多{MAX_EVIDENCE}项。")
    out: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, dict):
            name, purpose = item.get("name", ""), item.get("purpose", "")
        elif isinstance(item, str):
            parts = item.replace("｜", "|").split("|", 1)
            name, purpose = parts[0], (parts[1] if len(parts) > 1 else "")
        else:
            raise InputError("evidence", "证据清单的每一项应为文字。")
        if not isinstance(name, str) or not isinstance(purpose, str):
            raise InputError("evidence", "证据清单的每一项应为文字。")
        name, purpose = docx.clean(name).strip(), docx.clean(purpose).strip()
        if len(name) > 200 or len(purpose) > 300:
            raise InputError("evidence", "证据清单中有一项太长了（名称最多200字，证明内容最多300字）。")
        if name:
            out.append((name, purpose))
    return out


def _tri(payload: dict[str, Any], key: str, label: str) -> str:
    v = payload.get(key)
    if v is None or v == "" or v == "unknown":
        return "unknown"
    if v is True or v in ("yes", "true", "1", "是"):
        return "yes"
    if v is False or v in ("no", "false", "0", "否"):
        return "no"
    raise InputError(key, f"“{label}”的回答只能是：是、否、不清楚。")


def normalise(payload: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise InputError("payload", "输入格式无法识别。")
    for key in payload:
        if key not in TEXT_FIELDS and key not in DATE_FIELDS and key not in CALCULATOR_KEYS and key not in OTHER_KEYS:
            raise InputError(str(key)[:40], f"未知的字段“{str(key)[:40]}”。")
    f: dict[str, Any] = {k: _text(payload, k) for k in TEXT_FIELDS}
    for k, label in DATE_FIELDS.items():
        f[k] = parse_optional_date(payload.get(k), k, label)
    amount = payload.get("amount")
    f["amount"] = None if amount in (None, "") else parse_amount(amount, "amount")
    other = payload.get("other_loss")
    f["other_loss"] = None if other in (None, "") else parse_amount(other, "other_loss")
    f["evidence"] = _evidence(payload.get("evidence"))
    f["merchant_agreed"] = _tri(payload, "merchant_agreed", "退款是否经你同意")
    attempt = payload.get("attempt")
    f["attempt"] = attempt in (True, "1", "true", "yes", "是")
    if attempt not in (None, "", True, False, "0", "1", "true", "false", "yes", "no", "是", "否"):
        raise InputError("attempt", "“退款是否未到账（仅为企图）”只能是“是”或“否”。")
    kinds = payload.get("kinds", list(KINDS))
    if isinstance(kinds, str):
        kinds = [k for k in kinds.split(",") if k]
    if not isinstance(kinds, list) or not kinds or any(k not in KINDS for k in kinds):
        raise InputError("kinds", "文书种类只能是：appeal（申诉书）、police（报案材料）、complaint（民事起诉状）。")
    f["kinds"] = list(dict.fromkeys(kinds))
    f["docx"] = payload.get("docx", True) is not False

    # dates in order: order <= act <= platform decision; act <= known; none after today
    order = [("order_date", "act"), ("act", "platform_date"), ("order_date", "platform_date"), ("act", "known_date")]
    for a, b in order:
        if f[a] and f[b] and f[a] > f[b]:
            raise InputError(b, f"{DATE_FIELDS[b]}（{f[b].isoformat()}）早于{DATE_FIELDS[a]}（{f[a].isoformat()}），请检查日期顺序。")
    if f["today"]:
        for k in ("order_date", "act", "platform_date", "known_date"):
            if f[k] and f[k] > f["today"]:
                raise InputError(k, f"{DATE_FIELDS[k]}（{f[k].isoformat()}）晚于今天，请检查。")
    return f


def _or(value: str, label: str) -> str:
    return value or _placeholder(label)


def _money(v: Decimal | None) -> str:
    return format_yuan(yuan(v)) if v is not None else _placeholder("金额") + " 元"


def _buyer(f: dict[str, Any]) -> str:
    if f["buyer_name"] and f["buyer_account"]:
        return f"{f['buyer_name']}（平台账号：{f['buyer_account']}）"
    if f["buyer_name"]:
        return str(f["buyer_name"])
    if f["buyer_account"]:
        return f"平台账号为“{f['buyer_account']}”的买家"
    return _placeholder("买家姓名或平台账号")


def _label(cid: str) -> str:
    return cite(cid).label


def _facts_paragraph(f: dict[str, Any], *, merchant_word: str) -> str:
    """The common narrative of the order, in plain words, with placeholders for what is missing."""
    shop = f"“{f['shop_name']}”店铺" if f["shop_name"] else _placeholder("店铺名称")
    return (
        f"{_cn_date(f['order_date'], _placeholder('下单日期'))}，{_buyer(f)}在{_or(f['platform'], '平台名称')}上{merchant_word}经营的"
        f"{shop}购买{_or(f['goods'], '商品名称')}（订单号：{_or(f['order_no'], '订单号')}）。"
        f"{_cn_date(f['act'], _placeholder('申请退款日期'))}，该买家以商品损坏为由申请“仅退款”，并提交了商品损坏的照片。"
        + (f"{_or(f['platform'], '平台名称')}于{_cn_date(f['platform_date'], _placeholder('平台处理日期'))}作出退款处理，"
           f"{merchant_word}因此损失货款{_money(f['amount'])}，买家未退回商品。" if not f["attempt"] else
           f"该退款申请未获通过或尚未到账，涉及金额{_money(f['amount'])}。")
        + f"{merchant_word}于{_cn_date(f['known_date'], _placeholder('发现日期'))}发现，买家提交的照片与{merchant_word}发货时的商品状况不符，"
        "有伪造或者篡改的迹象（具体见证据清单）。"
    )


def _evidence_table(f: dict[str, Any]) -> dict[str, Any]:
    rows = [[str(i), name, purpose] for i, (name, purpose) in enumerate(f["evidence"], 1)]
    if not rows:
        rows = [["1", _placeholder("证据名称，例如：打包发货视频"), _placeholder("证明内容")]]
    return {"type": "table", "header": ["序号", "证据名称", "证明内容"], "rows": rows}


def _signature(role: str, f: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"type": "paragraph", "text": f"{role}：{f['merchant_name'] or '（签名或盖章）'}", "align": "right"},
        {"type": "paragraph", "text": _cn_date(f["today"]), "align": "right"},
    ]


def _zhian_version(act: date | None) -> list[dict[str, Any]]:
    """The 治安 text(s) for the act date, from the engine's rule data (行政处罚法第37条 decides the rest)."""
    versions = ruleset.administrative_versions()
    if act is None:
        return versions
    out = []
    for v in versions:
        start = date.fromisoformat(v["from"]) if v["from"] else date.min
        end = date.fromisoformat(v["to"]) if v["to"] else date.max
        if start <= act <= end:
            out.append(v)
    return out or versions


def appeal(f: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    cites: list[str] = ["dianshang-2018#art-32", "minfadian#art-7"]
    platform = _or(f["platform"], "平台名称")
    blocks: list[dict[str, Any]] = [
        {"type": "note", "text": DRAFT_NOTICE},
        {"type": "title", "text": "申诉书"},
        {"type": "paragraph", "text": f"申诉人：{_or(f['merchant_name'], '商家名称或姓名')}（店铺：{_or(f['shop_name'], '店铺名称')}）"},
        {"type": "paragraph", "text": f"联系电话：{_or(f['merchant_phone'], '联系电话')}"},
        {"type": "paragraph", "text": f"申诉事项：{platform}对订单{_or(f['order_no'], '订单号')}作出的仅退款处理"
                                      f"（处理日期：{_cn_date(f['platform_date'], _placeholder('处理日期'))}，金额：{_money(f['amount'])}）"},
        {"type": "heading", "level": 1, "text": "申诉请求"},
        {"type": "paragraph", "text": f"一、撤销对该订单作出的仅退款处理，恢复申诉人被扣划或垫付的款项{_money(f['amount'])}；", "indent": True},
        {"type": "paragraph", "text": "二、由人工对本申诉进行复核，并书面告知复核结果及所依据的事实、理由和规则条款；", "indent": True},
        {"type": "paragraph", "text": "三、提供买家就该订单提交的全部原始证据文件（原始图片、视频）及提交时间；", "indent": True},
        {"type": "paragraph", "text": "四、核查该买家是否存在滥用仅退款规则的行为，并依平台规则处理。", "indent": True},
        {"type": "heading", "level": 1, "text": "事实与理由"},
        {"type": "paragraph", "text": _facts_paragraph(f, merchant_word="申诉人"), "indent": True},
    ]
    if f["what_happened"]:
        blocks.append({"type": "paragraph", "text": f["what_happened"], "indent": True})
    blocks.append({"type": "paragraph", "indent": True, "text":
                   f"申诉人认为，以不真实的照片申请退款违背诚信原则（{_label('minfadian#art-7')}）。平台应当依照公开、公平、公正的原则"
                   f"制定和执行交易规则（{_label('dianshang-2018#art-32')}）；在处理本单时，平台未充分核查买家照片的真实性，"
                   "也未充分考虑申诉人提交的证据，作出的退款处理损害了申诉人的合法权益。"})
    measures = ["wangluo-jiaoyi-pingtai-guize-2025#art-19", "wangluo-jiaoyi-pingtai-guize-2025#art-21",
                "wangluo-jiaoyi-pingtai-guize-2025#art-27"]
    if f["platform_date"] is None or f["platform_date"] >= MEASURES_FROM:
        when = "" if f["platform_date"] else "（该办法自2026年2月1日起施行，适用于此后作出的处理）"
        blocks.append({"type": "paragraph", "indent": True, "text":
                       f"根据《网络交易平台规则监督管理办法》{when}，平台对经营者采取对其权益有负面影响的措施，应当告知事实、理由和依据，"
                       f"并设置便捷的申诉渠道；仅采用人工智能等技术手段处理、申诉人提出人工判定要求的，应当采用人工判定（{_label(measures[0])}）；平台规则减轻一方举证责任的，应当识别、防范和处置"
                       f"滥用该规则的行为（{_label(measures[1])}）；平台不得强制或者变相强制经营者承担退款不退货等售后责任"
                       f"（{_label(measures[2])}第一款第（一）项）。"})
        cites += measures
    blocks += [
        {"type": "paragraph", "indent": True, "text": "为此，申诉人提出上述请求，请予复核。证据见下表。"},
        {"type": "heading", "level": 1, "text": "证据清单"},
        _evidence_table(f),
        {"type": "paragraph", "text": f"此致\n{platform}"},
        *_signature("申诉人", f),
    ]
    return blocks, cites


def police(f: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    versions = _zhian_version(f["act"])
    cites = ["xingfa#art-266", "xingshi-susong-2018#art-110", "xingshi-susong-2018#art-112"] + [v["citation"] for v in versions]
    zhian = "或".join(f"{_label(v['citation'])}" for v in versions)
    buyer_lines = [
        f"姓名：{_or(f['buyer_name'], '买家姓名（不知道可写“不详”）')}",
        f"平台账号：{_or(f['buyer_account'], '买家账号或昵称')}",
        f"收货地址：{_or(f['buyer_address'], '买家收货地址')}",
        f"联系电话：{_or(f['buyer_phone'], '买家联系电话')}",
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "note", "text": DRAFT_NOTICE},
        {"type": "title", "text": "报案材料"},
        {"type": "heading", "level": 1, "text": "报案人"},
        {"type": "paragraph", "text": f"名称或姓名：{_or(f['merchant_name'], '商家名称或姓名')}"},
        {"type": "paragraph", "text": f"证件号码或统一社会信用代码：{_or(f['merchant_id'], '证件号码')}"},
        {"type": "paragraph", "text": f"住所地：{_or(f['merchant_address'], '住所地')}　联系电话：{_or(f['merchant_phone'], '联系电话')}"},
        {"type": "heading", "level": 1, "text": "被举报人"},
        {"type": "paragraph", "text": "\n".join(buyer_lines)},
        {"type": "heading", "level": 1, "text": "报案事项"},
        {"type": "paragraph", "indent": True, "text": f"被举报人涉嫌以伪造的商品损坏照片骗取退款，涉及金额{_money(f['amount'])}。"},
        {"type": "heading", "level": 1, "text": "事实经过"},
        {"type": "paragraph", "indent": True, "text": _facts_paragraph(f, merchant_word="报案人")},
    ]
    if f["what_happened"]:
        blocks.append({"type": "paragraph", "indent": True, "text": f["what_happened"]})
    blocks += [
        {"type": "heading", "level": 1, "text": "报案请求"},
        {"type": "paragraph", "indent": True, "text":
         f"报案人认为，被举报人的行为可能属于虚构事实、隐瞒真相骗取他人财物。依照{_label('xingshi-susong-2018#art-110')}，"
         f"报案人特向贵局报案，请求依法审查：认为构成犯罪的，依照{_label('xingfa#art-266')}立案侦查；尚不够刑事处罚的，"
         f"依照{zhian}给予治安管理处罚。如决定不予立案，请依照{_label('xingshi-susong-2018#art-112')}将不立案的原因通知报案人（控告人）。"},
        {"type": "paragraph", "indent": True, "text": "报案人保证以上陈述属实，并愿意配合调查、提供原始证据。"},
        {"type": "heading", "level": 1, "text": "证据清单"},
        _evidence_table(f),
        {"type": "paragraph", "text": f"此致\n{_or(f['police'], '公安机关名称，例如：某市公安局某分局')}"},
        *_signature("报案人", f),
    ]
    return blocks, cites


def complaint(f: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    cites = ["zongze-jieshi-2022#art-21", "minfadian#art-7", "susong-feiyong-2006#art-29"]
    agreed = f["merchant_agreed"]
    claims: list[str] = []
    if agreed in ("yes", "unknown"):
        prefix = "【如退款未经原告同意，请删除本项】" if agreed == "unknown" else ""
        claims.append(f"{prefix}撤销原告就订单{_or(f['order_no'], '订单号')}同意退款的行为；")
        cites += ["minfadian#art-148", "minfadian#art-152"]
    claims.append(f"判令被告返还原告货款人民币{_money(f['amount'])}；")
    if f["other_loss"] is not None:
        note = f"（{f['other_loss_note']}）" if f["other_loss_note"] else ""
        claims.append(f"判令被告赔偿原告损失人民币{_money(f['other_loss'])}{note}；")
    claims.append("判令被告承担本案诉讼费用。")
    numerals = "一二三四五六七八九"
    plaintiff = [
        f"原告：{_or(f['merchant_name'], '原告名称或姓名')}",
        f"证件号码或统一社会信用代码：{_or(f['merchant_id'], '证件号码')}",
    ]
    if f["merchant_rep"]:
        plaintiff.append(f"法定代表人或负责人：{f['merchant_rep']}")
    plaintiff += [f"住所地：{_or(f['merchant_address'], '住所地')}", f"联系电话：{_or(f['merchant_phone'], '联系电话')}"]
    defendant = [
        f"被告：{_or(f['buyer_name'], '被告姓名')}",
        f"证件号码：{_or(f['buyer_id'], '被告证件号码（如不知道，可写明其他足以确定被告的信息）')}",
        f"住址：{_or(f['buyer_address'], '被告住址')}",
        f"联系电话：{_or(f['buyer_phone'], '被告联系电话')}",
        f"平台账号：{_or(f['buyer_account'], '被告平台账号')}",
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "note", "text": DRAFT_NOTICE},
        {"type": "title", "text": "民事起诉状"},
        {"type": "paragraph", "text": "\n".join(plaintiff)},
        {"type": "paragraph", "text": "\n".join(defendant)},
        {"type": "heading", "level": 1, "text": "诉讼请求"},
        *({"type": "paragraph", "indent": True, "text": f"{numerals[i]}、{c}"} for i, c in enumerate(claims)),
        {"type": "heading", "level": 1, "text": "事实与理由"},
        {"type": "paragraph", "indent": True, "text": _facts_paragraph(f, merchant_word="原告")},
    ]
    if f["what_happened"]:
        blocks.append({"type": "paragraph", "indent": True, "text": f["what_happened"]})
    blocks.append({"type": "paragraph", "indent": True, "text":
                   f"原告认为，被告为取得退款，故意提交与实际情况不符的照片，使原告或平台基于错误认识同意或作出退款，属于故意告知虚假情况的欺诈"
                   f"（{_label('zongze-jieshi-2022#art-21')}），违背诚信原则（{_label('minfadian#art-7')}）。"})
    basis_revoke = (f"原告系在受欺诈、违背真实意思的情况下同意退款，有权请求撤销（{_label('minfadian#art-148')}），"
                    f"并在法定期间内行使撤销权（{_label('minfadian#art-152')}）；被撤销的民事法律行为自始没有法律约束力"
                    f"（{_label('minfadian#art-155')}），被告因此取得的款项应当返还，并赔偿原告因此所受的损失（{_label('minfadian#art-157')}）。")
    basis_enrich = (f"该退款系平台依据被告提交的不实材料作出，被告取得该款项没有法律根据，应当返还"
                    f"（{_label('minfadian#art-122')}、{_label('minfadian#art-985')}）。")
    if agreed == "yes":
        blocks.append({"type": "paragraph", "indent": True, "text": basis_revoke})
        cites += ["minfadian#art-155", "minfadian#art-157"]
    elif agreed == "no":
        blocks.append({"type": "paragraph", "indent": True, "text": basis_enrich})
        cites += ["minfadian#art-122", "minfadian#art-985"]
    else:
        blocks.append({"type": "paragraph", "indent": True, "text": "【请根据退款是否经原告同意，保留下列两段之一，删除另一段】"})
        blocks.append({"type": "paragraph", "indent": True, "text": basis_revoke})
        blocks.append({"type": "paragraph", "indent": True, "text": basis_enrich})
        cites += ["minfadian#art-155", "minfadian#art-157", "minfadian#art-122", "minfadian#art-985"]
    if f["other_loss"] is not None:
        blocks.append({"type": "paragraph", "indent": True, "text":
                       f"被告的行为造成原告其他财产损失，应当承担赔偿责任（{_label('minfadian#art-1165')}、{_label('minfadian#art-1184')}）。"})
        cites += ["minfadian#art-1165", "minfadian#art-1184"]
    blocks += [
        {"type": "paragraph", "indent": True, "text":
         f"诉讼费用由败诉方负担（{_label('susong-feiyong-2006#art-29')}）。为维护原告的合法权益，特向贵院提起诉讼，请依法判如所请。"},
        {"type": "heading", "level": 1, "text": "证据清单"},
        _evidence_table(f),
        {"type": "paragraph", "text": f"此致\n{_or(f['court'], '受诉人民法院名称')}"},
        *_signature("具状人（原告）", f),
        {"type": "paragraph", "text": "附：本起诉状副本1份；证据材料复印件各1份。"},
    ]
    return blocks, cites


BUILDERS = {"appeal": appeal, "police": police, "complaint": complaint}


def build(f: dict[str, Any]) -> dict[str, Any]:
    docs: list[dict[str, Any]] = []
    all_cites: list[str] = []
    warnings: list[dict[str, Any]] = [{"code": "draft", "text": DISCLAIMER}]
    for kind in f["kinds"]:
        if kind == "complaint" and f["attempt"]:
            warnings.append({"code": "complaint_skipped", "text":
                             "你填写的是退款未到账（只是企图）：买家没有取得款项，通常不需要起诉返还，所以没有生成民事起诉状。"
                             "如果你有其他损失需要索赔，请咨询律师。"})
            continue
        blocks, cites = BUILDERS[kind](f)
        entry: dict[str, Any] = {"kind": kind, "title": TITLES[kind], "filename": FILENAMES[kind], "blocks": blocks,
                                 "citations": list(dict.fromkeys(cites))}
        if f["docx"]:
            entry["docx_base64"] = base64.b64encode(docx.render(blocks, TITLES[kind] + "（草稿）")).decode("ascii")
        docs.append(entry)
        all_cites += cites
    missing = [label for key, (label, _) in TEXT_FIELDS.items()
               if not f[key] and key in ("merchant_name", "platform", "order_no", "buyer_name", "court", "police")]
    if f["amount"] is None:
        missing.append("金额")
    if missing:
        warnings.append({"code": "missing", "text": "以下内容没有填写，文书中以【请填写】标出：" + "、".join(missing) + "。"})
    if "complaint" in f["kinds"] and not f["attempt"] and f["amount"] is not None:
        total = f["amount"] + (f["other_loss"] or Decimal(0))
        fee = fee_compute(total)
        simple = fee_compute(total, simple=True)
        warnings.append({"code": "court_fee", "text":
                         f"按诉讼请求金额 {format_yuan(yuan(total))}，依《诉讼费用交纳办法》第十三条，案件受理费为 {format_yuan(fee['fee_yuan'])}；"
                         f"适用简易程序的减半交纳，为 {format_yuan(simple['fee_yuan'])}（第十六条）。由原告预交，最终由败诉方负担。"})
        all_cites += ["susong-feiyong-2006#art-13", "susong-feiyong-2006#art-16"]
    if "complaint" in f["kinds"] and f["merchant_agreed"] != "no" and not f["attempt"]:
        warnings.append({"code": "revocation_period", "text":
                         "撤销权须在知道或者应当知道撤销事由之日起一年内、且自行为发生之日起五年内行使（民法典第一百五十二条）；"
                         "具体到期日请用本站的“期限计算”工具核对。"})
        all_cites.append("minfadian#art-152")
    if "police" in f["kinds"]:
        versions = _zhian_version(f["act"])
        if f["act"] is None or len(versions) > 1:
            warnings.append({"code": "zhian_version", "text":
                             "没有填写买家申请退款的日期，报案材料同时列出了治安管理处罚法2012年文本和2025年文本的条文；"
                             "适用哪一个，按行为日期和行政处罚法第三十七条确定。"})
        elif versions[0]["version"] == "2012":
            warnings.append({"code": "zhian_version", "text":
                             f"行为发生在2026年1月1日之前，报案材料引用了2012年文本{versions[0]['article']}；如果处理时新文本处罚较轻，"
                             "依行政处罚法第三十七条适用新文本。哪个较轻，由办案机关根据具体处罚确定。"})
        all_cites.append("xingzheng-chufa-2021#art-37")
    return {
        "documents": docs,
        "warnings": warnings,
        "citations": {c: cite(c).to_dict() for c in dict.fromkeys(all_cites)},
        "disclaimer": DISCLAIMER,
    }


def browser_entry(payload: dict[str, Any], blobs: list[bytes] | None = None) -> dict[str, Any]:
    try:
        return build(normalise(payload))
    except InputError as e:
        return e.to_dict()


def plain_text(blocks: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for b in blocks:
        if b["type"] == "table":
            lines.append(" | ".join(b["header"]))
            lines += [" | ".join(r) for r in b["rows"]]
        else:
            lines.append(b["text"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calculators documents", description="起草申诉书、报案材料、民事起诉状（草稿）")
    parser.add_argument("--facts", help="JSON 文件：字段 -> 值（见 docs/tools/documents/）；不给则从标准输入读取")
    parser.add_argument("--out", help="把 .docx 写入这个目录（不给则只输出 JSON）")
    parser.add_argument("--kind", action="append", choices=KINDS, help="只生成某一种文书（可重复）")
    parser.add_argument("--format", choices=("json", "text"), default="json")
    args = parser.parse_args(argv)

    def fail(field: str, message: str) -> int:
        print(json.dumps({"error": {"field": field, "message": message}}, ensure_ascii=False))
        return 2

    try:
        raw = open(args.facts, encoding="utf-8").read() if args.facts else sys.stdin.read()
        payload = load_json(raw) if raw.strip() else {}
    except JsonInputError as exc:
        return fail("facts", f"无法读取事实：{exc.message}")
    except (OSError, ValueError):
        return fail("facts", "无法读取事实文件（需要 UTF-8 编码的 JSON 对象）。")
    if not isinstance(payload, dict):
        return fail("facts", "事实文件必须是 JSON 对象。")
    if args.kind:
        payload["kinds"] = args.kind
    payload.setdefault("today", date.today().isoformat())  # the CLI is the one place that reads the clock
    payload["docx"] = bool(args.out)
    result = browser_entry(payload, [])
    if "error" in result:
        print(json.dumps(result, ensure_ascii=False))
        return 2
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        for d in result["documents"]:
            path = os.path.join(args.out, d["filename"])
            with open(path, "wb") as fh:
                fh.write(base64.b64decode(d.pop("docx_base64")))
            d["path"] = path
    if args.format == "text":
        for d in result["documents"]:
            print(plain_text(d["blocks"]))
            print()
        for w in result["warnings"]:
            print("注：" + w["text"])
    else:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
