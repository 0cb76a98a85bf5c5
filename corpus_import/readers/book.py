"""E-book archive texts (Project Gutenberg of every era): boilerplate around the book,
credits, a title page, a contents list, then chapters.

The layouts this knows, as families rather than files:
- header: the 1990s "small print" etext (`**The Project Gutenberg Etext of T by A**`,
  licence between `*START*THE SMALL PRINT` and `*END*THE SMALL PRINT`), and the
  2000s-2020s eBook header (`Title:`/`Author:`/`Release Date:` fields, then
  `*** START OF THIS|THE PROJECT GUTENBERG EBOOK ... ***`);
- footer: `End of (the) Project Gutenberg's ...` and `*** END OF ... ***`, then the licence;
- front matter: producer and transcriber credits, `[Illustration]`, a title page of short
  capitalised or letter-spaced lines (title, "by"/"von" line, publisher, copyright year),
  a contents list (never sections);
- chapter headings: "CHAPTER I" with its title on the next line (one heading), a bare
  roman numeral ("I."), or a capitalised heading of one or two lines before prose.

Release, posting and update dates in the header date the file, never the work: they are
reported as ignored. A year on the title page is the year of that edition.
"""

from __future__ import annotations

import re
from functools import partial

from ..data import Hints, Para, RawDocument
from ..metadata import name_case, parse_byline, parse_date, years_in_words
from ..normalize import count_words, key_for
from ..structure import CONTENTS_TITLE, PAGE_COLUMN
from . import register
from ._text import NOTES_HEADING, join_line_end_hyphens, numbered_lines

START = re.compile(
    r"^\s*\*{3}\s*START OF (THE|THIS) PROJECT GUTENBERG.*$"
    r"|^\s*\*+\s*END\*?\s*THE SMALL PRINT.*$",
    re.I,
)
SMALL_PRINT = re.compile(r"START\*+\s*THE SMALL PRINT|Project Gutenberg'?s? E-?text", re.I)
END = re.compile(
    r"^\s*\**\s*END OF (THE |THIS )?PROJECT GUTENBERG.*$"
    r"|^\s*\**\s*END OF THE PROJECT GUTENBERG.*$",
    re.I,
)
ETEXT_LINE = re.compile(
    r"^\W*(the )?project gutenberg('s)? e-?(text|book) of (?P<title>.+?),? by (?P<author>.+?)\W*$",
    re.I,
)
# Other archives' plain-text e-books: Project Gutenberg of Australia ("A Project Gutenberg
# of Australia eBook", `eBook No.:`, `Date first posted:`, `Most recent update:`, a
# licence paragraph, "To contact Project Gutenberg of Australia go to…" as a footer) and
# Faded Page / Distributed Proofreaders Canada ("This eBook is made available at no
# cost…", `Date of first publication:`, `[End of T by A]`): a header of `Title:` /
# `Author:` fields and licence paragraphs before the work, with no START marker.
ARCHIVE_MARK = re.compile(
    r"project gutenberg (of )?australia|gutenberg\.net\.au|fadedpage|faded page|"
    r"pgdp ?canada|distributed proofread\w* canada|this e-?book is made available at no cost",
    re.I,
)
HEADER_FIELD = re.compile(
    r"^\W*(title|sub-?title|author|language|translator|editor|illustrator|e-?book (no|#)|"
    r"e-?book number|date first posted|date first published|date of first publication|"
    r"first published|original publication|most recent update|date most recently updated|"
    r"date last updated|last updated|release date|posting date|this e-?book was produced by|"
    r"produced by|production notes?|character set encoding|edition|source|publisher|copyright|"
    r"faded page e-?book)"
    r"\b[^:]{0,12}:?",
    re.I,
)
LICENCE_WORDS = re.compile(r"public domain|copyright|licen[cs]e|restrictions|redistribut", re.I)
ARCHIVE_FOOTER = re.compile(
    r"^\W*(to contact project gutenberg|this site is full of free e-?books|"
    r"\[end of\b.{1,200}\]\W*$)",
    re.I,
)
WORK_DATE_FIELD = re.compile(
    r"^\s*(date of first publication|date first published|first published|"
    r"original publication)\b[^:]{0,20}:\s*(?P<value>.+)$",
    re.I,
)
FIELD = re.compile(r"^\s*(title|author|language|translator|editor)\s*:\s*(.+)$", re.I)
FILE_DATE_FIELD = re.compile(
    r"^\s*\[?\s*(release date|posting date|last updated|this file was first posted|"
    r"first posted|date first posted|most recently updated|most recent update|"
    r"date most recently updated|date last updated)\b.*$",
    re.I,
)
CREDITS = re.compile(
    r"^(produced by|transcribed (from .{0,80})?by|transcriber['’]?s? notes?\W*$|"
    r"e-?text (was )?prepared by|this (e-?book|etext|e-text|file) was (produced|prepared)|"
    r"updated editions will replace|html version by|proofread by|"
    r"digitized by|scanned by|(special )?thanks (are due )?to)",
    re.I,
)
ILLUSTRATION = re.compile(
    r"^\[(illustration|ilustración|abbildung|picture|afbeelding|gravure|image)[^\]]*\]$", re.I
)
# A caption running over several blocks: "[Illustration: CENTRAL EUROPE 1789" … "]".
ILLUSTRATION_OPEN = re.compile(
    r"^\[(illustration|ilustración|abbildung|picture|afbeelding)\b", re.I
)
# An entry of a printed contents list ending in its page number (arabic or roman, set off
# by spaces, a leader of dots or a tab; "17." as Dutch and German lists print it).
ENTRY_PAGE = re.compile(r"(?:\s{2,}|\.{2,}\s*|\t|\s[.·]\s)(?:\d{1,4}|[ivxlcdm]{1,7})\.?$", re.I)


def _page_list(para: Para) -> bool:
    """A block of contents entries with page numbers (or the page column's header): at
    least half of its lines end in a page number."""
    lines = para.text.split("\n")
    paged = sum(1 for t in lines if ENTRY_PAGE.search(t) or PAGE_COLUMN.match(t.strip()))
    return paged >= 1 and paged * 2 >= len(lines)


def _prose(para: Para) -> bool:
    """Prose, not a list of entries with page numbers (whose spaced-out lines look long)."""
    return _is_prose(para) and not _page_list(para)


