"""Plain dataclasses passed between the importer's pure stages.

readers -> RawDocument (paragraph candidates with hints) -> structure/metadata ->
DraftDocument (what the library will hold) -> dedupe/load. Nothing here touches the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasketch import LeanMinHash

WORD_RE_PATTERN = r"\w+(?:[’'\-]\w+)*"


@dataclass
class Ledger:
    """Word accounting for one file: read == kept + chrome + metadata, always."""

    read: int = 0
    kept: int = 0
    chrome: int = 0
    metadata: int = 0
    chrome_samples: list[str] = field(default_factory=list)

    def drop(self, text: str, words: int | None = None) -> None:
        from .normalize import count_words

        n = count_words(text) if words is None else words
        self.chrome += n
        if n and len(self.chrome_samples) < 50:
            sample = " ".join(text.split())[:120]
            if sample and sample not in self.chrome_samples:
                self.chrome_samples.append(sample)

    def meta(self, text: str) -> None:
        from .normalize import count_words

        self.metadata += count_words(text)

    @property
    def balanced(self) -> bool:
        return self.read == self.kept + self.chrome + self.metadata

    def as_dict(self) -> dict:
        return {
            "read": self.read,
            "kept": self.kept,
            "chrome": self.chrome,
            "metadata": self.metadata,
            "balanced": self.balanced,
        }


@dataclass
class Para:
    """A paragraph candidate as a reader found it. `kind` is a hint ('' = decide later)."""

    text: str
    line: int = 0
    kind: str = ""
    level: int = 2
    list_number: int | None = None
    resegmented: bool = False


@dataclass
class Hints:
    """Metadata a reader found in markup (front matter, <meta>, feed fields, title page)."""

    title: str = ""
    subtitle: str = ""
    authors: list[str] | None = None
    organization: str = ""
    venue: str = ""
    published: date | None = None
    date_precision: str = ""
    language: str = ""
    contents: list[str] = field(default_factory=list)


@dataclass
class RawDocument:
    paras: list[Para]
    line_start: int = 1
    line_end: int = 1
    hints: Hints = field(default_factory=Hints)
    # True when the reader has already taken title/byline from the text (feeds, HTML,
    # Markdown front matter, title pages) so the head of the body is not searched again.
    head_parsed: bool = False
    warnings: list[str] = field(default_factory=list)
    # Which family of texts the reader recognised ("Project Gutenberg e-book", "WordPress
    # blog post", ...) and the lines of the source that told it so, for the report.
    family: str = ""
    evidence: list[str] = field(default_factory=list)
    notes: list[DraftNote] = field(default_factory=list)
    # The markup marks paragraphs (HTML, EPUB, feeds): long ones are never re-cut.
    paragraphs_marked: bool = False


@dataclass
class DraftBlock:
    text: str
    kind: str = "paragraph"
    list_number: int | None = None
    words: int | None = None  # count_words(text): set by the pipeline, once per block
    anchor_base: str = ""  # the library's anchor digest of the text, where computed ahead

    def __reduce__(self):
        # Pickled as the constructor's arguments (the read-ahead worker sends every block
        # to the writer): half the pickling time of the default, which writes each
        # block's attribute dictionary with its keys.
        return (DraftBlock, (self.text, self.kind, self.list_number, self.words, self.anchor_base))


@dataclass
class DraftNote:
    """A footnote or endnote: kept with the document, out of the body, with its marker."""

    marker: str
    text: str


@dataclass
class DraftSection:
    heading: str
    blocks: list[DraftBlock] = field(default_factory=list)
    level: int = 2


@dataclass
class DraftDocument:
    title: str
    sections: list[DraftSection]
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)
    organization: str = ""
    venue: str = ""
    published: date | None = None
    date_precision: str = ""
    language: str = "en"
    needs_review: bool = False
    review_note: str = ""
    warnings: list[str] = field(default_factory=list)
    line_start: int = 1
    line_end: int = 1
    resegmented: bool = False
    index: int = 0
    notes: list[DraftNote] = field(default_factory=list)
    # The library's text hash of the blocks, when computed off the writer's process.
    text_hash: str = ""
    # The MinHash signature of the blocks (dedupe.signature), made by the pipeline from
    # the casefolded words it finds for language detection anyway.
    signature: LeanMinHash | None = field(default=None, repr=False, compare=False)

    @property
    def blocks(self) -> list[DraftBlock]:
        return [b for s in self.sections for b in s.blocks]

    @property
    def headings(self) -> list[str]:
        return [s.heading for s in self.sections if s.heading]

    @property
    def paragraph_count(self) -> int:
        return sum(1 for b in self.blocks if b.kind != "heading")

    @property
    def word_count(self) -> int:
        from .normalize import count_words

        return sum(count_words(b.text) if b.words is None else b.words for b in self.blocks)

    @property
    def structure_score(self) -> int:
        """How well structured the text is: real paragraphs and sections count.

        Paragraphs the importer made by cutting a one-line text count as one, so a
        version with the author's own paragraphs always wins.
        """
        paragraphs = 1 if self.resegmented else self.paragraph_count
        return paragraphs + 2 * len(self.headings)


@dataclass
class FileInput:
    """One file to import: its name as reported and its bytes (or an error found early)."""

    name: str
    data: bytes = b""
    error: str = ""


@dataclass
class FileResult:
    name: str
    sha256: str = ""
    size: int = 0
    format: str = ""
    documents: list[DraftDocument] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ledger: Ledger = field(default_factory=Ledger)
    family: str = ""
    evidence: list[str] = field(default_factory=list)
