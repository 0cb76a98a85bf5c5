"""An RSS-reader dump: many articles, each opened by the reader's toolbar line
(`[*] [+] [-] [x] [A+] [a-]`), then `[l] at M/D/YY h:mm`, then usually a byline.

Articles have no titles; the metadata stage gives them provisional ones.
"""

from __future__ import annotations

import re

from ..data import Hints, RawDocument
from ..metadata import looks_like_byline, parse_byline, parse_date
from ..normalize import count_words
from . import register
from ._text import numbered_lines, paras_from_lines

TOOLBAR = re.compile(r"^\s*(\[[^\]\s]{1,3}\]\s*){3,}$")
STAMP = re.compile(r"^\s*\[[^\]\s]{1,3}\]\s+at\s+(?P<when>.+)$", re.I)


@register
class ReaderDumpReader:
    name = "reader_dump"
    max_score = 0.95  # the most `detect` returns

    def detect(self, text: str) -> float:
        toolbars = stamps = 0
        for line in text[:500_000].split("\n"):
            toolbars += TOOLBAR.match(line) is not None
            stamps += STAMP.match(line) is not None
            if toolbars >= 1 and stamps >= 1 or stamps >= 2:
                return 0.95  # counting on cannot change the answer
        return 0.0

    def read(self, text, ledger):
        ledger.read = count_words(text)
        lines = numbered_lines(text)
        marker = TOOLBAR if any(TOOLBAR.match(line) for _, line in lines) else STAMP
        starts = [i for i, (_, line) in enumerate(lines) if marker.match(line)]
        for _, line in lines[: starts[0]]:
            ledger.drop(line)  # the reader's header (feed name and the like)
        documents = []
        for k, start in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(lines)
            doc = self._record(lines[start:end], ledger)
            if doc is not None:
                documents.append(doc)
        return documents

    def _record(self, lines, ledger):
        hints = Hints()
        i = 0
        if TOOLBAR.match(lines[0][1]):
            ledger.drop(lines[0][1])
            i = 1
        while i < len(lines) and not lines[i][1].strip():
            i += 1
        if i < len(lines) and STAMP.match(lines[i][1]):
            when = STAMP.match(lines[i][1]).group("when")
            hints.published, hints.date_precision = parse_date(when)
            ledger.meta(lines[i][1])
            i += 1
        while i < len(lines) and not lines[i][1].strip():
            i += 1
        if i < len(lines):
            line = lines[i][1]
            nxt = next((t for _, t in lines[i + 1 :] if t.strip()), "")
            if looks_like_byline(line) and count_words(nxt) > count_words(line):
                hints.authors, hints.organization = parse_byline(line)
                ledger.meta(line)
                i += 1
        body = lines[i:]
        paras = paras_from_lines(body, blank_mode=True)
        if not paras:
            return None
        return RawDocument(
            paras=paras,
            line_start=lines[0][0],
            line_end=max(n for n, t in lines if t.strip()),
            hints=hints,
            head_parsed=True,
        )
