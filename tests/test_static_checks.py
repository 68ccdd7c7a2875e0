"""Static checks run by the test command: mypy (strict on calculators/, configured in [tool.mypy] of
pyproject.toml) and ruff (the whole repository, [tool.ruff]). Both come with the `test` extra
(`pip install -e '.[test]'`, which scripts/test.sh does). Each fails with the tool's own report."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from conftest import ROOT


def _run(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec(module) is None:
        pytest.fail(f"{module} is not installed: run `pip install -e '.[test]'` (scripts/test.sh does)")
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=600)


def test_mypy_strict_on_the_package() -> None:
    p = _run("mypy")  # files, strictness and the per-module overrides come from pyproject.toml
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Success" in p.stdout


def test_ruff() -> None:
    p = _run("ruff", "check", "--no-fix", "--output-format", "concise", ".")
    assert p.returncode == 0, p.stdout + p.stderr


def test_the_only_type_ignores_left_are_in_modules_excluded_until_their_merge() -> None:
    """cli.py's two and the old criminal.py's are resolved (the criminal package has none); the photo
    parsers' are explained in the overrides of pyproject.toml (being reworked on another branch)."""
    excluded = ("calculators/toolkit/photo/",)
    left = [f"{p.relative_to(ROOT)}:{i}" for p in sorted((ROOT / "calculators").rglob("*.py"))
            for i, line in enumerate(p.read_text("utf-8").splitlines(), 1)
            if "# type: ignore" in line and not p.relative_to(ROOT).as_posix().startswith(excluded)]
    assert left == []
