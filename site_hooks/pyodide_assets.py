"""Copy the self-hosted Pyodide runtime from node_modules/pyodide into ``site/pyodide/``.

Only the five files a page needs (tech-notes): no source maps, type declarations or console pages.
The npm package ships no package wheels; the worker sets ``packageBaseUrl`` to this same folder so
Pyodide can never fall back to its CDN (and the calculator needs no package beyond the stdlib).
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.pyodide_assets")

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "pyodide"
FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
OUT_DIR = "pyodide"
EXPECTED_VERSION = "314.0.7"


def check_source(source: Path = SOURCE) -> str:
    """Return the Pyodide version in node_modules, or raise PluginError with what to do."""
    hint = "请先运行 `bash scripts/serve.sh`（或在项目根目录运行 `npm ci`）安装 Pyodide。"
    pkg = source / "package.json"
    if not pkg.is_file():
        raise PluginError(f"node_modules/pyodide is missing ({source}). Run `npm ci` "
                          f"(or `bash scripts/serve.sh`) in the project root first. {hint}")
    missing = [f for f in FILES if not (source / f).is_file()]
    if missing:
        raise PluginError(f"node_modules/pyodide is incomplete, missing {', '.join(missing)}. "
                          f"Run `npm ci` again. {hint}")
    version = json.loads(pkg.read_text("utf-8")).get("version", "")
    if version != EXPECTED_VERSION:
        raise PluginError(f"node_modules/pyodide is version {version!r}, expected {EXPECTED_VERSION} "
                          f"(package-lock.json). Run `npm ci`.")
    return version


def on_pre_build(config, **kwargs) -> None:
    check_source()


def on_post_build(config, **kwargs) -> None:
    check_source()
    out = Path(config["site_dir"]) / OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.iterdir():
        if stale.name not in FILES:
            if stale.is_dir():
                shutil.rmtree(stale)
            else:
                stale.unlink()
    total = 0
    for name in FILES:
        src, dst = SOURCE / name, out / name
        if not dst.exists() or dst.stat().st_size != src.stat().st_size or dst.stat().st_mtime < src.stat().st_mtime:
            shutil.copy2(src, dst)
        total += dst.stat().st_size
    log.info("pyodide: %d files, %.1f MiB", len(FILES), total / 2**20)
