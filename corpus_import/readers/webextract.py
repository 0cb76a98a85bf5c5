"""Web pages: main content by trafilatura, metadata by the page's own evidence.

trafilatura finds the article among the page's chrome (navigation, sidebars, share
widgets, comments, footers); measured on the development corpus it and readability-lxml
drop the same chrome, and trafilatura also hands back the structure (heading levels,
lists, code, quotations) as XML, so nothing here re-parses its output as HTML.

What the page says about itself is evidence, weighed by where it stands:
- title: the page's top heading when the <title> repeats it, else <title> without the
  site's name;
- authors: <meta name="author">, then a byline link (rel="author"), never a commenter or
  the site's name;
- date of the work: a *published* time (meta or <time class="published">), or an
  archive's "Written:"/"First published:" line; never modified, "last updated",
  revision or retrieval dates, which are reported as ignored.

Before extraction, markup families are tidied by their markup, never by one page's words:
MediaWiki's edit links, math fallbacks and navboxes, syntax highlighters' tables, e-book
page numbers; footnotes (a note that links back to its marker) are taken out as notes.
A Project Gutenberg HTML book is turned into text and read as the e-book it is.
"""

from __future__ import annotations

import copy
import re

from lxml import etree
from lxml import html as lxml_html

from ..chrome import end_matter_kind
from ..data import DraftNote, Hints, Para, RawDocument
from ..metadata import (
    archive_date,
    credit_block,
    date_at_end,
    file_date_line,
    parse_byline,
    parse_date,
    same_title,
    series_label,
    source_date,
    whole_date,
)
from ..normalize import collapse_spaces, count_words
from ._text import NOTE_ENTRY, NOTES_HEADING, cites_a_marker
from ._tree import remove_keeping_tail

XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
GUTENBERG = re.compile(
    r"\*{3}\s*START OF (THE|THIS) PROJECT GUTENBERG|\*START\*+\s*THE SMALL PRINT", re.I
)
TITLE_SEPARATOR = re.compile(r"\s+[|–—:-]{1,2}\s+|\s+✩\s+|\s+»\s+")
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCK_TAGS = HEADING_TAGS | {
    "p", "li", "pre", "blockquote", "div", "td", "th", "dt", "dd", "tr", "table", "ul", "ol",
    "section", "article", "header", "footer", "center", "figure", "figcaption", "hr",
}  # fmt: skip
# Markup of whole families that is never text: MediaWiki edit links, the TeX copy and
# fallback image of each formula, navigation boxes and the contents box; e-book page
# numbers; hidden elements.
DROP_XPATH = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' mw-editsection ')]"
    " | //annotation | //*[local-name()='annotation']"
    " | //img[contains(@class, 'mwe-math-fallback')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' navbox ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' vertical-navbox ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' infobox ')]"
    " | //*[@id='toc'] | //*[contains(concat(' ', normalize-space(@class), ' '), ' toc ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' pagenum ')]"
    " | //*[@id='siteSub'] | //*[@id='jump-to-nav'] | //*[@id='contentSub']"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' mw-jump-link ')]"
    " | //script | //style | //noscript | //template"
)
NOTE_MARKER = re.compile(r"^\s*[\[(]?\s*(\d{1,3}\*?|[*†‡§]+|[a-z])\s*[\])]?\s*[.:]?\s*$|^[\^↑]$")
PUBLISHED_META = (
    "article:published_time", "citation_publication_date", "citation_date",
    "dc.date.issued", "dcterms.issued", "dc.date", "date", "pubdate", "publication_date",
    "sailthru.date", "parsely-pub-date",
)  # fmt: skip


class PageError(ValueError):
    pass


def parse_tree(text: str):
    text = XML_DECL.sub("", text.lstrip("\ufeff"), count=1)
    try:
        return lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise PageError(f"the page could not be parsed as HTML ({exc})") from exc


def _text(el) -> str:
    return collapse_spaces(" ".join((el.text_content() or "").split()))


def page_words(tree) -> int:
    return count_words(" ".join(tree.itertext()))


