"""Metadata from text: dates with their precision, bylines, language, provisional titles.

Pure functions; no ORM.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .normalize import WORD_RE, casefolded_words, count_words, ids_of_words, split_sentences

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
}  # fmt: skip

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_NUMERIC = re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{2}|\d{4})\b")
_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")
# Year first with slashes or dots ("2020/1/10 14:33:00", "2020.01.10"): East Asian and
# forum software write dates this way; never month-first when the year leads.
_YMD = re.compile(r"\b(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})(?!\d)")
_MDY = re.compile(_MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b", re.I)
_DMY = re.compile(
    r"\b(?P<d>\d{1,2})\s+(?:de\s+)?" + _MONTH + r",?\s+(?:de\s+)?(?P<y>\d{4})\b", re.I
)
_MY = re.compile(r"\b" + _MONTH + r",?\s+(?:de\s+)?(?P<y>\d{4})\b", re.I)
_YEAR_ONLY = re.compile(r"^\s*(?P<y>1[5-9]\d\d|20\d\d)\s*$")
# "2024-11" on its own (front matter, a date field): ISO year and month. Inside prose the
# same shape is usually a range of years ("the 2010-12 season"), so only a whole value.
_YEAR_MONTH_ONLY = re.compile(r"^\s*(?P<y>1[5-9]\d\d|20\d\d)-(?P<m>\d{2})\s*$")
# Dates that belong to the file, not the work: releases, conversions, updates, retrieval.
_FILE_DATE = re.compile(
    r"\b(release[ds]?|(last\s+)?updated?|modified|revised|converted|digiti[sz]ed|"
    r"produced|transcribed|retrieved|accessed|downloaded|generated|e-?book|e-?text|"
    r"actualizad[oa]|actualización|modificad[oa]|consultad[oa])\b",
    re.I,
)


def _year(text: str) -> int:
    y = int(text)
    if y < 100:
        y += 2000 if y < 70 else 1900
    return y


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


DATE_INPUT_HELP = "Write the date as 2019-03-20, March 2019 or 2003."
_YEAR_MONTH = re.compile(r"^\d{4}-\d{2}$")


def parse_date_input(value: str) -> tuple[date | None, str]:
    """A date as a person types it in a correction form: empty is no date; "2019-03" is a
    month (the form the reports show); anything else as `parse_date` reads it. Raises
    ValueError (with DATE_INPUT_HELP) when no date can be read, never guesses."""
    value = value.strip()
    if not value:
        return None, ""
    if _YEAR_MONTH.match(value):
        found, _ = parse_date(f"{value}-01")
        if found:
            return found, "month"
        raise ValueError(DATE_INPUT_HELP)
    found, precision = parse_date(value)
    if not found:
        raise ValueError(DATE_INPUT_HELP)
    return found, precision


def parse_date(text: str) -> tuple[date | None, str]:
    """The first complete date in the text, with its precision ('day'|'month'|'year').

    A month and day without a year ('April 14') is not a date: we never guess the year.
    """
    for pattern in (_ISO, _YMD, _NUMERIC):
        m = pattern.search(text)
        if m:
            found = _safe(_year(m.group("y")), int(m.group("m")), int(m.group("d")))
            if found:
                return found, "day"
    for pattern in (_MDY, _DMY):
        m = pattern.search(text)
        if m:
            found = _safe(int(m.group("y")), MONTHS[m.group("month").lower()], int(m.group("d")))
            if found:
                return found, "day"
    m = _MY.search(text)
    if m:
        return date(int(m.group("y")), MONTHS[m.group("month").lower()], 1), "month"
    m = _YEAR_MONTH_ONLY.match(text)
    if m:
        found = _safe(int(m.group("y")), int(m.group("m")), 1)
        return (found, "month") if found else (None, "")
    m = _YEAR_ONLY.match(text)
    if m:
        return date(int(m.group("y")), 1, 1), "year"
    return None, ""


# Years written out in words, as old books date their licences, prefaces and title pages:
# "mil y seiscientos y cuatro", "eighteen hundred and seventy-two", "one thousand eight
# hundred and twelve". Spanish and English number words; "y"/"and" join them.
_NUMBER_WORDS = {
    # English
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
    # Spanish (accents folded)
    "un": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13,
    "catorce": 14, "quince": 15, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18,
    "diecinueve": 19, "veinte": 20, "veintiuno": 21, "veintiun": 21, "veintidos": 22,
    "veintitres": 23, "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26,
    "veintisiete": 27, "veintiocho": 28, "veintinueve": 29, "treinta": 30,
    "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80,
    "noventa": 90, "cien": 100, "ciento": 100, "doscientos": 200, "trescientos": 300,
    "cuatrocientos": 400, "quinientos": 500, "seiscientos": 600, "setecientos": 700,
    "ochocientos": 800, "novecientos": 900,
}  # fmt: skip
_HUNDRED = {"hundred"}
_THOUSAND = {"thousand", "mil"}
_JOINERS = {"y", "and"}
_FOLD = str.maketrans("áéíóúü", "aeiouu")


def years_in_words(text: str) -> list[int]:
    """Every year from 1100 to 2099 written out in words in `text`, in order ("mil
    hombres", a thousand men, is no year)."""
    tokens = re.findall(r"[^\W\d_]+", text.lower().translate(_FOLD).replace("-", " "))
    years: list[int] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if token in _NUMBER_WORDS or token in _HUNDRED or token in _THOUSAND:
            run.append(token)
            continue
        if token in _JOINERS and run:
            continue
        if run:
            value = _number_value(run)
            if value and 1100 <= value <= 2099 and (_THOUSAND | _HUNDRED) & set(run):
                years.append(value)
            run = []
    return years


def _number_value(words: list[str]) -> int | None:
    total = current = 0
    for word in words:
        if word in _THOUSAND:
            if total:
                return None  # "mil … mil": two numbers, not one
            total, current = (current or 1) * 1000, 0
        elif word in _HUNDRED:
            if current % 100 == 0 and current:
                return None  # "eighteen hundred hundred"
            current = (current or 1) * 100
        else:
            value = _NUMBER_WORDS[word]
            if current % 100 and value >= 10 and current % 10 == 0 and value % 10 == 0:
                return None  # "veinte treinta": two numbers
            current += value
    return total + current


def is_file_date(text: str) -> bool:
    """A line dating the file (release, conversion, update, retrieval), never the work."""
    return bool(_FILE_DATE.search(text))


# A web page's own date line: its label, then only a date (or the address it was
# retrieved from).
FILE_DATE_LABEL = re.compile(
    r"^(this page was )?last (updated|modified|edited|revised)\b|^retrieved (from|on)\b|"
    r"^(última|ultima) (actualización|modificación)\b",
    re.I,
)
# What may follow the label: a preposition, then a date (with a time, a signature), or
# the address the page was retrieved from. Anything else is prose ("Last updated in 1962,
# her will left everything…").
_LABEL_LEAD = re.compile(r"^[\s:.,–—-]*(?:(?:on|at|el|le|am|:)\s+)?", re.I)
_TRAILING_TIME = re.compile(
    r"(?:,?\s*(?:at|a las|à)?\s*\d{1,2}[:.h]\d\d(?::\d\d)?\s*(?:[ap]\.?m\.?|h|utc|gmt)?)?"
    r"(?:\s+(?:by|por|par|von)\s+(?:[A-Z][\w.'’-]*\s*){1,4})?[\s.]*$",
)
_NUMERIC_DATE = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}")
_ADDRESS = re.compile(r"^[\"“'<(]?(?:https?://|www\.)\S+$", re.I)


