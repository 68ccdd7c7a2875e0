// The calculator page (/calculator/): form <-> URL <-> Python worker <-> result panel.
// Every text from the input or the engine is rendered with textContent / createElement, never innerHTML.
import { call, onProgress, PythonError } from "./pyclient.mjs";
import { loadingNote } from "./loading.mjs";
import { el, todayISO } from "./dom.mjs";

const SITE_ROOT = new URL("../", import.meta.url);
const KNOWN_KEYS = new Set(["amount", "claims", "province", "region", "act", "decision", "known", "discovery", "attempt", "c"]);
const FIELD_OF_PARAM = { act: "act_date", decision: "decision_date", known: "known_date", discovery: "discovery_date" };
const ERROR_FIELDS = ["amount", "claims", "province", "region", "act_date", "decision_date", "known_date", "discovery_date", "refund_obtained", "circumstances"];
const TIER_HEADLINE = {
  none: "未达到诈骗罪“数额较大”的标准",
  large: "可能构成诈骗罪：数额较大",
  huge: "可能构成诈骗罪：数额巨大",
  especially_huge: "可能构成诈骗罪：数额特别巨大",
  uncertain: "是否达到诈骗罪的数额标准：不确定",
};
const TIER_SHORT = { none: "未达数额较大", large: "数额较大", huge: "数额巨大", especially_huge: "数额特别巨大", uncertain: "不确定" };
const TRACKS = [
  ["criminal", "刑事责任（诈骗罪）"],
  ["administrative", "行政责任（治安管理处罚）"],
  ["civil", "民事权利（商家可以主张什么）"],
];

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

function clip(text, n = 60) {
  const s = String(text);
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

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
  if (!regions.length) {
    row.hidden = true;
    return;
  }
  for (const r of regions) {
    const group = el("optgroup", { label: r.label });
    for (const city of r.cities) group.append(el("option", { value: city, text: city }));
    fields.region.append(group);
  }
  row.hidden = false;
  if (selected) {
    if ([...fields.region.options].some((o) => o.value === selected)) fields.region.value = selected;
    else rawOverride.region = selected;
  }
}

function setProvince(value) {
  const match = [...fields.province.options].find(
    (o) => o.value === value || o.dataset.code === value || o.textContent.startsWith(value),
  );
  if (match && value) {
    fields.province.value = match.value;
    return;
  }
  // Not one of ours: keep it visible (as text) so the engine's error message makes sense.
  const opt = el("option", { value, text: `${clip(value, 20)}（无法识别）`, dataset: { raw: "1" } });
  fields.province.append(opt);
  fields.province.value = value;
}

// ---------- URL state ----------

function readUrl() {
  const params = new URLSearchParams(location.search);
  const ignored = [];
  for (const key of new Set(params.keys())) if (!KNOWN_KEYS.has(key)) ignored.push(key);
  if (params.has("amount")) fields.amount.value = params.get("amount");
  if (params.has("claims")) {
    fields.claims.value = params.get("claims");
    fields.claims.closest("details").open = true;
  }
  if (params.get("province")) setProvince(params.get("province"));
  refreshRegions(params.get("region") || "");
  for (const key of ["act", "decision", "known", "discovery"]) {
    if (!params.has(key)) continue;
    const v = params.get(key);
    fields[key].value = v;
    if (fields[key].value !== v) rawOverride[FIELD_OF_PARAM[key]] = v; // the date input rejected it
    if (key === "known" || key === "discovery") fields[key].closest("details").open = true;
  }
  const attempt = params.get("attempt");
  if (attempt !== null) {
    const radio = form.querySelector(`input[name="attempt"][value="${attempt === "1" ? "1" : "0"}"]`);
    radio.checked = true;
    if (!["0", "1", "true", "false"].includes(attempt)) rawOverride.refund_obtained = attempt;
  }
  const codes = params.getAll("c").flatMap((v) => v.split(",")).filter(Boolean);
  const boxes = [...form.querySelectorAll('input[name="c"]')];
  const unknown = [];
  for (const code of codes) {
    const box = boxes.find((b) => b.value === code);
    if (box) box.checked = true;
    else unknown.push(code);
  }
  if (unknown.length) rawOverride.circumstances = unknown;
  if (!fields.decision.value && !rawOverride.decision_date) fields.decision.value = todayISO();
  if (ignored.length) {
    notice.hidden = false;
    notice.textContent = `已忽略链接中无法识别的参数：${ignored.map((k) => clip(k, 20)).join("、")}`;
  }
  return params.toString() !== "";
}

