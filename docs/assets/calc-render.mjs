// @ts-check
// The calculator page's rendering: the provisional line while Python loads, and the engine's answer
// in the order a merchant reads it (issue 12 §5): the one-line conclusion, what to do now, the three
// tracks in plain words, then the reasoning, the cited articles and similar cases.
// Every text from the input or the engine goes in as text (el() / textContent), never as HTML.
import { el, todayISO } from "./dom.mjs";
import { yuan } from "./money.mjs";
import { sentenceChart } from "./sentence-chart.mjs";

/** @typedef {import("./result-types.mjs").Result} Result */
/** @typedef {import("./calc-state.mjs").FormState} FormState */
/** @typedef {import("./calc-state.mjs").Provisional} Provisional */

const SITE_ROOT = new URL("../", import.meta.url);

// Headlines, not labels: whole sentences for the result's first line (the labels themselves come from
// result.labels / the page data). Kept here because the rule data has no headline sentences.
export const TIER_HEADLINE = {
  none: "未达到诈骗罪“数额较大”的标准",
  large: "可能构成诈骗罪：数额较大",
  huge: "可能构成诈骗罪：数额巨大",
  especially_huge: "可能构成诈骗罪：数额特别巨大",
  uncertain: "是否达到诈骗罪的数额标准：不确定",
};
/** The tier labels of a result: the engine sends them (result.labels.tier, from the rule data); no copy here.
 * @param {Result} r @param {string} t */
const tierLabel = (r, t) => (r.labels && r.labels.tier && r.labels.tier[t]) || t;
/** The confidence labels of the result being rendered: the engine sends them (result.labels.confidence,
 * from rules/labels.toml); no copy here. Set by resultNodes(). @type {Record<string, string>} */
let confidenceLabels = {};
/** @param {Result} r */
export function useLabels(r) {
  confidenceLabels = (r && r.labels && r.labels.confidence) || {};
}
/** @param {string} code */
const confidenceLabel = (code) => confidenceLabels[code] || code;
/** The label inside a pair of brackets: "二手来源，待核实", never "（二手来源（待核实））". @param {string} code */
export const confidenceInParens = (code) => confidenceLabel(code).replace(/（(待核实)）$/, "，$1");
const TRACKS = [
  ["criminal", "刑事责任（诈骗罪）"],
  ["administrative", "行政责任（治安管理处罚）"],
  ["civil", "民事权利（商家可以要回什么）"],
];
const POLICE_LINE = "商家可以向公安机关报警（报案）。按治安案件（罚款、拘留）还是刑事案件（诈骗罪）处理，由公安机关根据全部事实决定，商家不需要自己先判断。";
const POLICE_SHORT = "商家可以报警：按治安案件还是刑事案件处理，由公安机关决定。";

// ---------- the reader's words ----------

/**
 * Engine text as readers see it: confidence codes in Chinese, every amount in the one money format.
 * @param {unknown} text
 */
export function readerText(text) {
  return String(text ?? "")
    .replace(/（(VERIFIED|PARTIAL|REPORTED|UNKNOWN)(?:，待核实)?）/g, (_, c) => `（${confidenceInParens(c)}）`)
    .replace(/\b(VERIFIED|PARTIAL|REPORTED|UNKNOWN)\b/g, (c) => confidenceLabel(c))
    .replace(/(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)? ?(?=元)/g, (m, whole, frac) => yuan(whole.replaceAll(",", "") + (frac || "")).replace(/ 元$/, " "));
}

/** @type {{terms: [string, string][], re: RegExp | null}} */
const GLOSSARY = { terms: [], re: null };