def file_date_line(text: str) -> bool:
    """ "Last updated on 3.4.2015", "Retrieved from https://…": the label, then only a
    date or an address, or nothing."""
    label = FILE_DATE_LABEL.match(text)
    if not label:
        return False
    rest = _LABEL_LEAD.sub("", text[label.end() :].strip(), count=1)
    # The label alone ("Last updated on", its date written by a script the page lost).
    if not rest.strip(" :.,") or rest.strip().lower() in ("on", "at"):
        return True
    if _ADDRESS.match(rest):
        return True
    rest = _TRAILING_TIME.sub("", rest, count=1).strip(" ,.")
    return bool(_NUMERIC_DATE.fullmatch(rest) or whole_date(rest)[0])


def lone_year(text: str) -> int | None:
    m = _YEAR_ONLY.match(text)
    return int(m.group("y")) if m else None


# --- bylines ------------------------------------------------------------------------

# The one rule for every byline, whatever its source (a "By" line, a bare name line,
# front matter `author:`/`authors:`, HTML <meta name="author">, a feed's <author>, an
# e-book's "Author:"): a byline containing any of these words names an organization, so
# it becomes the document's `organization` and no author; "From X" always does. Everything
# else is people, split on commas, "and", "y", "&". The words are generic kinds of
# collective body (English and Spanish), never particular names; a person's name rarely
# contains one.
_ORG_WORDS = {
    # English
    "committee", "organization", "organisation", "collective", "caucus", "party", "union",
    "council", "board", "editors", "editorial", "staff", "group", "league", "association",
    "coalition", "network", "federation", "socialists", "worker", "workers", "movement",
    "centre", "center", "institute", "foundation", "press", "news", "magazine", "review",
    "journal", "team", "project", "library", "archive", "society", "alliance", "assembly",
    "secretariat", "bureau", "cooperative", "co-op", "collaborative", "initiative",
    "campaign", "office", "department", "ministry", "university", "college", "school",
    "club", "circle", "publishers", "publishing", "editions", "contributors", "writers",
    "desk", "newsroom", "bulletin", "tendency", "platform", "front", "brigade",
    # Spanish
    "comité", "colectivo", "colectiva", "partido", "redacción", "sindicato", "proyecto",
    "socialista", "socialistas", "obrero", "obreros", "obrera", "obreras", "consejo",
    "junta", "equipo", "asamblea", "federación", "confederación", "liga", "unión",
    "asociación", "coordinadora", "grupo", "movimiento", "frente",
    "editores", "ediciones", "redactores", "biblioteca", "archivo", "fundación", "instituto",
    "centro", "círculo", "periódico", "revista", "boletín", "corriente", "plataforma",
}  # fmt: skip
_BY_PREFIX = re.compile(r"^(?:by|por|written by|words by)\s+", re.I)
_FROM_PREFIX = re.compile(r"^(?:from|de parte de|desde)\s+(?:the\s+)?", re.I)


def looks_like_byline(line: str) -> bool:
    """Short, unpunctuated, mostly capitalized name-like words (or 'From X' / 'By X')."""
    text = line.strip()
    if not text or len(text) > 120 or text[-1] in ".!?:;":
        return False
    if _BY_PREFIX.match(text) or _FROM_PREFIX.match(text):
        return len(text.split()) <= 12
    words = WORD_RE.findall(text)
    if not 1 <= len(words) <= 14:
        return False
    fillers = {"and", "y", "&", "de", "van", "von", "der", "la", "le", "da", "del", "e", "et"}
    names = [w for w in words if w.lower() not in fillers]
    return bool(names) and all(len(w) <= 20 for w in names)


@dataclass
class Byline:
    """A byline read: the authors, or the organization it names; the people it credits in
    another role (translator, illustrator, editor…), who are no authors; and, when it
    says the work has no named author ("Various", "Anonymous"), that word."""

    people: list[str] = field(default_factory=list)
    organization: str = ""
    contributors: list[tuple[str, str]] = field(default_factory=list)
    unnamed: str = ""