function formState() {
  const attempt = form.querySelector('input[name="attempt"]:checked')?.value === "1";
  const codes = [...form.querySelectorAll('input[name="c"]:checked')].map((b) => b.value);
  return {
    amount: fields.amount.value.trim(),
    claims: fields.claims.value.trim(),
    province: fields.province.value,
    region: fields.region.closest("[hidden]") ? "" : fields.region.value,
    act: rawOverride.act_date ?? fields.act.value,
    decision: rawOverride.decision_date ?? fields.decision.value,
    known: rawOverride.known_date ?? fields.known.value,
    discovery: rawOverride.discovery_date ?? fields.discovery.value,
    attempt,
    attemptRaw: rawOverride.refund_obtained,
    codes: rawOverride.circumstances ? codes.concat(rawOverride.circumstances) : codes,
  };
}

function stateToParams(s) {
  const p = new URLSearchParams();
  if (s.amount) p.set("amount", s.amount);
  if (s.claims) p.set("claims", s.claims);
  if (s.province) p.set("province", s.province);
  if (s.region || rawOverride.region) p.set("region", rawOverride.region ?? s.region);
  if (s.act) p.set("act", s.act);
  if (s.decision) p.set("decision", s.decision);
  if (s.known) p.set("known", s.known);
  if (s.discovery) p.set("discovery", s.discovery);
  if (s.attemptRaw !== undefined) p.set("attempt", s.attemptRaw);
  else if (s.attempt) p.set("attempt", "1");
  for (const c of s.codes) p.append("c", c);
  return p;
}

function stateToFacts(s) {
  const facts = {};
  if (s.amount || !s.claims) facts.amount = s.amount;
  if (s.claims) facts.claims = s.claims;
  if (s.province) facts.province = s.province;
  const region = rawOverride.region ?? s.region;
  if (region) facts.region = region;
  if (s.act) facts.act_date = s.act;
  if (s.decision) facts.decision_date = s.decision;
  if (s.known) facts.known_date = s.known;
  if (s.discovery) facts.discovery_date = s.discovery;
  facts.refund_obtained = s.attemptRaw !== undefined ? s.attemptRaw : !s.attempt;
  if (s.codes.length) facts.circumstances = s.codes;
  return facts;
}

function shareUrl(s = formState()) {
  const url = new URL(location.href);
  url.search = stateToParams(s).toString();
  url.hash = "";
  return url.href;
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
  miniText.textContent = "无法计算：请检查输入";
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

// Absolute hrefs of the statute anchors, resolved once per URL (the same 20-30 ids come back with
// every answer).
const HREFS = new Map();
function siteHref(url) {
  let href = HREFS.get(url);
  if (href === undefined) {
    href = new URL(url, SITE_ROOT).href;
    HREFS.set(url, href);
  }
  return href;
}

function citationLink(id, citations) {
  const c = (citations && citations[id]) || {};
  const label = c.label || id;
  if (!c.url) return el("span", { class: "calc-cite", text: label });
  const a = el("a", { class: "calc-cite", href: siteHref(c.url), text: label, title: c.title || label });
  if (c.confidence && c.confidence !== "VERIFIED") a.append(el("span", { class: "calc-pending", text: "（待核实）" }));
  return a;
}

function citeList(ids, citations) {
  if (!ids || !ids.length) return null;
  const span = el("span", { class: "calc-cites" }, "依据：");
  ids.forEach((id, i) => {
    if (i) span.append("、");
    span.append(citationLink(id, citations));
  });
  return span;
}

// One formatter for every amount (toLocaleString with options builds a new one per call).
const YUAN = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });

function yuan(v) {
  if (v === null || v === undefined || v === "") return "";
  const n = Number(v);
  return Number.isFinite(n) ? `${YUAN.format(n)} 元` : String(v);
}

function textOf(v) {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (Array.isArray(v)) return v.map(textOf).filter(Boolean).join("；");
  if (typeof v === "object") return textOf(v.text ?? v.label ?? v.summary ?? "");
  return String(v);
}

