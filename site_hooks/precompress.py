"""Precompressed siblings: ``<file>.br`` and ``<file>.gz`` next to every text, JavaScript, JSON,
wasm, SVG, XML, CSS, HTML and plain-text file of the built site, for hosts that serve them as they
are (nginx ``brotli_static``/``gzip_static``, deploy/nginx.conf; scripts/static_server.py does the
same). A host then spends no CPU per request and sends the smallest encoding at the highest level:
brotli 11 and gzip 9, which no host can afford on the fly.

A sibling is written only where it helps: the file has at least ``MIN_BYTES`` and the compressed
form is at most ``MAX_RATIO`` of it. Zip archives and wheels are considered too: the trimmed stdlib
and the wheels are built *stored* so that one brotli stream compresses them (Pyodide's own deflated
``python_stdlib.zip`` gains nothing and gets no sibling); images never are. The sibling's bytes decompress to the file's exact bytes (tests/test_precompress.py).

Brotli 11 takes about 45 s for Pyodide's 9.6 MB wasm, so the compressed bytes are kept in
``.cache/precompress/`` (git-ignored) under the SHA-256 of their input: only changed files are
compressed again.

Must run after every other hook's ``on_post_build`` (it compresses the final files, sw.js
included): last in mkdocs.yml.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import time
from pathlib import Path

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.precompress")

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / ".cache" / "precompress"
SUFFIXES = frozenset({".html", ".htm", ".css", ".js", ".mjs", ".json", ".map", ".webmanifest", ".wasm",
                      ".svg", ".xml", ".txt", ".ics", ".csv", ".md", ".zip", ".whl"})
MIN_BYTES = 256
MAX_RATIO = 0.9
BROTLI_QUALITY = 11
GZIP_LEVEL = 9
CODINGS = (".br", ".gz")
CACHE_KEEP_DAYS = 14


def _brotli():
    try:
        import brotli
    except ImportError as exc:
        raise PluginError("precompress: the 'brotli' package is missing; run `bash scripts/serve.sh` "
                          "or `.venv/bin/python -m pip install -e '.[site]'`.") from exc
    return brotli


def compress(data: bytes, coding: str) -> bytes:
    """The bytes of ``data`` as ``coding`` (".br" or ".gz"), deterministic (gzip mtime 0)."""
    if coding == ".br":
        return _brotli().compress(data, quality=BROTLI_QUALITY)
    if coding == ".gz":
        return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    raise ValueError(coding)


def wanted(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and path.is_file() and not path.is_symlink()


def _cached(data: bytes, coding: str, cache_dir: Path | None) -> bytes:
    if cache_dir is None:
        return compress(data, coding)
    key = cache_dir / f"{hashlib.sha256(data).hexdigest()}.q{BROTLI_QUALITY if coding == '.br' else GZIP_LEVEL}{coding}"
    try:
        packed = key.read_bytes()
        os.utime(key)
        return packed
    except OSError:
        pass
    packed = compress(data, coding)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = key.with_name(key.name + f".{os.getpid()}.tmp")
        tmp.write_bytes(packed)
        os.replace(tmp, key)
    except OSError as exc:  # a read-only checkout still builds, only slower
        log.debug("precompress: cannot cache %s: %s", key.name, exc)
    return packed


def sibling_bytes(data: bytes, coding: str, cache_dir: Path | None = CACHE_DIR) -> bytes:
    """The bytes of a file's ``coding`` sibling, or b"" where none is written: the file is under
    ``MIN_BYTES``, or compression leaves more than ``MAX_RATIO`` of it."""
    if len(data) < MIN_BYTES:
        return b""
    packed = _cached(data, coding, cache_dir)
    return packed if len(packed) <= len(data) * MAX_RATIO else b""


def wire_size(data: bytes) -> int:
    """What a browser downloads for a file of these bytes from a host that sends the siblings
    (deploy/nginx.conf): its brotli sibling, else the file. The worker's progress estimate
    (pyodide_assets.runtime_sizes, the wheel manifest's ``wire``); cached, so this last hook does
    not compress the same bytes again."""
    return len(sibling_bytes(data, ".br")) or len(data)


def precompress_tree(site: Path, cache_dir: Path | None = CACHE_DIR) -> dict[str, int]:
    """Write the siblings of every file under ``site`` (and remove a sibling where compression no
    longer helps; a .gz/.br whose file is absent is left alone: it may be a real download).
    Returns counts and sizes."""
    stats = {"files": 0, "br": 0, "gz": 0, "raw_bytes": 0, "br_bytes": 0, "gz_bytes": 0, "skipped": 0}
    for path in sorted(site.rglob("*")):
        if not wanted(path):
            continue
        data = path.read_bytes()
        stats["files"] += 1
        stats["raw_bytes"] += len(data)
        for coding in CODINGS:
            sib = path.with_name(path.name + coding)
            packed = sibling_bytes(data, coding, cache_dir)
            if not packed:
                stats["skipped"] += 1
                if sib.exists():
                    sib.unlink()
                continue
            sib.write_bytes(packed)
            st = path.stat()
            # never older than its file (scripts/static_server.py ignores a stale sibling)
            os.utime(sib, ns=(st.st_atime_ns, max(st.st_mtime_ns, sib.stat().st_mtime_ns)))
            stats[coding[1:]] += 1
            stats[coding[1:] + "_bytes"] += len(packed)
    return stats


def _prune_cache(cache_dir: Path) -> None:
    cutoff = time.time() - CACHE_KEEP_DAYS * 86400
    try:
        for entry in cache_dir.iterdir():
            if entry.stat().st_mtime < cutoff:
                entry.unlink()
    except OSError:
        pass


def on_post_build(config, **kwargs) -> None:
    _brotli()
    site = Path(config["site_dir"])
    stats = precompress_tree(site)
    _prune_cache(CACHE_DIR)
    log.info("precompress: %d files, %d .br (%.1f MiB), %d .gz (%.1f MiB), %d skipped",
             stats["files"], stats["br"], stats["br_bytes"] / 2**20, stats["gz"],
             stats["gz_bytes"] / 2**20, stats["skipped"])
