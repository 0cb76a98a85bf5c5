"""RSS 2.0 and Atom feed files: each entry (item) is a document.

Entry content is HTML and goes through the HTML reader's extractor. An entry without a
title gets a provisional one and a review mark (metadata stage). Atom's `updated` is the
date of the file's last change, so only `published` (or RSS `pubDate`) is a date.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - any DTD is refused before parsing
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from html import unescape as html_unescape
from xml.parsers.expat import errors as expat_errors

from ..data import Hints, Para, RawDocument
from ..metadata import names_from_list, parse_byline, parse_date, same_title
from ..normalize import collapse_spaces, count_words, key_for
from . import register
from .html import _Extractor

# A document type declaration is where entities are declared (billion laughs, external
# entities). Feeds have no need of one, so any DTD anywhere in the text is refused: the
# whole text is searched, since padding can push the declaration arbitrarily far down.
DTD_DECL = re.compile(r"<!(DOCTYPE|ENTITY)", re.I)


_QUOTED = r"(?:\"[^\"<>]*\"|'[^'<>]*')"
EXTERNAL_DOCTYPE = re.compile(
    rf"<!DOCTYPE\s+[\w:.-]+(?:\s+(?:PUBLIC\s+{_QUOTED}(?:\s+{_QUOTED})?|SYSTEM\s+{_QUOTED}))?\s*>",
    re.I,
)
XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


def _account_names(authors, feed_title: str):
    """Feeds name accounts, not always people. A one-word handle that is the feed's own
    name run together ("ENTexpertopinion" for "ENT expert opinion") is the publication,
    not an author; one that opens the feed's title when that title is a person's name
    ("manton" in "Manton Reece") stands for that person."""
    if not authors:
        return authors
    folded_title = re.sub(r"\W+", "", feed_title).casefold()
    title_words = feed_title.split()
    person_title = 2 <= len(title_words) <= 3 and all(w[:1].isupper() for w in title_words)
    out = []
    for name in authors:
        if " " in name.strip():
            out.append(name)
            continue
        handle = name.strip().casefold()
        if folded_title and handle == folded_title:
            continue
        if person_title and title_words[0].casefold() == handle:
            out.append(" ".join(title_words))
            continue
        out.append(name)
    return out


class FeedError(ValueError):
    pass


# -- damaged feeds ----------------------------------------------------------------------
# Feeds are served by programs that fail: a PHP error printed after `</feed>`, a second
# XML declaration where two outputs were joined, an HTML page after the feed, an entity
# of HTML (`&nbsp;`) that XML does not define, a bare `&`, a download cut off. What can be
# read is read, and the report says what was ignored; only a feed with no readable
# structure is refused, in words an admin can act on.
XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
ENTITY_OR_AMP = re.compile(
    r"&(?:([A-Za-z][A-Za-z0-9]{0,31});|(#[0-9]{1,9};|#[xX][0-9a-fA-F]{1,8};))?"
)
ROOT_END = re.compile(r"</(?:[\w.-]+:)?(?:rss|feed|RDF)\s*>")
ROOT_START = re.compile(r"<(?:[\w.-]+:)?(?:rss|feed|RDF)[\s>]")
PARSE_PROBLEMS = {
    expat_errors.XML_ERROR_NO_ELEMENTS: "the file ends before the feed is complete "
    "(it may have been cut off while downloading)",
    expat_errors.XML_ERROR_UNCLOSED_TOKEN: "the file ends in the middle of a tag "
    "(it may have been cut off while downloading)",
    expat_errors.XML_ERROR_UNCLOSED_CDATA_SECTION: "the file ends in the middle of an "
    "entry's text (it may have been cut off while downloading)",
    expat_errors.XML_ERROR_TAG_MISMATCH: "a tag is closed that was not the one open "
    "(the markup is broken)",
    expat_errors.XML_ERROR_INVALID_TOKEN: "it holds a character or sign that a feed may "
    "not contain there",
    expat_errors.XML_ERROR_UNDEFINED_ENTITY: "it names a special character that XML does "
    "not define",
    expat_errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT: "there is more text after the end of the feed",
}


JUNK_ERRORS = {
    expat_errors.codes[expat_errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT],
    expat_errors.codes[expat_errors.XML_ERROR_MISPLACED_XML_PI],
}
ENTITY_ERRORS = {
    expat_errors.codes[expat_errors.XML_ERROR_UNDEFINED_ENTITY],
    expat_errors.codes[expat_errors.XML_ERROR_INVALID_TOKEN],
    expat_errors.codes[expat_errors.XML_ERROR_BAD_CHAR_REF],
}


def _xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _fix_entities(body: str) -> tuple[str, int]:
    """HTML's named characters as XML character references, bare ampersands escaped
    (outside CDATA sections, where they are allowed as they are)."""
    fixed = 0

    def repl(m: re.Match) -> str:
        nonlocal fixed
        name, numeric = m.group(1), m.group(2)
        if numeric:
            code = int(numeric[2:-1], 16) if numeric[1] in "xX" else int(numeric[1:-1])
            if _xml_char(code):
                return m.group(0)
            fixed += 1
            return "&#65533;"  # a character no text may hold: the replacement mark
        if name in XML_ENTITIES:
            return m.group(0)
        fixed += 1
        if name:
            char = html_unescape(f"&{name};")
            if char != f"&{name};":
                return "".join(f"&#{ord(c)};" for c in char)
            return f"&amp;{name};"
        return "&amp;"

    # CDATA sections found by a scan that stops at the first one left open (nothing after
    # it can close): a regular expression would look for "]]>" again from every "<![CDATA[".
    pieces, at = [], 0
    while True:
        start = body.find("<![CDATA[", at)
        end = body.find("]]>", start + 9) if start >= 0 else -1
        if end < 0:
            pieces.append(ENTITY_OR_AMP.sub(repl, body[at:]))
            break
        pieces.append(ENTITY_OR_AMP.sub(repl, body[at:start]))
        pieces.append(body[start : end + 3])
        at = end + 3
    return "".join(pieces), fixed


def _offset(data: bytes, position: tuple[int, int]) -> int:
    """The byte offset of expat's (line, column) position."""
    line, column = position
    start = 0
    for _ in range(line - 1):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return len(data)
    return min(start + column, len(data))


