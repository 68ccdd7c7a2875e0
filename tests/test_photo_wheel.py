"""Issue 11: the browser's tools wheel leaves out the pure-Python pixel decoders (png.py, jpeg.py): the
photo page decodes with the browser's own decoder and sends RGBA. The browser path (browser_entry:
truncation check, metadata) walks the files with containers.py, which stays in the wheel. Here both
browser wheels are unpacked into one directory, as the worker does, and a photo goes through
calculators.browser.dispatch in a fresh interpreter that cannot see the source tree.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import imagegen as g

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "site_hooks"))

import wheel  # noqa: E402  (site_hooks/wheel.py)

DECODERS = {"calculators/toolkit/photo/png.py", "calculators/toolkit/photo/jpeg.py"}

RUNNER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import calculators.browser as b
claim_rgba, claim_png, ref_rgba, ref_jpeg, cut_jpeg = (open(p, "rb").read() for p in sys.argv[2:7])
info = {"name": "claim.png", "width": 320, "height": 240, "scale": 1}
ref = {"name": "mine.jpg", "width": 320, "height": 240, "scale": 1}
out = {"full": json.loads(b.dispatch("photo", json.dumps({"claim": info, "references": [ref]}),
                                     [claim_rgba, claim_png, ref_rgba, ref_jpeg])),
       "cut": json.loads(b.dispatch("photo", json.dumps({"claim": dict(info, name="cut.jpg"), "references": []}),
                                    [claim_rgba, cut_jpeg]))}
out["decoders_loaded"] = sorted(m for m in sys.modules if m.endswith((".photo.png", ".photo.jpeg")))
print(json.dumps(out, ensure_ascii=False))
"""


def _rgba(img: g.RGB) -> bytes:
    return bytes(v for p in img.px for v in (p[0], p[1], p[2], 255))


def test_tools_wheel_has_no_pixel_decoders_but_the_walkers():
    _, data = wheel.build_wheel_bytes(part="tools")
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
    assert not names & DECODERS
    assert "calculators/toolkit/photo/containers.py" in names and "calculators/toolkit/photo/metadata.py" in names
    # the command line keeps them: the whole package still has them
    assert DECODERS <= {p.as_posix() for p in wheel.package_files(part="all")}
    assert wheel.BROWSER_EXCLUDED == DECODERS


def test_photo_runs_from_the_browser_wheels_alone(tmp_path):
    target = tmp_path / "site-packages"
    for part in ("core", "tools"):
        _, data = wheel.build_wheel_bytes(part=part)
        (tmp_path / f"{part}.whl").write_bytes(data)
        with zipfile.ZipFile(tmp_path / f"{part}.whl") as zf:
            zf.extractall(target)
    assert not (target / "calculators/toolkit/photo/jpeg.py").exists()
    orig = g.product_photo(320, 240, seed=1)
    painted, _box = g.paint_mould(orig, 125, 100, 16)
    xmp = g.XMP_NS + g.xmp_packet({"xmp:CreatorTool": "Test Editor"}, aigc=g.AIGC_EXAMPLE)
    ref_jpeg = g.jpeg_bytes(orig, quality=92, app_segments=[(0xE1, xmp)])
    files = {
        "claim.rgba": _rgba(painted),
        "claim.png": g.png_bytes(painted, extra_chunks=[g.png_text("parameters", "a cat")]),
        "ref.rgba": _rgba(orig),
        "ref.jpg": ref_jpeg,
        "cut.jpg": ref_jpeg[: len(ref_jpeg) * 2 // 3],
    }
    for name, blob in files.items():
        (tmp_path / name).write_bytes(blob)
    proc = subprocess.run([sys.executable, "-I", "-c", RUNNER, str(target), *(str(tmp_path / n) for n in files)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    full = out["full"]
    assert full["ok"] is True, full
    assert full["result"]["reuse"]["detected"] is True
    assert any(m["kind"] == "png_text" and m["key"] == "parameters" for m in full["result"]["metadata"])
    # the truncation check walks the JPEG's segments without the decoder
    assert out["cut"]["ok"] is False and out["cut"]["error"]["field"] == "claim"
    assert "不完整" in out["cut"]["error"]["message"], out["cut"]
    assert out["decoders_loaded"] == []
