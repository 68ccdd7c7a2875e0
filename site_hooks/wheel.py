"""Build the ``calculators`` package as a ``py3-none-any`` wheel during ``mkdocs build``.

The wheel goes to ``site/assets/py/`` with ``manifest.json`` ({name, url, sha256, size, version});
the worker reads the manifest, fetches ``url`` (which carries the content hash as a query string for
cache-busting) and loads it with ``pyodide.unpackArchive(bytes, "wheel")``.

The wheel is written with ``zipfile`` rather than a build backend so that it is byte-for-byte
deterministic (fixed timestamps, sorted entries) and holds only what the package needs at run time:
``*.py`` and the rule data ``*.toml`` / ``*.json`` under ``calculators/`` — no tests, no caches, no
legal texts. It is a regular wheel: ``pip install`` accepts it (tests/test_site_build.py checks).

Two wheels (issue 7, measured in benchmarks/README.md): the **core** wheel holds what
``calculators.browser.dispatch("classify", ...)`` needs (the engine and its rule data), so the
calculator's first answer downloads about half the bytes; the **tools** wheel (distribution
``calculators_tools``) holds ``calculators/toolkit/``, its own rule data (``TOOLS_RULES``) and the
command line (``cli.py``, ``__main__.py``). The worker unpacks it into the same ``site-packages`` on
the first call of a tool. Both wheels together are the package less ``BROWSER_EXCLUDED`` (the pure-Python
pixel decoders, which only the command line uses: the photo page decodes with the browser's own
decoder, issue 11); ``part="all"`` is the whole package. ``manifest.json`` describes the core wheel at
its top level (unchanged shape) and the tools wheel under ``"tools"``.

The entries are *stored*, not deflated (issue 12): the build's ``.br``/``.gz`` siblings
(site_hooks/precompress.py) compress the wheel as one stream, which finds what the modules and rule
files share: core wheel 150,734 bytes deflated -> 81 KB brotli 11 (102 KB gzip 9). ``manifest.json``'s
``size`` is the file's own size (the decoded bytes the worker hashes).
"""

from __future__ import annotations

import ast
import base64
import hashlib
import io
import json
import logging
import sys
import tomllib
import zipfile
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

import precompress  # noqa: E402  (site_hooks/precompress.py: the manifest's wire sizes)

