"""Text copied from a web page: one paragraph per line, no blank lines between them."""

from __future__ import annotations

from . import register
from ._text import blank_line_mode, numbered_lines, single_document


@register
class WebPageReader:
    name = "webpage"
    max_score = 0.45  # the most `detect` returns

    def detect(self, text: str) -> float:
        lines = numbered_lines(text[:200_000])
        nonblank = sum(1 for _, line in lines if line.strip())
        return 0.45 if nonblank >= 3 and not blank_line_mode(lines) else 0.0

    def read(self, text, ledger):
        return single_document(text, ledger, blank_mode=False)