# Words saying a work has no named author: a collection of many hands, or nobody known.
_UNNAMED = re.compile(
    r"^(various( authors| contributors| hands)?|anonymous|anon\.?|unknown( author)?|"
    r"an[oó]nim[oa]s?|varios( autores)?|desconocido|anonym|unbekannt|verschiedene|"
    r"anonyme|inconnu|divers)$",
    re.I,
)
# "Illustrated by", "with an introduction by", "translated and edited by", "Übersetzt
# von": the names after it hold another role than the author's.
_ROLE_STEMS = {
    "illustrat": "illustrator", "illustrations": "illustrator", "drawings": "illustrator",
    "pictures": "illustrator", "ilustrad": "illustrator", "ilustraci": "illustrator",
    "translat": "translator", "traduc": "translator", "übersetz": "translator",
    "englished": "translator", "rendered": "translator",
    "edit": "editor", "herausgegeben": "editor", "edici": "editor",
    "introduc": "introduction", "foreword": "introduction", "preface": "introduction",
    "prólogo": "introduction", "prologo": "introduction", "afterword": "introduction",
    "einleitung": "introduction", "vorwort": "introduction",
    "notes": "annotator", "annotat": "annotator", "commentary": "annotator",
    "compil": "compiler", "selected": "compiler", "collected": "compiler",
    "abridg": "adapter", "adapted": "adapter", "arranged": "adapter", "revised": "adapter",
    "retold": "adapter", "transcribed": "transcriber",
}  # fmt: skip
_ROLE_PHRASE = re.compile(
    r"(?:^|[,;:(\[]|\s)\s*(?:(?:and|with|&|y|mit|con)\s+)?(?:(?:an?|the|new|full|une?)\s+)*"
    r"(?P<role>" + "|".join(sorted(_ROLE_STEMS, key=len, reverse=True)) + r")[\w.]*"
    r"(?:\s+(?:and|&|y|und)\s+[\w.]+)?(?:\s+[\w.]+){0,3}?\s+(?:by|por|von|de|par)\s+(?P<who>\S.*)$",
    re.I,
)
# "Y (translator)", "Z, ed.", "X [illustrator]": a name with its role after it.
_ROLE_AFTER = re.compile(
    r"^(?P<name>\S.*?)\s*(?:[(\[]\s*|,\s*|\s+)(?P<role>translator|trans\.|tr\.|editor|eds?\.|"
    r"illustrator|ill\.|introduction|compiler|comp\.|annotator)\s*[)\]]?$",
    re.I,
)
_ROLE_WORDS = {
    "translator": "translator", "trans.": "translator", "tr.": "translator",
    "editor": "editor", "ed.": "editor", "eds.": "editor", "illustrator": "illustrator",
    "ill.": "illustrator", "introduction": "introduction", "compiler": "compiler",
    "comp.": "compiler", "annotator": "annotator",
}  # fmt: skip
# Life dates in catalogue names: "Carroll, Lewis, 1832-1898", "(1809-1882)", "b. 1900".
_LIFE_DATES = re.compile(
    r"\s*,?\s*\(?(?:(?:b|d|fl|ca?)\.\s*\d{3,4}\??|\d{3,4}\??\s*[-–—]\s*(?:(?:ca?\.\s*)?\d{3,4}\??)?"
    r"|[-–—]\s*\d{3,4})\)?(?=\s*(?:[,;&]|\band\b|$))",
    re.I,
)
_SUFFIX = re.compile(r"^(jr\.?|sr\.?|ii|iii|iv|junior|senior)$", re.I)
_DEGREE = re.compile(
    r"^(ph\.?\s?d\.?|m\.?d\.?|d\.?phil\.?|esq\.?|m\.?a\.?|m\.?sc\.?|b\.?a\.?)$", re.I
)
_HONORIFIC = re.compile(
    r"^(sir|dame|lord|lady|baron|baroness|count|countess|mrs?\.?|ms\.?|dr\.?)$", re.I
)
# Particles of surnames, lower case inside a name ("Ludwig van Beethoven").
NAME_PARTICLES = {"van", "von", "der", "den", "de", "da", "di", "del", "della", "degli",
                  "dos", "das", "du", "des", "ten", "ter", "zu", "y", "e", "bin",
                  "ibn"}  # fmt: skip
_INITIAL = re.compile(r"^(?:[^\W\d_]\.)+$")
_SPLIT = re.compile(r"\s*(?:;|&|\band\b|\by\b|\bet\b|\bund\b)\s*")


def name_case(name: str) -> str:
    """An ALL-CAPS name in the case a reader knows: "PETER KROPOTKIN" -> "Peter Kropotkin",
    "LUDWIG VAN BEETHOVEN" -> "Ludwig van Beethoven", "H.G. WELLS" -> "H.G. Wells",
    "SEAN O'CASEY" -> "Sean O'Casey". A name already in mixed case is left as it is."""
    if name.upper() != name or not any(c.isalpha() for c in name):
        return name
    words = name.split()
    out = []
    for k, word in enumerate(words):
        lower = word.lower()
        if 0 < k < len(words) - 1 and lower in NAME_PARTICLES:
            out.append(lower)
        elif re.fullmatch(r"[ivxl]+\.?", lower) and k and len(lower.rstrip(".")) > 1:
            out.append(word)  # "III"
        else:
            word = re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), lower)
            out.append(re.sub(r"^Mc([a-z])", lambda m: "Mc" + m.group(1).upper(), word))
    return " ".join(out)


def _is_surname(part: str, given: str) -> bool:
    """True when "part, given" is one person written surname first, as catalogues write
    names ("Carroll, Lewis", "Le Guin, Ursula K.", "Beethoven, Ludwig van")."""
    surname = [t for t in part.split() if t.lower() not in NAME_PARTICLES]
    tokens = given.split()
    if not surname or not 1 <= len(tokens) <= 4:
        return False
    if not all(t[0].isupper() or t.lower() in NAME_PARTICLES for t in tokens + surname):
        return False
    if any(c.isdigit() for c in part + given) or _SUFFIX.match(given):
        return False
    if len(surname) == 1:
        return True
    # Two capitalised words before the comma are a surname of two words only when the
    # given names are one word or end with an initial ("García Márquez, Gabriel").
    given_names = [t for t in tokens if t.lower() not in NAME_PARTICLES]
    return len(surname) == 2 and (len(given_names) == 1 or bool(_INITIAL.match(tokens[-1])))


def _people(chunk: str, surnames_listed: bool) -> list[str]:
    """One chunk of a byline (between "and"s): one person in catalogue order, or people
    separated by commas."""
    parts = [" ".join(p.split()) for p in chunk.split(",")]
    parts = [p for p in parts if p and not _DEGREE.match(p)]
    suffix = [p for p in parts[2:] if _SUFFIX.match(p)]
    core = [p for p in parts if not _SUFFIX.match(p)]
    # Catalogue additions after the given names: a title ("kniaz", "graf", "Sir").
    if len(core) == 3 and (core[2][:1].islower() or _HONORIFIC.match(core[2])):
        core = core[:2]
    if len(core) == 2 and not surnames_listed and _is_surname(core[0], core[1]):
        return [" ".join([core[1], core[0], *suffix])]
    if len(parts) == 2 and suffix == [] and _SUFFIX.match(parts[1]):
        return [f"{parts[0]} {parts[1]}"]
    return parts


