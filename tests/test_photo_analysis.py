"""Reuse detection, edited regions and the heat map, on generated photos.

The thresholds in analysis.py / regions.py were calibrated on exactly these kinds of images: copies
(re-encoded, resized, cropped up to 30 %, brightened) must match; another photo, including another
shot of a similar scene, must not; a painted blob / crack must be boxed, a clean copy must not be.
"""

from __future__ import annotations

import pytest

import imagegen as g
from calculators.toolkit.photo import browser_entry, check_files, load_photo
from calculators.toolkit.photo.analysis import REUSE_THRESHOLD, Photo, compare
from calculators.toolkit.photo.pixels import Raster


def iou(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    return inter / (aw * ah + bw * bh - inter)


@pytest.fixture(scope="module")
def original() -> g.RGB:
    return g.product_photo(320, 240, seed=1)


@pytest.fixture(scope="module")
def reference(original) -> tuple[str, bytes]:
    return "listing.jpg", g.jpeg_bytes(original, quality=92)


def _copy(original: g.RGB, crop: float, scale: float = 0.9, quality: int = 80, bright: int = 6) -> g.RGB:
    x0, y0 = int(original.width * crop * 0.6), int(original.height * crop * 0.3)
    c = original.crop(x0, y0, int(original.width * (1 - crop)), int(original.height * (1 - crop)))
    return c.resize(int(c.width * scale), int(c.height * scale)).brighten(bright)


@pytest.mark.parametrize("crop,quality", [(0.0, 60), (0.05, 85), (0.12, 70), (0.2, 85), (0.3, 75)])
def test_reencoded_cropped_copy_is_detected_and_clean(original, reference, crop, quality):
    claim = ("claim.jpg", g.jpeg_bytes(_copy(original, crop), quality=quality))
    r = check_files(claim, [("other.png", g.png_bytes(g.unrelated_photo())), reference])
    assert r["reuse"]["detected"] is True
    assert r["reuse"]["reference"] == "listing.jpg"
    assert r["reuse"]["distance"] <= REUSE_THRESHOLD
    other = next(e for e in r["reuse"]["per_reference"] if e["reference"] == "other.png")
    assert other["distance"] > REUSE_THRESHOLD
    # a clean copy: no region, heat map present and quiet
    assert r["edited_regions"] == []
    assert r["heatmap"] is not None and max(r["heatmap"]["values"]) < 0.5
    assert any(s["code"] == "REUSE_MATCH" for s in r["signals"])
    assert any(s["code"] == "NO_LOCAL_DIFFERENCE" for s in r["signals"])


def test_crop_box_found_in_reference_pixels(original, reference):
    crop = 0.2
    claim = ("claim.jpg", g.jpeg_bytes(_copy(original, crop, scale=1.0), quality=85))
    r = check_files(claim, [reference])
    box = r["reuse"]["per_reference"][0]["aligned_crop"]["box"]
    true = (int(320 * crop * 0.6), int(240 * crop * 0.3), int(320 * (1 - crop)), int(240 * (1 - crop)))
    assert iou(box, true) > 0.85


@pytest.mark.parametrize("maker", [lambda: g.unrelated_photo(seed=7), lambda: g.unrelated_photo(seed=11),
                                   lambda: g.product_photo(seed=2), lambda: g.product_photo(seed=3),
                                   lambda: g.product_photo(seed=5)])
def test_other_photos_are_not_reuse(reference, maker):
    r = check_files(("claim.jpg", g.jpeg_bytes(maker(), quality=85)), [reference])
    assert r["reuse"]["detected"] is False
    assert r["reuse"]["reference"] is None
    assert r["reuse"]["distance"] > REUSE_THRESHOLD
    assert r["edited_regions"] == [] and r["heatmap"] is None
    assert any(s["code"] == "NO_MATCH" for s in r["signals"])


def test_painted_mould_is_boxed(original, reference):
    painted, true = g.paint_mould(original, 125, 100, 16)
    r = check_files(("claim.png", g.png_bytes(painted)), [reference])
    assert r["reuse"]["detected"] is True
    assert len(r["edited_regions"]) == 1
    assert iou(r["edited_regions"][0], true) > 0.3
    hm = r["heatmap"]
    # the hottest cell lies inside the painted blob's box
    k = max(range(len(hm["values"])), key=hm["values"].__getitem__)
    cx = (k % hm["cols"] + 0.5) * 320 / hm["cols"]
    cy = (k // hm["cols"] + 0.5) * 240 / hm["rows"]
    assert true[0] - 10 <= cx <= true[0] + true[2] + 10 and true[1] - 10 <= cy <= true[1] + true[3] + 10
    assert any(s["code"] == "EDITED_REGIONS" and s["level"] == "注意" for s in r["signals"])


def test_painted_crack_on_cropped_resized_copy(original, reference):
    cracked, true = g.paint_crack(original, 90, 60, 140, 170)
    x0, y0, scale = 20, 10, 0.9
    claim = cracked.crop(x0, y0, 280, 210)
    claim = claim.resize(round(280 * scale), round(210 * scale))
    r = check_files(("claim.jpg", g.jpeg_bytes(claim, quality=80)), [reference])
    assert r["reuse"]["detected"] is True
    expect = ((true[0] - x0) * scale, (true[1] - y0) * scale, true[2] * scale, true[3] * scale)
    assert r["edited_regions"], r["heatmap"]
    best = max(iou(b, expect) for b in r["edited_regions"])
    assert best > 0.3
    for x, y, w, h in r["edited_regions"]:
        assert 0 <= x and 0 <= y and x + w <= claim.width and y + h <= claim.height


def test_two_edits_two_boxes(original, reference):
    painted, box1 = g.paint_mould(original, 120, 150, 14, seed=8)
    painted, box2 = g.paint_crack(painted, 30, 20, 40, 80)
    r = check_files(("claim.png", g.png_bytes(painted)), [reference])
    boxes = r["edited_regions"]
    assert len(boxes) == 2
    assert max(iou(b, box1) for b in boxes) > 0.3 and max(iou(b, box2) for b in boxes) > 0.3


def test_no_reference_only_metadata(original):
    r = check_files(("claim.png", g.png_bytes(original)), [])
    assert r["reuse"] == {"detected": False, "reference": None, "distance": None,
                          "threshold": REUSE_THRESHOLD, "per_reference": []}
    assert [s["code"] for s in r["signals"]][:1] == ["NO_REFERENCE"]
    assert any(s["code"] == "NO_METADATA" for s in r["signals"])


def _rgba(img: g.RGB) -> bytes:
    return bytes(v for p in img.px for v in (p[0], p[1], p[2], 255))


def test_browser_entry_maps_boxes_back_with_the_scale(original):
    painted, true = g.paint_mould(original, 125, 100, 16)
    ref_small = original.resize(160, 120)
    claim_small = painted.resize(160, 120)
    payload = {"claim": {"name": "claim.png", "width": 160, "height": 120, "scale": 2},
               "references": [{"name": "mine.jpg", "width": 160, "height": 120, "scale": 2}]}
    r = browser_entry(payload, [_rgba(claim_small), g.png_bytes(painted, extra_chunks=[g.png_text("parameters", "a cat")]),
                                _rgba(ref_small), b""])
    assert r["claim"] == {"name": "claim.png", "width": 320, "height": 240}
    assert r["reuse"]["detected"] and r["reuse"]["reference"] == "mine.jpg"
    assert len(r["edited_regions"]) == 1 and iou(r["edited_regions"][0], true) > 0.3
    assert any(m["kind"] == "png_text" and m["key"] == "parameters" for m in r["metadata"])


def test_browser_entry_and_cli_path_agree(original):
    """The same photo through canvas-like RGBA and through our decoder gives the same hashes."""
    png_data = g.png_bytes(original)
    a = check_files(("x.png", png_data), [])
    b = browser_entry({"claim": {"name": "x.png", "width": 320, "height": 240, "scale": 1}, "references": []},
                      [_rgba(original), png_data])
    assert a["hashes"] == b["hashes"]


@pytest.mark.parametrize("payload,blobs,field", [
    ({"claim": {"name": "a", "width": 10, "height": 10}, "references": []}, [b"\0" * 399, b""], "claim"),
    ({"claim": {"name": "a", "width": "x", "height": 10}, "references": []}, [b"", b""], "claim"),
    ({"claim": {"name": "a", "width": 16, "height": 16}, "references": [{"name": "r", "width": 16, "height": 16}]},
     [b"\0" * 1024, b"", b"\0" * 1023, b""], "reference"),
    ({"claim": {"name": "a", "width": 4, "height": 4, "scale": 2}, "references": []}, [b"\0" * 64, b""], "claim"),
    ({"claim": {"name": "a", "width": 2, "height": 2}, "references": [{}]}, [b"\0" * 16], "claim"),
    ({"claim": None}, [b"", b""], "claim"),
])
def test_browser_entry_bad_input(payload, blobs, field):
    from calculators.toolkit.photo import PhotoError
    with pytest.raises(PhotoError) as exc:
        browser_entry(payload, blobs)
    assert exc.value.field == field and exc.value.message


def test_dispatch_returns_field_error_json():
    import json

    from calculators.browser import dispatch
    out = json.loads(dispatch("photo", json.dumps({"claim": {"name": "a", "width": 4, "height": 4}}), [b"\0", b""]))
    assert out["ok"] is False and out["error"]["field"] == "claim" and "像素" in out["error"]["message"]


def test_flat_images_are_not_called_reuse():
    """Uniform pictures have degenerate hashes (distance 0 to any other uniform picture)."""
    def flat(v):
        return Raster(64, 48, bytes([v]) * 3072, bytes([v]) * 3072, bytes([v]) * 3072)
    r = compare(Photo("a", flat(200), 64, 48), [Photo("b", flat(40), 64, 48)])
    assert r["reuse"]["per_reference"][0]["comparable"] is False
    assert r["reuse"]["detected"] is False and r["reuse"]["distance"] is None and r["edited_regions"] == []
    textured = g.product_photo(64, 48)
    t = Raster(64, 48, bytes(p[0] for p in textured.px), bytes(p[1] for p in textured.px), bytes(p[2] for p in textured.px))
    r = compare(Photo("a", t, 64, 48), [Photo("flat", flat(90), 64, 48), Photo("same", t, 64, 48)])
    assert r["reuse"]["detected"] is True and r["reuse"]["reference"] == "same" and r["low_detail"] is True


def test_tiny_and_degenerate_sizes_are_refused_or_handled():
    from calculators.toolkit.photo import PhotoError
    with pytest.raises(PhotoError, match="太小"):
        check_files(("a.png", g.png_bytes(g.product_photo(1, 1))), [])
    with pytest.raises(PhotoError, match="太小") as exc:
        check_files(("a.png", g.png_bytes(g.product_photo(64, 48))), [("b.jpg", g.jpeg_bytes(g.product_photo(300, 8)))])
    assert exc.value.field == "reference"
    # odd but valid shapes go through
    for w, h in ((16, 400), (400, 16), (17, 23)):
        r = check_files(("a.png", g.png_bytes(g.product_photo(w, h))), [("b.png", g.png_bytes(g.product_photo(h, w)))])
        assert r["claim"]["width"] == w


def test_photo_loader_messages():
    from calculators.toolkit.photo import PhotoError
    with pytest.raises(PhotoError, match="不是可以读取的图片"):
        load_photo(b"hello world", "claim", "a.txt")
    with pytest.raises(PhotoError, match="WEBP"):
        load_photo(b"RIFF\0\0\0\0WEBPVP8 ", "reference", "a.webp")
    with pytest.raises(PhotoError, match="空文件"):
        load_photo(b"", "claim", "a.jpg")


def test_browser_entry_refuses_truncated_files_the_canvas_would_show_half(original):
    from calculators.toolkit.photo import PhotoError
    small = original.resize(40, 30)
    rgba = _rgba(small)
    full = g.jpeg_bytes(small)
    ok = browser_entry({"claim": {"name": "a.jpg", "width": 40, "height": 30}, "references": []}, [rgba, full])
    assert ok["summary"] and "未提供参考照片" in ok["summary"][0]
    for data, field in ((full[: len(full) * 2 // 3], "claim"), (g.png_bytes(small)[:-30], "claim")):
        with pytest.raises(PhotoError, match="截断|不完整") as exc:
            browser_entry({"claim": {"name": "a", "width": 40, "height": 30}, "references": []}, [rgba, data])
        assert exc.value.field == field
    with pytest.raises(PhotoError) as exc:
        browser_entry({"claim": {"name": "a", "width": 40, "height": 30},
                       "references": [{"name": "r.jpg", "width": 40, "height": 30}]},
                      [rgba, full, rgba, full[:200]])
    assert exc.value.field == "reference"
    # a JPEG with data after its end marker (e.g. a phone's "motion photo") is fine
    ok = browser_entry({"claim": {"name": "a.jpg", "width": 40, "height": 30}, "references": []},
                       [rgba, full + b"\0\0ftypmp42" + bytes(100)])
    assert ok["claim"]["width"] == 40


def test_cli_path_applies_exif_orientation_like_the_browser(original, reference):
    """A phone stores the photo sideways with Orientation 6; browsers turn it upright, so must we."""
    painted, true = g.paint_mould(original, 125, 100, 16)
    stored = painted.rotate_ccw()
    assert (stored.width, stored.height) == (240, 320)
    tiff = g.tiff_exif({0x0112: 6, 0x010F: "Phone"}, {})
    data = g.jpeg_bytes(stored, quality=90, app_segments=[(0xE1, b"Exif\0\0" + tiff)])
    r = check_files(("claim.jpg", data), [reference])
    assert r["claim"]["width"] == 320 and r["claim"]["height"] == 240
    assert r["reuse"]["detected"] is True
    assert len(r["edited_regions"]) == 1 and iou(r["edited_regions"][0], true) > 0.3
    assert any(m["key"] == "Orientation" and m["value"] == "6" for m in r["metadata"])


@pytest.mark.parametrize("o", range(1, 9))
def test_orientation_transforms(o):
    # 3 x 2 raster with distinct values; check the displayed top-left pixel and size for each case
    r = Raster(3, 2, bytes([1, 2, 3, 4, 5, 6]), bytes(6), bytes(6))
    t = r.oriented(o)
    expect = {1: (3, 2, [1, 2, 3, 4, 5, 6]), 2: (3, 2, [3, 2, 1, 6, 5, 4]), 3: (3, 2, [6, 5, 4, 3, 2, 1]),
              4: (3, 2, [4, 5, 6, 1, 2, 3]), 5: (2, 3, [1, 4, 2, 5, 3, 6]), 6: (2, 3, [4, 1, 5, 2, 6, 3]),
              7: (2, 3, [6, 3, 5, 2, 4, 1]), 8: (2, 3, [3, 6, 2, 5, 1, 4])}[o]
    assert (t.width, t.height, list(t.r)) == expect


def test_progressive_claim_through_the_cli_path(original, reference):
    painted, true = g.paint_mould(original, 125, 100, 16)
    r = check_files(("claim.jpg", g.jpeg_progressive_bytes(painted, quality=85)), [reference])
    assert r["reuse"]["detected"] is True
    assert len(r["edited_regions"]) == 1 and iou(r["edited_regions"][0], true) > 0.3
