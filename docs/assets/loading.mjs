// loading.mjs: the Python worker's loading state where the reader is (issue 12 §4, issue 15).
//
//   import { describeLoading, loadingNote, retryButton } from "./loading.mjs";
//   describeLoading(state, what, now?) -> {text, short, eta}   pure: the words for a pyclient state
//   loadingNote(anchor, {what, onText, onRetry, showNow})      a status line right after `anchor`
//                                                              (e.g. the amount field's label block)
//   retryButton(onRetry)                                       a "重试" button that restarts Python
//
// The figures: state.loaded / state.total are bytes on the wire (pyclient.mjs onProgress); the time
// left is estimated from the speed so far, and only shown when it is long enough to matter (a slow
// connection): at least ETA_MIN_S left, after ETA_AFTER_MS of downloading.

import { onProgress, retry } from "./pyclient.mjs";

const ETA_MIN_S = 8;
const ETA_AFTER_MS = 1500;
const MB = 1e6;

export function formatMB(bytes) {
  const mb = bytes / MB;
  return mb >= 10 ? mb.toFixed(0) : mb.toFixed(1);
}

// state: the pyclient onProgress state; what: what is loading, in the page's words ("计算器",
// "照片检查程序"); now: performance.now(). Returns {text, short, eta} (eta in seconds or null).
export function describeLoading(state, what = "计算器", now = performance.now()) {
  if (state.ready) return { text: `${what}已就绪`, short: `${what}已就绪`, eta: null };
  if (state.failed) return { text: state.detail || `${what}未能启动`, short: `${what}未能启动`, eta: null };
  const loaded = state.loaded || 0;
  const total = Math.max(state.total || 0, loaded);
  let eta = null;
  const elapsed = now - (state.started || now);
  if (state.stage === "runtime" && total > loaded && loaded > 0 && elapsed > ETA_AFTER_MS) {
    const speed = loaded / elapsed; // bytes per ms
    const left = (total - loaded) / speed / 1000;
    if (left >= ETA_MIN_S) eta = Math.ceil(left / 5) * 5;
  }
  let figures = "";
  if (total > 0 && state.stage === "runtime") figures = `${formatMB(loaded)} / ${formatMB(total)} MB`;
  const later = state.stage === "python" || state.stage === "import";
  const doing = later ? `正在启动${what}` : `正在加载${what}`;
  const text = [doing + (figures ? `：已下载 ${figures}` : "……"),
    eta ? `，网络较慢，约还需 ${eta} 秒` : "",
    later || !total ? "" : "（只在第一次打开时下载，之后可离线使用）"].join("");
  const short = `${doing}${figures ? " " + figures : "……"}${eta ? `，约 ${eta} 秒` : ""}`;
  return { text, short, eta };
}

export function retryButton(onRetry) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "md-button py-retry";
  button.textContent = "重试";
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await retry();
      onRetry?.();
    } catch {
      // the new failure is shown by onProgress
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

// A status line inserted after `anchor`, hidden until the reader starts typing in anchor's form (or
// at once with showNow), and again once Python is ready. onText(short, state) mirrors the short form
// elsewhere (the sticky bar). onRetry runs after a successful retry (e.g. compute again).
export function loadingNote(anchor, { what = "计算器", onText = null, onRetry = null, showNow = false } = {}) {
  const note = document.createElement("p");
  note.className = "py-loading";
  note.setAttribute("role", "status");
  // (styled here, CSSOM: no stylesheet edit, allowed by the CSP)
  note.style.cssText = "margin:.3rem 0;font-size:.7rem;font-weight:600;color:var(--md-default-fg-color--light)";
  note.hidden = true;
  const text = document.createElement("span");
  // one button, shown after a failure (re-creating it on every render would swallow a click: focusing
  // it wakes the note, which renders again)
  const again = retryButton(onRetry);
  const showAgain = (on) => {
    again.hidden = !on;
    again.style.display = on ? "" : "none"; // Material's .md-button sets display, [hidden] alone is not enough
  };
  showAgain(false);
  note.append(text, " ", again);
  anchor.after(note);
  let wanted = showNow;
  let last = null;
  const render = (st) => {
    last = st;
    const d = describeLoading(st, what);
    text.textContent = d.text;
    note.classList.toggle("py-loading-failed", !!st.failed);
    note.style.color = st.failed ? "#c62828" : "";
    showAgain(!!(st.failed && st.retry));
    note.hidden = st.ready || !(wanted || st.failed);
    note.dataset.stage = st.stage;
    onText?.(d.short, st);
  };
  const form = anchor.closest("form") || anchor;
  const wake = () => {
    if (wanted) return;
    wanted = true;
    if (last) render(last);
  };
  form.addEventListener("input", wake);
  form.addEventListener("keydown", wake);
  form.addEventListener("focusin", wake);
  // re-render every second while downloading: the time left moves with the clock
  const tick = setInterval(() => {
    if (last && !last.ready && !last.failed) render(last);
    if (last && last.ready) clearInterval(tick);
  }, 1000);
  onProgress(render);
  return note;
}