// The reasoning steps of a track sit in a folded <details>. Their list is built when the reader
// opens it (most answers are read folded, and a phone re-renders on every keystroke); a track the
// reader has opened stays open, and is built at once, in the answers that follow.
const openReasoning = new Set();

function stepsList(mine, citations) {
  const list = el("ol", { class: "calc-steps" });
  for (const s of mine) list.append(el("li", {}, el("span", { text: s.text }), " ", citeList(s.citations, citations)));
  return list;
}

function stepsFor(track, steps, citations) {
  const mine = (steps || []).filter((s) => s.track === track);
  if (!mine.length) return null;
  const open = openReasoning.has(track);
  const details = el("details", { class: "calc-reasoning", open, dataset: { steps: mine.length } },
    el("summary", { text: `推理步骤与依据（${mine.length} 步）` }));
  if (open) details.append(stepsList(mine, citations));
  details.addEventListener("toggle", () => {
    if (details.open) {
      openReasoning.add(track);
      if (!details.querySelector(".calc-steps")) details.append(stepsList(mine, citations));
    } else {
      openReasoning.delete(track);
    }
  });
  return details;
}

function rangeText(v) {
  if (!v) return "";
  const bits = [];
  if (Array.isArray(v.detention_days)) bits.push(`拘留 ${v.detention_days[0]}–${v.detention_days[1]} 日`);
  if (v.fine_max_yuan) bits.push(v.fine_alone_possible ? `或者 ${yuan(v.fine_max_yuan)}以下罚款（可以只罚款）` : `可以并处 ${yuan(v.fine_max_yuan)}以下罚款`);
  return bits.join("，");
}

function summaryCriminal(r) {
  const c = r.criminal || {};
  const tier = c.tier || "uncertain";
  const parts = [el("p", { class: `calc-headline tier-${tier}`, text: TIER_HEADLINE[tier] || c.tier_label || tier })];
  if (c.possible_tiers && c.possible_tiers.length > 1) {
    parts.push(el("p", { text: `按现有事实可能是：${c.possible_tiers.map((t) => TIER_SHORT[t] || t).join(" 或 ")}。补充省份（和城市）等事实可以得出确定的结果。` }));
  }
  const th = c.thresholds_yuan;
  const nat = c.national_ranges_yuan;
  const names = [["large", "数额较大"], ["huge", "数额巨大"], ["especially_huge", "数额特别巨大"]];
  if (th && typeof th === "object") {
    const bits = names.filter(([k]) => th[k] != null).map(([k, label]) => `${label} ${yuan(th[k])}以上`);
    const src = c.thresholds_source || {};
    if (bits.length) {
      parts.push(el("p", { class: "calc-muted", text: `${src.province || ""}${src.region ? `（${src.region}）` : ""}的数额标准：${bits.join("，")}。` }));
    }
    if (src.document) {
      // `document` is the reader's title from the rule data (it says 待核实 itself where the pack is unsure).
      const pending = (src.confidence && src.confidence !== "VERIFIED") || src.date_known === false;
      parts.push(el("p", { class: "calc-muted" }, `依据文件：${src.document}`,
        pending && !src.document.includes("待核实") ? el("span", { class: "calc-pending", text: "（待核实）" }) : ""));
    }
  } else if (nat && typeof nat === "object") {
    const bits = names.filter(([k]) => Array.isArray(nat[k]))
      .map(([k, label]) => (nat[k][0] === nat[k][1] ? `${label} ${yuan(nat[k][0])}` : `${label} ${yuan(nat[k][0])}至${yuan(nat[k][1])}`));
    if (bits.length) parts.push(el("p", { class: "calc-muted", text: `全国幅度（各省在幅度内确定本地标准）：${bits.join("；")}。` }));
  }
  const sentence = textOf(c.sentence);
  if (sentence && tier !== "none") parts.push(el("p", { text: `法定刑：${sentence}` }));
  if (c.limitation_years) {
    const until = c.limitation?.until_approx ? `，约至 ${c.limitation.until_approx}` : "";
    parts.push(el("p", { text: `追诉期限：${c.limitation_years} 年${until}。` }));
  }
  return parts;
}