def read_page(text: str, ledger) -> list[RawDocument]:
    tree = parse_tree(text)
    total = page_words(tree)
    if GUTENBERG.search(text):
        return _gutenberg_html(tree, ledger)
    evidence: list[str] = []
    family = _family(tree, text, evidence)
    hints = Hints(language=(tree.get("lang") or tree.get("xml:lang") or "")[:2].lower())
    title_el = _title(tree, hints, evidence)
    _authors(tree, hints, evidence)
    if family.startswith("Encyclopedia"):
        # An encyclopedia article is revised for ever: its page dates (created, last
        # edited, retrieved) are none of them the date of a work.
        evidence.append("Encyclopedia article: no date of the work is taken from the page.")
    else:
        _published(tree, hints, evidence)
    _archive_title(tree, hints, evidence)
    if not family.startswith("Encyclopedia"):
        _title_date(tree, hints, evidence)
    for bad in tree.xpath(DROP_XPATH):
        remove_keeping_tail(bad)
    _layout_blockquotes(tree, evidence)
    notes = mediawiki_references(tree, evidence)
    notes += take_notes(tree, evidence)
    _code_tables(tree)
    captions = _captions(tree)
    # trafilatura prunes the tree it is given: keep the markup for the fallback below.
    markup = lxml_html.tostring(tree, encoding="unicode")
    paras = restore_headings(tree, extract_paras(tree))
    if not paras:
        # trafilatura finds no article in some small or unusual pages (text straight in
        # <div>s): then every block outside the page's furniture is the text.
        from .html import html_to_paras

        paras = list(html_to_paras(markup).paras)
        if paras:
            evidence.append("No article found by trafilatura: every block outside chrome kept.")
    for p in paras:
        if p.kind == "paragraph" and _key(p.text) in captions:
            p.kind = "caption"
    paras = _drop_head(paras, hints, title_el, evidence)
    paras = _info_blocks(paras, hints, evidence)
    paras = _file_dates(paras, evidence)
    if family.startswith("Encyclopedia"):
        paras = end_matter(paras, notes, evidence)
    else:
        _letter_date(paras, hints, evidence)
        archive = family.startswith("Archive page")
        paras = closing_notes(paras, notes, evidence, archive=archive)
    paras = _drop_empty_headings(paras)
    _normalise_levels(paras)
    meta_words = count_words(hints.title) + sum(count_words(a) for a in hints.authors or [])
    meta_words += sum(count_words(n.text) + count_words(n.marker) for n in notes)
    # An ordered item's number is kept (as list_number) and counted as a word.
    kept = sum(count_words(p.text) + (p.list_number is not None) for p in paras)
    ledger.read = max(total, kept + meta_words)
    ledger.metadata += meta_words
    ledger.drop("", words=ledger.read - kept - meta_words)
    if not paras:
        return []
    return [
        RawDocument(
            paras=paras,
            line_start=1,
            line_end=text.count("\n") + 1,
            hints=hints,
            head_parsed=True,
            family=family,
            evidence=evidence,
            notes=notes,
            paragraphs_marked=True,
        )
    ]


# --- families -------------------------------------------------------------------------


def _family(tree, text: str, evidence: list[str]) -> str:
    generator = " ".join(tree.xpath("//meta[@name='generator']/@content"))
    mediawiki = "mediawiki" in generator.lower() or tree.xpath(
        "//*[@id='firstHeading'] | //*[contains(concat(' ', @class, ' '), ' mw-parser-output ')]"
    )
    if mediawiki:
        evidence.append(
            f"MediaWiki page: generator “{generator or 'firstHeading/mw-parser-output'}”."
        )
        return "Encyclopedia page (MediaWiki)"
    if "wordpress" in generator.lower() or "/wp-content/" in text or "wp-includes" in text:
        evidence.append("WordPress page: wp-content paths or generator meta.")
        return "Blog post (WordPress)"
    head = _text_of_first(tree, "//p[@class='info'] | //*[@class='information']")
    if re.search(r"\b(written|first published|transcribed|source)\s*:", head, re.I) or (
        credit_block(head)
    ):
        evidence.append(f"Archive page: information block “{head[:80]}”.")
        return "Archive page (Marxists Internet Archive style)"
    return "Web page"


def _text_of_first(tree, xpath: str) -> str:
    found = tree.xpath(xpath)
    if not found:
        return ""
    if found[0].find(".//br") is None:
        return _text(found[0])
    el = copy.deepcopy(found[0])
    for br in el.iter("br"):  # lines of an information block: "1907.<br/>Copied …"
        br.tail = " " + (br.tail or "")
    return _text(el)


# --- metadata ---------------------------------------------------------------------------


