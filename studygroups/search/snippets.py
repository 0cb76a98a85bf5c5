"""Highlighted snippets as safe HTML.

The database marks matches with two private-use characters (which `query.clean_input`
removes from what people type); everything else in the text is escaped, so the only
markup in a snippet is our own balanced `<mark>`.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

START = "\ue000"
STOP = "\ue001"
ELLIPSIS = "…"


_MARKS = re.compile(f"([{START}{STOP}])")


def to_html(marked: str | None) -> SafeString:
    """One pass of `re.split` (a character loop cost ~0.1 ms a snippet, 2 ms a page)."""
    out: list[str] = []
    open_ = False
    for piece in _MARKS.split(marked or ""):
        if piece == START:
            if not open_:
                out.append("<mark>")
                open_ = True
        elif piece == STOP:
            if open_:
                out.append("</mark>")
                open_ = False
        elif piece:
            out.append(escape(piece))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped
