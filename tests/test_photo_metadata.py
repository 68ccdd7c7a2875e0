"""Metadata read from file bytes: EXIF, PNG text, XMP, C2PA, the AIGC implicit label; and the signals."""

from __future__ import annotations

import json
import struct

import pytest

import imagegen as g
from calculators.toolkit.photo import check_files
from calculators.toolkit.photo.metadata import read_metadata


@pytest.fixture(scope="module")
def img() -> g.RGB:
    return g.product_photo(64, 48, seed=4)


def _find(items, kind, key=None):
    return [m for m in items if m["kind"] == kind and (key is None or m["key"] == key)]


def _codes(result) -> set[str]:
    return {s["code"] for s in result["signals"]}


@pytest.mark.parametrize("big_endian", [False, True])
def test_jpeg_exif_ifd0_and_exif_ifd(img, big_endian):
    tiff = g.tiff_exif({0x010F: "Xiaomi", 0x0110: "Redmi K70", 0x0131: "Adobe Photoshop 25.0"},
                       {0x9003: "2026:03:01 10:20:30", 0xA434: "main camera"}, big_endian=big_endian)
    data = g.jpeg_bytes(img, app_segments=[(0xE1, b"Exif\0\0" + tiff)])
    items = read_metadata(data)
    values = {m["key"]: m["value"] for m in _find(items, "exif")}
    assert values["Make"] == "Xiaomi" and values["Model"] == "Redmi K70"
    assert values["Software"] == "Adobe Photoshop 25.0"
    assert values["DateTimeOriginal"] == "2026:03:01 10:20:30" and values["LensModel"] == "main camera"
    r = check_files(("c.jpg", data), [])
    assert {"CAMERA_EXIF", "EDITOR_NAMED"} <= _codes(r)
    assert "NO_METADATA" not in _codes(r)


def test_png_text_chunks_and_generator_signal(img):
    prompt = "a rotten apple with green mould, photo, 8k"
    chunks = [g.png_text("parameters", prompt + "\nSteps: 20, Sampler: Euler a"), g.png_ztxt("Comment", "zipped words"),
              g.png_itxt("prompt", json.dumps({"3": {"class_type": "KSampler"}}), compressed=True),
              g.png_itxt("Title", "中文标题")]
    data = g.png_bytes(img, extra_chunks=chunks)
    items = read_metadata(data)
    texts = {m["key"]: m["value"] for m in _find(items, "png_text")}
    assert texts["parameters"].startswith(prompt)
    assert texts["Comment"] == "zipped words"
    assert json.loads(texts["prompt"]) == {"3": {"class_type": "KSampler"}}
    assert texts["Title"] == "中文标题"
    r = check_files(("c.png", data), [])
    sig = next(s for s in r["signals"] if s["code"] == "GENERATOR_TEXT")
    assert "parameters" in sig["text"] and "prompt" in sig["text"] and sig["level"] == "注意"
    assert "不能确定" in sig["limits"]


def test_png_exif_chunk(img):
    tiff = g.tiff_exif({0x0131: "Stable Diffusion XL"}, {})
    items = read_metadata(g.png_bytes(img, extra_chunks=[(b"eXIf", tiff)]))
    assert _find(items, "exif", "Software")[0]["value"] == "Stable Diffusion XL"


def test_jpeg_xmp_and_digital_source_type(img):
    packet = g.xmp_packet({
        "xmp:CreatorTool": "Adobe Firefly",
        "xmlns:Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
        "Iptc4xmpExt:DigitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
    })
    data = g.jpeg_bytes(img, app_segments=[(0xE1, g.XMP_NS + packet)])
    items = read_metadata(data)
    assert _find(items, "xmp", "packet")
    assert _find(items, "xmp", "xmp:CreatorTool")[0]["value"] == "Adobe Firefly"
    r = check_files(("c.jpg", data), [])
    assert {"AI_SOURCE_TYPE", "AI_TOOL_NAMED"} <= _codes(r)


def test_jpeg_c2pa_manifest(img):
    data = g.jpeg_bytes(img, app_segments=[(0xEB, g.app11_c2pa(g.jumbf_c2pa("Phone Camera/2.1 c2pa-rs/0.32")))])
    items = read_metadata(data)
    manifest = _find(items, "c2pa", "manifest")
    assert manifest and "未验证" in manifest[0]["value"]
    assert _find(items, "c2pa", "claim_generator")[0]["value"] == "Phone Camera/2.1 c2pa-rs/0.32"
    assert "C2PA_PRESENT" in _codes(check_files(("c.jpg", data), []))


def test_png_c2pa_chunk(img):
    items = read_metadata(g.png_bytes(img, extra_chunks=[(b"caBX", g.jumbf_c2pa())]))
    assert _find(items, "c2pa", "manifest") and _find(items, "c2pa", "claim_generator")