CHAPTER = re.compile(
    r"^(chapter|book|part|canto|letter|cap[ií]tulo|kapitel|chapitre|libro|livre|buch)"
    r"\s+([ivxlcdm]+|\d+|[a-záéíóú]+)\b\.?(\s.{0,200})?$",
    re.I,
)
# Parts above chapters (a book's BOOK / PART / VOLUME divisions, in the e-books'
# languages): "PART II", "Book the First", "Volume One", "Primera parte del ingenioso
# hidalgo…", "Erster Teil", "Livre premier". Only a heading followed at once by a
# chapter heading is taken for one (see `_part_at`): alone, "PART I" stays a chapter.
_PART_WORDS = r"part|book|volume|vol\.|parte|libro|tomo|teil|buch|band|livre|tome|partie"
_ORDINALS = (
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|"
    r"primera|primer|primero|segunda|segundo|tercera|tercero|cuarta|cuarto|quinta|quinto|"
    r"erste[rs]?|zweite[rs]?|dritte[rs]?|vierte[rs]?|letzte[rs]?|"
    r"premi[eè]re?|deuxi[eè]me|seconde?|troisi[eè]me|quatri[eè]me|derni[eè]re?"
)
PART_HEADING = re.compile(
    rf"^(?:(?:{_PART_WORDS})\s+(?:[ivxlcdm]+|\d+|the\s+\w+|one|two|three|four|five|six|"
    rf"seven|eight|nine|ten|{_ORDINALS})\b|(?:{_ORDINALS})\s+(?:{_PART_WORDS})\b)"
    r"[.:]?(\s.{0,120})?$",
    re.I,
)
CHAPTER_ONLY = re.compile(
    r"^(chapter|canto|letter|cap[ií]tulo|kapitel|chapitre|chapitres?)\s+\S", re.I
)
# The printing licences that open a book printed in Spain or its realms from the 1550s
# (tasa, fe de erratas, privilegio real "El Rey", aprobación, licencia): each is dated,
# often with the year in words, and the book was printed after the last of them.
LICENCE_HEADING = re.compile(
    r"^(la\s+)?(tasa|testimonio de (las )?erratas|fe de (las )?erratas|el rey|"
    r"(suma del )?privilegio|aprobaci[óo]n|licencia( del ordinario)?|censura)$",
    re.I,
)
DIGIT_YEAR = re.compile(r"\b(1[4-8]\d\d)\b")
ROMAN = re.compile(r"^[IVXLC]{1,7}\.?$")
SUB_NUMERAL = re.compile(r"^(\d{1,3}|[ivxlc]{1,6})\.?$")
ROMAN_YEAR = re.compile(r"^M{1,2}[MDCLXVI]{1,12}\.?$")
LONE_YEAR = re.compile(r"^\(?(1[4-9]\d\d|20\d\d)\)?\.?$")
COPYRIGHT_YEAR = re.compile(r"\bcopyright\b.*?\b(1[4-9]\d\d|20\d\d)\b", re.I)
# Title-page lines that name no author: a lone "by" over the name, an illustrator.
TITLE_PAGE_CREDIT = re.compile(
    r"^(by|von|par|por|di|door|av)$|^(with\s+)?(\w+\s+)?(illustrat(ed|ions?)|drawings|"
    r"pictures|frontispiece|decorations|engravings)\b.{0,60}\bby\b.{1,60}$",
    re.I,
)
FIRST_PUBLISHED = re.compile(
    r"^\(?(first\s+(published|printed|issued)|published)\b.{0,60}?\b(?P<year>1[4-9]\d\d|20\d\d)\b\W*$",
    re.I,
)
BY_LINE = re.compile(r"^(by|von|par|por|di|door|av)\s+(?P<name>\S.{1,80})$", re.I)
LETTER_SPACED = re.compile(r"^(\S\s{1,3})+\S$")
# A printed book's matter around the work, in its languages: the rights line, the
# printer's imprint, an edition or impression line, the format and price of a series,
# the publisher's name and address. Chrome wherever they stand before the first chapter,
# and as the last blocks of the book (a colophon).
IMPRINT = re.compile(
    r"^(all rights reserved|alle rechten voorbehouden|alle rechte vorbehalten|"
    r"tous droits (de [^.]{0,60})?r[ée]serv[ée]s|(reservados )?todos los derechos|"
    r"derechos reservados|[ée] propriet[àa] letteraria|"
    r"printed (at|by|in|for)\b|(snelpers|stoom)?druk(kerij)? (van|bij)\b|gedrukt (bij|ter|door)\b|"
    r"druck (von|und verlag|der)\b|imprim[ée]e?s? (par|chez|[àa])\b|imprimerie\b|"
    r"imprenta( de)?\b|tipograf[íi]a\b|entered according to act of congress|"
    r"(price|prijs|preis|precio|prix)\b.{0,60}$|(de )?prijs van\b)",
    re.I,
)
EDITION_LINE = re.compile(
    r"^(the\s+)?([\w.]{1,15}[\s-]+){1,2}(impression|edition|reprint|issue|druk|uitgave|editie|"
    r"auflage|abdruck|[ée]dition|edici[óo]n|tirage)\b\W{0,3}$"
    r"|^(reprinted|new impression|neudruck|herdruk|r[ée]impression|reimpresi[óo]n)\b.{0,60}$",
    re.I,
)
BOOK_FORMAT = re.compile(
    r"^((fcp|fcap|crown|cr|demy|post|royal|imperial|small|large|sq|square)\.?\s+)?\d{1,2}\s?(mo|vo|to)\b"
    r".{0,60}$",
    re.I,
)
PUBLISHER = re.compile(
    r"\b(& co\b|and co\b|& sons\b|and sons\b|& company\b|ltd\b|limited\b|verlag\w*|"
    r"uitgevers?(maatschappij)?\b|uitgeverij\b|[ée]diteurs?\b|editores\b|editorial\b|"
    r"publishers?\b|press\b|company\b)",
    re.I,
)
# The heading of the publisher's list of the author's other books.
AD_HEADING = re.compile(
    r"^((otras|andere|autres|altre)\s+)?((obras|libros|werke|b[üu]cher|schriften|ouvrages|"
    r"[œo]euvres|boeken|werken|opere)\s+)?"
    r"(by the same (author|writer)|also by\b|(other )?(books|works|novels) by\b|"
    r"uniform with this|(door|van) denzelfden (schrijver|auteur)|"
    r"vom (selben|gleichen|demselben) verfasser|du m[êe]me auteur|del mismo autor|"
    r"dello stesso autore)",
    re.I,
)
EDITED_BY = re.compile(
    r"^(edited|translated|selected|compiled|arranged|revised)( and [a-z]+)?( with [^.]{1,60})? by\b"
    r"|^(herausgegeben|[üu]bersetzt|vertaald|bewerkt|traducido|traduit|[ée]dit[ée])"
    r" (von|door|por|par)\b",
    re.I,
)
# Headings of a book's own prefatory parts, never a chapter heading's subtitle.
PREFATORY = re.compile(
    r"^(preface|introduction|foreword|prologue|dedication|contents|vorwort|einleitung|"
    r"widmung|voorrede|inleiding|woord vooraf|prefacio|pr[óo]logo|introducci[óo]n|"
    r"dedicatoria|pr[ée]face|avant-propos|d[ée]dicace)\W*$",
    re.I,
)
_SUBTITLE_LEAD = re.compile(r"^(or|oder|ou|o|of|en|oft?)\b[,;:]?\s*", re.I)
LANGUAGES = {"english": "en", "spanish": "es", "french": "fr", "german": "de",
             "portuguese": "pt", "italian": "it", "dutch": "nl", "russian": "ru",
             "latin": "la", "chinese": "zh"}  # fmt: skip
SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or",
               "the", "to", "with", "from", "into", "de", "la", "el", "y", "der", "die",
               "das", "und"}  # fmt: skip


# Gutenberg's plain-text markup, as its transcribers' notes declare it ("Italic text is
# enclosed in _underscores_; boldface text is enclosed in =equals signs=", "♦sidenote♦"):
# the markers go, the words stay. A marker pair never spans a blank line, never sits
# inside a word ("snake_case", "a=b"), and a run of them ("____", "====") is a rule.
_ITALIC = re.compile(r"\b_(?=[^\s_])((?:[^_\n]|\n(?![ \t]*\n)){1,400}?)(?<=[^\s_])_\b")
_BOLD = re.compile(r"(?<![\w=])=(?=[^\s=])((?:[^=\n]|\n(?![ \t]*\n)){1,400}?)(?<=[^\s=])=(?![\w=])")
_SIDENOTE_MARK = "♦"
# A marker left unpaired at a word's edge, a space on its other side ("sonnets_ à propos
# _of"), in a book whose italics are marked with underscores; "snake_case" is untouched.
# (The pattern opens on the literal "_", which the engine finds fast; the character
# before it is looked at in Python.)
_STRAY_ITALIC = re.compile(r"_(?=[\s.,;:!?]|[^\W_]|$)", re.M)


def _stray(text: str, m: re.Match) -> str:
    """ "" for an unpaired italic marker at a word's edge (see _STRAY_ITALIC)."""
    start = m.start()
    before = text[start - 1] if start else " "
    after = text[start + 1 : start + 2]
    if before.isspace():  # "_of": opens a word
        return "" if after[:1].isalnum() else "_"
    if before.isalnum() or before in ".,;:!?":  # "sonnets_ ", "Diurnall_:": ends one
        return "" if not after[:1].isalnum() else "_"
    return "_"


def strip_markup(text: str) -> str:
    """The e-book's `_italic_`, `=bold=` and `♦sidenote♦` markers out of the text (see
    _ITALIC); lines stay where they were."""
    if "_" in text:
        text, pairs = _ITALIC.subn(r"\1", text)
        if pairs:  # the book marks italics so: markers set astray ("the_ pens _and") go too
            text = _STRAY_ITALIC.sub(partial(_stray, text), text)
    if "=" in text:
        text = _BOLD.sub(r"\1", text)
    return text.replace(_SIDENOTE_MARK, "") if _SIDENOTE_MARK in text else text


# The other name an author line gives in brackets: "Gabriël (AKA Carel van Nievelt)",
# "Mark Twain (pseud. of Samuel Clemens)", "(pseudonym of …)", "(real name …)",
# "(i.e. …)", "(alias …)", "(d.i. …)", "(ps. …)".
OTHER_NAME = re.compile(
    r"\s*[(\[]\s*(?:aka|a\.\s?k\.\s?a\.?|pseud(?:\.|onym)?(?:\s+(?:of|for|van|von|de))?|"
    r"real name|born|n[ée]e?|i\.\s?e\.|alias|d\.\s?i\.|ps\.|eig(?:entlich|\.)|"
    r"seud[óo]nimo(?:\s+de)?)\s*:?\s*(?P<other>[^)\]]{2,80})[)\]]",
    re.I,
)


