// Shared helpers of the merchant tool pages (deadlines, fees, platform, documents).
// Everything is rendered with createElement / textContent, never innerHTML built from input.
import { onProgress } from "./pyclient.mjs";
import { describeLoading, retryButton } from "./loading.mjs";
import { el, todayISO } from "./dom.mjs";

export { el, todayISO };

export const SITE_ROOT = new URL("../", import.meta.url);

export function citationLink(id, citations) {
  const c = (citations && citations[id]) || {};
  const label = c.label || id;
  if (!c.url) return el("span", { class: "calc-cite", text: label });
  const a = el("a", { class: "calc-cite", href: new URL(c.url, SITE_ROOT).href, text: label, title: c.title || label });
  if (c.confidence && c.confidence !== "VERIFIED") a.append(el("span", { class: "calc-pending", text: "（待核实）" }));
  return a;
}

export function citeList(ids, citations) {
  if (!ids || !ids.length) return null;
  const span = el("span", { class: "calc-cites" }, "依据：");
  [...new Set(ids)].forEach((id, i) => {
    if (i) span.append("、");
    span.append(citationLink(id, citations));
  });
  return span;
}

// Loading state of the Python worker -> a status line and a progress bar; `what` says what the page
// loads in its own words (loading.mjs: MB so far of the total, time left on a slow connection, a
// retry button after a failure).
export function bindStatus(statusEl, progressEl, resultEl, what = "计算器") {
  const order = { starting: 0, runtime: 1, python: 2, import: 3, ready: 4 };
  onProgress((s) => {
    const box = statusEl.parentElement;
    box?.classList.toggle("calc-failed", !!s.failed);
    if (s.failed) {
      statusEl.textContent = s.detail || `${what}加载失败。`;
      if (s.retry) statusEl.append(" ", retryButton(() => resultEl?.removeAttribute("data-state")));
      resultEl?.setAttribute("data-state", "failed");
      return;
    }
    if (s.ready) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    statusEl.textContent = describeLoading(s, what).text;
    if (progressEl) progressEl.value = order[s.stage] ?? 0;
  });
}

// Show a PythonError {field, message} next to its field (an element id "err-<field>"), or in `general`.
export function clearErrors(root) {
  for (const p of root.querySelectorAll(".calc-error")) {
    p.hidden = true;
    p.textContent = "";
  }
  for (const i of root.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
}

export function showError(root, err, general) {
  const field = err && err.field;
  const message = (err && err.message) || "计算失败。";
  const target = field ? root.querySelector(`#err-${CSS.escape(field)}`) : null;
  if (target) {
    target.textContent = message;
    target.hidden = false;
    const input = root.querySelector(`[name="${CSS.escape(field)}"]`);
    if (input) input.setAttribute("aria-invalid", "true");
  } else {
    general.textContent = message;
    general.hidden = false;
  }
}

export function base64ToBytes(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// Offer bytes or text as a file download (a blob: URL; nothing leaves the browser).
export function download(data, filename, mime) {
  const blob = new Blob([data], { type: mime });
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
    a.remove();
  }, 1000);
}

export function debounce(fn, ms) {
  let t = null;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

// A tool's form: recompute `ms` after the last input or change, at once on submit. `onInput(event)`
// runs first on every input (e.g. to forget a value carried over from the URL).
export function bindForm(form, compute, ms, onInput = null) {
  const later = debounce(compute, ms);
  form.addEventListener("input", (e) => {
    if (onInput) onInput(e);
    later();
  });
  form.addEventListener("change", later);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    compute();
  });
}

// Put a tool's answer on screen (null / false entries are skipped) and mark the result box done.
export function showResult(output, result, nodes) {
  output.replaceChildren(...nodes.filter(Boolean));
  result.setAttribute("data-state", "done");
}

// Nothing to compute yet: a hint in place of the result.
export function showEmpty(output, result, hint) {
  output.replaceChildren(el("p", { class: "calc-muted", text: hint }));
  result.setAttribute("data-state", "empty");
}

// A call that failed: no result, the box marked, the message beside its field (showError).
export function showFailure(output, result, form, err, general) {
  output.replaceChildren();
  result.setAttribute("data-state", "error");
  showError(form, err, general);
}

export function notesList(notes, citations) {
  if (!notes || !notes.length) return null;
  const ul = el("ul", { class: "tool-notes" });
  for (const n of notes) {
    const li = el("li", {}, el("span", { text: n.text }));
    if (n.pending) li.classList.add("tool-pending");
    const c = citeList(n.citations, citations);
    if (c) li.append(" ", c);
    ul.append(li);
  }
  return ul;
}
