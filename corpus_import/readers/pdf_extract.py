"""Text extracted from a PDF (an online library's export): a title page, a contents table
with page numbers, running headers and page numbers, pages sometimes out of order.

This reader takes the title page apart (banner, title, author, year, original venue)
and drops running headers; the contents table, broken paragraphs and section order are
handled by the structure stage, which every reader shares.
"""

from __future__ import annotations

import re
from collections import Counter

from ..data import Hints, RawDocument
from ..metadata import lone_year, looks_like_byline, looks_like_title, parse_byline
from ..normalize import count_words, key_for
from ..structure import CONTENTS_TITLE, PAGE_REF
from . import register
from ._text import numbered_lines, paras_from_lines

BANNER = re.compile(r"\b(anti-?copyright|copyleft|library|archive|public domain)\b", re.I)
DOMAIN = re.compile(r"^(https?://)?[\w-]+(\.[\w-]+)+(/\S*)?$", re.I)
VENUE = re.compile(
    r"(#\s?\d+|\bno\.\s?\d+|\bvol\.|\bissue\b|^(copied|retrieved|originally published|"
    r"published in|first published|reprinted)\b)",
    re.I,
)
RETRIEVED = re.compile(r"\b(retrieved|accessed|downloaded|converted)\b.*$", re.I)
COPIED = re.compile(r"\s*\b(copied|taken|reproduced) from\b.*$", re.I)
PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")


@register
class PdfExtractReader:
    name = "pdf_extract"
    max_score = 0.85  # the most `detect` returns

    def detect(self, text: str) -> float:
        lines = text[:300_000].split("\n")
        score = 0.0
        for i, line in enumerate(lines):
            if CONTENTS_TITLE.match(line.strip()):
                following = [t for t in lines[i + 1 : i + 8] if t.strip()]
                if sum(1 for t in following if PAGE_REF.search(t)) >= 2:
                    score = 0.85
                    break
        pages = sum(1 for line in lines if PAGE_NUMBER.match(line))
        if pages >= 3 and pages >= len(lines) / 200:
            score = max(score, 0.7)
        if any(BANNER.search(line) and "copyright" in line.lower() for line in lines[:5]):
            score = max(score, 0.8)
        return score

    def read(self, text, ledger):
        ledger.read = count_words(text)
        lines = numbered_lines(text)
        paras = paras_from_lines(lines, blank_mode=True)
        # Running headers: short lines repeated on many pages.
        counts = Counter(key_for(p.text) for p in paras if count_words(p.text) <= 12)
        repeated = {k for k, c in counts.items() if c >= 3 and k}
        body = []
        for p in paras:
            if key_for(p.text) in repeated or PAGE_NUMBER.match(p.text):
                ledger.drop(p.text)
            else:
                body.append(p)
        hints, body = self._title_page(body, ledger)
        if not body:
            return []
        last = max((n for n, t in lines if t.strip()), default=1)
        return [
            RawDocument(
                paras=body, line_start=1, line_end=last, hints=hints, head_parsed=bool(hints.title)
            )
        ]

    def _title_page(self, paras, ledger):
        hints = Hints()
        end = 0
        while end < len(paras) and count_words(paras[end].text) < 25:
            if CONTENTS_TITLE.match(paras[end].text.strip()):
                break
            end += 1
        page, rest = paras[:end], paras[end:]
        if len(page) < 2:
            return hints, paras
        leftover = []
        for k, para in enumerate(page):
            text = para.text.strip()
            if k == 0 and BANNER.search(text) and count_words(text) <= 8:
                ledger.drop(text)
            elif not hints.title and looks_like_title(text) and not lone_year(text):
                hints.title = text
                ledger.meta(text)
            elif lone_year(text):
                if not hints.published:
                    from datetime import date

                    hints.published, hints.date_precision = date(lone_year(text), 1, 1), "year"
                ledger.meta(text)
            elif DOMAIN.match(text):
                ledger.drop(text)
            elif hints.title and key_for(hints.title) in key_for(text):
                ledger.meta(text)  # "Author Title Year" repeated on the title page
            elif VENUE.search(text):
                venue = RETRIEVED.sub("", COPIED.sub("", text)).strip(" .,;")
                if venue and not hints.venue:
                    hints.venue = venue
                ledger.meta(text)
            elif (
                hints.title
                and hints.authors is None
                and looks_like_byline(text)
                and count_words(text) <= 8
                and not any(c.isdigit() for c in text)
            ):
                hints.authors, org = parse_byline(text)
                hints.organization = hints.organization or org
                ledger.meta(text)
            else:
                leftover.append(para)
        return hints, leftover + rest