def _archive_header_end(lines: list[tuple[int, str]]) -> int:
    """The index of the last line of another archive's e-book header (see ARCHIVE_MARK),
    or -1: the blocks from the top that are all field lines, separators or licence
    paragraphs, when they name the archive and give a `Title:`."""
    end, named, titled = -1, False, False
    block: list[int] = []
    for i, (_, line) in enumerate([*lines, (0, "")]):
        if line.strip():
            block.append(i)
            continue
        if not block:
            continue
        texts = [lines[j][1] for j in block]
        flat = " ".join(" ".join(texts).split())
        mark = ARCHIVE_MARK.search(flat)
        # Field lines, separators, the archive's name; a field's value may run on in
        # indented lines.
        fields = all(
            HEADER_FIELD.match(t)
            or SEPARATOR.match(t)
            or ARCHIVE_MARK.search(t)
            or (k and t[:1].isspace() and HEADER_FIELD.match(texts[0]))
            for k, t in enumerate(texts)
        )
        if not (fields or mark or LICENCE_WORDS.search(flat)):
            break
        named = named or bool(mark)
        titled = titled or any(
            FIELD.match(t) and t.strip().lower().startswith("title") for t in texts
        )
        end = block[-1]
        block = []
    return end if named and titled else -1


def _archive_family(header: list[tuple[int, str]], evidence: list[str]) -> str:
    text = "\n".join(t for _, t in header)
    line = next((t.strip() for _, t in header if ARCHIVE_MARK.search(t)), "")
    evidence.append(f"Archive e-book header (no START marker): “{line[:80]}”.")
    if re.search(r"australia|gutenberg\.net\.au", text, re.I):
        return "Project Gutenberg of Australia e-book"
    if re.search(r"fadedpage|faded page|pgdp ?canada|proofread\w* canada", text, re.I):
        return "Faded Page e-book (Distributed Proofreaders Canada)"
    return "E-book with an archive header (Title:/Author: fields)"


def _roman_value(text: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for k, ch in enumerate(text):
        v = values[ch]
        total += -v if k + 1 < len(text) and values[text[k + 1]] > v else v
    return total


# A roman numeral as chapters are numbered (I to CCCXCIX): "CIVIL" or "MILD" is no number.
NUMERAL = re.compile(r"^C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
# Inside one word, a dash run or a full stop before a letter starts a new phrase:
# "I.--THE", "XIV.—THE", "II.THE".
_PHRASE_BREAK = re.compile(r"(?:(?<=--)|(?<=[—–.:]))(?=[^\W\d_])")


def title_case(text: str) -> str:
    """ALL-CAPS words in title case (small words lower case inside a phrase); others as
    they are. Roman numerals stay capitals ("I.--THE MEETING" -> "I.--The Meeting"); a
    word after a full stop, a colon or a dash starts a new phrase. (Names: `name_case`.)"""
    out = []
    phrase_start = True
    for word in text.split():
        pieces = []
        for piece in _PHRASE_BREAK.split(word):
            pieces.append(_case_piece(piece, phrase_start))
            stripped = piece.rstrip("\"'’”)]")
            phrase_start = stripped.endswith((":", ".", "—", "–", "--"))
        out.append("".join(pieces))
    return " ".join(out)


def _case_piece(piece: str, phrase_start: bool) -> str:
    if not any(c.isalpha() for c in piece) or piece.upper() != piece:
        return piece
    bare = piece.strip("\"'‘’“”()[],.;:!?-—–")
    if bare and NUMERAL.match(bare):
        return piece
    lower = piece.lower()
    if not phrase_start and lower.strip("(),.;:-—–") in SMALL_WORDS:
        return lower
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), lower, count=1)


LIFE_DATES = re.compile(r",?\s*\(?\s*(b\.|c\.|ca\.)?\s*1\d{3}\s*[-–]\s*(1\d{3}|20\d\d)?\s*\)?\s*$")


def normalise_author(name: str) -> str:
    """Catalogue forms to the name a reader knows: ALL CAPS in a name's case
    (`metadata.name_case`: "H.G. WELLS" -> "H.G. Wells", particles and O' kept); a leading
    lower-case title ("kniaz'", "graf"), a Russian patronymic and life dates
    ("(1874-1942)") dropped."""
    words = LIFE_DATES.sub("", name).split()
    while len(words) > 2 and words[0][:1].islower():
        words = words[1:]
    if len(words) == 3 and re.search(r"(ovich|evich|ovna|evna|ich)$", words[1], re.I):
        words = [words[0], words[2]]
    return name_case(" ".join(words))


def _blocks(lines: list[tuple[int, str]]) -> list[Para]:
    """Blank-line separated blocks, each keeping its lines (a two-line heading, a title
    page's lines, a contents list) joined by newlines."""
    paras: list[Para] = []
    block: list[str] = []
    first = 0
    for n, line in lines:
        if line.strip():
            if not block:
                first = n
            block.append(line.strip())
        elif block:
            paras.append(Para("\n".join(block), first))
            block = []
    if block:
        paras.append(Para("\n".join(block), first))
    return paras


def _blank_counts(lines: list[tuple[int, str]], paras: list[Para]) -> dict[int, int]:
    """Blank lines before each block, by its first line number."""
    text_of = dict(lines)
    counts = {}
    for para in paras:
        n, blanks = para.line - 1, 0
        while n in text_of and not text_of[n].strip():
            blanks += 1
            n -= 1
        counts[para.line] = blanks
    return counts


def _drop_heading_runs(paras: list[Para], ledger, evidence: list[str]) -> list[Para]:
    """Three chapter headings or more in a row with no text between them are a list of
    chapters (a contents list the reader did not recognise), not chapters: all but the
    last, which heads the text that follows, are dropped."""
    out: list[Para] = []
    run: list[Para] = []
    for para in [*paras, Para("", 0, "paragraph")]:
        if para.kind == "heading" and para.level == 2:
            run.append(para)
            continue
        if len(run) >= 3:
            for p in run[:-1]:
                ledger.drop(p.text)
            evidence.append(f"{len(run) - 1} chapter headings in a row without text dropped.")
            run = run[-1:]
        out.extend(run)
        run = []
        if para.text or para.kind != "paragraph":
            out.append(para)
    return out


def _is_prose(para: Para) -> bool:
    lines = para.text.split("\n")
    letters = [c for c in para.text if c.isalpha()]
    lower = sum(1 for c in letters if c.islower())
    return (
        count_words(para.text) >= 15
        and sum(map(len, lines)) / len(lines) >= 30
        and lower > len(letters) / 2
    )


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and text.upper() == text


def _tkey(text: str) -> str:
    """A title's comparison key, hyphens and dashes alike ("1789-1795", "1789–1795")."""
    return key_for(text.replace("-", " ").replace("&", " and "))


def _title_again(text: str, title_key: str) -> bool:
    """The book's title set again over its first chapter, with or without the years the
    catalogue title adds ("THE SALT ROADS." for "The Salt Roads 1650-1720")."""
    key = _tkey(text)
    if not key or not title_key:
        return False
    return key == title_key or (
        title_key.startswith(key + " ") and title_key[len(key) :].replace(" ", "").isdigit()
    )


def _title_span(lines: list[str], title_key: str) -> tuple[int, int] | None:
    """The lines (start, end) of a block that spell the title, on one line or over up to
    four ("THE / FRENCH REVOLUTION / 1789–1795"), or None."""
    if not title_key:
        return None
    for a in range(len(lines)):
        joined = ""
        for b in range(a, min(a + 4, len(lines))):
            joined = f"{joined} {lines[b]}"
            key = _tkey(joined)
            if key == title_key:
                return a, b + 1
            if not title_key.startswith(key):
                break
    return None


def _subtitle_lines(
    lines: list[str], span: tuple[int, int] | None, author_keys: set[str]
) -> list[str]:
    """The lines right after the title on its title page that go on naming the book
    ("or AN EPOCH OF REST" / "being some chapters from" / "A UTOPIAN ROMANCE"): short,
    no sentence, up to a "by" line, the author, a year or the publisher."""
    if span is None:
        return []
    out: list[str] = []
    for line in lines[span[1] : span[1] + 4]:
        bare = line.strip("_*=[]() ")
        if (
            count_words(line) > 10
            or line.endswith(("!", "?"))
            or BY_LINE.match(line)
            or TITLE_PAGE_CREDIT.match(line)
            or key_for(line) in author_keys
            or LONE_YEAR.match(line)
            or ROMAN_YEAR.match(line)
            or COPYRIGHT_YEAR.search(line)
            or FIRST_PUBLISHED.match(line)
            or _printed_matter(bare)
            or EDITED_BY.match(bare)
            or not any(c.isalpha() for c in line)
        ):
            break
        out.append(line.rstrip(".,;"))
    return out


