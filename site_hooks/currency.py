"""MkDocs hook: how current each page is, and a feed of the changes.

- **Per-page 核对日期.** Every content page (``docs/*.md``) carries the date it was last checked
  against the source pack in its front matter (``checked: 2026-11-30``); the legal-information notice
  that site_hooks/rule_tables.py puts under the title shows that date instead of one date for the
  whole site. A content page without it, or with a date that is not ``YYYY-MM-DD``, fails the build.
  Pages below ``docs/`` (the calculator, the tools) may give one too; without it their notice says
  that the page gives no date of its own and points to the 更新记录.
- **Atom feed.** ``feed.xml`` at the site root lists the dated rows of the 更新记录 (docs/changelog.md,
  as rendered: rule data, pages, laws, provincial standards, sources), newest first, each linking to
  its section of the changelog. Its ids and dates come from the rows themselves, so the same
  changelog gives the same feed. Every page's head links to it (docs/overrides/main.html).

Runs after rule_tables (mkdocs.yml): it reads the notice that hook has placed and the changelog
that hook has rendered.
"""

from __future__ import annotations

import datetime as _dt
import html
import html.parser
import re
import sys
import uuid
from pathlib import Path
from xml.sax.saxutils import escape

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

FEED_NAME = "feed.xml"
CHANGELOG = "changelog.md"
FEED_TITLE = "恶意仅退款法律指南：更新记录"
_FEED_NS = uuid.UUID("6f6a8d3e-2b1c-5e4f-9a51-0c3d7e1b2a90")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NOTICE_DATE_RE = re.compile(r"内容最后核对日期：\*\*[^*]*\*\*")


class CurrencyError(Exception):
    pass


def is_content_page(src_uri: str) -> bool:
    """A page of docs/ written by hand and answerable to the source pack: the top-level pages, the
    calculator and the tools (the statute pages and laws/index.md are generated)."""
    if not src_uri.endswith(".md"):
        return False
    return "/" not in src_uri or src_uri == "calculator/index.md" or src_uri.startswith("tools/")


def checked_date(meta: dict, src_uri: str) -> str | None:
    value = meta.get("checked")
    if value is None:
        if is_content_page(src_uri):
            raise CurrencyError(f"{src_uri}: front matter has no 'checked: YYYY-MM-DD' (the page's 核对日期)")
        return None
    text = value.isoformat() if isinstance(value, _dt.date) else str(value).strip()
    if not _DATE_RE.match(text):
        raise CurrencyError(f"{src_uri}: 'checked: {text}' is not a date written YYYY-MM-DD")
    try:
        _dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CurrencyError(f"{src_uri}: 'checked: {text}' is not a date ({exc})") from None
    return text


def page_notice_date(markdown: str, checked: str | None, changelog_link: str = "changelog.md") -> str:
    """Put the page's own date into the notice rule_tables placed (its date was the site's)."""
    if checked:
        replacement = f"本页核对日期：**{checked}**"
    else:
        replacement = f"本页没有单独注明核对日期，法律文本和数额标准的变化见[更新记录]({changelog_link})"
    return _NOTICE_DATE_RE.sub(lambda m: replacement, markdown, count=1)


def on_page_markdown(markdown, page, config, files, **kwargs):  # type: ignore[no-untyped-def]
    src_uri = page.file.src_uri
    if src_uri.startswith("laws/") and src_uri != "laws/index.md":  # statute pages: no notice
        return markdown
    try:
        checked = checked_date(page.meta, src_uri)
    except CurrencyError as exc:
        from mkdocs.exceptions import PluginError
        raise PluginError(str(exc)) from exc
    return page_notice_date(markdown, checked, "../" * src_uri.count("/") + CHANGELOG)


# --- the feed ------------------------------------------------------------------------------------------

