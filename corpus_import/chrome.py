"""Chrome: text around an article that is not the article.

Two kinds: known patterns (reader toolbars, "Print Friendly", blog footers, feed
trailers, page numbers, separators) and learned ones (a short line that recurs across
several documents of the same file or batch is a widget or running header; a line that
is one phrase written twice is an image caption, of which one copy is kept as a caption).
Every dropped word is entered in the file's ledger.
"""

from __future__ import annotations

import re
from collections import defaultdict

from .data import DraftNote, Ledger, Para, RawDocument
from .normalize import collapse_whitespace, count_words, key_for, undouble
from .pages import mark_numbered_headings

KNOWN_CHROME = [
    re.compile(p, re.I)
    for p in (
        r"^(\[[^\]\s]{1,3}\]\s*){3,}$",  # reader toolbar: [*] [+] [-] [x] [A+] [a-]
        r"^print\s*friendly(,?\s*pdf\s*(&|and)\s*email)?$",
        r"^printer[- ]friendly( version)?$",
        r"^front page of this issue$",
        r"^(share|share this|share this:|share on \w+|tweet|email this|like this:?)$",
        r"^click to (share|print|email)\b.*$",
        r"^(loading\.\.\.|loading…)$",
        r"^(related|related posts|related articles|you may also like|read more|"
        r"continue reading.*|leave a comment|leave a reply|subscribe|advertisement|"
        r"skip to (main )?content|back to top|comments?|\d+ comments?)$",
        r"^as of \d{1,2}/\d{1,2}/\d{2,4}\b.*last new\b.*$",  # feed reader trailer
        r"^next feed in category:.*$",
        r"^(page\s+)?\d{1,3}(\s+of\s+\d{1,4})?$|^page\s+\d{1,4}$",  # page numbers
        r"^[-–—]\s*\d{1,4}\s*[-–—]$",
        r"^[\s*·•_=~\-–—#]+$",  # separators (no words)
        r"^categories\s*\|?.*$",
        r"^tags?\s*[:|].*$",
        r"^posted in\b.{0,80}$",
        r"^filed under\b.{0,80}$",
        r"^permalink$",
        r"^archives?$",
        # Encyclopedia (MediaWiki) pages copied as text or printed: the site's own lines.
        r"^from wikipedia, the free encyclopedia$",
        r"^(de wikipedia, la enciclopedia libre|aus wikipedia, der freien enzyklop[äa]die|"
        r"un article de wikip[ée]dia, l'encyclop[ée]die libre|"
        r"da wikipedia, l'enciclopedia libera|origem: wikip[ée]dia, a enciclop[ée]dia livre|"
        r"z wikipedii, wolnej encyklopedii)\.?$",
        r"^(obtenido de|abgerufen von|ce document provient de|estratto da|"
        r"obtid[ao] de|źródło:)\s*[«„“\"']?https?://.{0,300}$",
        r"^(esta página se editó por última vez el|diese seite wurde zuletzt am|"
        r"la dernière modification de cette page a été faite le|"
        r"questa pagina è stata modificata per l'ultima volta il)\b.{0,160}$",
        r"^jump to (navigation|content|search)\b.{0,40}$",
        # "Retrieved from https://…", "Retrieved on 12 March 2021.": never "Retrieved from
        # the attic in 1988, the trunk…".
        r"^retrieved (from\s*[«„“\"']?https?://.{0,300}|on\s+[^,]{0,40}\d{4}(,?\s*from\s+\S+)?\.?)$",
        r"^this page was last (edited|modified) on\b.{0,120}$",
        r"^text is available under the creative commons\b.{0,400}$",
        r"^((privacy policy|about wikipedia|disclaimers|contact wikipedia|cookie statement|"
        r"mobile view|developers|statistics)\s*[|·]?\s*){2,}$",
    )
]

