"""calculators/browser.py: the worker's Python entry point, in CPython. Every outcome is JSON with
``ok``; bad requests, input errors and crashes become Chinese messages, never exceptions."""

from __future__ import annotations

import json
import sys
import types

import pytest

from calculators import browser


def run(fn, payload, blobs=None):
    out = browser.dispatch(fn, payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False), blobs)
    assert isinstance(out, str)
    return json.loads(out)


@pytest.fixture
def fake_tool(monkeypatch):
    """Register a tool module 'fake' whose behaviour the test chooses."""
    mod = types.ModuleType("calculators_fake_tool")
    monkeypatch.setitem(sys.modules, "calculators_fake_tool", mod)
    monkeypatch.setitem(browser.REGISTRY, "fake", "calculators_fake_tool:browser_entry")
    monkeypatch.setattr(browser, "_loaded", {})
    return mod


def test_registry_names_the_agreed_tools():
    assert browser.REGISTRY == {
        "classify": "calculators.engine:browser_entry",
        "photo": "calculators.toolkit.photo:browser_entry",
        "deadlines": "calculators.toolkit.deadlines:browser_entry",
        "fees": "calculators.toolkit.fees:browser_entry",
        "platform": "calculators.toolkit.platform_review:browser_entry",
        "documents": "calculators.toolkit.documents:browser_entry",
    }


def test_classify_answers_and_reports_input_errors():
    ok = run("classify", {"facts": {"amount": "7000", "province": "江苏", "act_date": "2026-03-01",
                                    "decision_date": "2026-06-01"}, "today": "2026-06-01"})
    assert ok["ok"] is True and ok["result"]["criminal"]["tier"] == "large"
    bad = run("classify", {"facts": {"amount": "<script>"}, "today": "2026-06-01"})
    assert bad["ok"] is False and bad["error"]["field"] == "amount"
    assert "<script>" in bad["error"]["message"]  # quoted back as text; the page renders it as text


@pytest.mark.parametrize("fn", ["nope", "", "__import__", "classify ", None, 3])
def test_unknown_function(fn):
    out = run(fn, {})
    assert out["ok"] is False and "未知" in out["error"]["message"]


@pytest.mark.parametrize("payload", ["{", "[1, 2]", "null", "\"x\"", "x" * 1_000_001])
def test_malformed_payloads(payload):
    out = run("classify", payload)
    assert out["ok"] is False and out["error"]["message"]


def test_missing_module_is_a_message_not_a_crash(monkeypatch):
    monkeypatch.setitem(browser.REGISTRY, "ghost", "calculators.no_such_module:browser_entry")
    out = run("ghost", {})
    assert out == {"ok": False, "error": {"field": None, "message": "此功能（ghost）在当前版本中尚不可用。"}}


def test_input_error_of_a_tool_keeps_its_field(fake_tool):
    class ToolInputError(Exception):
        def __init__(self, field, message):
            super().__init__(message)
            self.field, self.message = field, message

    def entry(payload, blobs):
        raise ToolInputError("claim", "照片无法读取。")

    fake_tool.browser_entry = entry
    assert run("fake", {}) == {"ok": False, "error": {"field": "claim", "message": "照片无法读取。"}}


def test_unexpected_exception_is_logged_and_answered(fake_tool, capsys):
    def entry(payload, blobs):
        return 1 / 0

    fake_tool.browser_entry = entry
    out = run("fake", {})
    assert out["ok"] is False and "内部错误" in out["error"]["message"]
    assert "ZeroDivisionError" in capsys.readouterr().err  # the traceback goes to the console only
    assert "ZeroDivisionError" not in json.dumps(out)


def test_error_dict_returned_by_a_tool(fake_tool):
    fake_tool.browser_entry = lambda payload, blobs: {"error": {"field": "amount", "message": "金额不对。"}}
    assert run("fake", {}) == {"ok": False, "error": {"field": "amount", "message": "金额不对。"}}


def test_blobs_arrive_as_bytes(fake_tool):
    seen = []

    def entry(payload, blobs):
        seen.extend(blobs)
        return {"sizes": [len(b) for b in blobs], "payload": payload}

    class FakeJsBuffer:  # what Pyodide hands over for a Uint8Array
        def to_bytes(self):
            return b"\x00\x01\x02"

    fake_tool.browser_entry = entry
    out = run("fake", {"x": 1}, [b"ab", bytearray(b"cde"), memoryview(b"fghi"), FakeJsBuffer()])
    assert out == {"ok": True, "result": {"sizes": [2, 3, 4, 3], "payload": {"x": 1}}}
    assert all(type(b) is bytes for b in seen)
    assert run("fake", {}, [object()])["error"]["field"] == "blobs"
