"""Shared test setup: make the package importable from a clean clone, and the golden cases."""

from __future__ import annotations

import sys
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CASES_DIR = ROOT / "tests" / "cases"
# The golden cases give their decision dates; "today" only matters for the future-date check.
GOLDEN_TODAY = date(2026, 11, 27)


def load_golden() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(CASES_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            out.append((path.stem, tomllib.load(fh)))
    return out