def _title(tree, hints: Hints, evidence: list[str]):
    page_title = _text_of_first(tree, "//title")
    segments = [s for s in TITLE_SEPARATOR.split(page_title) if s.strip()]
    h1s = [h for h in tree.xpath("//body//h1") if _text(h)]
    if segments:
        for h in tree.xpath("//body//h1 | //body//h2 | //body//h3"):
            if same_title(_text(h), segments[0]):
                hints.title = _text(h)
                evidence.append(f"Title from the heading that <title> opens with: “{hints.title}”.")
                return h
    for h in h1s:
        heading = _text(h)
        if page_title and (
            any(same_title(heading, seg) for seg in segments) or heading in page_title
        ):
            hints.title = heading
            evidence.append(f"Title from the top heading that <title> repeats: “{heading}”.")
            return h
    og = tree.xpath("//meta[@property='og:title']/@content")
    if og and og[0].strip():
        hints.title = collapse_spaces(og[0])
        evidence.append(f"Title from og:title: “{hints.title}”.")
        return None
    if h1s:
        hints.title = _text(h1s[0])
        evidence.append(f"Title from the first <h1>: “{hints.title}”.")
        return h1s[0]
    own = _own_heading(tree, segments[0] if segments else "")
    if own is not None:
        hints.title = _text(own)
        evidence.append(
            f"Title from the page's own heading “{hints.title}”, not the series label"
            f" of <title> “{page_title}”."
        )
        return own
    if segments:
        hints.title = segments[0]
        evidence.append(f"Title from <title> without the site's name: “{hints.title}”.")
    return None


# A section's name, never the name of a piece.
_GENERIC_SECTION = re.compile(
    r"^(introduction|preface|foreword|contents|notes|footnotes|appendix|index|"
    r"(chapter|part|section|book|appendix)\b.*|[IVXLC]+|\d+)$",
    re.I,
)
_LETTER_HEADING = re.compile(r"\S.*\bto\b\s+\S.*", re.I)


def _own_heading(tree, label: str):
    """With no <h1>, the first <h2>/<h3> over the text names the piece when <title> is a
    series label: it says so in its words, it stands in the page as a line of its own
    (its year aside), or the heading is a letter's ("X to Y, 30 January 1868")."""
    heads = [
        h
        for h in tree.xpath("//body//h2 | //body//h3")
        if _text(h)
        and count_words(_text(h)) <= 20
        and not any(a.tag in ("header", "nav", "footer", "aside") for a in h.iterancestors())
    ]
    if not heads or not label:
        return None
    head = heads[0]
    text = _text(head)
    if text.casefold() in label.casefold():
        return None  # <title> names the piece ("Author: Title (Year)"), it is no series
    undated = re.sub(r"\d+", "", label)
    repeated = any(
        same_title(re.sub(r"\d+", "", _text(el)), undated)
        for el in tree.xpath("//body//p | //body//div[not(*)]")
    )
    letter = bool(_LETTER_HEADING.fullmatch(text) and date_at_end(text)[0])
    if letter or (
        (series_label(label) or repeated) and not _GENERIC_SECTION.match(text.strip(" .:"))
    ):
        return head
    return None


_RANK = {"year": 1, "month": 2, "day": 3}


def _better_date(hints: Hints, found, precision: str) -> bool:
    """A date may stand when there is none yet, or when it makes the one known so far more
    precise and agrees with it (1907 or December 1907, then 7 December 1907)."""
    if not found:
        return False
    if not hints.published:
        return True
    known, rank = hints.published, _RANK.get(hints.date_precision, 3)
    if _RANK.get(precision, 0) <= rank or found.year != known.year:
        return False
    return rank == 1 or found.month == known.month


def _title_date(tree, hints: Hints, evidence: list[str]) -> None:
    """A day or month closing the title heading or the page's <title> ("(26 July 1913)",
    "…to Ludwig Kugelmann, 30 January 1868") is the work's date."""
    for source, text in (("title", hints.title), ("<title>", _text_of_first(tree, "//title"))):
        found, precision = date_at_end(text or "")
        if _better_date(hints, found, precision):
            hints.published, hints.date_precision = found, precision
            evidence.append(f"Date of the work from the {source}: “{text[:90]}”.")
            return


def _letter_date(paras: list[Para], hints: Hints, evidence: list[str]) -> None:
    """A letter's date line among its first lines ("30 January 1868", "London, January
    30, 1868") dates it at day or month precision; the line stays in the letter."""
    for p in paras[:3]:
        if p.kind == "heading" or count_words(p.text) > 8:
            continue
        found, precision = whole_date(_PLACE.sub("", p.text))
        if precision in ("month", "day") and _better_date(hints, found, precision):
            hints.published, hints.date_precision = found, precision
            evidence.append(f"Date of the work from the letter's date line: “{p.text}”.")
            return


_PLACE = re.compile(r"^\s*[^\W\d_][^\W\d_ .'’-]*(?:[ .'’-]+[^\W\d_]+){0,3},\s*(?=\D)")


