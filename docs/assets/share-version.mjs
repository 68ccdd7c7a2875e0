// Share links that stay honest. A copied calculator link carries the rule-data version of the answer
// it shows (`rules=<ruleset.hash>`, the 12-hex digest of calculators/rules/*.toml). Opened later, the
// page compares it with the version of the answer it computes now: if the rule data changed, or the
// parameter is not a version at all, a notice says the answer may differ from the one that was shared
// and links to the 更新记录 entry of the current rule data (changelog/#rules-<hash>). The answer is
// given either way. Wiring (calculator.mjs): addVersion(url) when building a link, checkVersion(r)
// when an answer arrives (it adds its notice before #calc-output), readable(href) for the printed link.
import { el } from "./dom.mjs";

export const PARAM = "rules";
const VERSION_RE = /^[0-9a-f]{12}$/;
const CHANGELOG = new URL("../changelog/", import.meta.url);

// What the page was opened with; read once (the address bar is rewritten as the reader edits).
const opened = new URLSearchParams(location.search).getAll(PARAM);
let current = "";

/** The rule-data version of an answer ("" when the answer has none). */
export function versionOf(r) {
  const v = r?.ruleset?.hash ?? r?.rules_version ?? "";
  return VERSION_RE.test(String(v)) ? String(v) : "";
}

/** Put the version of the answer on screen into a link (URL object, changed in place); before the
 *  first answer, keep the version the page was opened with. */
export function addVersion(url) {
  url.searchParams.delete(PARAM);
  const v = current || opened[0];
  if (v) url.searchParams.set(PARAM, v);
  return url;
}

/** A link as a reader reads it on paper: "province=浙江", not "province=%E6%B5%99%E6%B1%9F". */
export function readable(href) {
  try {
    return decodeURI(href);
  } catch {
    return href;
  }
}

/** Remember the answer's version; show (or clear) the notice about the shared link's version. */
export function checkVersion(r, box = document.getElementById("calc-version-notice")) {
  current = versionOf(r) || current;
  if (!opened.length) return null;
  if (!box) {
    const output = document.getElementById("calc-output");
    if (!output) return null;
    box = el("p", { id: "calc-version-notice", class: "calc-version-notice", role: "status" });
    output.before(box);
  }
  const shared = opened[0].trim().toLowerCase();
  let text = "";
  if (opened.length > 1 || !VERSION_RE.test(shared)) {
    const shown = opened.join("、").slice(0, 40);
    text = `链接里的规则数据版本“${shown}”无法识别。下面是按本站现行规则数据（版本 ${current || "未知"}）得出的结果，可能与分享这个链接时看到的不同。`;
  } else if (current && shared !== current) {
    text = `这个链接分享时用的规则数据版本是 ${shared}，本站的规则数据此后已经更新（现行版本 ${current}）。下面的结果按现行规则数据计算，可能与分享时看到的不同。`;
  }
  box.hidden = !text;
  if (!text) {
    box.replaceChildren();
    return null;
  }
  const link = new URL(CHANGELOG);
  link.hash = current ? `rules-${current}` : "rules";
  box.replaceChildren(el("span", { text }), " ", el("a", { href: link.href, text: "看看更新记录里改了什么" }), "。");
  return box;
}
