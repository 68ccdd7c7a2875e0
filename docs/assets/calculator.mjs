// The calculator page (/calculator/): the wiring of form <-> URL <-> Python worker <-> result panel.
// The state (URL, facts, the provisional tier) is in calc-state.mjs (pure, unit-tested with Node),
// the rendering in calc-render.mjs. Every text from the input or the engine is rendered with
// textContent / createElement, never innerHTML.
import { call, onProgress, PythonError } from "./pyclient.mjs";
import { loadingNote } from "./loading.mjs";
import { el, todayISO } from "./dom.mjs";
import { addVersion, checkVersion, readable } from "./share-version.mjs";
import "./print-ready.mjs";
import { clip, KEY_LABELS, provisional, readParams, stateToFacts, stateToParams, URL_CAPS } from "./calc-state.mjs";
import { miniText as miniTextOf, provisionalNode, resultNodes, setGlossary, setTierLabels, TIER_HEADLINE } from "./calc-render.mjs";

const FIELD_OF_PARAM = { act: "act_date", decision: "decision_date", known: "known_date", discovery: "discovery_date" };
const ERROR_FIELDS = ["amount", "claims", "province", "region", "act_date", "decision_date", "known_date", "discovery_date", "refund_obtained", "circumstances"];

// Build-time data (site_hooks/calculator_page.py): the provisional figures and the glossary.
let pageData = { provisional: null, glossary: {} };
try {
  pageData = JSON.parse(document.getElementById("calc-data")?.textContent || "{}");
} catch {
  // no data: no provisional line, no glossary; the full answer still comes from Python
}
setGlossary(pageData.glossary);
setTierLabels(pageData.labels && pageData.labels.tier);

const $ = (id) => document.getElementById(id);
const form = $("calc-form");
const resultBox = $("calc-result");
const output = $("calc-output");
const statusText = $("calc-status-text");
const progressBar = $("calc-progress");
const notice = $("calc-notice");
// Phone: a bar at the bottom with the headline while the result panel is out of view.
const mini = $("calc-mini");
const miniText = $("calc-mini-text");
if ("IntersectionObserver" in window) {
  new IntersectionObserver((entries) => {
    for (const e of entries) mini.classList.toggle("calc-mini-away", e.isIntersecting);
  }).observe(resultBox);
}
const fields = {
  amount: $("f-amount"),
  claims: $("f-claims"),
  province: $("f-province"),
  region: $("f-region"),
  act: $("f-act"),
  decision: $("f-decision"),
  known: $("f-known"),
  discovery: $("f-discovery"),
};

// Raw values from the URL that the form controls cannot hold (a malformed date, an unknown
// province): sent to the engine as they are so that the reader sees the engine's own error, until
// the reader edits that field.
const rawOverride = {};


// ---------- province / region ----------

function regionsOf(option) {
  if (!option || !option.dataset.regions) return [];
  try {
    return JSON.parse(option.dataset.regions);
  } catch {
    return [];
  }
}

function refreshRegions(selected = "") {
  const regions = regionsOf(fields.province.selectedOptions[0]);
  const row = $("region-row");
  fields.region.replaceChildren(el("option", { value: "", text: "不确定 / 未选择" }));
  row.hidden = !regions.length;
  for (const r of regions) {
    const group = el("optgroup", { label: r.label });
    for (const city of r.cities) group.append(el("option", { value: city, text: city }));
    fields.region.append(group);
  }
  if (!selected) return;
  // a city from the link goes to Python as written (it may infer the province from it, or explain)
  if ([...fields.region.options].some((o) => o.value === selected)) fields.region.value = selected;
  else rawOverride.region = selected;
}

// The province from a link, exactly as written: an option only when it is the option's own value,
// otherwise kept as it is (Python reads it, and answers or explains). No prefix matching here.
function setProvince(value) {
  if ([...fields.province.options].some((o) => o.value === value)) {
    fields.province.value = value;
    return;
  }
  const opt = el("option", { value, text: `${clip(value, 20)}（链接中的写法）`, dataset: { raw: "1" } });
  fields.province.append(opt);
  fields.province.value = value;
}

// ---------- URL state ----------