def _attribution(line: str) -> bool:
    """An epigraph's attribution line: a name in capitals ("STERNE.") or after a dash
    ("—Goethe", "-- Montaigne, Essais")."""
    return (
        0 < count_words(line) <= 6
        and not line.endswith(":")
        and (_caps(line) or line.startswith(("—", "–", "--", "- ")))
        and not CHAPTER.match(line)
        and not PART_HEADING.match(line)
        and not ROMAN.match(line)
        and not CONTENTS_TITLE.match(line)
        and not NOTES_HEADING.match(line)
    )


def ends_with_sentence(line: str) -> bool:
    """A line that ends a sentence ("…!" / "…?"), as a subtitle never does."""
    return line.rstrip("\"'’”»)").endswith(("!", "?"))


def _printed_matter(text: str) -> bool:
    """A block of the printed book's own matter (see IMPRINT): its first line is a
    rights, printer's, edition, format or price line, or it is a short publisher's
    name-and-address block."""
    lines = [t.strip() for t in text.split("\n") if t.strip()]
    if not lines or len(lines) > 5 or count_words(text) > 45:
        return False
    first = lines[0].strip("_*=[]() ")
    return bool(
        IMPRINT.match(first)
        or EDITION_LINE.match(first)
        or BOOK_FORMAT.match(first)
        or (
            PUBLISHER.search(first)
            and count_words(text) <= 30
            and not first.endswith(".")
            and _name_line(first)
        )
    )


# The small words a firm's name has in lower case ("Harwood and Daintree", "Verlag von
# Otto Janke", "Editorial de la Viuda"); any other lower-case word makes a line of prose.
_NAME_LINKS = frozenset({
    "and", "&", "of", "the", "for", "by", "at", "in", "on", "de", "del", "della", "des",
    "du", "di", "la", "le", "les", "van", "von", "der", "den", "und", "et", "y", "e", "en",
    "co", "co.", "ltd", "ltd.", "sons",
})  # fmt: skip


def _name_line(line: str) -> bool:
    """A firm's name-and-place line ("THE WHITEFRIARS PRESS, LTD., LONDON", "Harwood and
    Daintree, Ltd., 12 Gresham Lane"), not a line of prose that names a company ("And so
    the company parted at the gate, never"): at most one other word in lower case."""
    words = re.findall(r"[^\W\d_][\w'’.&-]*|&", line)
    lower = [w for w in words if w[0].islower() and w.lower() not in _NAME_LINKS]
    return len(lower) <= 1


def drop_back_matter(paras: list[Para], ledger, evidence: list[str]) -> list[Para]:
    """After the work: the publisher's list of the author's other books (its heading to
    the end, where no long text follows) and the printer's colophon in the last blocks."""
    end = len(paras)
    ad = next(
        (k for k in range(len(paras) - 1, max(-1, len(paras) - 60), -1)
         if AD_HEADING.match(" ".join(paras[k].text.split()))),
        None,
    )  # fmt: skip
    if (
        ad is not None
        and ad > len(paras) // 2
        and all(not (_is_prose(p) and count_words(p.text) >= 60) for p in paras[ad + 1 :])
    ):
        end = ad
        heading = " ".join(paras[ad].text.split())[:60]
        evidence.append(
            f"The publisher's list after the work dropped: “{heading}” and the "
            f"{len(paras) - ad - 1} blocks after it."
        )
    while end > 0 and len(paras) - end < 4 and _printed_matter(paras[end - 1].text):
        end -= 1
        evidence.append(
            f"Printer's or publisher's line after the work dropped: "
            f"“{' '.join(paras[end].text.split())[:60]}”."
        )
    for p in paras[end:]:
        ledger.drop(p.text)
    return paras[:end]


