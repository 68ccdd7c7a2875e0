"""The built site: strict build, no other host, CSP on every page, the self-hosted Pyodide files,
the wheel, the service worker manifest, Chinese search, and content pages that load no Python."""

from __future__ import annotations

import hashlib
import html.parser
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser_support import ROOT, build_result

pytestmark = pytest.mark.slow

PYODIDE_FILES = {"pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"}
# Pages that run Python (import the worker client). Every other page must not load Pyodide.
PYTHON_PAGES = re.compile(r"^(calculator|tools/[^/]+)/index\.html$")


@pytest.fixture(scope="module")
def site() -> Path:
    return build_result()[0]


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_strict_build_passes_and_runs_our_hooks(site):
    log = build_result()[1]
    assert (site / "index.html").is_file()
    assert (site / "calculator" / "index.html").is_file()
    if "prebuilt" not in log:
        assert "Aborted" not in log
        for hook_line in ("wheel calculators-", "pyodide: 6 files", "service worker:"):
            assert hook_line in log, f"hook did not run: {hook_line!r}\n{log[-2000:]}"


# ---------- no other host ----------

class _RefParser(html.parser.HTMLParser):
    """Collect every URL that makes the browser load something (not plain <a href> links)."""

    LOADING = {"src", "srcset", "poster", "data", "action", "formaction", "manifest", "background"}

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            if name in self.LOADING or (tag == "link" and name == "href") or (tag == "meta" and name == "content"
                                                                               and d.get("http-equiv", "").lower() == "refresh"):
                for part in value.split(","):
                    self.refs.append((tag, name, part.strip().split(" ")[0]))
            if name == "style":
                self.refs += [(tag, "style", u) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", value)]
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.refs += [("style", "url", u) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", data)]


def is_external(url: str) -> bool:
    url = url.strip()
    if url.startswith("//"):
        return True
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.hostname not in ("127.0.0.1", "localhost")


def test_no_page_loads_anything_from_another_host(site):
    bad = []
    for page in html_files(site):
        parser = _RefParser()
        parser.feed(page.read_text("utf-8"))
        bad += [f"{page.relative_to(site)}: <{t} {a}={u}>" for t, a, u in parser.refs if is_external(u)]
    assert not bad, "\n".join(bad[:20])


def test_no_css_loads_from_another_host(site):
    bad = []
    for css in site.rglob("*.css"):
        text = css.read_text("utf-8", errors="replace")
        for u in re.findall(r"(?:url\(\s*['\"]?|@import\s+['\"])([^'\")]+)", text):
            if is_external(u):
                bad.append(f"{css.relative_to(site)}: {u}")
    assert not bad, bad


def test_our_scripts_and_data_name_no_other_host(site):
    """Our own modules, the service worker and the JSON we write contain no absolute URL at all;
    nothing in the site names a CDN or a font service (Pyodide's own files are checked in the
    browser test: their CDN strings are never fetched)."""
    ours = [site / "sw.js", site / "assets" / "py" / "manifest.json"]
    ours += list((site / "assets").glob("*.mjs"))
    for path in ours:
        text = path.read_text("utf-8")
        urls = re.findall(r"https?://[^\s\"'`)]+", text)
        assert not urls, f"{path.relative_to(site)}: {urls}"
    cdn = re.compile(r"cdn\.jsdelivr|unpkg\.com[^\"']*|cdnjs|googleapis|gstatic|googletagmanager|google-analytics|fonts\.")
    # Material's bundle has two conditional fallbacks: mermaid (only for a `.mermaid` element) and a
    # ResizeObserver polyfill (only for browsers without it). script-src 'self' blocks both anyway;
    # no page has a mermaid diagram, and no page shows a repository (api.github.com).
    material_fallbacks = {"unpkg.com/mermaid@11/dist/mermaid.min.js", "unpkg.com/resize-observer-polyfill"}
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".js", ".mjs", ".css", ".json"} and "pyodide" not in path.parts:
            text = path.read_text("utf-8", errors="replace")
            found = {m.group(0) for m in cdn.finditer(text)}
            if path.name.startswith("bundle.") and path.parent.name == "javascripts":
                found -= material_fallbacks
            assert not found, f"{path.relative_to(site)} names {found}"
            if path.suffix == ".html":
                assert 'class="mermaid' not in text and "md-source" not in text, path


# ---------- CSP ----------

CSP_RE = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


def test_every_page_has_a_strict_csp_covering_its_inline_scripts(site):
    sys.path.insert(0, str(ROOT / "site_hooks"))
    import security

    pages = html_files(site)
    assert len(pages) > 5
    for page in pages:
        text = page.read_text("utf-8")
        m = CSP_RE.search(text)
        assert m, f"no CSP meta in {page.relative_to(site)}"
        # before any script or stylesheet
        first_script = min((i for i in (text.find("<script"), text.find("<link rel=\"stylesheet\"")) if i >= 0), default=len(text))
        assert m.start() < first_script, page
        directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in m.group(1).split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["base-uri"] == "'self'"
        assert directives["form-action"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["connect-src"] == "'self'"
        assert directives["worker-src"] == "'self'"
        script_src = directives["script-src"].split()
        assert script_src[0] == "'self'"
        assert "'unsafe-inline'" not in m.group(1) and "'unsafe-eval'" not in m.group(1)
        assert "http" not in m.group(1) and "*" not in m.group(1)
        # every inline script the browser would run is allowed by its hash, and nothing more
        assert sorted(script_src[1:]) == sorted(security.inline_script_hashes(text)), page


def test_csp_hashes_are_the_sha256_of_the_inline_scripts():
    sys.path.insert(0, str(ROOT / "site_hooks"))
    import security

    page = '<html><head><meta charset="utf-8"><script>var a=1</script><script type="application/json">{}</script>' \
           '<script src="x.js"></script></head></html>'
    hashes = security.inline_script_hashes(page)
    import base64
    assert hashes == ["'sha256-" + base64.b64encode(hashlib.sha256(b"var a=1").digest()).decode() + "'"]
    out = security.add_csp(page)
    assert out.index("Content-Security-Policy") < out.index("<script")
    assert out.index("<meta charset") < out.index("Content-Security-Policy")


# ---------- Pyodide and the wheel ----------

def test_pyodide_files_present_and_only_those(site):
    # plus their precompressed .br/.gz siblings (site_hooks/precompress.py, tests/test_precompress.py)
    files = {p.name for p in (site / "pyodide").iterdir() if p.suffix not in (".br", ".gz")}
    # the five runtime files, and the trimmed stdlib the worker starts on (site_hooks/pyodide_assets.py)
    assert files == PYODIDE_FILES | {"python_stdlib.min.zip"}
    for name in PYODIDE_FILES - {"pyodide-lock.json"}:
        assert (site / "pyodide" / name).read_bytes() == (ROOT / "node_modules" / "pyodide" / name).read_bytes()
    # the lock file keeps Pyodide's info and lists no packages (the site loads none)
    ours = json.loads((site / "pyodide" / "pyodide-lock.json").read_text("utf-8"))
    theirs = json.loads((ROOT / "node_modules" / "pyodide" / "pyodide-lock.json").read_text("utf-8"))
    assert ours["info"] == theirs["info"] and ours["packages"] == {} and theirs["packages"]
    assert not list(site.rglob("*.map")) or all("pyodide" not in p.parts for p in site.rglob("*.map"))


def test_worker_never_uses_the_cdn_fallback(site):
    worker = (site / "assets" / "pyworker.mjs").read_text("utf-8")
    for option in ("indexURL", "packageBaseUrl", "lockFileURL"):
        assert re.search(option + r":\s*(PYODIDE_DIR|new URL\()", worker), option
    assert "import.meta.url" in worker


def test_wheel_manifest_and_wheel(site, tmp_path):
    manifest = json.loads((site / "assets" / "py" / "manifest.json").read_text("utf-8"))
    whl = site / "assets" / "py" / manifest["name"]
    data = whl.read_bytes()
    assert manifest["name"].endswith("-py3-none-any.whl")
    assert manifest["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["size"] == len(data)
    assert manifest["url"] == f"{manifest['name']}?v={manifest['sha256'][:16]}"
    # stored entries, compressed on the wire by the .br/.gz siblings (site_hooks/wheel.py): the budget
    # is what the reader downloads
    wire = {c: (whl.parent / (whl.name + c)).stat().st_size for c in (".br", ".gz")}
    assert wire[".br"] < 100_000 and wire[".gz"] < 125_000, f"core wheel on the wire: {wire}: over budget"
    # the worker's progress estimate before the headers arrive: the brotli size a browser downloads
    assert manifest["wire"] == wire[".br"] and manifest["tools"]["wire"] == \
        (whl.parent / (manifest["tools"]["name"] + ".br")).stat().st_size
    worker = (site / "assets" / "pyworker.mjs").read_text("utf-8")
    sizes = json.loads(re.search(r"const RUNTIME_SIZES = (\{.*?\});", worker).group(1))
    assert {"pyodide.asm.wasm", "python_stdlib.min.zip", "python_stdlib.zip"} <= set(sizes)
    for name, (raw, on_wire) in sizes.items():
        f = site / "pyodide" / name
        br = f.with_name(name + ".br")
        assert raw == f.stat().st_size and on_wire == (br.stat().st_size if br.exists() else raw), name
    with zipfile.ZipFile(whl) as zf:
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
        names = zf.namelist()
        assert zf.testzip() is None
        dist_info = [n for n in names if n.endswith(".dist-info/WHEEL")]
        assert dist_info and "Tag: py3-none-any" in zf.read(dist_info[0]).decode()
        record = zf.read(dist_info[0].replace("WHEEL", "RECORD")).decode()
        for name in names:
            assert name in record
    assert "calculators/__init__.py" in names and "calculators/browser.py" in names
    assert "calculators/rules/laws.toml" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or n.startswith("tests/")
                or n.startswith("legal/") or n.endswith(".md")]
    # pip accepts it (offline, no deps) and the installed package imports and answers
    target = tmp_path / "t"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--target", str(target), str(whl)], check=True, timeout=120)
    out = subprocess.run([sys.executable, "-I", "-c",
                          "import sys; sys.path.insert(0, sys.argv[1]); import calculators.browser as b, json;"
                          "print(json.loads(b.dispatch('nope', '{}', []))['error']['message'])", str(target)],
                         capture_output=True, text=True, check=True, cwd=tmp_path)
    assert "未知" in out.stdout
    # the core wheel is what classify needs: no tools, and it answers a question on its own
    assert not [n for n in names if n.startswith("calculators/toolkit/") or n == "calculators/cli.py"]
    out = subprocess.run([sys.executable, "-I", "-c",
                          "import sys; sys.path.insert(0, sys.argv[1]); import calculators.browser as b, json;"
                          "r = json.loads(b.dispatch('classify', json.dumps({'facts': {'amount': '7000', 'province': '江苏',"
                          " 'act_date': '2026-03-01'}, 'today': '2026-06-01'}), []));"
                          "print(r['ok'], r['result']['criminal']['tier']);"
                          "r = json.loads(b.dispatch('fees', '{}', [])); print(r['ok'], r['error']['message'])",
                          str(target)], capture_output=True, text=True, check=True, cwd=tmp_path)
    first, second = out.stdout.splitlines()
    assert first == "True large", out.stdout
    assert second.startswith("False") and "尚不可用" in second, out.stdout


def test_tools_wheel_completes_the_package(site, tmp_path):
    """The second wheel (calculators/toolkit + its rule data + the command line), loaded by the
    worker on the first call of a tool: in the manifest with its hash; core + tools = the package."""
    manifest = json.loads((site / "assets" / "py" / "manifest.json").read_text("utf-8"))
    tools = manifest["tools"]
    whl = site / "assets" / "py" / tools["name"]
    data = whl.read_bytes()
    assert tools["sha256"] == hashlib.sha256(data).hexdigest() and tools["size"] == len(data)
    assert tools["url"] == f"{tools['name']}?v={tools['sha256'][:16]}"
    assert tools["name"].endswith("-py3-none-any.whl") and tools["name"] != manifest["name"]
    with zipfile.ZipFile(whl) as zf:
        tool_names = {n for n in zf.namelist() if not n.split("/")[0].endswith(".dist-info")}
    with zipfile.ZipFile(site / "assets" / "py" / manifest["name"]) as zf:
        core_names = {n for n in zf.namelist() if not n.split("/")[0].endswith(".dist-info")}
    assert "calculators/toolkit/fees.py" in tool_names and "calculators/rules/court_fees.toml" in tool_names
    assert not tool_names & core_names
    sys.path.insert(0, str(ROOT / "site_hooks"))
    import wheel

    # the package, less the pixel decoders that only the command line uses (issue 11)
    assert tool_names | core_names == {p.as_posix() for p in wheel.package_files()} - wheel.BROWSER_EXCLUDED
    assert not tool_names & wheel.BROWSER_EXCLUDED
    # pip accepts it; the worker unpacks both wheels into one site-packages: do the same
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--target", str(tmp_path / "pip"), str(whl)], check=True, timeout=120)
    target = tmp_path / "t"
    for w in (site / "assets" / "py" / manifest["name"], whl):
        with zipfile.ZipFile(w) as zf:
            zf.extractall(target)
    out = subprocess.run([sys.executable, "-I", "-c",
                          "import sys; sys.path.insert(0, sys.argv[1]); import calculators.browser as b, json;"
                          "r = json.loads(b.dispatch('fees', json.dumps({'amount': '10000'}), [])); print(r['ok'])",
                          str(target)], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.strip() == "True", out.stdout + out.stderr


def test_wheel_build_is_deterministic():
    sys.path.insert(0, str(ROOT / "site_hooks"))
    import wheel

    a, b = wheel.build_wheel_bytes(), wheel.build_wheel_bytes()
    assert a == b
    assert wheel.build_wheel_bytes(part="tools") == wheel.build_wheel_bytes(part="tools")


def test_content_pages_load_no_python(site):
    for page in html_files(site):
        rel = page.relative_to(site).as_posix()
        text = page.read_text("utf-8")
        refs = re.findall(r"<script[^>]+src=\"([^\"]+)\"", text)
        python = [r for r in refs if re.search(r"pyodide|pyclient|pyworker|calculator\.mjs", r)]
        if PYTHON_PAGES.match(rel):
            continue
        assert not python, f"{rel} loads {python}"
        assert "pyodide" not in " ".join(refs)
    calc = (site / "calculator" / "index.html").read_text("utf-8")
    assert 'src="../assets/calculator.mjs"' in calc


# ---------- the calculator form is rendered from the rule data ----------

def test_calculator_form_lists_every_province_and_circumstance(site):
    sys.path.insert(0, str(ROOT))
    from calculators import ruleset

    text = (site / "calculator" / "index.html").read_text("utf-8")
    codes = {row["code"] for row in ruleset.thresholds_table()}
    assert len(codes) == 31
    for code in codes:
        assert f'data-code="{code}"' in text
    assert "data-regions=" in text and "广州" in text  # 广东 splits by city
    for c in ruleset.circumstances():
        assert f'value="{c["code"]}"' in text
        assert c["help"].replace('"', "&quot;") in text or not c["help"]
    assert "<!-- calc:" not in text


# ---------- service worker ----------

def test_service_worker_precaches_pages_and_assets_with_hashes(site):
    sw = (site / "sw.js").read_text("utf-8")
    m = re.search(r"const MANIFEST = (\{.*?\});\n", sw)
    assert m, "manifest not written into sw.js"
    manifest = json.loads(m.group(1))
    files = manifest["files"]
    for url in ("./", "calculator/", "assets/calculator.mjs", "assets/pyclient.mjs", "assets/pyworker.mjs",
                "assets/py/manifest.json", "search/search_index.json", "404.html"):
        assert url in files, url
    assert not [u for u in files if u.startswith("pyodide/") or u.endswith(".whl")]
    for url, rev in files.items():
        path = site / (url + "index.html" if url.endswith("/") else url) if url != "./" else site / "index.html"
        assert hashlib.sha256(path.read_bytes()).hexdigest()[:16] == rev, url
    assert set(manifest["lazy"]) == {"pyodide/", "assets/py/"}
    for page in html_files(site):
        assert "assets/sw-register.mjs" in page.read_text("utf-8"), page


def test_service_worker_version_changes_when_a_file_changes(site, tmp_path):
    sys.path.insert(0, str(ROOT / "site_hooks"))
    import shutil

    import offline

    copy = tmp_path / "s"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("pyodide"))
    before = offline.build_manifest(copy)
    (copy / "calculator" / "index.html").write_text("changed", "utf-8")
    after = offline.build_manifest(copy)
    assert before["version"] != after["version"]
    assert before["files"]["calculator/"] != after["files"]["calculator/"]
    assert before["lazy"] == after["lazy"]


# ---------- Chinese search ----------

def _search_docs(site):
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    assert index["config"]["lang"] == ["zh"]
    return index["docs"]


@pytest.mark.parametrize("term", ["仅退款", "诈骗", "拘留"])
def test_search_index_segments_chinese(site, term):
    docs = _search_docs(site)
    sep = re.compile(r"[\s\u200b\-，。、；：？！（）《》“”]+")
    hits = set()
    for d in docs:
        tokens = [t for t in sep.split(d["title"] + " " + d["text"]) if t]
        if any(t.startswith(term) for t in tokens):
            hits.add(d["location"].split("#")[0])
    assert hits, f"no page has a token starting with {term}"
    expected = {"仅退款": None, "诈骗": "criminal/", "拘留": "administrative/"}[term]
    if expected and (site / expected / "index.html").exists():
        assert expected in hits, (term, sorted(hits)[:10])


def test_missing_pyodide_fails_the_build_with_a_clear_message(tmp_path):
    sys.path.insert(0, str(ROOT / "site_hooks"))
    import pyodide_assets
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError, match="npm ci"):
        pyodide_assets.check_source(tmp_path / "node_modules" / "pyodide")
    partial = tmp_path / "p"
    partial.mkdir()
    (partial / "package.json").write_text('{"version": "314.0.7"}')
    with pytest.raises(PluginError, match="pyodide.asm.wasm"):
        pyodide_assets.check_source(partial)
    assert pyodide_assets.check_source() == "314.0.7"