function readUrl() {
  const u = readParams(location.search);
  const v = u.values;
  if ("amount" in v) fields.amount.value = v.amount;
  if ("claims" in v) {
    fields.claims.value = v.claims;
    fields.claims.closest("details").open = true;
  }
  if (v.province) setProvince(v.province);
  refreshRegions(v.region || "");
  for (const key of ["act", "decision", "known", "discovery"]) {
    if (!(key in v)) continue;
    fields[key].value = v[key];
    if (fields[key].value !== v[key]) rawOverride[FIELD_OF_PARAM[key]] = v[key]; // the date input rejected it
    if (key === "known" || key === "discovery") fields[key].closest("details").open = true;
  }
  if ("attempt" in v) {
    const radio = form.querySelector(`input[name="attempt"][value="${v.attempt === "1" ? "1" : "0"}"]`);
    radio.checked = true;
    if (!["0", "1", "true", "false"].includes(v.attempt)) rawOverride.refund_obtained = v.attempt;
  }
  const boxes = [...form.querySelectorAll('input[name="c"]')];
  const unknown = [];
  for (const code of u.codes) {
    const box = boxes.find((b) => b.value === code);
    if (box) box.checked = true;
    else unknown.push(code);
  }
  if (unknown.length) rawOverride.circumstances = unknown;
  if (!fields.decision.value && !rawOverride.decision_date) fields.decision.value = todayISO();
  const notes = [];
  if (u.ignored.length) notes.push(`已忽略链接中无法识别的参数：${u.ignored.join("、")}`);
  if (u.tooLong.length) {
    notes.push(`链接中的${u.tooLong.map((k) => `“${KEY_LABELS[k]}”`).join("、")}太长（超过 ${Math.max(...u.tooLong.map((k) => URL_CAPS[k]))} 个字符），已忽略，请重新填写`);
  }
  if (notes.length) {
    notice.hidden = false;
    notice.textContent = `${notes.join("。")}。`;
  }
}

function formState() {
  const attempt = form.querySelector('input[name="attempt"]:checked')?.value === "1";
  const codes = [...form.querySelectorAll('input[name="c"]:checked')].map((b) => b.value);
  return {
    amount: fields.amount.value.trim(),
    claims: fields.claims.value.trim(),
    province: fields.province.value,
    region: rawOverride.region ?? (fields.region.closest("[hidden]") ? "" : fields.region.value),
    act: rawOverride.act_date ?? fields.act.value,
    decision: rawOverride.decision_date ?? fields.decision.value,
    known: rawOverride.known_date ?? fields.known.value,
    discovery: rawOverride.discovery_date ?? fields.discovery.value,
    attempt,
    attemptRaw: rawOverride.refund_obtained,
    codes: rawOverride.circumstances ? codes.concat(rawOverride.circumstances) : codes,
  };
}

function shareUrl(s = formState()) {
  const url = new URL(location.href);
  url.search = stateToParams(s).toString();
  url.hash = "";
  return addVersion(url).href;
}

// ---------- errors ----------

let errorsShown = true; // the first call clears whatever the page came with