/** The glossary of legal terms (docs/includes/abbreviations.md, given to the page at build time). */
export function setGlossary(/** @type {Record<string, string>} */ entries) {
  GLOSSARY.terms = Object.entries(entries || {}).sort((a, b) => b[0].length - a[0].length);
  GLOSSARY.re = GLOSSARY.terms.length
    ? new RegExp(GLOSSARY.terms.map(([t]) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g")
    : null;
}

/**
 * Text with the first occurrence of each glossary term (per `seen`) as <abbr title="…">.
 * @param {unknown} text
 * @param {Set<string>} seen
 */
export function gloss(text, seen) {
  const s = readerText(text);
  const frag = document.createDocumentFragment();
  if (!GLOSSARY.re) {
    frag.append(s);
    return frag;
  }
  const defs = Object.fromEntries(GLOSSARY.terms);
  let last = 0;
  for (const m of s.matchAll(GLOSSARY.re)) {
    if (seen.has(m[0])) continue;
    seen.add(m[0]);
    frag.append(s.slice(last, m.index), el("abbr", { title: defs[m[0]], text: m[0], tabindex: "0" }));
    last = /** @type {number} */ (m.index) + m[0].length;
  }
  frag.append(s.slice(last));
  return frag;
}

// ---------- citations ----------

const HREFS = new Map();
function siteHref(/** @type {string} */ url) {
  let href = HREFS.get(url);
  if (href === undefined) {
    href = new URL(url, SITE_ROOT).href;
    HREFS.set(url, href);
  }
  return href;
}

function citationLink(/** @type {string} */ id, /** @type {Result["citations"]} */ citations) {
  const c = (citations && citations[id]) || {};
  const label = c.label || id;
  if (!c.url) return el("span", { class: "calc-cite", text: label });
  const a = el("a", { class: "calc-cite", href: siteHref(c.url), text: label, title: c.title || label });
  if (c.confidence && c.confidence !== "VERIFIED") a.append(el("span", { class: "calc-pending", text: "（待核实）" }));
  return a;
}

function citeList(/** @type {string[] | undefined} */ ids, /** @type {Result["citations"]} */ citations) {
  if (!ids || !ids.length) return null;
  const span = el("span", { class: "calc-cites" }, "依据：");
  ids.forEach((id, i) => {
    if (i) span.append("、");
    span.append(citationLink(id, citations));
  });
  return span;
}

/** @param {unknown} v @returns {string} */
function textOf(v) {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (Array.isArray(v)) return v.map(textOf).filter(Boolean).join("；");
  if (typeof v === "object") {
    const o = /** @type {Record<string, unknown>} */ (v);
    return textOf(o.text ?? o.label ?? o.summary ?? "");
  }
  return String(v);
}

// ---------- the provisional line (while Python loads) ----------

const FLOOR_KEYS = ["large", "huge", "especially_huge"];
/** The tier labels of the build-time page data (site_hooks/calculator_page.py: labels.tier, from the rule data). */
let PAGE_TIER_LABELS = /** @type {Record<string, string>} */ ({});
/** @param {Record<string, string> | undefined | null} labels */
export function setTierLabels(labels) {
  PAGE_TIER_LABELS = labels && typeof labels === "object" ? labels : {};
}

/**
 * @param {Provisional | null} p
 * @returns {HTMLElement | null}
 */
export function provisionalNode(p) {
  if (!p) return null;
  const box = el("div", { class: "calc-provisional", id: "calc-provisional" });
  box.append(el("p", { class: "calc-provisional-badge", text: "初步结果（完整分析加载中）" }));
  if (p.kind === "tier" && p.tier) {
    box.append(el("p", { class: `calc-headline tier-${p.tier}`, text: `初步：${TIER_HEADLINE[p.tier]}` }));
  } else {
    box.append(el("p", { class: "calc-subhead", text: p.reason || "只有完整分析能回答。" }));
  }
  if (p.province && p.figures) {
    const conf = p.province.confidence_label + (p.province.pending && !p.province.confidence_label.includes("待核实") ? "；文件名称或日期待核实" : "");
    for (const f of p.figures) {
      const bits = FLOOR_KEYS.filter((k) => f.floors[k] != null).map((k) => `${PAGE_TIER_LABELS[k] || k} ${yuan(f.floors[k])}以上`);
      const where = `${p.province.name}${f.label ? `${f.label}（${(f.cities || []).slice(0, 8).join("、")}${(f.cities || []).length > 8 ? "等" : ""}）` : ""}`;
      box.append(el("p", { class: "calc-muted", text: `${where}的数额标准：${bits.join("，")}。来源：${conf}。` }));
    }
  }
  box.append(el("p", { class: "calc-muted", text:
    `这只是把金额和上面的数字比了一下，没有考虑：其他情节、数额“接近”更高一档、未遂${p.attempt ? "（你选择了未遂，完整分析会说明）" : ""}、`
    + "行为日期与处理日期适用的标准、行政责任（治安管理处罚）和民事权利。完整分析加载后会替换这里。" }));
  return box;
}

// ---------- the answer ----------

function rangeText(/** @type {any} */ v) {
  if (!v) return "";
  const bits = [];
  if (Array.isArray(v.detention_days)) bits.push(`拘留 ${v.detention_days[0]}–${v.detention_days[1]} 日`);
  if (v.fine_max_yuan) bits.push(v.fine_alone_possible ? `或者 ${yuan(v.fine_max_yuan)}以下罚款（可以只罚款）` : `可以并处 ${yuan(v.fine_max_yuan)}以下罚款`);
  return bits.join("，");
}

/** @param {Result} r @param {Set<string>} seen */
function summaryCriminal(r, seen) {
  const c = r.criminal || {};
  const tier = c.tier || "uncertain";
  /** @type {(HTMLElement | null)[]} */
  const parts = [];
  const p = (/** @type {unknown} */ text, cls = "") => el("p", { class: cls || undefined }, gloss(text, seen));
  if (c.possible_tiers && c.possible_tiers.length > 1) {
    parts.push(p(`按现有事实可能是：${c.possible_tiers.map((t) => tierLabel(r, t)).join(" 或 ")}。补充省份（和城市）等事实可以得出确定的结果。`));
  }
  const th = c.thresholds_yuan;
  const nat = c.national_ranges_yuan;
  if (th && typeof th === "object") {
    const bits = FLOOR_KEYS.filter((k) => th[k] != null).map((k) => `${tierLabel(r, k)} ${yuan(th[k])}以上`);
    const src = c.thresholds_source || {};
    if (bits.length) parts.push(p(`${src.province || ""}${src.region ? `（${src.region}）` : ""}的数额标准：${bits.join("，")}。`, "calc-muted"));
    if (src.document) {
      const pending = (src.confidence && src.confidence !== "VERIFIED") || src.date_known === false;
      const conf = src.confidence ? `（${confidenceInParens(src.confidence)}）` : "";
      parts.push(el("p", { class: "calc-muted" }, `依据文件：${readerText(src.document)}${conf}`,
        pending && !src.document.includes("待核实") && !conf.includes("待核实") ? el("span", { class: "calc-pending", text: "（待核实）" }) : ""));
    }
  } else if (nat && typeof nat === "object") {
    const bits = FLOOR_KEYS.filter((k) => Array.isArray(nat[k]))
      .map((k) => (nat[k][0] === nat[k][1] ? `${tierLabel(r, k)} ${yuan(nat[k][0])}` : `${tierLabel(r, k)} ${yuan(nat[k][0])}至${yuan(nat[k][1])}`));
    if (bits.length) parts.push(p(`全国幅度（各省在幅度内确定本地标准）：${bits.join("；")}。`, "calc-muted"));
  }
  const sentence = textOf(c.sentence);
  if (sentence && tier !== "none") parts.push(p(`法定刑：${sentence}`));
  // the sentence estimate on a months scale, with the statutory range and real outcomes (null for "none")
  const chart = sentenceChart(c.sentence_estimate, confidenceInParens);
  if (chart) parts.push(chart);
  if (c.limitation_years) {
    const until = c.limitation?.until_approx ? `，约至 ${c.limitation.until_approx}` : "";
    parts.push(p(`追诉时效：${c.limitation_years} 年${until}。`));
  }
  parts.push(el("p", { class: "calc-police" }, gloss(POLICE_SHORT, seen)));
  return parts;
}

/** @param {Result} r @param {Set<string>} seen */
function summaryAdministrative(r, seen) {
  const a = r.administrative || {};
  /** @type {(HTMLElement | null)[]} */
  const parts = [];
  if (a.summary) parts.push(el("p", { class: "calc-subhead" }, gloss(a.summary, seen)));
  parts.push(el("p", { class: "calc-police" }, gloss(POLICE_SHORT, seen)));
  if (a.applies === false) return parts;
  const versions = Array.isArray(a.versions) && a.versions.length ? a.versions : [a];
  for (const v of versions) {
    if (!v || !v.article) continue;
    const title = v.label || `治安管理处罚法（${v.law_version}年文本）`;
    parts.push(el("p", {}, el("strong", { text: `${title}${v.article}` })));
    const ul = el("ul", { class: "calc-remedies" });
    const normal = rangeText(v);
    if (normal) ul.append(el("li", {}, gloss(`一般情形：${normal}`, seen)));
    const serious = rangeText(v.serious);
    if (serious) ul.append(el("li", {}, gloss(`情节较重：${serious}`, seen)));
    if (ul.children.length) parts.push(ul);
    if (v.text) parts.push(el("blockquote", { class: "calc-quote" }, el("p", { text: v.text }), citeList(v.citation ? [v.citation] : [], r.citations)));
    if (Array.isArray(v.mitigation) && v.mitigation.length) {
      parts.push(el("p", {}, gloss(`从宽：${v.mitigation.map(textOf).join("；")}${v.mitigation_effect ? `（${v.mitigation_effect}）` : ""}`, seen)));
    }
  }
  const lighter = a.lighter;
  if (lighter && typeof lighter === "object") {
    const ul = el("ul", { class: "calc-remedies" });
    for (const k of ["ordinary_reason", "serious_reason", "open_question"]) if (lighter[k]) ul.append(el("li", {}, gloss(lighter[k], seen)));
    parts.push(el("p", { class: "calc-subhead", text: "哪个文本较轻（行政处罚法第三十七条）" }), ul);
  }
  return parts;
}

/** @param {Result} r @param {Set<string>} seen */
function summaryCivil(r, seen) {
  const c = r.civil || {};
  /** @type {(HTMLElement | null)[]} */
  const parts = [];
  if (c.summary) parts.push(el("p", { class: "calc-subhead" }, gloss(textOf(c.summary), seen)));
  const remedies = Array.isArray(c.remedies) ? c.remedies : [];
  if (remedies.length) {
    const ul = el("ul", { class: "calc-remedies" });
    for (const m of remedies) ul.append(el("li", {}, el("span", {}, gloss(textOf(m), seen)), " ", citeList(m && m.citations, r.citations)));
    parts.push(ul);
  }
  if (Array.isArray(c.what_changes) && c.what_changes.length) {
    const ul = el("ul", { class: "calc-remedies" });
    for (const w of c.what_changes) ul.append(el("li", {}, gloss(textOf(w), seen)));
    parts.push(el("p", { class: "calc-subhead", text: "会影响民事结论的事实" }), ul);
  }
  return parts;
}

const SUMMARY = { criminal: summaryCriminal, administrative: summaryAdministrative, civil: summaryCivil };

/** @param {string} path @param {Record<string, string | undefined>} params */
function toolHref(path, params) {
  const url = new URL(path, SITE_ROOT);
  for (const [k, v] of Object.entries(params)) if (v) url.searchParams.set(k, v);
  return url.href;
}

/**
 * "现在可以做什么": the three things a merchant can do, each with the tool that helps, carrying the facts.
 * @param {FormState} s @param {Result} r @param {Set<string>} seen
 */
function actions(s, r, seen) {
  const tier = r.criminal?.tier || "";
  const facts = { amount: s.amount || s.claims, province: s.province, region: s.region, act: s.act, decision: s.decision, known_date: s.known, tier,
    attempt: s.attempt ? "1" : undefined };
  const item = (/** @type {string} */ title, /** @type {string} */ text, /** @type {[string, string][]} */ links) => el("li", {},
    el("strong", { text: title }), " ", el("span", {}, gloss(text, seen)),
    el("span", { class: "calc-action-links" }, links.map(([href, label]) => el("a", { href, class: "calc-action-link", text: label }))));
  const ol = el("ol", { class: "calc-actions-list" },
    item("报警。", `${POLICE_LINE}带上订单记录、聊天记录、买家提交的照片，以及能说明照片是伪造的材料。`,
      [[toolHref("tools/documents/", { ...facts, doc: "police" }), "起草报案材料"], [toolHref("tools/photo/", {}), "检查可疑照片"]]),
    item("向平台申诉。", "把照片不实的证据交给平台，要求撤销“仅退款”的处理；平台的审核是否到位，可以用评估工具逐项对照。",
      [[toolHref("tools/documents/", { ...facts, doc: "appeal" }), "起草申诉书"], [toolHref("tools/platform/", {}), "评估平台的审核"]]),
    item("起诉要回钱款。", "可以向法院起诉，要求买家返还退款、赔偿损失。起诉前看清期限（撤销权一年、诉讼时效三年）和要预交的诉讼费。",
      [[toolHref("tools/deadlines/", facts), "计算期限"], [toolHref("tools/fees/", { amount: s.amount }), "估算诉讼费"],
        [toolHref("tools/documents/", { ...facts, doc: "complaint" }), "起草起诉状"]]),
  );
  return el("section", { class: "calc-track calc-next", "aria-labelledby": "calc-next-title" },
    el("h3", { id: "calc-next-title", text: "现在可以做什么" }), ol);
}

/** @param {FormState} s @param {Result} r */
function factsSummary(s, r, /** @type {(code: string) => string} */ labelOf) {
  const dl = el("dl", { class: "calc-facts" });
  const add = (/** @type {string} */ k, /** @type {string | undefined} */ v) => v && dl.append(el("dt", { text: k }), el("dd", { text: v }));
  add("金额", r.amount_yuan ? yuan(r.amount_yuan) : s.amount);
  if (s.claims) add("各笔金额", s.claims);
  const province = r.facts?.province_name || s.province;
  add("省份", province ? province + (s.region ? ` · ${s.region}` : "") : (s.region ? `未选择 · ${s.region}` : "未选择"));
  add("行为日期", s.act || "未填写");
  add("处理日期", s.decision);
  add("商家知道受骗", s.known);
  add("公安机关发现", s.discovery);
  add("退款结果", s.attempt ? "申请未获退款（未遂）" : "已拿到退款");
  const labels = s.codes.map(labelOf);
  add("其他情节", labels.length ? labels.join("、") : "无");
  return dl;
}

/** One-line conclusion over the three tracks. @param {Result} r */
function conclusion(r) {
  const tier = r.criminal?.tier || "uncertain";
  const admin = r.administrative?.applies === false ? "" : "也可能受到治安管理处罚";
  const civil = r.civil?.amount_to_recover_yuan ? `；商家可以要求返还 ${yuan(r.civil.amount_to_recover_yuan)}` : "";
  return `${TIER_HEADLINE[tier] || tier}${tier === "none" && admin ? `，但${admin}` : ""}${civil}。`;
}

// The reasoning steps of a track: built when the reader opens them; a track the reader has opened
// stays open, and is built at once, in the answers that follow.
const openReasoning = new Set();

function stepsList(/** @type {Result["steps"]} */ mine, /** @type {Result["citations"]} */ citations) {
  const list = el("ol", { class: "calc-steps" });
  for (const st of mine) list.append(el("li", {}, el("span", { text: readerText(st.text) }), " ", citeList(st.citations, citations)));
  return list;
}

function stepsFor(/** @type {string} */ track, /** @type {string} */ title, /** @type {Result["steps"]} */ steps, /** @type {Result["citations"]} */ citations) {
  const mine = (steps || []).filter((st) => st.track === track);
  if (!mine.length) return null;
  const open = openReasoning.has(track);
  const details = el("details", { class: "calc-reasoning", open, dataset: { steps: String(mine.length), track } },
    el("summary", { text: `${title}：推理步骤与依据（${mine.length} 步）` }));
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

// The cited articles: folded by a button on screen, always shown in print (print.css), so they
// are not a closed <details> (whose content a printout cannot show).
let citationsOpen = false;
function citationsBox(/** @type {Result["citations"]} */ citations) {
  const cited = Object.values(citations || {});
  if (!cited.length) return null;
  const ul = el("ul", { class: "calc-citations", id: "calc-citations", hidden: !citationsOpen });
  for (const c of cited) ul.append(el("li", {}, citationLink(c.id, citations), c.title ? el("span", { class: "calc-cite-title", text: `（${c.title}）` }) : ""));
  const button = el("button", { type: "button", class: "calc-fold-button", "aria-expanded": String(citationsOpen), "aria-controls": "calc-citations",
    text: `引用的法条（${cited.length} 条）` });
  button.addEventListener("click", () => {
    citationsOpen = !citationsOpen;
    button.setAttribute("aria-expanded", String(citationsOpen));
    ul.hidden = !citationsOpen;
  });
  return el("div", { class: "calc-citations-box" }, button, ul);
}

function similarCases(/** @type {Result} */ r) {
  const cases = Array.isArray(r.similar_cases) ? r.similar_cases : [];
  if (!cases.length) return null;
  const ul = el("ul", { class: "calc-remedies" });
  const notes = new Set(cases.map((k) => k.note).filter(Boolean));
  for (const k of cases) {
    ul.append(el("li", {},
      el("strong", { text: k.title || "" }), k.year ? `（${k.year}）` : "", "：", readerText(k.outcome || ""),
      notes.size > 1 && k.note ? el("span", { class: "calc-muted", text: ` ${readerText(k.note)}` }) : ""));
  }
  return el("details", { class: "calc-fold calc-track-cases" },
    el("summary", { text: `相近的真实案例（${cases.length} 件，仅作参照，不是预测）` }), ul,
    notes.size === 1 ? el("p", { class: "calc-muted", text: readerText([...notes][0]) }) : null);
}

/**
 * The whole answer, in the order a merchant reads it.
 * @param {FormState} s
 * @param {Result} r
 * @param {{shareUrl: string, labelOf: (code: string) => string}} ctx
 */
export function resultNodes(s, r, ctx) {
  useLabels(r);
  const seen = new Set();
  const tier = r.criminal?.tier || "uncertain";
  /** @type {(Node | null)[]} */
  const nodes = [
    el("p", { class: "calc-print-only calc-print-date", text: `打印日期：${todayISO()}　链接：${ctx.shareUrl}` }),
    el("h2", { id: "calc-result-title", text: "计算结果" }),
    el("p", { class: `calc-headline tier-${tier}`, id: "calc-conclusion" }, gloss(conclusion(r), seen)),
    actions(s, r, seen),
    factsSummary(s, r, ctx.labelOf),
  ];
  for (const [track, title] of TRACKS) {
    nodes.push(el("section", { class: `calc-track calc-track-${track}`, dataset: { track } },
      el("h3", { text: title }), SUMMARY[/** @type {"criminal"} */ (track)](r, seen)));
  }
  if (r.warnings && r.warnings.length) {
    const ul = el("ul", { class: "calc-warnings" });
    for (const w of r.warnings) ul.append(el("li", {}, el("span", {}, gloss(w.text, seen)), " ", citeList(w.citations, r.citations)));
    nodes.push(el("section", { class: "calc-track calc-track-warnings" }, el("h3", { text: "待核实与可能改变结论的事实" }), ul));
  }
  const more = el("section", { class: "calc-track calc-more-box" }, el("h3", { text: "推理步骤、法条和案例" }));
  for (const [track, title] of TRACKS) more.append(stepsFor(track, title.replace(/（.*$/, ""), r.steps, r.citations) || "");
  const other = (r.steps || []).filter((st) => !TRACKS.some(([t]) => t === st.track));
  if (other.length) more.append(stepsFor(other[0].track, "其他说明", other, r.citations) || "");
  more.append(citationsBox(r.citations) || "");
  more.append(similarCases(r) || "");
  nodes.push(more);
  if (r.disclaimer) nodes.push(el("p", { class: "calc-result-disclaimer", text: r.disclaimer }));
  const rv = r.ruleset?.version;
  if (rv) nodes.push(el("p", { class: "calc-muted", text: `规则数据版本：${textOf(rv)}${r.ruleset?.hash ? `（${r.ruleset.hash}）` : ""}` }));
  return nodes.filter((n) => n !== null);
}

/** The sticky bar's words for an answer. @param {Result} r */
export function miniText(r) {
  const tier = r.criminal?.tier || "uncertain";
  return TIER_HEADLINE[tier] || tier;
}
