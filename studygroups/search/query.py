"""What a person typed, turned into plain words and quoted phrases.

Nothing a person types is passed to a query parser as syntax: operators (AND, OR, NOT,
NEAR, `*`, `-`, `^`), column filters (`title:`), brackets and stray quotes all become
plain words or are dropped as punctuation. A balanced pair of double quotes makes a
phrase. Each backend then builds its own query from these terms (FTS5: every word quoted;
PostgreSQL: `plainto_tsquery` / `phraseto_tsquery` with the words as parameters).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_INPUT = 200  # characters read from the search box
MAX_TERMS = 12  # words and phrases used; the rest are ignored
MAX_WORD = 60  # characters per word
MAX_PHRASE_WORDS = 8

WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def plain_words(self) -> list[str]:
        return [t.words[0] for t in self.terms if not t.is_phrase]

    @property
    def phrases(self) -> list[str]:
        return [t.text for t in self.terms if t.is_phrase]

    def fts5_words(self) -> str:
        """Every word on its own (phrases split): for ranking, since bm25 weighs a phrase
        by first finding it in every row of the index."""
        words = dict.fromkeys(w for term in self.terms for w in term.words)
        return " ".join('"' + w.replace('"', '""') + '"' for w in words)

    def fts5(self) -> str:
        """An FTS5 MATCH expression: every word double-quoted, so none is an operator."""
        return " ".join('"' + term.text.replace('"', '""') + '"' for term in self.terms)


def _words(text: str) -> list[str]:
    return [w[:MAX_WORD] for w in WORD_RE.findall(text)]


def clean_input(text: str | None) -> str:
    text = unicodedata.normalize("NFC", text or "")
    text = PRIVATE_USE_RE.sub(" ", text)  # our highlight markers never come from input
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())[:MAX_INPUT]


def parse(text: str | None) -> ParsedQuery:
    """Plain words and "quoted phrases" (only balanced quotes make a phrase)."""
    text = clean_input(text).replace("“", '"').replace("”", '"').replace("„", '"')
    parts = text.split('"')
    if len(parts) % 2 == 0:  # an odd number of quotes: every quote is punctuation
        parts = [" ".join(parts)]
    terms: list[Term] = []
    seen: set[tuple[str, ...]] = set()
    for index, part in enumerate(parts):
        words = [w.lower() for w in _words(part)]
        if index % 2 == 1 and len(words) > 1:  # inside quotes
            candidates = [tuple(words[:MAX_PHRASE_WORDS])]
        else:
            candidates = [(w,) for w in words]
        for candidate in candidates:
            if candidate not in seen:
                seen.add(candidate)
                terms.append(Term(candidate))
    return ParsedQuery(tuple(terms[:MAX_TERMS]))
