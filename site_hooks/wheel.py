"""Build the ``calculators`` package as a ``py3-none-any`` wheel during ``mkdocs build``.

The wheel goes to ``site/assets/py/`` with ``manifest.json`` ({name, url, sha256, size, version});
the worker reads the manifest, fetches ``url`` (which carries the content hash as a query string for
cache-busting) and loads it with ``pyodide.unpackArchive(bytes, "wheel")``.

The wheel is written with ``zipfile`` rather than a build backend so that it is byte-for-byte
deterministic (fixed timestamps, sorted entries) and holds only what the package needs at run time:
``*.py`` and the rule data ``*.toml`` / ``*.json`` under ``calculators/`` — no tests, no caches, no
legal texts. It is a regular wheel: ``pip install`` accepts it (tests/test_site_build.py checks).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import tomllib
import zipfile
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.wheel")

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "calculators"
INCLUDE_SUFFIXES = {".py", ".toml", ".json", ".txt", ".csv"}
OUT_DIR = "assets/py"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _project() -> tuple[str, str, dict]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    proj = data["project"]
    return proj["name"], proj["version"], proj


def package_files(root: Path = ROOT) -> list[Path]:
    """The files that go into the wheel, sorted (relative to ``root``)."""
    pkg = root / PACKAGE
    files = []
    for path in sorted(pkg.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or any(p == "__pycache__" or p.startswith(".") for p in rel.parts):
            continue
        if path.suffix in INCLUDE_SUFFIXES:
            files.append(rel)
    return files


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel_bytes(root: Path = ROOT) -> tuple[str, bytes]:
    """Return (file name, wheel bytes). Deterministic for the same sources."""
    name, version, proj = _project()
    dist = name.replace("-", "_")
    dist_info = f"{dist}-{version}.dist-info"
    entries: list[tuple[str, bytes]] = []
    for rel in package_files(root):
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
    if scripts:
        ep = "[console_scripts]\n" + "".join(f"{k} = {v}\n" for k, v in sorted(scripts.items()))
        entries.append((f"{dist_info}/entry_points.txt", ep.encode("utf-8")))
    record_lines = [f"{n},{_record_hash(d)},{len(d)}" for n, d in entries]
    record_lines.append(f"{dist_info}/RECORD,,")
    entries.append((f"{dist_info}/RECORD", ("\n".join(record_lines) + "\n").encode("utf-8")))

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for arcname, data in entries:
            info = zipfile.ZipInfo(arcname, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return f"{dist}-{version}-py3-none-any.whl", buf.getvalue()


def write_wheel(site_dir: Path) -> dict:
    fname, data = build_wheel_bytes()
    out = site_dir / OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.whl"):
        if old.name != fname:
            old.unlink()
    (out / fname).write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    manifest = {
        "name": fname,
        "url": f"{fname}?v={digest[:16]}",
        "sha256": digest,
        "size": len(data),
        "version": _project()[1],
        "package": PACKAGE,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")
    log.info("wheel %s: %d bytes, sha256 %s", fname, len(data), digest[:12])
    return manifest


def on_post_build(config, **kwargs) -> None:
    write_wheel(Path(config["site_dir"]))
