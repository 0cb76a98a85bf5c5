"""HTML pages, through a real parser (the standard library's html.parser).

Navigation, footers, asides, forms, scripts and styles are chrome. `<h1>` (or `<title>`)
is the title; `<meta>` author/date/language/site name are hints.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ..data import Hints, Para
from ..metadata import parse_byline, parse_date, same_title
from ..normalize import collapse_spaces, count_words
from . import register

SKIP = {"script", "style", "noscript", "nav", "footer", "aside", "form", "svg", "template",
        "button", "select", "iframe", "head"}  # fmt: skip
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "pre",
          "dt", "dd", "td", "th", "div", "section", "article", "main", "header", "br", "tr",
          "ul", "ol", "table", "figure", "address", "caption", "body"}  # fmt: skip
KINDS = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
         "h6": "heading", "blockquote": "quotation", "figcaption": "caption",
         "caption": "caption", "p": "paragraph", "pre": "paragraph"}  # fmt: skip
TITLE_SEPARATOR = re.compile(r"\s+[|–—:-]{1,2}\s+")
TOP = 8  # the title and the site's name are among the first blocks of a page
VOID = {"br", "img", "hr", "meta", "link", "input", "source", "wbr", "area", "base", "col"}


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paras: list[Para] = []
        self.buffer: list[str] = []
        self.stack: list[str] = []
        self.skip_depth = 0
        self.words_read = 0
        self.words_skipped = 0
        self.title = ""
        self.in_title = False
        self.meta: dict[str, str] = {}
        self.lang = ""
        self.ol_counters: list[int] = []
        self.kind_stack: list[tuple[str, int]] = []
        self.start_line = 1

    # -- tags --
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html" and attrs.get("lang"):
            self.lang = (attrs.get("lang") or "")[:2].lower()
        if tag == "meta":
            name = (attrs.get("name") or attrs.get("property") or "").lower()
            if name and attrs.get("content"):
                self.meta[name] = attrs["content"]
            return
        if tag == "title":
            self.in_title = True
            return
        if tag in VOID:
            if tag == "br":
                self.buffer.append(" ")
            return
        self.stack.append(tag)
        if tag in SKIP:
            self.skip_depth += 1
            return
        if tag in BLOCKS:
            self._flush()
            self.start_line = self.getpos()[0]
        if tag == "ol":
            start = str(attrs.get("start") or "1")
            self.ol_counters.append(int(start) - 1 if start.isdigit() else 0)
        if tag == "li" and self.ol_counters and "ol" in self.stack:
            self.ol_counters[-1] += 1
            self.buffer.append(f"{self.ol_counters[-1]}. ")  # counted with the item
            self.kind_stack.append(("li-ol", len(self.stack)))
        elif tag == "li":
            self.kind_stack.append(("list_item", len(self.stack)))
        elif tag in KINDS:
            self.kind_stack.append((KINDS[tag] + (tag if tag[0] == "h" else ""), len(self.stack)))

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
            return
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if top in SKIP:
                self.skip_depth -= 1
            if top in BLOCKS:
                self._flush()
            if top == "ol" and self.ol_counters:
                self.ol_counters.pop()
            while self.kind_stack and self.kind_stack[-1][1] > len(self.stack):
                self.kind_stack.pop()
            if top == tag:
                break

    def handle_data(self, data):
        # Words are counted where they are whole: a tag inside a word ("e<mark>l") splits
        # its text into two pieces of data but leaves one word in the paragraph. Kept text
        # is counted when its paragraph is made, the title once it is complete.
        if self.in_title:
            self.title += data
            return
        if self.skip_depth:
            words = count_words(data)
            self.words_read += words
            self.words_skipped += words
            return
        self.buffer.append(data)

    def _flush(self):
        text = collapse_spaces(" ".join("".join(self.buffer).split()))
        self.buffer = []
        if not text:
            return
        self.words_read += count_words(text)
        kind, level = "", 2
        if self.kind_stack:
            kinds = [entry[0] for entry in self.kind_stack]
            k = kinds[-1]
            for outer in ("quotation", "li-ol", "list_item"):
                if outer in kinds and not k.startswith("heading"):
                    k = outer
                    break
            if k.startswith("heading"):
                kind, level = "heading", int(k[-1])
            elif k == "li-ol":
                kind = ""  # "3. text": the structure stage makes it a numbered item
            elif k == "list_item":
                kind = "list_item"
            else:
                kind = k
        self.paras.append(Para(text, self.start_line, kind, level))

    def close(self):
        super().close()
        self._flush()
        self.words_read += count_words(self.title)


def html_to_paras(markup: str) -> _Extractor:
    parser = _Extractor()
    parser.feed(markup)
    parser.close()
    return parser


@register
class HtmlReader:
    name = "html"
    max_score = 0.9  # the most `detect` returns

    def detect(self, text: str) -> float:
        head = text[:5000].lower()
        if re.search(r"<!doctype html|<html[\s>]|<body[\s>]", head):
            return 0.9
        tags = len(re.findall(r"</?(p|div|h[1-6]|li|br|a)[\s>/]", text[:50_000], re.I))
        return 0.7 if tags >= 4 else 0.0

    def read(self, text, ledger):
        from .webextract import read_page

        return read_page(text, ledger)


def hints_from_html(parsed: _Extractor, ledger) -> tuple[Hints, list[Para]]:
    """Title from the page; the headings that repeat it (or the site's name) are dropped.

    `<title>` is usually "Page title | Site name". A heading near the top that matches the
    page title is the title (whatever its level: blogs use <h2 class="entry-title">), the
    site's name in a header <h1> is chrome; failing a match, the first <h1> is the title.
    """
    hints = Hints(language=parsed.lang)
    paras = list(parsed.paras)
    title_text = collapse_spaces(parsed.title)
    segments = [s for s in TITLE_SEPARATOR.split(title_text) if s.strip()] if title_text else []
    site_names = segments[1:] + [parsed.meta.get("og:site_name", "")]
    top = [k for k, p in enumerate(paras[:TOP]) if p.kind == "heading"]
    match = next((k for k in top if segments and same_title(paras[k].text, segments[0])), None)
    if match is None:
        match = next((k for k in top if paras[k].level == 1), None)
    if match is not None:
        hints.title = paras[match].text
        ledger.meta(paras[match].text)
        if title_text:
            ledger.drop(title_text)
    elif title_text:
        hints.title = segments[0] if segments else title_text
        ledger.meta(title_text)
    keep = []
    for k, p in enumerate(paras):
        if (
            k < TOP
            and p.kind == "heading"
            and (
                k == match
                or same_title(p.text, hints.title)
                or any(same_title(p.text, name) for name in site_names if name)
            )
        ):
            if k != match:
                ledger.drop(p.text)  # the title again, or the site's name: chrome
            continue
        keep.append(p)
    paras = keep
    for p in paras:
        if p.kind == "heading":
            p.level = max(2, p.level)
    meta = parsed.meta
    author = meta.get("author") or meta.get("article:author") or meta.get("citation_author")
    if author:
        hints.authors, org = parse_byline(author)
        hints.organization = org
    hints.organization = hints.organization or meta.get("og:site_name", "")
    for key in ("article:published_time", "citation_publication_date", "date", "dc.date",
                "pubdate", "publication_date"):  # fmt: skip
        if meta.get(key):
            hints.published, hints.date_precision = parse_date(meta[key])
            if hints.published:
                break
    return hints, paras
