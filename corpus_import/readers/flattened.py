"""A text flattened onto one line (paragraph breaks lost in copying).

The lines are kept as they are; the structure stage cuts the long run into paragraphs at
sentence ends. Lines around it (a provenance note, a blog footer) stay separate.
"""

from __future__ import annotations

from ..normalize import count_words
from . import register
from ._text import single_document


@register
class FlattenedReader:
    name = "flattened"
    max_score = 0.6  # the most `detect` returns

    def detect(self, text: str) -> float:
        # Two words need a character between them, so a line of 300 words has at least
        # 599 characters: only such lines are counted, and the whole text only when one
        # of them is long enough. Counting every line of every file was the cost here.
        long_lines = [line for line in text.split("\n") if len(line) >= 599]
        longest = max((count_words(line) for line in long_lines), default=0)
        if longest < 300:
            return 0.0
        total = count_words(text)
        return 0.6 if longest >= 0.6 * total else 0.0

    def read(self, text, ledger):
        return single_document(text, ledger, blank_mode=False)