def read_byline(line: str) -> Byline:
    """A byline read by the one rule for every source (see `_ORG_WORDS`): organizations,
    "From X", people split on commas, "and", "y", "&", one person in catalogue order
    ("Carroll, Lewis, 1832-1898" -> "Lewis Carroll"), other roles apart."""
    text = " ".join(line.split()).strip(" ,;")
    text = _BY_PREFIX.sub("", text)
    m = _FROM_PREFIX.match(text)
    if m:
        return Byline(organization=text[m.end() :].strip())
    byline = Byline()
    m = _ROLE_PHRASE.search(text)
    if m:
        role = next(
            r for stem, r in _ROLE_STEMS.items() if m.group("role").lower().startswith(stem)
        )
        credited = read_byline(m.group("who"))
        byline.contributors = [(n, role) for n in credited.people] + credited.contributors
        if credited.organization:
            byline.contributors.append((credited.organization, role))
        text = text[: m.start()].strip(" ,;:([")
    text = _LIFE_DATES.sub("", text).strip(" ,;")
    if not text:
        return byline
    if _UNNAMED.match(text.strip(" .")):
        byline.unnamed = text
        return byline
    if names_an_organization(text):
        byline.organization = text
        return byline
    chunks = [c.strip(" ,") for c in _SPLIT.split(text)]
    chunks = [c for c in chunks if c]
    # "Marx, Engels and Lenin": a lone surname among the names says the commas list
    # surnames, not one name in catalogue order.
    listed = any("," not in c and len(c.split()) == 1 and not _INITIAL.match(c) for c in chunks)
    for chunk in chunks:
        for name in _people(chunk, listed and len(chunks) > 1):
            r = _ROLE_AFTER.match(name)
            if r:
                byline.contributors.append((r.group("name"), _ROLE_WORDS[r.group("role").lower()]))
            elif _UNNAMED.match(name.strip(" .")):
                byline.unnamed = name
            else:
                byline.people.append(name)
    return byline


def parse_byline(line: str) -> tuple[list[str], str]:
    """('A, B and C' -> [A, B, C], '') ; ('From X' -> [], 'X'); organizations -> ([], org);
    'Carroll, Lewis' -> (['Lewis Carroll'], ''). Other roles and "Various" give no
    authors (see `read_byline` for them)."""
    byline = read_byline(line)
    return byline.people, byline.organization


# A byline naming a website (a domain, a wiki) is the site, never a person: front matter
# copied from a site often says "author: Some Wikipedia" or "author: example.org".
_SITE_NAME = re.compile(r"\b(\w[\w-]*\.(org|com|net|info|edu|gov)\b|wiki(pedia|media)?\b)", re.I)


def names_an_organization(text: str) -> bool:
    """True when a byline names an organization (one of `_ORG_WORDS`) or a website, not
    people."""
    return bool({w.casefold() for w in WORD_RE.findall(text)} & _ORG_WORDS) or bool(
        _SITE_NAME.search(text)
    )


def names_from_list(values: list[str]) -> tuple[list[str], str]:
    """Bylines given as a list (front matter `authors:`, a feed's several <author>s): one
    entry is one person or one organization, by the same rule as `parse_byline`; a single
    entry may still list several people ("A and B")."""
    people: list[str] = []
    organization = ""
    for value in values:
        value = " ".join(value.split())
        if not value:
            continue
        if len(values) == 1:
            found, org = parse_byline(value)
        else:
            found, org = parse_byline(value) if _FROM_PREFIX.match(value) else ([value], "")
            if not org and names_an_organization(value):
                found, org = [], _BY_PREFIX.sub("", value)
        people.extend(found)
        organization = organization or org
    return people, organization


def same_title(a: str, b: str) -> bool:
    """Two spellings of one title: case, spacing, quotes and final punctuation aside."""

    def key(text: str) -> str:
        return " ".join(WORD_RE.findall(text.casefold().replace("’", "'")))

    return bool(key(a)) and key(a) == key(b)


# --- language -----------------------------------------------------------------------

