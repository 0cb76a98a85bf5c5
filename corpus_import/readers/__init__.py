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

    def detect(self, text: str) -> float: ...

    def read(self, text: str, ledger: Ledger) -> list[RawDocument]: ...


REGISTRY: list[Reader] = []


def register(reader_cls):
    REGISTRY.append(reader_cls())
    return reader_cls


def choose_reader(text: str) -> Reader:
    """The reader whose detector is most confident; the generic one never scores 0."""
    best = max(REGISTRY, key=lambda r: r.detect(text))
    return best


def reader_named(name: str) -> Reader:
    return next(r for r in REGISTRY if r.name == name)


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
