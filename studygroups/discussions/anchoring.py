"""Where a post sits in the text: the paragraph an anchor names, and a quotation found
again in it with enough context either side to survive corrections."""

import re

from django.core.exceptions import ValidationError

from studygroups.library.models import Block, Document

from .models import CONTEXT_CHARS, QUOTE_MAX


def block_for_anchor(document: Document, anchor: str) -> Block:
    block = (
        Block.objects.filter(document=document, anchor=anchor)
        .exclude(kind=Block.Kind.HEADING)
        .first()
    )
    if block is None:
        raise ValidationError({"anchor": "That paragraph is not part of this document."})
    return block


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def locate_quote(block_text: str, quote: str, prefix_hint: str = "") -> tuple[str, str, str]:
    """Find `quote` in the paragraph; return (quote, prefix, suffix) with up to
    CONTEXT_CHARS of context either side, so it can be found again after a correction.
    When the quote occurs more than once, the occurrence preceded by `prefix_hint` wins."""
    text, quote = _squash(block_text), _squash(quote)
    if not quote:
        return "", "", ""
    if len(quote) > QUOTE_MAX:
        raise ValidationError(
            {
                "quote": f"A quotation can be at most {QUOTE_MAX} characters; "
                "choose a shorter passage."
            }
        )
    positions = [m.start() for m in re.finditer(re.escape(quote), text)]
    if not positions:
        raise ValidationError(
            {"quote": "The quoted passage is not in that paragraph (it may have been corrected)."}
        )
    hint = _squash(prefix_hint)[-CONTEXT_CHARS:]
    start = positions[0]
    if hint:
        for pos in positions:
            if text[:pos].rstrip().endswith(hint.rstrip()):
                start = pos
                break
    end = start + len(quote)
    return quote, text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]