def test_aigc_label_in_xmp(img):
    packet = g.xmp_packet({}, aigc=g.AIGC_EXAMPLE)
    data = g.jpeg_bytes(img, app_segments=[(0xE1, g.XMP_NS + packet)])
    label = _find(read_metadata(data), "aigc_label")
    assert len(label) == 1
    assert label[0]["fields"]["Label"] == "1"
    assert label[0]["fields"]["ContentProducer"] == g.AIGC_EXAMPLE["ContentProducer"]
    assert "XMP" in label[0]["source"]
    r = check_files(("c.jpg", data), [])
    sig = next(s for s in r["signals"] if s["code"] == "AIGC_LABEL")
    assert "ProduceID=20250901-test-0001" in sig["text"]
    assert sig["citations"] == ["aigc-biaoshi-2025#art-5"]
    assert r["citations"]["aigc-biaoshi-2025#art-5"]["status"] == "待核实"


def test_aigc_label_in_png_text_and_exif(img):
    value = json.dumps(g.AIGC_EXAMPLE)
    items = read_metadata(g.png_bytes(img, extra_chunks=[g.png_text("AIGC", value)]))
    assert _find(items, "png_text", "AIGC") and _find(items, "aigc_label")[0]["fields"]["ProduceID"] == "20250901-test-0001"
    tiff = g.tiff_exif({}, {0x9286: '{"AIGC":' + value + "}"})
    items = read_metadata(g.jpeg_bytes(img, app_segments=[(0xE1, b"Exif\0\0" + tiff)]))
    label = _find(items, "aigc_label")
    assert label and label[0]["fields"]["Label"] == "1" and "UserComment" in label[0]["source"]


def test_broken_aigc_json_is_listed_raw(img):
    items = read_metadata(g.png_bytes(img, extra_chunks=[g.png_text("Comment", 'AIGC={"Label": 1, oops}')]))
    label = _find(items, "aigc_label")
    assert label and label[0]["fields"] == {} and "parse_error" in label[0]


def test_plain_file_has_no_metadata_and_says_what_that_means(img):
    r = check_files(("c.jpg", g.jpeg_bytes(img)), [])
    assert r["metadata"] == []
    sig = next(s for s in r["signals"] if s["code"] == "NO_METADATA")
    assert "删除元数据" in sig["limits"]
    assert not any(s["code"] in ("AIGC_LABEL", "GENERATOR_TEXT") for s in r["signals"])


def test_every_item_has_the_contract_shape(img):
    packet = g.xmp_packet({"xmp:CreatorTool": "X"}, aigc=g.AIGC_EXAMPLE)
    tiff = g.tiff_exif({0x010F: "Canon"}, {0x9003: "2026:01:01 00:00:00"})
    data = g.jpeg_bytes(img, app_segments=[(0xE1, b"Exif\0\0" + tiff), (0xE1, g.XMP_NS + packet),
                                           (0xEB, g.app11_c2pa(g.jumbf_c2pa()))])
    items = read_metadata(data)
    assert {m["kind"] for m in items} == {"exif", "xmp", "c2pa", "aigc_label"}
    for m in items:
        assert isinstance(m["key"], str) and isinstance(m["value"], str) and m["value"]


@pytest.mark.parametrize("cut", [30, 60, 90, 120])
def test_truncated_metadata_never_raises(img, cut):
    tiff = g.tiff_exif({0x010F: "Canon", 0x0110: "EOS"}, {0x9003: "2026:01:01 00:00:00"})
    seg = b"Exif\0\0" + tiff[:cut]
    data = g.jpeg_bytes(img, app_segments=[(0xE1, seg)])
    read_metadata(data)
    # a lying IFD count and offsets pointing past the end
    bad = b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 400) + b"\x0f\x01\x02\0\xff\xff\0\0\xff\xff\0\0"
    read_metadata(g.png_bytes(img, extra_chunks=[(b"eXIf", bad)]))


def test_long_prompt_is_clipped(img):
    items = read_metadata(g.png_bytes(img, extra_chunks=[g.png_text("parameters", "x" * 5000)]))
    v = _find(items, "png_text", "parameters")[0]["value"]
    assert len(v) < 2100 and "已截断" in v


def test_notes_and_citations():
    r = check_files(("c.png", g.png_bytes(g.product_photo(32, 24))), [])
    texts = " ".join(n["text"] for n in r["notes"])
    assert "不是鉴定结论" in texts and "删除元数据" in texts and "原始文件" in texts
    pending = [n for n in r["notes"] if n["pending"]]
    assert pending and all("待核实" in n["text"] for n in pending)
    for c in r["citations"].values():
        assert c["status"] == ("已核对" if c["confidence"] == "VERIFIED" else "待核实")
        assert c["url"].startswith("laws/")