@register
class BookReader:
    name = "book"
    max_score = 0.9  # the most `detect` returns

    def detect(self, text: str) -> float:
        head = text[:30_000]
        if re.search(r"<(html|body|p|div)[\s>]", head[:5000], re.I):
            return 0.0  # an HTML edition: the HTML reader turns it into text first
        if any(START.match(line) for line in head.split("\n")):
            return 0.9
        if SMALL_PRINT.search(head[:3000]):
            return 0.85
        return 0.88 if _archive_header_end(numbered_lines(head[:20_000])) >= 0 else 0.0

    def read(self, text, ledger):
        text = strip_markup(join_line_end_hyphens(text))
        ledger.read = count_words(text)
        lines = numbered_lines(text)
        start = next((i for i, (_, t) in enumerate(lines) if START.match(t)), -1)
        end = next((i for i, (_, t) in enumerate(lines) if i > start and END.match(t)), len(lines))
        hints = Hints()
        evidence: list[str] = []
        marker = lines[start][1].strip() if start >= 0 else ""
        family = "Project Gutenberg e-book"
        if "SMALL PRINT" in marker.upper():
            family += " (1990s small-print etext)"
        if start < 0 and (header_end := _archive_header_end(lines[:400])) >= 0:
            start, family = header_end, _archive_family(lines[: header_end + 1], evidence)
            marker = lines[start][1].strip()
            tail = max(start + 1, len(lines) - 40)
            end = next((i for i in range(tail, end) if ARCHIVE_FOOTER.match(lines[i][1])), end)
        evidence.append(f"Body starts after “{marker[:70]}”." if marker else "No START marker.")
        self._header(lines[: start + 1], hints, evidence, ledger)
        if end < len(lines):
            evidence.append(f"Body ends before “{lines[end][1].strip()[:70]}”.")
        for _, line in lines[end:]:
            ledger.drop(line)
        paras = _blocks(lines[start + 1 : end])
        paras, notes = take_notes(paras, ledger, evidence)
        paras = drop_apparatus(paras, ledger, evidence)
        paras = drop_back_matter(paras, ledger, evidence)
        self._blanks = _blank_counts(lines[start + 1 : end], paras)
        self._strict = None
        # In a book whose chapters say "Chapter", a heading in capitals over a subtitle
        # is a poem's or a preface's title, not a chapter (see _chapter_opening).
        self._chaptered = any(
            len(p.text) < 220 and CHAPTER.match(" ".join(p.text.split())) for p in paras
        )
        body = self._front_matter(paras, hints, evidence, ledger)
        self._front_end = -1  # indices of `body` from here on
        body = self._headings(body, hints, ledger)
        body = _drop_heading_runs(body, ledger, evidence)
        if not hints.published:
            self._licence_date(body, hints, evidence)
        for p in body:
            if p.kind != "heading":
                p.text = " ".join(p.text.split())
                if not p.kind:
                    p.kind = "paragraph"
        if not body:
            return []
        return [
            RawDocument(
                paras=body,
                line_start=body[0].line,
                line_end=lines[end - 1][0] if end > 0 else 1,
                hints=hints,
                head_parsed=bool(hints.title),
                family=family,
                evidence=evidence,
                notes=notes,
            )
        ]

    def _header(self, header, hints: Hints, evidence, ledger) -> None:
        title_line = None
        for k, (_, line) in enumerate(header):
            m = FIELD.match(line)
            etext = ETEXT_LINE.match(line.strip())
            work_date = WORK_DATE_FIELD.match(line)
            if work_date and not hints.published:
                year = DIGIT_YEAR.search(work_date.group("value")) or re.search(
                    r"\b(19\d\d|20\d\d)\b", work_date.group("value")
                )
                if year:
                    hints.published, hints.date_precision = parse_date(year.group(1))
                    evidence.append(f"Date of the work from the header: “{line.strip()}”.")
                ledger.meta(line)
            elif m and m.group(1).lower() == "title":
                hints.title = m.group(2).strip()
                title_line = k
                evidence.append(f"Title from the header: “{line.strip()}”.")
                ledger.meta(line)
            elif (
                title_line is not None
                and k == title_line + 1
                and line.startswith((" ", "\t"))
                and line.strip()
            ):
                hints.subtitle = line.strip()
                ledger.meta(line)
            elif m and m.group(1).lower() == "author":
                self._set_authors(hints, m.group(2), evidence, line)
                ledger.meta(line)
            elif m and m.group(1).lower() == "language":
                hints.language = LANGUAGES.get(m.group(2).strip().lower(), "")
                ledger.meta(line)
            elif etext and not hints.title:
                hints.title = etext.group("title").strip()
                self._set_authors(hints, etext.group("author"), evidence, line)
                evidence.append(f"Title and author from the etext line: “{line.strip()}”.")
                ledger.meta(line)
            else:
                if FILE_DATE_FIELD.match(line):
                    evidence.append(
                        f"Ignored as the file's date, not the work's: “{line.strip()}”."
                    )
                ledger.drop(line)

    @staticmethod
    def _set_authors(hints: Hints, value: str, evidence, line: str) -> None:
        # A pen name with the other name in brackets: the name the book is signed with,
        # the other kept as evidence.
        if other := OTHER_NAME.search(value):
            value = value[: other.start()] + value[other.end() :]
            evidence.append(
                f"Author's other name “{' '.join(other.group('other').split())}” left out "
                "of the name (given in brackets on the author line)."
            )
        # A catalogue entry "Surname, Forename (1890-1961)" is one person, name first.
        bare = LIFE_DATES.sub("", value.strip())
        if bare != value.strip() and bare.count(",") == 1:
            surname, _, forename = bare.partition(",")
            if 0 < count_words(forename) <= 3 and 0 < count_words(surname) <= 3:
                value = f"{forename.strip()} {surname.strip()}"
        people, org = parse_byline(value)
        hints.authors = [normalise_author(p) for p in people]
        hints.organization = org
        evidence.append(f"Authors from “{line.strip()[:80]}”: {', '.join(hints.authors)}.")

    def _front_matter(self, paras: list[Para], hints: Hints, evidence, ledger) -> list[Para]:
        """Credits, illustrations, the title page and the contents list leave the body."""
        title_key = _tkey(hints.title)
        author_keys = {key_for(a) for a in hints.authors or []}
        # The title page ends with the block that names the book (its title over a
        # "by" line); whatever looks like a heading before it is front matter.
        # It comes before the running text (three prose blocks in a row) begins.
        running = next(
            (
                k
                for k in range(len(paras) - 2)
                if all(_is_prose(p) and count_words(p.text) >= 40 for p in paras[k : k + 3])
            ),
            len(paras),
        )
        pages = [
            k
            for k, p in enumerate(paras[:running])
            if _title_span([t.strip() for t in p.text.split("\n")], title_key)
            and self._title_page(p.text, title_key, author_keys, hints)
        ]
        # The title set again over the first chapter (a chapter heading next) is no
        # title page when there is one before it: the preface between stays.
        if len(pages) > 1 and pages[-1] + 1 < len(paras):
            following = " ".join(paras[pages[-1] + 1].text.split())
            if CHAPTER.match(following) or ROMAN.match(following):
                pages.pop()
        title_block = pages[-1] if pages else -1
        self._front_end = title_block
        # Before the first title page, nothing is the work: a series' advertisements
        # ("THE GRACCHI … By A. H. BEESLY"), a half-title, a frontispiece, the
        # publisher's address. Its blocks that are not running prose are dropped, when no
        # chapter heading stands among them.
        first_title = next(
            (
                k
                for k, p in enumerate(paras[: title_block + 1])
                if _title_span([t.strip() for t in p.text.split("\n")], title_key)
                and self._title_page(p.text, title_key, author_keys, hints)
            ),
            -1,
        )
        flat = (" ".join(p.text.split()) for p in paras[:first_title])
        if first_title > 0 and any(CHAPTER.match(t) or CONTENTS_TITLE.match(t) for t in flat):
            first_title = -1
        first_heading = next(
            (
                k
                for k in range(title_block + 1, len(paras))
                if self._heading_at(paras, k) is not None
                or self._part_at(paras, k)
                or self._chapter_opening(paras, k)
            ),
            len(paras),
        )
        out: list[Para] = []
        k = 0
        while k < len(paras):
            para = paras[k]
            text = para.text.strip()
            flat = " ".join(text.split())
            if CREDITS.match(flat) or ILLUSTRATION.match(flat):
                ledger.drop(flat)
                k += 1
                continue
            if CONTENTS_TITLE.match(flat):
                k = self._skip_contents(paras, k, hints, ledger, evidence)
                continue
            if k < first_title and not (_is_prose(para) and count_words(flat) >= 40):
                ledger.drop(flat)
                if k == 0:
                    evidence.append(
                        f"{first_title} blocks before the title page dropped "
                        f"(advertisements, half-title): “{flat[:50]}”…"
                    )
                k += 1
                continue
            if k < min(first_heading, running) and self._title_page(
                text, title_key, author_keys, hints
            ):
                self._title_page_facts(text, hints, evidence)
                ledger.meta(flat)
                k += 1
                continue
            if k < min(first_heading, running) and _printed_matter(text):
                ledger.drop(flat)
                if EDITION_LINE.match(flat.strip("_*=[]() ")):
                    self._edition_note(flat, hints, evidence)
                k += 1
                continue
            if (
                not hints.subtitle
                and 0 < k < min(first_heading, running)
                and self._subtitle_block(paras, k, title_key)
            ):
                hints.subtitle = title_case(flat.rstrip(".,;"))
                evidence.append(f"Subtitle from the title page: “{flat}”.")
                ledger.meta(flat)
                k += 1
                continue
            if k < first_heading and hints.subtitle and key_for(flat) == key_for(hints.subtitle):
                ledger.meta(flat)  # the subtitle, on a title page of its own lines
                k += 1
                continue
            if (
                len(flat) <= len(title_key) + 4
                and _title_again(flat, title_key)
                and (
                    k <= first_heading + 1 or k + 1 < len(paras) and self._heading_at(paras, k + 1)
                )
            ):
                ledger.meta(flat)  # the title again, over the first chapter
                k += 1
                continue
            out.append(para)
            k += 1
        return out

    @staticmethod
    def _title_page(text: str, title_key: str, author_keys: set[str], hints) -> bool:
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        if not lines or len(lines) > 8:
            return False
        span = _title_span(lines, title_key)
        subtitle = _subtitle_lines(lines, span, author_keys)
        for n, line in enumerate(lines):
            key = key_for(line)
            by = BY_LINE.match(line)
            bare = line.strip("_*=[]() ")
            ok = (
                (title_key and _tkey(line) == title_key)
                or (span and span[0] <= n < span[1] + len(subtitle))
                or IMPRINT.match(bare)
                or EDITION_LINE.match(bare)
                or BOOK_FORMAT.match(bare)
                or EDITED_BY.match(bare)
                or key in author_keys
                or (by and count_words(line) <= 8)
                or LETTER_SPACED.match(line)
                or TITLE_PAGE_CREDIT.match(line)
                or FIRST_PUBLISHED.match(line)
                or ROMAN_YEAR.match(line)
                or LONE_YEAR.match(line)
                or COPYRIGHT_YEAR.search(line)
                or (_caps(line) and count_words(line) <= 10)
            )
            if not ok:
                return False
        return True

    @staticmethod
    def _subtitle_block(paras: list[Para], k: int, title_key: str) -> bool:
        """A title page set one line to a block: the line between the title and the "by"
        line ("KATRINE" / "A Novel" / "BY" / "ELINOR MACARTNEY LANE") is a subtitle."""
        para = paras[k]
        flat = " ".join(para.text.split())
        if "\n" in para.text or count_words(flat) > 10 or ends_with_sentence(flat):
            return False
        before = [t.strip() for t in paras[k - 1].text.split("\n") if t.strip()]
        span = _title_span(before, title_key)
        if span is None or span[1] != len(before) or k + 1 >= len(paras):
            return False
        after = paras[k + 1].text.split("\n")[0].strip()
        return bool(BY_LINE.match(after) or TITLE_PAGE_CREDIT.match(after))

    @staticmethod
    def _edition_note(line: str, hints: Hints, evidence) -> None:
        """A later impression's title page: the date found is the edition's at most."""
        if hints.published:
            evidence.append(
                f"Edition line “{line[:50]}”: the date found ({hints.published.year}) is an "
                "edition date at most, not the work's."
            )
        else:
            evidence.append(
                f"Edition line “{line[:50]}”: a later edition, so a year on its title page "
                "would date the edition, not the work."
            )

    def _title_page_facts(self, text: str, hints: Hints, evidence) -> None:
        lines = [t.strip() for t in text.split("\n") if t.strip()]
        span = _title_span(lines, _tkey(hints.title))
        subtitle = _subtitle_lines(lines, span, {key_for(a) for a in hints.authors or []})
        if subtitle and not hints.subtitle:
            joined = _SUBTITLE_LEAD.sub("", " ".join(subtitle)).strip(" ,.;:")
            hints.subtitle = title_case(joined[:1].upper() + joined[1:])
            evidence.append(f"Subtitle from the title page: “{' / '.join(subtitle)}”.")
        for line in lines:
            if EDITION_LINE.match(line.strip("_*=[]() ")):
                self._edition_note(line, hints, evidence)
        for line in lines:
            by = BY_LINE.match(line)
            if by and not hints.authors:
                hints.authors = [normalise_author(n) for n in parse_byline(by.group("name"))[0]]
                evidence.append(f"Authors from the title page: “{line}”.")
            year = None
            what = ""
            if m := FIRST_PUBLISHED.match(line):
                year, what = int(m.group("year")), "publication year on the title page"
                if m.group(0).lower().startswith("first"):
                    what = "first publication, on the title page"
            elif LONE_YEAR.match(line):
                year, what = int(re.sub(r"\D", "", line)), "year on the title page"
            elif ROMAN_YEAR.match(line):
                value = _roman_value(line.rstrip("."))
                if 1400 <= value <= 2100:
                    year, what = value, "year in roman numerals on the title page"
            elif m := COPYRIGHT_YEAR.search(line):
                year, what = int(m.group(1)), "copyright year of the printed edition"
            elif count_words(line) <= 10 and (in_words := years_in_words(line)):
                year, what = in_words[0], "year in words on the title page"
            if year and not hints.published:
                hints.published, hints.date_precision = parse_date(str(year))
                extent = "" if what.startswith("first") else "; an edition date at most"
                evidence.append(f"Date: {year} ({what}: “{line}”){extent}.")

    @staticmethod
    def _licence_date(body: list[Para], hints: Hints, evidence) -> None:
        """The date of an early Spanish edition from its dated printing licences, when
        they stand before its first chapter: the latest year they give (in figures or in
        words), as an edition date."""
        found: list[tuple[int, str, str]] = []
        heading = None
        for para in body:
            if para.kind == "heading":
                if CHAPTER.match(" ".join(para.text.split())):
                    break
                name = " ".join(para.text.split()).rstrip(".,;:")
                heading = name if LICENCE_HEADING.match(name) else None
                continue
            if heading is None:
                continue
            flat = " ".join(para.text.split())
            years = [int(y) for y in DIGIT_YEAR.findall(flat)] + years_in_words(flat)
            found.extend((y, heading, flat) for y in years if 1450 <= y <= 1899)
        if not found:
            return
        year, heading, text = max(found)
        hints.published, hints.date_precision = parse_date(str(year))
        evidence.append(
            f"Date: {year} (the latest of the dated printing licences, “{heading}”: "
            f"“…{text[-80:]}”); an edition date at most."
        )

    def _skip_contents(self, paras, k, hints, ledger, evidence) -> int:
        ledger.drop(paras[k].text)
        title_key = key_for(hints.title)
        j = k + 1
        entries = 0
        # A printed book's list gives page numbers: then every block of it is, or is
        # just before, a block of entries with page numbers (chapter titles over their
        # sub-entries), and the first block that is neither ends it.
        paged = any(_page_list(p) for p in paras[k + 1 : k + 4])
        while j < len(paras):
            text = " ".join(paras[j].text.split())
            listed = _page_list(paras[j])
            if (count_words(text) > 15 * max(1, paras[j].text.count("\n") + 1) and not listed) or (
                key_for(text) == title_key
            ):
                break
            if paged and not listed and not any(_page_list(p) for p in paras[j + 1 : j + 3]):
                break
            lines = paras[j].text.split("\n")
            # A chapter heading ends the list only where text follows it: entries written
            # one to a block look like headings too.
            if _prose(paras[j]) or (
                entries
                and self._heading_at(paras, j)
                and len(lines) < 2
                and self._text_follows(paras, j)
            ):
                break
            ledger.drop(text)
            entries += len(lines)
            j += 1
        evidence.append(f"Contents list of {entries} entries dropped (never sections).")
        return j

    @staticmethod
    def _text_follows(paras: list[Para], j: int) -> bool:
        """Prose right after paras[j], or after one subtitle line that is no chapter
        heading itself (a contents entry is followed by the next entry)."""
        nxt = paras[j + 1] if j + 1 < len(paras) else None
        if nxt is None:
            return False
        if _prose(nxt):
            return True
        after = paras[j + 2] if j + 2 < len(paras) else None
        flat = " ".join(nxt.text.split())
        return after is not None and not CHAPTER.match(flat) and _prose(after)

    def _heading_at(self, paras: list[Para], k: int) -> str | None:
        """The chapter heading that starts at paras[k], or None."""
        para = paras[k]
        lines = [t.strip() for t in para.text.split("\n") if t.strip()]
        if not lines or len(lines) > 3 or k <= getattr(self, "_front_end", -1):
            return None
        flat = " ".join(lines)
        nxt = paras[k + 1] if k + 1 < len(paras) else None
        if CHAPTER.match(flat) and len(flat) <= 220:
            return flat
        if ROMAN.match(flat):
            return flat.rstrip(".")
        if (
            len(lines) <= 2
            and self._spaced_enough(paras, k)
            and _caps(flat)
            and count_words(flat) <= 20
            and not flat.endswith(":")
            and nxt is not None
            and _is_prose(nxt)
            and not LETTER_SPACED.match(flat)
        ):
            return flat
        return None

    def _chapter_opening(self, paras: list[Para], k: int) -> tuple[str, int, list[int]] | None:
        """A chapter heading in capitals with what printed books set between it and the
        text: a subtitle line ("BEREISDE LIEDEN." / "EEN PROLOOG."), an epigraph and its
        attribution ("STERNE.", "—Goethe"), or both. Returns (heading with its subtitle,
        the index of the chapter's first text, the epigraph's blocks), or None where the
        heading has neither (the plain rules see to it)."""
        n = len(paras)
        raw = paras[k].text
        # (Cheap tests first: most blocks are paragraphs of text.)
        if k + 2 >= n or len(raw) > 200 or raw.count("\n") > 1:
            return None
        if k <= getattr(self, "_front_end", -1):
            return None
        lines = [t for t in paras[k].text.split("\n") if t.strip()]
        flat = " ".join(paras[k].text.split())
        if (
            not lines
            or len(lines) > 2
            or not (_caps(flat) or CHAPTER.match(flat))
            or count_words(flat) > 12
            or flat.endswith(":")
            or LETTER_SPACED.match(flat)
            or _page_list(paras[k])
            or ROMAN_YEAR.match(flat)
            or LONE_YEAR.match(flat)
            or ROMAN.match(flat)
            or BY_LINE.match(flat)
            or TITLE_PAGE_CREDIT.match(flat)
            or _printed_matter(paras[k].text)
            or CLOSING.match(re.sub(r"\s+", "", flat))
            or not self._spaced_enough(paras, k)
        ):
            return None
        j = k + 1
        subtitle = ""
        nxt = " ".join(paras[j].text.split())
        if (
            "\n" not in paras[j].text
            and count_words(nxt) <= 8
            and not _is_prose(paras[j])
            and not CHAPTER.match(nxt)
            and not PART_HEADING.match(nxt)
            and not SUB_NUMERAL.match(nxt)
            and not ROMAN.match(nxt)
            and not nxt.startswith(("—", "–", "--"))
            and not PREFATORY.match(nxt)
            and (_caps(nxt) or nxt[:1].isupper())
            and not ends_with_sentence(nxt)
        ):
            subtitle, j = nxt.rstrip(".,;"), j + 1
        epigraph: list[int] = []
        if (
            j + 2 < n
            and 5 <= count_words(paras[j].text) <= 80
            and not _caps(paras[j].text)
            and not _page_list(paras[j])
            and _attribution(" ".join(paras[j + 1].text.split()))
            and "\n" not in paras[j + 1].text
            and _prose(paras[j + 2])
        ):
            epigraph, j = [j, j + 1], j + 2
        if not epigraph and (not subtitle or CHAPTER.match(flat)):
            return None
        if getattr(self, "_chaptered", False) and not CHAPTER.match(flat):
            return None
        if j >= n or not _prose(paras[j]):
            return None
        heading = flat.rstrip(".,;")
        return (f"{heading}: {subtitle}" if subtitle else heading), j, epigraph

    def _part_at(self, paras: list[Para], k: int) -> str | None:
        """The heading of a part (BOOK, PART, VOLUME…) when paragraph k is one: a short
        line naming a part, followed at once by a chapter heading whose text follows
        (within a subtitle line). A contents list, where headings follow headings, has
        no such chapter."""
        para = paras[k]
        if para.text.count("\n") > 1 or k + 2 >= len(paras):
            return None
        flat = " ".join(para.text.split())
        if len(flat) > 150 or not PART_HEADING.match(flat):
            return None
        chapter = " ".join(paras[k + 1].text.split())
        if not CHAPTER_ONLY.match(chapter) or self._heading_at(paras, k + 1) is None:
            return None
        if not any(_is_prose(p) for p in paras[k + 2 : k + 4]):
            return None
        return flat.rstrip(".,;:")

    def _spaced_enough(self, paras: list[Para], k: int) -> bool:
        """Where a book sets its headings off with two blank lines or more, a capitalised
        line after a single blank line is a signature or an inscription, not a heading."""
        blanks = getattr(self, "_blanks", {})
        if self._strict is None:
            wide = sum(
                1
                for j, p in enumerate(paras)
                if blanks.get(p.line, 0) >= 2
                and _caps(p.text)
                and j + 1 < len(paras)
                and _is_prose(paras[j + 1])
            )
            self._strict = wide >= 2
        return not self._strict or blanks.get(paras[k].line, 0) >= 2

    def _headings(self, paras: list[Para], hints: Hints, ledger) -> list[Para]:
        # In a book with "Chapter"/"Part" headings, bare numerals are the parts of a
        # chapter: sub-sections, never chapters of their own nor one-word paragraphs.
        chaptered = any(
            CHAPTER.match(" ".join(p.text.split())) and self._heading_at(paras, k)
            for k, p in enumerate(paras)
        )
        out: list[Para] = []
        k = 0
        while k < len(paras):
            part = self._part_at(paras, k)
            if part is not None:
                # A part above chapters: a section of its own one level up, so the book
                # keeps its hierarchy (parts at level 1, chapters at 2) and the part is
                # never counted as a chapter.
                out.append(Para(title_case(part), paras[k].line, "heading", 1))
                k += 1
                continue
            opening = self._chapter_opening(paras, k)
            if opening is not None:
                heading, j, epigraph = opening
                out.append(Para(title_case(heading), paras[k].line, "heading", 2))
                for e in epigraph:  # the epigraph and its attribution: quoted, no heading
                    out.append(Para(paras[e].text, paras[e].line, "quotation"))
                k = j
                continue
            heading = self._heading_at(paras, k)
            flat = " ".join(paras[k].text.split())
            if heading is None and chaptered and SUB_NUMERAL.match(flat):
                nxt = paras[k + 1] if k + 1 < len(paras) else None
                if nxt is not None and _is_prose(nxt):
                    out.append(Para(flat.rstrip("."), paras[k].line, "heading", 3))
                    k += 1
                    continue
            if heading is None:
                out.append(paras[k])
                k += 1
                continue
            if chaptered and ROMAN.match(heading):
                out.append(Para(heading.rstrip("."), paras[k].line, "heading", 3))
                k += 1
                continue
            text = heading.rstrip(".,;")
            nxt = paras[k + 1] if k + 1 < len(paras) else None
            if (
                (
                    CHAPTER.match(heading)
                    or (ROMAN.match(heading) and _caps(nxt.text if nxt else ""))
                )
                and count_words(heading) <= 3
                and nxt is not None
                and count_words(nxt.text) <= 12
                and nxt.text.count("\n") <= 1
                and not _is_prose(nxt)
                # Another chapter or part heading is never this one's subtitle.
                and not CHAPTER.match(" ".join(nxt.text.split()))
                and not PART_HEADING.match(" ".join(nxt.text.split()))
                and self._heading_at(paras, k + 1) in (None, " ".join(nxt.text.split()))
            ):
                subtitle = " ".join(nxt.text.split()).rstrip(".,;")
                text = f"{text}: {subtitle}"
                k += 1
            out.append(Para(title_case(" ".join(text.split())), paras[k].line, "heading", 2))
            k += 1
        return out


