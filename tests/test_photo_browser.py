"""The photo check page in real headless Chromium: pick files with set_input_files, the canvas decodes
them, Python in the worker analyses them; boxes, metadata rows and clear errors appear. Every request
stays on the local server and the console shows no error.

Set CALC_SITE_DIR to a built site to skip the build while iterating (tests/browser_support.py).
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api")

import imagegen as g
from browser_support import Watch, chromium_available
from calculators.toolkit.photo.analysis import REUSE_THRESHOLD

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed")]

TIMEOUT = 90_000


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(service_workers="block")
    watch = Watch(ctx, server.origin)
    pg = ctx.new_page()
    pg.set_default_timeout(TIMEOUT)
    pg.goto(server.origin + "/tools/photo/")
    yield pg
    ctx.close()
    watch.check()


@pytest.fixture(scope="module")
def files():
    orig = g.product_photo(320, 240, seed=1)
    painted, box = g.paint_mould(orig, 125, 100, 16)
    xmp = g.XMP_NS + g.xmp_packet({"xmp:CreatorTool": "Test Editor"}, aigc=g.AIGC_EXAMPLE)
    return {
        "ref": g.jpeg_bytes(orig, quality=92),
        "claim": g.jpeg_bytes(painted, quality=85, app_segments=[(0xE1, xmp)]),
        "other": g.png_bytes(g.unrelated_photo()),
        "box": box,
    }


def _file(name: str, data: bytes, mime: str = "image/jpeg") -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def test_page_finds_reuse_box_and_ai_label(page, files):
    # nothing to print before there is a result (Material's .md-button must not override [hidden])
    assert not page.locator("#photo-print").is_visible()
    page.set_input_files("#f-claim", files=[_file("claim.jpg", files["claim"])])
    page.set_input_files("#f-reference", files=[_file("mine.jpg", files["ref"]), _file("other.png", files["other"], "image/png")])
    page.click("#photo-run")
    page.wait_for_selector('#photo-result[data-state="done"]')
    out = page.locator("#photo-output")
    assert out.get_attribute("data-reuse") == "true"
    assert out.get_attribute("data-boxes") == "1"
    # the box (original pixels) overlaps the painted blob
    cells = page.locator("#photo-regions tbody tr td").all_inner_texts()
    x, y, w, h = (int(v) for v in cells[1:5])
    bx, by, bw, bh = files["box"]
    assert x < bx + bw and bx < x + w and y < by + bh and by < y + h
    # metadata: the AIGC label row and the XMP CreatorTool row
    aigc = page.locator('#photo-meta tr[data-kind="aigc_label"]')
    assert aigc.count() == 1 and "20250901-test-0001" in aigc.inner_text()
    assert "Test Editor" in page.inner_text("#photo-meta")
    assert page.locator('.photo-signal[data-code="AIGC_LABEL"]').count() == 1
    assert page.locator('.photo-signal[data-code="EDITED_REGIONS"]').count() == 1
    reuse = page.inner_text("#photo-reuse")
    assert "mine.jpg" in reuse and "other.png" in reuse and "高度相似" in reuse and "不相似" in reuse
    # the distances are said in words, beside each reference
    rows = page.locator("#photo-reuse tbody tr").all_inner_texts()
    mine = next(r for r in rows if "mine.jpg" in r)
    other = next(r for r in rows if "other.png" in r)
    assert "很可能是你的" in mine or "很可能就是你的" in mine
    assert "看不出是同一张图" in other or "不能据此说是同一张图" in other
    summary = page.inner_text("#photo-summary")
    assert "mine.jpg" in summary and "1 处" in summary
    # the PARTIAL citation is marked 待核实 in the notes
    assert "待核实" in page.inner_text("#photo-output .tool-notes")
    # the overlay canvas drew something red where the box is
    red = page.evaluate("""() => {
        const c = document.querySelector('canvas.photo-overlay');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) n++;
        return n; }""")
    assert red > 100
    timing = re.search(r"分析用时 (\d+) 毫秒", page.inner_text("#photo-output"))
    assert timing
    print(f"\nbrowser analysis (Pyodide, 1 claim + 2 references, 320x240): {timing.group(1)} ms")
    assert page.locator("#photo-print").is_visible()


def test_page_threshold_text_matches_code(page):
    assert f"判定阈值是 {REUSE_THRESHOLD:g}" in page.inner_text("article")


def test_page_rejects_non_image_and_truncated(page, files):
    page.set_input_files("#f-claim", files=[_file("notes.jpg", "这不是图片".encode(), "image/jpeg")])
    page.click("#photo-run")
    err = page.wait_for_selector("#err-claim:not([hidden])")
    assert "不是可以读取的图片" in err.inner_text()
    assert page.locator("#photo-output canvas").count() == 0
    # a truncated JPEG: either the canvas refuses it or Python finds the missing end
    page.set_input_files("#f-claim", files=[_file("cut.jpg", files["claim"][: len(files["claim"]) * 2 // 3])])
    page.click("#photo-run")
    page.wait_for_function("() => !document.querySelector('#err-claim').hidden && document.querySelector('#err-claim').textContent.includes('cut.jpg')")
    assert re.search("截断|不完整|损坏|不是可以读取", page.inner_text("#err-claim"))
    # a bad reference names the reference field
    page.set_input_files("#f-claim", files=[_file("claim.jpg", files["claim"])])
    page.set_input_files("#f-reference", files=[_file("bad.png", b"\x89PNG\r\n\x1a\n" + bytes(50), "image/png")])
    page.click("#photo-run")
    err = page.wait_for_selector("#err-reference:not([hidden])")
    assert "bad.png" in err.inner_text()


def test_page_rejects_huge_file(page):
    page.set_input_files("#f-claim", files=[_file("huge.jpg", b"\xff\xd8\xff\xe0" + bytes(31 * 1024 * 1024))])
    page.click("#photo-run")
    err = page.wait_for_selector("#err-claim:not([hidden])")
    assert "超过 30.0 MB" in err.inner_text()


def test_phone_comparison_is_readable(browser, server, files, tmp_path):
    ctx = browser.new_context(service_workers="block", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    watch = Watch(ctx, server.origin)
    pg = ctx.new_page()
    pg.set_default_timeout(TIMEOUT)
    pg.goto(server.origin + "/tools/photo/")
    assert not pg.locator("#photo-print").is_visible()
    pg.set_input_files("#f-claim", files=[_file("claim.jpg", files["claim"])])
    pg.set_input_files("#f-reference", files=[_file("mine.jpg", files["ref"]), _file("other.png", files["other"], "image/png")])
    pg.click("#photo-run")
    pg.wait_for_selector('#photo-result[data-state="done"]')
    # one card per reference: every cell fits the screen and carries its label
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    for box in pg.locator("#photo-reuse td").all():
        b = box.bounding_box()
        assert b["x"] >= 0 and b["x"] + b["width"] <= 390
    label = pg.evaluate("getComputedStyle(document.querySelector('#photo-reuse td'), '::before').content")
    assert "你的照片" in label
    assert pg.locator("#photo-print").is_visible()
    pg.screenshot(path=str(tmp_path / "photo-phone.png"), full_page=True)
    ctx.close()
    watch.check()


def test_page_cancels_a_long_analysis_and_runs_the_next(page, files):
    """Issue 15: while checking, the page says which step it is on and offers 取消; cancelling during
    the analysis ends the busy Python worker (it cannot be interrupted) and a fresh one answers the
    next check."""
    page.wait_for_function("() => document.documentElement.dataset.pythonTimings !== undefined")  # first worker ready
    python = [w for w in page.workers if "pyworker" in w.url]
    assert python, [w.url for w in page.workers]
    closed = []
    for w in python:
        w.on("close", lambda w: closed.append(w))
    assert not page.locator("#photo-cancel").is_visible()
    # twelve references: the longest analysis the page allows
    page.set_input_files("#f-claim", files=[_file("claim.jpg", files["claim"])])
    page.set_input_files("#f-reference", files=[_file(f"mine{i}.jpg", files["ref"]) for i in range(12)])
    page.click("#photo-run")
    page.wait_for_selector('#photo-result[data-stage="analyse"]')
    step = page.inner_text("#photo-step")
    assert "第 2 步" in step and "12 张" in step, step
    assert page.locator("#photo-cancel").is_visible()
    page.wait_for_timeout(500)  # Python is busy with the request by now
    assert page.get_attribute("#photo-result", "data-state") == "working"
    page.click("#photo-cancel")
    page.wait_for_selector('#photo-result[data-state="cancelled"]', timeout=3000)
    assert "已取消" in page.inner_text("#photo-output")
    assert not page.locator("#photo-cancel").is_visible()
    assert page.locator("#photo-output canvas").count() == 0
    # a worker never ends by itself: only terminate() closes it (Chromium reports the close of a worker
    # busy in WebAssembly a second or two later)
    for _ in range(100):
        if closed:
            break
        page.wait_for_timeout(100)
    assert closed, "the busy Python worker was not ended"
    # the next check runs in a fresh worker and gives a result
    page.set_input_files("#f-reference", files=[_file("mine.jpg", files["ref"])])
    page.click("#photo-run")
    page.wait_for_selector('#photo-result[data-state="done"]')
    assert page.get_attribute("#photo-output", "data-reuse") == "true"
    assert [w for w in page.workers if "pyworker" in w.url and w not in python]


def test_page_says_each_step_while_reading(page, files):
    page.set_input_files("#f-claim", files=[_file("claim.jpg", files["claim"])])
    page.set_input_files("#f-reference", files=[_file("mine.jpg", files["ref"]), _file("other.png", files["other"], "image/png")])
    steps = page.evaluate_handle("""() => {
        const seen = [];
        new MutationObserver(() => {
            const s = document.querySelector('#photo-step');
            if (s && seen[seen.length - 1] !== s.textContent) seen.push(s.textContent);
        }).observe(document.querySelector('#photo-output'), {childList: true, subtree: true, characterData: true});
        return seen; }""")
    page.click("#photo-run")
    page.wait_for_selector('#photo-result[data-state="done"]')
    seen = steps.json_value()
    assert any("第 1 步" in s and "第 1 张，共 3 张" in s for s in seen), seen
    assert any("第 3 张，共 3 张" in s for s in seen), seen
    assert any("第 2 步" in s and "2 张你的照片" in s for s in seen), seen
    assert page.get_attribute("#photo-result", "data-stage") is None
