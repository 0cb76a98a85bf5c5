"""Structure: paragraph candidates into sections of blocks.

Headings (short unpunctuated lines, ALL-CAPS lines, '(3) Numbered' sub-headings,
chapter headings, explicit Markdown/HTML headings), lists, block quotations, captions;
a run of text flattened onto one line is cut into paragraphs of readable length;
paragraphs broken mid-sentence (a PDF page break) are joined again; the contents table
is taken out of the body and, when the body's sections are out of the contents' order,
they are put back in it.
"""

from __future__ import annotations

import re

from .data import DraftBlock, DraftSection, Ledger, Para
from .normalize import (
    CLOSERS,
    collapse_whitespace,
    count_words,
    ends_sentence,
    key_for,
    split_sentences,
)

LIST_NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(\S.*)$", re.S)
LIST_BULLET = re.compile(r"^\s*[-*+•·‣◦▪]\s+(\S.*)$", re.S)
NUMBERED_HEADING = re.compile(r"^\(\d{1,2}\)\s+\S")
CHAPTER_HEADING = re.compile(
    r"^(chapter|part|book|section|canto|cap[ií]tulo|parte|libro)\s+"
    r"([ivxlcdm]+|\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"first|second|third|primero|segundo|tercero)\b[.:]?(\s.{0,80})?$",
    re.I,
)
# The headings of lists of illustrations or maps: a single word like "Maps" or "Plates"
# is also an essay's section heading, so extract_contents takes such a list out only
# where it reads as one.
_PICTURE_LISTS = (
    r"(list|table) of (the )?(illustrations|plates|maps|figures|engravings)|"
    r"(full[- ]page )?illustrations|maps|maps and plans|plates|"
    r"lijst (der|van) (platen|illustraties)|"
    r"platen|verzeichnis der (abbildungen|karten|tafeln)|abbildungen|karten|"
    r"[íi]ndice de (ilustraciones|grabados|l[áa]minas)|ilustraciones|grabados|"
    r"table des (gravures|illustrations|planches|cartes)|gravures"
)
PICTURE_LIST_TITLE = re.compile(rf"^({_PICTURE_LISTS})\.?$", re.I)
# A contents list, or a list of the book's illustrations or maps, by its heading in the
# languages of printed books ("CONTENTS.", "INHOUD.", "ÍNDICE", "INHALT", "TABLE DES
# MATIÈRES", "LIST OF ILLUSTRATIONS", "MAPS.", "VERZEICHNIS DER ABBILDUNGEN"…), and its
# page column ("PAGE", "CHAP. PAGE", "Bladz.", "Seite", "Pág."), whose header is no entry.
CONTENTS_TITLE = re.compile(
    r"^((table of )?contents( of (the )?(volume|vol\.|part|book)\b.{0,20})?|[íi]ndice( general)?|"
    r"inhalt(sverzeichnis)?|sommaire|sommario|contenidos?|inhoud(sopgave)?|"
    rf"table des mati[èe]res|{_PICTURE_LISTS})\.?$",
    re.I,
)
PAGE_COLUMN = re.compile(
    r"^((chap\.|chapter|cap\.)\s+)?"
    r"(pages?|pp?\.|bladz(ijde)?\.?|blz\.?|seite|s\.|p[áa]g(ina)?s?\.?|pag\.?|folio)$",
    re.I,
)
PAGE_REF = re.compile(r"(\s*\.{2,}\s*|\t+|\s{2,})(\d{1,4}|[ivxlc]{1,6})\.?\s*$")

TRAILING_PAGE = re.compile(r"\s+(\d{1,4}|[ivxlc]{1,6})\.?$")

RESEGMENT_ABOVE = 300  # words; a longer paragraph is a flattened run of text
TARGET_PARAGRAPH = 120  # words per paragraph when re-segmenting


def is_all_caps(text: str) -> bool:
    if len(text) > 200 or text.upper() != text:
        return False
    return sum(1 for c in text if c.isalpha()) >= 3


def heading_like(text: str, max_words: int = 11) -> bool:
    # Re-spacing never changes the word count, so it is checked first, on the text as it
    # is (a cached count): most paragraphs are too long to be headings and stop here.
    if not 1 <= count_words(text) <= max_words:
        return False
    t = " ".join(text.split())
    if len(t) > 90:
        return False
    if not (t[0].isupper() or t[0].isdigit() or t[0] in "(“\"'¿¡"):
        return False
    stripped = t.rstrip(CLOSERS)
    if not stripped or stripped[-1] in ".,;:!?|…-–—" or t.endswith("..."):
        return False
    if t[0] in "“\"'" and not is_all_caps(t):
        return False
    return "@" not in t and "http" not in t.lower()