_ARCHIVE_TITLE = re.compile(
    r"^(?P<author>[^:]{3,60}):\s+(?P<title>.+?)(?:\s+\((?P<year>1[5-9]\d\d|20\d\d)\))?$"
)


def _archive_title(tree, hints: Hints, evidence: list[str]) -> None:
    """Archives title their pages "Author: Title (Year)". When the title taken so far is
    that whole line, split it; the year in brackets is the work's."""
    m = _ARCHIVE_TITLE.match(hints.title or "")
    if not m:
        return
    author = m.group("author").strip()
    people, _org = parse_byline(author)
    known = {a.casefold() for a in hints.authors or []}
    if not people or (known and author.casefold() not in known):
        return
    hints.title = m.group("title").strip()
    hints.authors = hints.authors or people
    evidence.append(f"Title split as “Author: Title (Year)”: “{hints.title}”.")
    if m.group("year") and not hints.published:
        hints.published, hints.date_precision = parse_date(m.group("year"))
        evidence.append(f"Year of the work from the page title: {m.group('year')}.")


def _authors(tree, hints: Hints, evidence: list[str]) -> None:
    site = " ".join(tree.xpath("//meta[@property='og:site_name']/@content"))
    candidates = [
        ("<meta name=author>", tree.xpath("//meta[@name='author']/@content")),
        ("<meta article:author>", tree.xpath("//meta[@property='article:author']/@content")),
        ("byline link rel=author", [_text(a) for a in _byline_links(tree)]),
    ]
    for source, values in candidates:
        for value in values:
            value = collapse_spaces(value)
            if not value or value.startswith("http") or (site and same_title(value, site)):
                continue
            people, org = parse_byline(value)
            if people:
                hints.authors = people
                evidence.append(f"Authors from {source}: {', '.join(people)}.")
                return
            if org:
                hints.organization = org
    hints.authors = []
    _trafilatura_author(tree, hints, evidence, site)


def _trafilatura_author(tree, hints: Hints, evidence: list[str], site: str) -> None:
    """trafilatura's own byline search (schema.org, byline classes) as a last resort; its
    answer is kept only when it is people, not the site."""
    from trafilatura.metadata import extract_metadata

    try:
        found = extract_metadata(tree)
    except Exception:  # noqa: BLE001 - a heuristic that failed is no evidence
        return
    value = collapse_spaces(getattr(found, "author", "") or "") if found else ""
    if not value or (site and same_title(value, site)) or "wiki" in value.lower():
        return
    people, _org = parse_byline(value.replace(";", ","))
    if people:
        hints.authors = people
        evidence.append(f"Authors from the page's byline markup (trafilatura): {value}.")


def _byline_links(tree):
    """rel=author links outside comments (a commenter's name is no byline)."""
    found = []
    for a in tree.xpath("//a[contains(concat(' ', @rel, ' '), ' author ')]"):
        if any(_is_comment_area(anc) for anc in a.iterancestors()):
            continue
        found.append(a)
    return found


def _is_comment_area(el) -> bool:
    marks = f"{el.get('id', '')} {el.get('class', '')}".lower()
    return bool(re.search(r"comment|respond|reply|sidebar|widget", marks))


def _published(tree, hints: Hints, evidence: list[str]) -> None:
    for name in PUBLISHED_META:
        values = tree.xpath(
            f"//meta[translate(@name,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')"
            f"='{name}' or @property='{name}']/@content"
        )
        for value in values:
            found, precision = parse_date(value)
            if found:
                hints.published, hints.date_precision = found, precision
                evidence.append(f"Date from <meta {name}>: {value.strip()[:40]}.")
                return
    xpath = (
        "//time[contains(concat(' ', @class, ' '), ' published ')]"
        " | //time[@pubdate] | //*[@itemprop='datePublished']"
        " | //abbr[contains(concat(' ', @class, ' '), ' published ')]"
        " | //time[contains(concat(' ', @class, ' '), ' entry-date ')]"
    )
    for el in tree.xpath(xpath):
        if any(_is_comment_area(anc) for anc in el.iterancestors()):
            continue
        value = el.get("datetime") or el.get("content") or el.get("title") or _text(el)
        found, precision = parse_date(value)
        if found:
            # The date as written (the publisher's local day), never shifted to UTC.
            hints.published, hints.date_precision = found, precision
            evidence.append(f"Date from the post's published time: {value.strip()[:40]}.")
            return
    for script in tree.xpath("//script[@type='application/ld+json']"):
        m = re.search(r'"datePublished"\s*:\s*"([^"]{4,40})"', script.text or "")
        found, precision = parse_date(m.group(1)) if m else (None, "")
        if found:
            hints.published, hints.date_precision = found, precision
            evidence.append(f"Date from the page's schema.org datePublished: {m.group(1)}.")
            return


