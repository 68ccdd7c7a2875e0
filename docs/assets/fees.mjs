// The court-fee page (/tools/fees/): form -> Python (calculators.toolkit.fees) -> steps table.
import { call } from "./pyclient.mjs";
import { yuan } from "./money.mjs";
import { el, bindStatus, clearErrors, citeList, notesList, bindForm, showResult, showEmpty, showFailure, citationLink } from "./tools-common.mjs";

const $ = (id) => document.getElementById(id);
const form = $("fees-form");
const output = $("fees-output");
const result = $("fees-result");
const general = $("err-general");

bindStatus($("fees-status"), $("fees-progress"), result);

function payload() {
  return {
    amount: $("f-amount").value,
    simple: $("f-simple").checked,
    mediation: $("f-mediation").checked,
    preservation: $("f-preservation").value,
  };
}

function stepsTable(steps, caption) {
  const table = el("table", { class: "tool-table" });
  if (caption) table.append(el("caption", { text: caption }));
  table.append(el("thead", {}, el("tr", {}, ["分段", "本段金额", "比例或定额", "本段费用"].map((h) => el("th", { text: h })))));
  const body = el("tbody");
  for (const s of steps) {
    body.append(el("tr", {},
      el("td", { text: s.band }),
      el("td", { text: yuan(s.portion_yuan) }),
      el("td", { text: s.rate_percent ? `按 ${s.rate_percent}` : `每件 ${yuan(s.fixed_yuan)}` }),
      el("td", { class: "tool-num", text: yuan(s.subtotal_yuan) })));
  }
  table.append(body);
  return table;
}

function render(r) {
  const nodes = [];
  nodes.push(el("p", { class: "calc-headline tool-headline", "data-fee": r.fee_yuan, id: "fees-total" },
    `应交案件受理费：${yuan(r.fee_yuan)}`));
  nodes.push(el("p", { text: `诉讼请求金额 ${yuan(r.amount_yuan)}，按第十三条第（一）项分段累计：` }));
  nodes.push(stepsTable(r.steps));
  nodes.push(el("p", {}, `合计（全额）：${yuan(r.full_fee_yuan)}。`, citeList(["susong-feiyong-2006#art-13"], r.citations)));
  for (const red of r.reductions) {
    nodes.push(el("p", {}, `${red.label}，减半交纳：${yuan(red.fee_yuan)}。`, citeList([red.citation], r.citations)));
  }
  if (r.preservation) {
    const p = r.preservation;
    nodes.push(el("h3", { text: "财产保全申请费" }));
    nodes.push(stepsTable(p.steps, `保全财产数额 ${yuan(p.amount_yuan)}`));
    nodes.push(el("p", { id: "fees-preservation" },
      p.capped ? `按分段计算为 ${yuan(p.uncapped_yuan)}，超过上限，按 ${yuan(p.cap_yuan)} 交纳。` : `保全申请费：${yuan(p.fee_yuan)}。`,
      citeList([p.citation], r.citations)));
  }
  nodes.push(el("h3", { text: "说明" }));
  nodes.push(notesList(r.notes, r.citations));
  nodes.push(el("p", { class: "calc-muted", text: r.disclaimer }));
  showResult(output, result, nodes);
}

async function compute() {
  clearErrors(form);
  general.hidden = true;
  const p = payload();
  const url = new URL(location.href);
  url.search = "";
  if (p.amount) url.searchParams.set("amount", p.amount);
  if (p.simple) url.searchParams.set("simple", "1");
  if (p.mediation) url.searchParams.set("mediation", "1");
  if (p.preservation) url.searchParams.set("preservation", p.preservation);
  history.replaceState(null, "", url);
  if (!p.amount.trim()) {
    showEmpty(output, result, "请输入诉讼请求金额。");
    return;
  }
  try {
    render(await call("fees", p));
  } catch (err) {
    showFailure(output, result, form, err, general);
  }
}

async function loadSchedule() {
  const box = $("fees-schedule");
  try {
    const { schedule } = await call("fees", { schedule: true });
    const pc = schedule.property_case;
    const table = el("table", { class: "tool-table", id: "fees-bands" });
    table.append(el("thead", {}, el("tr", {}, ["诉讼请求金额", "收费", "条文原文"].map((h) => el("th", { text: h })))));
    const body = el("tbody");
    for (const b of pc.bands) {
      body.append(el("tr", {},
        el("td", { text: b.label }),
        el("td", { text: b.rate_percent ? `按 ${b.rate_percent}` : `每件 ${yuan(b.fixed_yuan)}` }),
        el("td", { class: "tool-quote", text: b.text })));
    }
    table.append(body);
    const reds = el("ul", {}, schedule.reductions.map((r) => el("li", {}, el("span", { text: r.text }), " ", citationLink(r.citation, schedule.citations))));
    box.replaceChildren(el("p", {}, citationLink(pc.citation, schedule.citations), "：", pc.heading), table, el("p", { text: "减半交纳：" }), reds);
  } catch (err) {
    box.replaceChildren(el("p", { class: "calc-error", text: err.message || "收费标准表加载失败。" }));
  }
}

// URL state -> form (only the keys this page knows; values stay text and go through the Python checks).
const params = new URLSearchParams(location.search);
if (params.has("amount")) $("f-amount").value = params.get("amount").slice(0, 40);
if (params.get("preservation")) $("f-preservation").value = params.get("preservation").slice(0, 40);
$("f-simple").checked = params.get("simple") === "1";
$("f-mediation").checked = params.get("mediation") === "1";

bindForm(form, compute, 150);
loadSchedule();
compute();
