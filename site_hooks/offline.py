"""Service worker: write ``<site>/sw.js`` from ``docs/assets/sw.js`` with the precache manifest.

The manifest lists every page and asset of the build with a content hash; its own hash names the
cache, so a new deploy (any changed byte) installs a new worker, precaches afresh and deletes the
old caches. The Pyodide runtime and the wheel are not precached (13 MB the reader may never need):
the worker caches them the first time the calculator loads them, in caches named after their
content (``lazy``), so a deploy that does not change them keeps them.

Must run after every other hook's ``on_post_build`` (it hashes the final files): last in mkdocs.yml.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.offline")

TEMPLATE = "assets/sw.js"
PLACEHOLDER = '/*__SW_MANIFEST__*/ { version: "dev", files: {}, lazy: {} }'
LAZY_PREFIXES = ("pyodide/", "assets/py/")
SKIP_SUFFIXES = (".map", ".gz", ".br", ".whl", ".xml")
SKIP_NAMES = {"sw.js"}
# Material ships search support for 40 languages; precache only what a zh search loads.
SKIP_RE = re.compile(r"^assets/javascripts/lunr/(?:min/lunr\.(?!zh\.|multi\.|stemmer\.support\.)[a-z]+\.min\.js|tinyseg\.js|wordcut\.js)$")


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def url_of(rel: str) -> str:
    """Site-relative URL under which a file is requested: directory URLs for index pages."""
    if rel == "index.html":
        return "./"
    if rel.endswith("/index.html"):
        return rel[: -len("index.html")]
    return rel


def build_manifest(site_dir: Path) -> dict:
    files: dict[str, str] = {}
    lazy_hash = {p: hashlib.sha256() for p in LAZY_PREFIXES}
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(site_dir).as_posix()
        prefix = next((p for p in LAZY_PREFIXES if rel.startswith(p)), None)
        if prefix and not rel.endswith("manifest.json"):
            lazy_hash[prefix].update(rel.encode() + b"\0" + _digest(path).encode())
            continue
        if rel in SKIP_NAMES or rel.endswith(SKIP_SUFFIXES) or SKIP_RE.match(rel):
            continue
        files[url_of(rel)] = _digest(path)[:16]
    lazy = {p: h.hexdigest()[:16] for p, h in lazy_hash.items()}
    version = hashlib.sha256(json.dumps([files, lazy], sort_keys=True).encode()).hexdigest()[:16]
    return {"version": version, "files": files, "lazy": lazy}


def on_files(files, config, **kwargs):
    # The template is not a site file: it is written to the site root in on_post_build.
    f = files.get_file_from_path(TEMPLATE)
    if f is not None:
        files.remove(f)
    return files


def on_post_build(config, **kwargs) -> None:
    site_dir = Path(config["site_dir"])
    template = (Path(config["docs_dir"]) / TEMPLATE).read_text("utf-8")
    if PLACEHOLDER not in template:
        raise RuntimeError(f"{TEMPLATE}: manifest placeholder not found")
    manifest = build_manifest(site_dir)
    out = template.replace(PLACEHOLDER, json.dumps(manifest, ensure_ascii=False, separators=(",", ":")))
    (site_dir / "sw.js").write_text(out, "utf-8")
    log.info("service worker: %d precached files, version %s", len(manifest["files"]), manifest["version"])