# The most frequent function words of each language told by its words (ISO 639-1 codes).
# Close languages share many of theirs; a word is listed for every language that uses it
# often, so that only the words that tell two close languages apart decide between them
# (see `_closest`): "que" is Spanish, Catalan, Galician, Portuguese and French, while
# "els", "amb" and "perquè" are Catalan only. Serbian lists its Latin and Cyrillic words
# (and both its ekavian and ijekavian spellings in Cyrillic); Croatian, Bosnian and Latin
# Serbian differ in the reflex of old "ě" ("vrijeme"/"vreme", "gdje"/"gde") and in a few
# words ("tko"/"ko", "također"/"takođe"), which are listed as if they were function words.
_STOPWORDS: dict[str, str] = {
    "en": (
        "the of and to in is that it for was on are with as be this by at from have not "
        "but we they you his her which an or their has were been will would can a"
    ),
    "es": (
        "de la que el en y los del se las por un para con una su al lo como más pero sus "
        "le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay donde "
        "nuestro nuestra fue ha son a es"
    ),
    "fr": (
        "le la les des et est un une du que qui dans pour pas sur au avec ce il elle nous "
        "vous sont par plus ne se aux cette"
    ),
    "de": (
        "der die und das ist nicht ein eine zu den von mit sich des auf für im dem auch es "
        "wir sie werden wird wurde"
    ),
    "pt": (
        "de que não uma os no da em um para com por mais as dos como mas foi ao ele das tem "
        "seu sua ou ser quando muito nos já está também o a e do na se pelo pela isso nem à"
    ),
    "it": (
        "di che il la non per una sono della del gli le anche come nel alla questo ma ci lo "
        "ha e un si delle degli è a"
    ),
    "ca": (
        "de la i el que a en els les per amb un una és del no al als dels seu seva però "
        "més aquest aquesta també perquè hi ho això molt són fins quan"
    ),
    "gl": (
        "de a o que e do da en os as un unha non se por para con dos das no na ao á máis "
        "pero como ou tamén moi cando isto iso este esta polo pola nin súa"
    ),
    "nl": (
        "de het een en van in is dat op te zijn met voor niet aan er die ook als bij maar "
        "om door naar wordt worden hij zij ze werd deze heeft hebben nog uit over wij tot"
    ),
    "af": (
        "die van en in is het n nie om te wat ek hy sy ons hulle was word sal kan met op "
        "vir aan ook maar as dat deur hierdie baie tot uit dit"
    ),
    "sv": (
        "och i att det som en på är av för med till den har de inte om ett var jag men så "
        "han hon vi kan sig från eller när efter också vid mot bara detta deras hade blev "
        "sina"
    ),
    "da": (
        "og i at det som en på er af for med til den har de ikke om et var jeg men så han "
        "hun vi kan sig fra eller når efter også ved mod alle dette deres havde blev hvad "
        "nu hvor"
    ),
    "nb": (
        "og i at det som en på er av for med til den har de ikke om et var jeg men så han "
        "hun vi kan seg fra eller når etter også ved mot alle dette deres hadde ble hva nå "
        "hvor mye"
    ),
    "nn": (
        "og i at det som ein eit på er av for med til den har dei ikkje om var eg men så han "
        "ho vi kan seg frå eller når etter òg ved mot alle dette deira hadde vart kva berre "
        "noko mykje vere"
    ),
    "is": (
        "og að í á er sem um við til en það ekki hann hún var með fyrir eru hefur þess "
        "þegar eða úr sig því hafa þeir"
    ),
    "fi": (
        "ja on ei se että oli hän ovat mutta kun niin tai myös sen ole ne kuin joka jotka "
        "tämä nyt vain sitä siitä hänen mitä vielä olla sekä jos kanssa mukaan"
    ),
    "et": (
        "ja on ei et see oli ta kui mis aga ka või nii kes mida seda siis ning oma veel "
        "kõik nad tema olid juba üle selle pärast ainult"
    ),
    "lt": (
        "ir yra kad į su iš bet o tai kaip buvo jo jų ne už nuo apie dar kurie kuris taip "
        "tik jau per arba dėl prie būti"
    ),
    "lv": (
        "un ir ar ka par no uz kā bet tas to arī vai lai kas ne bija viņš tā pie kad nav "
        "jau tikai vēl līdz pēc savu šo"
    ),
    "hu": (
        "a az és hogy nem is egy meg van de csak már még volt mint ha el ki azt ez ezt aki "
        "amely amit lesz kell vagy pedig úgy majd így sem között után szerint"
    ),
    "tr": (
        "ve bir bu için ile çok daha gibi olarak olan kadar ama sonra değil şey veya mi ki "
        "ise olduğu göre ancak onun bunu şu diye"
    ),
    "ro": (
        "și şi în de la a cu pe nu care o un din pentru mai că se este sunt ca sau al ale "
        "fost dar acest această aceasta lui lor prin între după foarte când fi"
    ),
    "la": (
        "et in est non ad cum quod qui quae ut sed si de ex per a ab enim autem esse etiam "
        "atque ac nec neque vel sunt hoc eius quam tamen ita se iam nam inter apud quia "
        "ergo igitur"
    ),
    "eo": (
        "la de kaj en estas al ke por kun ne el pri sed tiu tio ĉi ili ni mi li ŝi estis sur "
        "kiu kiuj ankaŭ ĉar per"
    ),
    "sq": (
        "dhe të në e i një për me që nga është ka nuk më si por ai ajo ata janë kjo ky edhe duke se"
    ),
    "cy": (
        "y yr a ac o i yn ei mae ar am fel gan ond wedi bod sydd hyn roedd eu nid gyda ein "
        "hefyd oedd"
    ),
    "eu": (
        "eta da ez ere bat du dira zen baina edo hau hori dute izan dela bere gure baita "
        "egin beste oso baino"
    ),
    # Indonesian and Malay: their shared words, then each one's own spellings.
    "id": (
        "yang dan di ini itu dengan untuk tidak dari dalam akan pada juga ke ada oleh atau "
        "mereka kami kita adalah bahwa telah "
        "karena bisa saja sudah"
    ),
    "ms": (
        "yang dan di ini itu dengan untuk tidak dari dalam akan pada juga ke ada oleh atau "
        "mereka kami kita adalah bahawa telah "
        "kerana boleh sahaja sudah ialah iaitu"
    ),
    "vi": (
        "và của là có các một những được trong cho không người đã với này để khi thì cũng "
        "như đến từ về nhưng sẽ nhiều làm ra"
    ),
    "sw": (
        "na ya wa kwa ni za katika hii kuwa cha vya yake lakini au pia sana hata kama baada "
        "wakati hiyo zaidi bila"
    ),
    "pl": (
        "i w z na się nie do to że jest o jak ale po co tak za od przez dla oraz jego ich "
        "już tylko może był była było były który która które jako aby czy tego gdy jednak "
        "bardzo także są"
    ),
    "cs": (
        "a se na je v že to s z do o jak jako ale pro by jsou jsem byl byla bylo k za od po "
        "tak jeho který která které jejich také už jen však když aby než jsme být mezi podle "
        "při nebo co toho tento"
    ),
    "sk": (
        "a sa na je v že to s z do o ako ale pre by sú som bol bola bolo k za od po tak jeho "
        "ktorý ktorá ktoré ich aj už len však keď aby než sme byť medzi podľa pri alebo čo "
        "toho tento nie"
    ),
    "sl": (
        "in je v na se da za so z s od po ne to ki tudi kot ali še bi bo smo sem lahko ker "
        "biti iz samo vse tako kar če zelo do ga jih pri sta bil bila bilo"
    ),
    # Croatian, Serbian and Bosnian in Latin letters: their shared words, then each one's own
    # (on a tie, the earlier wins: a text with neither jat reflex nor own words is not Bosnian).
    "hr": (
        "i u je se na da za su od s a ne o koji koja koje što kao iz to ili bi će ali po "
        "samo nije bio bila bilo još kako sve jer smo ga pri "
        "tko također tijekom tisuća uopće jučer tjedan tjedna povijest povijesti "
        "gdje ovdje prije poslije uvijek vrijeme mjesto dio cijeli dvije riječ dijete"
    ),
    "sr": (
        "i u je se na da za su od s a ne o koji koja koje što kao iz to ili bi će ali po "
        "samo nije bio bila bilo još kako sve jer smo ga pri "
        "ko šta takođe tokom hiljada uopšte juče nedelje istorija istorije "
        "gde ovde pre posle uvek vreme mesto deo ceo dve reč dete "
        "и у је се на да за су од са не о који која које што као из то или би ће али по "
        "само није био била било још како све јер ко шта такође где пре после увек "
        "гдје прије послије увијек"
    ),
    "bs": (
        "i u je se na da za su od s a ne o koji koja koje što kao iz to ili bi će ali po "
        "samo nije bio bila bilo još kako sve jer smo ga pri "
        "ko šta takođe tokom hiljada uopšte juče sedmica sedmice historija historije "
        "gdje ovdje prije poslije uvijek vrijeme mjesto dio cijeli dvije riječ dijete"
    ),
    "ru": (
        "и в не на что с по это как к он но из за от у его то все так же для о было она "
        "они бы был была были мы только уже когда или даже если также чтобы который "
        "которые этого этот при до их её ее много между "
        "въ съ къ изъ отъ онъ былъ"
    ),
    "uk": (
        "і в у не на що з по це як до він але із за від його та все так для про було вона "
        "вони був була були ми тільки вже коли або навіть якщо також щоб який які цього "
        "цей при їх її й"
    ),
    "be": (
        "і ў у не на што з па гэта як да ён але за ад яго так для пра было яна яны быў "
        "была былі мы толькі ўжо калі або нават таксама каб які якія гэтага гэты пры іх яе"
    ),
    "bg": (
        "и в на не да се е за с от че по това как са но към той тя те още ще бе беше бяха "
        "който която които или само вече когато при до му им ли този тази след между "
        "както много въ съ къ отъ"
    ),
    "mk": (
        "и во на не да се е за со од што како ќе ги го ја тоа тие таа тој беше биле кој "
        "која кои или само веќе кога по до му им ли овој оваа меѓу многу има нема сите"
    ),
}
_STOPSETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
# Each stop word with the languages that use it: counting stays one set lookup per word,
# and scoring reads only the stop words a text has.
_WORD_LANGUAGES: dict[str, tuple[str, ...]] = {}
for _lang, _words in _STOPSETS.items():
    for _word in _words:
        _WORD_LANGUAGES[_word] = (*_WORD_LANGUAGES.get(_word, ()), _lang)
