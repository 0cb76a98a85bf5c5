"""The fallback: any text, paragraphs by blank lines when it has them, else by lines."""

from __future__ import annotations

from . import register
from ._text import single_document


@register
class GenericReader:
    name = "generic"
    max_score = 0.01  # the most `detect` returns

    def detect(self, text: str) -> float:
        return 0.01

    def read(self, text, ledger):
        return single_document(text, ledger)