def classify(paras: list[Para]) -> None:
    """Give every paragraph without a firm kind one: heading, list_item, quotation, or
    paragraph."""
    n = len(paras)
    for i, para in enumerate(paras):
        if para.kind:
            continue
        text = para.text
        m = LIST_NUMBERED.match(text)
        if m and count_words(text) >= 2:
            para.kind, para.list_number = "list_item", int(m.group(1))
            para.text = m.group(2).strip()
            continue
        m = LIST_BULLET.match(text)
        if m:
            para.kind, para.text = "list_item", m.group(1).strip()
            continue
        nxt = paras[i + 1] if i + 1 < n else None
        words = count_words(text)
        if CHAPTER_HEADING.match(text.strip()):
            para.kind, para.level = "heading", 2
            continue
        if nxt is None:
            para.kind = "paragraph"
            continue
        next_is_text = nxt.kind in ("", "paragraph", "quotation") and count_words(nxt.text) >= 12
        if NUMBERED_HEADING.match(text) and heading_like(text, 12) and next_is_text:
            para.kind, para.level = "heading", 3
            continue
        if is_all_caps(text) and words <= 15 and not ends_sentence(text) and next_is_text:
            para.kind, para.level = "heading", 2
            continue
        if heading_like(text) and (next_is_text or nxt.kind == "list_item"):
            para.kind, para.level = "heading", 2
            continue
        if _is_quotation(text):
            para.kind = "quotation"
            continue
        para.kind = "paragraph"


_QUOTE_OPEN = '“"«'
_QUOTE_END = re.compile(r"[”\"»]\s*([\[(][^\])]{0,80}[\])])?\.?$")


def _is_quotation(text: str) -> bool:
    t = text.strip()
    return (
        len(t) > 2 and t[0] in _QUOTE_OPEN and count_words(t) >= 20 and bool(_QUOTE_END.search(t))
    )


def join_broken(paras: list[Para]) -> list[Para]:
    """Join a paragraph that stops mid-sentence with the next one when that one starts in
    lower case: the two halves of a paragraph split by a page break."""
    out: list[Para] = []
    for para in paras:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind in ("", "paragraph")
            and para.kind in ("", "paragraph")
            and para.text[:1].islower()
            and not ends_sentence(prev.text)
            and not prev.text.rstrip().endswith(":")
            and count_words(prev.text) >= 8
        ):
            prev.text = f"{prev.text.rstrip()} {para.text.lstrip()}"
            continue
        out.append(para)
    return out


def resegment(paras: list[Para]) -> tuple[list[Para], int]:
    """Cut paragraphs longer than RESEGMENT_ABOVE words at sentence ends into paragraphs of
    about TARGET_PARAGRAPH words. Returns the paragraphs and the words re-segmented."""
    out: list[Para] = []
    moved = 0
    for para in paras:
        words = count_words(para.text)
        if para.kind not in ("", "paragraph") or words <= RESEGMENT_ABOVE:
            out.append(para)
            continue
        sentences = split_sentences(para.text)
        if len(sentences) < 3:
            out.append(para)
            continue
        moved += words
        chunk: list[str] = []
        chunk_words = 0
        for sentence in sentences:
            chunk.append(sentence)
            chunk_words += count_words(sentence)
            if chunk_words >= TARGET_PARAGRAPH:
                out.append(Para(" ".join(chunk), para.line, "paragraph", resegmented=True))
                chunk, chunk_words = [], 0
        if chunk:
            if chunk_words < TARGET_PARAGRAPH // 3 and out and out[-1].resegmented:
                out[-1].text = f"{out[-1].text} {' '.join(chunk)}"
            else:
                out.append(Para(" ".join(chunk), para.line, "paragraph", resegmented=True))
    return out, moved


