"""Engine alone: classify time per golden case (CPython and Pyodide in Node) and batch throughput.

* Golden cases: the tests' own list (``tests/golden.py``'s ``load_golden``): the hand-written
  ``[[case]]`` arrays of ``tests/cases/*.toml`` and the provincial boundary cases it generates from
  ``legal/thresholds.csv``; each case's ``facts`` are what ``classify`` gets.
* CPython: a child ``python`` (the project's .venv) runs ``benchmarks/engine_timing.py``.
* Pyodide: ``node benchmarks/engine_node.mjs`` with ``node_modules/pyodide`` and the built wheel
  (``<site>/assets/py/*.whl``, or one built from the sources with the site's own wheel hook).
* Batch: 100,000 generated rows (fixed seed) through ``python -m calculators batch FILE.csv`` in a
  child process; wall time from spawn to exit, and the child's peak RSS (VmHWM of its own address
  space, sampled every 20 ms; wait4's ru_maxrss would include the parent's image before exec).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden.py"


def golden_module() -> Any:
    """``tests/golden.py``, imported by its path (``tests/`` is not a package): the one loader of the
    golden cases, so the benchmark times exactly the cases the tests check."""
    spec = importlib.util.spec_from_file_location("golden", GOLDEN)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {GOLDEN}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def facts_of(cases: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The ``facts`` of (name, case) pairs, with dates and other TOML values as JSON-safe strings, as
    the browser would send them."""
    return json.loads(json.dumps([case["facts"] for _, case in cases], default=str, ensure_ascii=False))


def load_cases() -> list[dict[str, Any]]:
    """The facts of every golden case: hand-written and generated provincial ones."""
    return facts_of(golden_module().load_golden())


def find_wheel(site: Path | None) -> Path | None:
    if site is not None:
        wheels = sorted((site / "assets" / "py").glob("*.whl"))
        if wheels:
            return wheels[0]
    return None


def build_wheel(dest: Path) -> Path:
    """Build the wheel with the site's own hook (deterministic, same bytes as the site's)."""
    sys.path.insert(0, str(ROOT))
    try:
        from site_hooks.wheel import build_wheel_bytes  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    name, data = build_wheel_bytes(ROOT)
    out = dest / name
    out.write_bytes(data)
    return out


def cpython_cases(cases: list[dict[str, Any]], reps: int, python: str = sys.executable) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(cases, fh, ensure_ascii=False)
        cases_path = fh.name
    code = ("import sys, pathlib; sys.path.insert(0, %r); sys.path.insert(0, %r); import engine_timing;"
            "print(engine_timing.run_json(pathlib.Path(%r).read_text('utf-8'), %d))"
            % (str(ROOT), str(Path(__file__).parent), cases_path, reps))
    try:
        proc = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=ROOT,
                              timeout=600)
    finally:
        os.unlink(cases_path)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip()[-2000:]}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["runtime"] = "cpython " + subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True, text=True).stdout.strip()
    return out