def _sample(junk: str) -> str:
    words = " ".join(re.sub(r"<[^>]*>", " ", junk).split())
    return words[:80] + ("…" if len(words) > 80 else "")


TITLE_TEXT = re.compile(r"<title[^<>]*>\s*(?:<!\[CDATA\[)?([^<\]]*)")


def _where(body: str, offset: int) -> str:
    """Where in the feed an offset falls, as the admin sees the feed: its entries."""
    starts = [m.start() for m in re.finditer(r"<(?:[\w.-]+:)?(?:item|entry)[\s>]", body)]
    before = sum(1 for s in starts if s < offset)
    if not before:
        return "in the feed's header, before its first entry"
    # The title's text up to the next tag (each try reads only to the next "<": a damaged
    # entry with thousands of unclosed <title> tags is read once, not once per tag).
    title = TITLE_TEXT.search(body, starts[before - 1], offset)
    named = ""
    if title and title.group(1).strip():
        named = f" (“{_sample(title.group(1))}”)"
    return f"in entry {before} of {len(starts)}{named}"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def parse_feed(text: str):
    """The feed's root element and the repairs made to read it (sentences for the report).

    Tried in turn: the text as it is; without text before the feed's root element or
    after its end; with HTML's named characters and bare ampersands made XML; a
    recovering parser (lxml), which keeps what it can read of damaged markup."""
    # The text is already decoded: the declaration's encoding no longer applies (and
    # expat refuses multi-byte ones such as GB2312).
    body = XML_DECL.sub("", text.lstrip("\ufeff"), count=1)
    repairs: list[str] = []
    try:
        return ET.fromstring(body.encode("utf-8")), repairs  # noqa: S314
    except ET.ParseError as exc:
        first = exc
    start = ROOT_START.search(body)
    if start is None:
        raise FeedError(
            "the file looks like a feed but has no <rss>, <feed> or <rdf:RDF> element "
            "to read entries from"
        )
    if body[: start.start()].strip() and not re.fullmatch(
        r"(\s|<\?[^>]*\?>|<!--.*?-->)*", body[: start.start()], re.S
    ):
        repairs.append(
            f"Text before the start of the feed was ignored: “{_sample(body[: start.start()])}”."
        )
    body = body[start.start() :]
    junk_cut = entities_fixed = False
    while True:
        data = body.encode("utf-8")
        try:
            return ET.fromstring(data), repairs  # noqa: S314
        except ET.ParseError as exc:
            error = exc
        if not junk_cut and error.code in JUNK_ERRORS:
            # The feed ended where the junk begins: everything after its end is ignored.
            junk_cut = True
            cut = _offset(data, error.position)
            junk = data[cut:].decode("utf-8", "replace")
            body = data[:cut].decode("utf-8", "replace")
            what = (
                "a second XML document joined to the feed"
                if re.match(r"\s*<(\?xml|(?:[\w.-]+:)?(?:rss|feed|RDF)\b)", junk)
                else "a server's message or a page printed after the feed"
            )
            repairs.append(
                f"Text after the end of the feed was ignored ({what}, "
                f"{len(junk.strip())} characters: “{_sample(junk)}”)."
            )
            continue
        if not entities_fixed and error.code in ENTITY_ERRORS:
            entities_fixed = True
            body, fixed = _fix_entities(body)
            if fixed:
                repairs.append(
                    f"{_plural(fixed, 'character reference')} that XML does not allow "
                    "(HTML names such as &nbsp;, a bare “&”, impossible character numbers) "
                    "read as the characters they stand for (or as “\ufffd”)."
                )
                continue
        break
    root = _recover(body)
    problem = _problem(error)
    where = _where(body, _offset(body.encode("utf-8"), error.position))
    entries = [] if root is None else root.findall(".//{*}item") + root.findall(".//{*}entry")
    if not any(_text(e).strip() for e in entries):
        raise FeedError(
            f"the feed's XML markup is broken beyond repair: {problem}, {where}; "
            "no entry could be read from it"
        ) from first
    repairs.append(
        f"The feed's markup is damaged: {problem}, {where}. It was read with a forgiving "
        "parser; text near that place may be missing, check it against the source."
    )
    return root, repairs


