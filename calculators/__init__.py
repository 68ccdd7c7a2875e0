"""恶意仅退款（伪造损坏照片）法律责任计算器：规则数据与引擎。标准库实现，可在 CPython 与 Pyodide 中运行。

    from calculators import classify, FactsError
    result = classify({"amount": "3500", "province": "浙江", "act_date": "2026-03-01"})
    result.to_dict()
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .errors import FactsError
from .result import Result

__version__ = "0.1.0"  # the one version string: pyproject.toml (dynamic), the wheel and results read it
__all__ = ["classify", "FactsError", "Result", "__version__"]


def classify(facts: dict[str, Any], today: date | None = None) -> Result:
    """Classify one case. The decision date defaults to ``today``, which defaults to the system date
    (this wrapper is the only place that reads the clock; ``calculators.engine.classify`` never does)."""
    from .engine import classify as _classify

    return _classify(facts, today=today if today is not None else date.today())
