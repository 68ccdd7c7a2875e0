"""Trace which files of Pyodide's python_stdlib.zip the site really uses, to keep the trimmed stdlib
(site_hooks/stdlib_keep.txt) honest.

    .venv/bin/python scripts/trace_stdlib.py --record      # 1. record the tools' calls from their tests
    .venv/bin/python scripts/trace_stdlib.py --trace       # 2. run everything in Pyodide, print the files
    .venv/bin/python scripts/trace_stdlib.py --write       # 2, then rewrite site_hooks/stdlib_keep.txt
                                                           # (add --record to record the calls again)

What runs in Pyodide (Node 20 + node_modules/pyodide with the FULL stdlib): Pyodide's own start-up,
unpacking both wheels, the memory-snapshot warm-up, every golden case (tests/cases) through
``calculators.browser.dispatch`` and every call of a tool recorded from the tools' own test files
(tests/test_tool_*.py, tests/test_photo_*.py: each ``browser_entry`` of the toolkit is wrapped while
those tests run under CPython, and its payload and blobs are saved), plus the error paths of dispatch.
At the end, every module in ``sys.modules`` whose file lies in the stdlib zip is a used entry (a
package counts with its ``__init__.py``). The keep list is that set, widened by the rules in
``widen()`` (whole packages, common codecs) for safety.
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYODIDE = ROOT / "node_modules" / "pyodide"
KEEP_FILE = ROOT / "site_hooks" / "stdlib_keep.txt"
RECORDED = ROOT / "tests" / "data" / "tool_calls.json"
TOOL_TESTS = ["tests/test_tool_deadlines.py", "tests/test_tool_documents.py", "tests/test_tool_fees.py",
              "tests/test_tool_platform.py", "tests/test_photo_analysis.py", "tests/test_tool_robustness.py"]
TOOLS = {"photo": "calculators.toolkit.photo", "deadlines": "calculators.toolkit.deadlines",
         "fees": "calculators.toolkit.fees", "platform": "calculators.toolkit.platform_review",
         "documents": "calculators.toolkit.documents"}
MAX_CALLS_PER_TOOL = 40
MAX_BLOB_BYTES = 100_000  # keep the recorded file small: larger images add no new import

# codecs a reader's text may need even if no test touched them (cheap: a few KB each)
EXTRA_CODECS = ["aliases", "ascii", "latin_1", "utf_8", "utf_8_sig", "utf_16", "utf_16_le", "utf_16_be",
                "utf_32", "utf_32_le", "utf_32_be", "gbk", "gb2312", "gb18030", "big5", "cp1252", "idna",
                "unicode_escape", "raw_unicode_escape", "punycode", "charmap", "cp437", "mbcs", "hex_codec",
                "base64_codec"]
# packages kept whole when any module of them is used (small; a code path not covered by a test may
# import a sibling)
# (not email, importlib, logging, concurrent: 140 KB of the zip for modules no traced path imports; the
# worker's fallback to the full stdlib covers a miss)
WHOLE_PACKAGES = ["json", "re", "collections", "zoneinfo", "pathlib", "html", "urllib"]


class Recorder:
    """pytest plugin: wrap every tool's browser_entry and save (fn, payload, blobs) of its calls."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.count: dict[str, int] = {}

    def pytest_configure(self, config: Any) -> None:
        import importlib

        for fn, name in TOOLS.items():
            module = importlib.import_module(name)
            original = module.browser_entry

            def wrapped(payload: Any, blobs: Any = None, _fn: str = fn, _orig: Any = original) -> Any:
                self.record(_fn, payload, blobs)
                return _orig(payload, blobs) if blobs is not None else _orig(payload)

            module.browser_entry = wrapped

    def record(self, fn: str, payload: Any, blobs: Any) -> None:
        blobs = [bytes(b) for b in (blobs or [])]
        if self.count.get(fn, 0) >= MAX_CALLS_PER_TOOL or sum(map(len, blobs)) > MAX_BLOB_BYTES:
            return
        try:
            text = json.dumps(payload)  # ASCII: lone surrogates survive
        except (TypeError, ValueError):
            return
        self.count[fn] = self.count.get(fn, 0) + 1
        self.calls.append({"fn": fn, "payload": text, "blobs": [base64.b64encode(b).decode() for b in blobs]})


