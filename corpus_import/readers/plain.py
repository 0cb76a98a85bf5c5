"""A plain article: paragraphs separated by blank lines (wrapped lines are joined)."""

from __future__ import annotations

from . import register
from ._text import blank_line_mode, numbered_lines, single_document


@register
class PlainArticleReader:
    name = "plain"
    max_score = 0.4  # the most `detect` returns

    def detect(self, text: str) -> float:
        return 0.4 if blank_line_mode(numbered_lines(text[:200_000])) else 0.0

    def read(self, text, ledger):
        return single_document(text, ledger, blank_mode=True)
