"""EPUB 2 and 3 books: the package's spine gives the reading order, its navigation
document (EPUB 3 nav, or the EPUB 2 NCX) gives the chapters, Dublin Core the metadata.

Dublin Core is used with care: dc:creator entries with a role other than author are not
authors (illustrators, editors), `dcterms:modified` is the file's date, and a bare
`dc:date` is usually the date the file was made, so it is only reported. A copyright year
on the title page is the printed edition's, stored with year precision and said so.
Navigation entries whose part holds almost no text (a cover, a title page) are no
sections. Not registered as a text reader: EPUBs are zip files, recognised from bytes.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET  # noqa: S405 - DTDs and entities are refused first
import zipfile
from urllib.parse import unquote

from lxml import html as lxml_html

from ..data import Hints, Para, RawDocument
from ..metadata import parse_byline, parse_date
from ..normalize import clean_text, collapse_spaces, count_words

BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "dt", "dd")
MIN_SECTION_WORDS = 60
COPYRIGHT_YEAR = re.compile(r"\bcopyright\b\W{0,3}(1[4-9]\d\d|20\d\d)\b", re.I)
UNSAFE_XML = re.compile(rb"<!(DOCTYPE[^>]*\[|ENTITY)", re.I)
MAX_ENTRY = 20 * 1024 * 1024


class EpubError(ValueError):
    pass


def is_epub(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "mimetype" in names and z.read("mimetype").strip() == b"application/epub+zip":
                return True
            return "META-INF/container.xml" in names
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml(z: zipfile.ZipFile, name: str):
    data = _entry(z, name)
    if UNSAFE_XML.search(data):
        raise EpubError(f"the EPUB's {name} declares entities, which are refused for safety")
    try:
        return ET.fromstring(data)  # noqa: S314
    except ET.ParseError as exc:
        raise EpubError(f"the EPUB's {name} is not well-formed XML ({exc})") from exc


def _entry(z: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = z.getinfo(name)
    except KeyError as exc:
        raise EpubError(f"the EPUB has no {name}") from exc
    if info.file_size > MAX_ENTRY:
        raise EpubError(f"the EPUB's {name} is too large")
    with z.open(info) as handle:
        return handle.read(MAX_ENTRY + 1)


def read_epub(data: bytes, ledger) -> list[RawDocument]:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise EpubError("the EPUB is damaged (not a readable zip file)") from exc
    with z:
        container = _xml(z, "META-INF/container.xml")
        rootfile = next((e for e in container.iter() if _local(e.tag) == "rootfile"), None)
        if rootfile is None or not rootfile.get("full-path"):
            raise EpubError("the EPUB's container names no package document")
        opf_path = rootfile.get("full-path")
        base = posixpath.dirname(opf_path)
        opf = _xml(z, opf_path)
        evidence = [f"EPUB {opf.get('version', '?')} package {opf_path}."]
        hints = Hints()
        _metadata(opf, hints, evidence)
        manifest = {}
        nav_href = ""
        for item in opf.iter():
            if _local(item.tag) == "item":
                href = posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
                manifest[item.get("id")] = (href, item.get("media-type", ""))
                if "nav" in (item.get("properties") or "").split():
                    nav_href = href
        spine_el = next((e for e in opf.iter() if _local(e.tag) == "spine"), None)
        spine = []
        if spine_el is not None:
            for ref in spine_el:
                if _local(ref.tag) == "itemref" and ref.get("linear", "yes") != "no":
                    entry = manifest.get(ref.get("idref"))
                    if entry and "html" in entry[1]:
                        spine.append(entry[0])
            toc = spine_el.get("toc")
            if not nav_href and toc in manifest:
                nav_href = manifest[toc][0]
        if not spine:
            raise EpubError("the EPUB's spine lists no readable document")
        entries = _navigation(z, nav_href) if nav_href else []
        evidence.append(
            f"Reading order from the spine ({len(spine)} documents); "
            f"{len(entries)} navigation entries from {nav_href or 'no navigation document'}."
        )
        paras: list[Para] = []
        total = 0
        for href in spine:
            marks = {frag: label for (h, frag, label) in entries if h == href}
            doc_paras, words = _document_paras(z, href, marks)
            total += words
            paras.extend(doc_paras)
    labels = sum(count_words(p.text) for p in paras if getattr(p, "_label", False))
    paras = _sections(paras, hints, evidence, ledger)
    kept = sum(count_words(p.text) for p in paras)
    meta = count_words(hints.title) + sum(count_words(a) for a in hints.authors or [])
    dropped = ledger.chrome
    # The navigation's labels are read too (they become the section headings).
    ledger.read = max(total + labels + meta, kept + meta + dropped)
    ledger.metadata += meta
    ledger.drop("", words=ledger.read - kept - meta - dropped)
    if not paras:
        return []
    return [
        RawDocument(
            paras=paras,
            hints=hints,
            head_parsed=bool(hints.title),
            family="EPUB e-book",
            evidence=evidence,
            paragraphs_marked=True,
        )
    ]


def _metadata(opf, hints: Hints, evidence: list[str]) -> None:
    meta = next((e for e in opf.iter() if _local(e.tag) == "metadata"), None)
    if meta is None:
        return
    refines = {}
    for el in meta:
        if _local(el.tag) == "meta" and el.get("refines") and el.get("property") == "role":
            refines[el.get("refines").lstrip("#")] = (el.text or "").strip()
    authors = []
    for el in meta:
        name = _local(el.tag)
        text = collapse_spaces(el.text or "")
        if name == "title" and text and not hints.title:
            hints.title = text
            evidence.append(f"Title from dc:title: “{text}”.")
        elif name == "creator" and text:
            role = refines.get(el.get("id", ""), "") or next(
                (v for k, v in el.attrib.items() if _local(k) == "role"), ""
            )
            if role and role != "aut":
                evidence.append(f"dc:creator “{text}” has role “{role}”: not an author.")
                continue
            people, org = parse_byline(text)
            authors.extend(people)
            hints.organization = hints.organization or org
        elif name == "contributor" and text:
            evidence.append(f"dc:contributor “{text}” (illustrator, editor…): not an author.")
        elif name == "language" and text:
            hints.language = text[:2].lower()
        elif name == "date" and text:
            event = next((v for k, v in el.attrib.items() if _local(k) == "event"), "")
            if event in ("original-publication", "creation"):
                hints.published, hints.date_precision = parse_date(text)
                evidence.append(f"Date from dc:date (event {event}): {text}.")
            else:
                evidence.append(f"dc:date {text} ignored: usually the file's date.")
        elif name == "meta" and el.get("property") == "dcterms:modified":
            evidence.append(f"dcterms:modified {text} ignored: the file's date.")
    # A name written "Last, First" in the catalogue stays one person.
    hints.authors = authors
    if authors:
        evidence.append(f"Authors from dc:creator: {', '.join(authors)}.")


def _navigation(z, nav_href: str) -> list[tuple[str, str, str]]:
    base = posixpath.dirname(nav_href)
    raw = _entry(z, nav_href)
    entries = []
    if nav_href.endswith(".ncx"):
        root = _xml(z, nav_href)
        for point in root.iter():
            if _local(point.tag) != "navPoint":
                continue
            label = next((e for e in point.iter() if _local(e.tag) == "text"), None)
            content = next((e for e in point.iter() if _local(e.tag) == "content"), None)
            if label is not None and content is not None:
                entries.append((content.get("src", ""), collapse_spaces(label.text or "")))
    else:
        tree = lxml_html.document_fromstring(raw)
        navs = [
            n
            for n in tree.iter("nav")
            if "toc" in (n.get("{http://www.idpf.org/2007/ops}type") or n.get("epub:type") or "")
        ] or list(tree.iter("nav"))
        for nav in navs[:1]:
            for a in nav.iter("a"):
                entries.append((a.get("href", ""), collapse_spaces(a.text_content())))
    out = []
    for href, label in entries:
        path, _, frag = href.partition("#")
        out.append((posixpath.normpath(posixpath.join(base, unquote(path))), frag, label))
    return out


def _document_paras(z, href: str, marks: dict[str, str]) -> tuple[list[Para], int]:
    try:
        raw = _entry(z, href)
    except EpubError:
        return [], 0
    text = clean_text(raw.decode("utf-8", errors="replace"))
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    tree = lxml_html.document_fromstring(text)
    body = tree.find("body")
    body = body if body is not None else tree
    for bad in body.xpath("//script | //style"):
        bad.getparent().remove(bad)
    for br in body.iter("br"):
        br.tail = " " + (br.tail or "")
    words = count_words(" ".join(body.itertext()))
    paras: list[Para] = []
    if "" in marks:
        paras.append(_nav_heading(marks[""]))
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        ident = el.get("id") or el.get("name")
        if ident in marks:
            paras.append(_nav_heading(marks[ident]))
        if el.tag not in BLOCKS or any(a.tag in BLOCKS for a in el.iterancestors()):
            continue
        content = collapse_spaces(" ".join(el.text_content().split()))
        if not content:
            continue
        if el.tag[0] == "h":
            paras.append(Para(content, 0, "heading", int(el.tag[1]) + 1))
        elif el.tag == "li":
            paras.append(Para(content, 0, "list_item"))
        elif el.tag == "blockquote":
            paras.append(Para(content, 0, "quotation"))
        else:
            paras.append(Para(content, 0, "paragraph"))
    return paras, words


def _nav_heading(label: str) -> Para:
    para = Para(label, 0, "heading", 2)
    para._label = True  # the navigation's label, not text of the book
    return para


def _sections(paras: list[Para], hints: Hints, evidence, ledger) -> list[Para]:
    """Navigation labels are the chapters; the chapter's own heading that repeats its
    label is dropped; a labelled part with almost no text (cover, title page) is front
    matter: its copyright year is the edition's, its lines are not body text."""
    out: list[Para] = []
    k = 0
    while k < len(paras):
        para = paras[k]
        if not getattr(para, "_label", False):
            out.append(para)
            k += 1
            continue
        j = k + 1
        while j < len(paras) and not getattr(paras[j], "_label", False):
            j += 1
        part = paras[k + 1 : j]
        words = sum(count_words(p.text) for p in part)
        if words < MIN_SECTION_WORDS and not any(getattr(p, "_label", False) for p in out):
            # Only the parts before the first chapter can be front matter: a short part
            # later on (a poem, an epigraph chapter) is a section like any other.
            front = " ".join(p.text for p in part)
            m = COPYRIGHT_YEAR.search(front)
            if m and not hints.published:
                hints.published, hints.date_precision = parse_date(m.group(1))
                evidence.append(
                    f"Date {m.group(1)}: copyright year of the printed edition, from "
                    f"“{para.text}”; an edition date, not the work's first publication."
                )
            evidence.append(f"“{para.text}” ({words} words) is front matter, not a section.")
            for p in part:
                ledger.drop(p.text)
            k = j
            continue
        out.append(para)
        label = para.text.casefold()
        for n, p in enumerate(part):
            if p.kind == "heading" and n < 3 and label in p.text.casefold():
                ledger.drop(p.text)
                continue
            if p.kind == "heading":
                p.level = max(3, p.level)
            out.append(p)
        k = j
    return out
