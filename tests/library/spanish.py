"""What a page rendered in Spanish must not contain: the English source of any interface
string of the reading-series, library, search and home areas that the catalog translates.

Each msgid is cut at its placeholders and markup into fragments; a fragment of three or
more words that the Spanish translation does not itself contain must not be in the page's
visible text. User content (titles, paragraphs) is made of words no msgid contains."""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent.parent
AREAS = (
    "templates/curricula",
    "templates/library",
    "templates/search",
    "templates/site",
    "studygroups/curricula",
    "studygroups/library",
    "studygroups/site",
)
_CUT = re.compile(r"%\(\w+\)[sd]|<[^>]+>|[“”«»()¶:;,.?!…→←≈+–—·]")


@cache
def english_fragments() -> tuple[str, ...]:
    with (ROOT / "locale/es/LC_MESSAGES/django.po").open("rb") as fh:
        catalog = read_po(fh, locale="es")
    fragments = set()
    for message in catalog:
        if not message.id or not any(p.startswith(AREAS) for p, _ in message.locations):
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        spanish = " ".join(s for s in strings if s)
        for source in ids:
            for piece in _CUT.split(source):
                piece = " ".join(piece.split())
                if len(piece.split()) >= 3 and piece not in spanish:
                    fragments.add(piece)
    return tuple(sorted(fragments))


def visible_text(page: str) -> str:
    """The text of the page's <main> (or body) as a person reads it, plus the attributes a
    screen reader speaks (aria-label, title, placeholder)."""
    match = re.search(r"<main\b.*?</main>", page, re.S) or re.search(
        r"<body\b.*</body>", page, re.S
    )
    part = match.group(0) if match else page
    part = re.sub(r"<(script|style)\b.*?</\1>", " ", part, flags=re.S)
    spoken = " ".join(re.findall(r'(?:aria-label|title|placeholder)="([^"]*)"', part))
    text = re.sub(r"<[^>]+>", " ", part) + " " + spoken
    return " ".join(html.unescape(text).split())


def english_left(page: str) -> list[str]:
    text = visible_text(page)
    return [fragment for fragment in english_fragments() if fragment in text]
