"""Page furniture of texts printed to PDF or copied from a browser's print view.

A page printed from a browser carries a running header (the date and time of printing,
the page's title) and a running footer (its address, "3/12"); a PDF's pages carry running
heads and page numbers. These lines recur on every page with only their numbers
changing, so a short line whose shape (digits aside) recurs three times or more, and that
holds a number or an address, is furniture. A MediaWiki page copied as text keeps its
"[edit]" links after each heading: they are removed too. Pure text in, text out; the words
taken out are returned for the ledger.
"""

from __future__ import annotations

import re
from collections import Counter

from .normalize import count_words

_DIGITS = re.compile(r"\d+")
_EDIT_LINK = re.compile(r"\s*\[\s*edit(\s*\|\s*edit source)?\s*\]\s*$", re.I)
# Numbered headings recur with only their numbers changing too: never furniture.
_HEADING_SHAPE = re.compile(
    r"^(chapter|part|book|section|article|canto|letter|cap[ií]tulo|kapitel|chapitre|"
    r"lesson|step|question|figure|table|verse|act|scene)\b",
    re.I,
)
MIN_REPEATS = 3
MAX_WORDS = 15


def _shape(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.split())).casefold()


def strip_page_furniture(text: str) -> tuple[str, int, list[str]]:
    """(text without running heads, footers and edit links, words removed, samples)."""
    if text.lstrip().startswith("<"):
        return text, 0, []  # markup: its readers know its structure
    lines = text.split("\n")
    if len(lines) < 3 * MIN_REPEATS:
        return text, 0, []
    shapes = Counter(
        _shape(line)
        for line in lines
        if line.strip() and len(line) < 200 and any(c.isdigit() for c in line)
    )
    furniture = {
        shape
        for shape, n in shapes.items()
        if n >= MIN_REPEATS and ("#" in shape or "http" in shape) and shape.strip("# /-–—.")
    }
    furniture = {
        s
        for s in furniture
        if count_words(s.replace("#", "0")) <= MAX_WORDS and not _HEADING_SHAPE.match(s)
    }
    removed = 0
    samples: list[str] = []
    out = []
    changed = False
    for line in lines:
        if furniture and line.strip() and _shape(line) in furniture:
            removed += count_words(line)
            if len(samples) < 3 and line.strip() not in samples:
                samples.append(line.strip())
            changed = True
            continue
        if line.rstrip().endswith("]") and _EDIT_LINK.search(line):
            new = _EDIT_LINK.sub("", line)
            removed += count_words(line) - count_words(new)
            line = new
            changed = True
        out.append(line)
    return ("\n".join(out) if changed else text), removed, samples