# --- footnotes ----------------------------------------------------------------------------

# MediaWiki's reference lists: each entry of an <ol class="references"> (or holding the
# back-link span) is a note, cited once ("^") or many times ("^ a b c").
MW_REFERENCES = (
    "//ol[contains(concat(' ', normalize-space(@class), ' '), ' references ')]/li"
    " | //li[.//*[contains(concat(' ', normalize-space(@class), ' '), ' mw-cite-backlink ')]]"
    " | //li[starts-with(@id, 'cite_note')]"
)
MW_BACKLINKS = (
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' mw-cite-backlink ')]"
    " | .//a[starts-with(@href, '#cite_ref')]"
)
MW_REFERENCE_TEXT = ".//*[contains(concat(' ', normalize-space(@class), ' '), ' reference-text ')]"
_BACKLINK_LEAD = re.compile(r"^\s*(?:[\^↑]|jump up(?: to)?:?|\s)+", re.I)


def mediawiki_references(tree, evidence: list[str]) -> list[DraftNote]:
    """Every entry of a MediaWiki reference list becomes a note, its marker the one the
    text shows where it is cited ("[36]", "[a]"), its text without the back-links; the
    markers stay in the body. Entries cited more than once are notes like the others."""
    ids = {el.get("id"): el for el in tree.xpath("//*[@id]")}
    notes: list[DraftNote] = []
    seen = set()
    for k, li in enumerate(tree.xpath(MW_REFERENCES), start=1):
        if id(li) in seen or li.getparent() is None:
            continue
        seen.add(id(li))
        backlinks = li.xpath(MW_BACKLINKS)
        marker = ""
        for link in li.xpath(".//a[starts-with(@href, '#')]"):
            target = ids.get((link.get("href") or "")[1:])
            if target is not None and not _inside(target, li):
                marker = collapse_spaces(target.text_content() or "")
                break
        body = li.xpath(MW_REFERENCE_TEXT)
        if body:
            text = " ".join(_text(b) for b in body)
        else:
            for link in backlinks:
                if link.getparent() is not None and _inside(link, li):
                    remove_keeping_tail(link)
            text = _BACKLINK_LEAD.sub("", _text(li))
        position = li.getparent().index(li) + 1 if li.getparent() is not None else k
        notes.append(DraftNote(marker=(marker or f"[{position}]")[:20], text=text))
        remove_keeping_tail(li)
    if notes:
        evidence.append(
            f"{len(notes)} MediaWiki references kept as notes (their markers stay in the text)."
        )
    return notes


def take_notes(tree, evidence: list[str]) -> list[DraftNote]:
    """Footnotes: a block (p, li) that opens with a link to its marker in the text, which
    links back to the note. The block leaves the body and becomes a note."""
    ids = {}
    for el in tree.xpath("//*[@id or @name]"):
        for key in (el.get("id"), el.get("name")):
            if key:
                ids.setdefault(key, el)
    notes: list[DraftNote] = []
    for a in tree.xpath("//a[starts-with(@href, '#')]"):
        block = next((anc for anc in a.iterancestors() if anc.tag in ("p", "li", "div")), None)
        if block is None or block.getparent() is None:
            continue
        before = _text_before(block, a)
        if before or not NOTE_MARKER.match(a.text_content() or ""):
            continue
        target = ids.get(a.get("href")[1:])
        if target is None or _inside(target, block):
            continue
        own = {k for el in [a, *a.iterancestors()] for k in (el.get("id"), el.get("name")) if k}
        own_ids = {k for k in own if ids.get(k) is not None and _inside(ids[k], block)}
        scope = [target, *target.iterancestors()][:3]
        links_back = any(
            (link.get("href") or "")[1:] in own_ids for el in scope for link in el.iter("a")
        )
        if not links_back:
            continue
        marker = collapse_spaces(target.text_content() or "") or collapse_spaces(a.text_content())
        text = _text(block)
        shown = collapse_spaces(a.text_content())
        if text.startswith(shown):
            text = text[len(shown) :].strip()
        notes.append(DraftNote(marker=marker[:20], text=text))
        remove_keeping_tail(block)
    if notes:
        evidence.append(f"{len(notes)} footnotes (each links back to its marker) kept as notes.")
    return notes


def _inside(el, block) -> bool:
    return el is block or any(anc is block for anc in el.iterancestors())