STRUCTURAL = {
    "notes", "footnotes", "endnotes", "references", "introduction", "conclusion",
    "contents", "table of contents", "bibliography", "acknowledgements", "acknowledgments",
    "preface", "epilogue", "prologue", "appendix", "sources", "further reading", "index",
    "foreword", "afterword", "summary", "abstract", "notas", "introducción", "conclusión",
}  # fmt: skip

# The end matter of encyclopedia (MediaWiki) articles, by its headings in the larger
# editions' languages. One rule for every such page: what the article cites or lists to
# read (notes, references, citations, sources, bibliography, further reading) is kept as
# the document's notes; navigation to other articles and sites (see also, external links)
# is dropped; neither stays a section of the body.
END_NOTES = {
    "notes", "footnotes", "endnotes", "references", "citations", "sources", "works cited",
    "bibliography", "further reading", "literature", "notes and references",
    "references and notes", "explanatory notes", "general references", "cited sources",
    "general and cited references", "reference", "note", "sources and further reading",
    # es
    "notas", "referencias", "bibliografía", "fuentes", "notas y referencias", "citas",
    "lecturas adicionales", "bibliografía adicional", "obras citadas", "referencias y notas",
    # de
    "einzelnachweise", "anmerkungen", "literatur", "quellen", "belege", "fußnoten",
    "weiterführende literatur", "quellen und einzelnachweise", "literatur und quellen",
    # fr, it, pt, nl, pl, cs, ru
    "notes et références", "références", "bibliographie", "bibliografia", "fonti",
    "note e riferimenti", "referências", "fontes", "notas e referências", "leitura adicional",
    "referenties", "bronnen", "noten", "voetnoten", "literatuur", "bronvermelding",
    "przypisy", "literatura", "poznámky", "примечания", "литература",
    "источники",
}  # fmt: skip
END_LINKS = {
    "see also", "external links", "other websites", "related articles", "links",
    "véase también", "enlaces externos", "vínculos externos", "siehe auch", "weblinks",
    "voir aussi", "liens externes", "articles connexes", "voci correlate",
    "collegamenti esterni", "altri progetti", "ver também", "ligações externas",
    "links externos", "zie ook", "externe links", "externe link", "zobacz też",
    "linki zewnętrzne", "související články", "externí odkazy", "odkazy", "см. также",
    "ссылки",
}  # fmt: skip


_EDIT_LINK_TAIL = re.compile(r"\s*\[[^\]]{1,40}\]\s*$")


def end_matter_kind(heading: str) -> str:
    """'notes' or 'links' for an end-matter heading of an encyclopedia article, else ''."""
    # (A text copy keeps the heading's edit link: "Weblinks[Bearbeiten | Quelltext …]".)
    key = " ".join(_EDIT_LINK_TAIL.sub("", heading).split()).strip(" :.").casefold()
    if len(key) > 40:
        return ""
    if key in END_NOTES:
        return "notes"
    return "links" if key in END_LINKS else ""


_FOOTER_WORDS = re.compile(
    r"\b(archives?|blog|categories|tags|subscribe|comments?|posted in|filed under|"
    r"permalink|share this|newsletter|rss|all rights reserved|copyright ©|©)\b",
    re.I,
)
_MONTH_YEAR = re.compile(
    r"^(january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\s+\d{4}$",
    re.I,
)


# One alternation tried in a single regex call: the same matches as trying each pattern
# in turn, without a Python-level loop for every paragraph of every file.
_KNOWN_CHROME_ANY = re.compile("|".join(f"(?:{p.pattern})" for p in KNOWN_CHROME), re.I)


def is_known_chrome(text: str) -> bool:
    return _KNOWN_CHROME_ANY.match(collapse_whitespace(text)) is not None


