"""Content-Security-Policy for every page, as ``<meta http-equiv>`` (a static host may not let us set
headers). The policy allows our own origin only; inline scripts that Material emits are allowed by
their SHA-256 hashes, computed from each page's final HTML at build time (so no 'unsafe-inline').

What the browser tests proved necessary, and nothing else:
- ``script-src 'self'`` + hashes. The page itself runs no WebAssembly. The calculator's Pyodide
  runs in a module Web Worker; a same-origin worker is governed by its own response headers, not by
  the page's meta tag. ``WORKER_CSP`` below (the page policy plus ``'wasm-unsafe-eval'``) is what a
  host should send as a header for the worker and Pyodide files; the browser test serves it that way
  and the calculator works under it.
- ``img-src 'self' data: blob:``: Material's icons are data: SVGs in CSS; the photo tool shows
  blob: previews of the reader's own photo.
- ``style-src 'self'``: no inline styles are needed (Material's inline ``style`` attributes are set
  through the CSSOM, which CSP does not restrict).
"""

from __future__ import annotations

import base64
import hashlib
import re

SCRIPT_RE = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
TYPE_RE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
HEAD_RE = re.compile(r"<head[^>]*>", re.I)
CHARSET_RE = re.compile(r"<meta\s+charset=[^>]*>", re.I)

BASE_DIRECTIVES: list[tuple[str, list[str]]] = [
    ("default-src", ["'self'"]),
    ("script-src", ["'self'"]),
    ("style-src", ["'self'"]),
    ("img-src", ["'self'", "data:", "blob:"]),
    ("font-src", ["'self'"]),
    ("connect-src", ["'self'"]),
    ("worker-src", ["'self'"]),
    ("manifest-src", ["'self'"]),
    ("object-src", ["'none'"]),
    ("base-uri", ["'self'"]),
    ("form-action", ["'self'"]),
]


def inline_script_hashes(html: str) -> list[str]:
    """SHA-256 sources for every inline script the browser would execute."""
    hashes: list[str] = []
    for m in SCRIPT_RE.finditer(html):
        attrs = m.group("attrs")
        if re.search(r"\bsrc\s*=", attrs, re.I):
            continue
        t = TYPE_RE.search(attrs)
        if (t.group(1).lower() if t else "") not in EXECUTABLE_TYPES:
            continue  # JSON data blocks are not executed
        digest = base64.b64encode(hashlib.sha256(m.group("body").encode("utf-8")).digest()).decode()
        src = f"'sha256-{digest}'"
        if src not in hashes:
            hashes.append(src)
    return hashes


def policy(extra_script: list[str] | None = None, wasm: bool = False) -> str:
    parts = []
    for name, values in BASE_DIRECTIVES:
        vals = list(values)
        if name == "script-src":
            if wasm:
                vals.append("'wasm-unsafe-eval'")
            vals.extend(extra_script or [])
        parts.append(f"{name} {' '.join(vals)}")
    return "; ".join(parts)


# The header a host should send for the worker and the Pyodide files (see the module docstring).
WORKER_CSP = policy(wasm=True)


def add_csp(html: str) -> str:
    if 'http-equiv="Content-Security-Policy"' in html:
        return html
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(inline_script_hashes(html))}">'
    # Right after <meta charset> (which must stay in the first 1024 bytes), else after <head>:
    # the policy must precede every script and stylesheet.
    m = CHARSET_RE.search(html) or HEAD_RE.search(html)
    if not m:
        return html
    return html[: m.end()] + "\n  " + meta + html[m.end():]


def on_post_page(output: str, page, config, **kwargs) -> str:
    return add_csp(output)


def on_post_template(output_content: str, template_name: str, config, **kwargs) -> str:
    if template_name.endswith(".html"):
        return add_csp(output_content)
    return output_content
