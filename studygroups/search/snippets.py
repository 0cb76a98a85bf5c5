"""Highlighted snippets as safe HTML.

The database marks matches with two private-use characters (which `query.clean_input`
removes from what people type); everything else in the text is escaped, so the only
markup in a snippet is our own balanced `<mark>`.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

START = "\ue000"
STOP = "\ue001"
ELLIPSIS = "…"


def to_html(marked: str | None) -> SafeString:
    out: list[str] = []
    open_ = False
    buffer: list[str] = []
    for ch in marked or "":
        if ch in (START, STOP):
            out.append(escape("".join(buffer)))
            buffer = []
            if ch == START and not open_:
                out.append("<mark>")
                open_ = True
            elif ch == STOP and open_:
                out.append("</mark>")
                open_ = False
        else:
            buffer.append(ch)
    out.append(escape("".join(buffer)))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped
