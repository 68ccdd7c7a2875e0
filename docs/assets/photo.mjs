// The photo check page (/tools/photo/): decode the photos with the browser's canvas, send RGBA pixels
// and the original file bytes to the Python worker (calculators.toolkit.photo.browser_entry), draw the
// result. Nothing is uploaded: the files are read locally and the worker runs in this tab.
//
// While a check runs the page says in words which step it is on (reading photo i of n, then the
// analysis in Python, with the seconds elapsed) and shows 取消. Cancelling while the photos are read
// stops before the next one; cancelling during the analysis ends the Python worker (restartPython:
// Python cannot be interrupted inside it) and starts a fresh one, so the next check runs at once.
// State for tests: #photo-result[data-stage] = "read" | "analyse" while working; data-state
// "cancelled" after a cancel.
import { call, restartPython } from "./pyclient.mjs";
import { el, bindStatus, clearErrors, showError, showFailure, notesList, citeList } from "./tools-common.mjs";

const MAX_BYTES = 30 * 1024 * 1024; // same limit as the Python side
const SEND_SIDE = 640; // long side of the pixels sent to Python (it works at 192-320 px); boxes come back in the photo's own pixels
const SHOW_SIDE = 1024; // long side of the photo drawn on the page
const MAX_REFS = 12;

const $ = (id) => document.getElementById(id);
const form = $("photo-form");
const output = $("photo-output");
const result = $("photo-result");
const general = $("err-general");
const runButton = $("photo-run");
const printButton = $("photo-print");
const cancelButton = $("photo-cancel");
const CANCELLED = "已取消检查。可以重新选择照片后再点“开始检查”。";
let job = null; // the running check: { cancelled, stage, timer }

bindStatus($("photo-status"), $("photo-progress"), result, "照片检查程序");

class Cancelled extends Error {}

function checkCancelled(current) {
  if (current.cancelled) throw new Cancelled(CANCELLED);
}

// The step in words (announced: role=status) and the seconds elapsed (not announced every second).
function showProgress(current, text) {
  const started = performance.now();
  const words = el("span", { id: "photo-step", text });
  const clock = el("span", { class: "calc-muted", "aria-hidden": "true" });
  const tick = () => {
    const s = Math.floor((performance.now() - started) / 1000);
    clock.textContent = s >= 1 ? ` 已用 ${s} 秒` : "";
  };
  clearInterval(current.timer);
  current.timer = setInterval(tick, 1000);
  output.replaceChildren(el("p", { class: "photo-progress", role: "status" }, words, clock),
    el("p", { class: "calc-muted", text: "照片在你的设备上处理，不会上传。大照片、多张照片需要较长时间；可以随时点“取消”。" }));
}

function cancel() {
  if (!job || job.cancelled) return;
  job.cancelled = true;
  cancelButton.disabled = true;
  // Python runs synchronously in the worker: the only way to stop it is a fresh worker
  if (job.stage === "analyse") restartPython(CANCELLED);
}

class InputError extends Error {
  constructor(field, message) {
    super(message);
    this.field = field;
  }
}

function mb(n) {
  return (n / 1048576).toFixed(1);
}

async function decode(file, field) {
  if (file.size === 0) throw new InputError(field, `“${file.name}”是空文件。`);
  if (file.size > MAX_BYTES) {
    throw new InputError(field, `“${file.name}”有 ${mb(file.size)} MB，超过 ${mb(MAX_BYTES)} MB 的上限。请先缩小或压缩图片。`);
  }
  const bytes = await file.arrayBuffer();
  let bitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes]));
  } catch {
    const head = new Uint8Array(bytes.slice(4, 12));
    const tag = String.fromCharCode(...head);
    const heic = /\.(heic|heif)$/i.test(file.name) || /^ftyp(heic|heix|mif1)/.test(tag);
    throw new InputError(field, heic
      ? `“${file.name}”是 HEIC 格式，此浏览器无法解码。请在手机相册中把照片导出或分享为 JPEG 后再选择。`
      : `“${file.name}”不是可以读取的图片，或者文件已损坏。`);
  }
  if (!bitmap.width || !bitmap.height) throw new InputError(field, `“${file.name}”没有图像内容。`);
  const draw = (side) => {
    const k = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * k));
    canvas.height = Math.max(1, Math.round(bitmap.height * k));
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return { canvas, ctx };
  };
  const sent = draw(SEND_SIDE);
  const w = sent.canvas.width;
  const h = sent.canvas.height;
  const rgba = sent.ctx.getImageData(0, 0, w, h).data;
  const info = { name: file.name, width: w, height: h, scale: bitmap.width / w };
  const shown = field === "claim" ? draw(SHOW_SIDE).canvas : null;
  const displayScale = shown ? bitmap.width / shown.width : 1;
  bitmap.close?.();
  return { info, rgba, bytes, canvas: shown, displayScale };
}

