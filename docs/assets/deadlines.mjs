// The deadlines page (/tools/deadlines/): dates -> Python (calculators.toolkit.deadlines) -> table of
// last days with days left, and an .ics file made in Python, offered as a blob: download.
import { call } from "./pyclient.mjs";
import { el, bindStatus, clearErrors, citeList, notesList, bindForm, showResult, showEmpty, showFailure, todayISO, download } from "./tools-common.mjs";

const $ = (id) => document.getElementById(id);
const form = $("dl-form");
const output = $("dl-output");
const result = $("dl-result");
const general = $("err-general");
const tierNote = $("dl-tier-note");
// The tier labels from the rule data (site_hooks/calculator_page.py puts them in the page at build time).
/** @type {Record<string, string>} */
let TIER_LABELS = {};
try {
  TIER_LABELS = JSON.parse(document.getElementById("calc-labels")?.textContent || "{}").tier || {};
} catch {
  TIER_LABELS = {}; // no labels: no note; the result from Python still names the tier
}
// Facts from the calculator's link without a control here (kept until the reader edits the amount).
const carried = {};

bindStatus($("dl-status"), $("dl-progress"), result);

function payload() {
  const p = { ...carried, today: todayISO() };
  for (const name of ["act", "known_date", "amount", "province"]) {
    const v = form.elements[name].value;
    if (v !== "") p[name] = v;
  }
  return p;
}

function daysText(d) {
  if (d.days_left === null || d.days_left === undefined) return "";
  if (d.days_left < 0) return `已过 ${-d.days_left} 天`;
  if (d.days_left === 0) return "今天到期";
  return `还有 ${d.days_left} 天`;
}

function render(r) {
  const table = el("table", { class: "tool-table tool-stack", id: "dl-table" });
  table.append(el("thead", {}, el("tr", {}, ["期限", "最后一天", "剩余", "依据"].map((h) => el("th", { text: h })))));
  const body = el("tbody");
  for (const d of r.deadlines) {
    const row = el("tr", { "data-code": d.code, "data-status": d.status || "unknown", class: d.status === "passed" ? "tool-deadline-passed" : undefined },
      el("td", { class: "tool-title" }, el("span", { text: d.title }), d.notes.length ? el("details", { class: "calc-reasoning" },
        el("summary", { text: "说明" }), el("ul", {}, d.notes.map((n) => el("li", { text: n })))) : null),
      el("td", { class: "tool-num", "data-label": "最后一天", text: d.last_day || "无法计算" }),
      el("td", { class: "tool-days", "data-label": "剩余", text: daysText(d) }),
      el("td", {}, citeList(d.citations, r.citations)));
    body.append(row);
  }
  table.append(body);
  const nodes = [];
  const next = r.deadlines.find((d) => d.status === "open" || d.status === "today");
  nodes.push(el("p", { class: "calc-headline tool-headline", id: "dl-headline",
    text: next ? `最近的期限：${next.title}，最后一天 ${next.last_day}（${daysText(next)}）` : "按所填日期，没有尚未到期的期限" }));
  for (const w of r.warnings) nodes.push(el("p", { class: "calc-notice", text: w.text }));
  nodes.push(table);
  if (r.ics) {
    const btn = el("button", { type: "button", class: "md-button md-button--primary", id: "dl-ics", text: `下载日历提醒（${r.ics_events} 项，.ics）` });
    btn.addEventListener("click", () => download(r.ics, r.ics_filename, "text/calendar;charset=utf-8"));
    nodes.push(el("p", {}, btn), el("p", { class: "calc-help", text: "用手机或电脑的日历打开这个文件即可导入；每项会在到期前提醒。已经过期的期限不放进日历。" }));
  }
  nodes.push(el("h2", { text: "计算方法和需要注意的地方" }), notesList(r.notes, r.citations));  // h2: the page has no other level between (axe heading-order)
  nodes.push(el("p", { class: "calc-muted", text: r.disclaimer }));
  showResult(output, result, nodes);
}

async function compute() {
  clearErrors(form);
  general.hidden = true;
  const p = payload();
  if (!p.act) {
    showEmpty(output, result, "请填写买家申请退款的日期。");
    return;
  }
  try {
    render(await call("deadlines", p));
  } catch (err) {
    const field = err.field === "decision" || err.field === "tier" ? null : err.field;
    showFailure(output, result, form, { field, message: err.message }, general);
  }
}

// URL state from the calculator's link: act, decision, tier, amount (and province/region if present).
const params = new URLSearchParams(location.search);
for (const [k, v] of params) {
  const value = v.slice(0, 40);
  if ((k === "act" || k === "known_date") && /^\d{4}-\d{2}-\d{2}$/.test(value)) form.elements[k].value = value;
  else if (k === "act" || k === "known_date") carried[k] = value; // malformed: let Python explain
  else if (k === "amount" || k === "province") form.elements[k].value = value;
  else if (["decision", "tier", "region", "attempt", "c"].includes(k)) carried[k] = value;
}
if (carried.tier && TIER_LABELS[carried.tier]) {
  tierNote.textContent = `计算器的结论：${TIER_LABELS[carried.tier]}。修改金额会重新判断档次。`;
  tierNote.hidden = false;
}

bindForm(form, compute, 150, (e) => {
  const name = e.target && e.target.name;
  if (name === "amount" || name === "province") {
    delete carried.tier;
    delete carried.region;
    tierNote.hidden = true;
  }
  if (name && name in carried) delete carried[name];
});
compute();
