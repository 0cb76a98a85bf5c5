"""Name forms: when two spellings of an author's name are the same person.

The same writer reaches a library spelled many ways: transliterated from Russian by
English, French, German or Spanish editors ("Peter", "Pyotr", "Petr", "Pierre",
"Piotr Kropotkin", "Pierre Kropotkine", "Tolstoy", "Tolstoi", "Tolstoï", "Tolstoj"),
translated ("Frederick" / "Friedrich Engels", "Michael" / "Mikhail Bakunin"), in
capitals from an e-book header, in a catalogue's "Kropotkin, Peter" order, with a
title ("kniaz' Petr Alekseevich Kropotkin") or a patronymic. `person_key(name)` gives
every such form of one name the same key; `library.services.authors_get_or_create`
finds authors by it, and the importer's duplicate check compares bylines with it.

The rule, in order:

1. Cyrillic is transliterated (a plain scholarly table, ``CYRILLIC``); accents are
   folded ("Lénine" → "lenine"; ß → ss, ø → o, ł → l); case is folded.
2. "Surname, Given" is turned around; titles and honorifics (``TITLES``: kniaz',
   prince, count, Dr…) are dropped, and so are lowercase particles ("de", "von"; a
   capitalized one belongs to the surname: "Paul Le Blanc") and Russian patronymics
   (a middle word ending in -ovich, -evich, -ich, -ovna, -evna, -ichna).
3. Every remaining word is spelled in one way (``_spelling``): the differences between
   the English, French, German and Spanish transliterations of Russian (tsch/sch/tz/w/j,
   ks/x, kh/h, ph/th, French tch, gu, ou and final -ine, y/i before a vowel,
   yo/io/ie/e, the endings -y/-i/-ii/-iy/-ij, doubled letters).
4. Given names are then taken to their family in ``GIVEN_NAMES``: the forms one given
   name takes across languages and transliterations (Peter = Pyotr = Pierre = Pedro…).
   A given name not in the table stands for itself.
5. The key is the given names' families, in order, and the surname (the last word).

What stays distinct, on purpose: different given names with one surname ("Leo" and
"Alexei Tolstoy", "Peter" and "Alexander Kropotkin"); a name with initials and the same
name written out ("P. Kropotkin" and "Peter Kropotkin": the initial could be anyone's);
an extra middle name ("George W. Bush" and "George Bush"); a surname alone ("Lenin").
Not recognised: Spanish double surnames; German "ch" and Spanish "j" for Russian
"kh" (Bucharin, Chejov), French "ch" for "sh" (Pouchkine), Russian "G" for "H"
(Gertsen), and romanizations of Chinese (Mao Zedong, Mao Tse-tung). A rule of
spelling can, rarely, join two names that differ only in that spelling (w/v, a
doubled letter): both would have to carry the same given names as well.

No Django here: the text pipeline can use it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}  # fmt: skip
_CYRILLIC_TABLE = str.maketrans(CYRILLIC)
# Letters that NFKD does not split into a base letter and an accent.
_FOLD_TABLE = str.maketrans(
    {"ß": "ss", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i", "þ": "th"}
)

TITLES = frozenset(
    {
        "kniaz", "knyaz", "prince", "princess", "count", "countess", "graf", "grafin",
        "comte", "comtesse", "baron", "baroness", "sir", "dame", "dr", "mr", "mrs", "ms",
        "prof", "professor", "rev", "saint", "st",
    }
)  # fmt: skip
PARTICLES = frozenset(
    {"de", "da", "di", "del", "della", "van", "von", "der", "den", "du", "la", "le", "ten", "ter"}
)
_PATRONYMIC = re.compile(r"(?:ovich|evich|ich|ovna|evna|ichna)$")

# The forms one given name takes across languages and transliterations: each line is
# one name (the first form names the family). Add a line, or a form to a line, when an
# edition spells a name a new way; never put two names on one line.
GIVEN_NAMES = """
peter pyotr petr piotr pjotr pierre pedro pietro petro petrus
leo lev leon lyov leone
michael mikhail michail mihail mijail michel miguel michele michal mykhailo
alexander aleksandr alexandr aleksander alexandre alejandro alessandro oleksandr
alexei aleksei alexey aleksey alexis alessio
alexandra aleksandra alejandra alessandra
nicholas nikolai nikolay nicolai nicolas nicola nikolaus mykola
fyodor fedor feodor fiodor fjodor theodore theodor teodoro
friedrich frederick frederic federico fryderyk
karl carl carlos charles carlo
joseph josef iosif osip jozef giuseppe jose
george georgy georgi georgii georg jorge giorgio georges
john johann johannes jean juan giovanni jan ivan
james jacques jacob jakob yakov iakov giacomo jaime
william wilhelm guillaume guillermo guglielmo willem
louis ludwig luis luigi lewis
paul pavel pablo paolo pawel
andrew andrei andrey andre andreas andres andrea
gregory grigory grigori gregoire gregorio
eugene yevgeny evgeny evgeni eugen eugenio
anthony anton antoine antonio
sergei sergey serge sergio
dmitri dmitry dmitrii demetrius
vasily vasili vasilii wassily basil
konstantin constantine constantin
maxim maksim maxime maximo
thomas tomas tommaso tomasz foma
francis franz francois francisco francesco
stephen stepan stefan etienne esteban stefano
henry heinrich henri enrique enrico errico
catherine ekaterina yekaterina katharina caterina catalina
mary maria marie mariya
nadezhda nadejda
rosa roza
vladimir wladimir
benedict baruch bento benedictus benedetto
""".strip().splitlines()


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.translate(_CYRILLIC_TABLE).translate(_FOLD_TABLE)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


_SPELLING = [
    (re.compile(r"t?sch"), lambda m: "ch" if m.group(0) == "tsch" else "sh"),
    (re.compile(r"tch"), "ch"),  # French Tchekhov, Zassoulitch
    (re.compile(r"gu(?=[ei])"), "g"),  # French Tourguéniev
    (re.compile(r"tz"), "ts"),
    (re.compile(r"ks"), "x"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"),
    (re.compile(r"w"), "v"),
    (re.compile(r"j"), "y"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"(?<=[a-z]{3})ine$"), "in"),  # French Lénine, Kropotkine, Bakounine
    (re.compile(r"y(?=[aeiou])"), "i"),  # Yevgeny/Ievgeni, Solovyov/Soloviov
    (re.compile(r"io"), "ie"),  # ё written yo/io/e
    (re.compile(r"(?<=[^aeiou])ie"), "e"),  # Zinoviev/Zinovev, Gorbachiev/Gorbachev
    (re.compile(r"(?<=[aeiou])i(?=[aeiou])"), ""),  # Dostoievski/Dostoevski
    (re.compile(r"(?:ii|iy|yi|y)$"), "i"),  # Tolstoy/Tolstoi, Dostoevskii/Dostoevsky
    (re.compile(r"(?<=o)f+$"), "v"),  # Plekhanoff, Romanoff
    (re.compile(r"([a-z])\1+"), r"\1"),  # doubled letters
]


@lru_cache(maxsize=4096)
def _spelling(word: str) -> str:
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    return word


def _given_families() -> dict[str, str]:
    families: dict[str, str] = {}
    for line in GIVEN_NAMES:
        forms = line.split()
        family = _spelling(forms[0])
        for form in forms:
            families[_spelling(_fold(form))] = family
    return families


_FAMILY_OF = _given_families()
_WORD = re.compile(r"[a-z0-9]+")


_SURNAME_PARTICLE = re.compile(
    r"\b(" + "|".join(p.capitalize() for p in sorted(PARTICLES)) + r")\s+(?=\w)"
)


def name_words(name: str) -> tuple[list[str], str]:
    """(given words, surname) of a name after steps 1–2, before spelling: folded,
    turned around, without titles, particles or patronymics."""
    if not name.isupper():
        # A capitalized particle is part of the surname (Paul Le Blanc, Daniel De Leon);
        # a lowercase one is a particle (Alexis de Tocqueville, Ludwig van Beethoven).
        name = _SURNAME_PARTICLE.sub(r"\1", name)
    folded = _fold(name)
    if folded.count(",") == 1:
        surname, given = folded.split(",")
        if given.strip() and given.strip(" .") not in ("jr", "sr", "junior", "senior"):
            folded = f"{given} {surname}"
    folded = folded.replace("'", "").replace("’", "")
    words = [w for w in _WORD.findall(folded) if w not in TITLES]
    if not words:
        return [], ""
    surname = words[-1]
    given = [w for w in words[:-1] if w not in PARTICLES]
    given = [w for n, w in enumerate(given) if n == 0 or not _PATRONYMIC.search(w)]
    return given, surname


@lru_cache(maxsize=16384)
def person_key(name: str) -> str:
    """One key for every form of one person's name (see the module's docstring); ""
    for a blank name. Names in scripts the rule does not transliterate (Chinese,
    Greek…) are keyed by their casefolded letters."""
    given, surname = name_words(name)
    if not surname or any(c.isalpha() and not c.isascii() for c in _fold(name)):
        letters = "".join(c for c in _fold(name) if c.isalnum())
        return f"={letters}"[:200] if letters else ""
    families = [w if len(w) == 1 else _FAMILY_OF.get(_spelling(w), _spelling(w)) for w in given]
    return (" ".join(families) + "|" + _spelling(surname))[:200]


def same_person(a: str, b: str) -> bool:
    """Whether two bylines name the same person (see `person_key`)."""
    key = person_key(a)
    return bool(key) and key == person_key(b)