def _text_before(block, a) -> str:
    parts = []
    for node in block.iter():
        if node is a:
            break
        if node.text and isinstance(node.tag, str):  # (a comment's text is not shown)
            parts.append(node.text)  # a node's own text comes before its children
        if node is not block and node.tail and not _inside(a, node):
            parts.append(node.tail)
    return "".join(parts).strip()


# --- content ------------------------------------------------------------------------------


def _layout_blockquotes(tree, evidence: list[str]) -> None:
    """Old pages indent their whole text with a <blockquote> (the Marxists Internet
    Archive's bordered pages: <blockquote><div class="border"><h1>…). One that holds the
    page's headings is layout, not a quotation: it becomes a plain division."""
    wrappers = tree.xpath("//body//blockquote[.//h1 or .//h2 or .//h3 or .//h4]")
    for bq in wrappers:
        bq.tag = "div"
    if wrappers:
        evidence.append(
            f"{len(wrappers)} blockquote(s) holding the page's headings read as layout."
        )


def _code_tables(tree) -> None:
    """Syntax highlighters (WP-Syntax, GeSHi, Pygments' table mode) put code in a table
    beside a column of line numbers: keep only the <pre> holding the code."""
    for table in tree.xpath("//table[.//pre]"):
        pres = table.xpath(".//pre")
        code = max(pres, key=lambda p: len(p.text_content() or ""))
        new = lxml_html.Element("pre")
        new.text = code.text_content()
        new.tail = table.tail
        table.getparent().replace(table, new)


def _captions(tree) -> set[str]:
    """trafilatura drops <figcaption> with its image: make each a paragraph, and remember
    it so it becomes a caption block again."""
    found = set()
    for cap in tree.xpath("//figcaption"):
        text = _text(cap)
        if text:
            found.add(_key(text))
            cap.tag = "p"
            parent = cap.getparent()
            if parent is not None and parent.tag == "figure":
                parent.tag = "div"
    return found


def extract_paras(tree) -> list[Para]:
    import trafilatura

    xml = trafilatura.extract(
        tree,
        output_format="xml",
        include_formatting=True,
        include_comments=False,
        include_tables=True,
        include_links=False,
        include_images=False,
        deduplicate=False,
    )
    if not xml:
        return []
    root = etree.fromstring(xml.encode("utf-8"))  # noqa: S320 - trafilatura's own output
    main = root.find("main")
    paras: list[Para] = []
    for el in main if main is not None else root:
        _walk(el, paras)
    return paras


def _key(text: str) -> str:
    return " ".join(text.split())[:60]


def restore_headings(tree, paras: list[Para]) -> list[Para]:
    """trafilatura drops very short headings (a bare "I", "II" over each part of an
    essay). Put back each heading of the page that it left out, before the paragraph that
    follows it on the page, when that paragraph was kept."""
    have = {_key(p.text) for p in paras if p.kind == "heading"}
    starts: dict[str, int] = {}
    for k, p in enumerate(paras):
        if p.kind != "heading":
            starts.setdefault(_key(p.text)[:40], k)
    inserts: dict[int, list[Para]] = {}
    pending: list[Para] = []
    for el in tree.iter(*HEADING_TAGS, "p", "li", "pre", "blockquote"):
        text = _text(el)
        if not text:
            continue
        if el.tag in HEADING_TAGS:
            furniture = any(
                anc.tag in ("header", "nav", "footer", "aside", "form")
                for anc in el.iterancestors()
            )
            if _key(text) not in have and count_words(text) <= 20 and not furniture:
                pending.append(Para(text, 0, "heading", int(el.tag[1])))
            continue
        if pending:
            k = starts.get(_key(text)[:40])
            if k is not None:
                inserts.setdefault(k, []).extend(pending)
            pending = []
    if not inserts:
        return paras
    out: list[Para] = []
    for k, p in enumerate(paras):
        out.extend(inserts.get(k, []))
        out.append(p)
    return out


def _plain(el) -> str:
    # A line break (<lb/>) separates words: "Yours<br/><b>KM</b>" is "Yours KM".
    parts: list[str] = []
    _flat(el, parts)
    return collapse_spaces(" ".join("".join(parts).split()))


def _flat(el, parts: list[str]) -> None:
    parts.append(" " if el.tag == "lb" else el.text or "")
    for child in el:
        _flat(child, parts)
        parts.append(child.tail or "")