def _problem(error: ET.ParseError) -> str:
    for name, words in PARSE_PROBLEMS.items():
        if error.code == expat_errors.codes[name]:
            return words
    return "its markup is broken"


def _recover(body: str):
    """What lxml's recovering parser makes of damaged markup, as a standard tree; entities
    are not resolved and nothing is fetched (any DTD was refused before)."""
    from lxml import etree

    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        tree = etree.fromstring(body.encode("utf-8"), parser)  # noqa: S320
    except etree.XMLSyntaxError:
        return None
    if tree is None:
        return None
    try:
        return ET.fromstring(etree.tostring(tree))  # noqa: S314
    except (ET.ParseError, etree.Error):
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _child(elem, *names):
    for child in elem:
        if _local(child.tag) in names:
            return child
    return None


def _children(elem, *names):
    return [child for child in elem if _local(child.tag) in names]


def _first(elem, *names):
    for name in names:
        found = _child(elem, name)
        if found is not None:
            return found
    return None


def _text(elem) -> str:
    if elem is None:
        return ""
    return "".join(elem.itertext())


# -- clutter in entries ------------------------------------------------------------------
# Lines that forum software (phpBB, Discourse), blog engines (WordPress, Blogger) and news
# sites put into every entry of their feeds, in the languages they ship.
FEED_CLUTTER = re.compile(
    r"""^(?:
    (?:statistics|statistik|statistiques|estad[íi]sticas|statistiche|statistieken|
       estat[íi]sticas)\s*:\s*
       (?:posted\s+by|verfasst\s+von|post[ée]\s+par|publicado\s+por|inviato\s+da|
          geplaatst\s+door|enviado\s+por)\b.{0,160}
  | (?:th(?:is|e)\s+(?:post|article)\s+appeared\s+first\s+on\s.{1,200})
  | (?:the\s+post|the\s+article|el\s+art[íi]culo|la\s+entrada|el\s+post|la\s+publicaci[óo]n|
       der\s+beitrag|der\s+artikel|l[’']article|l[’']articolo|o\s+post|o\s+artigo|
       het\s+bericht)\s.{1,300}?\s
       (?:appeared\s+first\s+on|se\s+public[óo]\s+primero\s+en|apareci[óo]\s+primero\s+en|
          erschien\s+zuerst\s+(?:auf|bei)|est\s+apparu\s+en\s+premier\s+sur|
          proviene\s+da|apareceu\s+primeiro\s+em|verscheen\s+eerst\s+op)\s.{1,200}
  | \d+\s+(?:posts?|replies|respuestas|antworten|beitr[äa]ge|r[ée]ponses|risposte)\s*
       [-–—,]\s*\d+\s+(?:participants?|participantes|teilnehmer|partecipanti)
  | (?:share|share\s+this|share\s+this\s+post|compartir|compartilhar|teilen|partager|
       condividi|delen)\s*:?\s*
       (?:(?:on\s+|en\s+|auf\s+|sur\s+)?(?:facebook|twitter|x|linkedin|reddit|e-?mail|
          whatsapp|telegram|pinterest|tumblr|mastodon|bluesky|threads|print|pocket)
          [\s,|·•/]*)*
  | (?:(?:facebook|twitter|linkedin|reddit|e-?mail|whatsapp|telegram|pinterest|tumblr|
          mastodon|bluesky|print)\s*[,|·•/]?\s*){3,}
  )\s*[.…→»›]*\s*$""",
    re.I | re.X | re.S,
)
# "Continue reading", "Read full topic": an engine's link to the rest of the entry. As plain
# text only the label itself (with the quoted title at most) is one; "Read more books." and
# "Keep reading, because…" are sentences. As a paragraph that is only a link, any words
# after the label are the linked title ("Continue reading Lamps of the port →").
READ_MORE = re.compile(
    r"""^(?:continue\s+reading|read\s+more|keep\s+reading|read\s+the\s+(?:full|rest)|
       read\s+full\s+(?:topic|article|story|post)|view\s+(?:full\s+)?(?:topic|post|thread)|
       seguir\s+leyendo|sigue\s+leyendo|leer\s+m[áa]s|weiterlesen|mehr\s+lesen|
       lire\s+la\s+suite|continuer\s+la\s+lecture|continua\s+a\s+leggere|leggi\s+tutto|
       continuar\s+lendo|leia\s+mais|lees\s+verder|verder\s+lezen)\b(?P<rest>.{0,80})$""",
    re.I | re.X | re.S,
)
READ_MORE_REST = re.compile(r"(?:\s*[“\"«‘][^”\"»’]{1,80}[”\"»’])?[\s.…→»›:]*")
# The link that closes an excerpt: after the excerpt's last sentence or its ellipsis,
# "Continue reading “Title” →", "Read more »", "Leer más".
MORE_TAIL = re.compile(
    r"(?:(?<=[.!?…\]”\"])|(?<=\[…\])|(?<=\[\.\.\.\]))\s+"
    r"(?:Continue reading|Read more|Keep reading|Read the full (?:article|story|post)|"
    r"Seguir leyendo|Sigue leyendo|Leer más|Weiterlesen|Mehr lesen|Lire la suite|"
    r"Continua a leggere|Leggi tutto|Continuar lendo|Leia mais|Lees verder)"
    r"(?:\b[^.!?]{0,100}?)?\s*[→»›…]*\s*$"
    # WordPress's back-link run into the excerpt's last line.
    r"|(?:(?<=[.!?…\]”\"])|(?<=\[…\]))\s+(?:The|This) post\b.{0,300}?\bappeared first on\b.{1,200}$"
)
# News sites' pointers to other articles: a label and a headline ("Lea también: …").
READ_ALSO_LABEL = re.compile(
    r"(?:read\s+also|also\s+read|read\s+more|see\s+also|related|related\s+articles?|"
    r"more\s+on\s+this(?:\s+story)?|lea\s+tambi[ée]n|lee\s+tambi[ée]n|le[ée]\s+tambi[ée]n|"
    r"mir[áa]\s+tambi[ée]n|te\s+puede\s+interesar|m[áa]s\s+informaci[óo]n|seguir\s+leyendo|"
    r"mehr\s+zum\s+thema|auch\s+interessant|lesen\s+sie\s+auch|lesen\s+sie\s+mehr|"
    r"das\s+k[öo]nnte\s+sie\s+auch\s+interessieren|lire\s+aussi|[àa]\s+lire\s+aussi|"
    r"voir\s+aussi|leggi\s+anche|potrebbe\s+interessarti|leia\s+tamb[ée]m|"
    r"veja\s+tamb[ée]m|lees\s+ook|zie\s+ook)",
    re.I,
)
READ_ALSO = re.compile(
    r"^" + READ_ALSO_LABEL.pattern + r"\s*(?:[:.|–—-]\s*(?:\S.{0,250})?)?$", re.I
)
# A template's sign-off: "By NAME[ in PLACE][, DATE]." in the languages of the bylines.
SIGN_OFF = re.compile(
    r"^(?:by|por|von|par|di|door)\s+(?P<name>[^,;:.!?\d]{2,60}?)"
    r"(?:\s+(?:in|en|aus|in|à|a|em|uit|from|desde)\s+(?P<place>[^,;:.!?\d]{2,40}?))?"
    r"\s*(?:[,—–-]\s*(?P<date>[^!?]{4,40}?))?\s*\.?$",
    re.I,
)


