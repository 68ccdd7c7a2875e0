"""Tune jieba (used by Material's search plugin to segment Chinese at build time) for this site.

The search box matches whole index tokens or their prefixes, so the index must hold the words
readers type. jieba's default dictionary cuts 仅退款 into 仅/退款 (so "仅退款" would find nothing)
and keeps 行政拘留 as one word (so "拘留" would not find it). We add the domain's words and split
compounds whose second half is what people search for.
"""

from __future__ import annotations

import logging

log = logging.getLogger("mkdocs.hooks.search_zh")

# Words the index must keep whole (a reader types them as one term).
WORDS = [
    "仅退款", "退款不退货", "诈骗罪", "治安管理处罚法", "行政处罚", "数额较大",
    "数额巨大", "数额特别巨大", "合理审查义务", "电子商务法", "不当得利", "刑事和解", "认罪认罚",
    "自首", "坦白", "退赃", "退赔", "谅解", "累犯", "追诉时效", "诉讼时效", "AI生成", "人工智能",
]
# Compounds to split, so that the second half is a token of its own (拘留 finds 行政拘留).
SPLITS = [("行政", "拘留"), ("刑事", "拘留"), ("治安", "拘留"), ("伪造", "照片"), ("平台", "责任"),
          ("民事", "责任"), ("刑事", "责任"), ("行政", "责任")]


def tune() -> bool:
    try:
        import jieba
    except ImportError:
        log.warning("jieba is not installed: Chinese search will match whole phrases only "
                    "(pip install '.[site]')")
        return False
    jieba.setLogLevel(logging.WARNING)
    for w in WORDS:
        jieba.add_word(w, freq=max(jieba.suggest_freq(w, tune=False), 1000))
    for pair in SPLITS:
        jieba.suggest_freq(pair, tune=True)
    return True


def on_config(config, **kwargs):
    tune()
    return config


# --- shorthand citations: "刑法266条" → laws/xingfa/#art-266 ----------------------------------------------
#
# Material's search box cannot find "刑法266条" by itself: it segments a query's Chinese runs with the
# index's own tokens (dropping a run's last character when the rest is a token: "治安法" becomes "治安")
# and looks each piece up as a prefix. So the article pages carry one plain token per article
# (law_pages.alias_token, "xingfaart266", in the hidden search key of the unit), and a small script in
# front of Material's search worker rewrites a shorthand query into that token before Material sees it.
# The alias index is built from the law registry (titles and short titles, with and without
# "中华人民共和国" and a version in brackets) plus the abbreviations below; where a name covers two
# versions of one law (治安管理处罚法), the text in force (no end date) comes first.

import json  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))
if str(_HERE.parent) not in sys.path:
    sys.path.insert(0, str(_HERE.parent))

# Abbreviations readers use that the registry's titles do not give (each to one registry id).
ABBREVIATIONS = {
    "治安法": "zhian", "治安处罚法": "zhian", "治安管理法": "zhian",
    "刑诉法": "xingshi-susong-2018", "刑事诉讼法": "xingshi-susong-2018",
    "电商法": "dianshang-2018", "消法": "xiaobao-2013", "消保法": "xiaobao-2013",
    "反电诈法": "fan-dianxin-zhapian-2022", "行罚法": "xingzheng-chufa-2021",
    "诈骗解释": "zhapian-jieshi-2011", "诈骗司法解释": "zhapian-jieshi-2011",
    "平台规则办法": "wangluo-jiaoyi-pingtai-guize-2025",
}
WORKER_NAME = "search-aliases.js"
_MATERIAL_WORKER_RE = re.compile(r'("search":\s*"[^"]*workers/)(search\.[0-9a-f]+\.min\.js)(")')
_BRACKETS_RE = re.compile(r"[（(][^）)]*[）)]")


def _names(title: str) -> set[str]:
    names = {title, title.removeprefix("中华人民共和国")}
    names |= {_BRACKETS_RE.sub("", n) for n in names}
    return {n.strip() for n in names if n.strip()}