log = logging.getLogger("mkdocs.hooks.wheel")

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "calculators"
INCLUDE_SUFFIXES = {".py", ".toml", ".json", ".txt", ".csv"}
OUT_DIR = "assets/py"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def package_version(root: Path = ROOT) -> str:
    """``calculators.__version__``, the one version string (pyproject.toml declares it dynamic and
    flit reads the same assignment), read without importing the package."""
    for node in ast.parse((root / PACKAGE / "__init__.py").read_text("utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets):
            return str(ast.literal_eval(node.value))
    raise ValueError("calculators/__init__.py has no __version__")


def _project() -> tuple[str, str, dict]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    proj = data["project"]
    return proj["name"], proj.get("version") or package_version(), proj


TOOLS_DIST = "calculators_tools"
# what only the tools need (never imported by the engine: calculators/ruleset.py RULE_FILES)
TOOLS_PREFIXES = ("calculators/toolkit/",)
TOOLS_FILES = {"calculators/cli.py", "calculators/__main__.py",
               "calculators/rules/court_fees.toml", "calculators/rules/platform_duties.toml",
               "calculators/rules/deadlines.toml"}


# never shipped to the browser: the photo page decodes pixels with createImageBitmap/canvas and sends
# RGBA; the browser path (calculators.toolkit.photo.browser_entry, metadata.py) walks the file structure
# with containers.py only. These stay in the package for the command line (and in part="all").
BROWSER_EXCLUDED = {"calculators/toolkit/photo/png.py", "calculators/toolkit/photo/jpeg.py"}


def is_tools_file(rel: str) -> bool:
    return rel.startswith(TOOLS_PREFIXES) or rel in TOOLS_FILES


def package_files(root: Path = ROOT, part: str = "all") -> list[Path]:
    """The files that go into the wheel, sorted (relative to ``root``); ``part`` is ``"core"``,
    ``"tools"`` (less ``BROWSER_EXCLUDED``) or ``"all"`` (the whole package)."""
    if part not in {"core", "tools", "all"}:
        raise ValueError(part)
    pkg = root / PACKAGE
    files = []
    for path in sorted(pkg.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or any(p == "__pycache__" or p.startswith(".") for p in rel.parts):
            continue
        if path.suffix not in INCLUDE_SUFFIXES:
            continue
        tools = is_tools_file(rel.as_posix())
        if part != "all" and rel.as_posix() in BROWSER_EXCLUDED:
            continue
        if part == "all" or (part == "tools") == tools:
            files.append(rel)
    return files


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel_bytes(root: Path = ROOT, part: str = "core") -> tuple[str, bytes]:
    """Return (file name, wheel bytes) of the ``core`` wheel (what ``classify`` needs: the one the
    calculator loads at start), the ``tools`` wheel or ``all`` (the whole package in one wheel).
    Deterministic for the same sources."""
    name, version, proj = _project()
    if part == "tools":
        name = TOOLS_DIST
    dist = name.replace("-", "_")
    dist_info = f"{dist}-{version}.dist-info"
    entries: list[tuple[str, bytes]] = []
    for rel in package_files(root, part):
        entries.append((rel.as_posix(), (root / rel).read_bytes()))
    metadata = "\n".join([
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        f"Summary: {proj.get('description', '')}",
        f"Requires-Python: {proj.get('requires-python', '>=3.11')}",
        "",
    ]).encode("utf-8")
    wheel_meta = "\n".join([
        "Wheel-Version: 1.0",
        "Generator: site_hooks/wheel.py",
        "Root-Is-Purelib: true",
        "Tag: py3-none-any",
        "",
    ]).encode("utf-8")
    entries.append((f"{dist_info}/METADATA", metadata))
    entries.append((f"{dist_info}/WHEEL", wheel_meta))
    scripts = proj.get("scripts") or {}
    if scripts and part != "core":  # the command line lives in the tools wheel
        ep = "[console_scripts]\n" + "".join(f"{k} = {v}\n" for k, v in sorted(scripts.items()))
        entries.append((f"{dist_info}/entry_points.txt", ep.encode("utf-8")))
    record_lines = [f"{n},{_record_hash(d)},{len(d)}" for n, d in entries]
    record_lines.append(f"{dist_info}/RECORD,,")
    entries.append((f"{dist_info}/RECORD", ("\n".join(record_lines) + "\n").encode("utf-8")))

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for arcname, data in entries:
            info = zipfile.ZipInfo(arcname, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return f"{dist}-{version}-py3-none-any.whl", buf.getvalue()


def _entry(fname: str, data: bytes) -> dict:
    """size: the file's bytes (what the worker hashes); wire: its brotli form (the progress estimate)."""
    digest = hashlib.sha256(data).hexdigest()
    return {"name": fname, "url": f"{fname}?v={digest[:16]}", "sha256": digest, "size": len(data),
            "wire": precompress.wire_size(data)}


def write_wheel(site_dir: Path) -> dict:
    core_name, core = build_wheel_bytes(part="core")
    tools_name, tools = build_wheel_bytes(part="tools")
    out = site_dir / OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.whl"):
        if old.name not in {core_name, tools_name}:
            old.unlink()
    (out / core_name).write_bytes(core)
    (out / tools_name).write_bytes(tools)
    manifest = _entry(core_name, core) | {"version": _project()[1], "package": PACKAGE,
                                          "tools": _entry(tools_name, tools)}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")
    log.info("wheel %s: %d bytes, sha256 %s; tools wheel %s: %d bytes", core_name, len(core),
             manifest["sha256"][:12], tools_name, len(tools))
    return manifest


def on_post_build(config, **kwargs) -> None:
    write_wheel(Path(config["site_dir"]))