# The small words inside names ("Lucía de la Fuente", "Jan van Dijk").
NAME_PARTICLE = re.compile(
    r"de|del|della|di|da|das|dos|du|des|la|le|van|von|der|den|ten|ter|y|e|et|and|bin|ibn", re.I
)

SAME_SITE = "="  # a relative link: to the entry's own site
LABELLED = "+"  # the link is under a label ("Lea también: <a>…</a>")


def _host(url: str) -> str:
    m = re.match(r"^\s*(?:https?:)?//(?:www\.)?([^/:?#\s]+)", url, re.I)
    return m.group(1).casefold() if m else ""


def _homes(elem) -> set[str]:
    """The sites a feed or an entry lives on: its links (the alternate ones for Atom), an
    original link behind a feed proxy (FeedBurner's origLink), a permalink guid."""
    hosts = set()
    for child in elem:
        name = _local(child.tag)
        if name == "link" and child.get("rel", "alternate") == "alternate":
            hosts.add(_host(child.get("href") or _text(child)))
        elif name in ("origlink", "guid", "id"):
            hosts.add(_host(_text(child)))
    return hosts - {""}


class _EntryExtractor(_Extractor):
    """The HTML extractor, noting the paragraphs that are only a link (and which sites
    the links go to): a news site's teasers for its other articles are such paragraphs."""

    def __init__(self) -> None:
        super().__init__()
        self.link_only: dict[int, set[str]] = {}
        self._links = 0
        self._hosts: set[str] = set()
        self._outside: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and not self.skip_depth:
            self._links += 1
            href = (dict(attrs).get("href") or "").strip()
            relative = href and not re.match(r"^(?:[a-z][\w+.-]*:|//|#)", href, re.I)
            self._hosts.add(SAME_SITE if relative else (_host(href) or "?"))
        super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "a" and self._links:
            self._links -= 1
        super().handle_endtag(tag)

    def handle_data(self, data):
        if not self._links and not self.in_title and not self.skip_depth:
            self._outside.append(data)
        super().handle_data(data)

    def _flush(self):
        count = len(self.paras)
        super()._flush()
        outside = "".join(self._outside)
        if (
            len(self.paras) > count
            and self._hosts
            and (not re.search(r"\w", outside) or READ_ALSO.match(" ".join(outside.split())))
        ):
            labelled = {LABELLED} if re.search(r"\w", outside) else set()
            self.link_only[id(self.paras[-1])] = self._hosts | labelled
        self._hosts = set() if not self._links else self._hosts
        self._outside = []


