"""The engine's result shape, written down once in docs/assets/result-types.mjs, fits real results."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from calculators import engine
from calculators.facts import FactsError
from conftest import GOLDEN_TODAY, ROOT, load_golden

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
SCRIPT = str(ROOT / "tests" / "js" / "check-results.mjs")


def results() -> list[dict]:
    out = []
    for _, case in load_golden():
        try:
            out.append(engine.classify(case["facts"], today=GOLDEN_TODAY).to_dict())
        except FactsError:
            continue
    return out


def run(data: list[dict]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["node", SCRIPT], input=json.dumps(data, ensure_ascii=False, default=str),
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_every_golden_result_fits_the_written_shape() -> None:
    data = results()
    assert len(data) >= 60
    proc = run(data)
    assert proc.returncode == 0, proc.stdout[:3000] + proc.stderr[:2000]


def test_the_check_can_fail() -> None:
    r = results()[0]
    r["criminal"]["tier"] = "maybe"
    del r["civil"]["remedies"]
    proc = run([r])
    assert proc.returncode == 1
    assert "$.criminal.tier" in proc.stdout and "$.civil.remedies: missing" in proc.stdout
