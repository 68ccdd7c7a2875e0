"""The glossary of legal terms (docs/includes/abbreviations.md) as tooltips on every page.

The file is in Material's abbreviations format (``*[术语]: 解释``); ``pymdownx.snippets`` appends it to
every page and the ``abbr`` extension turns the terms into ``<abbr title>``. That extension only
matches a term between word boundaries (``\\b``), and Chinese text has none between characters, so
most terms inside a sentence are missed. This hook adds what it missed: the first occurrence of each
term on a page, in running text (not in headings, links, code, buttons, form controls, or the
statute pages, whose text is the law's). The calculator page gets the same entries as data for its
results (site_hooks/calculator_page.py).
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "includes" / "abbreviations.md"
ENTRY = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<text>.+)$", re.M)
TOKEN = re.compile(r"(<[^>]*>)")
TAG = re.compile(r"^<(/?)([a-zA-Z0-9]+)")
SKIP = {"a", "abbr", "code", "pre", "script", "style", "h1", "h2", "h3", "h4", "h5", "h6", "button", "select",
        "option", "label", "textarea", "summary", "kbd", "head", "title", "svg", "nav", "header", "footer"}
VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area", "base", "embed", "param", "track"}


@cache
def entries() -> dict[str, str]:
    """{term: explanation}, longest terms first."""
    found = {m["term"].strip(): m["text"].strip() for m in ENTRY.finditer(GLOSSARY.read_text("utf-8"))}
    return dict(sorted(found.items(), key=lambda kv: -len(kv[0])))


def annotate(page_html: str) -> str:
    terms = entries()
    if not terms:
        return page_html
    pattern = re.compile("|".join(re.escape(t) for t in terms))
    seen: set[str] = set()
    for existing in re.findall(r"<abbr[^>]*>([^<]+)</abbr>", page_html):
        seen.add(existing)
    depth = 0
    out: list[str] = []
    for part in TOKEN.split(page_html):
        if part.startswith("<"):
            m = TAG.match(part)
            if m and m[2].lower() in SKIP and not part.endswith("/>") and m[2].lower() not in VOID:
                depth += -1 if m[1] else 1
                depth = max(depth, 0)
            out.append(part)
            continue
        if depth or not part.strip():
            out.append(part)
            continue

        def wrap(mt: re.Match[str]) -> str:
            term = mt[0]
            if term in seen:
                return term
            seen.add(term)
            return f'<abbr title="{html.escape(terms[html.unescape(term)], quote=True)}">{term}</abbr>'

        out.append(pattern.sub(wrap, part))
    return "".join(out)


def on_page_content(html_content: str, page, config, files, **kwargs) -> str:
    if page.file.src_uri.startswith("laws/"):
        return html_content
    return annotate(html_content)