function summaryAdministrative(r) {
  const a = r.administrative || {};
  const parts = [];
  if (a.summary) parts.push(el("p", { class: "calc-subhead", text: a.summary }));
  if (a.applies === false) return parts;
  const versions = Array.isArray(a.versions) && a.versions.length ? a.versions : [a];
  for (const v of versions) {
    if (!v || !v.article) continue;
    const title = v.label || `治安管理处罚法（${v.law_version}年文本）`;
    parts.push(el("p", {}, el("strong", { text: `${title}${v.article}` })));
    const ul = el("ul", { class: "calc-remedies" });
    const normal = rangeText(v);
    if (normal) ul.append(el("li", { text: `一般情形：${normal}` }));
    const serious = rangeText(v.serious);
    if (serious) ul.append(el("li", { text: `情节较重：${serious}` }));
    if (ul.children.length) parts.push(ul);
    if (v.text) parts.push(el("blockquote", { class: "calc-quote" }, el("p", { text: v.text }), citeList(v.citation ? [v.citation] : [], r.citations)));
    if (Array.isArray(v.mitigation) && v.mitigation.length) {
      parts.push(el("p", { text: `从宽：${v.mitigation.map(textOf).join("；")}${v.mitigation_effect ? `（${v.mitigation_effect}）` : ""}` }));
    }
  }
  const lighter = a.lighter;
  if (lighter && typeof lighter === "object") {
    const ul = el("ul", { class: "calc-remedies" });
    for (const k of ["ordinary_reason", "serious_reason", "open_question"]) if (lighter[k]) ul.append(el("li", { text: lighter[k] }));
    parts.push(el("p", { class: "calc-subhead", text: "哪个文本较轻（行政处罚法第三十七条）" }), ul);
  }
  return parts;
}

function summaryCivil(r) {
  const c = r.civil || {};
  const parts = [];
  if (c.summary) parts.push(el("p", { class: "calc-subhead", text: textOf(c.summary) }));
  const remedies = Array.isArray(c.remedies) ? c.remedies : [];
  if (remedies.length) {
    const ul = el("ul", { class: "calc-remedies" });
    for (const m of remedies) ul.append(el("li", {}, el("span", { text: textOf(m) }), " ", citeList(m && m.citations, r.citations)));
    parts.push(ul);
  }
  if (Array.isArray(c.what_changes) && c.what_changes.length) {
    const ul = el("ul", { class: "calc-remedies" });
    for (const w of c.what_changes) ul.append(el("li", { text: textOf(w) }));
    parts.push(el("p", { class: "calc-subhead", text: "会影响民事结论的事实" }), ul);
  }
  return parts;
}

function similarCases(r) {
  const cases = Array.isArray(r.similar_cases) ? r.similar_cases : [];
  if (!cases.length) return null;
  const ul = el("ul", { class: "calc-remedies" });
  const notes = new Set(cases.map((k) => k.note).filter(Boolean));
  for (const k of cases) {
    ul.append(el("li", {},
      el("strong", { text: k.title || "" }), k.year ? `（${k.year}）` : "", "：", k.outcome || "",
      notes.size > 1 && k.note ? el("span", { class: "calc-muted", text: ` ${k.note}` }) : ""));
  }
  return el("section", { class: "calc-track calc-track-cases" },
    el("h3", { text: "相近的真实案例（仅作参照，不是预测）" }), ul,
    notes.size === 1 ? el("p", { class: "calc-muted", text: [...notes][0] }) : null);
}

const SUMMARY = { criminal: summaryCriminal, administrative: summaryAdministrative, civil: summaryCivil };

function factsSummary(s, r) {
  const dl = el("dl", { class: "calc-facts" });
  const add = (k, v) => v && dl.append(el("dt", { text: k }), el("dd", { text: v }));
  add("金额", r.amount_yuan ? yuan(r.amount_yuan) : s.amount);
  if (s.claims) add("各笔金额", s.claims);
  add("省份", s.province ? s.province + (s.region ? ` · ${s.region}` : "") : "未选择");
  add("行为日期", s.act || "未填写");
  add("处理日期", s.decision);
  add("商家知道受骗", s.known);
  add("公安机关发现", s.discovery);
  add("退款结果", s.attempt ? "申请未获退款（未遂）" : "已拿到退款");
  const labels = s.codes.map((code) => form.querySelector(`input[name="c"][value="${CSS.escape(code)}"]`)
    ?.closest("label")?.querySelector(".calc-check-label")?.textContent || code);
  add("其他情节", labels.length ? labels.join("、") : "无");
  return dl;
}