def _walk(el, paras: list[Para]) -> None:
    tag = el.tag
    if tag == "head":
        rend = el.get("rend") or "h2"
        level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
        text = _plain(el)
        if text:
            paras.append(Para(text, 0, "heading", level))
    elif tag == "list":
        numbered = el.get("rend") == "ol"
        for k, item in enumerate(el.findall("item"), start=1):
            text = _plain(item)
            if text:
                para = Para(text, 0, "list_item")
                para.list_number = k if numbered else None
                paras.append(para)
    elif tag == "code":
        text = "".join(el.itertext()).strip("\n")
        if text.strip():
            paras.append(Para(text, 0, "code"))
    elif tag == "quote":
        text = _plain(el)
        if text:
            paras.append(Para(text, 0, "quotation"))
    elif tag == "table":
        for row in el.iter("row"):
            cells = [_plain(c) for c in row.findall("cell")]
            text = " | ".join(c for c in cells if c)
            if text:
                paras.append(Para(text, 0, "paragraph"))
    elif tag in ("p", "div", "item"):
        text = _plain(el)
        if text:
            paras.append(Para(text, 0, "paragraph"))
    else:
        for child in el:
            _walk(child, paras)


def _drop_head(paras: list[Para], hints: Hints, title_el, evidence) -> list[Para]:
    """The title again, and the short lines above it (an author heading, a breadcrumb), are
    not body text; a lone year in parentheses under the title is the work's year."""
    while (
        paras
        and paras[0].kind != "heading"
        and count_words(paras[0].text) <= 6
        and series_label(paras[0].text)
        and not paras[0].text.rstrip().endswith((".", "!", "?"))
    ):
        # "Marx/Engels Internet Archive" over the page: the site's or the series' label.
        evidence.append(f"Series label over the text dropped: “{paras[0].text}”.")
        paras = paras[1:]
    index = next(
        (k for k, p in enumerate(paras[:8]) if hints.title and same_title(p.text, hints.title)),
        None,
    )
    if index is None:
        return paras
    head, rest = paras[:index], paras[index + 1 :]
    if any(count_words(p.text) > 12 for p in head):
        return paras[:index] + rest
    for p in head:
        people, _org = parse_byline(p.text)
        if not hints.authors and people and p.kind == "heading":
            hints.authors = people
            evidence.append(f"Authors from the heading above the title: {p.text}.")
    # A year or a date alone under the title ("(1913)", "<h3>(26 July 1913)</h3>") is the
    # work's date, never a section.
    while rest and whole_date(rest[0].text)[0]:
        found, precision = whole_date(rest[0].text)
        if _better_date(hints, found, precision):
            hints.published, hints.date_precision = found, precision
        evidence.append(f"Date of the work from the line under the title: {rest[0].text}.")
        rest = rest[1:]
    return rest


def _info_blocks(paras: list[Para], hints: Hints, evidence) -> list[Para]:
    kept = []
    for k, p in enumerate(paras):
        info = archive_date(p.text) if k < 12 and p.kind != "heading" else None
        if info is None and k < 12 and p.kind != "heading" and credit_block(p.text):
            # Credits with no "Written:" field ("From Forward, 26 July 1913. Copied with
            # thanks from … Transcription & HTML Mark-up: …"): chrome; the source's date
            # is the work's when nothing better dates it.
            found, precision, line = source_date(p.text)
            evidence.append(f"Credit block dropped as chrome: “{p.text[:90]}”.")
            if _better_date(hints, found, precision):
                hints.published, hints.date_precision = found, precision
                evidence.append(f"Date of the work from the source line “{line}”.")
            continue
        if info is None:
            kept.append(p)
            continue
        found, precision, line = info
        evidence.append(f"Information block taken as metadata: “{p.text[:90]}”.")
        work = line and not re.match(r"\s*source\s*:", line, re.I)
        if found and (
            (work and (not hints.published or hints.date_precision == "year"))
            or _better_date(hints, found, precision)
        ):
            hints.published, hints.date_precision = found, precision
            evidence.append(f"Date of the work from “{line}”.")
    return kept


def closing_notes(
    paras: list[Para], notes: list[DraftNote], evidence, archive: bool = False
) -> list[Para]:
    """A "Notes" heading (in the page's language) whose paragraphs, to the end of the
    page, are numbered entries ("1. …", "[2] …"): the entries are the document's notes,
    with their numbers; the heading goes. Lines under an entry belong to it. Outside an
    archive page the text must cite one of the entries ("[1]", "¹"): a closing numbered
    list nobody cites ("Remarques: 1. The reading room is open…") is text."""
    for k in range(len(paras) - 1, -1, -1):
        if paras[k].kind == "heading":
            break
    else:
        return paras
    heading = paras[k]
    if not NOTES_HEADING.match(heading.text.strip(" :.")):
        return paras
    found: list[DraftNote] = []
    for p in paras[k + 1 :]:
        m = NOTE_ENTRY.match(p.text)
        if m:
            found.append(DraftNote(marker=m.group(1), text=m.group(2).strip()))
        elif found:
            found[-1].text += " " + p.text
        else:
            return paras
    if not found:
        return paras
    body = "\n".join(p.text for p in paras[:k])
    if not archive and not cites_a_marker(body, [n.marker for n in found]):
        return paras
    notes.extend(found)
    evidence.append(f"{len(found)} numbered entries under “{heading.text}” kept as notes.")
    return paras[:k]


