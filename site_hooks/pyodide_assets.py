"""Copy the self-hosted Pyodide runtime from node_modules/pyodide into ``site/pyodide/``.

Only the five files a page needs (tech-notes): no source maps, type declarations or console pages.
The npm package ships no package wheels; the worker sets ``packageBaseUrl`` to this same folder so
Pyodide can never fall back to its CDN (and the calculator needs no package beyond the stdlib).

Fewer bytes before the first answer (issue 12):

- ``python_stdlib.min.zip``: the files of ``python_stdlib.zip`` listed in ``stdlib_keep.txt`` (the
  traced safety list, see scripts/trace_stdlib.py) plus ``_trimmed_stdlib.py`` (the names of every
  omitted module and an import finder that records an attempt to import one). The worker loads it
  through ``loadPyodide({stdLibURL})`` and falls back to the full ``python_stdlib.zip`` (still
  shipped) when an omitted module is asked for. Its entries are *stored*, not deflated: the build's
  ``.br``/``.gz`` siblings (site_hooks/precompress.py) then compress the archive as one stream, which
  finds what the modules share (brotli 11: 943 KB deflated per file -> 675 KB; gzip 9: 867 KB), and
  ``zipimport`` reads a stored entry without inflating it. A host that sends neither sibling nor
  gzip sends 3.6 MB (it already sends the 9.6 MB wasm uncompressed; deploy/nginx.conf does both).
- ``pyodide-lock.json``: Pyodide's lock file with its ``info`` and no packages (the site loads no
  Pyodide package; 119 KB -> under 1 KB). Pyodide accepts it (tests/test_stdlib_trim.py).
- ``assets/pyworker.mjs`` gets the sizes of the runtime files (``RUNTIME_SIZES``) for its progress.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sys
import zipfile
from pathlib import Path

from mkdocs.exceptions import PluginError

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

import precompress  # noqa: E402  (site_hooks/precompress.py: the siblings' sizes)

log = logging.getLogger("mkdocs.hooks.pyodide_assets")

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "pyodide"
FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
OUT_DIR = "pyodide"
EXPECTED_VERSION = "314.0.7"
KEEP_LIST = Path(__file__).resolve().parent / "stdlib_keep.txt"
TRIMMED_STDLIB = "python_stdlib.min.zip"
LOCK = "pyodide-lock.json"
OUTPUTS = FILES + (TRIMMED_STDLIB,)
WORKER = "assets/pyworker.mjs"
SIZES_LINE = "const RUNTIME_SIZES = {}; // filled in by site_hooks/pyodide_assets.py"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)

TRIM_MODULE = '''"""Present only in the trimmed stdlib (python_stdlib.min.zip, site_hooks/pyodide_assets.py).

OMITTED names every module of Pyodide's full python_stdlib.zip that the trimmed zip leaves out.
install() appends a finder to sys.meta_path: it is asked only when no other finder found a module, and
records an omitted name in MISSED (the import still fails). The worker reads MISSED after start-up and
after every request, and restarts Python on the full stdlib when it is not empty.
"""
import sys

OMITTED = frozenset(%s)
MISSED = []


class _TrimmedStdlibFinder:
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name in OMITTED and name not in MISSED:
            MISSED.append(name)
        return None


def install():
    if _TrimmedStdlibFinder not in sys.meta_path:
        sys.meta_path.append(_TrimmedStdlibFinder)
'''


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


def keep_list(path: Path = KEEP_LIST) -> list[str]:
    """The zip entries of the safety list (comments and blank lines skipped)."""
    lines = (line.strip() for line in path.read_text("utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def module_name(entry: str) -> str | None:
    if not entry.endswith(".py"):
        return None
    parts = entry[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or None


def trimmed_stdlib_bytes(full: Path = SOURCE / "python_stdlib.zip", keep: list[str] | None = None) -> bytes:
    """The trimmed stdlib zip: the kept entries of ``full`` and ``_trimmed_stdlib.py``; deterministic."""
    import io

    keep_set = set(keep_list() if keep is None else keep)
    buf = io.BytesIO()
    with zipfile.ZipFile(full) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        names = [n for n in src.namelist() if not n.endswith("/")]
        missing = sorted(keep_set - set(names))
        if missing:
            raise PluginError(f"stdlib_keep.txt names files that {full.name} lacks: {missing[:5]} "
                              "(a new Pyodide? re-run scripts/trace_stdlib.py --write)")
        omitted = sorted({m for n in names if n not in keep_set and (m := module_name(n))}
                         - {m for n in keep_set if (m := module_name(n))})
        for name in sorted(keep_set):
            out.writestr(zipfile.ZipInfo(name, ZIP_DATE), src.read(name), zipfile.ZIP_STORED)
        out.writestr(zipfile.ZipInfo("_trimmed_stdlib.py", ZIP_DATE), TRIM_MODULE % repr(omitted),
                     zipfile.ZIP_STORED)
    return buf.getvalue()


def trimmed_lock_bytes(full: Path = SOURCE / LOCK) -> bytes:
    """Pyodide's lock file without packages (the site loads none of them)."""
    data = json.loads(full.read_text("utf-8"))
    return json.dumps({"info": data["info"], "packages": {}}, separators=(",", ":")).encode()


def on_pre_build(config, **kwargs) -> None:
    check_source()


def on_post_build(config, **kwargs) -> None:
    check_source()
    out = Path(config["site_dir"]) / OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.iterdir():
        if stale.name not in OUTPUTS and not stale.name.startswith(OUTPUTS):  # (precompressed siblings too)
            if stale.is_dir():
                shutil.rmtree(stale)
            else:
                stale.unlink()
    total = 0
    for name in FILES:
        src, dst = SOURCE / name, out / name
        if name == LOCK:
            _write_if_changed(dst, trimmed_lock_bytes(src))
        elif not dst.exists() or dst.stat().st_size != src.stat().st_size or dst.stat().st_mtime < src.stat().st_mtime:
            shutil.copy2(src, dst)
        total += dst.stat().st_size
    _write_if_changed(out / TRIMMED_STDLIB, trimmed_stdlib_bytes(SOURCE / "python_stdlib.zip"))
    sizes = {name: runtime_sizes(out / name) for name in OUTPUTS if name != "pyodide.mjs"}
    worker = Path(config["site_dir"]) / WORKER
    if worker.is_file():
        text = worker.read_text("utf-8")
        if SIZES_LINE in text:
            worker.write_text(text.replace(SIZES_LINE, f"const RUNTIME_SIZES = {json.dumps(sizes)};"), "utf-8")
    log.info("pyodide: %d files, %.1f MiB; trimmed stdlib %.2f MiB (full %.2f MiB)", len(OUTPUTS), total / 2**20,
             sizes[TRIMMED_STDLIB][0] / 2**20, sizes["python_stdlib.zip"][0] / 2**20)


_SIZE_CACHE: dict[tuple[str, int, int], list[int]] = {}


def runtime_sizes(path: Path) -> list[int]:
    """[bytes, bytes on the wire] of a runtime file: the worker's progress estimate before the response
    headers arrive (then Content-Length replaces it); on the wire = ``precompress.wire_size``."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _SIZE_CACHE:
        data = path.read_bytes()
        _SIZE_CACHE[key] = [len(data), precompress.wire_size(data) if precompress.wanted(path) else len(data)]
    return _SIZE_CACHE[key]


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or hashlib.sha256(path.read_bytes()).digest() != hashlib.sha256(data).digest():
        path.write_bytes(data)
