// "复制引用" on the statute pages: one delegated listener for the whole page (no per-article code).
// The citation is built from the page itself: the title/version carried by #law-data, the unit's
// label and paragraphs, and the unit's permalink.
// Text: 《中华人民共和国刑法》第二百六十六条：……（来源：<permalink>；文本：<version>）

const data = document.getElementById("law-data");

export function citationText(unit, info, href) {
  const heading = unit.querySelector("h1, h2, h3, h4, h5, h6");
  const link = heading ? heading.querySelector(".law-unit__link") : null;
  const label = (link ? link.textContent : "").trim();
  const body = Array.from(unit.querySelectorAll(":scope > p"), (p) => p.textContent.trim()).join("\n");
  const partial = info.confidence && info.confidence !== "VERIFIED" ? "【待核实：本文本未核对官方原文】" : "";
  const version = info.version ? `；文本：${info.version}` : "";
  return `《${info.title}》${label}：${body}（来源：${href}${version}）${partial}`;
}

async function copy(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (_) {
      // fall through to the selection method
    }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch (_) {
    ok = false;
  }
  area.remove();
  return ok;
}

function showManual(button, text) {
  // Copying is blocked (e.g. a browser policy): show the text so the reader can select it.
  let box = button.parentElement.querySelector(".law-cite__manual");
  if (!box) {
    box = document.createElement("textarea");
    box.className = "law-cite__manual";
    box.setAttribute("readonly", "");
    box.rows = 4;
    button.after(box);
  }
  box.value = text;
  box.focus();
  box.select();
}

if (data) {
  const info = {
    title: data.dataset.title || "",
    version: data.dataset.version || "",
    confidence: data.dataset.confidence || "",
  };
  document.addEventListener("click", async (event) => {
    const button = event.target instanceof Element ? event.target.closest("button.law-cite") : null;
    if (!button) return;
    const unit = button.closest(".law-unit");
    const heading = unit ? unit.querySelector("[id]") : null;
    if (!unit || !heading) return;
    const href = new URL("#" + heading.id, location.href).href;
    const text = citationText(unit, info, href);
    button.dataset.citation = text;
    const ok = await copy(text);
    if (ok) {
      button.textContent = "已复制";
    } else {
      button.textContent = "请手动复制";
      showManual(button, text);
    }
    setTimeout(() => {
      button.textContent = "复制引用";
    }, 2000);
  });
}
