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


# -- 1. lists of the blog's own posts --------------------------------------------------
def test_a_list_of_links_to_the_blogs_own_posts_is_kept():
    html = (
        OPENING + "<p>Here are the patterns I liked writing most this year:</p><ul>"
        "<li><a href='https://purlandplain.example/2024/01/fisherman-rib/'>A fisherman's "
        "rib scarf for the coldest mornings</a></li>"
        "<li><a href='https://www.purlandplain.example/2024/03/mittens/'>Thrummed mittens "
        "from leftover fleece</a></li>"
        "<li><a href='/2024/06/linen-tee/'>A linen tee knitted on the train</a></li>"
        "</ul><p>Thank you for knitting along.</p>"
    )
    body = _bodies(run_file("purl.xml", _rss(_item(1, html, "Jo Marsh"))))[0]
    for title in ("fisherman's rib scarf", "Thrummed mittens", "linen tee knitted"):
        assert title in body, body


def test_consecutive_link_paragraphs_in_an_atom_entry_are_kept():
    # The same list written as paragraphs, in an Atom feed with xhtml content.
    links = "".join(
        f"<p><a href='https://tidepool.example/notes/{slug}'>{title}</a></p>"
        for slug, title in (
            ("limpets", "What the limpets do at low water"),
            ("wrack", "Bladder wrack and the storm of March"),
        )
    )
    feed = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Tidepool'
        "</title><link href='https://tidepool.example/'/><entry><title>Best of the shore"
        "</title><link href='https://tidepool.example/notes/best'/><author><name>Ines Roca"
        "</name></author><updated>2024-01-02T09:00:00Z</updated><content type='html'>"
        + html_escape("<p>Two notes I keep coming back to.</p>" + links)
        + "</content></entry></feed>"
    )
    body = _bodies(run_file("tide.atom", feed.encode()))[0]
    assert "What the limpets do at low water" in body
    assert "Bladder wrack and the storm of March" in body


def test_a_lone_teaser_between_paragraphs_is_still_dropped():
    html = (
        OPENING + "<p><a href='/2024/02/moth-holes/'>Darning moth holes in a hurry</a></p>"
        "<p>The new shop opens in April.</p>"
    )
    body = _bodies(run_file("purl.xml", _rss(_item(1, html, "Jo Marsh"))))[0]
    assert "Darning moth holes" not in body
    assert body.endswith("The new shop opens in April.")


# -- 2. "read more" as words -----------------------------------------------------------
def test_sentences_starting_with_read_more_or_keep_reading_are_kept():
    kept = (
        "Read more books. That was the resolution I actually kept.",
        "Keep reading, because the pattern for the hat is at the end.",
        "Weiterlesen lohnt sich, denn das Muster kommt am Schluss.",
    )
    html = OPENING + "".join(f"<p>{s}</p>" for s in kept) + "<p>See you in spring.</p>"
    body = _bodies(run_file("purl.xml", _rss(_item(1, html, "Jo Marsh"))))[0]
    for sentence in kept:
        assert sentence in body, body


def test_the_engines_read_more_links_are_still_dropped():
    items = "".join(
        _item(n, OPENING + f"<p>{tail}</p>", "Jo Marsh")
        for n, tail in enumerate(
            (
                "Read more »",
                "Continue reading “The wool shop” →",
                "<a href='/3/'>Continue reading The wool shop on Tanner Row →</a>",
                "Lire la suite…",
            )
        )
    )
    bodies = _bodies(run_file("purl.xml", _rss(items)))
    first = "The wool shop on Tanner Row closed this winter, and I knitted through it."
    assert bodies == [first] * 4


# -- 3. sign-offs without an author ----------------------------------------------------
def test_an_authorless_entry_keeps_a_closing_by_sentence_and_gets_no_author():
    endings = ("By then it was too late.", "By Christmas Eve.", "Par Monts et Vallées")
    items = "".join(_item(n, OPENING + f"<p>{end}</p>") for n, end in enumerate(endings))
    result = run_file("purl.xml", _rss(items))
    assert [d.authors for d in result.documents] == [[], [], []]
    for body, end in zip(_bodies(result), endings, strict=True):
        assert body.endswith(end), body
    assert result.ledger.balanced


def test_a_template_sign_off_in_several_authorless_entries_still_names_the_author():
    # Another variant of the family: Atom, German, the sign-off first in the entry.
    entries = "".join(
        f"<entry><title>Eintrag {n}</title><link href='https://heide.example/{n}'/>"
        f"<updated>2024-05-0{n}T09:00:00Z</updated><content type='html'>"
        + html_escape(
            "<p>Von Greta van Dijk aus Celle.</p><p>Die Heide blüht früh in diesem Jahr, "
            f"schreibt Eintrag {n}.</p>"
        )
        + "</content></entry>"
        for n in (1, 2)
    )
    feed = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Heide'
        f"</title>{entries}</feed>"
    )
    result = run_file("heide.atom", feed.encode())
    assert [d.authors for d in result.documents] == [["Greta van Dijk"], ["Greta van Dijk"]]
    assert not any("Von Greta" in body for body in _bodies(result))
    assert result.ledger.balanced


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
