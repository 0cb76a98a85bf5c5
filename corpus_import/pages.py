"""Page furniture of texts printed to PDF or copied from a browser's print view.

A page printed from a browser carries a running header (the date and time of printing,
the page's title) and a running footer (its address, "3/12"); a PDF's pages carry running
heads and page numbers. These lines recur on every page with only their numbers
changing, so a short line whose shape (digits aside) recurs three times or more, and that
holds a number or an address, is furniture. A MediaWiki page copied as text keeps its
"[edit]" links after each heading: they are removed too. Pure text in, text out; the words
taken out are returned for the ledger.

Numbered section headings ("1. Origins", "2. Decline", "2.1 The first crisis") look like
the items of a numbered list; `mark_numbered_headings` tells them apart by the layout of
the whole document (see there).
"""

from __future__ import annotations

import re
from collections import Counter

from .data import Para
from .normalize import count_words, ends_sentence

_DIGITS = re.compile(r"\d+")
# MediaWiki's section edit links as a text copy keeps them, in the larger editions.
_EDIT_LINK = re.compile(
    r"\s*\[\s*(edit|editar|bearbeiten|modifier|modifica|edytuj|upravit|redigeren|"
    r"править|редактировать)(\s*\|\s*[^\]|]{1,30})?\s*\]\s*$",
    re.I,
)
# The browser's title line of a saved MediaWiki page, "Title - Wikipedia[, tagline]",
# above the page's own title: the site's name is no part of the text.
_SITE_TITLE = re.compile(r"^(?P<title>.{1,200}?)\s+[-–—|]\s+\S*wiki\S*(\s*,.{0,80})?$", re.I)
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
    site_title = _site_title_line(lines)
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
    for k, line in enumerate(lines):
        if k == site_title:
            removed += count_words(line)
            samples.append(line.strip())
            changed = True
            continue
        if furniture and line.strip() and _shape(line) in furniture:
            removed += count_words(line)
            if len(samples) < 3 and line.strip() not in samples:
                samples.append(line.strip())
            changed = True
            continue
        if line.rstrip().endswith("]") and _EDIT_LINK.search(line) and len(line) < 300:
            new = _EDIT_LINK.sub("", line)
            removed += count_words(line) - count_words(new)
            if "[edit] links" not in samples:
                samples.append("[edit] links")
            line = new
            changed = True
        out.append(line)
    return ("\n".join(out) if changed else text), removed, samples


def _site_title_line(lines: list[str]) -> int | None:
    """The index of a first line "Title - Wikipedia…" that the next line repeats as
    "Title" (a page saved from a MediaWiki site), else None."""
    nonblank = [k for k, line in enumerate(lines[:12]) if line.strip()][:2]
    if len(nonblank) < 2:
        return None
    m = _SITE_TITLE.match(lines[nonblank[0]].strip())
    if m and " ".join(m.group("title").split()) == " ".join(lines[nonblank[1]].split()):
        return nonblank[0]
    return None


# "1. Origins", "2) Decline", "2.1 The first crisis": a number, then a short title.
_NUMBERED = re.compile(r"^\s*(\d{1,2})(?:\.(\d{1,2}))?(?:[.)]\s*|\s+)(?=\S)(?P<title>.+)$", re.S)
_BODY_WORDS = 15


def _numbered_title(para: Para) -> tuple[int, int | None] | None:
    """(number, sub-number) of a line shaped like a numbered heading: a short title
    that starts with a capital and does not end as a sentence does."""
    first = para.text[:1]
    if first == " ":
        first = para.text[:4].lstrip()[:1]
    if para.kind or not first.isdigit():
        return None  # (the cheap test first: it is asked of every paragraph)
    from .structure import heading_like

    m = _NUMBERED.match(para.text)
    if not m:
        return None
    title = m.group("title").strip()
    if not title[:1].isupper() or ends_sentence(title) or not heading_like(title, 10):
        return None
    return int(m.group(1)), int(m.group(2)) if m.group(2) else None


def _is_body(para: Para) -> bool:
    return (
        para.kind in ("", "paragraph")
        and count_words(para.text) >= _BODY_WORDS
        and not _NUMBERED.match(para.text)
    )


def mark_numbered_headings(paras: list[Para]) -> int:
    """Numbered lines that are the document's section headings become headings.

    The evidence must be strong, as a PDF's text lays such headings out: numbered lines
    with short, title-like text, each standing alone (not after another numbered line)
    and followed by body paragraphs, with body paragraphs between one and the next, and
    numbers that go 1, 2, 3… through the document (at least two of them). A real numbered
    list (items one after another, sentences, no body between them) fails these tests and
    stays a list. "2.1" lines under heading 2 are sub-sections (heading 2 may stand right
    above its "2.1"). Returns the headings made.
    """
    if len(paras) < 4:
        return 0
    chosen: list[tuple[int, int]] = []  # (index, level)
    expected, current, sub = 1, 0, 0
    for k, para in enumerate(paras):
        found = _numbered_title(para)
        if found is None:
            continue
        number, subnumber = found
        before = paras[k - 1] if k else None
        if (
            before is not None
            and _NUMBERED.match(before.text)
            and not (subnumber == 1 and _numbered_title(before) == (number, None))
        ):
            continue  # an item after an item: a list (a heading over its first sub-heading is not)
        nxt = paras[k + 1] if k + 1 < len(paras) else None
        if nxt is None or not (
            _is_body(nxt) or (subnumber is None and _numbered_title(nxt) == (number, 1))
        ):
            continue
        if subnumber is None and number == expected:
            chosen.append((k, 2))
            current, expected, sub = number, number + 1, 0
        elif subnumber is not None and number == current and subnumber == sub + 1:
            chosen.append((k, 3))
            sub = subnumber
    top = [k for k, level in chosen if level == 2]
    if len(top) < 2:
        return 0
    for (a, level_a), (b, level_b) in zip(chosen, chosen[1:], strict=False):
        if not any(_is_body(p) for p in paras[a + 1 : b]) and not (level_a == 2 < level_b):
            return 0
    for k, level in chosen:
        paras[k].kind, paras[k].level = "heading", level
    return len(chosen)
