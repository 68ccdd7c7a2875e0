"""Shared test setup: make the package importable from a clean clone, and the golden cases."""

from __future__ import annotations

import sys
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
    """Every golden case: tests/cases/*.toml and the provincial boundary cases (tests/golden.py)."""
    from golden import load_golden as _load

    return _load()


def dig(node: Any, path: str) -> Any:
    """The value at a dotted path of a result ("criminal.possible_tiers.0"): the golden cases' expect keys."""
    for part in path.split("."):
        if isinstance(node, list):
            node = node[int(part)]
        else:
            assert isinstance(node, dict) and part in node, f"missing key {part!r} in path {path!r}"
            node = node[part]
    return node


# ---- the browser tests' shared fixtures (tests/browser_support.py has the helpers) ----
# Imported lazily: the engine tests run without Playwright.

import pytest  # noqa: E402


@pytest.fixture(scope="module")
def server():
    """The built site (CALC_SITE_DIR or one build per session) on a local server."""
    from browser_support import BuildFailed, SiteServer, built_site

    try:
        site = built_site()
    except BuildFailed as exc:
        pytest.fail(str(exc))
    with SiteServer(site) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright, one per test module."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from browser_support import launch_chromium

    with sync_api.sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def make_context(browser, server):
    """make(**options) -> (context, Watch): a zh-CN desktop context by default; every context is
    closed after the test and its Watch checked (no other host, no console error, no dialog)."""
    from browser_support import Watch

    made = []

    def make(**kwargs):
        opts = {"locale": "zh-CN", "viewport": {"width": 1280, "height": 800}} | kwargs
        ctx = browser.new_context(**opts)
        watch = Watch(ctx, server.origin)
        made.append((ctx, watch))
        return ctx, watch

    yield make
    for ctx, _ in made:
        ctx.close()
    for _, watch in made:
        watch.check()