_ALL_STOPS = frozenset(_WORD_LANGUAGES)
# Languages within this share of the best score are close enough to be told apart by the
# words that only one of each pair uses.
_CLOSE_SHARE = 0.35


@functools.cache
def _own_words(lang: str, other: str) -> frozenset[str]:
    return _STOPSETS[lang] - _STOPSETS[other]


def _closest(counts: Counter, candidates: list[str]) -> str:
    """Among close languages (best score first), the one whose own words the text uses
    more than the other's: each challenger against the one standing."""
    found = counts.keys()
    standing = candidates[0]
    for other in candidates[1:]:
        mine = sum(counts[w] for w in found & _own_words(standing, other))
        theirs = sum(counts[w] for w in found & _own_words(other, standing))
        if theirs > mine:
            standing = other
    return standing


_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_LETTERS = re.compile(r"[^\W\d_]")

# Scripts that one language (or a few, told apart below) writes: (first, last, script).
_SCRIPT_RANGES = [
    ("\u0370", "\u03ff", "el"),
    ("\u0530", "\u058f", "hy"),
    ("\u0590", "\u05ff", "hebrew"),
    ("\u0600", "\u06ff", "arabic"),
    ("\u0750", "\u077f", "arabic"),
    ("\u0900", "\u097f", "devanagari"),
    ("\u0980", "\u09ff", "bn"),
    ("\u0a00", "\u0a7f", "pa"),
    ("\u0a80", "\u0aff", "gu"),
    ("\u0b00", "\u0b7f", "or"),
    ("\u0b80", "\u0bff", "ta"),
    ("\u0c00", "\u0c7f", "te"),
    ("\u0c80", "\u0cff", "kn"),
    ("\u0d00", "\u0d7f", "ml"),
    ("\u0d80", "\u0dff", "si"),
    ("\u0e00", "\u0e7f", "th"),
    ("\u0e80", "\u0eff", "lo"),
    ("\u0f00", "\u0fff", "bo"),
    ("\u1000", "\u109f", "my"),
    ("\u10a0", "\u10ff", "ka"),
    ("\u1200", "\u137f", "am"),
    ("\u1780", "\u17ff", "km"),
    ("\u1c90", "\u1cbf", "ka"),
    ("\u1f00", "\u1fff", "el"),
    ("\u3040", "\u30ff", "kana"),
    ("\u3400", "\u4dbf", "han"),
    ("\u4e00", "\u9fff", "han"),
    ("\uac00", "\ud7af", "hangul"),
    ("\ufb1d", "\ufb4f", "hebrew"),
    ("\ufb50", "\ufdff", "arabic"),
    ("\ufe70", "\ufeff", "arabic"),
]
_SCRIPTED = re.compile("[" + "".join(f"{a}-{b}" for a, b, _ in _SCRIPT_RANGES) + "]")
_SCRIPT_STARTS = [a for a, _, _ in _SCRIPT_RANGES]


def _script_of(char: str) -> str:
    return _SCRIPT_RANGES[bisect_right(_SCRIPT_STARTS, char) - 1][2]


# Letters only Persian (and Urdu) write, letters only Urdu writes.
_PERSIAN_LETTERS = "پچژگ"
_URDU_LETTERS = "ےںٹڈڑ"


def _marks(text: str, marks: tuple[str, ...]) -> int:
    return sum(text.count(m) for m in marks)


def _arabic_script_language(head: str, chars: Counter) -> str:
    total = sum(n for c, n in chars.items() if _script_of(c) == "arabic")
    enough = max(3, total // 200)
    if sum(chars[c] for c in _URDU_LETTERS) >= enough:
        return "ur"
    if sum(chars[c] for c in _PERSIAN_LETTERS) >= enough:
        return "fa"
    persian = _marks(head, (" است", " را ", " این ", " می"))
    arabic = _marks(head, (" في ", " على ", " إلى ", " التي ", " الذي "))
    return "fa" if persian > arabic else "ar"


def _hebrew_script_language(head: str, chars: Counter) -> str:
    # Yiddish: its own ligatures (װ ױ ײ) and its words; Hebrew: its own words.
    yiddish = sum(chars[c] for c in "װױײ") + _marks(
        head, (" און ", " איז ", " פון ", " פֿון ", " ניט ", " נישט ", " זיך ", " דער ")
    )
    hebrew = _marks(head, (" של ", " את ", " על ", " הוא ", " היא ", " גם ", " אשר "))
    return "yi" if yiddish > hebrew else "he"


def _devanagari_language(head: str) -> str:
    # Its words break at vowel signs (not word characters), so whole strings are counted.
    scores = {
        "hi": _marks(head, (" है", " और ", " में ", " के ", " की ", " था", " थे ")),
        "mr": _marks(head, ("आहे", " आणि ", " होते", " म्हणून ", " झाली", " झाले", "च्या ")),
        "ne": _marks(head, ("छ।", " छ ", "छन्", " पनि ", " गर्न", " भएको ", "थियो", " भयो")),
    }
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] > scores["hi"] else "hi"