function clearErrors() {
  if (!errorsShown) return;
  errorsShown = false;
  for (const f of ERROR_FIELDS) {
    const node = $(`err-${f}`);
    if (node) {
      node.hidden = true;
      node.textContent = "";
    }
  }
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

function showError(err) {
  mini.hidden = false;
  // an input error names its field; a failed start is not the reader's input (issue 12 leftover)
  miniText.textContent = python.failed ? "计算器未能启动：点“重试”"
    : err.field ? "无法计算：请检查输入" : "无法计算";
  const field = err.field || "";
  const message = err.message || "输入有误。";
  const node = $(`err-${field}`);
  errorsShown = true;
  resultBox.dataset.state = "error";
  delete resultBox.dataset.criminalTier;
  output.replaceChildren(
    el("div", { class: "calc-error-box", role: "alert" },
      el("p", { class: "calc-error-title", text: "无法计算" }),
      el("p", { text: message })),
  );
  if (node) {
    node.textContent = message;
    node.hidden = false;
    const input = node.closest("fieldset")?.querySelector("input, select");
    if (input) input.setAttribute("aria-invalid", "true");
  }
}

// ---------- rendering ----------

function labelOf(code) {
  return form.querySelector(`input[name="c"][value="${CSS.escape(code)}"]`)
    ?.closest("label")?.querySelector(".calc-check-label")?.textContent || code;
}

function render(s, r) {
  checkVersion(r);
  const tier = r.criminal?.tier || "uncertain";
  resultBox.dataset.state = "done";
  resultBox.dataset.criminalTier = tier;
  output.replaceChildren(...resultNodes(s, r, { shareUrl: readable(shareUrl(s)), labelOf }));
  mini.hidden = false;
  miniText.textContent = miniTextOf(r);
  $("calc-actions").hidden = false;
}

// While Python loads: the provisional line from the build-time figures (issue 12 §3). It goes as
// soon as the full answer (or an error) is on screen.
function showProvisional(s) {
  const p = python.ready ? null : provisional(stateToFacts(s), pageData.provisional, todayISO());
  const box = $("calc-provisional-slot");
  box.replaceChildren(...[provisionalNode(p)].filter(Boolean));
  resultBox.dataset.provisional = p ? p.kind : "";
  if (p && p.kind === "tier") resultBox.dataset.provisionalTier = p.tier;
  else delete resultBox.dataset.provisionalTier;
  if (p) {
    if (p.kind === "tier") {
      mini.hidden = false;
      miniText.textContent = `初步：${TIER_HEADLINE[p.tier]}`;
    }
  }
}
const python = { ready: false, failed: false };

// ---------- compute loop ----------

let seq = 0;
let timer = 0;

// The address bar follows the form (so a reload or a bookmark keeps the facts), but after the
// answer is on screen: history.replaceState costs about 1 ms, a fifth of a warm answer
// (benchmarks/README.md). Several quick changes write the URL once. The copy-link button and the
// printout build their link from the form itself, so they never depend on this timing.
let pendingUrl = null;
function flushUrl() {
  if (pendingUrl !== null && pendingUrl !== location.href) history.replaceState(null, "", pendingUrl);
  pendingUrl = null;
}
function urlLater(url) {
  const first = pendingUrl === null;
  pendingUrl = url;
  if (!first) return;
  if ("requestIdleCallback" in window) requestIdleCallback(flushUrl, { timeout: 300 });
  else setTimeout(flushUrl, 50);
}
window.addEventListener("pagehide", flushUrl);

async function compute() {
  const s = formState();
  const mine = ++seq;
  clearErrors();
  urlLater(shareUrl(s));
  if (!s.amount && !s.claims) {
    resultBox.dataset.state = "empty";
    delete resultBox.dataset.criminalTier;
    mini.hidden = true;
    output.replaceChildren(el("p", { class: "calc-muted", text: "请输入金额，结果会立即显示在这里。" }));
    showProvisional(s);
    return;
  }
  if (!python.ready) {
    showProvisional(s);
    if (resultBox.dataset.state === "empty") {
      resultBox.dataset.state = "loading"; // not "请输入金额" under the provisional line
      output.replaceChildren();
    }
  }
  try {
    const r = await call("classify", { facts: stateToFacts(s), today: todayISO() });
    if (mine !== seq) return;
    python.ready = true;
    showProvisional(s);
    if (r && r.error) showError(r.error);
    else render(s, r);
  } catch (err) {
    if (mine !== seq) return;
    showError(err instanceof PythonError ? err : { field: null, message: "计算失败，请刷新页面重试。" });
  } finally {
    if (mine === seq) {
      resultBox.setAttribute("aria-busy", "false");
      $("calc-actions").hidden = false;
    }
  }
}

function schedule(delay) {
  clearTimeout(timer);
  timer = setTimeout(compute, delay);
}

function forget(name) {
  const map = { province: ["region"], region: ["region"], act: ["act_date"], decision: ["decision_date"], known: ["known_date"], discovery: ["discovery_date"], attempt: ["refund_obtained"], c: ["circumstances"] };
  for (const k of map[name] || []) delete rawOverride[k];
}

form.addEventListener("input", (event) => {
  forget(event.target.name);
  // no debounce: every input computes at once (about 1 ms in the worker); compute()'s sequence
  // check drops an answer that arrives after a newer question was asked
  clearTimeout(timer);
  compute();
});
form.addEventListener("change", (event) => {
  forget(event.target.name);
  if (event.target === fields.province) {
    for (const o of [...fields.province.options]) if (o.dataset.raw && o.value !== fields.province.value) o.remove();
    refreshRegions();
  }
  schedule(0);
});
form.addEventListener("reset", () => {
  // after the browser has reset the controls: forget the raw URL values too, start from today
  setTimeout(() => {
    for (const k of Object.keys(rawOverride)) delete rawOverride[k];
    for (const o of [...fields.province.options]) if (o.dataset.raw) o.remove();
    fields.province.value = "";
    refreshRegions();
    fields.decision.value = todayISO();
    notice.hidden = true;
    schedule(0);
  }, 0);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  schedule(0);
});

$("calc-print").addEventListener("click", () => window.print());
$("calc-copy").addEventListener("click", async () => {
  const url = shareUrl();
  const status = $("calc-copy-status");
  let ok = false;
  try {
    await navigator.clipboard.writeText(url);
    ok = true;
  } catch {
    const ta = el("textarea", { class: "calc-offscreen", readonly: true });
    ta.value = url;
    document.body.append(ta);
    ta.select();
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    ta.remove();
  }
  status.textContent = ok ? "链接已复制，可直接发送给他人。" : `请手动复制：${url}`;
  status.dataset.url = url;
});

// A slow connection: say so rather than leave the reader guessing.
const slow = setTimeout(() => {
  if (resultBox.dataset.state === "loading") statusText.textContent += "（网络较慢时首次加载可能需要一两分钟，请稍候）";
}, 15000);
// the loading state next to the amount field and in the sticky bar (loading.mjs), with a retry
loadingNote(fields.amount, { what: "计算器", onRetry: () => compute(), onText: (text, st) => {
  if (st.ready || resultBox.dataset.state === "done") return;
  // the provisional tier (if any) stays in the sticky bar, with the loading state beside it
  const pt = resultBox.dataset.provisionalTier;
  [mini.hidden, miniText.textContent] = [false, pt ? `初步：${TIER_HEADLINE[pt]}（${text}）` : text];
} });
onProgress((st) => {
  if (st.ready || st.failed) clearTimeout(slow);
  if (st.ready) python.ready = true;
  python.failed = !!st.failed;
  $("calc-status").classList.toggle("calc-failed", !!st.failed);
  const steps = { starting: 0, runtime: 1, python: 2, import: 3, ready: 4 };
  progressBar.value = steps[st.stage] ?? 0;
  statusText.textContent = st.detail;
  const box = $("calc-status");
  if (st.ready) {
    box.hidden = true;
  } else {
    box.hidden = false;
    progressBar.hidden = !!st.failed;
  }
});

readUrl();
compute();
