"""An e-book archive's text (Project Gutenberg style): a licence header and footer
around the book, transcriber credits, then chapters.

Title, author and language come from the header; its release and update dates are the
dates of the file, never of the work, so they are not used.
"""

from __future__ import annotations

import re

from ..data import Hints, RawDocument
from ..metadata import parse_byline
from ..normalize import count_words, key_for
from . import register
from ._text import numbered_lines, paras_from_lines

START = re.compile(r"^\s*\*{3}\s*START OF (THE|THIS) PROJECT GUTENBERG.*$", re.I)
END = re.compile(r"^\s*\*{3}\s*END OF (THE|THIS) PROJECT GUTENBERG.*$", re.I)
FIELD = re.compile(r"^\s*(title|author|language|translator|editor)\s*:\s*(.+)$", re.I)
CREDITS = re.compile(
    r"^(produced by|transcribed by|transcriber['’]?s? notes?|e-?text prepared by|"
    r"this (e-?book|etext|file) was (produced|prepared)|updated editions will replace|"
    r"html version by|proofread by)",
    re.I,
)
LANGUAGES = {"english": "en", "spanish": "es", "french": "fr", "german": "de",
             "portuguese": "pt", "italian": "it"}  # fmt: skip


@register
class BookReader:
    name = "book"
    max_score = 0.9  # the most `detect` returns

    def detect(self, text: str) -> float:
        head = text[:30_000]
        return 0.9 if any(START.match(line) for line in head.split("\n")) else 0.0

    def read(self, text, ledger):
        ledger.read = count_words(text)
        lines = numbered_lines(text)
        start = next((i for i, (_, t) in enumerate(lines) if START.match(t)), -1)
        end = next((i for i, (_, t) in enumerate(lines) if END.match(t)), len(lines))
        hints = Hints()
        for _, line in lines[: start + 1]:
            m = FIELD.match(line)
            if m and m.group(1).lower() == "title":
                hints.title = m.group(2).strip()
                ledger.meta(line)
            elif m and m.group(1).lower() == "author":
                hints.authors, org = parse_byline(m.group(2))
                hints.organization = org
                ledger.meta(line)
            elif m and m.group(1).lower() == "language":
                hints.language = LANGUAGES.get(m.group(2).strip().lower(), "")
                ledger.meta(line)
            else:
                ledger.drop(line)
        for _, line in lines[end:]:
            ledger.drop(line)
        paras = paras_from_lines(lines[start + 1 : end], blank_mode=True)
        body = []
        title_key = key_for(hints.title)
        author_keys = {key_for(a) for a in hints.authors or []}
        for k, para in enumerate(paras):
            key = key_for(para.text)
            if CREDITS.match(para.text):
                ledger.drop(para.text)
            elif k < 12 and key and (key == title_key or key.removeprefix("by ") in author_keys):
                ledger.meta(para.text)
            else:
                body.append(para)
        if not body:
            return []
        return [
            RawDocument(
                paras=body,
                line_start=body[0].line,
                line_end=lines[end - 1][0] if end > 0 else 1,
                hints=hints,
                head_parsed=bool(hints.title),
            )
        ]