def _script_language(sample: str) -> str:
    """Languages told by their script, not their stop words: CJK text has no spaces, and
    Greek, Hebrew, Arabic, Indic and other scripts are each written by one language or a
    few told apart here. Latin and Cyrillic texts get "": their words decide."""
    if sample.isascii():
        return ""
    head = sample[:5000]
    if _SCRIPTED.search(head) is None:
        return ""  # the common case, decided by one scan
    chars = Counter(_SCRIPTED.findall(head))
    scripts: Counter = Counter()
    for char, n in chars.items():
        scripts[_script_of(char)] += n
    letters = len(_LETTERS.findall(head)) or 1
    if scripts["kana"] > letters * 0.1:
        return "ja"
    if scripts["hangul"] > letters * 0.3:
        return "ko"
    if scripts["han"] > letters * 0.3:
        return "zh"
    script, n = max(scripts.items(), key=lambda item: item[1])
    if script in ("kana", "han", "hangul") or n <= letters * 0.3:
        return ""
    if script == "arabic":
        return _arabic_script_language(head, chars)
    if script == "hebrew":
        return _hebrew_script_language(head, chars)
    if script == "devanagari":
        return _devanagari_language(head)
    return script


LANGUAGE_SAMPLE = 20000  # characters: the start of the text that detect_language reads


@functools.cache
def _stop_ids() -> tuple[np.ndarray, dict[int, str]]:
    """The ids of all the stop words (sorted), and the word of each id."""
    words = sorted(_ALL_STOPS)
    word_of = dict(zip(ids_of_words(words).tolist(), words, strict=True))
    assert len(word_of) == len(words), "two stop words share an id"
    return np.array(sorted(word_of), dtype=np.uint64), word_of


def _stop_counts(ids: np.ndarray) -> Counter:
    """`Counter(w for w in words if w in _ALL_STOPS)` for the words of these ids."""
    table, word_of = _stop_ids()
    where = np.searchsorted(table, ids)
    where[where == len(table)] = 0
    found = np.bincount(where[table[where] == ids], minlength=len(table))
    hits = np.flatnonzero(found)
    words = map(word_of.__getitem__, table[hits].tolist())
    return Counter(dict(zip(words, found[hits].tolist(), strict=True)))


def detect_language(
    text: str,
    default: str = "en",
    words: list[str] | None = None,
    ids: np.ndarray | None = None,
) -> str:
    """Language by stop-word frequency (ISO 639-1); `default` when the text is too short.
    `words`: `casefolded_words(text[:LANGUAGE_SAMPLE])`, or `ids`: their ids
    (`casefolded_word_ids`), when the caller has them."""
    sample = text[:LANGUAGE_SAMPLE]
    script = _script_language(sample)
    if script:
        return script
    # Only stop words are counted: nothing else is scored.
    if ids is not None:
        counts, total = _stop_counts(ids), len(ids)
    else:
        if words is None:
            words = casefolded_words(sample)
        counts, total = Counter(filter(_ALL_STOPS.__contains__, words)), len(words)
    if total < 8:
        return default
    scores = dict.fromkeys(_STOPSETS, 0)
    for word, n in counts.items():
        for lang in _WORD_LANGUAGES[word]:
            scores[lang] += n
    top = max(scores.values())
    if top < max(2, total // 50):
        return default
    # Best first; equal scores keep the order of _STOPWORDS (a stable sort).
    close = sorted(
        (lang for lang, score in scores.items() if score >= top * _CLOSE_SHARE),
        key=scores.__getitem__,
        reverse=True,
    )
    return _closest(counts, close) if len(close) > 1 else close[0]


# --- titles -------------------------------------------------------------------------


def provisional_title(text: str, max_words: int = 12) -> str:
    """A readable stand-in title from the opening sentence, shortened at a word boundary."""
    sentences = split_sentences(" ".join(text.split())) or [""]
    first = sentences[0].strip(" \"“”'’")
    words = first.split()
    if len(words) > max_words:
        first = " ".join(words[:max_words]).rstrip(",;:—–-") + "…"
    first = first.rstrip(".")
    return first[:1].upper() + first[1:] if first else "Untitled document"


def looks_like_title(line: str) -> bool:
    text = line.strip()
    if not text or len(text) > 200:
        return False
    words = WORD_RE.findall(text)
    if not 1 <= len(words) <= 25:
        return False
    if text[0].islower():
        return False
    t = text.rstrip("”’\"')")
    return not t.endswith((".", ",", ";", ":")) or t.endswith("...")


# --- archive information blocks ------------------------------------------------------

# An archive's transcription notes under a title ("Written: 1898. First published: ...
# Source: ... Transcribed: ..."), as the Marxists Internet Archive and libraries that
# copy its layout print them: metadata, not text.
_INFO_LABEL = re.compile(
    r"\b(written|first published|published|source|translated|translation|transcribed|"
    r"transcription(?:/markup)?|html markup|markup|proofed|proofread|publisher|"
    r"online version|copyleft|public domain|delivered|first appeared)\s*:",
    re.I,
)
_WORK_LABELS = ("written", "delivered", "first published", "first appeared", "published")
_A_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")


def archive_info(text: str) -> tuple[int | None, str] | None:
    """(year of the work or None, the line it came from) when `text` is an information
    block (two labels or more, or one label opening a short line); None otherwise."""
    labels = list(_INFO_LABEL.finditer(text))
    if not labels:
        return None
    if len(labels) < 2 and not (labels[0].start() == 0 and count_words(text) <= 25):
        return None
    if labels[0].start() > 3:
        return None
    found: dict[str, tuple[int, str]] = {}
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(text)
        label = m.group(1).lower()
        rest = text[m.end() : end]
        year = _A_YEAR.search(rest)
        if year and label not in found:
            found[label] = (int(year.group(1)), f"{m.group(0)}{rest}".strip()[:80])
    for label in _WORK_LABELS:
        if label in found:
            return found[label]
    return None, ""


# --- dates standing for the work, as archive pages print them -------------------------

_DATE_SHAPES = (_ISO, _MDY, _DMY, _MY)
_WEEKDAY = re.compile(
    r"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|lunes|martes|miércoles|"
    r"jueves|viernes|sábado|domingo),?\s+",
    re.I,
)
_AROUND = " \t()[].,;:"


def whole_date(text: str) -> tuple[date | None, str]:
    """The date when `text` is nothing but a date ("(26 July 1913)", "March 8, 1922.",
    "Saturday, 26 July 1913", "1913"); (None, "") when anything else is written there."""
    s = _WEEKDAY.sub("", text.strip(_AROUND)).strip(_AROUND)
    if len(s) > 40:
        return None, ""
    for pattern in _DATE_SHAPES:
        m = pattern.fullmatch(s)
        if m:
            return parse_date(s)
    m = _YEAR_ONLY.match(s)
    return (date(int(m.group("y")), 1, 1), "year") if m else (None, "")


def date_at_end(text: str) -> tuple[date | None, str]:
    """A day or month closing a heading or a page title, set off by a comma, a dash or
    brackets: "Karl Marx to Ludwig Kugelmann, 30 January 1868", "The Press (26 July
    1913)". A bare year is not taken (a title may end in any number)."""
    s = text.rstrip(" \t)].;")
    for pattern in (_MDY, _DMY, _MY):
        found = None
        for m in pattern.finditer(s):
            found = m
        if found is None or found.end() != len(s):
            continue
        before = s[: found.start()].rstrip()
        if before and before[-1] in ",([–—-:" and count_words(before) >= 1:
            return parse_date(found.group(0))
    return None, ""


# The lines an archive prints to credit its volunteers and the site it copied from: not
# text, and their dates (of a transcription, a markup) are never the work's.
_CREDIT = re.compile(
    r"\b(copied with (?:thanks|permission) from|transcribed (?:by|for)_NAME|"
    r"transcription\s*(?:&|and|/)\s*(?:html\s*)?mark-?up|(?:html\s*)?mark-?up\s*(?::|by_NAME)|"
    r"proof-?read(?:ing)?\s*(?::|by_NAME)|proofed\s*(?::|by_NAME|and)|scanned and prepared|"
    r"(?:prepared |transcribed )?for the marxists?['’]? internet archive|"
    r"transcripci[oó]n\s*(?::|por_NAME)|digitali[sz]ed by_NAME)".replace(
        "_NAME", r"\s+(?-i:[A-Z])"
    ),
    re.I,
)
# "From Forward, 26 July 1913" / "Source: Labour Monthly, June 1922": the periodical the
# text came from, with its issue.
_SOURCE_LINE = re.compile(r"^\s*(?:from|source\s*:)\s+(?P<rest>.{2,160})", re.I | re.S)
# A source that is a later edition (collected works, a publisher's book): its year is the
# edition's, not the work's.
_EDITION = re.compile(
    r"\b(collected|selected|works|volume|vol\.|publishers?|press|edition|verlag|books|"
    r"reprint(?:ed)?|anthology|obras|tomo)\b",
    re.I,
)


def credit_block(text: str) -> bool:
    """An archive's credit block: a short paragraph that opens with a source or credit
    line and credits a transcription, a markup or the site it was copied from."""
    if count_words(text) > 80 or not _CREDIT.search(text):
        return False
    return bool(
        _CREDIT.match(text) or _source_line(text) or _INFO_LABEL.match(text) or _issue_line(text)
    )


def _source_line(text: str) -> bool:
    """ "From Forward, 26 July 1913." / "Source: Collected Works, Vol. 3": a source line
    names an issue (a date, a year) or an edition; "From the first box to the last, every
    page…" is prose."""
    m = _SOURCE_LINE.match(text)
    if not m:
        return False
    line = m.group(0)
    cut = _CREDIT.search(line)
    line = _first_sentence(line[: cut.start()] if cut else line)
    return bool(
        re.match(r"\s*source\s*:", line, re.I)
        or parse_date(line)[0]
        or _A_YEAR.search(line)
        or _EDITION.search(line)
    )


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[a-z0-9\)])\.\s+(?=[A-Z])", text, maxsplit=1)[0].strip()