# A MediaWiki reference copied as text: its back-link mark ("^", or "↑" in many
# editions), after the list number when the copy kept it, then the letters of a reference
# cited several times ("^ a b c", "↑ a b", "^ abc") or their numbers ("↑ 1,0 1,1").
_REFERENCE_LINE = re.compile(r"^\s*(?:(\d{1,3})[.)]\s*)?[\^↑]\s*(?:jump up(?: to)?:?\s*)?", re.I)
_BACKLINK_NUMBERS = re.compile(r"^(?:\d{1,3}[,.]\d{1,3}\s+){2,}")
_BACKLINK_LETTERS = re.compile(r"^([a-z](?:\s?[a-z]){1,25})\s+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
MAX_END_MATTER_WORDS = 80


def _reference_text(rest: str) -> str:
    rest = _BACKLINK_NUMBERS.sub("", rest)
    m = _BACKLINK_LETTERS.match(rest)
    if m:
        letters = m.group(1).replace(" ", "")
        if len(letters) >= 2 and _LETTERS.startswith(letters):
            rest = rest[m.end() :]
    return rest.strip()


_NEXT_REFERENCE = re.compile(r"\s+(?=[\^↑]\s)")


_REFERENCE_STARTS = frozenset("^↑0123456789")


def _may_be_reference(text: str) -> bool:
    """The cheap test first (it is asked of every paragraph): a reference line opens
    with its back-link mark or its list number."""
    first = text[:1]
    if first == " ":
        first = text[:4].lstrip()[:1]
    return first in _REFERENCE_STARTS


def _split_reference_runs(paras: list[Para]) -> list[Para]:
    """Reference lines copied without blank lines between them can arrive as one
    paragraph: one per back-link mark again."""
    out: list[Para] = []
    for p in paras:
        if (
            p.kind in ("heading", "break")
            or not _may_be_reference(p.text)
            or not _REFERENCE_LINE.match(p.text)
        ):
            out.append(p)
            continue
        pieces = _NEXT_REFERENCE.split(p.text)
        out.append(p)
        if len(pieces) > 1:
            p.text = pieces[0]
            out.extend(Para(piece, p.line, p.kind) for piece in pieces[1:])
    return out


def take_reference_lines(doc: RawDocument, ledger: Ledger) -> None:
    """An encyclopedia article saved as text: its references are the lines that open with
    a back-link mark, cited once or many times, and they become notes like those of the
    saved page (marker "[n]" by their order, or the list number the copy kept). Its end
    matter follows the rule of the HTML reader (chrome.END_NOTES): end-matter headings
    leave the body; entries under a references-like heading become notes; what is under
    "See also" or "External links" is dropped."""
    if sum(1 for p in doc.paras if p.text[:1] in _REFERENCE_STARTS) < 1:
        return  # (nearly every text: no line opens with a back-link mark or a number)
    paras = _split_reference_runs(doc.paras)
    refs = {
        k
        for k, p in enumerate(paras)
        if p.kind not in ("heading", "break")
        and _may_be_reference(p.text)
        and _REFERENCE_LINE.match(p.text)
    }
    if len(refs) < 2:
        return
    # The end matter: from the first end-matter heading after which every line is short
    # (entries, not prose), or from the first reference line.
    first = min(refs)
    start = first
    for k in range(first, -1, -1):
        long = paras[k].kind != "break" and count_words(paras[k].text) > MAX_END_MATTER_WORDS
        if long and k not in refs:
            break
        if end_matter_kind(paras[k].text):
            start = k
    kind, number = "notes", 0
    kept, notes = paras[:start], []
    for k in range(start, len(paras)):
        para = paras[k]
        heading = end_matter_kind(para.text)
        m = _REFERENCE_LINE.match(para.text) if k in refs else None
        if m is None and not heading and is_known_chrome(para.text):
            kept.append(para)  # the site's own lines ("Retrieved from"), dropped below
        elif heading and m is None:
            kind, number = heading, 0
            ledger.drop(para.text)
        elif m is not None:
            number += 1
            marker = f"[{m.group(1) or para.list_number or number}]"
            notes.append(DraftNote(marker=marker, text=_reference_text(para.text[m.end() :])))
            ledger.meta(para.text)
            ledger.metadata += para.list_number is not None  # the item's number, a word
        elif kind == "notes" and count_words(para.text) <= MAX_END_MATTER_WORDS:
            notes.append(DraftNote(marker="", text=para.text.strip()))
            ledger.meta(para.text)
        elif kind == "links" and count_words(para.text) <= MAX_END_MATTER_WORDS:
            ledger.drop(para.text)
        else:
            kept.append(para)
    doc.notes = list(doc.notes) + notes
    doc.paras = kept
    doc.family = doc.family or "Encyclopedia page saved as text"
    doc.evidence.append(
        f"Encyclopedia page saved as text: {len(notes)} references (lines opening with "
        "“^” or “↑”) kept as notes."
    )


def strip_known(doc: RawDocument, ledger: Ledger) -> None:
    """Drop known chrome paragraphs and the trailing blog/site footer; undouble captions."""
    take_reference_lines(doc, ledger)
    if mark_numbered_headings(doc.paras):
        doc.evidence.append("Numbered lines in sequence with text between: section headings.")
    kept: list[Para] = []
    for para in doc.paras:
        if para.kind in ("heading", "break"):
            kept.append(para)
            continue
        if is_known_chrome(para.text):
            ledger.drop(para.text)
            continue
        single = undouble(para.text)
        if single is not None and count_words(single) <= 40:
            ledger.drop(single)
            para.text = single
            para.kind = "caption"
        kept.append(para)
    doc.paras = _strip_footer(kept, ledger)


def _strip_footer(paras: list[Para], ledger: Ledger) -> list[Para]:
    """From the end upwards, drop short lines that are site furniture (archive links,
    categories, a lone month and year), stopping at the first line of real text."""
    end = len(paras)
    while end > 1:
        para = paras[end - 1]
        text = " ".join(para.text.split())
        words = count_words(text)
        furniture = (
            _MONTH_YEAR.match(text)
            or (words <= 40 and _FOOTER_WORDS.search(text) and para.kind != "heading")
            or words == 0
        )
        if not furniture:
            break
        ledger.drop(para.text)
        end -= 1
    return paras[:end]


class ChromeMemory:
    """Short lines seen in several documents: within one file, two documents are enough;
    across files of a batch, three."""

    MAX_WORDS = 12

    def __init__(self) -> None:
        self.batch_seen: dict[str, set[str]] = defaultdict(set)

    @classmethod
    def candidate_key(cls, para: Para) -> str | None:
        if para.kind in ("heading", "list_item", "break"):
            return None
        words = count_words(para.text)
        if not 1 <= words <= cls.MAX_WORDS:
            return None
        key = key_for(para.text)
        if not key or key in STRUCTURAL:
            return None
        return key

    def strip_learned(self, docs: list[RawDocument], ledger: Ledger, file_id: str) -> None:
        per_file: dict[str, set[int]] = defaultdict(set)
        for i, doc in enumerate(docs):
            for para in doc.paras:
                key = self.candidate_key(para)
                if key:
                    per_file[key].add(i)
        recurring = {k for k, ids in per_file.items() if len(ids) >= 2}
        recurring |= {
            k
            for k in per_file
            if len(self.batch_seen.get(k, set()) - {file_id}) >= 2
            or (len(self.batch_seen.get(k, set()) - {file_id}) >= 1 and len(per_file[k]) >= 2)
        }
        for key in per_file:
            if len(self.batch_seen) < 200_000:
                self.batch_seen[key].add(file_id)
        if not recurring:
            return
        for doc in docs:
            kept = []
            for para in doc.paras:
                key = self.candidate_key(para)
                if key in recurring:
                    ledger.drop(para.text)
                else:
                    kept.append(para)
            doc.paras = kept