function toolLinks(s, r) {
  const tier = r.criminal?.tier || "";
  const links = [];
  const mk = (path, params, text) => {
    const url = new URL(path, SITE_ROOT);
    for (const [k, v] of Object.entries(params)) if (v) url.searchParams.set(k, v);
    links.push(el("li", {}, el("a", { href: url.href, text })));
  };
  mk("tools/deadlines/", { act: s.act, decision: s.decision, tier, amount: s.amount }, "计算报案、起诉等期限");
  mk("tools/documents/", { amount: s.amount, province: s.province, act: s.act, tier }, "起草报案材料、申诉书");
  mk("tools/fees/", { amount: s.amount }, "估算起诉的诉讼费");
  mk("tools/photo/", {}, "检查可疑的退款照片");
  return el("nav", { class: "calc-tools", "aria-label": "相关工具" }, el("p", { text: "下一步：" }), el("ul", {}, links));
}

function render(s, r) {
  const tier = r.criminal?.tier || "uncertain";
  resultBox.dataset.state = "done";
  resultBox.dataset.criminalTier = tier;
  const nodes = [
    el("p", { class: "calc-print-only calc-print-date", text: `打印日期：${todayISO()}　链接：${shareUrl(s)}` }),
    el("h2", { id: "calc-result-title", text: "计算结果" }),
    factsSummary(s, r),
  ];
  for (const [track, title] of TRACKS) {
    nodes.push(el("section", { class: `calc-track calc-track-${track}`, dataset: { track } },
      el("h3", { text: title }), SUMMARY[track](r), stepsFor(track, r.steps, r.citations)));
  }
  const other = (r.steps || []).filter((st) => !TRACKS.some(([t]) => t === st.track));
  if (other.length) {
    const ol = el("ol", { class: "calc-steps" });
    for (const st of other) ol.append(el("li", {}, el("span", { text: st.text }), " ", citeList(st.citations, r.citations)));
    nodes.push(el("section", { class: "calc-track" }, el("h3", { text: "其他说明" }), ol));
  }
  if (r.warnings && r.warnings.length) {
    const ul = el("ul", { class: "calc-warnings" });
    for (const w of r.warnings) ul.append(el("li", {}, el("span", { text: w.text }), " ", citeList(w.citations, r.citations)));
    nodes.push(el("section", { class: "calc-track calc-track-warnings" },
      el("h3", { text: "待核实与可能改变结论的事实" }), ul));
  }
  nodes.push(similarCases(r));
  const cited = Object.values(r.citations || {});
  if (cited.length) {
    const ul = el("ul", { class: "calc-citations" });
    for (const c of cited) ul.append(el("li", {}, citationLink(c.id, r.citations), c.title ? el("span", { class: "calc-cite-title", text: `（${c.title}）` }) : ""));
    nodes.push(el("section", { class: "calc-track calc-citations-box" }, el("h3", { text: "引用的法条" }), ul));
  }
  if (r.disclaimer) nodes.push(el("p", { class: "calc-result-disclaimer", text: r.disclaimer }));
  const rv = r.ruleset?.version || r.rules_version;
  if (rv) nodes.push(el("p", { class: "calc-muted", text: `规则数据版本：${textOf(rv)}${r.ruleset?.hash ? `（${r.ruleset.hash}）` : ""}` }));
  nodes.push(toolLinks(s, r));
  output.replaceChildren(...nodes.filter(Boolean));
  mini.hidden = false;
  miniText.textContent = TIER_HEADLINE[tier] || tier;
}

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
    return;
  }
  try {
    const r = await call("classify", { facts: stateToFacts(s), today: todayISO() });
    if (mine !== seq) return;
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
  if (!st.ready && resultBox.dataset.state !== "done") [mini.hidden, miniText.textContent] = [false, text];
} });
onProgress((st) => {
  if (st.ready || st.failed) clearTimeout(slow);
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
