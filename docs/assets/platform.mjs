// The platform review page (/tools/platform/): questions from the rule data -> Python -> duties.
import { call } from "./pyclient.mjs";
import { el, bindStatus, clearErrors, citeList, notesList, bindForm, showResult, showFailure, citationLink } from "./tools-common.mjs";

const $ = (id) => document.getElementById(id);
const form = $("platform-form");
const box = $("platform-questions");
const output = $("platform-output");
const result = $("platform-result");
const general = $("err-general");
let questions = [];

bindStatus($("platform-status"), $("platform-progress"), result);

function control(q, labels) {
  const id = `q-${q.code}`;
  const wrap = el("div", { class: "tool-question" }, el("label", { for: id, text: q.label }));
  let input;
  if (q.kind === "date") {
    input = el("input", { id, name: q.code, type: "date" });
  } else if (q.kind === "number") {
    input = el("input", { id, name: q.code, type: "text", inputmode: "decimal", maxlength: "12", placeholder: "例如 48" });
  } else {
    const choices = q.kind === "yesno" ? ["unknown", "yes", "no"] : ["unknown", ...q.choices.filter((c) => c !== "unknown")];
    input = el("select", { id, name: q.code }, choices.map((c) => el("option", { value: c, text: labels[c] || c })));
  }
  wrap.append(input);
  if (q.help) wrap.append(el("p", { class: "calc-help", text: q.help }));
  wrap.append(el("p", { class: "calc-error", id: `err-${q.code}`, role: "alert", hidden: true }));
  return wrap;
}

function payload() {
  const p = {};
  for (const q of questions) {
    const v = form.elements[q.code]?.value ?? "";
    if (v !== "" && v !== "unknown") p[q.code] = v;
  }
  return p;
}

function duty(d, citations) {
  const node = el("section", { class: "tool-duty", "data-status": d.status, "data-code": d.code },
    el("h3", {}, el("span", { class: "tool-status", text: d.status_label }), d.title),
    el("p", { text: d.summary }),
    el("p", {}, citeList(d.citations, citations)));
  if (d.reasons.length) {
    node.append(el("p", { class: "calc-subhead", text: "你的回答中指向这一点的：" }), el("ul", {}, d.reasons.map((r) => el("li", { text: r }))));
  }
  for (const n of d.notes) node.append(el("p", { class: "calc-notice", text: n }));
  if (d.quotes.length) {
    const det = el("details", { class: "calc-reasoning" }, el("summary", { text: "条文原文" }));
    for (const q of d.quotes) {
      det.append(el("blockquote", {}, citationLink(q.citation, citations), "：", q.text, q.pending ? "（待核实）" : ""));
    }
    node.append(det);
  }
  node.append(el("p", { class: "calc-muted", text: `不确定之处：${d.uncertainty}` }));
  if (d.penalty) node.append(el("p", { class: "calc-muted", text: `罚则：${d.penalty}` }));
  return node;
}

function render(r) {
  const counts = r.duties.reduce((acc, d) => ((acc[d.status] = (acc[d.status] || 0) + 1), acc), {});
  const head = counts.possible_breach
    ? `按你的回答，平台可能有 ${counts.possible_breach} 项义务没有履行`
    : counts.unclear
      ? `还不能判断：有 ${counts.unclear} 项取决于你选了“不清楚”的问题`
      : "按你的回答，未见平台明显未履行义务的迹象";
  const nodes = [el("p", { class: "calc-headline tool-headline", id: "platform-headline", text: head })];
  nodes.push(notesList(r.notes.slice(0, 1), r.citations));
  for (const d of r.duties) nodes.push(duty(d, r.citations));
  if (r.ask_platform.length) {
    nodes.push(el("h3", { text: "可以向平台要求提供" }));
    nodes.push(el("ul", { id: "platform-ask" }, r.ask_platform.map((a) => el("li", { text: a }))));
  }
  nodes.push(el("h3", { text: "另外要知道" }));
  nodes.push(notesList(r.notes.slice(1), r.citations));
  nodes.push(el("p", { class: "calc-muted", text: r.disclaimer }));
  showResult(output, result, nodes);
}

async function compute() {
  clearErrors(form);
  general.hidden = true;
  try {
    render(await call("platform", payload()));
  } catch (err) {
    showFailure(output, result, form, err, general);
  }
}

async function init() {
  try {
    const data = await call("platform", { questions: true });
    questions = data.questions;
    box.replaceChildren(...questions.map((q) => control(q, data.answer_labels)));
    const params = new URLSearchParams(location.search);
    for (const q of questions) {
      const v = params.get(q.code);
      if (v !== null && form.elements[q.code]) form.elements[q.code].value = v.slice(0, 20);
    }
    bindForm(form, compute, 120);
    compute();
  } catch (err) {
    box.replaceChildren(el("p", { class: "calc-error", text: err.message || "问题加载失败。" }));
  }
}

init();