@dataclass
class _Clutter:
    """What was dropped from one feed's entries, for the report."""

    entries: int = 0
    dropped: int = 0
    signed: int = 0
    samples: list[str] = field(default_factory=list)
    this_entry: bool = False
    # Sign-offs in entries without an author, decided once every entry is read.
    pending: list[tuple] = field(default_factory=list)

    def drop(self, text: str, ledger) -> None:
        ledger.drop(text)
        self.dropped += 1
        self.this_entry = True
        words = " ".join(text.split())
        sample = words[:60].rstrip() + ("…" if len(words) > 60 else "")
        if len(self.samples) < 3 and sample not in self.samples:
            self.samples.append(sample)


@register
class FeedReader:
    name = "feed"
    max_score = 1.0  # the most `detect` returns

    def detect(self, text: str) -> float:
        head = text[:3000].lstrip()
        if re.search(r"<rss[\s>]", head) or re.search(r"<feed[\s>][^>]*atom", head, re.S | re.I):
            return 1.0
        if re.search(r"<rdf:RDF|<channel>", head):
            return 0.9
        return 0.0

    def read(self, text, ledger):
        ignored = []
        dtd = DTD_DECL.search(text)
        plain = EXTERNAL_DOCTYPE.match(text, dtd.start()) if dtd else None
        if dtd and ROOT_END.search(text, 0, dtd.start()):
            # An HTML page printed after the feed (a proxy's error page) opens with its
            # <!DOCTYPE html>: the feed had ended, and nothing from there on is parsed.
            ignored.append(
                "Text after the end of the feed was ignored (a web page printed after the "
                f"feed, {len(text) - dtd.start()} characters: “{_sample(text[dtd.start() :])}”)."
            )
            text = text[: dtd.start()]
        elif plain and not DTD_DECL.search(text, plain.end()):
            # RSS 0.91 feeds name Netscape's DTD: a declaration that declares nothing
            # (no internal subset, no entity) is set aside and nothing is fetched.
            declaration = " ".join(plain.group(0).split())
            ignored.append(
                f"The feed's document type declaration (“{declaration[:90]}”) was set "
                "aside: it declares nothing and nothing is fetched."
            )
            text = text[: plain.start()] + text[plain.end() :]
        elif dtd:
            raise FeedError(
                "the feed contains a document type declaration (<!DOCTYPE> or <!ENTITY>), "
                "which the importer refuses for safety; remove it and import the file again"
            )
        root, repairs = parse_feed(text)
        repairs = ignored + repairs
        channel = _child(root, "channel")
        container = channel if channel is not None else root
        entries = _children(container, "item", "entry") or _children(root, "item", "entry")
        # Channel-level text (feed title, description) is chrome.
        for elem in container:
            if _local(elem.tag) not in ("item", "entry"):
                words = count_words(_text(elem))
                ledger.read += words
                ledger.drop("", words=words)
        organization = collapse_spaces(_text(_child(container, "title")))
        kind = "Atom feed" if _local(root.tag) == "feed" else "RSS feed"
        evidence = [
            f"{kind} “{organization[:60]}” with {len(entries)} entries: one document each; "
            "dates as the publisher wrote them (local day), never shifted to UTC."
        ] + repairs
        clutter = _Clutter()
        positions = [m.start() for m in re.finditer(r"<(item|entry)[\s>]", text)]
        documents = []
        for k, entry in enumerate(entries):
            doc = self._entry(entry, ledger, organization, clutter, _homes(container))
            if doc is None:
                continue
            if k < len(positions):
                doc.line_start = text.count("\n", 0, positions[k]) + 1
                end = positions[k + 1] if k + 1 < len(positions) else len(text)
                doc.line_end = text.count("\n", 0, end) + 1
            doc.family = kind
            documents.append(doc)
        self._unsigned(clutter, ledger, organization)
        if documents:
            authors = {a for d in documents for a in d.hints.authors or []}
            evidence.append(f"Authors seen: {', '.join(sorted(authors)) or 'none'}.")
            found = clutter.__dict__
            if found["dropped"] or found["signed"]:
                done = []
                if found["dropped"]:
                    samples = "”, “".join(found["samples"])
                    done.append(
                        f"{_plural(found['dropped'], 'line')} of forum, blog or news "
                        "furniture dropped "
                        f"(“{samples}”)"
                    )
                if found["signed"]:
                    done.append(
                        f"{_plural(found['signed'], 'sign-off')} repeating the entry's "
                        "author taken as metadata"
                    )
                evidence.append(
                    f"Feed clutter in {found['entries']} of {len(documents)} entries: "
                    + "; ".join(done)
                    + "."
                )
            documents[0].evidence = evidence
        return documents

    def _declutter(self, paras, link_only, homes, hints, ledger, clutter):
        """The clutter of forum software, blog engines and news sites (the same lines in
        every entry of their feeds) dropped; a sign-off that repeats the entry's author
        (and date) taken as metadata, whether it is the entry's last line or its first."""
        kept = []
        teasers = False  # after a "Read also" label: the links under it are teasers
        for k, para in enumerate(paras):
            text = " ".join(para.text.split())
            hosts = link_only.get(id(para))
            same_site = hosts is not None and all(
                h in (SAME_SITE, LABELLED) or h in homes for h in hosts
            )
            teasers = teasers or (hosts is not None and LABELLED in hosts)
            more = READ_MORE.match(text) if para.kind != "heading" else None
            if more and (hosts is not None or READ_MORE_REST.fullmatch(more.group("rest"))):
                clutter.drop(para.text, ledger)
                continue
            if para.kind != "heading" and count_words(text) <= 60 and FEED_CLUTTER.match(text):
                clutter.drop(para.text, ledger)
                continue
            label_only = READ_ALSO_LABEL.fullmatch(text.rstrip(" :.–—-")) is not None
            if para.kind != "heading" and label_only:
                # "Mehr zum Thema" over a list of links: the label, and the links under it.
                clutter.drop(para.text, ledger)
                teasers = True
                continue
            if (
                hosts is not None
                and count_words(text) >= 3
                and (teasers or (same_site and self._lone_link(paras, k, link_only)))
            ):
                # A paragraph that is only a link to another article of the same site:
                # a "read also" teaser in the middle of the text.
                clutter.drop(para.text, ledger)
                continue
            teasers = teasers and hosts is not None
            kept.append(para)
        if kept:
            last = kept[-1]
            m = MORE_TAIL.search(last.text) if last.kind != "heading" else None
            if m and count_words(last.text[: m.start()]):
                clutter.drop(last.text[m.start() :], ledger)
                last.text = last.text[: m.start()].rstrip()
        unsigned = []
        for k in (len(kept) - 1, 0):
            found = len(kept) > 1 and 0 <= k < len(kept) and self._sign_off(kept[k], hints)
            if found is True:
                ledger.meta(kept[k].text)
                clutter.signed += 1
                clutter.this_entry = True
                del kept[k]
            elif found:
                unsigned.append((kept[k], found))
        for para, (people, when) in unsigned:
            clutter.pending.append((para, kept, hints, people, when, clutter.this_entry))
        return kept

    @staticmethod
    def _unsigned(clutter, ledger, organization) -> None:
        """The sign-offs of entries that name no author: a template's when the same name
        signs two entries or more (then it is their author, and metadata); otherwise the
        paragraph is the writer's ("By Christmas Eve.") and stays."""
        keys: dict[tuple, set[int]] = {}
        for _para, kept, _hints, people, _when, _counted in clutter.pending:
            keys.setdefault(tuple(key_for(p) for p in people), set()).add(id(kept))
        for para, kept, hints, people, when, counted in clutter.pending:
            if len(keys[tuple(key_for(p) for p in people)]) < 2 or len(kept) < 2:
                continue
            kept[:] = [p for p in kept if p is not para]
            ledger.meta(para.text)
            clutter.signed += 1
            clutter.entries += not counted
            hints.authors = hints.authors or _account_names(people, organization)
            if when and not hints.published:
                hints.published, hints.date_precision = parse_date(when)
        clutter.pending = []

    @staticmethod
    def _lone_link(paras, k, link_only) -> bool:
        """A news site's teaser stands alone between the article's paragraphs; a list item,
        or a link next to other links, is a list the writer made ("my favourite posts")."""
        if paras[k].kind == "list_item":
            return False
        return not any(
            0 <= j < len(paras) and id(paras[j]) in link_only and paras[j].kind != "heading"
            for j in (k - 1, k + 1)
        )

    @staticmethod
    def _sign_off(para, hints) -> bool | tuple[list[str], str | None]:
        """ "By Ruben Schade in Sydney, 2023-01-09.": the entry's author (and date), written
        again by the blog's template. A sign-off naming someone else is kept."""
        text = " ".join(para.text.split())
        m = SIGN_OFF.match(text)
        if m is None or para.kind == "heading" or count_words(text) > 16:
            return False
        name = m.group("name").strip()
        authors = [key_for(a) for a in hints.authors or []]
        if authors and key_for(name) not in authors:
            return False
        when = m.group("date")
        if when:
            found, _precision = parse_date(when)
            if found is None or (hints.published and found != hints.published):
                return False
        if not authors:
            # With no author to compare with, the sign-off must be a name ("By then it was
            # too late." is a sentence) and is only kept aside here: it is the template's
            # only if it signs other entries of the feed too (see `_unsigned`).
            if not all(w[:1].isupper() or NAME_PARTICLE.fullmatch(w) for w in name.split()):
                return False
            people, _org = parse_byline(name)
            return (people, when) if people else False
        if when and not hints.published:
            hints.published, hints.date_precision = parse_date(when)
        return True

    def _entry(self, entry, ledger, organization, clutter, homes):
        hints = Hints(organization=organization)
        for elem in entry:
            name = _local(elem.tag)
            words = count_words(_text(elem))
            if name in ("content", "encoded", "description", "summary"):
                continue
            ledger.read += words
            if name == "title":
                hints.title = collapse_spaces(_text(elem))
                ledger.meta(hints.title)
            elif name in ("author", "creator"):
                names = _children(elem, "name")
                raw = _text(names[0]) if len(names) == 1 else _text(elem)
                raw = re.sub(r"^\S+@\S+\s*\((.*)\)$", r"\1", raw.strip())
                # One <author> (or <name>) is one byline, by the rule used everywhere.
                people, org = names_from_list(
                    [raw] if len(names) <= 1 else [_text(n) for n in names]
                )
                hints.authors = (hints.authors or []) + people
                if org:
                    hints.organization = org
                ledger.meta(_text(elem))
            elif name in ("pubdate", "published", "date", "issued"):
                value = _text(elem).strip()
                try:
                    when = parsedate_to_datetime(value).date()
                    hints.published, hints.date_precision = when, "day"
                except (TypeError, ValueError, IndexError):
                    hints.published, hints.date_precision = parse_date(value)
                ledger.meta(value)
            else:
                ledger.drop("", words=words)
        body = _first(entry, "encoded", "content")
        if body is None or not _text(body).strip():
            body = _first(entry, "description", "summary")
        for elem in entry:
            if _local(elem.tag) in ("content", "encoded", "description", "summary"):
                if elem is body:
                    continue
                words = count_words(_text(elem))
                ledger.read += words
                ledger.drop("", words=words)
        if body is None:
            body = ET.Element("content")
        markup = _text(body)
        if len(body):  # Atom xhtml content: serialize the child elements
            markup = "".join(ET.tostring(child, encoding="unicode") for child in body)
            markup = re.sub(r"<(/?)[\w.-]+:([\w-]+)", r"<\1\2", (body.text or "") + markup)
        parsed = _EntryExtractor()
        parsed.feed(markup)
        parsed.close()
        ledger.read += parsed.words_read
        if parsed.words_skipped:
            ledger.drop("", words=parsed.words_skipped)
        if parsed.title:
            ledger.drop(parsed.title)
        paras = list(parsed.paras)
        # Content that opens with the entry's own title as a heading: the title again.
        while paras and paras[0].kind == "heading" and same_title(paras[0].text, hints.title):
            ledger.drop(paras.pop(0).text)
        clutter.this_entry = False
        paras = self._declutter(
            paras, parsed.link_only, homes | _homes(entry), hints, ledger, clutter
        )
        clutter.entries += clutter.this_entry
        warnings = []
        if not paras and hints.title:
            # An entry that is only a picture or a link still is an entry of the feed:
            # its title is all the text it has.
            ledger.metadata -= count_words(hints.title)
            paras = [Para(hints.title, 0, "paragraph")]
            warnings.append("The entry has no text besides its title.")
        if not paras:
            return None
        hints.authors = _account_names(hints.authors, organization)
        return RawDocument(
            paras=paras, hints=hints, head_parsed=True, paragraphs_marked=True, warnings=warnings
        )
