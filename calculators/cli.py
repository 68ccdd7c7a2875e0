"""Command line: ``python -m calculators classify | batch | <tool> ...``.

classify  facts as JSON on stdin, or ``--facts FILE``, or flags (``--amount 3500 --province 浙江
          --act-date 2026-03-01``); prints the result as JSON (UTF-8, Chinese not escaped) or, with
          ``--format text``, a readable Chinese explanation. Bad input: exit 2 and
          ``{"error": {"field": ..., "message": ...}}`` on stdout.
batch     ``FILE.csv``: one case a row, the header names the facts; circumstances and claims are
          separated by ";" or "、". Streams one JSON line a row: by default the key fields
          (``--full`` for the whole result) with ``row`` (the data row, 1-based) and ``line`` (its line
          in the file); a bad row gives ``{"row": n, "line": k, "error": {...}}`` and the batch
          goes on. A record is one line. Exit 0 when every row gave a result, 1 when some row
          failed, 2 when the file cannot be read; a summary line goes to stderr.
<tool>    the merchant tools (photo, deadlines, fees, platform, documents) live in their own modules,
          imported only when called; see ``TOOL_COMMANDS``.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import os
import sys
from collections.abc import Iterator
from datetime import date
from typing import Any, BinaryIO, NoReturn, TextIO

from .dates import parse_date
from .errors import FactsError
from .limits import JsonInputError, clip, load_json
from .money import format_yuan

TOOL_COMMANDS: dict[str, str] = {
    "photo": "calculators.toolkit.photo.cli",
    "deadlines": "calculators.toolkit.deadlines",
    "fees": "calculators.toolkit.fees",
    "platform": "calculators.toolkit.platform_review",
    "documents": "calculators.toolkit.documents",
}

USAGE = """用法：
  python -m calculators classify [--facts FILE | --amount 金额 --province 省份 ...] [--format json|text]
  python -m calculators batch FILE.csv [--full] [--today YYYY-MM-DD]
  python -m calculators {tools} ...
