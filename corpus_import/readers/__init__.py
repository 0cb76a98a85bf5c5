"""Source formats. Each module registers a reader; the format is detected from the text.

A reader has a `name`, `detect(text) -> float` (0 = not this format, 1 = certainly) and
`read(text, ledger) -> list[RawDocument]`, which sets `ledger.read` to the words of the
text it read (for markup formats, the words of the text content, not of the tags).
Adding a format is adding one module here and importing it below.
"""

from __future__ import annotations

from typing import Protocol

from ..data import Ledger, RawDocument


class Reader(Protocol):
    name: str
    max_score: float  # the highest score `detect` ever returns

    def detect(self, text: str) -> float: ...

    def read(self, text: str, ledger: Ledger) -> list[RawDocument]: ...


REGISTRY: list[Reader] = []


def register(reader_cls):
    REGISTRY.append(reader_cls())
    return reader_cls


def choose_reader(text: str) -> Reader:
    """The reader whose detector is most confident (on a tie, the first registered); the
    generic one never scores 0.

    Detectors run from the highest `max_score` down, and stop when no reader left could
    win: a reader dump (0.95) is not also searched for a contents table or a flattened
    line. The choice is the same as asking every detector.
    """
    order = sorted(range(len(REGISTRY)), key=lambda i: (-REGISTRY[i].max_score, i))
    best, best_score = order[0], REGISTRY[order[0]].detect(text)
    for i in order[1:]:
        reader = REGISTRY[i]
        if reader.max_score < best_score or (reader.max_score == best_score and i > best):
            break  # nor can any reader after it in this order
        score = reader.detect(text)
        if score > best_score or (score == best_score and i < best):
            best, best_score = i, score
    return REGISTRY[best]


# Importing the modules registers them.
from . import (  # noqa: E402, F401
    book,
    feed,
    flattened,
    generic,
    html,
    markdown,
    pdf_extract,
    plain,
    reader_dump,
    webpage,
)
