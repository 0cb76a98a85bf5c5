"""RSS 2.0 and Atom feed files: each entry (item) is a document.

Entry content is HTML and goes through the HTML reader's extractor. An entry without a
title gets a provisional one and a review mark (metadata stage). Atom's `updated` is the
date of the file's last change, so only `published` (or RSS `pubDate`) is a date.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - any DTD is refused before parsing
from email.utils import parsedate_to_datetime

from ..data import Hints, Para, RawDocument
from ..metadata import names_from_list, parse_date, same_title
from ..normalize import collapse_spaces, count_words
from . import register
from .html import html_to_paras

# A document type declaration is where entities are declared (billion laughs, external
# entities). Feeds have no need of one, so any DTD anywhere in the text is refused: the
# whole text is searched, since padding can push the declaration arbitrarily far down.
DTD_DECL = re.compile(r"<!(DOCTYPE|ENTITY)", re.I)


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
        if DTD_DECL.search(text):
            raise FeedError(
                "the feed contains a document type declaration (<!DOCTYPE> or <!ENTITY>), "
                "which the importer refuses for safety; remove it and import the file again"
            )
        try:
            # The text is already decoded: the declaration's encoding no longer applies
            # (and expat refuses multi-byte ones such as GB2312).
            body = XML_DECL.sub("", text.lstrip("\ufeff"), count=1)
            root = ET.fromstring(body.encode("utf-8"))  # noqa: S314
        except ET.ParseError as exc:
            raise FeedError(f"the feed is not well-formed XML ({exc})") from exc
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
        ]
        positions = [m.start() for m in re.finditer(r"<(item|entry)[\s>]", text)]
        documents = []
        for k, entry in enumerate(entries):
            doc = self._entry(entry, ledger, organization)
            if doc is None:
                continue
            if k < len(positions):
                doc.line_start = text.count("\n", 0, positions[k]) + 1
                end = positions[k + 1] if k + 1 < len(positions) else len(text)
                doc.line_end = text.count("\n", 0, end) + 1
            doc.family = kind
            documents.append(doc)
        if documents:
            authors = {a for d in documents for a in d.hints.authors or []}
            evidence.append(f"Authors seen: {', '.join(sorted(authors)) or 'none'}.")
            documents[0].evidence = evidence
        return documents

    def _entry(self, entry, ledger, organization):
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
        parsed = html_to_paras(markup)
        ledger.read += parsed.words_read
        if parsed.words_skipped:
            ledger.drop("", words=parsed.words_skipped)
        if parsed.title:
            ledger.drop(parsed.title)
        paras = list(parsed.paras)
        # Content that opens with the entry's own title as a heading: the title again.
        while paras and paras[0].kind == "heading" and same_title(paras[0].text, hints.title):
            ledger.drop(paras.pop(0).text)
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
