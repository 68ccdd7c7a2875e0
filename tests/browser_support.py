"""Shared machinery for the site and browser tests (tests/test_site_build.py,
tests/test_browser_calculator.py, tests/test_pyodide_parity.py).

- ``built_site()``: ``mkdocs build --strict`` of the real mkdocs.yml into a temp dir, once per test
  process (cached); set ``CALC_SITE_DIR`` to reuse an already built site while iterating.
- ``SiteServer``: scripts/static_server.py (the server of serve.sh and the benchmark) on
  127.0.0.1:<free port>: compressed, the MIME types a static host must send (.mjs, .wasm), the
  page and worker CSP headers (site_hooks/security.py), a log of every request, and a switch to go
  "offline" (refuse everything) for the service-worker tests.
- ``launch_chromium(playwright)``: Debian's /usr/bin/chromium, headless, never a downloaded browser.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# the phone of issue 12 (and of benchmarks/network.py): make_context(**PHONE)
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "site_hooks"))
from scripts.static_server import StaticServer  # noqa: E402  (the one static server)


class BuildFailed(RuntimeError):
    pass


@functools.cache
def build_result() -> tuple[Path, str]:
    """(site dir, build log) of one strict build of the real site, shared by the whole session."""
    prebuilt = os.environ.get("CALC_SITE_DIR")
    if prebuilt:
        return Path(prebuilt), "(prebuilt: CALC_SITE_DIR)"
    out = Path(tempfile.mkdtemp(prefix="site-test-")) / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise BuildFailed(f"mkdocs build --strict failed (exit {proc.returncode}):\n{log[-4000:]}")
    return out, log


def built_site() -> Path:
    return build_result()[0]


class SiteServer(StaticServer):
    """The project's one static server (scripts/static_server.py, what `bash scripts/serve.sh`
    runs) on 127.0.0.1:<free port> in a background thread: compressed responses (the build's
    .br/.gz files), the MIME types a static host must send (.mjs, .wasm), the page and worker CSP
    headers, the site's 404.html; ``requests`` logs every request and ``set_offline(True)`` drops
    every connection (the service-worker tests). ``mounts`` serves another directory under a prefix."""

    def __init__(self, directory: Path, **options) -> None:
        super().__init__(directory, **options)


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


class Watch:
    """Everything a browser context did: its requests (pages, workers, the service worker), console
    errors and warnings, page errors and dialogs (dismissed). ``check()`` fails on a request to
    another host, an error or a dialog; warnings are kept for tests that look for one."""

    def __init__(self, context, origin: str):
        self.origin = origin
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.dialogs: list[str] = []
        context.on("request", lambda r: self.requests.append(r.url))
        context.on("page", self.attach)

    def attach(self, page) -> None:
        def console(m) -> None:
            if m.type == "error":
                self.errors.append(f"console error: {m.text}")
            elif m.type == "warning":
                self.warnings.append(m.text)

        page.on("console", console)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def check(self) -> None:
        foreign = [u for u in self.requests if not (u.startswith(self.origin + "/") or u.startswith(("data:", "blob:")))]
        assert not foreign, f"requests to another host: {foreign[:5]}"
        assert not self.errors, self.errors
        assert not self.dialogs, f"a dialog opened: {self.dialogs}"