def alias_index() -> dict[str, dict]:
    """{"names": {name: [law id, ...]}, "articles": {law id: {"266": "art-266", "287之1": "art-287-1"}}}.

    The first id of a name is the text in force; the others are tried in order when the first lacks
    the article (an excerpt)."""
    import law_pages
    from calculators.laws import registry

    laws = registry()
    names: dict[str, list[str]] = {}

    def add(name: str, law_id: str) -> None:
        ids = names.setdefault(name, [])
        if law_id not in ids:
            ids.append(law_id)

    for law in laws.values():
        for name in _names(law.title) | _names(law.short):
            add(name, law.id)
    for name, target in ABBREVIATIONS.items():
        for law in laws.values():
            if law.id == target or law.id.startswith(target + "-"):
                add(name, law.id)
    for ids in names.values():
        ids.sort(key=lambda i: (bool(laws[i].in_force_to), -int(re.sub(r"\D", "", laws[i].in_force_from) or 0)))
    articles: dict[str, dict[str, str]] = {}
    for law_id in laws:
        table = {}
        for u in law_pages.load(law_id).units:
            m = re.fullmatch(r"art-(\d+)(?:-(\d+))?", u.anchor)
            if m:
                table[m.group(1) + (f"之{m.group(2)}" if m.group(2) else "")] = u.anchor
        articles[law_id] = table
    return {"names": names, "articles": articles}


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
SHORTHAND_RE = re.compile(r"^(.*?)第?([0-9]+|[零〇一二两三四五六七八九十百千]+)(条)?(?:之([0-9]+|[一二三四五六七八九十]+))?$")


def cn_number(text: str) -> int | None:
    """"266" / "二百六十六" / "十" → the number; None for anything else."""
    if text.isascii() and text.isdigit():
        return int(text)
    total = cur = 0
    for ch in text:
        if ch in _CN_DIGITS:
            cur = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (cur or 1) * _CN_UNITS[ch]
            cur = 0
        else:
            return None
    return total + cur


def normalize_query(query: str) -> str:
    """Full-width digits and Latin letters to ASCII; spaces, quotes and book-title marks removed."""
    out = "".join(chr(ord(c) - 0xFEE0) if c.isalnum() and "\uff10" <= c <= "\uff5a" else c for c in query)
    return re.sub(r"[\s\u3000《》〈〉“”\"']+", "", out)


def rewrite(query: str, index: dict | None = None) -> str:
    """What the browser's worker sends to Material's search for a query (WORKER_JS's rewrite)."""
    index = index or alias_index()
    m = SHORTHAND_RE.match(normalize_query(query))
    if not m:
        return query
    if m.group(1):
        hit = resolve(query, index)
        return law_pages_token(*hit) if hit else query
    n, sub = cn_number(m.group(2)), m.group(4)
    k = cn_number(sub) if sub else None
    if n is None or (sub and k is None) or not m.group(3):
        return query
    key = f"{n}" + (f"之{k}" if sub else "")
    tokens = [law_pages_token(law_id, t[key]) for law_id, t in index["articles"].items() if key in t]
    return " ".join(tokens) or query


def law_pages_token(law_id: str, anchor: str) -> str:
    import law_pages
    return law_pages.alias_token(law_id, anchor)


def resolve(query: str, index: dict | None = None) -> tuple[str, str] | None:
    """(law id, anchor) that a shorthand query names ("刑法266条", "治安法 58 条"), or None. The same
    rule as the browser's (WORKER_JS below); the tests hold the two to the same answers."""
    index = index or alias_index()
    m = SHORTHAND_RE.match(normalize_query(query))
    if not m or not m.group(1):
        return None
    name, num, tiao, sub = m.groups()
    n = cn_number(num)
    k = cn_number(sub) if sub else None
    if n is None or (sub and k is None) or (not tiao and not num.isdigit()):
        return None
    key = f"{n}" + (f"之{k}" if sub else "")
    for law_id in index["names"].get(name, []):
        anchor = index["articles"].get(law_id, {}).get(key)
        if anchor:
            return law_id, anchor
    return None