# --- e-book apparatus and notes ----------------------------------------------------------
# Apparatus the e-book's makers added to the work: a transcriber's note (at the start or
# the end, often a list of corrections; sometimes bracketed, or boxed in `| … |` lines)
# and the closing "THE END" / "FINIS" line.
TRANSCRIBER = re.compile(r"^[\[(|+\-=*\s]*transcriber['’]?s?\s+notes?\b", re.I)
CLOSING = re.compile(r"^\W*(theend|finis|fin|ende)\W*$", re.I)
# Under a notes heading ("Footnotes:", "FOOTNOTES", "NOTES", "Anmerkungen", "Noten"…)
# the entries may also be numbered "1." / "1)"; there they are notes even where the text
# never cites them (an etext that lost its markers, or cites them by page).
LISTED_NOTE = re.compile(r"^(\d{1,3})[.)]\s+(\S.*)$", re.S)
SEPARATOR = re.compile(r"^[\s*·•_=~\-–—#+|]*$")
# Plain-text notes, as e-books mark them (each kept out of the body as a note, its marker
# left where the text cites it):
# - Gutenberg's `[Footnote 1: …]` block (several lines or paragraphs; after the citing
#   paragraph, or gathered at the chapter's end), cited by `[1]`; an unnumbered
#   `[Footnote: …]` set inline where it is cited;
# - `[1] note` and `{1} note` blocks, notes only where the text cites `[1]` / `{1}`
#   before them (a bracketed year or a reference list nobody cites stays text);
# - `* note` / `† note` blocks right after the paragraph whose `*` / `†` cites them.
FOOTNOTE_OPEN = re.compile(r"\[\s*foot-?note\s*([^\s:\]]{1,8})?\s*[:.]\s*", re.I)
NUMBERED_NOTE = re.compile(
    r"^(\[(\d{1,3}|[a-z])\]|\{(\d{1,3}|[a-z])\})[.:]?\s+(\S.*)$", re.S | re.I
)
SYMBOL_NOTE = re.compile(r"^(\*{1,3}|†{1,2}|‡|§)\s+([^\W\d_].*)$", re.S)
_MARKER_STARTS = frozenset("[{*†‡§")
CITATION = re.compile(r"\[(?:\d{1,3}|[a-z])\]|\{(?:\d{1,3}|[a-z])\}", re.I)
# `*word*` emphasis in a paragraph is no note marker.
_EMPHASIS = re.compile(r"(?:^|(?<=[\s(\[\"“‘]))\*[^\s*][^*\n]*?(?<=[^\s*])\*(?!\w)")