function drawOverlay(overlay, r, scale, showHeat) {
  const ctx = overlay.getContext("2d");
  ctx.clearRect(0, 0, overlay.width, overlay.height);
  const hm = r.heatmap;
  if (hm && showHeat) {
    const cw = overlay.width / hm.cols;
    const ch = overlay.height / hm.rows;
    for (let j = 0; j < hm.rows; j++) {
      for (let i = 0; i < hm.cols; i++) {
        const v = hm.values[j * hm.cols + i];
        if (v <= 0.05) continue;
        ctx.fillStyle = `rgba(230, ${Math.round(160 * (1 - v))}, 0, ${(0.15 + 0.5 * v).toFixed(3)})`;
        ctx.fillRect(i * cw, j * ch, cw + 0.5, ch + 0.5);
      }
    }
  }
  const line = Math.max(2, Math.round(Math.max(overlay.width, overlay.height) / 250));
  ctx.lineWidth = line;
  ctx.font = `bold ${Math.max(12, line * 7)}px sans-serif`;
  r.edited_regions.forEach(([x, y, w, h], n) => {
    const bx = x / scale;
    const by = y / scale;
    ctx.strokeStyle = "#ff1744";
    ctx.strokeRect(bx, by, w / scale, h / scale);
    ctx.fillStyle = "#ff1744";
    ctx.fillText(String(n + 1), bx + line * 2, Math.max(by - line, line * 8));
  });
}

function figure(r, claim) {
  const base = el("canvas", { class: "photo-base", width: claim.canvas.width, height: claim.canvas.height, "aria-label": "买家照片" });
  base.getContext("2d").drawImage(claim.canvas, 0, 0);
  const overlay = el("canvas", { class: "photo-overlay", width: claim.canvas.width, height: claim.canvas.height, "aria-hidden": "true" });
  const toggle = el("input", { type: "checkbox", id: "photo-heat", checked: true });
  const redraw = () => drawOverlay(overlay, r, claim.displayScale, toggle.checked);
  toggle.addEventListener("change", redraw);
  redraw();
  const parts = [el("div", { class: "photo-stage" }, base, overlay)];
  if (r.heatmap) {
    parts.push(el("label", { class: "calc-check photo-legend" }, toggle,
      el("span", { text: "显示差异热力图（越红差异越大；方框是明显不同的区域，编号见下表）" })));
  }
  return el("figure", { class: "photo-figure" }, ...parts);
}

function regionsTable(r) {
  if (!r.edited_regions.length) return null;
  const table = el("table", { class: "tool-table", id: "photo-regions" });
  table.append(el("caption", { text: "差异区域（买家照片原图的像素坐标：左上角 x、y，宽、高）" }));
  table.append(el("thead", {}, el("tr", {}, ["编号", "x", "y", "宽", "高"].map((h) => el("th", { text: h })))));
  const body = el("tbody");
  r.edited_regions.forEach((b, i) => body.append(el("tr", {}, el("td", { text: String(i + 1) }), ...b.map((v) => el("td", { class: "tool-num", text: String(v) })))));
  table.append(body);
  return table;
}

// What a hash distance means, in words (the threshold is the engine's; 0 is the same picture).
export function distanceWords(distance, threshold, comparable) {
  if (!comparable) return "无法比较：照片几乎没有明暗变化，这种方法看不出是否同一张图";
  if (distance <= threshold / 4) return "高度相似：几乎一模一样，很可能就是你的这张照片";
  if (distance <= threshold) return "高度相似：很可能是你的照片经过缩放、压缩、裁剪或轻微修改";
  if (distance <= threshold * 2) return "不相似，但有些接近：不能据此说是同一张图";
  return "不相似：看不出是同一张图";
}

// One card per reference photo (a table of five numbers is unreadable on a phone): the verdict in
// words first, the figures after it for whoever needs them.
function reuseTable(r) {
  const refs = r.reuse.per_reference;
  if (!refs.length) return null;
  const table = el("table", { class: "tool-table photo-reuse", id: "photo-reuse" });
  table.append(el("caption", { text: `买家照片与你的照片比对（差异值越小越像；0 表示完全相同，不超过 ${r.reuse.threshold} 判为高度相似）` }));
  table.append(el("thead", {}, el("tr", {}, ["你的照片", "判断", "差异值", "整图 / 最佳裁剪（两种算法）"].map((h) => el("th", { text: h })))));
  const body = el("tbody");
  for (const e of refs) {
    const same = e.comparable && e.distance <= r.reuse.threshold;
    body.append(el("tr", {},
      el("td", { "data-label": "你的照片", text: e.reference }),
      el("td", { "data-label": "判断", class: same ? "photo-hit" : "photo-ok", text: distanceWords(e.distance, r.reuse.threshold, e.comparable) }),
      el("td", { "data-label": "差异值", class: "tool-num", text: String(e.distance) }),
      el("td", { "data-label": "整图 / 最佳裁剪", class: "tool-num",
        text: `整图 ${e.whole_image.dhash_distance} / ${e.whole_image.phash_distance}；裁剪 ${e.aligned_crop.dhash_distance} / ${e.aligned_crop.phash_distance}` })));
  }
  table.append(body);
  return table;
}