def _file_dates(paras: list[Para], evidence) -> list[Para]:
    kept = []
    for p in paras:
        if p.kind != "heading" and count_words(p.text) <= 20 and file_date_line(p.text):
            evidence.append(f"Ignored as the file's date, not the work's: “{p.text[:80]}”.")
            continue
        kept.append(p)
    return kept


def end_matter(paras: list[Para], notes: list[DraftNote], evidence) -> list[Para]:
    """An encyclopedia article's end matter leaves the body (see chrome.END_NOTES): the
    entries under a references-like heading that are not notes already (a bibliography,
    further reading) become notes without a marker; what is under "See also" or "External
    links" is navigation and is dropped, with the headings."""
    kept: list[Para] = []
    kind, level = "", 0
    taken: list[str] = []
    for p in paras:
        if p.kind == "heading" and (not kind or p.level <= level):
            kind, level = end_matter_kind(p.text), p.level
            if kind:
                taken.append(f"“{p.text}” ({'notes' if kind == 'notes' else 'dropped'})")
                continue
        if not kind:
            kept.append(p)
        elif kind == "notes" and p.kind != "heading":
            notes.append(DraftNote(marker="", text=p.text))
    if taken:
        evidence.append("Encyclopedia end matter: " + ", ".join(taken) + ".")
    return kept


def _drop_empty_headings(paras: list[Para]) -> list[Para]:
    """A heading with nothing under it before the next heading of its level or above (the
    "Footnotes" heading once its notes are taken out) is not a section; nor is a divider
    set as a heading ("<h4>*</h4>", "* * *"), which has no letter nor digit."""
    kept: list[Para] = []
    for k, p in enumerate(paras):
        if p.kind == "heading" and not re.search(r"[^\W_]", p.text):
            continue
        if p.kind == "heading":
            nxt = next(
                (q for q in paras[k + 1 :] if q.kind != "heading" or q.level <= p.level), None
            )
            if nxt is None or nxt.kind == "heading":
                continue
        kept.append(p)
    return kept


def _normalise_levels(paras: list[Para]) -> None:
    """The page's highest heading level inside the article is the chapter level (2)."""
    levels = [p.level for p in paras if p.kind == "heading"]
    if not levels:
        return
    shift = min(levels) - 2
    for p in paras:
        if p.kind == "heading":
            p.level = max(2, p.level - shift)


# --- Project Gutenberg HTML books -----------------------------------------------------------


def _gutenberg_html(tree, ledger) -> list[RawDocument]:
    from .book import BookReader

    for bad in tree.xpath(DROP_XPATH):
        remove_keeping_tail(bad)
    text = tree_to_text(tree)
    docs = BookReader().read(text, ledger)
    for doc in docs:
        doc.family = "Project Gutenberg e-book (HTML)"
        doc.evidence.insert(0, "HTML page holding a Project Gutenberg START marker.")
    return docs


# Block boundaries while flattening (private-use characters: lxml refuses control ones).
_BLOCK_MARK, _HEADING_MARK = "\ue000", "\ue001"
_MARKS = re.compile("[ \t]*(?:[\ue000\ue001][ \t\n]*)+")


def tree_to_text(tree) -> str:
    """Blocks separated by blank lines, <br> as line breaks, source wrapping as spaces."""
    body = tree.find("body")
    body = body if body is not None else tree
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag != "pre":
            if el.text:
                el.text = el.text.replace("\n", " ").replace("\r", " ")
            if el.tail:
                el.tail = el.tail.replace("\n", " ").replace("\r", " ")
    for br in body.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in body.iter():
        if isinstance(el.tag, str) and el.tag in BLOCK_TAGS:
            # Headings set off by more blank lines, as a plain-text edition sets them.
            mark = _HEADING_MARK if el.tag in HEADING_TAGS else _BLOCK_MARK
            el.text = mark + (el.text or "")
            el.tail = mark + (el.tail or "")
    text = body.text_content()
    text = _MARKS.sub(lambda m: "\n\n\n\n" if _HEADING_MARK in m.group(0) else "\n\n", text)
    lines = [collapse_spaces(line) for line in text.split("\n")]
    return "\n".join(lines).strip() + "\n"