def _closing_bracket(text: str, start: int) -> int:
    """The index just after the "]" closing the "[" at `start`, or -1."""
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def _merge_open_brackets(paras: list[Para]) -> list[Para]:
    """A bracketed footnote or transcriber's note of several paragraphs is one block: the
    blocks up to its closing bracket (30 at most) are joined to the one that opens it."""
    out: list[Para] = []
    k = 0
    while k < len(paras):
        para = paras[k]
        text = para.text
        opening = FOOTNOTE_OPEN.search(text) if "[" in text else None
        if (
            opening is None
            and text.startswith("[")
            and (TRANSCRIBER.match(text) or ILLUSTRATION_OPEN.match(text))
        ):
            opening = re.match(r"\[", text)
        j = k + 1
        if opening is not None and _closing_bracket(text, opening.start()) < 0:
            joined = text
            while j < len(paras) and j - k <= 30:
                joined += "\n\n" + paras[j].text
                j += 1
                if _closing_bracket(joined, opening.start()) >= 0:
                    para = Para(joined, para.line, para.kind, para.level)
                    break
            else:
                j = k + 1
        out.append(para)
        k = j
    return out


def _heading_like(para: Para) -> bool:
    flat = " ".join(para.text.split())
    return bool(
        (_caps(flat) and count_words(flat) <= 12)
        or CHAPTER.match(flat)
        or ROMAN.match(flat)
        or SEPARATOR.match(flat)
        or LETTER_SPACED.match(flat)
    )


def _chapter_follows(paras: list[Para], k: int) -> bool:
    """A heading after paras[k] with a long paragraph under it: the work goes on."""
    return any(
        _heading_like(paras[j])
        and not SEPARATOR.match(paras[j].text)
        and (_is_prose(paras[j + 1]) and count_words(paras[j + 1].text) >= 60)
        for j in range(k + 1, len(paras) - 1)
    )