WORKER_JS = r"""// Generated by site_hooks/search_zh.py: shorthand citations for Material's search worker.
// A query such as "刑法266条", "治安法 58 条", "民法典第一百四十八条" or "刑法２６６条" is rewritten into
// the one index token of that article ("xingfaart266", carried by the article's hidden search key),
// before Material's worker (loaded below, unchanged) reads it; "第266条" without a law becomes the
// tokens of article 266 of every text. Anything else passes through as typed.
"use strict";
var ALIASES = __ALIASES__;
var CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9};
var CN_UNITS = {"十": 10, "百": 100, "千": 1000};
var SHORTHAND = /^(.*?)第?([0-9]+|[零〇一二两三四五六七八九十百千]+)(条)?(?:之([0-9]+|[一二三四五六七八九十]+))?$/;

function cnNumber(text) {
  if (/^[0-9]+$/.test(text)) return parseInt(text, 10);
  var total = 0, cur = 0;
  for (var i = 0; i < text.length; i++) {
    var ch = text.charAt(i);
    if (ch in CN_DIGITS) cur = CN_DIGITS[ch];
    else if (ch in CN_UNITS) { total += (cur || 1) * CN_UNITS[ch]; cur = 0; }
    else return null;
  }
  return total + cur;
}

function normalize(query) {
  return query.replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); })
    .replace(/[\s\u3000《》〈〉“”"']+/g, "");
}

function token(lawId, anchor) {
  var m = /^art-(\d+)(?:-(\d+))?$/.exec(anchor);
  return lawId.replace(/-/g, "") + "art" + m[1] + (m[2] ? "z" + m[2] : "");
}

function rewrite(query) {
  if (typeof query !== "string") return query;
  var plain = normalize(query);
  var m = SHORTHAND.exec(plain);
  if (!m) return query;
  var n = cnNumber(m[2]);
  var k = m[4] ? cnNumber(m[4]) : null;
  if (n === null || (m[4] && k === null)) return query;
  if (!m[3] && (!m[1] || !/^[0-9]+$/.test(m[2]))) return query;
  var key = n + (m[4] ? "之" + k : "");
  if (!m[1]) {  // "第266条": that article of every text that has one
    var all = [];
    for (var id in ALIASES.articles)
      if (ALIASES.articles[id][key]) all.push(token(id, ALIASES.articles[id][key]));
    return all.length ? all.join(" ") : query;
  }
  var ids = ALIASES.names[m[1]] || [];
  for (var i = 0; i < ids.length; i++) {
    var anchor = (ALIASES.articles[ids[i]] || {})[key];
    if (anchor) return token(ids[i], anchor);
  }
  return query;
}

self.addEventListener("message", function (ev) {
  var msg = ev.data;
  if (msg && msg.type === 2 && typeof msg.data === "string") {  // Material's QUERY message
    try { msg.data = rewrite(msg.data); } catch (err) { /* leave the query as typed */ }
  }
});
self.__rewriteQuery = rewrite;
importScripts("__MATERIAL_WORKER__");
"""


def worker_js(material_worker: str, index: dict | None = None) -> str:
    data = json.dumps(index or alias_index(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return WORKER_JS.replace("__ALIASES__", data).replace("__MATERIAL_WORKER__", material_worker)


_material_worker: dict[str, str] = {}


def on_post_page(output, page, config, **kwargs):
    """Point Material's search at the alias worker (it loads Material's own worker unchanged)."""
    def sub(m: re.Match[str]) -> str:
        _material_worker["name"] = m.group(2)
        return m.group(1) + WORKER_NAME + m.group(3)
    return _MATERIAL_WORKER_RE.sub(sub, output, count=1)


def on_post_build(config, **kwargs):
    name = _material_worker.get("name")
    workers = Path(config["site_dir"]) / "assets" / "javascripts" / "workers"
    if not name:
        found = sorted(workers.glob("search.*.min.js"))
        if not found:
            log.warning("Material's search worker not found: shorthand citation search is off")
            return
        name = found[0].name
    (workers / WORKER_NAME).write_text(worker_js(name), "utf-8")
