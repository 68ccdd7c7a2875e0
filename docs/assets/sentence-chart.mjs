// The sentence estimate (issue 14) as a horizontal range on a months scale: the tier's statutory range
// behind it, the estimate in front, and the real cases with known sentences of the same tier as marks on
// the same scale. Plain DOM + CSS (sentence-chart.css, loaded once by this module); positions are set
// through the CSSOM (allowed under the site's CSP), texts with textContent only. Print keeps it
// (print.css). Input: result.criminal.sentence_estimate (a list, one item per possible tier).
import { el } from "./dom.mjs";


function ensureStyles() {
  if (document.querySelector("link[data-sentence-chart]")) return;
  const link = el("link", { rel: "stylesheet", href: new URL("./sentence-chart.css", import.meta.url).href, dataset: { sentenceChart: "1" } });
  document.head.append(link);
}

export function monthsText(m) {
  const n = Math.round(Number(m));
  const y = Math.floor(n / 12);
  const r = n % 12;
  if (y && r) return `${y}年${r}个月`;
  if (y) return `${y}年`;
  return `${r}个月`;
}

function place(node, left, width) {
  node.style.left = `${left}%`;
  if (width !== undefined) node.style.width = `${Math.max(width, 0.8)}%`;
  return node;
}

function oneChart(e, confidenceText) {
  const [lo, hi] = e.months;
  const [smin, smax] = e.statutory_months || [lo, hi];
  const cases = Array.isArray(e.reference_cases) ? e.reference_cases : [];
  const top = Math.ceil(Math.max(smax, hi, ...cases.map((c) => c.months)) / 12) * 12;
  const pct = (m) => (100 * Math.min(Math.max(m, 0), top)) / top;
  const track = el("div", {
    class: "sc-track",
    role: "img",
    "aria-label": `法定刑 ${monthsText(smin)}至${monthsText(smax)}${e.life_possible ? "或无期徒刑" : ""}；估算 ${monthsText(lo)}至${monthsText(hi)}`
      + (cases.length ? `；真实案例：${cases.map((c) => `${c.id} ${monthsText(c.months)}`).join("、")}` : ""),
  });
  track.append(
    place(el("div", { class: "sc-statutory", title: `法定刑：${monthsText(smin)}至${monthsText(smax)}` }), pct(smin), pct(smax) - pct(smin)),
    place(el("div", { class: "sc-estimate", title: `估算：${monthsText(lo)}至${monthsText(hi)}` }), pct(lo), pct(hi) - pct(lo)),
  );
  // cases with the same sentence share one label; labels go into rows above the track so they never overlap
  const groups = [];
  for (const c of [...cases].sort((a, b) => a.months - b.months)) {
    const g = groups.find((x) => x.months === c.months);
    if (g) g.cases.push(c);
    else groups.push({ months: c.months, cases: [c] });
  }
  const rowEnds = [];
  for (const g of groups) {
    const label = `${g.cases.map((c) => c.id + (c.suspended ? "缓" : "")).join("、")} ${monthsText(g.months)}`;
    const left = pct(g.months);
    const width = label.length * 1.7; // about one CJK character of the label font per 1.7% of a 600 px track
    // a label that would run past the right edge (clipped on a phone) sits to the left of its mark
    const flip = left + width > 100;
    const start = flip ? left - width : left;
    let row = rowEnds.findIndex((end) => end < start);
    if (row < 0) row = rowEnds.push(0) - 1;
    rowEnds[row] = start + width;
    for (const c of g.cases) {
      track.append(place(el("div", { class: `sc-case${c.suspended ? " sc-suspended" : ""}`, title: `${c.id}：${c.outcome}`, dataset: { case: c.id } }), left));
    }
    const tag = place(el("span", { class: `sc-case-label${flip ? " sc-case-label-end" : ""}`, text: label }), left);
    tag.style.setProperty("--row", String(row));
    track.append(tag);
  }
  track.style.setProperty("--rows", String(rowEnds.length));
  const printKey = "灰：法定刑；红：估算；竖线：同档真实案例" + (groups.length
    ? `（${groups.map((g) => `${g.cases.map((c) => c.id + (c.suspended ? "缓刑" : "")).join("、")} ${monthsText(g.months)}`).join("；")}）` : "") + "。推算的参考范围，不是预测。";
  const axis = el("div", { class: "sc-axis", "aria-hidden": "true" });
  // at most 7 labels, so that they fit side by side on a 390 px phone ("9年" and "10年" overlapped)
  const step = top <= 36 ? 6 : top <= 72 ? 12 : top <= 144 ? 24 : 36;
  for (let m = 0; m <= top; m += step) {
    // the first and last tick labels stay inside the track (centred, they were clipped on a phone)
    const edge = m === 0 ? " sc-tick-start" : m === top ? " sc-tick-end" : "";
    axis.append(place(el("span", { class: `sc-tick${edge}`, text: m % 12 ? `${m}月` : `${m / 12}年` }), pct(m)));
  }
  const caption = el("figcaption", {},
    el("strong", { text: `量刑估算（${e.tier_label || e.tier}）：约 ${monthsText(lo)}至${monthsText(hi)}` }),
    `（${confidenceText(e.confidence)}）。${e.probation_possible ? "可能宣告缓刑" : "不能宣告缓刑"}；${e.fine_alone_possible ? "可以单处罚金" : "不能单处罚金"}。`);
  const legend = el("p", { class: "sc-legend calc-muted" },
    el("span", { class: "sc-key sc-key-statutory" }), "法定刑　",
    el("span", { class: "sc-key sc-key-estimate" }), "估算范围　",
    cases.length ? el("span", { class: "sc-key sc-key-case" }) : "", cases.length ? "同档真实案例的实际刑期（缓＝缓刑）" : "");
  const fig = el("figure", { class: "sentence-chart", dataset: { tier: e.tier, months: `${lo}-${hi}` } }, caption, track, axis, legend,
    el("p", { class: "sc-print-key", text: printKey }));
  const notes = [...(e.caveats || [])];
  if (notes.length || (e.steps || []).length) {
    const details = el("details", { class: "sc-steps" }, el("summary", { text: `估算步骤与注意（${(e.steps || []).length} 步）` }));
    const ol = el("ol", { class: "sc-step-list" });
    for (const s of e.steps || []) ol.append(el("li", { text: s.text }));
    const ul = el("ul", { class: "sc-caveats" });
    for (const c of notes) ul.append(el("li", { text: c }));
    details.append(ol, ul);
    fig.append(details);
  }
  return fig;
}

// One figure per possible tier; null when there is nothing to show (tier "none"). confidenceText(code)
// gives the confidence label to put in brackets (calc-render.mjs, from the result's labels).
export function sentenceChart(estimates, confidenceText = (code) => code) {
  if (!Array.isArray(estimates) || !estimates.length) return null;
  ensureStyles();
  return el("div", { class: "sentence-charts" }, estimates.map((e) => oneChart(e, confidenceText)),
    el("p", { class: "calc-muted", text: "按量刑指导意见的方法推算的参考范围，不是对判决的预测；比例和各省数字待核实。" }));
}
