"""Helpers shared by the plain-text readers: lines into paragraph candidates."""

from __future__ import annotations

import re

from ..data import Para
from ..normalize import collapse_spaces
from ..structure import LIST_BULLET, LIST_NUMBERED, PAGE_REF

_INDENT = re.compile(r"^(\t| {4,})\S")
# A word hyphenated at a line end ("good-" / "tempered"): the next line's first word is
# moved up onto the line, so the rewrapped paragraph reads "good-tempered", not
# "good- tempered". A dash ("--", " - ") at a line end is no hyphen and stays as it is.
# (A next line of one word alone is left: moving it would leave a blank line.) The
# letter before the hyphen is checked in Python: a pattern starting with a literal "-"
# is found five times faster than one opening on a look-behind.
_HYPHEN_BREAK = re.compile(r"-\n([ \t]*)([^\W\d_]\S*)[ \t]+(?=\S)")


def join_line_end_hyphens(text: str) -> str:
    """Words hyphenated at a line end joined whole (see _HYPHEN_BREAK); the number of
    lines stays the same, so line numbers still point where they did."""
    if "-\n" not in text:
        return text

    def join(m: re.Match) -> str:
        start = m.start()
        if start and text[start - 1].isalpha():
            return f"-{m.group(2)}\n{m.group(1)}"
        return m.group(0)

    return _HYPHEN_BREAK.sub(join, text)


def numbered_lines(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    return [(first_line + i, line) for i, line in enumerate(text.split("\n"))]


def blank_line_mode(lines: list[tuple[int, str]]) -> bool:
    """True when paragraphs are separated by blank lines (not one per line)."""
    nonblank = 0
    breaks = 0
    pending_blank = False
    for _, line in lines:
        if line.strip():
            if pending_blank and nonblank:
                breaks += 1
            nonblank += 1
            pending_blank = False
        else:
            pending_blank = True
    return nonblank > 0 and breaks >= max(1, (nonblank - 1) * 0.3)


def _split_block(block: list[tuple[int, str]]) -> list[Para]:
    texts = [line for _, line in block]
    stripped = [t.strip() for t in texts]
    if len(block) == 1:
        return [Para(collapse_spaces(stripped[0]), block[0][0])]
    if all(t.startswith(">") for t in stripped):
        joined = " ".join(t.lstrip("> ").strip() for t in stripped)
        return [Para(collapse_spaces(joined), block[0][0], "quotation")]
    separate = (
        all(len(t) <= 45 for t in stripped)
        or sum(1 for t in texts if PAGE_REF.search(t)) >= 2
        or all(LIST_NUMBERED.match(t) or LIST_BULLET.match(t) for t in stripped)
    )
    if separate:
        return [Para(collapse_spaces(t), n) for (n, _), t in zip(block, stripped, strict=True)]
    paras: list[Para] = []
    current: list[str] = []
    start = block[0][0]
    for (n, _raw), t in zip(block, stripped, strict=True):
        # A list item or a heading-like line inside a wrapped block starts a new para.
        if current and (LIST_NUMBERED.match(t) or LIST_BULLET.match(t)):
            paras.append(Para(collapse_spaces(" ".join(current)), start))
            current, start = [], n
        current.append(t)
    if current:
        paras.append(Para(collapse_spaces(" ".join(current)), start))
    if all(_INDENT.match(raw) for _, raw in block):
        for p in paras:
            p.kind = "quotation"
    return paras


def paras_from_lines(lines: list[tuple[int, str]], blank_mode: bool | None = None) -> list[Para]:
    if blank_mode is None:
        blank_mode = blank_line_mode(lines)
    if not blank_mode:
        return [Para(collapse_spaces(line), n) for n, line in lines if line.strip()]
    paras: list[Para] = []
    block: list[tuple[int, str]] = []
    for n, line in lines:
        if line.strip():
            block.append((n, line))
        elif block:
            paras.extend(_split_block(block))
            block = []
    if block:
        paras.extend(_split_block(block))
    return paras


def single_document(text: str, ledger, *, blank_mode: bool | None = None):
    from ..data import RawDocument
    from ..normalize import count_words

    lines = numbered_lines(text)
    if blank_mode is None:
        blank_mode = blank_line_mode(lines)
    if blank_mode and "-\n" in text:  # wrapped paragraphs: hyphenated words made whole
        text = join_line_end_hyphens(text)
        lines = numbered_lines(text)
    ledger.read = count_words(text)
    paras = paras_from_lines(lines, blank_mode)
    if not paras:
        return []
    return [RawDocument(paras=paras, line_start=paras[0].line, line_end=_last_line(lines))]


def _last_line(lines: list[tuple[int, str]]) -> int:
    for n, line in reversed(lines):
        if line.strip():
            return n
    return 1


# A heading over notes (a page's closing notes, an e-book's "Footnotes:", an EPUB's notes
# file), in the languages the corpus holds; trailing punctuation allowed.
NOTES_HEADING = re.compile(
    r"^((foot|end)-?\s?notes?|notes?|notas|notas al pie|notes de l'auteur|notes de fin|"
    r"notes de bas de page|remarques|anmerkungen|fu(ss|ß)noten|noten|voetnoten|aantekeningen|"
    r"przypisy|poznámky|примечания|сноски|notlar|noter|fotnoter|huomautukset)\W*$",
    re.I,
)
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def cites_a_marker(body: str, markers: list[str]) -> bool:
    """Whether the text before a closing list cites one of its entries' markers ("[1]",
    "^1^", "¹", "word.1", "word*"): then the list is the text's notes; a closing list
    nobody cites ("Note: 1. Bring a pencil…") is text."""
    for marker in dict.fromkeys(markers):
        m = re.escape(marker)
        if marker.isdigit():
            glued = rf"[^\W\d_][.,;:!?'’\"”)]?{m}(?!\d)"
            cite = rf"\[{m}\]|\^{m}\^|{glued}|{re.escape(marker.translate(_SUPERSCRIPT_DIGITS))}"
        else:
            cite = rf"\S{m}|\[{m}\]"
        if re.search(cite, body):
            return True
    return False


# A numbered note entry: "1. text", "1) text", "[1] text", "(1) text", "*) text"; the
# marker then the text. A bare number with no stop or bracket is no entry ("12 men came").
NOTE_ENTRY = re.compile(r"^\s*[\[(]?(\d{1,3}|[*†‡]+)(?:[\])][.:]?|[.)])\s*(\S.*)$", re.S)
