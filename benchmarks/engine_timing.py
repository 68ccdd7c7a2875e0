"""Time ``calculators.classify`` per case. Standard library only.

This file is run unchanged in CPython (``benchmarks.engine``) and inside Pyodide in Node
(``benchmarks/engine_node.mjs`` reads this source and runs it), so both figures come from the same
loop. Each case is classified ``reps`` times after one untimed warm-up call; the figure per case is
the median of its repetitions. A case whose facts are rejected (``FactsError``) is timed the same
way: rejecting bad input quickly is part of the job.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any


def time_cases(cases: list[dict[str, Any]], reps: int = 20) -> dict[str, Any]:
    from calculators import classify  # imported here: the first call is timed separately

    per_case: list[float] = []
    outcomes: list[str] = []
    for facts in cases:
        def once() -> str:
            try:
                result = classify(dict(facts))
            except Exception as exc:  # FactsError for bad input; anything else is reported
                return "error:" + type(exc).__name__
            crim = getattr(result, "criminal", None)
            tier = getattr(crim, "tier", None) if crim is not None else None
            return "ok:" + str(tier)

        outcome = once()  # warm-up (and the outcome, so the two runtimes can be compared)
        samples = []
        for _ in range(reps):
            t0 = time.perf_counter()
            once()
            samples.append(time.perf_counter() - t0)
        per_case.append(statistics.median(samples) * 1000.0)
        outcomes.append(outcome)
    return {
        "cases": len(cases),
        "reps": reps,
        "per_case_ms": per_case,
        "median_ms": statistics.median(per_case) if per_case else None,
        "min_ms": min(per_case) if per_case else None,
        "max_ms": max(per_case) if per_case else None,
        "outcomes": outcomes,
    }


def time_first_call(facts: dict[str, Any]) -> dict[str, float]:
    """What the browser worker pays once: ``import calculators.browser`` (what pyworker.mjs
    imports), then the first ``dispatch("classify", ...)`` (lazy imports of the engine and the
    loading of the rule data), then a second, warm call. Run this first, in a fresh interpreter."""
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    try:
        from calculators import browser  # type: ignore[attr-defined]
    except ImportError:
        browser = None
    out["import_browser_ms"] = (time.perf_counter() - t0) * 1000.0
    payload = json.dumps(facts, ensure_ascii=False)
    for key in ("first_call_ms", "second_call_ms"):
        t0 = time.perf_counter()
        if browser is not None and hasattr(browser, "dispatch"):
            browser.dispatch("classify", payload, [])
        else:
            from calculators import classify

            try:
                classify(dict(facts))
            except Exception:
                pass
        out[key] = (time.perf_counter() - t0) * 1000.0
    return out


def run_json(cases_json: str, reps: int) -> str:
    """Entry point (Pyodide and CPython): JSON in, JSON out."""
    cases = json.loads(cases_json)
    first = time_first_call(cases[0] if cases else {"amount": "3500"})
    out = time_cases(cases, reps)
    out.update(first)
    return json.dumps(out)