def extract_contents(paras: list[Para], ledger: Ledger) -> tuple[list[Para], list[str]]:
    """Take a contents table out of the body. Returns (paragraphs, headings it lists).

    The table is a 'Contents' line followed by short entries (often with page numbers);
    it ends at a long paragraph or where the first entry reappears as a heading. A break
    marker stays in its place: text after a contents table is the opening of the work.
    """
    for i, para in enumerate(paras):
        if not CONTENTS_TITLE.match(para.text.strip()):
            continue
        entries: list[str] = []
        j = i + 1
        first_key = None
        while j < len(paras):
            text = paras[j].text.strip()
            if count_words(text) > 15 or not text:
                break
            if PAGE_COLUMN.match(text):
                j += 1
                continue
            entry = TRAILING_PAGE.sub("", PAGE_REF.sub("", text)).strip()
            key = key_for(entry)
            if first_key is not None and key == first_key:
                break
            if first_key is None:
                first_key = key
            entries.append(entry)
            j += 1
        if len(entries) < 2:
            continue
        if PICTURE_LIST_TITLE.match(para.text.strip()) and not _reads_as_list(paras[i + 1 : j]):
            continue
        for p in paras[i:j]:
            ledger.drop(p.text)
        rest = paras[:i] + [Para("", paras[i].line, "break")] + paras[j:]
        return rest, entries
    return paras, []


def _reads_as_list(items: list[Para]) -> bool:
    """A list of illustrations or maps, not a section of prose under a "Maps" heading:
    it has a page column, most entries end in a page number, or none ends a sentence."""
    texts = [" ".join(p.text.split()) for p in items]
    if any(PAGE_COLUMN.match(t) for t in texts):
        return True
    paged = sum(1 for t in texts if PAGE_REF.search(t) or TRAILING_PAGE.search(t))
    if paged * 2 > len(texts):
        return True
    return not any(t.rstrip(CLOSERS).endswith((".", "!", "?")) for t in texts)


def build_sections(paras: list[Para]) -> list[DraftSection]:
    sections = [DraftSection(heading="")]
    for para in paras:
        if para.kind == "break":
            if sections[-1].heading or sections[-1].blocks:
                sections.append(DraftSection(heading="", level=2))
            continue
        if para.kind == "heading":
            sections.append(DraftSection(heading=collapse_whitespace(para.text), level=para.level))
            continue
        if para.kind == "code":
            # Code keeps its lines and indentation: one block per listing.
            if para.text.strip():
                sections[-1].blocks.append(DraftBlock(para.text.rstrip(), "code"))
            continue
        kind = para.kind if para.kind in ("list_item", "quotation", "caption") else "paragraph"
        text = collapse_whitespace(para.text)
        if text:
            sections[-1].blocks.append(DraftBlock(text, kind, para.list_number))
    return [s for s in sections if s.heading or s.blocks]


def reorder_by_contents(
    sections: list[DraftSection], contents: list[str]
) -> tuple[list[DraftSection], bool]:
    """Put sections back in the order the contents table gives. Sections the table does
    not list travel with the listed section before them; untitled parts are the opening."""
    if not contents:
        return sections, False
    order = {key_for(entry): n for n, entry in enumerate(contents)}
    opening: list[DraftSection] = []
    groups: list[tuple[int, list[DraftSection]]] = []
    for section in sections:
        if not section.heading:
            opening.append(section)
            continue
        rank = order.get(key_for(section.heading))
        if rank is not None:
            groups.append((rank, [section]))
        elif groups:
            groups[-1][1].append(section)
        else:
            opening.append(section)
    if len(groups) < 2:
        return sections, False
    ranked = sorted(groups, key=lambda g: g[0])
    changed = [g[0] for g in groups] != [g[0] for g in ranked] or any(
        s.heading == "" for s in sections[1:]
    )
    merged_opening = DraftSection(heading="")
    for part in opening:
        if not part.heading:
            merged_opening.blocks.extend(part.blocks)
    result = [merged_opening] if merged_opening.blocks else []
    result += [part for part in opening if part.heading]
    for _, group in ranked:
        result.extend(group)
    return result, changed


def structure(paras: list[Para], ledger: Ledger, contents: list[str], *, marked: bool = False):
    """Paragraph candidates -> (sections, warnings, resegmented share, marker words)."""
    warnings: list[str] = []
    paras, found = extract_contents(paras, ledger)
    contents = contents or found
    paras = join_broken(paras)
    paras, moved = resegment(paras) if not marked else (paras, 0)
    if moved:
        warnings.append(
            f"A {moved}-word run of text without paragraph breaks was cut into paragraphs "
            "at sentence ends."
        )
    classify(paras)
    sections = build_sections(paras)
    sections, reordered = reorder_by_contents(sections, contents)
    if reordered:
        warnings.append("Sections were put back in the order of the contents table.")
    return sections, warnings, moved
