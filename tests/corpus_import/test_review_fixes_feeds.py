"""Feed rules that took the writer's own text for clutter (review of 2026-11-30).

1. A paragraph that is only a link to the blog's own site is a news teaser only when it
   stands alone between paragraphs (or under a "read also" label): a list of links the
   writer made ("my favourite posts of the year") is text.
2. "Read more", "Keep reading" are an engine's link only as the label itself (or a paragraph
   that is only the link): "Read more books." and "Keep reading, because…" are sentences.
3. An entry with no author takes a sign-off as its author only when the feed's template
   signs other entries with the same name; "By then it was too late." is never a name.
4. Damaged feeds (thousands of unclosed CDATA sections or <title> tags) are read in linear
   time.
"""

import re
import time
from html import unescape as html_unescape

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_import.pipeline import run_file
from corpus_import.readers.feed import ENTITY_OR_AMP, XML_ENTITIES, _fix_entities, _xml_char


def _bodies(result) -> list[str]:
    return ["\n".join(b.text for b in d.blocks) for d in result.documents]


def _rss(items: str, author: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        "<title>Purl and Plain</title><link>https://purlandplain.example/</link>"
        f"{items}</channel></rss>"
    ).encode()


def _item(n: int, html: str, author: str = "") -> str:
    by = f"<author>{author}</author>" if author else ""
    return (
        f"<item><title>Entry {n}</title><link>https://purlandplain.example/{n}/</link>{by}"
        "<pubDate>Mon, 04 Mar 2024 08:00:00 +0000</pubDate>"
        f"<description><![CDATA[{html}]]></description></item>"
    )


def html_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


OPENING = "<p>The wool shop on Tanner Row closed this winter, and I knitted through it.</p>"


# -- 4. damaged feeds in linear time ---------------------------------------------------
def _timed(data: bytes) -> float:
    start = time.perf_counter()
    run_file("damaged.xml", data)
    return time.perf_counter() - start


def test_thousands_of_unclosed_cdata_sections_are_read_quickly():
    junk = "<![CDATA[&nbsp;" * 14_000  # ~200 KB, none closed
    data = _rss(f"<item><title>Knots</title><description>Caf&eacute; {junk}</description>")
    assert len(data) > 200_000
    assert _timed(data) < 2.0


def test_thousands_of_unclosed_titles_are_read_quickly():
    items = _item(1, OPENING) + "<item><title>" + "w<title>" * 25_000
    data = _rss(items)
    assert len(data) > 200_000
    assert _timed(data) < 2.0


def _old_fix_entities(body: str) -> str:
    """The regular-expression version the scanner replaces (the reference for its result)."""

    def repl(m):
        name, numeric = m.group(1), m.group(2)
        if numeric:
            code = int(numeric[2:-1], 16) if numeric[1] in "xX" else int(numeric[1:-1])
            return m.group(0) if _xml_char(code) else "&#65533;"
        if name in XML_ENTITIES:
            return m.group(0)
        if name:
            char = html_unescape(f"&{name};")
            if char != f"&{name};":
                return "".join(f"&#{ord(c)};" for c in char)
            return f"&amp;{name};"
        return "&amp;"

    pieces = re.split(r"(<!\[CDATA\[.*?\]\]>)", body, flags=re.S)
    for k in range(0, len(pieces), 2):
        pieces[k] = ENTITY_OR_AMP.sub(repl, pieces[k])
    return "".join(pieces)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["<![CDATA[", "]]>", "]]", "&nbsp;", "&", "&amp;", "x "])))
def test_cdata_scan_fixes_the_same_entities_as_before(tokens):
    body = "".join(tokens)
    assert _fix_entities(body)[0] == _old_fix_entities(body)
