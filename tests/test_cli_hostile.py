"""Hostile input on the command line (issue 15): every command answers with exit 2 and
``{"error": {"field", "message"}}`` in Chinese, never a traceback; echoed values are clipped; the
amount parser refuses past its written caps at once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from calculators import FactsError, classify
from calculators.browser import dispatch
from conftest import ROOT


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "calculators", *args], input=stdin, capture_output=True, check=False,
                          cwd=ROOT, timeout=120)


def error_of(p: subprocess.CompletedProcess[bytes]) -> dict:
    assert p.returncode == 2, (p.stdout[:300], p.stderr[-500:])
    assert b"Traceback" not in p.stderr, p.stderr[-500:]
    err = json.loads(p.stdout.decode("utf-8"))["error"]
    assert set(err) == {"field", "message"} and any("\u4e00" <= ch <= "\u9fff" for ch in err["message"])
    return err


@pytest.mark.parametrize("command", [("classify",), ("documents",)])
def test_deeply_nested_json_on_stdin(command: tuple[str, ...]):
    err = error_of(run(*command, stdin=b"[" * 100_000))
    assert "嵌套" in err["message"]


def test_deeply_nested_answers_file(tmp_path: Path):
    f = tmp_path / "answers.json"
    f.write_bytes(b"[" * 100_000)
    assert "嵌套" in error_of(run("platform", "--answers", str(f)))["message"]


def test_deeply_nested_payload_in_the_worker():
    out = json.loads(dispatch("classify", "[" * 100_000))
    assert out["ok"] is False and "嵌套" in out["error"]["message"]


def test_5000_digit_amounts():
    err = error_of(run("classify", stdin=b'{"amount": ' + b"9" * 5000 + b"}"))
    assert "4300" not in err["message"]
    err = error_of(run("classify", "--amount", "9" * 5000))
    assert err["field"] == "amount" and "太长" in err["message"]
    with pytest.raises(FactsError, match="位数太多"):
        classify({"amount": "9" * 30, "decision_date": "2026-03-01"})


@pytest.mark.parametrize("facts", [
    b'{"amount": "\\ud800"}',
    b'{"amount": "3500", "region": "\\ud800"}',
    b'{"amount": "3500", "province": "\\udfff"}',
    b'{"\\ud800": "3500"}',
])
def test_lone_surrogates_never_crash_the_output(facts: bytes):
    p = run("classify", stdin=facts)
    error_of(p)
    p.stdout.decode("utf-8")  # valid UTF-8


def test_lone_surrogate_in_a_documents_key_and_value():
    p = run("documents", stdin=b'{"\\ud800": "x", "buyer": "\\udc00"}')
    assert b"Traceback" not in p.stderr and b"UnicodeEncodeError" not in p.stderr, p.stderr[-500:]
    p.stdout.decode("utf-8")


@pytest.mark.parametrize("target", ["/nonexistent/x.ics", "DIR"])
def test_deadlines_ics_to_a_missing_directory_or_a_directory(target: str, tmp_path: Path):
    err = error_of(run("deadlines", "--act", "2026-03-01", "--today", "2026-03-05",
                       "--ics", str(tmp_path) if target == "DIR" else target))
    assert err["field"] == "ics" and ("目录" in err["message"])


def test_a_100000_character_region_is_refused_and_not_echoed():
    facts = {"amount": "3500", "province": "广东", "region": "深" * 100_000}
    err = error_of(run("classify", stdin=json.dumps(facts).encode()))
    assert err["field"] == "region" and len(err["message"]) < 300
    err = error_of(run("classify", "--amount", "3500", "--region", "x" * 150))
    assert len(err["message"]) < 300 and "x" * 41 not in err["message"]


def test_unknown_city_in_a_province_is_clipped():
    with pytest.raises(FactsError) as e:
        classify({"amount": "3500", "province": "广东", "region": "深" * 150, "decision_date": "2026-03-01"})
    assert len(e.value.message) < 400


@pytest.mark.parametrize("text", ["3500" + "元" * 20_000, "人民币" * 10_000 + "3500", "¥" * 50_000 + "1"])
def test_hostile_amount_affixes_answer_at_once(text: str):
    t0 = time.process_time()
    with pytest.raises(FactsError, match="太长"):
        classify({"amount": text, "decision_date": "2026-03-01"})
    assert time.process_time() - t0 < 2


def test_facts_file_that_is_not_utf8_or_a_directory(tmp_path: Path):
    f = tmp_path / "facts.json"
    f.write_bytes(b"\xff{}")
    assert "UTF-8" in error_of(run("classify", "--facts", str(f)))["message"]
    assert "目录" in error_of(run("classify", "--facts", str(tmp_path)))["message"]