def _issue_line(text: str) -> str:
    """ "Forward, 30 August, 1913.": a periodical's name and the issue's day or month,
    opening a credit block. The line, or ""."""
    line = _first_sentence(text)
    if count_words(line) > 14 or "," not in line:
        return ""
    found, precision = parse_date(line)
    return line if found and precision != "year" and not is_file_date(line) else ""


def source_date(text: str) -> tuple[date | None, str, str]:
    """(date, precision, line) of the work from a source line opening `text` ("From
    Forward, 26 July 1913."); a bare year only from a source that is no later edition.
    Credit lines' dates are never taken."""
    m = _SOURCE_LINE.match(text)
    if not m:
        issue = _issue_line(text)
        if issue:
            found, precision = parse_date(issue)
            return found, precision, issue[:80]
        return None, "", ""
    line = m.group(0)
    cut = _CREDIT.search(line)
    if cut:
        line = line[: cut.start()]
    line = _first_sentence(line)
    if is_file_date(line):
        return None, "", ""
    found, precision = parse_date(line)
    if found and precision != "year":
        return found, precision, line[:80]
    years = _A_YEAR.findall(line)
    if years and not _EDITION.search(line):
        return date(int(years[-1]), 1, 1), "year", line[:80]
    return None, "", ""


def archive_date(text: str) -> tuple[date | None, str, str] | None:
    """`archive_info` with the date at the precision the line gives ("First Published:
    Die Rote Fahne, March 8, 1922" is a day, not a year); a "Source:" line dates the work
    when no work field does. None when `text` is no information block."""
    info = archive_info(text)
    if info is None:
        return None
    year, line = info
    if year:
        found, precision = parse_date(line)
        if found and found.year == year:
            return found, precision, line
        return date(year, 1, 1), "year", line
    m = re.search(r"\bsource\s*:", text, re.I)
    if m:
        found, precision, line = source_date(text[m.start() :])
        return found, precision, line
    return None, "", ""


# Words of a label naming a series of pages rather than one piece: "Marx-Engels
# Correspondence 1866", "Collected Works, Volume 3", "Lenin Internet Archive".
_SERIES_LABEL = re.compile(
    r"\b(correspondence|letters|collected|selected|works|writings|archive|volume|vol\.|"
    r"index|papers|anthology|correspondencia|cartas|obras|briefwechsel|briefe)\b",
    re.I,
)


def series_label(text: str) -> bool:
    """A label naming a series (correspondence, collected works, an archive), not one
    piece nor a person."""
    return bool(_SERIES_LABEL.search(text))
