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