""".format(tools=" | ".join(TOOL_COMMANDS))

def _out(obj: Any, stream: TextIO, indent: int | None = 2) -> None:
    stream.write(json.dumps(obj, ensure_ascii=False, indent=indent))
    stream.write("\n")


def _error(field: str | None, message: str) -> dict[str, Any]:
    return {"error": {"field": field, "message": message}}


def _today(value: str | None) -> date:
    if value:
        return parse_date(value, "today", "今天的日期")
    return date.today()  # the thin layer that reads the clock


# ---- classify -----------------------------------------------------------------------------------

def _classify_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m calculators classify", add_help=True,
                                description="按事实计算刑事、行政、民事三方面的结论（法律信息，不是法律意见）。")
    p.add_argument("--facts", help="JSON 文件（事实对象）；不给且没有其他参数时从标准输入读取")
    p.add_argument("--amount", help="金额（元），如 3500、3,500、1.2万")
    p.add_argument("--claims", help="多笔退款金额，用 ; 分隔")
    p.add_argument("--province", help="省份名称、简称或行政区划代码")
    p.add_argument("--region", help="城市（广东分两类地区）")
    p.add_argument("--act-date", dest="act_date", help="行为日期 YYYY-MM-DD")
    p.add_argument("--decision-date", dest="decision_date", help="处理日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--known-date", dest="known_date", help="商家知道受骗的日期")
    p.add_argument("--discovery-date", dest="discovery_date", help="公安机关发现（接到报案）的日期")
    p.add_argument("--attempt", action="store_true", help="退款申请未成功（未遂）")
    p.add_argument("--circumstance", action="append", default=[], help="情节代码，可重复")
    p.add_argument("--today", help="把这一天当作今天（便于复现）")
    p.add_argument("--format", choices=("json", "text"), default="json")
    return p


class _ArgError(Exception):
    pass


class _QuietParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _ArgError(message)


def _facts_from_args(ns: argparse.Namespace, stdin: TextIO) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if ns.facts:
        try:
            with open(ns.facts, encoding="utf-8-sig") as fh:
                text = fh.read()
        except IsADirectoryError:
            raise FactsError(None, f"无法读取事实文件 {clip(ns.facts, 200)}：这是一个目录，不是文件。") from None
        except FileNotFoundError:
            raise FactsError(None, f"找不到事实文件 {clip(ns.facts, 200)}。") from None
        except OSError as exc:
            raise FactsError(None, f"无法读取事实文件 {clip(ns.facts, 200)}：{exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise FactsError(None, f"事实文件 {clip(ns.facts, 200)} 不是 UTF-8 编码的文本：请用 UTF-8 另存。") from None
        facts = _parse_json(text)
    flags = {k: getattr(ns, k) for k in ("amount", "claims", "province", "region", "act_date", "decision_date",
                                         "known_date", "discovery_date")}
    given = {k: v for k, v in flags.items() if v is not None}
    if ns.attempt:
        given["refund_obtained"] = False
    if ns.circumstance:
        given["circumstances"] = [c for item in ns.circumstance for c in item.replace("、", ";").split(";") if c.strip()]
    if not ns.facts and not given:
        facts = _parse_json(stdin.read())
    facts.update(given)
    return facts


def _parse_json(text: str) -> dict[str, Any]:
    if not text.strip():
        raise FactsError(None, "没有收到事实：请在标准输入提供 JSON 对象，或使用 --amount 等参数。")
    try:
        data = load_json(text)
    except JsonInputError as exc:
        raise FactsError(None, exc.message.rstrip("。") + "：请提供形如 {\"amount\": \"3500\"} 的对象。") from None
    if not isinstance(data, dict):
        raise FactsError(None, "输入的 JSON 应当是一个对象，例如 {\"amount\": \"3500\", \"province\": \"浙江\"}。")
    return data


def render_text(r: dict[str, Any]) -> str:
    c, a, v = r["criminal"], r["administrative"], r["civil"]
    cites = r["citations"]

    def refs(ids: list[str]) -> str:
        return "（" + "、".join(cites[i]["label"] for i in ids if i in cites) + "）" if ids else ""

    lines = [f"金额：{format_yuan(r['amount_yuan'])}　处理日期：{r['as_of']}　规则数据：{r['rules_version']}", ""]
    label = r["labels"]["tier"].get  # the display labels come with the result (rule data), no copy here
    # the headline: the tier and what it rests on ("按合计数 …" where claims were summed; the possible tiers)
    summary = c.get("summary") or label(c["tier"], c["tier"])
    lines.append(f"【刑事】诈骗罪数额档次　{summary}")
    if len(c["possible_tiers"]) > 1 and not c.get("summary"):
        lines.append("　可能的档次：" + "、".join(label(t, t) for t in c["possible_tiers"]))
    likely = c.get("likely_tier")
    if likely and f"{label(likely, likely)}（待核实）" not in summary:  # the summary names it where it has one
        lines.append(f"　可能性较大的档次：{label(likely, likely)}（待核实：依据的是二手来源的数额标准）")
    if c["sentence"]:
        lines.append(f"　法定刑：{c['sentence']}")
    if c["limitation_years"]:
        lines.append(f"　追诉期限：{c['limitation_years']} 年")
    if c["non_prosecution_possible"]:
        lines.append("　诈骗案件解释第三条：可能不起诉或者免予刑事处罚（需认罪、悔罪）")
    lines += _estimate_lines(c.get("sentence_estimate") or [], refs)
    applies = {True: "适用", False: "不适用（可能构成犯罪）", "conditional": "如不作为犯罪追究，则适用"}[a["applies"]]
    if a["discovery_period"].get("expired") and "none" in c["possible_tiers"]:
        applies = "不适用（六个月内没有被公安机关发现，不再处罚）"
    lines += ["", f"【行政】治安管理处罚法：{applies}；文本：{a['law_version']}"]
    for ver in a["versions"]:
        fine = ("或者" if ver["fine_alone_possible"] else "可以并处") + f"{format_yuan(ver['fine_max_yuan'])}以下罚款"
        lines.append(f"　{ver['label']}{ver['article']}：拘留{ver['detention_days'][0]}-{ver['detention_days'][1]}日，{fine}；"
                     f"情节较重：拘留{ver['serious']['detention_days'][0]}-{ver['serious']['detention_days'][1]}日，"
                     f"可以并处{format_yuan(ver['serious']['fine_max_yuan'])}以下罚款")
    lines.append(f"　发现期限：自行为日起六个月，约至 {a['discovery_period']['last_day']}")
    lines += ["", f"【民事】{v['summary']}"]
    for m in v["remedies"]:
        lines.append(f"　· {m['text']}{refs(m['citations'])}")
    lines += ["", "推理步骤："]
    for i, s in enumerate(r["steps"], 1):
        lines.append(f"{i}. {s['text']}{refs(s['citations'])}")
    if r["warnings"]:
        lines += ["", "待核实与可能改变结论的事实："]
        for w in r["warnings"]:
            lines.append(f"! {w['text']}{refs(w['citations'])}")
    if r.get("similar_cases"):
        lines += ["", "相似的真实案例（仅作参照，不是预测）："]
        for sc in r["similar_cases"]:
            lines.append(f"- {sc['id']} {sc['title']}：{sc['amount_text']}；{sc['outcome']}")
    lines += ["", r["disclaimer"]]
    return "\n".join(lines)


def _estimate_lines(items: list[dict[str, Any]], refs: Any) -> list[str]:
    """The sentence estimate (issue 14): range, probation, fine alone, steps and caveats."""
    conf = {"VERIFIED": "已核对原文", "PARTIAL": "部分核对（待核实）", "REPORTED": "二手来源（待核实）"}
    out: list[str] = []
    for e in items:
        out.append(f"　量刑估算（{e['tier_label']}）：约 {e['months_text']}（{e['months'][0]}-{e['months'][1]} 个月；"
                   f"可信度：{conf.get(e['confidence'], e['confidence'])}）；"
                   f"{'可能缓刑' if e['probation_possible'] else '不可能缓刑'}；{'可以单处罚金' if e['fine_alone_possible'] else '不能单处罚金'}")
        out += [f"　　{i}. {s['text']}{refs(s['citations'])}" for i, s in enumerate(e["steps"], 1)]
        out += [f"　　! {t}" for t in e["caveats"]]
    return out


def cmd_classify(argv: list[str], stdin: TextIO, stdout: TextIO) -> int:
    from .engine import classify

    parser = _classify_parser()
    quiet = _QuietParser(prog=parser.prog, add_help=False)
    for action in parser._actions:
        if action.dest == "help":
            continue
        quiet._add_action(action)
    if any(a in ("-h", "--help") for a in argv):
        parser.print_help(stdout)
        return 0
    try:
        ns = quiet.parse_args(argv)
        today = _today(ns.today)
        facts = _facts_from_args(ns, stdin)
        result = classify(facts, today=today).to_dict()
    except _ArgError as exc:
        _out(_error(None, f"命令行参数错误：{exc}"), stdout)
        return 2
    except FactsError as exc:
        _out(exc.to_dict(), stdout)
        return 2
    if ns.format == "text":
        stdout.write(render_text(result) + "\n")
    else:
        _out(result, stdout)
    return 0


# ---- batch ------------------------------------------------------------------------------------------

LIST_FIELDS = ("circumstances", "claims")


def _row_facts(row: dict[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for key, value in row.items():
        if key is None:
            raise FactsError(None, "这一行的列数多于表头。")
        key = key.strip()
        if value is None:
            continue
        value = value.strip()
        if value == "":
            continue
        if key in LIST_FIELDS:
            facts[key] = [x.strip() for x in value.replace("、", ";").replace("；", ";").split(";") if x.strip()]
        else:
            facts[key] = value
    return facts


def compact(r: Any) -> dict[str, Any]:
    """The key fields of a result (a ``Result``), without the texts and the citation map."""
    c, a = r.criminal, r.administrative
    return {
        "amount_yuan": r.amount_yuan,
        "criminal": {"tier": c.tier, "possible_tiers": c.possible_tiers, "thresholds_yuan": c.thresholds_yuan,
                     "limitation_years": c.limitation_years, "non_prosecution_possible": c.non_prosecution_possible,
                     "sentence_estimate": [{k: e[k] for k in ("tier", "months", "probation_possible", "fine_alone_possible", "confidence")}
                                           for e in c.sentence_estimate]},
        "administrative": {"applies": a.applies, "law_version": a.law_version, "article": a.article,
                           "detention_days": a.detention_days, "fine_max_yuan": a.fine_max_yuan},
        "warnings": [w.code for w in r.warnings],
        "as_of": r.as_of, "rules_version": r.rules_version,
    }


MAX_LINE_BYTES = 1 << 20   # one CSV record (one case) as bytes; claims may list many amounts


def _row_error(line_no: int, row: int, message: str, field: str | None = None) -> dict[str, Any]:
    return {"row": row, "line": line_no, "error": {"field": field, "message": f"第 {line_no} 行：{message}"}}


def _read_records(fh: BinaryIO) -> Iterator[tuple[int, bytes, bool]]:
    """Yield (line number, bytes of the line without its end, too_long) for each physical line, with
    at most MAX_LINE_BYTES read into memory at a time (a longer line is skipped to its end)."""
    line_no = 0
    while True:
        raw = fh.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        line_no += 1
        too_long = len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n")
        while too_long:
            rest = fh.readline(MAX_LINE_BYTES)
            if not rest or rest.endswith(b"\n"):
                break
        yield line_no, (b"" if too_long else raw.rstrip(b"\r\n")), too_long


def _decode_line(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FactsError(None, f"不是有效的 UTF-8 文本（这一行第 {exc.start + 1} 个字节处无法解码），"
                               "请用 UTF-8 编码另存 CSV 文件。") from None


def _split_record(text: str) -> list[str]:
    try:
        fields = next(csv.reader([text], strict=True), [])
    except csv.Error as exc:
        hint = "引号没有配对（一个事实不能跨行）" if "end of data" in str(exc) or "expected after" in str(exc) else str(exc)
        raise FactsError(None, f"无法解析：{hint}。") from None
    return fields


def cmd_batch(argv: list[str], stdout: TextIO, stderr: TextIO | None = None) -> int:
    """One JSON line for every data row, in order: the result, or an error naming the row's line
    number in the file. A record is one line (facts never contain line breaks); blank lines are
    skipped but counted. Exit 0 when every row gave a result, 1 when any row failed, 2 when the file
    itself cannot be read. A summary goes to stderr. The file is streamed: memory stays flat."""
    from .engine import classify
    from .ruleset import load

    stderr = stderr if stderr is not None else sys.stderr
    p = _QuietParser(prog="python -m calculators batch", add_help=False)
    p.add_argument("file")
    p.add_argument("--full", action="store_true")
    p.add_argument("--today")
    try:
        ns = p.parse_args(argv)
        today = _today(ns.today)
    except _ArgError as exc:
        _out(_error(None, f"命令行参数错误：{exc}。{USAGE}"), stdout)
        return 2
    except FactsError as exc:
        _out(exc.to_dict(), stdout)
        return 2
    try:
        fh = open(ns.file, "rb")
    except OSError as exc:
        reason = ("这是一个目录，不是 CSV 文件" if isinstance(exc, IsADirectoryError)
                  else "文件不存在" if isinstance(exc, FileNotFoundError) else exc.strerror or str(exc))
        _out(_error("file", f"无法读取文件 {clip(ns.file, 200)}：{reason}。"), stdout)
        return 2
    rs = load()
    dumps = json.dumps
    write = stdout.write
    rows = failed = 0
    with fh:
        records = _read_records(fh)
        header: list[str] = []
        for line_no, raw, too_long in records:
            if line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if too_long or not raw.strip():
                if too_long:
                    _out(_error("file", f"CSV 表头（第 {line_no} 行）太长。"), stdout)
                    return 2
                continue
            try:
                header = [h.strip() for h in _split_record(_decode_line(raw))]
            except FactsError as exc:
                _out(_error("file", f"无法读取 CSV 表头（第 {line_no} 行）：{exc.message}"), stdout)
                return 2
            break
        if not header or not any(header):
            _out(_error("file", "CSV 文件是空的（没有表头）。"), stdout)
            return 2
        for line_no, raw, too_long in records:
            if not too_long and not raw.strip():
                continue  # a blank line is not a row; the line numbers still count it
            rows += 1
            try:
                if too_long:
                    raise FactsError(None, f"太长（超过 {MAX_LINE_BYTES // 1024} KB）。")
                fields = _split_record(_decode_line(raw))
                if len(fields) > len(header):
                    raise FactsError(None, f"有 {len(fields)} 列，多于表头的 {len(header)} 列。")
                facts = _row_facts(dict(zip(header, fields)))
                result = classify(facts, today=today, rs=rs)
            except FactsError as exc:
                failed += 1
                write(dumps(_row_error(line_no, rows, exc.message, exc.field), ensure_ascii=False) + "\n")
                continue
            line = {"row": rows, "line": line_no, **(result.to_dict() if ns.full else compact(result))}
            write(dumps(line, ensure_ascii=False) + "\n")
    stderr.write(f"批量计算：{rows} 行数据，{rows - failed} 行得出结果，{failed} 行出错。\n")
    return 1 if failed else 0


# ---- dispatch ---------------------------------------------------------------------------------------

def run_tool(name: str, argv: list[str], stdout: TextIO) -> int:
    module_name = TOOL_COMMANDS[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            _out(_error(None, f"工具“{name}”尚未安装（找不到模块 {module_name}）。"), stdout)
            return 2
        raise
    main_fn = getattr(module, "main", None)
    if main_fn is None:
        _out(_error(None, f"工具“{name}”没有命令行入口（{module_name}.main）。"), stdout)
        return 2
    return int(main_fn(argv) or 0)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)  # a TextIOWrapper's; sys.stdout is typed TextIO
        if reconfigure is not None:
            try:
                # errors="replace": a lone surrogate in some echoed value never ends in UnicodeEncodeError
                reconfigure(encoding="utf-8", errors="replace")
            except ValueError:
                pass
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    try:
        if command == "classify":
            return cmd_classify(rest, sys.stdin, sys.stdout)
        if command == "batch":
            return cmd_batch(rest, sys.stdout)
        if command in TOOL_COMMANDS:
            return run_tool(command, rest, sys.stdout)
    except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    _out(_error(None, f"未知的子命令“{clip(command)}”。{USAGE}"), sys.stdout)
    return 2
