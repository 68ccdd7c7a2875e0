"""The command line, run as a subprocess like a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from calculators import cli
from calculators.engine import classify
from conftest import ROOT


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "calculators", *args], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", cwd=ROOT, timeout=120)


def test_classify_json_from_stdin_unescaped_chinese():
    p = run("classify", "--today", "2026-03-10", stdin='{"amount": "3500", "province": "浙江", "act_date": "2026-03-01"}')
    assert p.returncode == 0, p.stderr
    assert "\\u" not in p.stdout and "治安管理处罚法" in p.stdout
    r = json.loads(p.stdout)
    assert r["criminal"]["tier"] == "none" and r["administrative"]["law_version"] == "2025"
    assert r["as_of"] == "2026-03-10"


def test_classify_flags_and_repeatable_circumstances():
    p = run("classify", "--amount", "1.2万", "--province", "广东", "--region", "深圳", "--act-date", "2024-05-01",
            "--decision-date", "2024-08-01", "--circumstance", "surrender", "--circumstance", "restitution")
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert r["amount_yuan"] == "12000.00" and r["criminal"]["tier"] == "large"
    assert r["facts"]["circumstances"] == ["surrender", "restitution"] and r["criminal"]["non_prosecution_possible"]


def test_classify_attempt_flag_and_facts_file(tmp_path: Path):
    f = tmp_path / "facts.json"
    f.write_text(json.dumps({"amount": "8000", "province": "浙江", "act_date": "2024-05-01", "decision_date": "2024-06-01"}), "utf-8")
    p = run("classify", "--facts", str(f), "--attempt")
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert r["criminal"]["attempt"] is True and r["criminal"]["possible_tiers"] == ["none", "large"]


def test_classify_text_format():
    p = run("classify", "--amount", "5000", "--act-date", "2024-05-01", "--decision-date", "2024-06-01", "--format", "text")
    assert p.returncode == 0, p.stderr
    assert "【刑事】" in p.stdout and "不确定" in p.stdout and "不是法律意见" in p.stdout
    assert "刑法第二百六十六条" in p.stdout


def _criminal_line(text: str) -> str:
    return next(x for x in text.splitlines() if x.startswith("【刑事】"))


def test_classify_text_headline_is_the_criminal_summary_with_the_summed_claims():
    facts = '{"claims": ["3000", "4000"], "province": "浙江", "act_date": "2024-05-01", "decision_date": "2024-06-01"}'
    summary = json.loads(run("classify", stdin=facts).stdout)["criminal"]["summary"]
    p = run("classify", "--format", "text", stdin=facts)
    assert p.returncode == 0, p.stderr
    line = _criminal_line(p.stdout)
    assert summary and summary in line and "按合计数" in line and "7,000" in line


def test_classify_text_shows_the_likely_tier_as_pending():
    # 四川's figures are REPORTED: 6,000 lies in the national range's open band, the reported floor (5,000) says 较大
    p = run("classify", "--amount", "6000", "--province", "四川", "--act-date", "2024-05-01", "--decision-date", "2024-06-01",
            "--format", "text")
    assert p.returncode == 0, p.stderr
    assert "可能性较大的是数额较大（待核实）" in _criminal_line(p.stdout)


def test_render_text_takes_the_labels_from_the_result():
    r = classify({"amount": "6000", "province": "四川", "act_date": "2024-05-01", "decision_date": "2024-06-01"},
                 today=date(2026, 3, 1)).to_dict()
    assert r["criminal"]["likely_tier"] == "large" and r["criminal"]["tier"] == "uncertain"
    r["labels"]["tier"] = {k: f"<{k}>" for k in r["labels"]["tier"]}
    r["criminal"]["summary"] = ""  # without a summary line: the tier, the possible tiers, the likely one, by label
    lines = cli.render_text(r).splitlines()
    i = lines.index("【刑事】诈骗罪数额档次　<uncertain>")
    assert lines[i + 1] == "　可能的档次：<none>、<large>"
    assert lines[i + 2].startswith("　可能性较大的档次：<large>（待核实")


@pytest.mark.parametrize("args,stdin,field", [
    (("classify",), "{bad json", None),
    (("classify",), "[1, 2]", None),
    (("classify",), "", None),
    (("classify",), '{"amount": "-1"}', "amount"),
    (("classify", "--amount", "3500", "--province", "火星"), "", "province"),
    (("classify", "--amount", "3500", "--act-date", "2026-02-30"), "", "act_date"),
    (("classify", "--amount", "3500", "--circumstance", "nope"), "", "circumstances"),
    (("classify", "--bogus"), "", None),
    (("classify", "--facts", "/nonexistent/facts.json"), "", None),
    (("classify", "--amount", "1", "--today", "2026-13-01"), "", "today"),
    (("nosuchcommand",), "", None),
])
def test_bad_input_exit_2_with_json_error(args, stdin, field):
    p = run(*args, stdin=stdin)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    err = json.loads(p.stdout)["error"]
    assert err["field"] == field and err["message"] and not err["message"].isascii()


def test_batch_streams_rows_and_reports_bad_rows(tmp_path: Path):
    f = tmp_path / "cases.csv"
    f.write_text(
        "amount,province,region,act_date,decision_date,circumstances,claims\n"
        "3500,浙江,,2026-03-01,2026-03-05,,\n"
        "5000,上海,,2024-01-01,2024-02-01,repeated;surrender,\n"
        "abc,浙江,,,,,\n"
        ",云南,,2024-01-01,2024-02-01,,3000;3500\n"
        "1.2万,广东,深圳,2024-05-01,2024-06-01,自首、退赃退赔,\n",
        "utf-8",
    )
    p = run("batch", str(f), "--today", "2026-11-27")
    assert p.returncode == 1, p.stderr  # row 3 failed: the exit status says so
    assert "5 行数据" in p.stderr and "1 行出错" in p.stderr
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    assert [x["row"] for x in lines] == [1, 2, 3, 4, 5]
    assert lines[0]["criminal"]["tier"] == "none" and lines[0]["administrative"]["law_version"] == "2025"
    assert lines[1]["criminal"]["tier"] == "large"
    assert lines[2]["error"]["field"] == "amount"
    assert lines[3]["amount_yuan"] == "6500.00" and "claims_summed" in lines[3]["warnings"]
    assert lines[4]["criminal"]["non_prosecution_possible"] is True
    full = run("batch", str(f), "--full", "--today", "2026-11-27")
    first = json.loads(full.stdout.splitlines()[0])
    assert "citations" in first and "steps" in first


def test_batch_unreadable_file_exit_2():
    p = run("batch", "/nonexistent/rows.csv")
    assert p.returncode == 2 and json.loads(p.stdout)["error"]["field"] == "file"


def test_tool_dispatch_missing_module(monkeypatch, capsys):
    from calculators import cli

    monkeypatch.setitem(cli.TOOL_COMMANDS, "ghost", "calculators.toolkit.ghost_tool_that_does_not_exist")
    assert cli.main(["ghost"]) == 2
    err = json.loads(capsys.readouterr().out)["error"]
    assert "尚未安装" in err["message"]


def test_tool_dispatch_calls_main(monkeypatch, capsys):
    import types

    from calculators import cli

    mod = types.ModuleType("calculators_fake_tool")
    mod.main = lambda argv: 7 if argv == ["x"] else 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "calculators_fake_tool", mod)
    monkeypatch.setitem(cli.TOOL_COMMANDS, "fake", "calculators_fake_tool")
    assert cli.main(["fake", "x"]) == 7
