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

from .data import Ledger, Para, RawDocument
from .normalize import collapse_whitespace, count_words, key_for, undouble

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
        r"^jump to (navigation|content|search)\b.{0,40}$",
        r"^retrieved (from|on)\b.{0,300}$",
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


def strip_known(doc: RawDocument, ledger: Ledger) -> None:
    """Drop known chrome paragraphs and the trailing blog/site footer; undouble captions."""
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
