"""EPUB 2 and 3 books: the package's spine gives the reading order, its navigation
document (EPUB 3 nav, or the EPUB 2 NCX) gives the chapters, Dublin Core the metadata.

Dublin Core is used with care: dc:creator entries with a role other than author are not
authors (illustrators, editors), `dcterms:modified` is the file's date, and a bare
`dc:date` is usually the date the file was made, so it is only reported. A creator
written as catalogues write names ("Carroll, Lewis", often with `file-as` saying so) is
one person, stored in natural order; names in capitals get a reader's case. A copyright
year on the title page is the printed edition's, stored with year precision and said so.

Navigation is a tree: its top-level entries are the chapters, deeper entries their
sub-sections. Where the top-level entries are parts holding chapters ("Part I" above
"Chapter 1"), the parts are level-1 headings and the chapters level 2, as the plain-text
e-book reader does with parts. Navigation entries whose part holds almost no text (a
cover, a title page) are no sections; publishers' apparatus (title page, imprint,
colophon, copyright page, contents, Gutenberg's header and licence) is dropped, told by
`epub:type`, the landmarks or guide, and Gutenberg's own markers. Footnotes and
endnotes (`epub:type` noteref/footnote/endnote, `doc-*` roles, or a note linking back to
its marker) become notes with their markers. Not registered as a text reader: EPUBs are
zip files, recognised from bytes.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET  # noqa: S405 - DTDs and entities are refused first
import zipfile
from dataclasses import dataclass
from urllib.parse import unquote

from lxml import html as lxml_html

from ..data import DraftNote, Hints, Para, RawDocument
from ..metadata import Byline, name_case, parse_date, read_byline, same_title
from ..normalize import clean_text, collapse_spaces, count_words
from ._text import NOTES_HEADING
from ._tree import remove_keeping_tail
from .book import END, PART_HEADING, START, title_case

BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "dt", "dd")
MIN_SECTION_WORDS = 60
COPYRIGHT_YEAR = re.compile(r"\bcopyright\b\W{0,3}(1[4-9]\d\d|20\d\d)\b", re.I)
UNSAFE_XML = re.compile(rb"<!(DOCTYPE[^>]*\[|ENTITY)", re.I)
MAX_ENTRY = 20 * 1024 * 1024
OPS_TYPE = "{http://www.idpf.org/2007/ops}type"

# Publishers' apparatus, by its `epub:type` (EPUB 3 structural semantics, the z3998
# vocabulary Standard Ebooks uses) or ARIA `doc-*` role, or its landmark / guide type.
APPARATUS = {
    "colophon", "imprint", "copyright-page", "titlepage", "title-page", "halftitlepage",
    "z3998:halftitle-page", "toc", "landmarks", "loi", "lot", "z3998:uncopyright",
    "uncopyright", "cover", "z3998:publisher-logo", "seriespage", "doc-colophon", "doc-toc",
    "doc-credits", "doc-cover", "copyright",
}  # fmt: skip
# The front matter whose copyright line dates the printed edition.
DATING_APPARATUS = {"titlepage", "title-page", "copyright-page", "copyright"}
NOTE_TYPES = {"footnote", "endnote", "rearnote", "note", "doc-footnote", "doc-endnote"}
NOTES_TYPES = {"footnotes", "endnotes", "rearnotes", "doc-endnotes", "doc-footnotes"}
NOTEREF_TYPES = {"noteref", "doc-noteref"}
BACKLINK_TYPES = {"backlink", "doc-backlink"}
# A marker as a note link shows it: "1", "[12]", "(a)", "*", "†".
NOTE_MARKER = re.compile(r"^\s*[\[(]?\s*(\d{1,3}|[*†‡§¶]+|[a-z])\s*[\])]?\s*[.:]?\s*$")
BACKLINK_TEXT = re.compile(r"^\s*(\W{1,3}|back|return|retour|volver|zurück)?\s*$", re.I)
NOTE_BLOCKS = ("p", "li", "div", "aside", "dd", "dt", "td", "blockquote", "section")
# Gutenberg's boilerplate wrappers in its EPUBs (2020s `pg-header`/`pg-footer`
# sections; older `pgheader` classes).
PG_BOILERPLATE = re.compile(r"^pg-?(header|footer|boilerplate)$", re.I)
# Chapter-like navigation labels ("Chapter 3", "III.", "3. The Well"): the children of a
# part. A part's label is one of PART_HEADING or holds such children.
CHAPTER_LABEL = re.compile(
    r"^(chapter|chap\.|cap[ií]tulo|kapitel|chapitre|letter|canto)\b|^([ivxlcdm]+|\d{1,3})\b[.:)]?",
    re.I,
)
MARC_ROLES = {
    "aut": "author", "edt": "editor", "ill": "illustrator", "trl": "translator",
    "aui": "introduction", "aft": "afterword", "ann": "annotator", "com": "compiler",
    "ctb": "contributor", "pbl": "publisher", "bkp": "producer", "nrt": "narrator",
    "adp": "adapter", "cov": "cover designer", "art": "artist", "pht": "photographer",
    "wpr": "preface",
}  # fmt: skip


class EpubError(ValueError):
    pass


@dataclass
class NavEntry:
    path: str
    frag: str
    label: str
    depth: int
    children: int
    level: int = 2


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


def _resolve(base: str, href: str) -> tuple[str, str]:
    path, _, frag = (href or "").partition("#")
    if not path:
        return base, frag
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), unquote(path))), frag


def _types(el) -> set[str]:
    return set(
        (f"{el.get(OPS_TYPE) or ''} {el.get('epub:type') or ''} {el.get('role') or ''}").split()
    )


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
        entries, landmarks = _navigation(z, nav_href) if nav_href else ([], [])
        landmarks += _guide(opf, opf_path)
        _levels(entries, hints, evidence)
        evidence.append(
            f"Reading order from the spine ({len(spine)} documents); "
            f"{len(entries)} navigation entries from {nav_href or 'no navigation document'}."
        )
        html_items = {h for h, t in manifest.values() if "html" in t}
        book = _Book(z, html_items)
        total = 0
        for href in spine:
            total += book.load(href)
        _drop_apparatus(book, spine, entries, landmarks, hints, evidence, ledger)
        notes, emptied, holding = _take_notes(book, spine, evidence)
        paras: list[Para] = []
        for href in spine:
            body = book.bodies.get(href)
            if body is None or href in emptied:
                continue
            marks: dict[str, list[NavEntry]] = {}
            for e in entries:
                if e.path == href:
                    marks.setdefault(e.frag, []).append(e)
            doc_paras = _document_paras(body, marks)
            if href in holding:
                doc_paras = _without_notes_headings(doc_paras, ledger)
            paras.extend(doc_paras)
    paras = _gutenberg_markers(paras, evidence, ledger)
    labels = sum(count_words(p.text) for p in paras if getattr(p, "_label", False))
    paras = _sections(paras, hints, evidence, ledger)
    kept = sum(count_words(p.text) for p in paras)
    meta = count_words(hints.title) + sum(count_words(a) for a in hints.authors or [])
    note_words = sum(count_words(n.text) + count_words(n.marker) for n in notes)
    dropped = ledger.chrome
    # The navigation's labels are read too (they become the section headings); the notes'
    # markers were read in the body as well as in the notes.
    ledger.read = max(
        total + labels + meta + sum(count_words(n.marker) for n in notes),
        kept + meta + note_words + dropped,
    )
    ledger.metadata += meta + note_words
    ledger.drop("", words=ledger.read - kept - meta - note_words - dropped)
    if not paras:
        return []
    return [
        RawDocument(
            paras=paras,
            hints=hints,
            head_parsed=bool(hints.title),
            family="EPUB e-book",
            evidence=evidence,
            notes=notes,
            paragraphs_marked=True,
        )
    ]


# --- metadata -------------------------------------------------------------------------


def _metadata(opf, hints: Hints, evidence: list[str]) -> None:
    meta = next((e for e in opf.iter() if _local(e.tag) == "metadata"), None)
    if meta is None:
        return
    roles: dict[str, str] = {}
    file_as: dict[str, str] = {}
    for el in meta:
        if _local(el.tag) == "meta" and el.get("refines"):
            target = el.get("refines").lstrip("#")
            if el.get("property") == "role":
                roles[target] = (el.text or "").strip()
            elif el.get("property") == "file-as":
                file_as[target] = collapse_spaces(el.text or "")
    authors: list[str] = []
    credits: list[str] = []
    unnamed = ""
    for el in meta:
        name = _local(el.tag)
        text = collapse_spaces(el.text or "")
        attrs = {_local(k): v for k, v in el.attrib.items()}
        if name == "title" and text and not hints.title:
            hints.title = title_case(text) if text.upper() == text else text
            evidence.append(f"Title from dc:title: “{text}”.")
        elif name in ("creator", "contributor") and text:
            role = roles.get(el.get("id", ""), "") or attrs.get("role", "")
            if name == "contributor" and not role:
                evidence.append(f"dc:contributor “{text}” (illustrator, editor…): not an author.")
                continue
            if role and role != "aut":
                evidence.append(
                    f"dc:{name} “{text}” has role “{role}” ({MARC_ROLES.get(role, role)}): "
                    "not an author."
                )
                continue
            byline = _creator(text, file_as.get(el.get("id", "")) or attrs.get("file-as", ""))
            authors.extend(p for p in byline.people if p not in authors)
            hints.organization = hints.organization or byline.organization
            unnamed = unnamed or byline.unnamed
            credits.extend(f"{n} ({r})" for n, r in byline.contributors)
        elif name == "language" and text:
            hints.language = text[:2].lower()
        elif name == "date" and text:
            event = attrs.get("event", "")
            if event in ("original-publication", "creation"):
                hints.published, hints.date_precision = parse_date(text)
                evidence.append(f"Date from dc:date (event {event}): {text}.")
            else:
                evidence.append(f"dc:date {text} ignored: usually the file's date.")
        elif name == "meta" and el.get("property") == "dcterms:modified":
            evidence.append(f"dcterms:modified {text} ignored: the file's date.")
    hints.authors = authors
    if authors:
        evidence.append(f"Authors from dc:creator: {', '.join(authors)}.")
    elif unnamed:
        evidence.append(f"dc:creator “{unnamed}”: the work names no author.")
    if credits:
        evidence.append(f"Contributors, not authors: {'; '.join(credits)}.")


def _creator(text: str, file_as: str):
    """One dc:creator: a `file-as` ("Carroll, Lewis") holding the same words as the name
    says the name is one person, whichever order it is written in."""
    if file_as and file_as.count(",") == 1 and text.count(",") <= 1:
        words = sorted(w.casefold() for w in re.findall(r"[^\W\d_]+", text))
        if words and words == sorted(w.casefold() for w in re.findall(r"[^\W\d_]+", file_as)):
            last, first = (p.strip() for p in file_as.split(","))
            natural = text if "," not in text else f"{first} {last}"
            return Byline(people=[name_case(natural)])
    byline = read_byline(text)
    byline.people = [name_case(p) for p in byline.people]
    return byline


# --- navigation -----------------------------------------------------------------------


def _navigation(z, nav_href: str) -> tuple[list[NavEntry], list[tuple[str, str, str]]]:
    """The navigation tree, in order, with each entry's depth and number of children;
    and the landmarks (path, fragment, type)."""
    entries: list[NavEntry] = []
    landmarks: list[tuple[str, str, str]] = []

    def add(href: str, label: str, depth: int, children: int) -> None:
        path, frag = _resolve(nav_href, href) if href else ("", "")
        entries.append(NavEntry(path, frag, label, depth, children))

    if nav_href.endswith(".ncx"):
        root = _xml(z, nav_href)
        nav_map = next((e for e in root.iter() if _local(e.tag) == "navMap"), None)

        def walk_ncx(el, depth: int) -> None:
            for point in el:
                if _local(point.tag) != "navPoint":
                    continue
                label = next((e for e in point if _local(e.tag) == "navLabel"), None)
                text = (
                    next((e for e in label.iter() if _local(e.tag) == "text"), None)
                    if (label is not None)
                    else None
                )
                content = next((e for e in point if _local(e.tag) == "content"), None)
                subs = [p for p in point if _local(p.tag) == "navPoint"]
                add(
                    content.get("src", "") if content is not None else "",
                    collapse_spaces(text.text or "") if text is not None else "",
                    depth,
                    len(subs),
                )
                walk_ncx(point, depth + 1)

        if nav_map is not None:
            walk_ncx(nav_map, 0)
    else:
        tree = lxml_html.document_fromstring(_entry(z, nav_href))
        navs = list(tree.iter("nav"))
        toc = [n for n in navs if "toc" in _types(n)] or navs[:1]
        for nav in toc[:1]:
            top = next((el for el in nav.iter("ol", "ul")), None)

            def walk_nav(ol, depth: int) -> None:
                for li in ol:
                    if li.tag != "li":
                        continue
                    link = next((c for c in li if c.tag in ("a", "span")), None)
                    sub = next((c for c in li if c.tag in ("ol", "ul")), None)
                    subs = [c for c in sub if c.tag == "li"] if sub is not None else []
                    if link is not None:
                        add(
                            link.get("href", ""),
                            collapse_spaces(link.text_content()),
                            depth,
                            len(subs),
                        )
                    if sub is not None:
                        walk_nav(sub, depth + 1)

            if top is not None:
                walk_nav(top, 0)
        for nav in navs:
            if "landmarks" in _types(nav):
                for a in nav.iter("a"):
                    path, frag = _resolve(nav_href, a.get("href", ""))
                    for kind in _types(a):
                        landmarks.append((path, frag, kind))
    # An entry without a link (an unlinked "Part I" label) stands where its first linked
    # descendant starts.
    for k, e in enumerate(entries):
        if not e.path:
            nxt = next((d for d in entries[k + 1 :] if d.path), None)
            if nxt is not None and nxt.depth > e.depth:
                e.path, e.frag = nxt.path, nxt.frag
    return [e for e in entries if e.path], landmarks


def _guide(opf, opf_path: str) -> list[tuple[str, str, str]]:
    out = []
    for ref in opf.iter():
        if _local(ref.tag) == "reference" and ref.get("href"):
            path, frag = _resolve(opf_path, ref.get("href"))
            out.append((path, frag, (ref.get("type") or "").lower()))
    return out


def _levels(entries: list[NavEntry], hints: Hints, evidence: list[str]) -> None:
    """Top-level entries are chapters (level 2), deeper ones sub-sections (level 3). A
    top-level entry that is a part above chapters ("Part I" holding "Chapter 1"…) is a
    level-1 heading and its children chapters; one entry holding the whole book (the
    book's title) is a wrapper, and its children are the top level."""
    tops = [e for e in entries if e.depth == 0]
    holding = [t for t in tops if t.children]
    if len(holding) == 1 and (
        len(tops) == 1 or (len(tops) <= 3 and same_title(holding[0].label, hints.title))
    ):
        wrapper = holding[0]
        evidence.append(f"Navigation entry “{wrapper.label}” holds the whole book: not a part.")
        wrapper.level = 0
        k = entries.index(wrapper) + 1
        while k < len(entries) and entries[k].depth > 0:
            entries[k].depth -= 1
            k += 1
    parts = 0
    current_part = False
    for k, e in enumerate(entries):
        if e.level == 0:
            continue
        if e.depth == 0:
            kids = []
            for c in entries[k + 1 :]:
                if c.depth == 0:
                    break
                if c.depth == 1:
                    kids.append(c)
            current_part = bool(kids) and (
                bool(PART_HEADING.match(e.label))
                or (
                    not CHAPTER_LABEL.match(e.label)
                    and sum(bool(CHAPTER_LABEL.match(c.label)) for c in kids) * 2 > len(kids)
                )
            )
            parts += current_part
            e.level = 1 if current_part else 2
        elif e.depth == 1 and current_part:
            e.level = 2
        else:
            e.level = 3
    if parts:
        evidence.append(
            f"{parts} top-level navigation entries are parts above chapters: level-1 "
            "headings, their chapters the sections."
        )


# --- the book's documents ---------------------------------------------------------------


class _Book:
    """The XHTML documents of the book, parsed once, with an index of their ids."""

    def __init__(self, z, html_items: set[str]):
        self.z = z
        self.html_items = html_items
        self.bodies: dict[str, object] = {}
        self.ids: dict[tuple[str, str], object] = {}
        self.words: dict[str, int] = {}

    def load(self, href: str) -> int:
        if href in self.bodies:
            return 0
        try:
            raw = _entry(self.z, href)
        except EpubError:
            self.bodies[href] = None
            return 0
        text = clean_text(raw.decode("utf-8", errors="replace"))
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
        try:
            tree = lxml_html.document_fromstring(text or "<html></html>")
        except Exception:  # noqa: BLE001 - lxml raises several kinds on empty or odd markup
            self.bodies[href] = None
            return 0
        body = tree.find("body")
        body = body if body is not None else tree
        for bad in body.xpath("//script | //style"):
            bad.getparent().remove(bad)
        for br in body.iter("br"):
            br.tail = " " + (br.tail or "")
        self.bodies[href] = body
        for el in body.iter():
            if isinstance(el.tag, str):
                for key in (el.get("id"), el.get("name")):
                    if key:
                        self.ids.setdefault((href, key), el)
        words = count_words(" ".join(body.itertext()))
        self.words[href] = words
        return words

    def target(self, path: str, frag: str):
        if path not in self.bodies and path in self.html_items:
            self.load(path)  # a note file outside the linear spine
        if path not in self.bodies or self.bodies[path] is None:
            return None
        return self.ids.get((path, frag)) if frag else self.bodies[path]


def _text(el) -> str:
    return collapse_spaces(" ".join(" ".join(el.itertext()).split()))


def _drop_apparatus(book, spine, entries, landmarks, hints: Hints, evidence, ledger) -> None:
    """Publishers' apparatus out of the body: elements typed as such (`epub:type`, ARIA
    role), documents or elements the landmarks or guide name as such (unless a chapter's
    navigation entry points into them), Gutenberg's boilerplate wrappers."""
    found: list[str] = []

    def drop(el, kind: str, href: str) -> None:
        text = _text(el)
        if kind in DATING_APPARATUS and not hints.published:
            m = COPYRIGHT_YEAR.search(text)
            if m:
                hints.published, hints.date_precision = parse_date(m.group(1))
                evidence.append(
                    f"Date {m.group(1)}: copyright year of the printed edition, from the "
                    f"{kind} of {posixpath.basename(href)}; an edition date, not the work's "
                    "first publication."
                )
        ledger.drop(text)
        found.append(f"{kind} ({posixpath.basename(href)}, {count_words(text)} words)")
        if el.tag == "body":
            for child in list(el):
                el.remove(child)
            el.text = ""
        else:
            remove_keeping_tail(el)

    marked = {(p, f): kind for p, f, kind in landmarks if kind in APPARATUS}
    for href in spine:
        body = book.bodies.get(href)
        if body is None:
            continue
        for el in list(body.iter()):
            if not isinstance(el.tag, str) or not (el is body or _alive(el, body)):
                continue
            kinds = _types(el) & APPARATUS
            classes = set((el.get("class") or "").split()) | {el.get("id") or ""}
            if kinds:
                drop(el, sorted(kinds)[0], href)
            elif any(PG_BOILERPLATE.match(c) for c in classes if c):
                drop(el, "Project Gutenberg boilerplate", href)
        for (path, frag), kind in marked.items():
            if path != href:
                continue
            if not frag:
                chapters = [
                    e
                    for e in entries
                    if e.path == href and e.frag and not APPARATUS_LABEL.match(e.label)
                ]
                if not chapters and _text(body):
                    drop(body, kind, href)
            else:
                el = book.ids.get((href, frag))
                if (
                    el is not None
                    and el.tag in ("section", "div", "aside", "nav")
                    and _alive(el, body)
                ):
                    drop(el, kind, href)
    if found:
        evidence.append(f"Publisher's apparatus dropped: {'; '.join(found)}.")


APPARATUS_LABEL = re.compile(
    r"^(title ?page|half ?title|cover|copyright( page)?|colophon|imprint|uncopyright|"
    r"(table of )?contents|landmarks|list of (illustrations|tables))$",
    re.I,
)


def _alive(el, body) -> bool:
    return any(anc is body for anc in el.iterancestors())


# --- notes ------------------------------------------------------------------------------


def _note_block(target, body):
    """The block holding a note whose anchor is `target`: a typed note around it (an
    `<li epub:type="endnote">`), else the nearest block (p, li, div, aside…)."""
    for el in [target, *target.iterancestors()][:4]:
        if el is body:
            break
        if _types(el) & NOTE_TYPES:
            return el
    for el in [target, *target.iterancestors()]:
        if el is body:
            return None
        if el.tag in NOTE_BLOCKS:
            return el
    return None


def _take_notes(book, spine, evidence) -> tuple[list[DraftNote], set[str], set[str]]:
    """Footnotes and endnotes out of the body, as notes with their markers. A note is a
    block a note reference links to: the reference typed `noteref` (EPUB 3, ARIA), or a
    marker-like link ("1", "[2]", "*") whose target block links back to it (EPUB 2 and
    Gutenberg's "Footnote_1_1" pattern). Notes typed footnote/endnote that no reference
    reaches are notes too. The reference stays in the text as its marker, "[1]"."""
    notes: list[DraftNote] = []
    taken: dict[int, DraftNote] = {}
    blocks: list = []
    referring: set[int] = set()
    sources: dict[str, int] = {}
    for href in spine:
        body = book.bodies.get(href)
        if body is None:
            continue
        for a in list(body.iter("a")):
            if not a.get("href") or not _alive(a, body):
                continue
            if any(id(anc) in taken for anc in a.iterancestors()):
                continue  # a link inside a note already taken (its label, its back-link)
            typed = bool(_types(a) & NOTEREF_TYPES)
            shown = _text(a)
            if not typed and not NOTE_MARKER.match(shown):
                continue
            path, frag = _resolve(href, a.get("href"))
            if not frag:
                continue
            target = book.target(path, frag)
            note_body = book.bodies.get(path)
            if target is None or note_body is None:
                continue
            block = _note_block(target, note_body)
            if block is None or any(anc is block for anc in [a, *a.iterancestors()]):
                continue
            if any(id(link) in referring for link in block.iter("a")):
                continue  # the paragraph of a reference is no note
            if count_words(_text(block)) > 400 or block.xpath(".//h1|.//h2|.//h3|.//h4"):
                continue
            if not typed and not _links_back(block, path, a, href, book):
                continue
            marker = shown.strip(" []().:") or shown
            if id(block) not in taken:
                note = DraftNote(marker=marker[:20], text=_note_text(block, marker))
                taken[id(block)] = note
                blocks.append((block, path))
                notes.append(note)
            a.text = f"[{marker}]"
            referring.add(id(a))
            for child in list(a):
                a.remove(child)
    # Typed notes no reference reached.
    for href in spine:
        body = book.bodies.get(href)
        if body is None:
            continue
        for el in body.iter():
            if isinstance(el.tag, str) and _types(el) & NOTE_TYPES and id(el) not in taken:
                if any(id(anc) in taken for anc in el.iterancestors()):
                    continue
                number = el.getparent().index(el) + 1 if el.tag == "li" else len(notes) + 1
                m = re.match(r"^\s*[\[(]?(\d{1,3}|[*†‡§])[\])]?[.:]?\s", _text(el) + " ")
                marker = m.group(1) if m else str(number)
                note = DraftNote(marker=marker, text=_note_text(el, marker))
                taken[id(el)] = note
                blocks.append((el, href))
                notes.append(note)
    for block, path in blocks:
        sources[path] = sources.get(path, 0) + 1
        remove_keeping_tail(block)
    notes = [n for n in notes if n.text]
    emptied = set()
    for path in sources:
        body = book.bodies.get(path)
        if body is None:
            continue
        # A notes section emptied of its notes (a "Notes" heading, an empty list) goes.
        for el in list(body.iter()):
            if isinstance(el.tag, str) and _types(el) & NOTES_TYPES and count_words(_text(el)) <= 6:
                remove_keeping_tail(el)
        if count_words(_text(body)) <= 6:
            emptied.add(path)
            evidence.append(f"{posixpath.basename(path)} held only notes: not a section.")
    if notes:
        evidence.append(
            f"{len(notes)} notes (note references with their footnotes or endnotes) kept as "
            "notes, their markers left in the text."
        )
    return notes, emptied, set(sources)


def _links_back(block, path: str, a, href: str, book) -> bool:
    """True when the note block links back into the paragraph of its reference."""
    home = next((anc for anc in [a, *a.iterancestors()] if anc.tag in BLOCKS), None)
    for link in block.iter("a"):
        back_path, back_frag = _resolve(path, link.get("href") or "")
        if back_path != href or not back_frag:
            continue
        el = book.ids.get((href, back_frag))
        if el is None:
            continue
        if el is a or (
            home is not None and (el is home or any(x is home for x in el.iterancestors()))
        ):
            return True
        # An anchor beside the reference ("<a id=r1></a><a href=#n1>1</a>").
        if el.getparent() is not None and el.getparent() is a.getparent():
            return True
    return False


def _note_text(block, marker: str) -> str:
    for link in list(block.iter("a")):
        if link is block:
            continue
        shown = _text(link)
        own_marker = NOTE_MARKER.match(shown) and shown.strip(" []().:") == marker
        if _types(link) & BACKLINK_TYPES or BACKLINK_TEXT.match(shown) or own_marker:
            _strip_link(link)
    text = _text(block)
    text = re.sub(rf"^\s*[\[(]?\s*{re.escape(marker)}\s*[\])]?\s*[.:)]?\s*", "", text)
    return text.strip()


def _strip_link(link) -> None:
    link.text = ""
    for child in list(link):
        link.remove(child)


# --- paragraphs and sections ------------------------------------------------------------


def _document_paras(body, marks: dict[str, list[NavEntry]]) -> list[Para]:
    paras: list[Para] = []
    if "" in marks:
        paras.extend(_nav_heading(e) for e in marks[""])
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        ident = el.get("id") or el.get("name")
        if ident in marks:
            paras.extend(_nav_heading(e) for e in marks[ident])
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
    return paras


def _without_notes_headings(paras: list[Para], ledger) -> list[Para]:
    """A "Notes" heading left with nothing under it once its notes are taken out."""
    out = []
    for k, p in enumerate(paras):
        nxt = paras[k + 1] if k + 1 < len(paras) else None
        if (
            p.kind == "heading"
            and NOTES_HEADING.match(p.text)
            and (nxt is None or nxt.kind == "heading")
        ):
            ledger.drop(p.text)
            continue
        out.append(p)
    return out


def _nav_heading(entry: NavEntry) -> Para:
    para = Para(entry.label, 0, "heading", max(entry.level, 1))
    para._label = True  # the navigation's label, not text of the book
    para._entry = entry
    return para


def _gutenberg_markers(paras: list[Para], evidence, ledger) -> list[Para]:
    """Gutenberg's "*** START OF …" and "*** END OF …" lines, where its EPUB keeps them in
    the text: what is before the first and after the last is the licence."""
    start = next((k for k, p in enumerate(paras) if START.match(p.text)), None)
    end = next((k for k, p in enumerate(paras) if END.match(p.text)), None)
    if start is None and end is None:
        return paras
    lo = start + 1 if start is not None else 0
    hi = end if end is not None and end >= lo else len(paras)
    for p in paras[:lo] + paras[hi:]:
        if not getattr(p, "_label", False):
            ledger.drop(p.text)
    evidence.append(
        "Project Gutenberg START/END lines in the text: what lies outside them dropped."
    )
    return paras[lo:hi]


def _sections(paras: list[Para], hints: Hints, evidence, ledger) -> list[Para]:
    """Navigation labels are the chapters; the chapter's own heading that repeats its
    label is dropped; a labelled part with almost no text (cover, title page) is front
    matter: its copyright year is the edition's, its lines are not body text. A label
    with sub-entries (a chapter with sections, a part with chapters) is counted with them
    and is never front matter; a label left with nothing (its notes taken out) is none."""
    out: list[Para] = []
    k = 0
    while k < len(paras):
        para = paras[k]
        if not getattr(para, "_label", False):
            out.append(para)
            k += 1
            continue
        entry = para._entry
        j = k + 1
        while j < len(paras) and not getattr(paras[j], "_label", False):
            j += 1
        part = paras[k + 1 : j]
        words = sum(count_words(p.text) for p in part)
        if entry.level == 0:
            # A wrapper entry (the book's title holding every chapter): no heading.
            ledger.drop(para.text)
            k += 1
            continue
        if not entry.children and not words:
            evidence.append(f"“{para.text}” holds no text: not a section.")
            ledger.drop(para.text)
            k = j
            continue
        if (
            not entry.children
            and words < MIN_SECTION_WORDS
            and not any(getattr(p, "_label", False) for p in out)
        ):
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