def record() -> list[dict[str, Any]]:
    import pytest

    rec = Recorder()
    code = pytest.main(["-q", "-p", "no:cacheprovider", "-x", "-m", "not slow", *TOOL_TESTS], plugins=[rec])
    if code not in (0, 5):
        raise SystemExit(f"tool tests failed (exit {code}); fix them before recording")
    RECORDED.parent.mkdir(parents=True, exist_ok=True)
    RECORDED.write_text(json.dumps(rec.calls), "utf-8")
    print(f"recorded {len(rec.calls)} tool calls: {rec.count} -> {RECORDED.relative_to(ROOT)}")
    return rec.calls


# Runs in Node: argv = pyodideDir, stdLibURL ("" = the full one), work dir (wheels, payloads).
# Prints one JSON line: {"modules": {name: origin}, "results": [...], "missed": [...]}.
NODE_RUNNER = r"""
import { readFileSync, readdirSync } from "node:fs";
const [pyodideDir, stdLibURL, work] = process.argv.slice(2);
const { loadPyodide } = await import(pyodideDir + "/pyodide.mjs");
const opts = { indexURL: pyodideDir + "/", packageBaseUrl: pyodideDir + "/", stdout: () => {}, stderr: () => {} };
if (stdLibURL) opts.stdLibURL = stdLibURL;
if (process.env.TRACE_LOCK) opts.lockFileURL = process.env.TRACE_LOCK;
const u8 = (buf) => new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
const pyodide = await loadPyodide({ ...opts, _makeSnapshot: !!process.env.TRACE_SNAPSHOT });
let trimmed = false;
try { pyodide.runPython("import _trimmed_stdlib; _trimmed_stdlib.install()"); trimmed = true; } catch {}
for (const name of readdirSync(work).filter((n) => n.endsWith(".whl")).sort()) pyodide.unpackArchive(u8(readFileSync(work + "/" + name)), "wheel");
pyodide.runPython("import importlib; importlib.invalidate_caches()");
const warmup = readFileSync(work + "/warmup.py", "utf8");
pyodide.runPython(warmup);
if (process.env.TRACE_SNAPSHOT) pyodide.makeMemorySnapshot();
const dispatch = pyodide.pyimport("calculators.browser").dispatch;
const results = [];
for (const c of JSON.parse(readFileSync(work + "/calls.json", "utf8"))) {
  const blobs = c.blobs.map((b) => u8(Buffer.from(b, "base64")));
  results.push(dispatch(c.fn, c.payload, blobs));
}
const out = pyodide.runPython(`
import json, sys
mods = {}
for name, m in list(sys.modules.items()):
    spec = getattr(m, "__spec__", None)
    origin = getattr(spec, "origin", None) or getattr(m, "__file__", None)
    if isinstance(origin, str):
        mods[name] = origin
missed = list(getattr(sys.modules.get("_trimmed_stdlib"), "MISSED", []))
json.dumps({"modules": mods, "missed": missed})
`);
process.stdout.write(JSON.stringify({ ...JSON.parse(out), results, trimmed }) + "\n");
"""


def calls_for_run(recorded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every golden case through classify, every recorded tool call, and dispatch's error paths."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_pyodide_parity import CASES, payload_of  # the parity test's payloads

    calls = [{"fn": "classify", "payload": payload_of(p), "blobs": []} for p in CASES]
    calls += recorded
    calls += [{"fn": "classify", "payload": "{not json", "blobs": []},
              {"fn": "nonexistent", "payload": "{}", "blobs": []},
              {"fn": "classify", "payload": json.dumps({"facts": {"amount": "abc"}}), "blobs": []},
              {"fn": "classify", "payload": json.dumps({"facts": {"amount": "3500", "province": "北"}}), "blobs": []}]
    return calls


def snapshot_warmup() -> str:
    """The Python the snapshot worker runs before makeMemorySnapshot (from pyworker.mjs)."""
    src = (ROOT / "docs" / "assets" / "pyworker.mjs").read_text("utf-8")
    start = src.index("const SNAPSHOT_WARMUP = `") + len("const SNAPSHOT_WARMUP = `")
    return src[start:src.index("`;", start)]


def run_in_pyodide(calls: list[dict[str, Any]], stdlib_url: str = "", snapshot: bool = False,
                   lock_url: str = "") -> dict[str, Any]:
    """Run start-up, both wheels, the warm-up and ``calls`` in Pyodide (Node); see NODE_RUNNER."""
    import os

    node = shutil.which("node")
    if not node or not (PYODIDE / "pyodide.asm.wasm").exists():
        raise RuntimeError("node and node_modules/pyodide are required")
    sys.path.insert(0, str(ROOT / "site_hooks"))
    import wheel  # the site's own wheels

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, data in wheel_files(wheel):
            (work / name).write_bytes(data)
        (work / "calls.json").write_text(json.dumps(calls, ensure_ascii=False), "utf-8")
        (work / "warmup.py").write_text(snapshot_warmup(), "utf-8")
        (work / "run.mjs").write_text(NODE_RUNNER, "utf-8")
        env = dict(os.environ)
        if snapshot:
            env["TRACE_SNAPSHOT"] = "1"
        if lock_url:
            env["TRACE_LOCK"] = lock_url
        proc = subprocess.run([node, str(work / "run.mjs"), str(PYODIDE), stdlib_url, str(work)],
                              capture_output=True, text=True, timeout=900, cwd=work, env=env)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-3000:])
        return json.loads(proc.stdout.strip().splitlines()[-1])