const KIND_LABEL = { exif: "EXIF", png_text: "PNG 文本", xmp: "XMP", c2pa: "C2PA", aigc_label: "AI 标识" };

function metadataTable(meta) {
  if (!meta.length) return el("p", { class: "calc-muted", id: "photo-meta-empty", text: "没有读到元数据。" });
  const table = el("table", { class: "tool-table photo-meta", id: "photo-meta" });
  table.append(el("thead", {}, el("tr", {}, ["类别", "项目", "内容"].map((h) => el("th", { text: h })))));
  const body = el("tbody");
  for (const m of meta) {
    body.append(el("tr", { dataset: { kind: m.kind } },
      el("td", { text: KIND_LABEL[m.kind] || m.kind }),
      el("td", { text: m.key }),
      el("td", { text: m.source ? `${m.value}\n（位置：${m.source}）` : m.value })));
  }
  table.append(body);
  return table;
}

function signalsList(signals, citations) {
  return signals.map((s) => el("div", { class: "photo-signal", dataset: { level: s.level, code: s.code } },
    el("p", {}, el("span", { class: "photo-level", text: s.level }), s.text, s.citations?.length ? " " : "",
      citeList(s.citations, citations)),
    el("p", { class: "photo-limits", text: `局限：${s.limits}` })));
}

function render(r, claim) {
  const nodes = [
    el("h3", { text: "概要" }),
    el("ul", { class: "photo-summary", id: "photo-summary" }, r.summary.map((t) => el("li", { text: t }))),
    figure(r, claim),
    regionsTable(r),
    reuseTable(r),
    el("h3", { text: "发现与局限" }),
    ...signalsList(r.signals, r.citations),
    el("h3", { text: "文件信息（元数据）" }),
    metadataTable(r.metadata),
    el("h3", { text: "说明" }),
    notesList(r.notes, r.citations),
    el("p", { class: "calc-muted", text: `买家照片：${r.claim.name}，${r.claim.width}×${r.claim.height} 像素；分析用时 ${r.timing_ms} 毫秒。照片没有离开你的设备。` }),
  ];
  output.replaceChildren(...nodes.filter(Boolean));
  output.dataset.boxes = String(r.edited_regions.length);
  output.dataset.reuse = String(r.reuse.detected);
  result.setAttribute("data-state", "done");
  printButton.hidden = false;
}

async function run(event) {
  event?.preventDefault();
  clearErrors(form);
  general.hidden = true;
  const claimFile = $("f-claim").files[0];
  const refFiles = Array.from($("f-reference").files || []);
  if (!claimFile) {
    showError(form, { field: "claim", message: "请先选择买家的照片。" }, general);
    return;
  }
  const current = { cancelled: false, stage: "read", timer: null };
  job = current;
  runButton.disabled = true;
  printButton.hidden = true;
  cancelButton.hidden = false;
  cancelButton.disabled = false;
  result.setAttribute("data-state", "working");
  const total = 1 + refFiles.length;
  try {
    if (refFiles.length > MAX_REFS) throw new InputError("reference", `你自己的照片最多选 ${MAX_REFS} 张。`);
    result.dataset.stage = "read";
    showProgress(current, `第 1 步，共 2 步：正在读取买家的照片（第 1 张，共 ${total} 张）……`);
    const claim = await decode(claimFile, "claim");
    checkCancelled(current);
    const refs = [];
    for (const [i, f] of refFiles.entries()) {
      showProgress(current, `第 1 步，共 2 步：正在读取你的照片（第 ${i + 2} 张，共 ${total} 张）……`);
      refs.push(await decode(f, "reference"));
      checkCancelled(current);
    }
    const payload = { claim: claim.info, references: refs.map((x) => x.info) };
    const blobs = [claim.rgba.buffer, claim.bytes];
    for (const x of refs) blobs.push(x.rgba.buffer, x.bytes);
    current.stage = "analyse";
    result.dataset.stage = "analyse";
    showProgress(current, refs.length
      ? `第 2 步，共 2 步：正在比对 ${refs.length} 张你的照片、寻找改动区域、读取文件信息……`
      : "第 2 步，共 2 步：正在读取文件信息……");
    const r = await call("photo", payload, blobs);
    checkCancelled(current);
    render(r, claim);
  } catch (err) {
    printButton.hidden = true;
    if (current.cancelled) {
      output.replaceChildren(el("p", { id: "photo-cancelled", role: "status", text: CANCELLED }));
      result.setAttribute("data-state", "cancelled");
    } else {
      showFailure(output, result, form, { field: err?.field ?? null, message: err?.message || "检查失败，请换一张图片重试。" }, general);
    }
  } finally {
    clearInterval(current.timer);
    delete result.dataset.stage;
    if (job === current) job = null;
    cancelButton.hidden = true;
    runButton.disabled = false;
  }
}

form.addEventListener("submit", run);
cancelButton.addEventListener("click", cancel);
printButton.addEventListener("click", () => window.print());
