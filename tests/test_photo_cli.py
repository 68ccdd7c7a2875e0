"""``python -m calculators photo``: JSON on stdout, exit 2 with a field error for unreadable files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import imagegen as g

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[int, dict, str]:
    proc = subprocess.run([sys.executable, "-m", "calculators", "photo", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    return proc.returncode, json.loads(proc.stdout), proc.stderr


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("photos")
    orig = g.product_photo(240, 180, seed=1)
    painted, box = g.paint_mould(orig, 95, 75, 13)
    out = {
        "ref": g.jpeg_bytes(orig, quality=90, subsampling="4:2:2", restart=5),
        "claim": g.jpeg_bytes(painted.crop(8, 6, 220, 165), quality=80,
                              app_segments=[(0xE1, g.XMP_NS + g.xmp_packet({}, aigc=g.AIGC_EXAMPLE))]),
        "other": g.png_bytes(g.unrelated_photo(200, 150), extra_chunks=[g.png_text("parameters", "mouldy fruit")]),
        "text": "这不是图片".encode(),
    }
    paths = {}
    for name, data in out.items():
        p = d / f"{name}.{'png' if name == 'other' else 'txt' if name == 'text' else 'jpg'}"
        p.write_bytes(data)
        paths[name] = p
    full = out["ref"]
    (d / "truncated.jpg").write_bytes(full[: len(full) // 2])
    paths["truncated"] = d / "truncated.jpg"
    corrupt = bytearray(out["other"])
    corrupt[60:80] = b"\0" * 20
    (d / "corrupt.png").write_bytes(bytes(corrupt))
    paths["corrupt"] = d / "corrupt.png"
    big = d / "huge.jpg"
    with big.open("wb") as fh:
        fh.write(b"\xff\xd8\xff\xe0")
        fh.truncate(31 * 1024 * 1024)
    paths["huge"] = big
    paths["box"] = box  # type: ignore[assignment]
    return paths


def test_cli_reports_reuse_regions_and_metadata(files):
    code, out, err = run(str(files["claim"]), "--reference", str(files["other"]), "-r", str(files["ref"]))
    assert code == 0, err
    assert out["reuse"]["detected"] is True and out["reuse"]["reference"] == "ref.jpg"
    assert isinstance(out["reuse"]["distance"], float)
    assert len(out["edited_regions"]) == 1
    x, y, w, h = out["edited_regions"][0]
    bx, by, bw, bh = files["box"]
    bx, by = bx - 8, by - 6
    assert x < bx + bw and bx < x + w and y < by + bh and by < y + h  # overlaps the painted blob
    assert out["heatmap"]["cols"] * out["heatmap"]["rows"] == len(out["heatmap"]["values"])
    assert any(m["kind"] == "aigc_label" for m in out["metadata"])
    assert all(isinstance(n["text"], str) for n in out["notes"])
    assert "Traceback" not in err


def test_cli_unrelated_no_reuse(files):
    code, out, _ = run(str(files["other"]), "-r", str(files["ref"]))
    assert code == 0
    assert out["reuse"]["detected"] is False and out["reuse"]["reference"] is None
    assert out["edited_regions"] == []
    assert any(m["kind"] == "png_text" and m["key"] == "parameters" for m in out["metadata"])


@pytest.mark.parametrize("claim,refs,field,needle", [
    ("text", [], "claim", "不是可以读取的图片"),
    ("truncated", [], "claim", "截断"),
    ("corrupt", [], "claim", "损坏"),
    ("huge", [], "claim", "30 MB"),
    ("claim", ["text"], "reference", "不是可以读取的图片"),
    ("claim", ["ref", "truncated"], "reference", "truncated.jpg"),
])
def test_cli_bad_files_exit_2(files, claim, refs, field, needle):
    args = [str(files[claim])]
    for r in refs:
        args += ["--reference", str(files[r])]
    code, out, err = run(*args)
    assert code == 2
    assert out["error"]["field"] == field
    assert needle in out["error"]["message"]
    assert "Traceback" not in err


def test_cli_missing_file_and_no_argument(tmp_path):
    code, out, _ = run(str(tmp_path / "nope.jpg"))
    assert code == 2 and out["error"]["field"] == "claim" and "找不到" in out["error"]["message"]
    code, out, _ = run()
    assert code == 2 and "用法" in out["error"]["message"]


def test_module_cli_directly(files):
    proc = subprocess.run([sys.executable, "-m", "calculators.toolkit.photo.cli", str(files["text"])], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and json.loads(proc.stdout)["error"]["field"] == "claim"
