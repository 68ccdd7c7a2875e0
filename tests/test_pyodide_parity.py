"""Same answers everywhere: every golden case (tests/golden.py: tests/cases/*.toml and the generated
provincial cases) through the built wheel in
Pyodide (Node + node_modules/pyodide, the same runtime the browser gets) and through CPython, both
via ``calculators.browser.dispatch`` (the worker's entry point) with the same fixed ``today``;
the JSON must match field by field (errors included).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from typing import Any

import pytest

from browser_support import ROOT

pytestmark = pytest.mark.slow

from golden import load_golden  # noqa: E402  (tests/ is on the path, as for conftest)

CASES = load_golden()
try:
    from conftest import GOLDEN_TODAY  # the engine's fixed "today" for the golden cases
except ImportError:  # pragma: no cover
    GOLDEN_TODAY = dt.date(2026, 11, 27)

NODE_RUNNER = r"""
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
const [pyodideDir, wheelPath, payloadPath] = process.argv.slice(2);
const { loadPyodide } = await import(pyodideDir + "/pyodide.mjs");
const t0 = performance.now();
const pyodide = await loadPyodide({ indexURL: pyodideDir + "/", packageBaseUrl: pyodideDir + "/", stdout: () => {}, stderr: (l) => console.error(l) });
const t1 = performance.now();
// Node needs a Uint8Array, not a Buffer (tech-notes)
const buf = readFileSync(wheelPath);
pyodide.unpackArchive(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), "wheel");
const dispatch = pyodide.pyimport("calculators.browser").dispatch;
const payloads = JSON.parse(readFileSync(payloadPath, "utf8"));
const t2 = performance.now();
for (const p of payloads) process.stdout.write(dispatch("classify", p, []) + "\n");
const t3 = performance.now();
// blobs: JS typed arrays reach the Python entry as bytes (a view into a larger buffer included)
pyodide.runPython(`
import sys, types, hashlib
import calculators.browser as b
m = types.ModuleType("parity_echo")
m.browser_entry = lambda payload, blobs: {"types": [type(x).__name__ for x in blobs],
                                          "sha256": [hashlib.sha256(x).hexdigest() for x in blobs]}
sys.modules["parity_echo"] = m
b.REGISTRY["echo"] = "parity_echo:browser_entry"
`);
const big = new Uint8Array([9, 9, 5, 6, 7, 8, 9, 9]);
process.stdout.write("ECHO " + dispatch("echo", "{}", [new Uint8Array([1, 2, 3]), big.subarray(2, 6)]) + "\n");
console.error(JSON.stringify({ version: pyodide.version, python: pyodide.runPython("import sys; sys.version"),
  load_ms: t1 - t0, cases_ms: t3 - t2 }));
"""


def _jsonable(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _jsonable(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_jsonable(v) for v in node]
    if isinstance(node, (dt.date, dt.datetime)):
        return node.isoformat()
    return node


def payload_of(named: tuple[str, dict[str, Any]]) -> str:
    case = named[1]
    return json.dumps({"facts": _jsonable(case.get("facts", {})), "today": GOLDEN_TODAY.isoformat()},
                      ensure_ascii=False)


def diff(a: Any, b: Any, path: str = "$") -> list[str]:
    if type(a) is not type(b):
        return [f"{path}: {type(a).__name__} {a!r:.80} != {type(b).__name__} {b!r:.80}"]
    if isinstance(a, dict):
        out = [f"{path}.{k}: only in CPython" for k in a.keys() - b.keys()]
        out += [f"{path}.{k}: only in Pyodide" for k in b.keys() - a.keys()]
        for k in sorted(a.keys() & b.keys()):
            out += diff(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r:.120} != {b!r:.120}"]


@pytest.fixture(scope="module")
def pyodide_results(tmp_path_factory) -> dict[str, dict]:
    node = shutil.which("node")
    pyodide_dir = ROOT / "node_modules" / "pyodide"
    if not node or not (pyodide_dir / "pyodide.asm.wasm").exists():
        pytest.fail("node and node_modules/pyodide are required (bash scripts/test.sh installs them)")
    sys.path.insert(0, str(ROOT / "site_hooks"))
    import wheel

    tmp = tmp_path_factory.mktemp("parity")
    name, data = wheel.build_wheel_bytes()  # the very wheel the site build ships
    (tmp / name).write_bytes(data)
    (tmp / "payloads.json").write_text(json.dumps([payload_of(p) for p in CASES], ensure_ascii=False), "utf-8")
    (tmp / "run.mjs").write_text(NODE_RUNNER, "utf-8")
    proc = subprocess.run([node, str(tmp / "run.mjs"), str(pyodide_dir), str(tmp / name), str(tmp / "payloads.json")],
                          capture_output=True, text=True, timeout=600, cwd=tmp)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    echo = json.loads(lines.pop().removeprefix("ECHO "))
    assert len(lines) == len(CASES), proc.stderr[-3000:]
    info = json.loads(proc.stderr.strip().splitlines()[-1])
    assert info["version"] == "314.0.7" and info["python"].startswith("3.14"), info
    print(f"\nPyodide {info['version']} (Python {info['python'].split()[0]}): load {info['load_ms']:.0f} ms, "
          f"{len(CASES)} cases in {info['cases_ms']:.0f} ms")
    results = {name: json.loads(line) for (name, _), line in zip(CASES, lines)}
    results["__echo__"] = echo
    return results


def test_blobs_reach_python_as_bytes_in_pyodide(pyodide_results):
    import hashlib

    echo = pyodide_results["__echo__"]
    assert echo["ok"] is True
    assert echo["result"]["types"] == ["bytes", "bytes"]
    assert echo["result"]["sha256"] == [hashlib.sha256(bytes([1, 2, 3])).hexdigest(),
                                        hashlib.sha256(bytes([5, 6, 7, 8])).hexdigest()]


def test_there_are_golden_cases():
    assert len(CASES) >= 80


@pytest.mark.parametrize("path", CASES, ids=[n for n, _ in CASES])
def test_pyodide_matches_cpython(pyodide_results, path):
    from calculators import browser

    cpython = json.loads(browser.dispatch("classify", payload_of(path), []))
    pyodide = pyodide_results[path[0]]
    problems = diff(cpython, pyodide)
    assert not problems, "\n".join(problems[:20])
    # the case really ran through the worker's path: an answer, or the engine's own error for the
    # field the case expects (never the internal-error message)
    expect = path[1].get("expect", {})
    if "error" in expect:
        assert cpython["ok"] is False and cpython["error"]["field"] == expect["error"], cpython
        assert "内部错误" not in cpython["error"]["message"]
    else:
        assert cpython["ok"] is True, cpython


def test_diff_reports_differences():
    assert diff({"a": [1, {"b": "x"}]}, {"a": [1, {"b": "x"}]}) == []
    assert diff({"a": [1, {"b": "x"}]}, {"a": [1, {"b": "y"}]}) == ["$.a[1].b: 'x' != 'y'"]
    assert diff({"a": 1}, {"a": 1.0}) and diff({"a": 1}, {}) and diff([1], [1, 2])