def _opens_chapter(paras: list[Para], k: int, first_text: int) -> bool:
    """paras[k] is the first paragraph under a chapter heading (a title page's capitals
    before the work are no chapter)."""
    if k == 0:
        return False
    prev = " ".join(paras[k - 1].text.split())
    return bool(
        CHAPTER.match(prev)
        or ROMAN.match(prev)
        or (
            k > first_text
            and _heading_like(paras[k - 1])
            and not SEPARATOR.match(prev)
            and not CLOSING.match(re.sub(r"\s+", "", prev))
        )
    )


def drop_apparatus(paras: list[Para], ledger, evidence: list[str]) -> list[Para]:
    """Transcriber's notes and the closing "THE END" line leave the body: they are the
    e-book's, not the work's. A bracketed or boxed note is one block, anywhere; a note
    after the work's last chapter runs to the end; one before the work begins runs to the
    first heading. A chapter that merely mentions a transcriber stays."""
    out: list[Para] = []
    k = 0
    first_text = next(
        (j for j, p in enumerate(paras) if _is_prose(p) and count_words(p.text) >= 40), len(paras)
    )
    while k < len(paras):
        if not TRANSCRIBER.match(paras[k].text) or _opens_chapter(paras, k, first_text):
            out.append(paras[k])
            k += 1
            continue
        flat = " ".join(paras[k].text.split())
        j = k + 1
        if flat.startswith("[") and _closing_bracket(flat, 0) == len(flat):
            pass  # one bracketed note
        elif flat.startswith(("|", "+")):
            pass  # one boxed note
        elif k <= first_text:  # before the work: to its first heading
            while (
                j < len(paras)
                and j - k <= 12
                and not _heading_like(paras[j])
                and count_words(paras[j].text) < 80
            ):
                j += 1
        elif not _chapter_follows(paras, k) and all(
            count_words(p.text) < 80 for p in paras[k + 1 :]
        ):
            j = len(paras)  # after the work: to the end
        for p in paras[k:j]:
            ledger.drop(p.text)
        n = j - k - 1
        more = f" and the {n} block{'s' if n > 1 else ''} after it" if n else ""
        evidence.append(f"Transcriber's note “{flat[:60]}”{more} dropped (the e-book's).")
        k = j
    while out and (
        CLOSING.match(re.sub(r"\s+", "", out[-1].text)) or SEPARATOR.match(out[-1].text)
    ):
        para = out.pop()
        ledger.drop(para.text)
        if para.text.strip() and not SEPARATOR.match(para.text):
            evidence.append(f"Closing line “{' '.join(para.text.split())}” dropped.")
    return out


def take_notes(paras: list[Para], ledger, evidence: list[str]) -> tuple[list[Para], list]:
    """The e-book's footnotes out of the body (see FOOTNOTE_OPEN, NUMBERED_NOTE,
    SYMBOL_NOTE), each a DraftNote with the marker the text cites it by. Every word taken
    is entered as metadata."""
    from ..data import DraftNote

    notes: list[DraftNote] = []
    out: list[Para] = []
    cited: set[str] = set()  # "[1]", "{1}" cited inside the text so far
    counts = {"footnote": 0, "numbered": 0, "symbol": 0}
    last_text: Para | None = None  # the paragraph a `*` note may follow
    in_run = False  # the block before was a note
    under_heading = False  # the blocks since a notes heading are all notes so far
    notes_here = 0  # notes taken under that heading
    # Paragraphs after a note under the heading: the note's own next paragraphs only if
    # another note follows them; else the notes ended and the body went on.
    pending: list[Para] = []

    def to_body(held: list[Para]) -> None:
        nonlocal last_text
        for kept in held:
            out.append(kept)
            last_text = kept
            if "[" in kept.text or "{" in kept.text:
                cited.update(cite.group(0) for cite in CITATION.finditer(kept.text, 1))

    for para in _merge_open_brackets(paras):
        text = para.text
        if "[" in text and FOOTNOTE_OPEN.search(text):
            kept, found = _footnotes_in(text)
            if found:
                notes.extend(found)
                counts["footnote"] += len(found)
                ledger.metadata += count_words(text) - count_words(kept)
                if not kept.strip():
                    in_run = True
                    continue
                para = Para(kept, para.line, para.kind, para.level)
                text = kept
        # (Most blocks are prose: only one opening with a marker is looked at twice.)
        flat = " ".join(text.split()) if text[:1] in _MARKER_STARTS or under_heading else ""
        m = NUMBERED_NOTE.match(flat) if flat else None
        if under_heading and m is None and flat:
            listed = LISTED_NOTE.match(flat)
            if listed and (notes_here or listed.group(1) == "1"):
                m = NUMBERED_NOTE.match(f"[{listed.group(1)}] {listed.group(2)}")
        if m and (under_heading or m.group(1) in cited):
            for held in pending:  # the last note's next paragraphs
                notes[-1].text += " " + " ".join(held.text.split())
                ledger.meta(held.text)
            pending = []
            notes.append(DraftNote(marker=m.group(2) or m.group(3), text=m.group(4)))
            counts["numbered"] += 1
            ledger.meta(text)
            if out and out[-1] is not last_text and NOTES_HEADING.match(out[-1].text.strip()):
                ledger.meta(out.pop().text)
            in_run = True
            notes_here += 1
            continue
        if (
            under_heading
            and notes_here
            and not _heading_like(para)
            and not CITATION.match(flat)
            and not AD_HEADING.match(flat)
            and not _printed_matter(text)
        ):
            # A note's next paragraph, under the notes heading, if another note follows.
            pending.append(para)
            continue
        if pending:
            to_body(pending)
            pending = []
        if under_heading and (notes_here or not flat):
            under_heading = False
        heading_here = len(text) <= 40 and NOTES_HEADING.match(text.strip()) is not None
        s = SYMBOL_NOTE.match(flat) if flat else None
        if s and last_text is not None and (in_run or out and out[-1] is last_text):
            symbol = s.group(1)
            if _cites_symbol(last_text.text, symbol):
                notes.append(DraftNote(marker=symbol, text=s.group(2)))
                counts["symbol"] += 1
                ledger.meta(text)
                in_run = True
                continue
        in_run = False
        out.append(para)
        under_heading, notes_here = heading_here, 0
        if len(text) > 12 or not NOTES_HEADING.match(text.strip()):
            last_text = para
            if "[" in text or "{" in text:
                cited.update(cite.group(0) for cite in CITATION.finditer(text, 1))
    to_body(pending)
    if notes:
        kinds = [
            f"{n} {what}"
            for what, n in (
                ("[Footnote …] blocks", counts["footnote"]),
                (
                    "numbered note blocks cited in the text or under a notes heading",
                    counts["numbered"],
                ),
                ("* / † notes after the paragraph citing them", counts["symbol"]),
            )
            if n
        ]
        evidence.append(f"{len(notes)} footnotes kept as notes: {', '.join(kinds)}.")
    return out, notes


def _footnotes_in(text: str) -> tuple[str, list]:
    """The `[Footnote …]` notes of a block and the block without them. Notes set inline
    (text around them) leave their marker where they stood, unless the text cites them
    already."""
    from ..data import DraftNote

    spans = []
    pos = 0
    for m in FOOTNOTE_OPEN.finditer(text):
        if m.start() < pos:
            continue
        end = _closing_bracket(text, m.start())
        if end < 0:
            break
        spans.append((m.start(), end, m.group(1) or "*", text[m.end() : end - 1]))
        pos = end
    if not spans:
        return text, []
    rest = "".join(
        text[a:b]
        for a, b in zip(
            [0] + [e for _, e, _, _ in spans], [s for s, *_ in spans] + [len(text)], strict=True
        )
    )
    inline = count_words(rest) > 0
    pieces, pos = [], 0
    for start, end, marker, _ in spans:
        pieces.append(text[pos:start])
        if inline and f"[{marker}]" not in text:
            pieces.append(f"[{marker}]")
        pos = end
    pieces.append(text[pos:])
    kept = "\n".join(line.rstrip() for line in "".join(pieces).split("\n")) if inline else ""
    return kept, [
        DraftNote(marker=marker, text=" ".join(body.split())) for *_, marker, body in spans
    ]


def _cites_symbol(text: str, symbol: str) -> bool:
    """True when the paragraph cites `symbol` (`*`, `**`, `†`) after its first word
    (attached, or spaced after a closing quote as modern editions print it), `*word*`
    emphasis aside."""
    if symbol.startswith("*"):
        text = _EMPHASIS.sub("", text)
    return (
        re.search(
            rf"(?<=\S)\s?(?<!{re.escape(symbol[0])}){re.escape(symbol)}(?!{re.escape(symbol[0])}|\w)",
            text.strip(),
        )
        is not None
    )
