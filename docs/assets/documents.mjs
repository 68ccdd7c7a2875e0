// The documents page (/tools/documents/): form -> Python (calculators.toolkit.documents) -> printable
// sheets rendered from blocks, and .docx downloads (bytes made in Python, offered as a blob: URL).
import { call } from "./pyclient.mjs";
import { el, bindStatus, clearErrors, showError, citeList, bindForm, todayISO, base64ToBytes, download } from "./tools-common.mjs";

const $ = (id) => document.getElementById(id);
const form = $("docs-form");
const output = $("docs-output");
const tabs = $("docs-tabs");
const warningsBox = $("docs-warnings");
const result = $("docs-result");
const general = $("err-general");
const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const TEXT_FIELDS = ["merchant_name", "merchant_id", "merchant_rep", "merchant_address", "merchant_phone", "shop_name",
  "platform", "buyer_name", "buyer_account", "buyer_id", "buyer_address", "buyer_phone", "order_no", "goods", "amount",
  "order_date", "act", "platform_date", "known_date", "what_happened", "other_loss", "other_loss_note", "evidence",
  "police", "court", "merchant_agreed"];
// Facts that arrive from the calculator's link and have no control here: passed through unchanged.
const PASS_THROUGH = ["province", "region", "decision", "c", "tier"];
const carried = {};
let current = "appeal";

bindStatus($("docs-status"), $("docs-progress"), result, "文书起草程序");

function payload() {
  const p = { today: todayISO() };
  for (const name of TEXT_FIELDS) {
    const v = form.elements[name].value;
    if (v !== "") p[name] = v;
  }
  if ($("d-attempt").checked) p.attempt = "1";
  return { ...carried, ...p };
}

function blockNode(b) {
  switch (b.type) {
    case "note": return el("p", { class: "doc-note", text: b.text });
    case "title": return el("p", { class: "doc-title", text: b.text });
    case "heading": return el("p", { class: "doc-heading", text: b.text });
    case "table": {
      const t = el("table", { class: "tool-table" });
      t.append(el("thead", {}, el("tr", {}, b.header.map((h) => el("th", { text: h })))));
      t.append(el("tbody", {}, b.rows.map((r) => el("tr", {}, r.map((c) => el("td", { text: c }))))));
      return t;
    }
    default: {
      const cls = [b.indent ? "doc-indent" : "", b.align === "right" ? "doc-right" : "", b.align === "center" ? "doc-center" : ""].join(" ").trim();
      return el("p", { class: cls || undefined, text: b.text });
    }
  }
}

function printSheet(sheet) {
  document.body.classList.add("tool-printing");
  sheet.classList.add("doc-print-target");
  const done = () => {
    document.body.classList.remove("tool-printing");
    sheet.classList.remove("doc-print-target");
    window.removeEventListener("afterprint", done);
  };
  window.addEventListener("afterprint", done);
  window.print();
}

function select(kind) {
  current = kind;
  for (const b of tabs.querySelectorAll("button")) b.setAttribute("aria-selected", String(b.dataset.kind === kind));
  for (const s of output.querySelectorAll(".doc-sheet-wrap")) s.hidden = s.dataset.kind !== kind;
}

// Every blank the drafts still hold: the 【请填写：…】 placeholders and the empty date lines, per
// document, in the order they appear (the engine's own "missing" note names only the main ones).
const PLACEHOLDER = /【请填写：([^】]+)】/g;
const DATE_BLANK = /_{2,}年_{1,}月_{1,}日/g;

export function blanksOf(blocks) {
  const found = [];
  const add = (label) => { if (!found.includes(label)) found.push(label); };
  const scan = (text) => {
    for (const m of String(text).matchAll(PLACEHOLDER)) add(m[1]);
    if (DATE_BLANK.test(String(text))) add("日期（____年__月__日）");
    DATE_BLANK.lastIndex = 0;
  };
  for (const b of blocks) {
    if (b.type === "table") for (const row of [b.header, ...b.rows]) row.forEach(scan);
    else scan(b.text || "");
  }
  return found;
}

function blanksNote(documents) {
  const parts = documents.map((d) => [d.title, blanksOf(d.blocks)]).filter(([, list]) => list.length);
  if (!parts.length) return null;
  return el("li", { "data-code": "blanks" }, "草稿中还空着、需要你补上的内容（文书中以【请填写：…】或横线标出）：",
    el("ul", {}, parts.map(([title, list]) => el("li", {}, el("strong", { text: `${title}：` }), list.join("、")))));
}

function render(r) {
  const blanks = blanksNote(r.documents);
  warningsBox.replaceChildren(...r.warnings.filter((w) => !(blanks && w.code === "missing"))
    .map((w) => el("li", { "data-code": w.code, text: w.text })), ...(blanks ? [blanks] : []));
  tabs.replaceChildren(...r.documents.map((d) => el("button", {
    type: "button", class: "md-button", role: "tab", "data-kind": d.kind, text: d.title,
  })));
  const wraps = r.documents.map((d) => {
    const sheet = el("article", { class: "doc-sheet", "data-kind": d.kind }, d.blocks.map(blockNode));
    const bytes = d.docx_base64 ? base64ToBytes(d.docx_base64) : null;
    const dl = el("button", { type: "button", class: "md-button md-button--primary doc-download", "data-kind": d.kind, text: `下载 Word 文件（${d.filename}）` });
    dl.addEventListener("click", () => bytes && download(bytes, d.filename, DOCX_MIME));
    const pr = el("button", { type: "button", class: "md-button doc-print", text: "打印这份文书" });
    pr.addEventListener("click", () => printSheet(sheet));
    return el("div", { class: "doc-sheet-wrap", "data-kind": d.kind },
      el("div", { class: "doc-actions" }, dl, pr), sheet, el("p", {}, citeList(d.citations, r.citations)));
  });
  output.replaceChildren(...wraps);
  for (const b of tabs.querySelectorAll("button")) b.addEventListener("click", () => select(b.dataset.kind));
  select(r.documents.some((d) => d.kind === current) ? current : r.documents[0]?.kind);
  result.setAttribute("data-state", "done");
}

async function compute() {
  clearErrors(form);
  general.hidden = true;
  try {
    render(await call("documents", payload()));
  } catch (err) {
    result.setAttribute("data-state", "error");
    showError(form, err, general);
  }
}

// Facts from the calculator's link: fill the matching controls; keep the others to pass through.
const params = new URLSearchParams(location.search);
for (const [k, v] of params) {
  const value = v.slice(0, 200);
  if (k === "attempt") $("d-attempt").checked = value === "1" || value === "true";
  else if (TEXT_FIELDS.includes(k) && form.elements[k] && form.elements[k].type !== "date") form.elements[k].value = value;
  else if (TEXT_FIELDS.includes(k) && /^\d{4}-\d{2}-\d{2}$/.test(value)) form.elements[k].value = value;
  else if (TEXT_FIELDS.includes(k)) carried[k] = value; // a malformed date: let Python explain it
  else if (PASS_THROUGH.includes(k)) carried[k] = value;
  else if (k === "doc" && ["appeal", "police", "complaint"].includes(value)) current = value;
}

bindForm(form, compute, 400, (e) => {
  if (e.target && e.target.name && e.target.name in carried) delete carried[e.target.name];
});
compute();