class _Changelog(html.parser.HTMLParser):
    """Dated rows of the changelog's tables, with the section (h2 id and title) they sit in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.section = ("changelog", "更新记录")
        self.rows: list[tuple[str, str, list[str]]] = []  # (section id, section title, cells)
        self._h2: dict | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "h2":
            self._h2 = {"id": a.get("id") or "", "text": []}
        elif tag == "a" and "headerlink" in (a.get("class") or ""):
            self._skip += 1
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "h2" and self._h2 is not None:
            self.section = (self._h2["id"], "".join(self._h2["text"]).strip())
            self._h2 = None
        elif tag == "a" and self._skip:
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row and _DATE_RE.match(self._row[0]):
                self.rows.append((self.section[0], self.section[1], self._row))
            self._row = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._h2 is not None:
            self._h2["text"].append(data)
        if self._cell is not None:
            self._cell.append(data)


def changelog_entries(changelog_html: str) -> list[dict]:
    """One entry per dated row: date, section, title, summary, link (relative to the site root)."""
    parser = _Changelog()
    parser.feed(changelog_html)
    entries = []
    for section_id, section_title, cells in parser.rows:
        date, rest = cells[0], [c for c in cells[1:] if c]
        title = f"{section_title}：{_headline(rest[0])}" if rest else section_title
        summary = "；".join(rest)
        key = "\n".join([section_id, date, *rest])
        entries.append({
            "date": date, "section": section_title, "title": title, "summary": summary,
            "link": f"changelog/#{section_id}", "id": f"urn:uuid:{uuid.uuid5(_FEED_NS, key)}",
        })
    entries.sort(key=lambda e: (e["date"], e["id"]), reverse=True)
    return entries


def _headline(text: str, limit: int = 40) -> str:
    """The first sentence of a cell, at most ``limit`` characters."""
    first = re.split(r"(?<=[。；])", text, maxsplit=1)[0].rstrip("。；")
    return first if len(first) <= limit else first[: limit - 1] + "…"


def atom_feed(entries: list[dict], site_url: str = "") -> str:
    base = site_url if site_url.endswith("/") or not site_url else site_url + "/"
    updated = max((e["date"] for e in entries), default="1970-01-01")
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN"{f" xml:base={_q(base)}" if base else ""}>',
        f"  <title>{escape(FEED_TITLE)}</title>",
        "  <subtitle>本站依据的法律、规则数据、数额标准和页面内容的变化（取自更新记录页）</subtitle>",
        f"  <id>urn:uuid:{uuid.uuid5(_FEED_NS, 'feed')}</id>",
        f"  <updated>{updated}T00:00:00Z</updated>",
        '  <link rel="alternate" type="text/html" href="changelog/"/>',
        f'  <link rel="self" type="application/atom+xml" href="{FEED_NAME}"/>',
        "  <author><name>恶意仅退款法律指南</name></author>",
    ]
    for e in entries:
        out += [
            "  <entry>",
            f"    <title>{escape(e['title'])}</title>",
            f"    <id>{e['id']}</id>",
            f"    <updated>{e['date']}T00:00:00Z</updated>",
            f'    <link rel="alternate" type="text/html" href="{escape(e["link"])}"/>',
            f"    <category term={_q(e['section'])}/>",
            f"    <summary>{escape(e['summary'])}</summary>",
            "  </entry>",
        ]
    out.append("</feed>")
    return "\n".join(out) + "\n"


def _q(text: str) -> str:
    return '"' + html.escape(text, quote=True) + '"'


_changelog_html: dict[str, str] = {}


def on_page_content(html_text, page, config, files, **kwargs):  # type: ignore[no-untyped-def]
    if page.file.src_uri == CHANGELOG:
        _changelog_html["html"] = html_text
    return html_text


def on_post_build(config, **kwargs):  # type: ignore[no-untyped-def]
    text = _changelog_html.get("html")
    if text is None:
        from mkdocs.exceptions import PluginError
        raise PluginError(f"{CHANGELOG} was not built: no {FEED_NAME}")
    entries = changelog_entries(text)
    (Path(config["site_dir"]) / FEED_NAME).write_text(atom_feed(entries, config.get("site_url") or ""), "utf-8")