def wheel_files(wheel: Any) -> list[tuple[str, bytes]]:
    """(name, bytes) of the core and the tools wheel, as the site build makes them."""
    core = wheel.build_wheel_bytes(part="core")
    tools = wheel.build_wheel_bytes(part="tools")
    # distinct file names (both wheels share the distribution name); unpacked in this order
    return [("1-" + core[0], core[1]), ("2-" + tools[0], tools[1])]


def used_entries(modules: dict[str, str], names: set[str]) -> set[str]:
    """Zip entries (paths inside python_stdlib.zip) of the modules whose origin is in the zip."""
    used: set[str] = set()
    for origin in modules.values():
        marker = ".zip/"
        if marker not in origin:
            continue
        rel = origin.split(marker, 1)[1]
        if rel in names:
            used.add(rel)
            # the parent packages' __init__ files
            parts = rel.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                init = "/".join(parts[:i]) + "/__init__.py"
                if init in names:
                    used.add(init)
    return used


def widen(used: set[str], names: set[str]) -> set[str]:
    keep = set(used)
    top_packages = {u.split("/")[0] for u in used if "/" in u}
    for pkg in WHOLE_PACKAGES:
        if pkg in top_packages:
            keep |= {n for n in names if n.startswith(pkg + "/") and n.endswith(".py")}
    keep |= {f"encodings/{c}.py" for c in EXTRA_CODECS if f"encodings/{c}.py" in names}
    return keep


def trace(recorded: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """(used entries, widened keep set)."""
    names = set(zipfile.ZipFile(PYODIDE / "python_stdlib.zip").namelist())
    calls = calls_for_run(recorded)
    used: set[str] = set()
    for snapshot in (False, True):
        out = run_in_pyodide(calls, snapshot=snapshot)
        used |= used_entries(out["modules"], names)
    return used, widen(used, names)


HEADER = """\
# The files of Pyodide's python_stdlib.zip (pyodide {version}) that the trimmed stdlib keeps
# (site_hooks/pyodide_assets.py builds site/pyodide/python_stdlib.min.zip from this list).
# Made by `.venv/bin/python scripts/trace_stdlib.py --write`: Pyodide in Node with the full stdlib ran
# its own start-up, both wheels, the snapshot warm-up and makeMemorySnapshot, every golden case and
# {ncalls} recorded tool calls (from the tools' tests), then listed sys.modules: {nused} files used;
# widened for safety to whole small packages ({packages}) and common codecs.
# tests/test_stdlib_trim.py re-runs the trace (fails if a used file is missing here) and runs every
# golden case and tool call on the trimmed zip. The browser worker falls back to the full zip if an
# omitted module is ever imported. One path per line; '#' lines are comments.
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--trace", action="store_true")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    if args.record or not RECORDED.exists():
        recorded = record()
    else:
        recorded = json.loads(RECORDED.read_text("utf-8"))
    if not (args.trace or args.write):
        return 0
    used, keep = trace(recorded)
    print(f"{len(used)} files used, {len(keep)} kept")
    if args.write:
        version = json.loads((PYODIDE / "package.json").read_text("utf-8"))["version"]
        text = HEADER.format(version=version, ncalls=len(recorded), nused=len(used),
                             packages=", ".join(WHOLE_PACKAGES)) + "".join(f"{n}\n" for n in sorted(keep))
        KEEP_FILE.write_text(text, "utf-8")
        print(f"wrote {KEEP_FILE.relative_to(ROOT)}")
    else:
        print("\n".join(sorted(used)))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