def pyodide_cases(cases: list[dict[str, Any]], reps: int, wheel: Path) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        return {"error": "node not found"}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(cases, fh, ensure_ascii=False)
        cases_path = fh.name
    try:
        proc = subprocess.run([node, str(Path(__file__).parent / "engine_node.mjs"), str(wheel),
                               cases_path, str(reps)], capture_output=True, text=True, cwd=ROOT,
                              timeout=900)
    finally:
        os.unlink(cases_path)
    if proc.returncode != 0:
        return {"error": (proc.stderr or proc.stdout).strip()[-2000:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def provinces() -> list[str]:
    with (ROOT / "legal" / "thresholds.csv").open(encoding="utf-8") as fh:
        names = sorted({row["province"] for row in csv.DictReader(fh)})
    return names


BATCH_COLUMNS = ["amount", "province", "act_date", "decision_date"]


BATCH_TODAY = "2026-11-27"  # passed as --today, so the rows mean the same whatever the clock says


def generate_rows(path: Path, n: int, seed: int = 7) -> None:
    """n rows of plausible facts: amounts from 1 yuan to 2 million, every province of the pack
    plus empty, act dates 2020-01-01 .. 2026-06-30 and decision dates 0-150 days later."""
    import datetime as _dt

    rng = random.Random(seed)
    provs = provinces() + [""]
    start = _dt.date(2020, 1, 1)
    span = (_dt.date(2026, 6, 30) - start).days
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(BATCH_COLUMNS)
        for _ in range(n):
            amount = int(10 ** rng.uniform(0, 6.3))
            act = start + _dt.timedelta(days=rng.randint(0, span))
            decision = act + _dt.timedelta(days=rng.randint(0, 150))
            w.writerow([amount, rng.choice(provs), act.isoformat(), decision.isoformat()])


def batch(n: int = 100_000, python: str = sys.executable) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        rows = tmp / "rows.csv"
        generate_rows(rows, n)
        out_path = tmp / "out.txt"
        with out_path.open("wb") as out, (tmp / "err.txt").open("wb") as err:
            t0 = time.perf_counter()
            proc = subprocess.Popen([python, "-m", "calculators", "batch", str(rows),
                                     "--today", BATCH_TODAY], stdout=out,
                                    stderr=err, cwd=ROOT)
            # Peak memory: VmHWM of the child's own address space, sampled until it exits.
            # (ru_maxrss from wait4 is NOT used for this: on Linux it also counts the memory image
            # before exec, i.e. the parent's RSS when the child was forked/vforked.)
            hwm_kib = 0
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                try:
                    with open(f"/proc/{proc.pid}/status", encoding="ascii") as st:
                        for line in st:
                            if line.startswith("VmHWM:"):
                                hwm_kib = max(hwm_kib, int(line.split()[1]))
                except (OSError, ValueError):
                    pass
                time.sleep(0.02)
            wall = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            return {"error": (tmp / "err.txt").read_text("utf-8", "replace").strip()[-2000:],
                    "rows": n}
        out_lines = error_rows = 0
        with out_path.open("rb") as fh:
            for line in fh:
                out_lines += 1
                if b'"error"' in line[:40]:
                    error_rows += 1
        return {
            "rows": n,
            "output_lines": out_lines,
            "error_rows": error_rows,
            "wall_s": wall,
            "rows_per_s": n / wall,
            "peak_rss_mib": hwm_kib / 1024.0,
            "ru_maxrss_mib": usage.ru_maxrss / 1024.0,  # includes the pre-exec image, see above
            "user_s": usage.ru_utime,
            "sys_s": usage.ru_stime,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_all(site: Path | None, reps: int = 20, batch_rows: int = 100_000,
            python: str = sys.executable) -> dict[str, Any]:
    out: dict[str, Any] = {}
    cases = load_cases()
    out["golden_cases"] = len(cases)
    if not cases:
        out["cpython"] = out["pyodide"] = {"error": f"no golden cases from {GOLDEN}"}
    else:
        out["cpython"] = cpython_cases(cases, reps, python)
        tmp = Path(tempfile.mkdtemp(prefix="bench-wheel-"))
        try:
            wheel = find_wheel(site) or build_wheel(tmp)
            out["wheel"] = {"name": wheel.name, "bytes": wheel.stat().st_size}
            out["pyodide"] = pyodide_cases(cases, reps, wheel)
        except Exception as exc:  # report, never crash the whole benchmark
            out["pyodide"] = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        # the same engine in two runtimes must give the same outcomes
        c, p = out["cpython"], out["pyodide"]
        if "outcomes" in c and "outcomes" in p:
            out["outcomes_agree"] = c["outcomes"] == p["outcomes"]
    if batch_rows:
        out["batch"] = batch(batch_rows, python)
    return out


if __name__ == "__main__":
    site_arg = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    print(json.dumps(run_all(site_arg, batch_rows=int(os.environ.get("BENCH_BATCH_ROWS", "100000"))),
                     ensure_ascii=False, indent=1))
