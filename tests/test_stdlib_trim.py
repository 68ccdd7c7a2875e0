"""The trimmed stdlib (site/pyodide/python_stdlib.min.zip) and the package-less lock file, in Pyodide
(Node 20 + node_modules/pyodide, the runtime the browser gets).

- The safety list (site_hooks/stdlib_keep.txt) still covers what the site uses: the trace of
  scripts/trace_stdlib.py (start-up, both wheels, the snapshot warm-up and makeMemorySnapshot, every
  golden case, every recorded tool call) on the FULL stdlib names no file the list lacks.
- Every golden case and every recorded tool call gives the same reply on the trimmed zip with the small
  lock file as on the full stdlib, and no omitted module was asked for.
- The recorded tool calls cover every tool.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
import zipfile

import pytest

from browser_support import ROOT

pytestmark = pytest.mark.slow

sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "site_hooks")]
import pyodide_assets  # noqa: E402
import trace_stdlib  # noqa: E402


def _strip_timing(reply: str) -> dict:
    data = json.loads(reply)
    if isinstance(data.get("result"), dict):
        data["result"].pop("timing_ms", None)  # the photo tool reports how long it took
    return data


@pytest.fixture(scope="module")
def recorded():
    return json.loads(trace_stdlib.RECORDED.read_text("utf-8"))


@pytest.fixture(scope="module")
def calls(recorded):
    return trace_stdlib.calls_for_run(recorded)


@pytest.fixture(scope="module")
def full_run(calls):
    return trace_stdlib.run_in_pyodide(calls, snapshot=True)


@pytest.fixture(scope="module")
def trimmed_run(calls, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("trim")
    (tmp / "min.zip").write_bytes(pyodide_assets.trimmed_stdlib_bytes())
    (tmp / "lock.json").write_bytes(pyodide_assets.trimmed_lock_bytes())
    return trace_stdlib.run_in_pyodide(calls, stdlib_url=str(tmp / "min.zip"), lock_url=str(tmp / "lock.json"))


def test_recorded_calls_cover_every_tool(recorded):
    from calculators import browser

    tools = set(browser.REGISTRY) - {"classify"}
    assert {c["fn"] for c in recorded} == tools
    assert all(sum(c["fn"] == t for c in recorded) >= 10 for t in tools)


def test_the_safety_list_covers_every_file_the_site_uses(full_run):
    names = set(zipfile.ZipFile(trace_stdlib.PYODIDE / "python_stdlib.zip").namelist())
    used = trace_stdlib.used_entries(full_run["modules"], names)
    assert len(used) > 50  # the trace saw Pyodide's start-up and the engine
    missing = sorted(used - set(pyodide_assets.keep_list()))
    assert not missing, f"used but not in site_hooks/stdlib_keep.txt (run scripts/trace_stdlib.py --write): {missing}"


def test_everything_answers_the_same_on_the_trimmed_stdlib(calls, full_run, trimmed_run):
    assert trimmed_run["trimmed"] is True  # _trimmed_stdlib was importable: the trimmed zip was used
    assert trimmed_run["missed"] == []
    assert len(trimmed_run["results"]) == len(calls) == len(full_run["results"])
    differ = [c["fn"] for c, a, b in zip(calls, trimmed_run["results"], full_run["results"])
              if _strip_timing(a) != _strip_timing(b)]
    assert not differ, differ
    # and they are real answers: the golden cases answer, the tools answer most of their calls
    ok = [json.loads(r)["ok"] for r in trimmed_run["results"]]
    assert sum(ok) > len(ok) // 2


def test_the_trimmed_zip_is_smaller_and_records_an_omitted_import(tmp_path):
    data = pyodide_assets.trimmed_stdlib_bytes()
    full = (trace_stdlib.PYODIDE / "python_stdlib.zip").stat().st_size
    # stored entries (the build's .br/.gz siblings compress the archive as one stream): what a host
    # sends is the compressed archive, well under half of Pyodide's deflated zip even as gzip
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
    assert len(gzip.compress(data, 9)) < 0.4 * full
    (tmp_path / "min.zip").write_bytes(data)
    # an omitted module (csv: only the CLI's batch uses it) is recorded in MISSED, the import still fails
    calls = [{"fn": "classify", "payload": json.dumps({"facts": {"amount": "1"}}), "blobs": []}]
    src = trace_stdlib.snapshot_warmup
    try:
        trace_stdlib.snapshot_warmup = lambda: src() + "\ntry:\n    import csv\nexcept ImportError:\n    pass\n"
        out = trace_stdlib.run_in_pyodide(calls, stdlib_url=str(tmp_path / "min.zip"))
    finally:
        trace_stdlib.snapshot_warmup = src
    assert out["missed"] == ["csv"]


def test_the_build_list_is_deterministic():
    assert pyodide_assets.trimmed_stdlib_bytes() == pyodide_assets.trimmed_stdlib_bytes()
    lock = json.loads(pyodide_assets.trimmed_lock_bytes())
    assert lock["packages"] == {} and set(lock["info"]) >= {"python", "arch"}
